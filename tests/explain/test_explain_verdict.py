"""The explain section's plain-words verdict."""

import torch

from rnnkit.explain.gates import GateStatistics, UpdateGateStatistics
from rnnkit.explain.gradient_flow import GradientFlow
from rnnkit.explain.training import TaskResult
from rnnkit.explain.verdict import flow_verdict, gates_text, memory_verdict, update_gates_text


def _r(cell: str, error: float, length: int = 100) -> TaskResult:
    return TaskResult("adding", length, cell, error, 0.167, error < 0.01)


def test_gates_solve_the_simple_rnn_stays_on_the_baseline():
    text = memory_verdict([_r("rnn", 0.165), _r("lstm", 0.001), _r("gru", 0.0003)])
    assert text.startswith("At length 100, the LSTM and the GRU solved the adding problem")
    assert "the Simple (tanh) RNN stayed on the no-memory baseline" in text
    assert "gates keep a path for memory" in text


def test_partial_learning_and_lengths_are_named():
    text = memory_verdict([_r("lstm", 0.05, 50), _r("lstm", 0.001, 200)])
    # each cell with the lengths it did so at: "at lengths 50-200, the LSTM solved" was false at 50
    assert text.startswith("The LSTM (length 200) solved the adding problem")
    assert "the LSTM (length 50) learned part of the task" in text
    assert "gates keep" not in text  # no RNN on the baseline: the comparison is not claimed
    assert memory_verdict([]) == "No model was trained."


def test_several_lengths_name_each_cells_lengths():
    text = memory_verdict(
        [_r("rnn", 0.165, 50), _r("rnn", 0.166, 100), _r("gru", 0.001, 50), _r("gru", 0.002, 100)]
    )
    assert text.startswith("The GRU (lengths 50, 100) solved the adding problem")
    assert "the Simple (tanh) RNN (lengths 50, 100) stayed on the no-memory baseline" in text


def test_worse_than_the_baseline_is_not_called_a_vanished_gradient():
    """QA (demo --quick): MSE 1.249 and 1.366 against a baseline of 0.1561 were called 'stayed on the
    no-memory baseline: its gradient vanished'. Clearly above the baseline is a model not trained yet."""
    results = [
        TaskResult("adding", 8, "rnn", 1.249, 0.1561, False),
        TaskResult("adding", 8, "lstm", 1.366, 0.1561, False),
    ]
    text = memory_verdict(results)
    assert text == (
        "The Simple (tanh) RNN and the LSTM did worse than the no-memory baseline (test MSE up to 8.8 times "
        "the baseline's): they have not learned yet (too few steps)."
    )
    assert "vanish" not in text and "stayed on" not in text


def test_gradient_flow_words_agree_with_memory_on_a_model_worse_than_the_baseline():
    """QA (demo --quick): the gradient-flow line said 'it stayed on the baseline (test MSE 1.25, the
    no-memory baseline's 0.156)' of the model the memory verdict above it called 'did worse than the
    no-memory baseline': 8 times the baseline's error is not on it."""
    fading = [10.0 ** -(t / 5) for t in range(99, -1, -1)]  # 1e-20 at t = 0
    kept = [0.066 ** (t / 99) for t in range(99, -1, -1)]
    worse = TaskResult("adding", 100, "rnn", 1.249, 0.1561, False)
    lines = flow_verdict({"rnn": {"trained": _flow(fading)}}, {"rnn": worse})
    assert lines[1].endswith(
        "; it did worse than the no-memory baseline (test MSE 1.25, the no-memory baseline's 0.156): "
        "it has not learned yet"
    )
    assert "stayed on" not in " ".join(lines)
    # beside a gated cell that solved it, such an RNN is not the lecture's RNN 'stuck on the baseline'
    both = flow_verdict(
        {"rnn": {"trained": _flow(fading)}, "lstm": {"trained": _flow(kept)}},
        {"rnn": worse, "lstm": _r("lstm", 0.0012)},
    )
    assert "stays on the baseline" not in " ".join(both)


def test_the_baseline_band_has_an_upper_bound():
    at_bound = memory_verdict([_r("rnn", 0.167 * 1.1)])  # on the baseline still
    assert "stayed on the no-memory baseline" in at_bound
    assert "did worse than" in memory_verdict([_r("rnn", 0.167 * 1.12)])


def test_a_gated_cell_on_the_baseline_is_not_said_to_have_lost_its_gradient():
    text = memory_verdict([_r("rnn", 0.166), _r("lstm", 0.16), _r("gru", 0.001)])
    assert "the Simple (tanh) RNN stayed on the no-memory baseline: its gradient vanished" in text
    assert "the LSTM stayed on the no-memory baseline: it has not found the marked steps" in text
    assert text.count("vanished") == 1


def test_several_cells_agree_and_a_diverged_model_is_named():
    text = memory_verdict([_r("rnn", 0.166), _r("irnn", 0.165), _r("lstm", 0.002)])
    assert "their gradients vanished before they reached the marked steps" in text
    diverged = TaskResult("adding", 100, "gru", float("nan"), 0.167, False, diverged=True)
    assert memory_verdict([diverged]).startswith("The GRU diverged")


def test_the_copy_task_is_named_as_such_with_its_delays():
    copy = [
        TaskResult("copy", 10, "rnn", 0.50, 0.51, False),
        TaskResult("copy", 10, "lstm", 0.01, 0.51, True),
        TaskResult("copy", 20, "lstm", 0.01, 0.51, True),
    ]
    text = memory_verdict(copy)
    # was "solved the adding problem (test MSE below 0.01)" and "(lengths 10, 20)" for a copy run
    assert text.startswith("The LSTM (delays 10, 20) solved the copy task (at least 99% of the symbols")
    assert "adding" not in text and "MSE" not in text and "marked steps" not in text
    assert "the Simple (tanh) RNN (delay 10) stayed on the no-memory baseline" in text
    one = memory_verdict([TaskResult("copy", 10, "gru", 0.01, 0.51, True)])
    assert one.startswith("At delay 10, the GRU solved the copy task")


def test_a_copy_baseline_of_zero_gives_no_ratio_and_no_crash():
    """QA (explain memory --task copy --test-size 1): one test sequence's own per-step frequencies name
    every symbol, so the baseline's cross-entropy is 0 and the verdict divided by it (a traceback)."""
    text = memory_verdict(
        [TaskResult("copy", 1, "rnn", 1.929, 0.0, False), TaskResult("copy", 1, "gru", 2.49, 0.0, False)]
    )
    assert text == (
        "The Simple (tanh) RNN and the GRU did worse than the no-memory baseline (test cross-entropy up to "
        "2.49, the baseline's 0): they have not learned yet (too few steps)."
    )


def test_the_remedies_are_named_in_words():
    text = memory_verdict([_r("rnn-relu", 0.165), _r("irnn", 0.004)])
    assert text.startswith("At length 100, the IRNN (ReLU, identity init) solved")
    assert "the ReLU RNN stayed on the no-memory baseline" in text


def _flow(norms: list[float]) -> GradientFlow:
    return GradientFlow(torch.tensor(norms), torch.ones(len(norms)))


def test_gradient_flow_in_words_gives_the_rate_of_the_fall():
    fading = [10.0 ** -(t / 4) for t in range(40, -1, -1)]  # tenfold every 4 steps back, 1e-10 at t = 0
    lines = flow_verdict(
        {"rnn": {"init": _flow(fading), "trained": _flow(fading)}, "irnn": {"trained": _flow([1.0] * 41)}}
    )
    assert lines[1] == (
        "  rnn: after training, the gradient shrinks tenfold every 4 steps, to 1e-10 at the first step "
        "(at initialisation tenfold every 4 steps)"
    )
    assert (
        lines[2]
        == "  irnn: after training, the gradient keeps its size (within tenfold), to 1 at the first step"
    )
    assert lines[3].startswith("Below 1e-06 (rnn) a change at the first step barely reaches the last state")
    assert "vanishing gradient" in lines[3]
    calm = flow_verdict({"irnn": {"trained": _flow([1.0] * 41)}})  # nothing vanished: no such line
    assert len(calm) == 3 and calm[2].startswith("No cell fell below 1e-06 at the first step: over 41 steps")
    # an exploding gradient (100 times larger at the first step) is named as growth, not as a fall
    growing = flow_verdict({"rnn-relu": {"init": _flow([10.0 ** (t / 20) for t in range(40, -1, -1)])}})
    assert (
        growing[1]
        == "  rnn-relu: at initialisation, the gradient grows tenfold every 20 steps, to 1e+02 at the first step"
    )


def test_gradient_flow_in_words_says_which_cells_learned_the_task():
    # the measured default run (RESULTS.md, "Gradient flow"): the gated cells solve the task and keep a
    # gradient at the first step, the tanh RNN's vanishes and it stays on the baseline
    fading = [10.0 ** -(t / 5) for t in range(99, -1, -1)]  # 1e-20 at t = 0
    kept = [0.066 ** (t / 99) for t in range(99, -1, -1)]  # 0.066 at t = 0
    flows = {
        "rnn": {"init": _flow(fading), "trained": _flow(fading)},
        "lstm": {"init": _flow(fading), "trained": _flow(kept)},
    }
    lines = flow_verdict(flows, {"rnn": _r("rnn", 0.164), "lstm": _r("lstm", 0.0012)})
    assert lines[1].endswith("; it stayed on the baseline (test MSE 0.164, the no-memory baseline's 0.167)")
    assert lines[2].endswith("; it solved the task (test MSE 0.0012, the no-memory baseline's 0.167)")
    assert lines[-1].startswith(
        "The LSTM learned the task and still passes a gradient back to the first step"
    )
    assert "the lecture's point" in lines[-1]
    # the short run a student met before: no cell learned, and the LSTM's curve faded like the RNN's.
    # The words must say it has not learned yet, not let "lstm ... shrinks tenfold every 5 steps" stand alone
    short = flow_verdict(
        {"rnn": {"trained": _flow(fading)}, "lstm": {"trained": _flow(fading)}},
        {"rnn": _r("rnn", 0.164), "lstm": _r("lstm", 0.163)},
    )
    assert "lecture's point" not in " ".join(short)
    assert short[-1].startswith(
        "The LSTM has not learned the task yet, so its gates are still near where they"
    )
    assert short[-1].endswith("Train longer (--epochs, --train-size) to see it open.")
    both = flow_verdict(
        {"lstm": {"trained": _flow(fading)}, "gru": {"trained": _flow(kept)}},
        {"lstm": _r("lstm", 0.163), "gru": _r("gru", 0.05)},
    )
    assert "it learned part of the task (test MSE 0.05" in both[2]
    # the GRU learned part of it: not "not learned yet, gates near where they started" (seed 1's LSTM)
    assert both[-2].startswith("The GRU learned part of the task and its gradient path has opened")
    assert both[-1].startswith("The LSTM has not learned the task yet, so its gates are")
    assert both[-1].endswith("to see it open.")
    diverged = TaskResult("adding", 100, "gru", float("nan"), 0.167, False, diverged=True)
    assert flow_verdict({"gru": {"trained": _flow(kept)}}, {"gru": diverged})[1].endswith(
        "; its training diverged"
    )
    # without scores (a caller that has none) the words are the norms' alone, as before
    assert flow_verdict(flows)[1:3] == [line.split("; it ")[0] for line in lines[1:3]]


def test_an_untrained_gated_cell_fading_faster_than_the_basic_rnn_is_said_to():
    """QA (quick demo): the table gave the LSTM 0.0061 of the gradient at the first step and the tanh RNN
    0.039, and the words said the LSTM's curve 'may fade like the basic RNN's', beside an introduction on
    gates that keep the gradient: a student read the plot's lower LSTM curve as the words' contradiction.
    The words say it fades faster here, with the two numbers of the table."""
    rnn = [0.039 ** (t / 7) for t in range(7, -1, -1)]  # 0.039 at t = 0, 1 at the last step
    lstm = [0.0061 ** (t / 7) for t in range(7, -1, -1)]
    gru = [0.002 ** (t / 7) for t in range(7, -1, -1)]
    results = {"rnn": _r("rnn", 1.25, 8), "lstm": _r("lstm", 1.37, 8), "gru": _r("gru", 1.3, 8)}
    lines = flow_verdict({"rnn": {"trained": _flow(rnn)}, "lstm": {"trained": _flow(lstm)}}, results)
    assert "to 0.039 at the first step" in lines[1] and "to 0.0061 at the first step" in lines[2]
    assert lines[-1].startswith("The LSTM has not learned the task yet, so its gates are still near")
    assert (
        "its curve fades even faster than the basic RNN's here (0.0061 of the gradient reaches the first "
        "step, against the basic RNN's 0.039): a gate opens the path only" in lines[-1]
    )
    assert "may fade like" not in lines[-1]
    both = flow_verdict(
        {"rnn": {"trained": _flow(rnn)}, "lstm": {"trained": _flow(lstm)}, "gru": {"trained": _flow(gru)}},
        results,
    )
    assert (
        "their curves fade even faster than the basic RNN's here (0.0061 and 0.002 of the gradient reach "
        "the first step, against the basic RNN's 0.039)" in both[-1]
    )
    # one faster, one not (or no basic RNN to compare with): the general words stay
    kept = [0.5 ** (t / 7) for t in range(7, -1, -1)]
    mixed = flow_verdict(
        {"rnn": {"trained": _flow(rnn)}, "lstm": {"trained": _flow(lstm)}, "gru": {"trained": _flow(kept)}},
        results,
    )
    assert "may fade like the basic RNN's" in mixed[-1] and "faster" not in mixed[-1]
    alone = flow_verdict({"lstm": {"trained": _flow(lstm)}}, {"lstm": results["lstm"]})
    assert "may fade like the basic RNN's" in alone[-1]


def test_a_gated_cell_part_way_is_not_said_to_be_where_it_started():
    """QA (full demo, --seed 1): the LSTM reached test MSE 0.0863 against the baseline's 0.164 and kept
    0.13 of its gradient at the first step (5.5e-20 at initialisation), and the closing line said it 'has
    not learned the task yet, so its gates are still near where they started and its curve may fade like
    the basic RNN's', beside its own line saying it learned part of the task and its gradient kept its size."""
    fading = [10.0 ** -(t / 5) for t in range(99, -1, -1)]  # 1e-20 at t = 0
    open_lstm = [0.1331 ** (t / 99) for t in range(99, -1, -1)]
    part = TaskResult("adding", 100, "lstm", 0.0863, 0.1641, False)
    lines = flow_verdict({"lstm": {"init": _flow(fading), "trained": _flow(open_lstm)}}, {"lstm": part})
    assert lines[1].endswith(
        "; it learned part of the task (test MSE 0.0863, the no-memory baseline's 0.164)"
    )
    assert lines[-1] == (
        "The LSTM learned part of the task and its gradient path has opened, but it has not solved it at "
        "this budget: train longer (--epochs, --train-size) to see it finish."
    )
    assert "near where they started" not in " ".join(lines)
    # part-way on a short run, where nothing vanishes and training moved the curve little: no path claim
    short = [0.5 ** (t / 7) for t in range(7, -1, -1)]
    lines = flow_verdict({"lstm": {"init": _flow(short), "trained": _flow(short)}}, {"lstm": part})
    assert lines[-1].startswith("The LSTM learned part of the task, but it has not solved it at this budget")


def test_the_gru_gate_table_in_words():
    stats = UpdateGateStatistics(0.844, 0.9765, 15, 64, 0.6642, 0.8568, 0.5895, 0.3656)
    text = update_gates_text(stats)
    assert text.startswith("Inside the trained GRU (64 units): 15 units keep their update gate above 0.9")
    assert "average 0.66 against 0.86 on the other steps, and drop by 0.59" in text
    stats.holding_units = 1
    assert "1 unit keeps its update gate" in update_gates_text(stats)
    stats.holding_units = 0
    assert (
        "no unit keeps its update gate above 0.9 on average (the most persistent: 0.98)"
        in update_gates_text(stats)
    )


def test_the_gate_words_say_why_gates_matter():
    """`explain gates` on a solved model printed what the gates do (units above 0.9, the input gates'
    rise) and never why: a student read the numbers with no link to the vanishing gradient or to the
    Simple RNN, which has no gate. The words end on the cell's equation and that contrast, at length 2 too."""
    nan = float("nan")
    lstm = GateStatistics(0.4776, 0.9774, 2, 64, 0.4853, 0.4162, 0.7542, 0.4233)
    gru = UpdateGateStatistics(0.844, 0.9765, 15, 64, 0.6642, 0.8568, 0.5895, 0.3656)
    short_lstm = GateStatistics(0.61, 0.78, 0, 8, 0.69, nan, nan, 0.70)
    short_gru = UpdateGateStatistics(0.11, 0.11, 0, 1, 0.11, nan, nan, 0.46)
    for text, equation in (
        (gates_text(lstm), "c_t = f_t * c_{t-1} + i_t * g_t"),
        (gates_text(short_lstm), "c_t = f_t * c_{t-1} + i_t * g_t"),
        (update_gates_text(gru), "h_t = (1 - z_t) * n_t + z_t * h_{t-1}"),
        (update_gates_text(short_gru), "h_t = (1 - z_t) * n_t + z_t * h_{t-1}"),
    ):
        assert "This is why gates matter" in text and equation in text
        assert "a Simple RNN has no such gate" in text and "gradient" in text
        assert text.endswith("fade on the way.")


def test_a_fall_faster_than_tenfold_a_step_is_not_called_tenfold_every_step():
    """`explain gradient-flow --length 2`: the LSTM went from 1 to 0.028 in one step (36-fold) and the
    words said 'shrinks tenfold every 1 step'."""
    lines = flow_verdict(
        {
            "lstm": {"init": _flow([0.03, 1.0]), "trained": _flow([0.028, 1.0])},
            "gru": {"trained": _flow([50.0, 1.0])},
        }
    )
    assert lines[1] == (
        "  lstm: after training, the gradient shrinks more than tenfold at each step, to 0.028 at the first "
        "step (at initialisation more than tenfold at each step)"
    )
    assert lines[2].startswith("  gru: after training, the gradient grows more than tenfold at each step")
    slow = [10.0 ** -(t / 1.4) for t in range(4, -1, -1)]  # tenfold every 1.4 steps: rounds to 1 step
    assert flow_verdict({"rnn": {"trained": _flow(slow)}})[1].startswith(
        "  rnn: after training, the gradient shrinks tenfold every 1 step,"
    )
