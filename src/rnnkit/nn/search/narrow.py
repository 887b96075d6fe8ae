"""Narrowing beams: an ended hypothesis leaves its beam, a sequence whose beams all ended leaves the batch.

The live beams of all sequences are rows of one batch: ``(A*K, ...)`` for ``A`` sequences still
searching and ``K`` beams each (``K`` starts at 1, since all beams of a sequence begin as the same bos,
and is the widest sequence's live count after that). Per sequence and step: the ``width`` best of its
``K*V`` continuations (``width``: its live beams, ``beam`` at first), those ending in eos set aside,
the rest moved to the front in rank order. This is the per-sequence search (one sequence, ``beam``
rows, narrowing) done for many sequences per step, with the same outputs and scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from rnnkit.nn.search.common import (
    Hypothesis,
    State,
    Step,
    attention_rows,
    constrain,
    coverage_penalty,
    length_penalty,
    real_positions,
)


def _rank(h: Hypothesis, ended: bool, alpha: float, style: str, cover: float) -> float:
    """``score / lp(len) + coverage``, ``len`` counting eos when it ended (Python floats, as the
    caption search always ranked)."""
    return h.score / length_penalty(max(len(h.ids) + int(ended), 1), alpha, style) + cover


@torch.no_grad()
def narrowing_beams(
    step: Step,
    state: State,
    n: int,
    beam: int,
    max_len: int,
    *,
    bos: int,
    eos: int,
    forbid: Sequence[int],
    no_repeat_ngram: int,
    attention: bool,
    memory_mask: torch.Tensor | None,
    coverage: float,
    alpha: float,
    style: str,
    device: torch.device | str,
) -> list[list[Hypothesis]]:
    """See the module docstring and :func:`rnnkit.nn.search.beam.beam_search` (``narrow=True``)."""
    dev = torch.device(device)
    if n == 0:
        return []
    owner = torch.arange(n, device=dev)  # (A,) the sequence of each block of K rows
    width = torch.full((n,), beam, device=dev)  # (A,) how many beams each sequence keeps
    wide = 0  # the widest sequence's width: candidates taken per sequence (set at the first step)
    ragged = False  # some sequence keeps fewer than `wide`
    scores = torch.zeros(n, 1, device=dev)  # (A, K) summed log-probabilities
    words = torch.full((n,), bos, dtype=torch.long, device=dev)  # (A*K,)
    seqs = torch.zeros(n, 0, dtype=torch.long, device=dev)  # (A*K, t)
    atts: torch.Tensor | None = None  # (A*K, t, S)
    cover = None  # (A*K, S) attention received per memory position
    if coverage and memory_mask is not None:
        cover = torch.zeros(n, memory_mask.shape[1], device=dev)
    finished: list[list[Hypothesis]] = [[] for _ in range(n)]
    positions = real_positions(memory_mask, n)
    for _ in range(max_len):
        logp, state, weights = step(words, state)  # (A*K, V)
        logp = constrain(logp, forbid, seqs, no_repeat_ngram)
        a, beams, vocab = scores.shape[0], scores.shape[1], logp.shape[1]
        if not wide:  # top-k cannot pick more tokens than may be output
            wide = min(beam, vocab - len(set(forbid)))
            width = torch.full((n,), wide, device=dev)
        if cover is not None and weights is not None:
            cover = cover + weights
        total = (scores.reshape(-1, 1) + logp).view(a, beams * vocab)  # (A, K*V)
        top, flat = total.topk(wide, dim=1)  # (A, W) best first
        rows = flat // vocab + torch.arange(0, a * beams, beams, device=dev).unsqueeze(1)  # (A, W) parents
        words = flat % vocab  # (A, W)
        # a candidate of score -inf (a dead filler: fewer possible tokens than beams, as when the step
        # or the constraints rule most out) is not a hypothesis: its eos would narrow the beam and
        # crowd out a real one, where fixed-width beams only carry it along
        ended = (words == eos) & (top > float("-inf"))  # (A, W)
        taken = None
        if ragged:  # a sequence with fewer live beams takes only its best
            taken = torch.arange(wide, device=dev) < width.unsqueeze(1)  # (A, W)
            ended &= taken
        if bool(ended.any()):  # set those aside, then keep the live ones, best first, in front
            parent = rows[ended]  # (E,)
            ids = seqs[parent].tolist()  # the tokens before eos
            ends = top[ended].tolist()
            which = owner[ended.nonzero()[:, 0]]  # (E,) the sequence of each
            maps = None
            if attention and weights is not None:
                now = weights[parent].unsqueeze(1)  # (E, 1, S)
                maps = now if atts is None else torch.cat([atts[parent], now], dim=1)
            pens = [0.0] * len(ids)
            if cover is not None and memory_mask is not None:
                pens = coverage_penalty(cover[parent], memory_mask.to(dev)[which], coverage).tolist()
            for e, i in enumerate(which.tolist()):
                rows_e = attention_rows(None if maps is None else maps[e], len(ids[e]) + 1, positions[i])
                h = Hypothesis(ids[e], ends[e], rows_e)
                h.rank_score = _rank(h, True, alpha, style, pens[e])
                finished[i].append(h)
            live = ~ended if taken is None else taken & ~ended  # (A, W)
            width = live.sum(dim=1)  # (A,)
            going = (width > 0).nonzero().flatten()  # (A',) sequences with a live beam
            if len(going) == 0:
                break
            width = width[going]
            wide = int(width.max())
            ragged = bool((width < wide).any())
            # a stable sort moves the live beams to the front and keeps their rank order
            order = torch.sort((~live[going]).to(torch.uint8), dim=1, stable=True).indices[:, :wide]
            pick = (going.unsqueeze(1), order)  # (A', K') each
            top, rows, words, live = top[pick], rows[pick], words[pick], live[pick]
            scores = top.masked_fill(~live, float("-inf"))  # (A', K'): padding beams never win
            if len(going) < a:
                owner = owner[going]
        else:  # every taken candidate lives on where it is
            scores = top if taken is None else top.masked_fill(~taken, float("-inf"))  # (A, W)
        parent, words = rows.flatten(), words.flatten()  # (A'*K',) each
        seqs = torch.cat([seqs[parent], words.unsqueeze(1)], dim=1)  # (A'*K', t+1)
        if attention and weights is not None:
            now = weights[parent].unsqueeze(1)  # (A'*K', 1, S)
            atts = now if atts is None else torch.cat([atts[parent], now], dim=1)
        if cover is not None:
            cover = cover[parent]
        state = state.select(parent)
    else:  # the limit reached: a sequence none of whose beams ended keeps its live ones
        wide = scores.shape[1]
        pens = None
        if cover is not None and memory_mask is not None:
            mask = memory_mask.to(dev)[owner.repeat_interleave(wide)]  # (A*K, S)
            pens = coverage_penalty(cover, mask, coverage).tolist()
        for r, i in enumerate(owner.tolist()):
            if finished[i]:
                continue
            for j in range(min(int(width[r]), wide)):  # max_len 0: the one bos beam
                row = r * wide + j
                maps = attention_rows(None if atts is None else atts[row], max_len, positions[i])
                h = Hypothesis(seqs[row].tolist(), float(scores[r, j]), maps, hit_max=True)
                h.rank_score = _rank(h, False, alpha, style, 0.0 if pens is None else pens[row])
                finished[i].append(h)
    out = []
    for hyps in finished:
        real = [h for h in hyps if h.score > float("-inf")] or hyps  # a dead filler never wins
        out.append(sorted(real, key=lambda h: h.rank_score, reverse=True))  # stable: ties keep their order
    return out
