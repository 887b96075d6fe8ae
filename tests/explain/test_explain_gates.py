"""Gate traces are the LSTM's real gates; the statistics use the marked steps; model folders round-trip."""

import json

import pytest
import torch

from rnnkit.explain.gates import (
    gate_statistics,
    gate_traces,
    load_task_model,
    save_task_model,
    update_gate_statistics,
)
from rnnkit.explain.memory_tasks import adding_problem
from rnnkit.explain.models import TaskModel
from rnnkit.utils.errors import RnnkitError


def _lstm_gates_by_hand(model: TaskModel, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """The LSTM equations of DESIGN.md, step by step, from the layer's weights (float64)."""
    rnn = model.rnn
    w_ih, w_hh = rnn.weight_ih_l0, rnn.weight_hh_l0
    b = rnn.bias_ih_l0 + rnn.bias_hh_l0
    n, length, _ = x.shape
    h = c = torch.zeros(n, rnn.hidden_size, dtype=x.dtype)
    out = {k: [] for k in ("input", "forget", "cell", "output", "c")}
    for t in range(length):
        i, f, g, o = (x[:, t] @ w_ih.t() + h @ w_hh.t() + b).chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        for k, v in zip(("input", "forget", "cell", "output", "c"), (i, f, g, o, c), strict=True):
            out[k].append(v)
    return {k: torch.stack(v, dim=1) for k, v in out.items()}  # (N, L, H)


def test_gate_traces_are_the_lstm_gates():
    torch.manual_seed(0)
    model = TaskModel("lstm", 2, 6).double()
    x = torch.randn(3, 9, 2, dtype=torch.float64)
    traces = gate_traces(model, x)
    expected = _lstm_gates_by_hand(model, x)
    for name in ("forget", "input", "output", "c"):
        assert traces[name].shape == (3, 9, 6)
        torch.testing.assert_close(traces[name], expected[name], rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(traces["h"], model.rnn(x)[0], rtol=1e-10, atol=1e-12)


def test_gru_traces_have_the_gru_gates():
    model = TaskModel("gru", 2, 4)
    traces = gate_traces(model, torch.randn(2, 5, 2))
    assert set(traces) == {"update", "reset", "new", "h"}
    assert traces["update"].shape == (2, 5, 4)


def test_statistics_separate_marked_steps():
    # An input gate driven only by the marker: wide open on the two marked steps, shut elsewhere.
    model = TaskModel("lstm", 2, 4)
    with torch.no_grad():
        for p in model.rnn.parameters():
            p.zero_()
        model.rnn.weight_ih_l0[0:4, 1] = 20.0  # input gate rows, marker column
        model.rnn.bias_ih_l0[0:4] = -10.0
        model.rnn.bias_ih_l0[4:8] = 3.0  # forget gate sigma(3) ~ 0.95
    x = adding_problem(64, 20, torch.Generator().manual_seed(0)).x
    stats = gate_statistics(model, x)
    assert stats.input_marked > 0.99 and stats.input_unmarked < 1e-4 and stats.input_rise > 0.99
    assert stats.holding_units == 4 and stats.units == 4
    # float32 means over 64*20*4 values: rounding leaves about 1e-5 relative.
    torch.testing.assert_close(stats.forget_mean, float(torch.sigmoid(torch.tensor(3.0))), rtol=5e-5, atol=0)
    torch.testing.assert_close(stats.forget_top, float(torch.sigmoid(torch.tensor(3.0))), rtol=5e-5, atol=0)
    torch.testing.assert_close(stats.output_mean, 0.5, rtol=5e-5, atol=0)
    with torch.no_grad():
        model.rnn.bias_ih_l0[4:6] = -3.0  # two units forget fast
    assert gate_statistics(model, x).holding_units == 2
    with pytest.raises(RnnkitError, match="LSTM only"):
        gate_statistics(TaskModel("gru", 2, 4), x)


def test_gru_statistics_read_the_update_gate_on_the_marked_steps():
    """`explain gates --cell gru` printed no table: the GRU's keep-or-replace switch, its update gate z_t,
    is now measured as the LSTM's forget and input gates are."""
    model = TaskModel("gru", 2, 4)
    with torch.no_grad():
        for p in model.rnn.parameters():
            p.zero_()
        model.rnn.weight_ih_l0[4:8, 1] = -20.0  # update gate rows (r, z, n), marker column: shut when marked
        model.rnn.bias_ih_l0[4:8] = 10.0  # ... and wide open (keep the old state) everywhere else
        model.rnn.bias_ih_l0[4:6] = -10.0  # except two units that never keep
    x = adding_problem(64, 40, torch.Generator().manual_seed(0)).x  # 38 of 40 steps kept: a mean of 0.95
    stats = update_gate_statistics(model, x)
    assert stats.holding_units == 2 and stats.units == 4
    assert stats.update_drop > 0.99 and stats.update_marked < 0.01  # every unit shut on the marked steps
    torch.testing.assert_close(stats.update_unmarked, 0.5, rtol=0, atol=1e-3)  # two open, two shut
    torch.testing.assert_close(stats.reset_mean, 0.5, rtol=5e-5, atol=0)  # r = sigma(0)
    assert [name for name, _ in stats.rows()][2] == "units with mean update gate > 0.9"
    with pytest.raises(RnnkitError, match="GRU only"):
        update_gate_statistics(TaskModel("lstm", 2, 4), x)


def test_model_folder_round_trip_and_errors(tmp_path):
    model = TaskModel("lstm", 2, 5)
    folder = save_task_model(tmp_path / "m", model, "adding", 30)
    loaded, cfg = load_task_model(folder)
    assert cfg["application"] == "explain" and cfg["cell"] == "lstm" and cfg["length"] == 30
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[name], tensor, rtol=0, atol=0)
    config = json.loads((folder / "config.json").read_text())
    config["cell"] = "transformer"
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(RnnkitError, match="unknown cell 'transformer'"):
        load_task_model(folder)
    del config["hidden_size"]
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(RnnkitError, match="lacks 'hidden_size'"):
        load_task_model(folder)
    with pytest.raises(RnnkitError, match="model folder not found"):
        load_task_model(tmp_path / "nothing")


def test_a_model_folder_with_the_old_key_name_still_loads(tmp_path):
    """Folders written before one vocabulary (issue 15) say hidden, not hidden_size."""
    model = TaskModel("gru", 2, 5)
    folder = save_task_model(tmp_path / "m", model, "adding", 30)
    config = json.loads((folder / "config.json").read_text())
    config["hidden"] = config.pop("hidden_size")
    (folder / "config.json").write_text(json.dumps(config))
    loaded, cfg = load_task_model(folder)
    assert cfg["hidden_size"] == 5 and loaded.rnn.hidden_size == 5
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[name], tensor, rtol=0, atol=0)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_statistics_read_the_test_set_in_bounded_chunks_with_the_same_values(cell, monkeypatch):
    """The statistics read 512 test sequences with every gate in one pass: 1.3 GB at --length 400, some
    13 GB at --length 1000 --hidden-size 256. Now in chunks of at most STATS_ELEMENTS gate values (one
    sequence at least), and the figures do not depend on the chunking."""
    import rnnkit.explain.gates as gates_module

    torch.manual_seed(4)
    model = TaskModel(cell, 2, 6)
    x = adding_problem(10, 15, torch.Generator().manual_seed(1)).x  # (10, 15, 2)
    stats = {"lstm": gate_statistics, "gru": update_gate_statistics}[cell]
    whole = stats(model, x)
    seen = []
    traces = gates_module.gate_traces
    monkeypatch.setattr(gates_module, "gate_traces", lambda m, xs: seen.append(len(xs)) or traces(m, xs))
    for budget, sizes in ((3 * 15 * 6, [3, 3, 3, 1]), (1, [1] * 10)):
        seen.clear()
        monkeypatch.setattr(gates_module.unit_means, "__defaults__", (budget,))  # max_elements
        chunked = stats(model, x)
        assert seen == sizes
        for (name, got), (_, want) in zip(chunked.rows(), whole.rows(), strict=True):
            if isinstance(want, float):
                # float32 gates of a smaller batch round a little differently; the sums are float64
                torch.testing.assert_close(got, want, rtol=1e-6, atol=1e-7, msg=name)
            else:
                assert got == want, name


def test_at_length_two_the_unmarked_figures_say_there_is_no_other_step():
    """`explain gates --length 2`: both steps are marked, and the table printed 'input gate, other steps:
    nan' and the words 'average 0.69 against nan on the other steps, and rise by nan'."""
    from rnnkit.explain.gates import NO_OTHER_STEP, GateStatistics, UpdateGateStatistics
    from rnnkit.explain.verdict import gates_text, update_gates_text

    nan = float("nan")
    lstm = GateStatistics(0.61, 0.78, 0, 8, 0.69, nan, nan, 0.70)
    rows = dict(lstm.rows())
    assert rows["input gate, other steps"] == NO_OTHER_STEP == "none (every step is marked)"
    assert rows["input gate, largest rise on marked steps (one unit)"] == NO_OTHER_STEP
    text = gates_text(lstm)
    assert "nan" not in text and "Both steps are marked at this length" in text
    gru = UpdateGateStatistics(0.11, 0.11, 0, 1, 0.11, nan, nan, 0.46)
    assert dict(gru.rows())["update gate, other steps"] == NO_OTHER_STEP
    assert "nan" not in update_gates_text(gru)
    # a diverged model's NaN is NaN on the marked steps too: still shown as nan, not as 'every step marked'
    broken = GateStatistics(nan, nan, 0, 8, nan, nan, nan, nan)
    assert dict(broken.rows())["input gate, other steps"] != NO_OTHER_STEP
