"""The explain section's conclusion in plain words, from the memory-task results and gradient profiles.

A student should not have to read MSE columns to learn what the experiment showed: which cells solved
the task (test error below the solved threshold), which stayed on the trivial baseline, and what that
says about gates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import torch

from rnnkit.explain.gates import (
    HOLDING_FORGET,
    HOLDING_UPDATE,
    GateStatistics,
    UpdateGateStatistics,
    every_step_marked,
)
from rnnkit.explain.gradient_flow import GradientFlow
from rnnkit.explain.memory_tasks import ADDING_BASELINE_WORDS
from rnnkit.explain.training import TASK_WORDS, TaskResult, too_few_tests_words

NAMES = {
    "rnn": "the Simple (tanh) RNN",
    "rnn-relu": "the ReLU RNN",
    "irnn": "the IRNN (ReLU, identity init)",
    "lstm": "the LSTM",
    "gru": "the GRU",
}

METRICS_EXPLAINED = {
    "MSE": "mean squared error of the predicted sum on unseen sequences; lower is better.",
    "baseline": f"the MSE of {ADDING_BASELINE_WORDS}, which needs no memory at all.",
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
    """One or two sentences: who solved the task (adding problem or copy task) at which length, who
    stayed on the baseline, who is still worse than it.

    The vanishing gradient is named as the cause only for an ungated cell on the baseline, and only when
    another model of the run solved the task at that length or a longer one (so the training budget was
    enough): a gated cell there, or any cell clearly worse than the baseline (a smoke run of a few
    steps), shows too little training, not a gradient that vanished.
    """
    if not results:
        return "No model was trained."
    lengths = sorted({r.length for r in results})
    solved_what, carried = TASK_WORDS.get(results[0].task, TASK_WORDS["adding"])
    several = len(lengths) > 1  # then each cell is named with the lengths it did so at

    def names(rs: Sequence[TaskResult]) -> str:
        return _names(rs, with_lengths=several, word=_length_word(results[0].task))

    diverged = [r for r in results if r.diverged or not math.isfinite(r.error)]
    trained = [r for r in results if r not in diverged]
    solved = [r for r in trained if r.solved]
    # Below the bar on a test set too small to tell: neither solved nor "learned part of the task"
    unsure = [r for r in trained if r.too_few_tests]
    sure = [r for r in trained if r not in unsure]
    worse = [r for r in sure if not r.solved and r.error > WORSE * r.baseline]
    stuck = [r for r in sure if not r.solved and STUCK * r.baseline <= r.error <= WORSE * r.baseline]
    others = [r for r in sure if r not in solved and r not in worse and r not in stuck]
    # A budget is shown to suffice at a length when some model of the run solved the task there or
    # further; only then does an ungated cell on the baseline show a vanished gradient, not a run too
    # short for any cell (8 steps at length 10 left the RNN and the LSTM both unsolved).
    ungated = [r for r in stuck if _cell_type(r.cell) not in GATED]
    vanished = [r for r in ungated if any(s.length >= r.length for s in solved)]
    unproven = [r for r in ungated if r not in vanished]
    slow = [r for r in stuck if _cell_type(r.cell) in GATED]

    parts = []
    if solved:
        at = "" if several else f"At {_length_word(results[0].task)} {lengths[0]}, "
        parts.append(f"{at}{names(solved)} solved {solved_what}")
    if unsure:
        tests = min(r.test_sequences or 0 for r in unsure)
        parts.append(f"{names(unsure)} reached the bar of {solved_what}, but on {too_few_tests_words(tests)}")
    if vanished:
        parts.append(
            f"{names(vanished)} stayed on the no-memory baseline: "
            + _agree(
                vanished,
                f"its gradient vanished before it reached {carried}, so it never learned to look back",
                f"their gradients vanished before they reached {carried}, so they never learned to look back",
            )
        )
    if unproven:
        at = sorted({r.length for r in unproven})
        where = f"{_length_word(results[0].task)}{'s' if len(at) > 1 else ''} {', '.join(map(str, at))}"
        parts.append(
            f"{names(unproven)} stayed on the no-memory baseline, but no model of this run solved the task at "
            f"{where} (or longer), so this run cannot tell a vanished gradient from too little training"
        )
    if slow:
        parts.append(
            f"{names(slow)} stayed on the no-memory baseline: "
            + _agree(slow, "it has", "they have")
            + f" not found {carried} with this training budget"
        )
    if worse:
        ratios = [r.ratio for r in worse]
        if all(math.isfinite(q) for q in ratios):
            how = f"up to {max(ratios):.1f} times the baseline's"
        else:  # a baseline of 0 (a test set the trivial guess answers exactly) has no ratio
            how = f"up to {max(r.error for r in worse):.4g}, the baseline's {min(r.baseline for r in worse):.4g}"
        parts.append(
            f"{names(worse)} did worse than the no-memory baseline (test {worse[0].metric} {how}): "
            f"{_agree(worse, 'it has', 'they have')} not learned yet (too few steps)"
        )
    if others:
        parts.append(f"{names(others)} learned part of the task but did not solve it at this budget")
    if diverged:
        # Not "the training loss": the engine also stops a run whose validation loss turns NaN, the usual
        # way for the ReLU RNN at one optimiser step per epoch (its training loss still finite); a
        # result keeps only that it diverged, not which loss said so.
        parts.append(
            f"{names(diverged)} diverged ("
            + _agree(
                diverged,
                "its loss stopped being a finite number",
                "their losses stopped being finite numbers",
            )
            + ")"
        )
    text = "; ".join(parts) + "."
    if any(_cell_type(r.cell) in GATED for r in solved) and any(r.cell == "rnn" for r in vanished):
        text += " This is the lecture's point: gates keep a path for memory (and gradients) open."
    return text[0].upper() + text[1:]


def _length_word(task: str) -> str:
    return "delay" if task == "copy" else "length"


def _cell_type(cell: str) -> str:
    """The rnnkit.nn cell type of a variant name (``irnn`` is an ``rnn``); the name itself if unknown."""
    from rnnkit.explain.models import VARIANTS

    return VARIANTS[cell].cell if cell in VARIANTS else cell


def _cells(rs: Sequence[TaskResult]) -> list[str]:
    return list(dict.fromkeys(_name(r.cell) for r in rs))


def _names(rs: Sequence[TaskResult], with_lengths: bool = False, word: str = "length") -> str:
    """The cells of ``rs`` in words; ``with_lengths``: each with the sequence lengths it has in ``rs``
    (a run over several lengths: the LSTM may solve 50 and not 200), each called ``word`` (copy: delay)."""
    cells = _cells(rs)
    if with_lengths:
        at = {c: sorted({r.length for r in rs if _name(r.cell) == c}) for c in cells}
        cells = [f"{c} ({word}{'s' if len(at[c]) > 1 else ''} {', '.join(map(str, at[c]))})" for c in cells]
    return cells[0] if len(cells) == 1 else ", ".join(cells[:-1]) + " and " + cells[-1]


def _agree(rs: Sequence[TaskResult], one: str, several: str) -> str:
    """``one`` for a single cell, ``several`` for more, so the sentence agrees with its subject."""
    return one if len(_cells(rs)) == 1 else several


def flow_verdict(
    flows: Mapping[str, Mapping[str, GradientFlow]],
    results: Mapping[str, TaskResult] | None = None,
    plot: str = "gradient_flow.png",
) -> list[str]:
    """One line per cell: how fast ``||dh_T/dh_t||`` shrinks going back from the last step, in plain
    words (tenfold every N steps), after training and at initialisation; then, when some cell's gradient
    is all but gone at the first step, what that means.

    A rate reads better than a norm like 2.4e-12: "tenfold every 4 steps" says that 20 steps back the
    first step's influence is already a hundred-thousandth.

    ``results`` (each trained model's test score, by cell) adds whether the cell learned the task. That
    decides how its curve reads: a gated cell's path opens only as training teaches its gates to keep
    the state, so an LSTM that has not learned the task yet fades like the basic RNN, and without this
    a student would read its curve as "the LSTM vanishes too". ``plot``: where the reader finds the
    curves (the command writes gradient_flow.png; the report shows them below the words).
    """
    lines = ["In plain words, going back from the last step (||dh_T/dh_t||, 1 at the last step):"]
    gone: list[str] = []
    firsts: list[tuple[float, str]] = []  # each cell's ||dh_T/dh_0||, as its line gives it
    for cell, by_stage in flows.items():
        rates = {stage: _tenfold_every(flow.state_norms) for stage, flow in by_stage.items()}
        if not rates:
            continue
        main = "trained" if "trained" in rates else next(iter(rates))
        first = float(by_stage[main].state_norms[0])
        when = "after training" if main == "trained" else "at initialisation"
        text = f"  {cell}: {when}, {_rate_words(rates[main])}"
        if math.isfinite(first) and first > 0:  # else the words already say it (zero, or not measured)
            text += f", to {first:.2g} at the first step"
        if main == "trained" and "init" in rates:
            text += f" (at initialisation {_rate_words(rates['init'], short=True)})"
        result = (results or {}).get(cell)
        if main == "trained" and result is not None:
            text += f"; {_learned_words(result)}"
        lines.append(text)
        if first < VANISHED:
            gone.append(cell)
        if math.isfinite(first):
            firsts.append((first, cell))
    if gone:
        lines.append(
            f"Below {VANISHED:g} ({', '.join(gone)}) a change at the first step barely reaches the last state: "
            "that is the vanishing gradient, and the first steps are hard to learn from. The flatter a "
            f"curve in {plot}, the farther back the gradient reaches."
        )
    elif len(lines) > 1:  # a short sequence: a student must not read "the RNN keeps its gradient" as a rule
        steps = max(flow.state_norms.shape[0] for by_stage in flows.values() for flow in by_stage.values())
        low, low_cell = min(firsts, default=(1.0, ""))
        # Down a hundredfold or more (length 30: the RNN's 1.3e-05), "nothing has vanished" beside the
        # cell's own line read as a contradiction: say how far it fell, and that it is not yet out of reach.
        so_far = (
            f"over {steps} steps nothing has vanished yet"
            if low >= FADED
            else f"over {steps} steps the gradient has faded ({low_cell}'s to {low:.2g}), but not yet vanished"
        )
        lines.append(
            f"No cell fell below {VANISHED:g} at the first step: {so_far}. "
            "The basic RNN's fall compounds with every step, so a longer sequence (the lecture's 100 steps) "
            "shows it."
        )
    lines += _flow_reading(flows, results or {})
    return lines


VANISHED = 1e-6  # dh_T/dh_0 below this: the first step is, for learning, out of reach
FADED = 1e-2  # dh_T/dh_0 below this (a hundredfold fall) but above VANISHED: faded, not yet out of reach


def _learned_words(result: TaskResult) -> str:
    """Whether one trained model learned the task, with the numbers that say so."""
    scores = f"test {result.metric} {result.error:.3g}, the no-memory baseline's {result.baseline:.3g}"
    if result.diverged or not math.isfinite(result.error):
        return "its training diverged"
    if result.solved:
        return f"it solved the task ({scores})"
    if result.too_few_tests:
        return f"it reached the bar ({scores}), but on {too_few_tests_words(result.test_sequences or 0)}"
    if result.error > WORSE * result.baseline:  # as memory_verdict says of the same model: not on it
        return f"it did worse than the no-memory baseline ({scores}): it has not learned yet"
    if STUCK * result.baseline <= result.error:
        return f"it stayed on the baseline ({scores})"
    return f"it learned part of the task ({scores})"


def _flow_reading(
    flows: Mapping[str, Mapping[str, GradientFlow]], results: Mapping[str, TaskResult]
) -> list[str]:
    """What the trained curves say about gates, from the cells' test scores: a gated cell that solved the
    task beside a basic RNN that did not (the lecture's point), and a gated cell that has not learned
    yet, whose curve shows a budget too short, not gates that fail."""

    def first(cell: str) -> float:
        flow = flows.get(cell, {}).get("trained")
        return float(flow.state_norms[0]) if flow is not None else math.nan

    trained = {c: r for c, r in results.items() if "trained" in flows.get(c, {}) and not r.diverged}
    gated_solved = [
        c for c, r in trained.items() if _cell_type(c) in GATED and r.solved and first(c) >= VANISHED
    ]
    gated_unsolved = [c for c, r in trained.items() if _cell_type(c) in GATED and not r.solved]
    # Part-way (below the baseline band): seed 1's LSTM at length 100 (test MSE 0.086 against 0.164) is
    # not "near where it started"; its path opened too (0.13 of the gradient at the first step, 5e-20 at
    # initialisation). Opened means a hundredfold over initialisation and not vanished: over 8 steps
    # nothing vanishes, so the bar alone would call every short run's curve open.
    # Below the bar on too few test sequences: its own line says so (_learned_words); not "train longer"
    gated_unsolved = [c for c in gated_unsolved if not trained[c].too_few_tests]
    partial = [c for c in gated_unsolved if trained[c].error < STUCK * trained[c].baseline]
    opened = [c for c in partial if first(c) >= VANISHED and first(c) >= 100 * _first_at_init(flows, c)]
    gated_unsolved = [c for c in gated_unsolved if c not in partial]
    rnn = trained.get("rnn")  # on the baseline (not clearly worse: that is too little training) and faded
    rnn_stuck = rnn is not None and STUCK * rnn.baseline <= rnn.error <= WORSE * rnn.baseline
    rnn_stuck = rnn_stuck and first("rnn") < VANISHED
    lines = []
    if gated_solved and rnn_stuck:
        lines.append(
            f"{_upper_first(_names_of(gated_solved))} learned the task and still "
            f"{_agree_n(gated_solved, 'passes a gradient', 'pass gradients')} back to the first step; the basic RNN's "
            "vanished, and it stays on the baseline. This is the lecture's point: gates keep a path for "
            "memory (and gradients) open."
        )
    for group, path in ((opened, True), ([c for c in partial if c not in opened], False)):
        if group:
            lines.append(
                f"{_upper_first(_names_of(group))} learned part of the task"
                + (_agree_n(group, " and its gradient path has", " and their gradient paths have") + " opened"
                   if path else "")
                + ", but "
                + _agree_n(group, "it has", "they have")
                + " not solved it at this budget: train longer (--epochs, --train-size) to see "
                + _agree_n(group, "it", "them")
                + " finish."
            )  # fmt: skip
    if gated_unsolved:
        lines.append(
            f"{_upper_first(_names_of(gated_unsolved))} "
            + _agree_n(gated_unsolved, "has", "have")
            + " not learned the task yet, so "
            + _agree_n(gated_unsolved, "its gates are", "their gates are")
            + " still near where they started and "
            + _agree_n(gated_unsolved, "its curve", "their curves")
            + _fade_words(gated_unsolved, first)
            + ": a gate opens the path only as training teaches it to keep "
            "the state. Train longer (--epochs, --train-size) to see "
            + _agree_n(gated_unsolved, "it", "them")
            + " open."
        )
    return lines


def _fade_words(cells: Sequence[str], first: Callable[[str], float]) -> str:
    """How the untrained gated ``cells``' curves compare with the basic RNN's, said after "its curve":
    with the table's numbers when every one of them fades faster (a quick demo's LSTM kept 0.0061 of the
    gradient at the first step, the tanh RNN 0.039, and "may fade like the basic RNN's" read as the
    plot's contradiction), else in general words. ``first``: a cell's trained ``||dh_T/dh_0||``."""
    rnn = first("rnn")  # NaN without a trained basic RNN: nothing to compare with
    if not all(first(c) < rnn for c in cells):
        return " may fade like the basic RNN's"
    numbers = " and ".join(f"{first(c):.2g}" for c in cells)
    return (
        _agree_n(cells, " fades", " fade")
        + f" even faster than the basic RNN's here ({numbers} of the gradient "
        + _agree_n(cells, "reaches", "reach")
        + f" the first step, against the basic RNN's {rnn:.2g})"
    )


def _first_at_init(flows: Mapping[str, Mapping[str, GradientFlow]], cell: str) -> float:
    """``||dh_T/dh_0||`` of ``cell`` at initialisation; 0 when it was not measured (nothing to compare)."""
    flow = flows.get(cell, {}).get("init")
    value = float(flow.state_norms[0]) if flow is not None else 0.0
    return value if math.isfinite(value) else 0.0


def _names_of(cells: Sequence[str]) -> str:
    names = [_name(c) for c in cells]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _agree_n(cells: Sequence[str], one: str, several: str) -> str:
    return one if len(cells) == 1 else several


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tenfold_every(norms: torch.Tensor) -> float:
    """Steps per tenfold change of ``||dh_T/dh_t||`` from ``t = T-1`` (norm 1) back to ``t = 0``: positive
    when it falls, negative when it grows, ``inf`` when it stays within tenfold over the whole sequence,
    ``0`` when it reaches exactly zero, NaN for a one-step sequence."""
    first, steps = float(norms[0]), norms.shape[0] - 1
    if steps < 1 or not math.isfinite(first):
        return math.nan
    if first <= 0:
        return 0.0
    decades = -math.log10(first)
    return math.inf if abs(decades) <= 1 else steps / decades


def _rate_words(every: float, short: bool = False) -> str:
    if math.isnan(every):  # a one-step sequence, or NaN norms: the weights of a diverged training
        return (
            "not measured"
            if short
            else "not measured (its gradient is not a finite number: the training diverged)"
        )
    if every == 0:
        return "zero at the first step" if short else "the gradient is exactly zero at the first step"
    if math.isinf(every):
        return "keeps its size" if short else "the gradient keeps its size (within tenfold)"
    change = "grows tenfold" if every < 0 else "shrinks tenfold"
    what = ("tenfold" if every > 0 else change) if short else f"the gradient {change}"
    if abs(every) < 1:  # faster than tenfold a step: "every 1 step" understated it (0.64: 36-fold)
        return f"{what.replace('tenfold', 'more than tenfold')} at each step"
    return f"{what} every {abs(every):.0f} step{'s' if round(abs(every)) != 1 else ''}"


def gates_text(stats: GateStatistics) -> str:
    """What the gate table below it shows, in words that follow its numbers: the trained LSTM of one
    seed gives the memory to one unit, to several, or to none above the threshold."""
    held, top = stats.holding_units, stats.forget_top
    if held == 0:
        keep = f"no unit keeps its forget gate above {HOLDING_FORGET} on average (the most persistent: {top:.2f})"
    else:
        who = "1 unit keeps its" if held == 1 else f"{held} units keep their"
        keep = f"{who} forget gate above {HOLDING_FORGET} on average"
        if top < 1.0:  # f^n = 1/2: about how many steps until a number it holds is half gone
            half = math.log(0.5) / math.log(top)
            keep += (
                f"; the most persistent ({top:.3f}) halves what it holds only about every {half:.0f} steps"
            )
    if every_step_marked(stats.input_marked, stats.input_unmarked):  # length 2: nothing to compare with
        return (
            f"Inside the trained LSTM ({stats.units} units): {keep}. Both steps are marked at this length, so "
            f"the input gates (average {stats.input_marked:.2f}) have no other step to be compared with. "
            + WHY_FORGET_GATE
        )
    return (
        f"Inside the trained LSTM ({stats.units} units): {keep}. On the two marked steps the input gates "
        f"average {stats.input_marked:.2f} against {stats.input_unmarked:.2f} on the other steps, and rise by "
        f"{stats.input_rise:.2f} in the unit that reacts most: the other units do other work, so means over all "
        "units understate both. " + WHY_FORGET_GATE
    )


# Why the numbers above matter, the lecture's point said where a student reads the gates (the command
# printed only what the gates do, never why a Simple RNN cannot do it): a gate near 1 is an additive
# path that carries the state, and the gradient back, with no squashing weight matrix in between.
_NO_GATE = (
    "a Simple RNN has no such gate: it rewrites its whole state through tanh(W_hh h_{t-1} + ...) at every "
    "step, so the first marked number, and its gradient, fade on the way."
)
WHY_FORGET_GATE = (
    "This is why gates matter: where f_t stays near 1, c_t = f_t * c_{t-1} + i_t * g_t carries the first "
    "marked number to the last step almost unchanged, and the gradient back along the same path; " + _NO_GATE
)
WHY_UPDATE_GATE = (
    "This is why gates matter: where z_t stays near 1, h_t = (1 - z_t) * n_t + z_t * h_{t-1} carries the "
    "first marked number to the last step almost unchanged, and the gradient back along the same path; "
    + _NO_GATE
)


def update_gates_text(stats: UpdateGateStatistics) -> str:
    """:func:`gates_text` for a GRU: its update gate ``z_t`` keeps the old state near 1 (as the LSTM's
    forget gate does) and lets the new candidate in where it drops."""
    held = stats.holding_units
    if held == 0:
        keep = f"no unit keeps its update gate above {HOLDING_UPDATE} on average (the most persistent: "
        keep += f"{stats.update_top:.2f})"
    else:
        who = "1 unit keeps its" if held == 1 else f"{held} units keep their"
        keep = (
            f"{who} update gate above {HOLDING_UPDATE} on average, so their hidden state is carried "
            "forward almost unchanged"
        )
    if every_step_marked(stats.update_marked, stats.update_unmarked):  # length 2: nothing to compare with
        return (
            f"Inside the trained GRU ({stats.units} units): {keep}. Both steps are marked at this length, so "
            f"the update gates (average {stats.update_marked:.2f}) have no other step to be compared with. "
            + WHY_UPDATE_GATE
        )
    return (
        f"Inside the trained GRU ({stats.units} units): {keep}. On the two marked steps the update gates "
        f"average {stats.update_marked:.2f} against {stats.update_unmarked:.2f} on the other steps, and drop "
        f"by {stats.update_drop:.2f} in the unit that reacts most: a low update gate lets the new candidate, "
        "the marked number, into the hidden state. " + WHY_UPDATE_GATE
    )
