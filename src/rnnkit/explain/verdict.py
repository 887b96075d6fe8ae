"""The explain section's conclusion in plain words, from the memory-task results.

A student should not have to read MSE columns to learn what the experiment showed: which cells solved
the task (test error below the solved threshold), which stayed on the trivial baseline, and what that
says about gates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rnnkit.explain.training import TaskResult

NAMES = {"rnn": "the Simple (tanh) RNN", "lstm": "the LSTM", "gru": "the GRU"}

METRICS_EXPLAINED = {
    "MSE": "mean squared error of the predicted sum on unseen sequences; lower is better.",
    "baseline": "the MSE of always answering 1.0 (the average sum), which needs no memory at all.",
    "solved": "test MSE below 0.01: the model found and added the two marked numbers.",
    "||dh_T/dh_t||": "how much of the gradient from the last step reaches step t; tiny means step t "
    "cannot be learned from (the vanishing gradient).",
    "||dL/dx_0||/||dL/dx_T||": "the loss's gradient at the first input over that at the last: how much "
    "the first step can still be learned from, against the last (1: as much; 1e-20: nothing).",
}


def _name(cell: str) -> str:
    return NAMES.get(cell, cell)


# Test error over the baseline's: from STUCK to WORSE a model is on the baseline (it answers about the
# average, as a model with no memory does); above WORSE it is clearly worse than that guess, which a model
# that learned nothing but the average would not be: it has not trained long enough to reach even that.
STUCK, WORSE = 0.9, 1.1
GATED = ("lstm", "gru")  # cells whose gates keep a path for the gradient open


def memory_verdict(results: Sequence[TaskResult]) -> str:
    """One or two sentences: who solved the adding problem at which length, who stayed on the baseline,
    who is still worse than it.

    The vanishing gradient is named as the cause only for an ungated cell on the baseline: a gated cell
    there, or any cell clearly worse than the baseline (a smoke run of a few steps), shows too little
    training, not a gradient that vanished.
    """
    if not results:
        return "No model was trained."
    lengths = sorted({r.length for r in results})
    several = len(lengths) > 1  # then each cell is named with the lengths it did so at

    def names(rs: Sequence[TaskResult]) -> str:
        return _names(rs, with_lengths=several)

    diverged = [r for r in results if r.diverged or not math.isfinite(r.error)]
    trained = [r for r in results if r not in diverged]
    solved = [r for r in trained if r.solved]
    worse = [r for r in trained if not r.solved and r.error > WORSE * r.baseline]
    stuck = [r for r in trained if not r.solved and STUCK * r.baseline <= r.error <= WORSE * r.baseline]
    others = [r for r in trained if r not in solved and r not in worse and r not in stuck]
    vanished = [r for r in stuck if _cell_type(r.cell) not in GATED]
    slow = [r for r in stuck if _cell_type(r.cell) in GATED]

    parts = []
    if solved:
        at = "" if several else f"At length {lengths[0]}, "
        parts.append(f"{at}{names(solved)} solved the adding problem (test MSE below 0.01)")
    if vanished:
        parts.append(
            f"{names(vanished)} stayed on the no-memory baseline: "
            + _agree(
                vanished,
                "its gradient vanished before it reached the marked steps, so it never learned to look back",
                "their gradients vanished before they reached the marked steps, so they never learned to "
                "look back",
            )
        )
    if slow:
        parts.append(
            f"{names(slow)} stayed on the no-memory baseline: "
            + _agree(slow, "it has", "they have")
            + " not found the marked steps with this training budget"
        )
    if worse:
        ratio = max(r.error / r.baseline for r in worse)
        parts.append(
            f"{names(worse)} did worse than the no-memory baseline (test {worse[0].metric} up to "
            f"{ratio:.1f} times the baseline's): {_agree(worse, 'it has', 'they have')} not learned yet "
            "(too few steps)"
        )
    if others:
        parts.append(f"{names(others)} learned part of the task but did not solve it at this budget")
    if diverged:
        parts.append(f"{names(diverged)} diverged (the training loss stopped being a finite number)")
    text = "; ".join(parts) + "."
    if any(_cell_type(r.cell) in GATED for r in solved) and any(r.cell == "rnn" for r in vanished):
        text += " This is the lecture's point: gates keep a path for memory (and gradients) open."
    return text[0].upper() + text[1:]


def _cell_type(cell: str) -> str:
    """The rnnkit.nn cell type of a variant name (``irnn`` is an ``rnn``); the name itself if unknown."""
    from rnnkit.explain.models import VARIANTS

    return VARIANTS[cell].cell if cell in VARIANTS else cell


def _cells(rs: Sequence[TaskResult]) -> list[str]:
    return list(dict.fromkeys(_name(r.cell) for r in rs))


def _names(rs: Sequence[TaskResult], with_lengths: bool = False) -> str:
    """The cells of ``rs`` in words; ``with_lengths``: each with the sequence lengths it has in ``rs``
    (a run over several lengths: the LSTM may solve 50 and not 200)."""
    cells = _cells(rs)
    if with_lengths:
        at = {c: sorted({r.length for r in rs if _name(r.cell) == c}) for c in cells}
        cells = [f"{c} (length{'s' if len(at[c]) > 1 else ''} {', '.join(map(str, at[c]))})" for c in cells]
    return cells[0] if len(cells) == 1 else ", ".join(cells[:-1]) + " and " + cells[-1]


def _agree(rs: Sequence[TaskResult], one: str, several: str) -> str:
    """``one`` for a single cell, ``several`` for more, so the sentence agrees with its subject."""
    return one if len(_cells(rs)) == 1 else several
