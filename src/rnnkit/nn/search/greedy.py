"""Greedy search: the most likely token at each step, for a whole batch at once."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from rnnkit.nn.search.common import (
    Hypothesis,
    State,
    Step,
    attention_rows,
    constrain,
    limits,
    plain,
    real_positions,
    trim,
)
from rnnkit.nn.validate import check_int


@torch.no_grad()
def greedy(
    step: Step,
    state: State,
    n: int,
    *,
    bos: int,
    eos: int,
    pad: int = 0,
    max_len: int | torch.Tensor = 64,
    forbid: Sequence[int] = (),
    no_repeat_ngram: int = 0,
    attention: bool = False,
    memory_mask: torch.Tensor | None = None,
    device: torch.device | str = "cpu",
) -> list[Hypothesis]:
    """Decode ``n`` sequences from ``state`` (n rows), each until eos or its length limit.

    ``y_t = argmax_v log p(v | y_<t, x)`` after the constraints (``forbid`` ids at -inf, no repeated
    ``no_repeat_ngram``-gram). ``max_len``: one limit or one per sequence (N,), so a sequence decodes
    the same whatever else is in its batch. ``memory_mask`` (N, S) bool trims each attention map to
    the real memory positions. A finished row keeps stepping (the batch steps together) but feeds
    ``pad`` and adds nothing to its score. Output: n hypotheses, in order.
    """
    no_repeat_ngram = plain(no_repeat_ngram)  # a 0-d tensor is its number
    check_int("no_repeat_ngram", no_repeat_ngram, 0)  # 1.5 stopped in torch's unfold; -1 meant 0
    lim = limits(max_len, n, device)
    y = torch.full((n,), bos, dtype=torch.long, device=device)
    # a sequence with a limit of 0 is done before the first step: in a batch that steps on, it adds
    # no token's log-probability to its score (its hypothesis is empty, as when decoded alone)
    finished = lim == 0
    out: list[torch.Tensor] = []
    maps: list[torch.Tensor] = []
    scores = torch.zeros(n, device=device)
    for t in range(int(lim.max()) if n else 0):
        logp, state, weights = step(y, state)  # (N, V)
        history = torch.stack(out, dim=1) if no_repeat_ngram and out else None  # (N, t)
        logp = constrain(logp, forbid, history, no_repeat_ngram)
        best, y = logp.max(dim=-1)  # (N,)
        y = y.masked_fill(finished, pad)
        scores += best.masked_fill(finished, 0.0)
        out.append(y)
        if attention and weights is not None:
            maps.append(weights)
        finished |= (y == eos) | (t + 1 >= lim)
        if bool(finished.all()):
            break
    ids = torch.stack(out, dim=1).tolist() if out else [[] for _ in range(n)]  # (N, T)
    att = torch.stack(maps, dim=1) if maps else None  # (N, T, S)
    hyps = []
    positions = real_positions(memory_mask if att is not None else None, n)
    for i, (row, cap) in enumerate(zip(ids, lim.tolist(), strict=True)):
        # tokens emitted, eos included: a row ends at its first eos or its limit (then it only feeds pad)
        length = row.index(eos) + 1 if eos in row[:cap] else min(cap, len(row))
        toks, done = trim(row, length, eos)
        rows = attention_rows(None if att is None else att[i], length, positions[i])
        hyps.append(Hypothesis(toks, float(scores[i]), rows, hit_max=not done))
    return hyps
