"""Caption scores in our own code: BLEU-1..4, CIDEr-D, ROUGE-L, plus baseline and diversity.

The definitions follow the COCO caption evaluation code (``pycocoevalcap``), against which the tests
check these functions on a fixed set. Input: tokenised captions; ``refs[i]`` is the list of reference
token lists of image ``i``, ``hyps[i]`` the one generated token list (a caption given as a string, as
pycocoevalcap takes it, is refused: it would be scored a character a word).

- **BLEU-n** (Papineni et al. 2002), corpus level: clipped n-gram precisions
  ``p_k = sum_i min(count_hyp, max_ref count) / sum_i hyp n-grams``, geometric mean over k = 1..n, times
  the brevity penalty ``exp(1 - r/c)`` when ``c < r`` (c: total hypothesis length, r: sum of the
  reference lengths closest to each hypothesis). As in pycocoevalcap, ``1e-15`` / ``1e-9`` are
  added to numerator / denominator.
- **CIDEr-D** (Vedantam et al. 2015): n-grams (n = 1..4) weighted by TF-IDF, the document frequency
  counted over the reference sets of the scored images; per n the cosine similarity with each
  reference, the hypothesis weights clipped by the reference's, times the length penalty
  ``exp(-(l_h - l_r)^2 / (2 * 6^2))``; averaged over n and references, times 10. Lengths are measured
  exactly as the reference implementation does (its length counter counts bigrams).
- **ROUGE-L** (Lin 2004): per image ``F = (1 + b^2) P R / (R + b^2 P)`` with ``b = 1.2``, P and R the
  best longest-common-subsequence precision and recall over the references; mean over images.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from rnnkit.utils.errors import InputTypeError, RnnkitError

Tokens = Sequence[str]
_TINY, _SMALL = 1e-15, 1e-9


def _ngrams(tokens: Tokens, n_max: int) -> Counter:
    return Counter(tuple(tokens[i : i + k]) for k in range(1, n_max + 1) for i in range(len(tokens) - k + 1))


def _words(captions: Iterable[Tokens], name: str) -> list[Tokens]:
    """The captions as a list, refusing a caption given as a string where a list of its words belongs.

    Why: a string is a sequence too, of characters, so ``score_all([["a dog runs"]], ["a dog runs"])``
    (captions as pycocoevalcap takes them) scored characters as words without a word: BLEU near 1 for
    captions that share their letters. The list is what the caller then reads: captions given as a
    generator are read once here, and checking them would otherwise leave none to score."""
    if isinstance(captions, str):
        raise InputTypeError(f"{name} must be a list of captions, got the string {captions[:60]!r}")
    captions = list(captions)
    for i, caption in enumerate(captions):
        if isinstance(caption, str):
            raise InputTypeError(
                f"{name}[{i}] must be a list of words, got the string {caption[:60]!r}: split it into "
                "words first (rnnkit.caption.datasets.tokenize(text), as rnnkit reads captions)"
            )
    return captions


def _check(refs: Sequence[Sequence[Tokens]], hyps: Sequence[Tokens]) -> None:
    _words(hyps, "hyps")
    if isinstance(refs, str):
        raise InputTypeError(f"refs must be a list of reference sets, got the string {refs[:60]!r}")
    for i, ref_set in enumerate(refs):
        _words(ref_set, f"refs[{i}]")
    if len(refs) != len(hyps):
        raise RnnkitError(f"{len(hyps)} hypotheses for {len(refs)} reference sets")
    if not hyps:
        raise RnnkitError("nothing to score: no captions")
    if any(len(r) == 0 for r in refs):
        raise RnnkitError("every image needs at least one reference caption")


def bleu(refs: Sequence[Sequence[Tokens]], hyps: Sequence[Tokens], n: int = 4) -> list[float]:
    """Corpus BLEU-1..n (a list of n floats in [0, 1])."""
    _check(refs, hyps)
    correct, guess = [0] * n, [0] * n
    hyp_len = ref_len = 0
    for ref_set, hyp in zip(refs, hyps, strict=True):
        max_ref: Counter = Counter()
        for r in ref_set:
            for g, c in _ngrams(r, n).items():
                max_ref[g] = max(max_ref[g], c)
        for g, c in _ngrams(hyp, n).items():
            correct[len(g) - 1] += min(max_ref.get(g, 0), c)
        for k in range(n):
            guess[k] += max(0, len(hyp) - k)
        hyp_len += len(hyp)
        ref_len += min((abs(len(r) - len(hyp)), len(r)) for r in ref_set)[1]  # closest, shorter on ties
    scores, product = [], 1.0
    for k in range(n):
        product *= (correct[k] + _TINY) / (guess[k] + _SMALL)
        scores.append(product ** (1.0 / (k + 1)))
    ratio = (hyp_len + _TINY) / (ref_len + _SMALL)
    if ratio < 1:
        scores = [s * math.exp(1 - 1 / ratio) for s in scores]
    return scores


def cider_d(
    refs: Sequence[Sequence[Tokens]], hyps: Sequence[Tokens], n: int = 4, sigma: float = 6.0
) -> float:
    """Corpus CIDEr-D (mean of per-image scores; about 0 to 10)."""
    return float(np.mean(cider_d_per_image(refs, hyps, n, sigma)))


def cider_d_per_image(
    refs: Sequence[Sequence[Tokens]], hyps: Sequence[Tokens], n: int = 4, sigma: float = 6.0
) -> list[float]:
    """CIDEr-D of each image (the IDF still comes from all the reference sets given)."""
    _check(refs, hyps)
    ref_counts = [[_ngrams(r, n) for r in ref_set] for ref_set in refs]
    df: Counter = Counter()
    for counts in ref_counts:
        df.update({g for c in counts for g in c})
    log_docs = math.log(float(len(refs)))

    def vec(counts: Counter) -> tuple[list[dict], list[float], int]:
        v: list[dict] = [{} for _ in range(n)]
        norm = [0.0] * n
        length = 0
        for g, tf in counts.items():
            k = len(g) - 1
            w = float(tf) * (log_docs - math.log(max(1.0, df[g])))
            v[k][g] = w
            norm[k] += w * w
            if k == 1:  # the reference implementation's length: the number of bigrams
                length += tf
        return v, [math.sqrt(x) for x in norm], length

    scores = []
    for hyp, counts in zip(hyps, ref_counts, strict=True):
        vh, nh, lh = vec(_ngrams(hyp, n))
        total = np.zeros(n)
        for rc in counts:
            vr, nr, lr = vec(rc)
            penalty = math.exp(-((lh - lr) ** 2) / (2 * sigma**2))
            for k in range(n):
                val = sum(min(w, vr[k].get(g, 0.0)) * vr[k].get(g, 0.0) for g, w in vh[k].items())
                if nh[k] != 0 and nr[k] != 0:
                    val /= nh[k] * nr[k]
                total[k] += val * penalty
        scores.append(float(np.mean(total)) / len(counts) * 10.0)
    return scores


def _lcs(a: Tokens, b: Tokens) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(refs: Sequence[Sequence[Tokens]], hyps: Sequence[Tokens], beta: float = 1.2) -> float:
    """Mean ROUGE-L F-score over images."""
    _check(refs, hyps)
    scores = []
    for ref_set, hyp in zip(refs, hyps, strict=True):
        if not hyp:
            scores.append(0.0)
            continue
        lcs = [_lcs(r, hyp) for r in ref_set]
        p = max(c / len(hyp) for c in lcs)
        # an empty reference has no recall (pycocoevalcap divides by its length); an image whose references
        # are all empty scores 0, as BLEU and CIDEr-D score it: max() of none was a ValueError's traceback
        r = max((c / len(ref) for c, ref in zip(lcs, ref_set, strict=True) if ref), default=0.0)
        scores.append((1 + beta**2) * p * r / (r + beta**2 * p) if p and r else 0.0)
    return float(np.mean(scores))


def score_all(refs: Sequence[Sequence[Tokens]], hyps: Sequence[Tokens]) -> dict[str, float]:
    """``BLEU-1..4``, ``CIDEr-D``, ``ROUGE-L`` in one dict."""
    b = bleu(refs, hyps)
    return {
        **{f"BLEU-{k + 1}": b[k] for k in range(4)},
        "CIDEr-D": cider_d(refs, hyps),
        "ROUGE-L": rouge_l(refs, hyps),
    }


def most_frequent_caption(train_captions: Iterable[Tokens]) -> list[str]:
    """The baseline: the most frequent training caption (ties: the first seen)."""
    train_captions = _words(train_captions, "train_captions")
    if not train_captions:
        raise RnnkitError("no training captions for the most-frequent-caption baseline")
    counts = Counter(tuple(c) for c in train_captions)
    return list(counts.most_common(1)[0][0])


def diversity(hyps: Iterable[Tokens], train_captions: Iterable[Tokens] = ()) -> dict[str, float]:
    """How varied the generated captions are; the known failure is one caption for every image.

    Returns ``distinct`` (distinct captions / images, 1 = all different), ``vocab`` (distinct words
    used) and ``novel`` (share of captions not seen verbatim in training; 0 when none are given).
    """
    hyps = _words(hyps, "hyps")
    train_captions = _words(train_captions, "train_captions")
    if not hyps:
        raise RnnkitError("nothing to measure: no captions")
    as_text = [" ".join(h) for h in hyps]
    seen = {" ".join(c) for c in train_captions}
    return {
        "distinct": len(set(as_text)) / len(as_text),
        "vocab": float(len({w for h in hyps for w in h})),
        "novel": (sum(t not in seen for t in as_text) / len(as_text)) if seen else 0.0,
    }
