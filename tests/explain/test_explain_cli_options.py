"""``rnnkit explain`` option declarations: ranges that --help shows are the ones enforced, --index
with --model, and --progress/--no-progress on every subcommand."""

import re

import pytest

from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError

TINY = ["--epochs", "1", "--train-size", "32", "--batch-size", "16", "--hidden", "4", "--test-size", "16"]


def _help(capsys, sub: str) -> str:
    assert main(["explain", sub, "--help"]) == 0
    return re.sub(r"\s+", " ", capsys.readouterr().out)


@pytest.mark.parametrize("sub", ["gradient-flow", "gates"])
def test_length_range_in_help_is_the_one_enforced(capsys, one_line_error, tmp_path, sub):
    assert "--length INTEGER 2..100000" in _help(capsys, sub)
    out = tmp_path / "out"
    assert main(["explain", sub, "--length", "1", "--out", str(out)]) == 2
    one_line_error("'--length'", "must be >= 2 (got 1)")
    assert not out.exists()


def test_lengths_messages_agree(capsys, one_line_error, tmp_path):
    """--lengths 0 says >= 1 (a copy delay may be 1); --lengths 1 on the adding task says why 2."""
    assert "adding: each at least 2" in _help(capsys, "memory")
    out = tmp_path / "out"
    assert main(["explain", "memory", "--lengths", "0", "--out", str(out)]) == 2
    one_line_error("'--lengths'", "must be >= 1 (got 0)")
    assert main(["explain", "memory", "--lengths", "1", "--out", str(out)]) == 2
    one_line_error("bad length 1 in '1': must be at least 2 for the adding task")
    assert not out.exists()


@pytest.fixture(scope="module")
def gates_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("gates") / "run"
    assert main(["explain", "gates", "--length", "6", "--out", str(out), "--device", "cpu", "--no-progress",
                 *TINY]) == 0  # fmt: skip
    return out / "model"


@pytest.mark.parametrize("index", [16, 40])
def test_index_past_the_test_set_with_model_is_the_training_error(
    gates_model, capsys, one_line_error, tmp_path, index
):
    """With --model, --index past --test-size is the same one-line error as when training (it used to
    grow the test set silently, changing the test MSE with --index)."""
    capsys.readouterr()
    out = tmp_path / "shown"
    args = ["explain", "gates", "--index", str(index), "--test-size", "16", "--device", "cpu"]
    assert main([*args, "--model", str(gates_model), "--out", str(out)]) == 2
    model_error = one_line_error(f"--index {index} is past the 16 test sequences")
    assert not out.exists()
    assert main([*args, *TINY[:-2], "--length", "6", "--out", str(out)]) == 2  # training: the same line
    assert one_line_error() == model_error
    assert not out.exists()


def test_last_index_with_model_scores_the_same_test_set(gates_model, capsys, tmp_path):
    """Every --index within --test-size scores the model on one and the same test set."""
    lines = []
    for index in (0, 15):
        out = tmp_path / f"shown{index}"
        assert main(["explain", "gates", "--model", str(gates_model), "--index", str(index), "--test-size", "16",
                     "--device", "cpu", "--out", str(out)]) == 0  # fmt: skip
        lines.append(next(x for x in capsys.readouterr().out.splitlines() if x.startswith("test MSE")))
    assert lines[0] == lines[1]


@pytest.mark.parametrize(
    ("sub", "function", "extra"),
    [
        ("gradient-flow", "run_gradient_flow", []),
        ("memory", "run_memory", []),
        ("gates", "run_gates", []),
    ],
)
@pytest.mark.parametrize("flag", ["--progress", "--no-progress"])
def test_progress_flag_reaches_the_run(monkeypatch, capsys, tmp_path, sub, function, extra, flag):
    import rnnkit.explain.runs as runs

    seen = {}

    def fake(*args, **kwargs):
        seen.update(kwargs)
        if "show_progress" not in kwargs:  # run_gates takes it by position
            seen["show_progress"] = args[7]
        raise RnnkitError("stop here")

    monkeypatch.setattr(runs, function, fake)
    assert "--progress / --no-progress" in _help(capsys, sub)
    assert main(["explain", sub, flag, "--out", str(tmp_path / "out"), *extra]) == 2
    assert seen["show_progress"] is (flag == "--progress")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["memory", "--cells", "rnn,,lstm"], "bad cell list 'rnn,,lstm': an empty name between commas"),
        (["memory", "--lengths", "50,,100"], "bad length list '50,,100'"),
    ],
)
def test_empty_list_items_are_refused_alike(capsys, one_line_error, tmp_path, args, needle):
    """QA: --cells rnn,,lstm was accepted while --lengths 50,,100 was refused."""
    out = tmp_path / "out"
    assert main(["explain", *args, "--out", str(out)]) == 2
    one_line_error(needle)
    assert not out.exists()


@pytest.mark.parametrize("value", ["true", '"many"', "2.5"])
def test_a_config_value_of_the_wrong_type_is_told_the_options_range(capsys, one_line_error, tmp_path, value):
    """QA: ``{"epochs": true}`` was told 'an integer in [-9223372036854775808, 9223372036854775807]'."""
    cfg = tmp_path / "c.json"
    cfg.write_text(f'{{"epochs": {value}}}')
    out = tmp_path / "out"
    assert main(["explain", "gates", "--config", str(cfg), "--out", str(out)]) == 2
    one_line_error(f"c.json: epochs must be an integer in 1..100000, got {value}")
    assert not out.exists()


def test_gradient_flow_help_does_not_promise_every_seed_solves(capsys):
    """The help said memory's budget was 'enough for the LSTM and GRU to solve it at length 100'; the
    LSTM fails on seed 1 of 10 (RESULTS.md, explain seeds), and a student trying --seed 1 met that."""
    text = _help(capsys, "gradient-flow")
    assert "enough for the LSTM and GRU to solve it" not in text
    assert "at length 100 enough for the GRU on 10 of 10 seeds tried, the LSTM on 9 of 10" in text


def test_gates_help_says_the_memory_is_a_solved_model_s(capsys):
    """The help said 'A trained LSTM keeps the forget gate of a few units near 1': one trained for the
    default budget on seed 1 has not solved the task and keeps none; seed 0's keeps one of 64."""
    text = _help(capsys, "gates")
    assert "A trained LSTM keeps" not in text
    assert "An LSTM that solved the task keeps the forget gate of one unit or a few near 1" in text
    assert "a model that has not solved it gets a note instead" in text
