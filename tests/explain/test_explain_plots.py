"""Explain figures: gradient flow, memory by length and gates over time, returned as Figures."""

from __future__ import annotations

import math

import torch
from matplotlib.figure import Figure

from rnnkit.explain.gradient_flow import GradientFlow
from rnnkit.explain.plots import plot_gates, plot_gradient_flow, plot_memory
from rnnkit.explain.training import TaskResult


def _flow(length: int = 8) -> GradientFlow:
    return GradientFlow(state_norms=torch.logspace(-3, 0, length), input_norms=torch.logspace(-4, 0, length))


def test_gradient_flow_has_a_column_per_stage():
    flows = {"rnn": {"init": _flow(), "trained": _flow()}, "lstm": {"init": _flow()}}
    fig = plot_gradient_flow(flows, "Gradient flow over 8 steps")
    assert isinstance(fig, Figure)
    assert fig.get_suptitle() == "Gradient flow over 8 steps"
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["||dh_T / dh_t||, at initialisation", "||dh_T / dh_t||, after training",
                      "||dL / dx_t||, at initialisation", "||dL / dx_t||, after training"]  # fmt: skip
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["rnn", "lstm"]
    assert [line.get_label() for line in fig.axes[1].get_lines()] == ["rnn"]  # lstm has no trained stage


def test_memory_lines_per_cell_and_diverged_runs_named():
    results = [
        TaskResult("adding", n, cell, err, 0.17, err < 0.01)
        for n, cell, err in [
            (10, "rnn", 0.1),
            (20, "rnn", math.nan),
            (10, "lstm", 0.001),
            (20, "lstm", 0.002),
        ]
    ]
    fig = plot_memory(results, "adding task")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:3] == ["rnn", "lstm", "trivial baseline"] and "solved (MSE 0.01)" in labels
    assert ax.get_title() == "adding task\ndiverged (not drawn): rnn (20)"
    assert ax.get_xlabel() == "sequence length"


def test_gates_one_heatmap_per_panel_under_the_input():
    x = torch.zeros(12, 2)
    x[:, 0] = torch.rand(12)
    x[[2, 7], 1] = 1.0
    panels = [("forget gate f_t", torch.rand(12, 5)), ("cell state c_t", torch.randn(12, 5))]
    fig = plot_gates(x, panels, "LSTM gates")
    assert isinstance(fig, Figure)
    assert fig.get_suptitle() == "LSTM gates"
    main = [ax for ax in fig.axes if ax.get_ylabel()]  # the colorbars have no y label
    assert [ax.get_ylabel() for ax in main] == [
        "input\n(red: marked)",
        "forget gate f_t\nunit",
        "cell state c_t\nunit",
    ]
    assert main[1].images[0].get_clim() == (0.0, 1.0)  # a gate: (0, 1)
    # every panel, the input's too, marks the two marked steps with a line: a marked number near 0 (the
    # default run's first sequence has 0.05) draws no bar one can see
    for ax in main:
        assert sorted(line.get_xdata()[0] for line in ax.get_lines()) == [2, 7]
    low, high = main[2].images[0].get_clim()
    assert low == -high  # a state: symmetric around 0


def test_gates_say_how_many_units_they_show():
    """A layer wider than the plot's rows is cut, and the axis says so (the most persistent unit the
    table names may be among those not drawn); the default shows all 64 units of the default model."""
    x = torch.zeros(6, 2)
    fig = plot_gates(x, [("forget gate f_t", torch.rand(6, 80)), ("input gate i_t", torch.rand(6, 64))])
    main = [ax for ax in fig.axes if ax.get_ylabel()]
    assert [ax.get_ylabel() for ax in main[1:]] == [
        "forget gate f_t\nunit (first 64 of 80)",
        "input gate i_t\nunit",
    ]
    assert main[2].images[0].get_array().shape == (64, 6)


def test_a_trained_task_model_saves_and_loads_with_what_it_learned(tmp_path):
    import rnnkit
    from rnnkit.explain.training import TrainSettings, train_on_task

    settings = TrainSettings(epochs=1, train_size=32, test_size=8, hidden_size=4, seed=0)
    run = train_on_task("gru", "adding", 6, settings, device="cpu")
    folder = run.model.save_pretrained(tmp_path / "m")  # task and length known from training
    again = rnnkit.load(folder)
    assert (again.task, again.length, again.variant) == ("adding", 6, "gru")
    torch.testing.assert_close(again(run.test.x), run.model(run.test.x), rtol=0, atol=0)


def test_gates_title_says_whether_the_task_was_solved():
    from rnnkit.explain.runs import GatesRun, _gates_figure
    from rnnkit.explain.training import split

    test = split("adding", "test", 4, 6, seed=0)
    traces = {name: torch.rand(6, 3) for name in ("input", "forget", "output", "c")}
    for error, verdict in ((0.004, "solved"), (0.15, "not solved")):
        run = GatesRun("lstm", 6, traces, None, error, 0.1667)
        title = _gates_figure(run, test, 0).get_suptitle()
        assert title.endswith(f"test MSE {error:.3g}, baseline 0.167: {verdict})"), title


def test_the_memory_legend_covers_no_bar_or_line():
    """QA (demo --quick): both models were above the baseline, and the legend in the upper right hid
    the top of the LSTM's bar. Outside the axes it covers nothing, whatever the results."""
    quick = [
        TaskResult("adding", 8, "rnn", 1.249, 0.1561, False),
        TaskResult("adding", 8, "lstm", 1.366, 0.1561, False),
    ]
    lines = [
        TaskResult("adding", n, c, e, 0.16, e < 0.01)
        for n in (10, 20)
        for c, e in (("rnn", 0.2), ("gru", 0.001))
    ]
    for results in (quick, lines):
        fig = plot_memory(results, "adding task")
        fig.canvas.draw()
        ax = fig.axes[0]
        legend, box = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert legend.x0 >= box.x1, (legend, box)  # right of the plotting area: no data under it
        assert legend.x1 <= fig.bbox.x1 + 1  # and still on the figure, not cut off


def test_the_memory_grid_lies_under_the_bars():
    """QA (demo --quick report): the log-scale grid lines were drawn across the adding-task bars."""
    results = [
        TaskResult("adding", 8, "rnn", 1.249, 0.1561, False),
        TaskResult("adding", 8, "lstm", 0.004, 0.1561, True),
    ]
    ax = plot_memory(results, "adding task").axes[0]
    assert ax.get_axisbelow() is True
    bars = ax.patches
    assert bars and ax.yaxis.get_gridlines()
    # grid lines are drawn with their axis, so the axis's zorder is where they land
    assert max(ax.xaxis.get_zorder(), ax.yaxis.get_zorder()) < min(bar.get_zorder() for bar in bars)


def test_memory_bars_within_tenfold_stand_on_zero():
    """`explain memory --task copy --lengths 5 --cells rnn,lstm`, a few steps: on a log scale a bar stands
    on the axis's lowest value, so the RNN's 0.60 beside the baseline's 0.70 drew almost no bar and the
    LSTM's 0.65 half the baseline's (ticks 6x10^-1, 7x10^-1). Within tenfold the scale is linear from 0."""
    copy = [TaskResult("copy", 5, "rnn", 0.6, 0.7, False), TaskResult("copy", 5, "lstm", 0.65, 0.7, False)]
    ax = plot_memory(copy).axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0
    assert [bar.get_height() for bar in ax.patches] == [0.6, 0.65]
    assert ax.get_ylabel() == "test cross-entropy per step"  # no '(log scale)'
    lines = [TaskResult("copy", n, "rnn", 2.0, 0.9, False) for n in (1, 5)]
    assert plot_memory(lines).axes[0].get_yscale() == "linear"
    # solved beside unsolved, or the adding task's bar at 0.01 under errors near the baseline: log
    solved = [
        TaskResult("adding", 8, "rnn", 0.16, 0.16, False),
        TaskResult("adding", 8, "lstm", 0.001, 0.16, True),
    ]
    assert plot_memory(solved).axes[0].get_yscale() == "log"
    near = [TaskResult("adding", 8, "rnn", 0.2, 0.16, False)]
    assert plot_memory(near).axes[0].get_ylabel() == "test MSE (log scale)"


def test_gradient_flow_curve_ends_at_an_exact_zero():
    """A norm of exactly 0 (ReLU units that stayed off cut every path) ends its curve, as the docstring and
    docs/explain.md say: semilogy's default clipped it to a tiny number, and an IRNN's curve fell as a
    cliff from 0.2 down past the axis's bottom."""
    state = torch.tensor([0.0, 0.0, 0.2, 0.5, 1.0])  # by step t: zero at the first two steps
    fig = plot_gradient_flow({"irnn": {"trained": GradientFlow(state_norms=state, input_norms=state)}})
    for ax in fig.axes:
        line = ax.get_lines()[0]
        shown = line.get_transform().transform(line.get_xydata())[:, 1]  # display y of each point
        zero = line.get_ydata() == 0
        assert zero.sum() == 2 and not any(map(math.isfinite, shown[zero])), shown  # not drawn
        assert all(map(math.isfinite, shown[~zero]))
        low, high = ax.get_ylim()
        assert 0.01 < low < 0.2 < 1.0 < high  # the axis spans the drawn values, not down to the clip


def test_gradient_flow_lone_points_get_a_marker_and_zero_ends_are_named():
    """A net whose ReLU units all stayed off (``explain gradient-flow --cells irnn,rnn-relu --lr 1``):
    norm 1 at T - t = 0, 0 beyond, and input norms 0 everywhere. With the zeros masked, a line of one
    point drew nothing, while the legend still listed the curve; so did a norm between two zeros. Now a
    lone point has a marker, and the legend says where the curve is 0."""
    dead = torch.tensor([0.0] * 9 + [1.0])  # by step t: only the last (T - t = 0)
    spots = torch.tensor([0.0, 0.5, 0.0, 0.2, 1.0])  # 0.5 between zeros; 0.2 and 1.0 a line
    fig = plot_gradient_flow(
        {
            "irnn": {"trained": GradientFlow(state_norms=dead, input_norms=torch.zeros(10))},
            "rnn": {"trained": GradientFlow(state_norms=torch.ones(10), input_norms=torch.ones(10))},
        }
    )
    (state, dead_line, live), (inputs, none_line, _) = ((ax, *ax.get_lines()) for ax in fig.axes)
    assert dead_line.get_label() == "irnn (gradient 0 beyond T - t = 0)"
    assert dead_line.get_marker() == "o" and list(dead_line.get_markevery()) == [9]  # t = 9: T - t = 0
    assert none_line.get_label() == "irnn (gradient 0 everywhere)"
    assert live.get_label() == "rnn" and live.get_marker() in ("None", None, "")  # a line needs no marker
    assert [t.get_text() for t in state.get_legend().get_texts()] == [dead_line.get_label(), "rnn"]
    assert [t.get_text() for t in inputs.get_legend().get_texts()][0] == none_line.get_label()
    fig = plot_gradient_flow({"rnn": {"init": GradientFlow(state_norms=spots, input_norms=spots)}})
    state, inputs = (ax.get_lines()[0] for ax in fig.axes)
    assert list(state.get_markevery()) == [1] == list(inputs.get_markevery())  # 0.5, alone between zeros
    assert state.get_label() == "rnn (gradient 0 beyond T - t = 3)"  # t = 0 is T - t = 4
    assert inputs.get_label() == "rnn (gradient 0 before t = 1)"
