"""Batched beam search: fixed-width beams (finished hypotheses stay, frozen) or narrowing beams.

Both keep the ``K`` best partial hypotheses of every sequence of the batch, all sequences at once
(their beams flattened into the rows of one batch), by summed log-probability
``log p(y | x) = sum_t log p(y_t | y_<t, x)``. The final ranking divides by a length penalty and adds
an optional coverage penalty (:mod:`rnnkit.nn.search.common`)::

    rank(y) = log p(y | x) / lp(y) + beta * sum_j log(min(sum_t a_tj, 1))

Fixed width (the default; as GNMT, OpenNMT): a hypothesis that emits eos keeps its row and its
score and only extends with ``pad`` at no cost, so every step computes ``N*K`` rows until all rows
have ended. The ``K`` final rows are the n-best list (fewer only when the vocabulary is smaller).

Narrowing (``narrow=True``; as the Show, Attend and Tell tutorial code): a hypothesis that emits eos
leaves the beam, which narrows; a sequence whose beams have all ended leaves the batch, so later
steps compute fewer rows. Its n-best list is its ended hypotheses, or, when none ended within the
limit, its live ones. See :mod:`rnnkit.nn.search.narrow`.

Both give the output of searching each sequence alone, whatever else is in its batch; ``K = 1``
gives the greedy output.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import torch

from rnnkit.nn.search.common import (
    LENGTH_STYLES,
    Hypothesis,
    State,
    Step,
    attention_rows,
    constrain,
    coverage_penalty,
    length_penalty,
    limits,
    plain,
    real_positions,
    trim,
)
from rnnkit.nn.search.trace import BeamTrace
from rnnkit.nn.validate import check_int
from rnnkit.utils.errors import RnnkitError


@torch.no_grad()
def beam_search(
    step: Step,
    state: State,
    n: int,
    *,
    bos: int,
    eos: int,
    pad: int = 0,
    beam: int = 5,
    max_len: int | torch.Tensor = 64,
    alpha: float = 1.0,
    length_style: str = "gnmt",
    coverage: float = 0.0,
    no_repeat_ngram: int = 0,
    forbid: Sequence[int] = (),
    attention: bool = False,
    memory_mask: torch.Tensor | None = None,
    narrow: bool = False,
    device: torch.device | str = "cpu",
    trace: BeamTrace | None = None,
) -> list[list[Hypothesis]]:
    """Beam search for ``n`` sequences from ``state`` (n rows); per sequence its n-best, best first.

    Args:
        step, state: the model (see :mod:`rnnkit.nn.search.common`). bos, eos, pad: token ids.
        beam: K. max_len: one limit or one per sequence (N,) (narrowing: one limit).
        alpha, length_style: the length penalty ``lp`` (``gnmt`` or ``power``, see :func:`length_penalty`).
        coverage: beta of the coverage penalty (needs ``memory_mask``, the real positions (N, S)).
        no_repeat_ngram, forbid: token constraints (see :func:`~rnnkit.nn.search.common.constrain`).
        attention: keep each hypothesis's attention maps. narrow: narrowing beams.
        trace: filled with the search tree of sequence 0 (fixed-width beams only; see
            :mod:`rnnkit.nn.search.trace`). None (the default) does no tracing work.
    Output: N lists of hypotheses ranked by ``rank_score``, best first.
    """
    beam, no_repeat_ngram, alpha, coverage = (plain(v) for v in (beam, no_repeat_ngram, alpha, coverage))
    check_int("beam", beam, 1)  # a float or a bool stopped in torch's repeat_interleave
    check_int("no_repeat_ngram", no_repeat_ngram, 0)  # 1.5 stopped in torch's unfold; -1 meant 0
    for name, value in (("alpha", alpha), ("coverage", coverage)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise RnnkitError(f"{name} must be a number; got {type(value).__name__} {value!r}")
        if not math.isfinite(value):
            raise RnnkitError(f"{name} must be a finite number; got {value!r}")  # NaN ranked at random
    if length_style not in LENGTH_STYLES:
        raise RnnkitError(f"unknown length penalty {length_style!r}; known: {', '.join(LENGTH_STYLES)}")
    if coverage and memory_mask is None:
        raise RnnkitError("the coverage penalty needs the memory's real positions (memory_mask)")
    lim = limits(max_len, n, device)
    opts = dict(bos=bos, eos=eos, forbid=forbid, no_repeat_ngram=no_repeat_ngram, attention=attention,
                memory_mask=memory_mask, coverage=coverage, alpha=alpha, style=length_style)  # fmt: skip
    if narrow:
        if trace is not None:
            raise RnnkitError("the beam trace is recorded by fixed-width beams only (narrow=False)")
        from rnnkit.nn.search.narrow import narrowing_beams

        if n and bool((lim != lim[0]).any()):
            raise RnnkitError("narrowing beams take one length limit for the whole batch")
        return narrowing_beams(step, state, n, beam, int(lim[0]) if n else 0, device=device, **opts)
    return _fixed_beams(step, state, n, beam, lim, pad=pad, device=device, trace=trace, **opts)


def _fixed_beams(
    step: Step,
    state: State,
    n: int,
    beam: int,
    lim: torch.Tensor,
    *,
    bos: int,
    eos: int,
    pad: int,
    forbid: Sequence[int],
    no_repeat_ngram: int,
    attention: bool,
    memory_mask: torch.Tensor | None,
    coverage: float,
    alpha: float,
    style: str,
    device: torch.device | str,
    trace: BeamTrace | None = None,
) -> list[list[Hypothesis]]:
    """Fixed-width beams: N*K rows throughout; an ended row extends with pad at no cost."""
    dev = torch.device(device)
    lim = lim.repeat_interleave(beam)  # (N*K,)
    state = state.select(torch.arange(n, device=dev).repeat_interleave(beam))  # (N*K,) rows
    # Only beam 0 is live at the start, so the first step does not pick K copies of one token.
    scores = torch.full((n, beam), float("-inf"), device=dev)
    scores[:, 0] = 0.0
    y = torch.full((n * beam,), bos, dtype=torch.long, device=dev)
    tokens = torch.zeros(n * beam, 0, dtype=torch.long, device=dev)  # (N*K, t)
    lengths = torch.zeros(n * beam, dtype=torch.long, device=dev)  # tokens emitted, eos included
    # a sequence with a limit of 0 is done before the first step: in a batch that steps on, its rows
    # only extend with pad (its hypothesis is empty, as when decoded alone), not by one token
    finished = lim == 0
    attn_hist: torch.Tensor | None = None  # (N*K, t, S)
    cover = None  # (N*K, S): attention received per memory position
    if coverage and memory_mask is not None:
        cover = torch.zeros(n * beam, memory_mask.shape[1], device=dev)
    if trace is not None and n:
        trace.start(beam)
    for t in range(int(lim.max()) if n else 0):
        logp, state, weights = step(y, state)  # (N*K, V)
        logp = constrain(logp, forbid, tokens, no_repeat_ngram)
        vocab = logp.shape[-1]
        k = min(beam, vocab)
        # A finished hypothesis may only add pad, at no cost, so its score is frozen.
        frozen = torch.full_like(logp, float("-inf"))
        frozen[:, pad] = 0.0
        logp = torch.where(finished[:, None], frozen, logp)
        if cover is not None and weights is not None:  # attention of this step, live rows only
            cover = cover + weights.masked_fill(finished[:, None], 0.0)
        cand = (scores.view(-1, 1) + logp).view(n, beam * vocab)  # (N, K*V)
        top, idx = cand.topk(k, dim=1)  # (N, k)
        if k < beam:  # tiny vocabulary: pad the beam with dead hypotheses
            top = torch.cat([top, top.new_full((n, beam - k), float("-inf"))], dim=1)
            idx = torch.cat([idx, idx[:, :1].expand(n, beam - k)], dim=1)
        if trace is not None:  # sequence 0 only; its rows are 0..K-1
            trace.record(t, cand[0], idx[0], top[0], finished[:beam], vocab, eos)
        src_beam, tok = idx // vocab, idx % vocab  # (N, K)
        flat = (torch.arange(n, device=dev)[:, None] * beam + src_beam).view(-1)  # (N*K,)
        state = state.select(flat)
        tok = tok.view(-1)
        tokens = torch.cat([tokens[flat], tok[:, None]], dim=1)
        finished, lengths = finished[flat], lengths[flat]
        lengths = lengths + (~finished).long()
        finished = finished | (tok == eos) | (lengths >= lim)
        if cover is not None:
            cover = cover[flat]
        if attention and weights is not None:
            w = weights.index_select(0, flat)[:, None, :]  # (N*K, 1, S)
            attn_hist = w if attn_hist is None else torch.cat([attn_hist[flat], w], dim=1)
        scores = top
        y = tok
        if bool(finished.all()):
            break
    rank = scores / length_penalty(lengths.view(n, beam).clamp(min=1), alpha, style)  # (N, K)
    if cover is not None and memory_mask is not None:
        mask = memory_mask.to(dev).repeat_interleave(beam, dim=0)  # (N*K, S)
        rank = rank + coverage_penalty(cover, mask, coverage).view(n, beam)
    order = rank.argsort(dim=1, descending=True).tolist()  # (N, K)
    if trace is not None and n:
        trace.finish(order[0][0])
    rows, emitted, score_list, rank_list = tokens.tolist(), lengths.tolist(), scores.tolist(), rank.tolist()
    out = []
    for i, positions in enumerate(real_positions(memory_mask, n)):
        hyps = []
        for j in order[i]:
            if score_list[i][j] == float("-inf"):
                continue  # a dead filler of a tiny vocabulary
            r = i * beam + j
            toks, done = trim(rows[r], emitted[r], eos)
            maps = attention_rows(None if attn_hist is None else attn_hist[r], emitted[r], positions)
            hyps.append(
                Hypothesis(toks, score_list[i][j], maps, hit_max=not done, rank_score=rank_list[i][j])
            )
        out.append(hyps)
    return out
