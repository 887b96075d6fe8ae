"""Minimum Bayes risk (MBR) decoding: of the beam's hypotheses, the one the others agree with most.

Beam search returns the single most probable output it found; with one reference per sentence that
output is often a plausible paraphrase the reference does not share. MBR (Kumar & Byrne 2004;
Eikema & Aziz 2020; Freitag et al. 2022) instead picks the hypothesis with the highest *expected*
utility under the model, the model's other hypotheses standing in for the unknown reference::

    y* = argmax_{h in H}  sum_{y in H}  p(y | x, H) * chrF(h, y)
    p(y | x, H) = softmax_{y in H}( s(y) / T )

``H`` is the beam's n-best list (N hypotheses), ``s(y)`` the score beam search ranked them by (the
log-probability over the GNMT length penalty), ``T`` a temperature (1: the model's own scores;
larger: flatter weights; the uniform average is ``T -> inf``). The utility is sentence-level chrF
from sacrebleu, the same chrF the evaluation reports, so MBR aims at what is measured; it gains
most where several near-identical hypotheses share the words a lone top hypothesis lacks.

**The repetition guard.** chrF rewards recall twice as much as precision, and the expected utility
rewards a hypothesis that holds the words of many others: left alone, MBR often picks a stitched
hypothesis that says a word twice (``남동생은 서울에서 서울에 살아요.``, ``카드 카드 있어요?``). On the
shipped model's validation split it raised the outputs with a repeated word from 6.6% (the beam's
best) to 16.5% (the references: 2.0%). So only hypotheses that repeat no more words than the beam's
own best are eligible (:func:`repeated_words`); with the guard the share is 6.3% and chrF is no lower
(docs/RESULTS.md, "Seventh look").

Cost: N^2 chrF comparisons per sentence on top of the beam; for N = 24 about 14 ms with each text's
n-grams counted once (:func:`chrf_matrix`), against 38 ms calling ``sentence_score`` per pair.

Kept by hand on purpose: the selection is the two lines above; the utility is sacrebleu's. The
library made for MBR (``mbrs``) pulls COMET, BLEURT and BERTScore with their model downloads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

Utility = Callable[[str, str], float]  # utility(hypothesis, pseudo_reference), higher is better

DEFAULT_TEMPERATURE = 1.0
STEM = 2  # characters that make two words "the same word" (Korean words carry particles: 서울에, 서울에서)
_NOT_WORD = re.compile(r"[^\w]")


@lru_cache(maxsize=1)
def _chrf():
    from sacrebleu.metrics import CHRF

    return CHRF()  # chrF2, character 6-grams: sacrebleu's defaults, as rnnkit.translate.metrics scores


def chrf_utility(hypothesis: str, reference: str) -> float:
    """Sentence-level chrF (0-100) of ``hypothesis`` against one pseudo-reference."""
    return _chrf().sentence_score(hypothesis, [reference]).score


def chrf_matrix(texts: Sequence[str]) -> list[list[float]]:
    """``M[i][j] = chrf_utility(texts[i], texts[j])`` for every pair, each text's n-grams counted once.

    ``sentence_score`` counts both strings' character n-grams on every call, N^2 times for N
    candidates (a third of the shipped decoding's time at N = 24). This reads each text's n-grams
    once through sacrebleu's own CHRF (its reference extraction, match statistics and F-score), so the
    numbers are sacrebleu's to the last digit (tested). Should a sacrebleu release rename those
    methods, it falls back to ``sentence_score``.
    """
    chrf = _chrf()
    try:
        grams = [chrf._extract_reference_info([t])["ref_ngrams"][0] for t in texts]  # per text, per order
        return [
            [chrf._compute_f_score([x for h, r in zip(gh, gr, strict=True) for x in chrf._get_match_statistics(h, r)])
             for gr in grams]
            for gh in grams
        ]  # fmt: skip
    except AttributeError:  # pragma: no cover - another sacrebleu
        return [[chrf_utility(h, y) for y in texts] for h in texts]


def repeated_words(text: str) -> int:
    """How many words of ``text`` begin like an earlier word of it: the words (split on spaces,
    punctuation stripped) of at least :data:`STEM` characters, less their distinct first ``STEM``
    characters. ``서울에서 서울에`` and ``카드 카드`` count 1 each; ``저는 학생이에요`` counts 0."""
    stems = [w[:STEM] for w in (_NOT_WORD.sub("", word) for word in text.split()) if len(w) >= STEM]
    return len(stems) - len(set(stems))


def posterior(scores: Sequence[float], temperature: float = DEFAULT_TEMPERATURE) -> list[float]:
    """``softmax(scores / T)``: the weight of each hypothesis as a pseudo-reference; sums to 1."""
    if temperature <= 0:
        raise ValueError(f"MBR temperature must be positive (got {temperature})")
    scaled = [s / temperature for s in scores]
    top = max(scaled)
    exp = [math.exp(s - top) for s in scaled]  # shifted by the max: no overflow
    total = sum(exp)
    return [e / total for e in exp]


def expected_utilities(
    candidates: Sequence[str],
    weights: Sequence[float],
    utility: Utility | None = None,
) -> list[float]:
    """``E[u(h)] = sum_j w_j u(h, y_j)`` for every candidate ``h``, the candidates as pseudo-references.

    A candidate's agreement with itself counts too (weighted by its own probability), as in the
    equation above. ``utility`` None is sentence chrF (:func:`chrf_matrix`); another utility is
    called once per distinct pair of strings.
    """
    if len(candidates) != len(weights):
        raise ValueError(f"{len(candidates)} candidates but {len(weights)} weights")
    if utility is None:
        matrix = chrf_matrix(candidates)
        return [sum(w * u for u, w in zip(row, weights, strict=True)) for row in matrix]
    cache: dict[tuple[str, str], float] = {}
    out = []
    for h in candidates:
        total = 0.0
        for y, w in zip(candidates, weights, strict=True):
            if (h, y) not in cache:
                cache[h, y] = utility(h, y)
            total += w * cache[h, y]
        out.append(total)
    return out


def mbr_choice(
    candidates: Sequence[str],
    scores: Sequence[float],
    temperature: float = DEFAULT_TEMPERATURE,
    utility: Utility | None = None,
    guard: bool = True,
    allowed: Sequence[int] | None = None,
) -> int:
    """Index of the minimum-Bayes-risk candidate (the first of equals, so the beam's order breaks ties).

    candidates: N decoded outputs, best first by beam score; scores: their N beam scores
    (``temperature=math.inf`` weighs them alike). ``utility`` None is sentence chrF. Every candidate
    is a pseudo-reference; with ``guard`` only those with no more :func:`repeated_words` than the
    first (the beam's best) may be chosen (the repetition guard, module docstring). ``allowed``: the
    indices that may be chosen at all (those that say the source's numbers,
    :mod:`rnnkit.translate.number_check`); the guard then compares with the first of them.
    """
    if not candidates:
        raise ValueError("MBR needs at least one candidate")
    allowed = list(range(len(candidates))) if allowed is None else sorted(allowed)
    if not allowed or not 0 <= allowed[0] <= allowed[-1] < len(candidates):
        raise ValueError(f"allowed must name some of the {len(candidates)} candidates (got {allowed})")
    if len(allowed) == 1:
        return allowed[0]
    gains = expected_utilities(candidates, posterior(scores, temperature), utility)
    limit = repeated_words(candidates[allowed[0]]) if guard else math.inf
    eligible = [i for i in allowed if repeated_words(candidates[i]) <= limit]  # holds allowed[0]
    return max(eligible, key=gains.__getitem__)
