"""Greedy and batched beam-search decoding, with length normalisation and a maximum length.

Both take any model with ``start(src, src_len) -> state`` and ``step(y_prev, state) -> (log_probs (N, V),
state, attention (N, S) or None)`` where ``state.index_select(rows)`` reorders the batch (see
:class:`~rnnkit.translate.model.DecoderState`).

Beam search keeps ``K`` hypotheses per sentence, all sentences of the batch at once (N*K rows). A
finished hypothesis (one that emitted eos) keeps its score and only extends with pad at no cost. The
winner maximises the length-normalised score (GNMT, Wu et al. 2016)::

    score(y) = log p(y | x) / lp(y),   lp(y) = ((5 + |y|) / 6) ** alpha

``alpha = 0`` ranks by raw log-probability, which favours short outputs; ``alpha = 1`` is close to the
mean log-probability per token. ``|y|`` counts the tokens including eos.

Two optional constraints (off by default; each model folder may set its own in ``config.json``
under ``decoding``, chosen on validation chrF):

- **Repetition blocking** (``no_repeat_ngram = n``): a token that would complete an n-gram already in
  the hypothesis gets log-probability -inf (as fairseq's ``--no-repeat-ngram-size``).
- **Coverage penalty** (GNMT, ``coverage = beta``): the final ranking adds
  ``beta * sum_j log(min(sum_t a_tj, 1))`` over the source positions ``j``, which favours hypotheses
  whose attention has visited every source token (a dropped clause lowers it).

Length limit: a sentence stops at eos or after ``max_len`` tokens, whichever comes first; one that
reaches ``max_len`` without eos is flagged (``hit_max``), which is one symptom of a repetition loop.
``max_len`` is one number or one per sentence (an (N,) tensor): the translator gives each sentence
its own limit, so a sentence decodes the same whatever else is in its batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from rnnkit.translate.tokenizer import BOS, EOS, PAD
from rnnkit.utils.errors import RnnkitError


@dataclass
class Hypothesis:
    """One decoded sentence: ids (without bos/eos), its score, whether it hit ``max_len``, attention (T, S)."""

    ids: list[int]
    score: float  # log p(y | x)
    hit_max: bool
    attention: torch.Tensor | None = None
    rank_score: float | None = None  # what beam search ranked by: score / lp(y) + coverage penalty


def length_penalty(lengths: torch.Tensor, alpha: float) -> torch.Tensor:
    """GNMT length penalty ``((5 + len) / 6) ** alpha``."""
    return ((5.0 + lengths.float()) / 6.0) ** alpha


def _forbid_specials(logp: torch.Tensor) -> torch.Tensor:
    """pad and bos are never outputs: give them log-probability -inf."""
    logp = logp.clone()
    logp[:, PAD] = float("-inf")
    logp[:, BOS] = float("-inf")
    return logp


def block_repeats(logp: torch.Tensor, history: torch.Tensor, n: int) -> torch.Tensor:
    """Forbid every token that would complete an n-gram already in ``history``.

    Inputs: logp (R, V), history (R, t) the tokens so far. Output: logp with those tokens at -inf.
    """
    if n < 1 or history.shape[1] < n:
        return logp
    windows = history.unfold(1, n, 1)  # (R, W, n): every n-gram so far
    last = history[:, history.shape[1] - n + 1 :]  # (R, n-1): the prefix the next token would extend
    match = (windows[:, :, : n - 1] == last[:, None, :]).all(dim=-1)  # (R, W)
    banned = torch.zeros_like(logp).scatter_add_(1, windows[:, :, n - 1], match.to(logp.dtype)) > 0
    return logp.masked_fill(banned, float("-inf"))


def coverage_penalty(coverage: torch.Tensor, mask: torch.Tensor, beta: float) -> torch.Tensor:
    """GNMT ``beta * sum_j log(min(c_j, 1))`` over real source positions; coverage, mask (R, S) -> (R,)."""
    logs = torch.log(coverage.clamp(min=1e-3, max=1.0)).masked_fill(~mask, 0.0)
    return beta * logs.sum(dim=-1)


def _trim(row: list[int]) -> tuple[list[int], bool]:
    """Ids up to eos (excluded) and whether eos was found (a row stopped by its limit ends in pad)."""
    if EOS in row:
        return row[: row.index(EOS)], True
    while row and row[-1] == PAD:
        row = row[:-1]
    return row, False


def _limits(max_len: int | torch.Tensor, n: int, device: torch.device) -> torch.Tensor:
    """Per-sentence length limits (N,) from one number or N; each must be at least 1."""
    limits = torch.as_tensor(max_len, dtype=torch.long).to(device).expand(n).clone()
    if n and int(limits.min()) < 1:
        raise RnnkitError(f"--max-len must be at least 1 (got {int(limits.min())})")
    return limits


@torch.no_grad()
def greedy(
    model,
    src: torch.Tensor,
    src_len: torch.Tensor,
    max_len: int | torch.Tensor = 64,
    attention: bool = False,
    no_repeat_ngram: int = 0,
) -> list[Hypothesis]:
    """Pick the most likely token at each step, for the whole batch at once.

    Inputs: src (N, S) padded ids, src_len (N,). Output: N hypotheses.
    """
    n = src.shape[0]
    limits = _limits(max_len, n, src.device)
    state = model.start(src, src_len)
    y = torch.full((n,), BOS, dtype=torch.long, device=src.device)
    finished = torch.zeros(n, dtype=torch.bool, device=src.device)
    out, scores, attn = [], torch.zeros(n, device=src.device), []
    for t in range(int(limits.max()) if n else 0):
        logp, state, weights = model.step(y, state)  # (N, V)
        logp = _forbid_specials(logp)
        if no_repeat_ngram and out:
            logp = block_repeats(logp, torch.stack(out, dim=1), no_repeat_ngram)
        best, y = logp.max(dim=-1)  # (N,)
        y = y.masked_fill(finished, PAD)
        scores += best.masked_fill(finished, 0.0)
        out.append(y)
        if attention and weights is not None:
            attn.append(weights)
        finished |= (y == EOS) | (t + 1 >= limits)
        if bool(finished.all()):
            break
    ids = torch.stack(out, dim=1).tolist()  # (N, T)
    attn_t = torch.stack(attn, dim=1) if attn else None  # (N, T, S)
    hyps = []
    for i, row in enumerate(ids):
        toks, done = _trim(row)
        a = attn_t[i, : len(toks) + int(done), : int(src_len[i])].cpu() if attn_t is not None else None
        hyps.append(Hypothesis(toks, float(scores[i]), not done, a))
    return hyps


@torch.no_grad()
def beam_search_nbest(
    model,
    src: torch.Tensor,
    src_len: torch.Tensor,
    beam: int = 5,
    max_len: int | torch.Tensor = 64,
    alpha: float = 1.0,
    attention: bool = False,
    no_repeat_ngram: int = 0,
    coverage: float = 0.0,
) -> list[list[Hypothesis]]:
    """Batched beam search; all ``beam`` final hypotheses per sentence, best first.

    Inputs: src (N, S) padded ids, src_len (N,). Output: N lists of ``beam`` hypotheses (fewer live
    ones only for a vocabulary smaller than the beam), ranked by ``rank_score``.
    """
    if beam < 1:
        raise RnnkitError(f"--beam must be at least 1 (got {beam})")
    n, dev = src.shape[0], src.device
    limits = _limits(max_len, n, dev).repeat_interleave(beam)  # (N*K,)
    state = model.start(src, src_len)
    rows = torch.arange(n, device=dev).repeat_interleave(beam)  # (N*K,)
    state = state.index_select(rows)
    # Only beam 0 is live at the start, so the first step does not pick K copies of one token.
    scores = torch.full((n, beam), float("-inf"), device=dev)
    scores[:, 0] = 0.0
    y = torch.full((n * beam,), BOS, dtype=torch.long, device=dev)
    tokens = torch.zeros(n * beam, 0, dtype=torch.long, device=dev)  # (N*K, t)
    lengths = torch.zeros(n * beam, dtype=torch.long, device=dev)
    finished = torch.zeros(n * beam, dtype=torch.bool, device=dev)
    attn_hist: torch.Tensor | None = None  # (N*K, t, S)
    cover = torch.zeros(n * beam, src.shape[1], device=dev) if coverage else None  # (N*K, S)
    for _ in range(int(limits.max()) if n else 0):
        logp, state, weights = model.step(y, state)  # (N*K, V)
        logp = _forbid_specials(logp)
        if no_repeat_ngram:
            logp = block_repeats(logp, tokens, no_repeat_ngram)
        vocab = logp.shape[-1]
        k = min(beam, vocab)
        # A finished hypothesis may only add pad, at no cost, so its score is frozen.
        frozen = torch.full_like(logp, float("-inf"))
        frozen[:, PAD] = 0.0
        logp = torch.where(finished[:, None], frozen, logp)
        if cover is not None and weights is not None:  # attention of this step, live rows only
            cover = cover + weights.masked_fill(finished[:, None], 0.0)
        cand = (scores.view(-1, 1) + logp).view(n, beam * vocab)  # (N, K*V)
        top, idx = cand.topk(k, dim=1)  # (N, k)
        if k < beam:  # tiny vocabulary: pad the beam with dead hypotheses
            top = torch.cat([top, top.new_full((n, beam - k), float("-inf"))], dim=1)
            idx = torch.cat([idx, idx[:, :1].expand(n, beam - k)], dim=1)
        src_beam, tok = idx // vocab, idx % vocab  # (N, K)
        flat = (torch.arange(n, device=dev)[:, None] * beam + src_beam).view(-1)  # (N*K,)
        state = state.index_select(flat)
        tok = tok.view(-1)
        tokens = torch.cat([tokens[flat], tok[:, None]], dim=1)
        finished, lengths = finished[flat], lengths[flat]
        lengths = lengths + (~finished).long()
        finished = finished | (tok == EOS) | (lengths >= limits)
        if cover is not None:
            cover = cover[flat]
        if attention and weights is not None:
            w = weights.index_select(0, flat)[:, None, :]  # (N*K, 1, S)
            attn_hist = w if attn_hist is None else torch.cat([attn_hist[flat], w], dim=1)
        scores = top
        y = tok
        if bool(finished.all()):
            break
    rank = scores / length_penalty(lengths.view(n, beam).clamp(min=1), alpha)  # (N, K)
    if cover is not None:
        mask = torch.arange(src.shape[1], device=dev)[None, :] < src_len.to(dev)[:, None]  # (N, S)
        rank = rank + coverage_penalty(cover, mask.repeat_interleave(beam, dim=0), coverage).view(n, beam)
    order = rank.argsort(dim=1, descending=True)  # (N, K)
    out = []
    for i in range(n):
        hyps = []
        for j in order[i].tolist():
            if scores[i, j] == float("-inf"):
                continue  # a dead filler of a tiny vocabulary
            r = i * beam + j
            toks, done = _trim(tokens[r].tolist())
            a = None
            if attn_hist is not None:
                a = attn_hist[r, : len(toks) + int(done), : int(src_len[i])].cpu()
            hyps.append(Hypothesis(toks, float(scores[i, j]), not done, a, float(rank[i, j])))
        out.append(hyps)
    return out


def beam_search(
    model,
    src: torch.Tensor,
    src_len: torch.Tensor,
    beam: int = 5,
    max_len: int | torch.Tensor = 64,
    alpha: float = 1.0,
    attention: bool = False,
    no_repeat_ngram: int = 0,
    coverage: float = 0.0,
) -> list[Hypothesis]:
    """Batched beam search with GNMT length normalisation; ``beam=1`` gives the greedy output.

    Inputs: src (N, S) padded ids, src_len (N,). Output: the best of ``beam`` hypotheses per sentence.
    """
    nbest = beam_search_nbest(model, src, src_len, beam, max_len, alpha, attention, no_repeat_ngram, coverage)
    return [hyps[0] for hyps in nbest]


def decode(
    model,
    src,
    src_len,
    beam: int = 1,
    max_len: int | torch.Tensor = 64,
    alpha: float = 1.0,
    attention: bool = False,
    no_repeat_ngram: int = 0,
    coverage: float = 0.0,
):
    """Greedy when ``beam == 1`` (the coverage penalty then has nothing to rank), beam search otherwise."""
    if beam == 1:
        return greedy(
            model, src, src_len, max_len=max_len, attention=attention, no_repeat_ngram=no_repeat_ngram
        )
    return beam_search(model, src, src_len, beam, max_len, alpha, attention, no_repeat_ngram, coverage)
