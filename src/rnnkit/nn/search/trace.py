"""An optional record of a beam search's tree, for one sequence: what was kept, finished and pruned.

Pass a :class:`BeamTrace` to :func:`rnnkit.nn.search.beam.beam_search` (fixed-width beams) and it
fills it for batch row 0 only (one sentence is what a page draws; tracing every row would cost
``N`` times as much). Without one, the search does no tracing work at all.

The trace is a tree of :class:`TraceNode`: step ``t`` holds the candidates the search weighed for
that position, each a continuation ``(parent node, token)`` with its cumulative score
``log p(y_<=t | x)``. Its status:

- ``kept``: among the ``K`` best, a live beam at step ``t + 1``;
- ``finished``: among the ``K`` best and ends in eos (it stays in the beam, frozen);
- ``pruned``: a runner-up that fell out; only the best ``max_pruned`` per step are recorded, so a
  trace holds at most ``T * (K + max_pruned)`` nodes.

A finished hypothesis's pad extensions (fixed-width beams carry it along at no cost) are not new
nodes: its beam slot keeps pointing at the eos node. ``best`` is the node of the hypothesis the
search ranked first; :meth:`BeamTrace.path` walks from it back to the root.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

KEPT, FINISHED, PRUNED = "kept", "finished", "pruned"


@dataclass
class TraceNode:
    """One candidate: its step, parent node id (-1: the bos root), token id, cumulative score, status."""

    id: int
    step: int
    parent: int
    token: int
    score: float
    status: str


@dataclass
class BeamTrace:
    """The search tree of batch row 0 (see the module docstring). ``max_pruned``: per step, at most."""

    max_pruned: int = 10
    nodes: list[TraceNode] = field(default_factory=list)
    best: int | None = None
    _slots: list[int] = field(default_factory=list)  # beam slot -> its latest node id (-1: root)

    def start(self, beam: int) -> None:
        """Reset for a search of ``beam`` slots, all at the root."""
        self.nodes, self.best, self._slots = [], None, [-1] * beam

    def record(
        self,
        step: int,
        cand: torch.Tensor,
        kept_idx: torch.Tensor,
        kept_score: torch.Tensor,
        done: torch.Tensor,
        vocab: int,
        eos: int,
    ) -> None:
        """One step of row 0.

        cand (K*V,): every continuation's cumulative score; kept_idx, kept_score (K,): the ones the
        beam kept, in slot order; done (K,): which parent slots had already finished (pad carry).
        """
        parents = [-1] * len(self._slots) if not self._slots else self._slots
        new_slots = list(parents)
        for j, (i, s) in enumerate(zip(kept_idx.tolist(), kept_score.tolist(), strict=True)):
            p, tok = divmod(int(i), vocab)
            if s == float("-inf"):
                continue  # a dead filler of a tiny vocabulary
            if bool(done[p]):  # a finished hypothesis carried along: no new node
                new_slots[j] = parents[p]
                continue
            status = FINISHED if tok == eos else KEPT
            new_slots[j] = self._add(step, parents[p], tok, s, status)
        if self.max_pruned > 0:
            extra = min(len(kept_idx) + self.max_pruned, cand.numel())
            top, idx = cand.topk(extra)
            kept = set(kept_idx.tolist())
            n = 0
            for i, s in zip(idx.tolist(), top.tolist(), strict=True):
                if n >= self.max_pruned or s == float("-inf"):
                    break
                p, tok = divmod(int(i), vocab)
                if i in kept or bool(done[p]):
                    continue
                self._add(step, parents[p], tok, s, PRUNED)
                n += 1
        self._slots = new_slots

    def finish(self, slot: int) -> None:
        """Mark the hypothesis in beam ``slot`` (the search's first-ranked) as ``best``."""
        self.best = self._slots[slot] if self._slots else None

    def path(self, tokens: list[int] | None = None) -> list[TraceNode]:
        """The nodes of the best hypothesis, root first (empty before :meth:`finish`). With ``tokens``,
        those of the kept or finished hypothesis that spells them (eos included or not), when the
        output chosen was not the search's first (rnnkit.translate's number check): the best path if
        none does."""
        by_id = {n.id: n for n in self.nodes}

        def walk(node: int | None) -> list[TraceNode]:
            out = []
            while node is not None and node >= 0:
                out.append(by_id[node])
                node = by_id[node].parent
            return out[::-1]

        if tokens is not None:  # a finished hypothesis (tokens then eos), else one cut at the length limit
            for status, length in ((FINISHED, len(tokens) + 1), (KEPT, len(tokens))):
                for n in self.nodes:
                    if n.status == status and n.step + 1 == length:
                        path = walk(n.id)
                        if [m.token for m in path[: len(tokens)]] == tokens:
                            return path
        return walk(self.best)

    def _add(self, step: int, parent: int, token: int, score: float, status: str) -> int:
        self.nodes.append(TraceNode(len(self.nodes), step, parent, token, score, status))
        return len(self.nodes) - 1
