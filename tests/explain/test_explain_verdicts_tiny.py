"""QA session 21 (explain, as a student with tiny settings): verdicts true of the numbers beside them,
figures that say what they show."""

import pytest
import torch

from rnnkit.explain.gradient_flow import GradientFlow
from rnnkit.explain.training import TaskResult
from rnnkit.explain.verdict import flow_verdict, memory_verdict


def _r(cell: str, error: float, length: int, baseline: float = 0.158) -> TaskResult:
    return TaskResult("adding", length, cell, error, baseline, error < 0.01)


def test_an_rnn_on_the_baseline_is_not_blamed_on_its_gradient_when_no_model_solved_the_task():
    """`explain memory --lengths 5,10 --cells rnn,lstm --epochs 2 --train-size 256`: 8 optimizer steps,
    the LSTM worse than the baseline, and the verdict said the RNN at length 10 'stayed on the no-memory
    baseline: its gradient vanished' (over 10 steps its gradient keeps 0.4 of its size)."""
    text = memory_verdict(
        [_r("rnn", 0.1268, 5), _r("lstm", 0.3824, 5), _r("rnn", 0.1576, 10), _r("lstm", 0.29, 10)]
    )
    assert "vanished before" not in text and "never learned to look back" not in text
    assert text.startswith(
        "The Simple (tanh) RNN (length 10) stayed on the no-memory baseline, but no model of this run solved "
        "the task at length 10 (or longer), so this run cannot tell a vanished gradient from too little "
        "training"
    )


def test_a_model_solving_a_longer_sequence_shows_the_budget_was_enough():
    text = memory_verdict([_r("rnn", 0.16, 100), _r("rnn", 0.16, 200), _r("lstm", 0.002, 200)])
    assert (
        "the Simple (tanh) RNN (lengths 100, 200) stayed on the no-memory baseline: its gradient vanished"
        in text
    )
    assert "gates keep a path" in text
    # solved only at a shorter length: the longer one may simply need more training
    shorter = memory_verdict([_r("rnn", 0.16, 200), _r("lstm", 0.002, 100)])
    assert "its gradient vanished" not in shorter and "solved the task at length 200 (or longer)" in shorter


def test_a_short_sequence_says_nothing_vanished_yet():
    """`explain gradient-flow --length 5`: every cell 'keeps its size', and no word that this is because
    5 steps are too few for anything to vanish."""
    fading = torch.tensor([10.0 ** -(t / 10) for t in range(4, -1, -1)])  # 0.4 at the first step
    flows = {
        "rnn": {"init": GradientFlow(fading, torch.ones(5)), "trained": GradientFlow(fading, torch.ones(5))}
    }
    lines = flow_verdict(flows)
    assert lines[-1].startswith(
        "No cell fell below 1e-06 at the first step: over 5 steps nothing has vanished yet"
    )
    assert "longer sequence" in lines[-1]


def test_a_fall_of_five_decades_is_not_called_nothing_vanished():
    """`explain gradient-flow --length 30 --epochs 2`: the RNN's line said 'to 1.3e-05 at the first step'
    and the next line 'over 30 steps nothing has vanished yet'; the words now say how far it fell."""
    fading = torch.tensor([10.0 ** -(t / 6) for t in range(29, -1, -1)])  # 1.5e-05 at the first step
    calm = torch.tensor([10.0 ** -(t / 20) for t in range(29, -1, -1)])  # 0.035 at the first step
    flows = {
        "rnn": {"trained": GradientFlow(fading, torch.ones(30))},
        "gru": {"trained": GradientFlow(calm, torch.ones(30))},
    }
    last = flow_verdict(flows)[-1]
    assert last.startswith("No cell fell below 1e-06 at the first step: over 30 steps the gradient has faded")
    assert "rnn's to 1.5e-05" in last and "not yet vanished" in last
    assert "nothing has vanished" not in last


def test_gradient_flow_axes_say_what_they_measure_and_steps_are_whole():
    """`explain gradient-flow --length 5`: no y label on any panel (nothing said the scale was logarithmic)
    and x ticks at 0.5, 1.5, ... steps."""
    from rnnkit.explain.plots import plot_gradient_flow

    flow = GradientFlow(torch.logspace(-2, 0, 5), torch.logspace(-3, -1, 5))
    fig = plot_gradient_flow({"rnn": {"init": flow, "trained": flow}})
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels == ["spectral norm (log scale; 1 at T - t = 0)"] * 2 + ["gradient norm (log scale)"] * 2
    fig.canvas.draw()
    for ax in fig.axes:
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks)


def test_memory_axis_says_log_scale_and_the_copy_metric_per_step():
    from rnnkit.explain.plots import plot_memory

    adding = plot_memory([_r("rnn", 0.1, 10), _r("rnn", 0.1, 20)])
    assert adding.axes[0].get_ylabel() == "test MSE (log scale)"
    copy = plot_memory([TaskResult("copy", 3, "gru", 18.0, 0.88, False)])  # tenfold and more: log
    assert copy.axes[0].get_ylabel() == "test cross-entropy per step (log scale)"


def test_lengths_are_sorted_once_each():
    """`--lengths 10,5,5`: the table ran 10 then 5 (the plot, 5 then 10)."""
    from rnnkit.explain.models import parse_lengths

    assert parse_lengths("10,5,5") == [5, 10]


def test_the_unsolved_note_of_a_given_model_does_not_advise_refused_options(tmp_path):
    """`explain gates --model M` of an unsolved model advised 'train longer (--epochs, --train-size)';
    typed beside --model, those options are refused."""
    from click.testing import CliRunner

    from rnnkit.explain.cli import cli

    out = tmp_path / "g"
    small = [
        "--length",
        "4",
        "--epochs",
        "1",
        "--train-size",
        "32",
        "--hidden-size",
        "4",
        "--test-size",
        "16",
    ]
    first = CliRunner().invoke(cli, ["gates", *small, "--out", str(out), "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "; train longer (--epochs, --train-size)" in first.output  # trained here: the options apply
    again = CliRunner().invoke(
        cli, ["gates", "--model", str(out), "--test-size", "16", "--out", str(out), "--no-progress"]
    )
    assert again.exit_code == 0, again.output
    assert "train a new one without --model, longer (--epochs, --train-size)" in again.output


def test_the_unsolved_note_at_the_shortest_length_does_not_advise_a_shorter_one(tmp_path):
    """`explain gates --length 2` (the adding problem's shortest) advised 'or on a shorter --length',
    which --length refuses."""
    from click.testing import CliRunner

    from rnnkit.explain.cli import cli

    small = [
        "--epochs",
        "1",
        "--train-size",
        "32",
        "--hidden-size",
        "1",
        "--test-size",
        "16",
        "--no-progress",
    ]
    result = CliRunner().invoke(cli, ["gates", "--length", "2", *small, "--out", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    (note,) = [line for line in result.output.splitlines() if line.startswith("note: ")]
    assert note.endswith("; train longer (--epochs, --train-size)")


def test_a_length_that_cannot_fit_in_memory_is_one_line_before_anything_trains(tmp_path, monkeypatch, capsys):
    """`explain gradient-flow --length 100000`: minutes of silence, then the system killed it (exit 137)."""
    from rnnkit.cli import main
    from rnnkit.explain import training

    monkeypatch.setattr(training, "machine_memory", lambda device: 16 * 10**9)  # a 16 GB machine
    tiny = ["--epochs", "1", "--train-size", "64", "--test-size", "8", "--no-progress"]
    for args in (
        ["gradient-flow", "--length", "100000", "--cells", "lstm,rnn", "--sequences", "1"],
        ["memory", "--lengths", "50,100000", "--cells", "lstm"],
        ["gates", "--length", "100000"],
    ):
        out = tmp_path / args[0]
        assert main(["explain", *args, *tiny, "--out", str(out)]) == 2
        captured = capsys.readouterr()
        line = captured.err.strip()
        assert captured.out == ""
        assert line.startswith("rnnkit: error: training the ") and "\n" not in line
        # the model by its name, as the other lines call it: not "training a lstm"
        assert line.split(" on the ")[0].split("training the ")[1] in ("LSTM", "Simple RNN (tanh)")
        assert "at length 100000 needs about" in line and "this machine has 16 GB" in line
        assert not out.exists()  # refused before anything trained or was written
    need = training.training_bytes(
        "rnn", "adding", 100000, training.TrainSettings(train_size=64, test_size=8)
    )
    assert 40e9 < need < 45e9  # 64 x 100000 x 64 units x 100 bytes, and the data
    small = training.training_bytes("gru", "adding", 200, training.TrainSettings())
    assert small < 0.5e9  # the defaults' longest run stays far inside any machine


def test_gate_heatmaps_tick_whole_units_and_steps():
    """`explain gates --cell gru --hidden-size 1 --length 2`: unit ticks at -0.4 ... 0.4 and step ticks at
    -0.25, 0.25, ... on every panel."""
    from rnnkit.explain.plots import plot_gates

    x = torch.tensor([[0.1, 1.0], [0.5, 1.0]])
    fig = plot_gates(x, [("update gate z_t", torch.rand(2, 1)), ("hidden state h_t", torch.randn(2, 1))])
    fig.canvas.draw()
    main = [ax for ax in fig.axes if ax.get_ylabel()]  # the input on top, then the heatmaps

    def whole(ticks, limits) -> bool:
        lo, hi = sorted(limits)
        shown = [t for t in ticks if lo <= t <= hi]
        return bool(shown) and all(float(t).is_integer() for t in shown)

    assert all(whole(ax.get_xticks(), ax.get_xlim()) for ax in main)  # steps
    assert all(whole(ax.get_yticks(), ax.get_ylim()) for ax in main[1:])  # units (the input's are values)


def test_the_input_panel_has_no_legend_over_its_last_steps():
    """`explain gates`: the 'marked' legend in the input panel's upper right corner hid the last bars."""
    from rnnkit.explain.plots import plot_gates

    x = torch.rand(12, 2)
    x[:, 1] = 0.0
    x[[2, 11], 1] = 1.0
    fig = plot_gates(x, [("forget gate f_t", torch.rand(12, 3))])
    assert all(ax.get_legend() is None for ax in fig.axes)
    assert fig.axes[0].get_ylabel() == "input\n(red: marked)"


def test_a_one_length_memory_plot_names_every_cell_even_when_all_diverged():
    """`explain memory --cells rnn-relu,irnn --lr 10 --lengths 30`: both diverged, and the bar chart's x
    axis was numbers (-0.04 ... 0.04) with no cell named."""
    from rnnkit.explain.plots import plot_memory

    nan = float("nan")
    both = [TaskResult("adding", 30, c, nan, 0.15, False, diverged=True) for c in ("rnn-relu", "irnn")]
    ax = plot_memory(both).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["rnn-relu\n(diverged)", "irnn\n(diverged)"]
    assert ax.get_yscale() == "log" and not ax.patches
    one = plot_memory([_r("rnn", 0.16, 30), both[1], _r("lstm", 0.002, 30)]).axes[0]
    assert [t.get_text() for t in one.get_xticklabels()] == ["rnn", "irnn\n(diverged)", "lstm"]
    assert len(one.patches) == 2


def test_gradient_flow_of_a_diverged_model_is_nan_and_said_so_not_a_traceback(tmp_path, capsys):
    """`explain gradient-flow --cells irnn,rnn --lr 10 --length 30`: the IRNN's training diverged (NaN
    weights) and the command died in torch.linalg.svd with a traceback."""
    from rnnkit.cli import main
    from rnnkit.explain.gradient_flow import state_jacobian_norms

    def step(x_t, h, extra):
        h = torch.zeros(x_t.shape[0], 2) if h is None else h
        return h * float("nan") + x_t.sum(-1, keepdim=True), None

    norms = state_jacobian_norms(step, torch.ones(1, 4, 2), 2)
    assert norms.shape == (4,) and torch.isnan(norms[:-1]).all()  # only dh_T/dh_T (the identity) is finite
    args = ["--cells", "irnn", "--lr", "10", "--length", "30", "--epochs", "2", "--train-size", "256"]
    code = main(
        [
            "explain",
            "gradient-flow",
            *args,
            "--test-size",
            "32",
            "--out",
            str(tmp_path / "g"),
            "--no-progress",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert (
        "irnn: after training, not measured (its gradient is not a finite number: the training diverged)"
        in out
    )
    assert "to nan" not in out
    assert (tmp_path / "g" / "gradient_flow.png").exists()


def test_a_gradient_of_exactly_zero_is_said_once():
    lines = flow_verdict({"rnn": {"trained": GradientFlow(torch.tensor([0.0, 0.1, 1.0]), torch.ones(3))}})
    assert lines[1] == "  rnn: after training, the gradient is exactly zero at the first step"


def test_the_memory_check_reads_the_gpus_own_memory(monkeypatch):
    """On CUDA the bound is the GPU's memory, not the machine's (checked without a GPU)."""
    from types import SimpleNamespace

    from rnnkit.explain import training
    from rnnkit.utils.errors import RnnkitError

    monkeypatch.setattr(
        torch.cuda, "get_device_properties", lambda device: SimpleNamespace(total_memory=8 * 10**9)
    )
    cuda = torch.device("cuda")
    assert training.machine_memory(cuda) == 8 * 10**9
    settings = training.TrainSettings(train_size=64, test_size=8)
    training.check_fits_memory("adding", [1000], ["lstm"], settings, cuda)  # 0.3 GB: fits
    with pytest.raises(RnnkitError, match="at length 20000 needs about 14 GB .*the GPU has 8 GB"):
        training.check_fits_memory("adding", [20000], ["gru"], settings, cuda)  # 13.5 GB


def test_on_a_gpu_the_splits_count_against_the_machines_memory_not_the_gpus(monkeypatch):
    """The three splits stay in the machine's memory (the loaders move one batch at a time), so a copy
    task at delay 15000 (a 4.3 GB batch, 6.5 GB of sequences) fits an 8 GB GPU; counted together (10.8 GB)
    against the GPU it was refused. Sequences beyond the machine's memory are still one line."""
    from rnnkit.explain import training
    from rnnkit.utils.errors import RnnkitError

    memory = {"cuda": 8 * 10**9, "cpu": 32 * 10**9}
    monkeypatch.setattr(training, "machine_memory", lambda device: memory[device.type])
    cuda, settings = torch.device("cuda"), training.TrainSettings()
    assert training.training_bytes("lstm", "copy", 15000, settings) > memory["cuda"]  # the old sum
    training.check_fits_memory("copy", [15000], ["lstm"], settings, cuda)  # fits: no error
    with pytest.raises(RnnkitError, match="at length 60000 needs about 17 GB .*the GPU has 8 GB"):
        training.check_fits_memory("adding", [60000], ["lstm"], settings, cuda)  # the batch alone
    memory["cpu"] = 4 * 10**9
    with pytest.raises(
        RnnkitError,
        match=r"^the copy task's sequences at delay 15000 need about 6 GB .*this machine has 4 GB",
    ):
        training.check_fits_memory("copy", [15000], ["lstm"], settings, cuda)


def test_a_run_stopped_by_its_validation_loss_is_not_said_to_have_lost_its_training_loss(
    tmp_path, capsys, monkeypatch
):
    """`explain memory --task adding --lengths 100 --cells rnn-relu --lr 10`, one optimiser step per
    epoch: the engine stopped the run because the validation loss became NaN, and the verdict said 'the
    training loss stopped being a finite number'."""
    from rnnkit.cli import main
    from rnnkit.explain import training

    stops: list[str | None] = []
    real = training.score_task_model

    def score(fitted, *args, **kwargs):
        stops.append(fitted.stopped)
        return real(fitted, *args, **kwargs)

    monkeypatch.setattr(training, "score_task_model", score)
    args = ["--task", "adding", "--lengths", "100", "--cells", "rnn-relu", "--lr", "10", "--epochs", "3"]
    tiny = ["--train-size", "16", "--batch-size", "16", "--hidden", "8", "--test-size", "16",
            "--device", "cpu"]  # fmt: skip
    code = main(["explain", "memory", *args, *tiny, "--out", str(tmp_path / "m"), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert len(stops) == 1 and "the monitored metric val_loss became nan" in stops[0]
    assert "The ReLU RNN diverged (its loss stopped being a finite number)." in out
    assert "training loss" not in out
    both = [
        TaskResult("adding", 30, c, float("nan"), 0.15, False, diverged=True) for c in ("rnn-relu", "irnn")
    ]
    assert "diverged (their losses stopped being finite numbers)" in memory_verdict(both)
