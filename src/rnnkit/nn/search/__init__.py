"""Sequence search over any step-wise decoder: greedy and batched beam search.

- :mod:`rnnkit.nn.search.common`: the step protocol ``(tokens, state) -> (log_probs, state,
  attention)`` with ``state.select(rows)``, the one :class:`Hypothesis`, length and coverage
  penalties, n-gram blocking.
- :mod:`rnnkit.nn.search.greedy`: :func:`greedy`.
- :mod:`rnnkit.nn.search.beam`: :func:`beam_search` (n-best, fixed-width beams).
- :mod:`rnnkit.nn.search.trace`: :class:`BeamTrace`, the optional record of beam search's tree
  (kept, finished and pruned candidates per step) for one sequence.
- :mod:`rnnkit.nn.search.narrow`: narrowing beams (``beam_search(..., narrow=True)``).

The translation decoder (:mod:`rnnkit.translate.decode`) and the caption decoder
(:mod:`rnnkit.caption.decode`) are thin adapters: a step function for their model over this search.
"""

from rnnkit.nn.search.beam import beam_search
from rnnkit.nn.search.common import (
    LENGTH_STYLES,
    Hypothesis,
    State,
    Step,
    block_repeats,
    coverage_penalty,
    length_penalty,
)
from rnnkit.nn.search.greedy import greedy
from rnnkit.nn.search.trace import BeamTrace, TraceNode

__all__ = [
    "BeamTrace",
    "TraceNode",
    "LENGTH_STYLES",
    "Hypothesis",
    "State",
    "Step",
    "beam_search",
    "block_repeats",
    "coverage_penalty",
    "greedy",
    "length_penalty",
]
