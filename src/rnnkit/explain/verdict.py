"""The explain section's conclusion in plain words, from the memory-task results.

A student should not have to read MSE columns to learn what the experiment showed: which cells solved
the task (test error below the solved threshold), which stayed on the trivial baseline, and what that
says about gates.
"""

from __future__ import annotations

from collections.abc import Sequence

from rnnkit.explain.training import TaskResult

NAMES = {"rnn": "the Simple (tanh) RNN", "lstm": "the LSTM", "gru": "the GRU"}

METRICS_EXPLAINED = {
    "MSE": "mean squared error of the predicted sum on unseen sequences; lower is better.",
    "baseline": "the MSE of always answering 1.0 (the average sum), which needs no memory at all.",
    "solved": "test MSE below 0.01: the model found and added the two marked numbers.",
    "||dh_T/dh_t||": "how much of the gradient from the last step reaches step t; tiny means step t "
    "cannot be learned from (the vanishing gradient).",
}


def _name(cell: str) -> str:
    return NAMES.get(cell, cell)


def memory_verdict(results: Sequence[TaskResult]) -> str:
    """One or two sentences: who solved the adding problem at which length, who stayed on the baseline."""
    if not results:
        return "No model was trained."
    lengths = sorted({r.length for r in results})
    solved = [r for r in results if r.solved]
    stuck = [r for r in results if not r.solved and r.error >= 0.9 * r.baseline]
    where = f"length {lengths[0]}" if len(lengths) == 1 else f"lengths {lengths[0]}-{lengths[-1]}"

    def names(rs: Sequence[TaskResult]) -> str:
        cells = list(dict.fromkeys(_name(r.cell) for r in rs))
        return cells[0] if len(cells) == 1 else ", ".join(cells[:-1]) + " and " + cells[-1]

    parts = []
    if solved:
        parts.append(f"At {where}, {names(solved)} solved the adding problem (test MSE below 0.01)")
    if stuck:
        parts.append(
            f"{names(stuck)} stayed on the no-memory baseline: its gradient vanished before it reached "
            "the marked steps, so it never learned to look back"
        )
    others = [r for r in results if r not in solved and r not in stuck]
    if others:
        parts.append(f"{names(others)} learned part of the task but did not solve it at this budget")
    text = "; ".join(parts) + "."
    if any(r.cell in ("lstm", "gru") for r in solved) and any(r.cell == "rnn" for r in stuck):
        text += " This is the lecture's point: gates keep a path for memory (and gradients) open."
    return text[0].upper() + text[1:]
