"""``rnnkit explain`` end to end on tiny settings, the demo section, and bad input."""

import csv
import json
import math
import os
import re

import pytest
import torch

from helpers_models import assert_model_card
from rnnkit.cli import main
from rnnkit.explain.demo import demo_section
from rnnkit.explain.resume import STORE_ENTRIES
from rnnkit.explain.runs import FLOW_FILES, GATES_FILE, MEMORY_FILES

TINY = ["--epochs", "1", "--train-size", "32", "--batch-size", "16", "--hidden", "4", "--test-size", "16"]
PNG = b"\x89PNG\r\n\x1a\n"


def _one_line_error(capsys, code: int) -> str:
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rnnkit: error:"), captured.err
    return lines[0]


def _declared(*names: str) -> set[str]:
    """The entries a command declares it writes in its --out (its claim checks each before any work, and
    --force never writes over a user's entry of such a name), with its marker."""
    return {".rnnkit", *(name.rstrip("/") for name in names)}


def test_help_lists_the_subcommands(capsys):
    assert main(["explain", "--help"]) == 0
    out = capsys.readouterr().out
    assert "gradient-flow" in out and "memory" in out and "gates" in out
    for sub in ("gradient-flow", "memory", "gates"):
        assert main(["explain", sub, "--help"]) == 0
        assert "--seed" in capsys.readouterr().out


def test_gradient_flow_end_to_end(tmp_path, capsys):
    out = tmp_path / "gf"
    code = main(["explain", "gradient-flow", "--cells", "rnn,irnn,lstm", "--length", "6", "--sequences", "2",
                 "--out", str(out), "--device", "cpu", *TINY])  # fmt: skip
    assert code == 0
    stdout = capsys.readouterr().out
    assert "||dh_T/dh_t|| T-t=1" in stdout and "irnn" in stdout
    # the table's norms in words too, a line per cell: how fast the gradient fades going back
    assert "In plain words, going back from the last step" in stdout
    assert sum(line.startswith(("  rnn: after training", "  irnn: after training", "  lstm: after training"))
               for line in stdout.splitlines()) == 3  # fmt: skip
    assert (out / "gradient_flow.png").read_bytes().startswith(PNG)
    assert set(os.listdir(out)) == _declared(*STORE_ENTRIES, *FLOW_FILES)  # each checked before any work
    rows = list(csv.DictReader((out / "gradient_flow.csv").open()))
    assert len(rows) == 3 * 2 * 6  # cells x stages x steps
    last = [r for r in rows if r["t"] == "5"]
    for r in last:  # dh_T/dh_T is the identity
        torch.testing.assert_close(float(r["state_norm"]), 1.0, rtol=0, atol=1e-5)
    irnn_init = torch.tensor(
        [float(r["state_norm"]) for r in rows if r["cell"] == "irnn" and r["stage"] == "init"]
    )
    # IRNN at initialisation: W_hh = I and zero bias, so dh_T/dh_t is a product of ReLU masks, a 0/1
    # diagonal matrix: spectral norm 0 or 1 per sequence (mean over 2: 0, 0.5 or 1), and never larger
    # for an earlier step (a unit must stay active all the way to T).
    assert all(min(abs(v - k) for k in (0.0, 0.5, 1.0)) < 1e-5 for v in irnn_init.tolist())
    assert bool((irnn_init[1:] >= irnn_init[:-1] - 1e-6).all())


def test_memory_adding_end_to_end(tmp_path, capsys):
    out = tmp_path / "mem"
    code = main(["explain", "memory", "--task", "adding", "--lengths", "4,6", "--cells", "rnn,gru",
                 "--out", str(out), "--seed", "3", "--device", "cpu", *TINY])  # fmt: skip
    assert code == 0
    stdout = capsys.readouterr().out
    assert "baseline MSE" in stdout
    assert set(os.listdir(out)) == _declared(*STORE_ENTRIES, *MEMORY_FILES)  # each checked before any work
    # and what the table shows in words, each cell named with its lengths (a student need not read MSEs)
    verdict = stdout.splitlines()[-4].lower()  # before the three "wrote" lines
    assert "the simple (tanh) rnn (lengths 4, 6)" in verdict and "the gru (length" in verdict
    record = json.loads((out / "memory.json").read_text())
    assert [(r["length"], r["cell"]) for r in record["results"]] == [
        (4, "rnn"),
        (4, "gru"),
        (6, "rnn"),
        (6, "gru"),
    ]
    for r in record["results"]:
        assert 0.0 < r["baseline"] < 1.0 and r["error"] > 0 and r["steps"] == 2
    assert len(list(csv.DictReader((out / "memory.csv").open()))) == 4
    assert (out / "memory.png").read_bytes().startswith(PNG)


def test_memory_copy_end_to_end(tmp_path, capsys):
    out = tmp_path / "copy"
    code = main(["explain", "memory", "--task", "copy", "--lengths", "3", "--cells", "lstm",
                 "--out", str(out), "--device", "cpu", *TINY])  # fmt: skip
    assert code == 0
    stdout = capsys.readouterr().out
    assert "recall acc" in stdout
    # the copy task's words: a delay, not a length; and one epoch leaves it worse than the baseline
    assert "copy delay 3 lstm: cross-entropy" in stdout and "length" not in stdout
    assert "The LSTM did worse than the no-memory baseline (test cross-entropy up to" in stdout
    (result,) = json.loads((out / "memory.json").read_text())["results"]
    # The memoryless baseline: blanks, then 1/8 for each symbol (log 8 per recalled symbol).
    assert 0.5 < result["baseline"] < 1.0 and 0 <= result["accuracy"] <= 1


def test_memory_copy_on_one_test_sequence_finishes(tmp_path, capsys):
    """On a test set of one sequence the baseline was fitted to its answers (cross-entropy 0, every
    symbol recalled), and the verdict divided by that 0 (a traceback)."""
    out = tmp_path / "copy1"
    tiny = [*TINY[:-1], "1"]  # --test-size 1
    code = main(["explain", "memory", "--task", "copy", "--lengths", "1", "--cells", "rnn",
                 "--out", str(out), "--device", "cpu", *tiny])  # fmt: skip
    assert code == 0
    assert "did worse than the no-memory baseline (test cross-entropy up to" in capsys.readouterr().out
    assert (out / "memory.png").read_bytes().startswith(PNG)
    (result,) = json.loads((out / "memory.json").read_text())["results"]
    # Blanks, then 1/8 for each of the 10 symbols, over 1 + 20 steps; a guess recalls 1 symbol in 8.
    assert result["baseline"] == pytest.approx(10 * math.log(8) / 21) and result["baseline_accuracy"] == 0.125


def test_gates_trains_saves_and_reloads(tmp_path, capsys):
    out = tmp_path / "gates"
    assert main(["explain", "gates", "--length", "8", "--out", str(out), "--device", "cpu", *TINY]) == 0
    stdout = capsys.readouterr().out
    assert "input gate, marked steps" in stdout
    assert "training the LSTM on the adding problem, length 8" in stdout  # not "training a lstm"
    assert (out / "gates.png").read_bytes().startswith(PNG)
    assert set(os.listdir(out)) == _declared(GATES_FILE, "model")  # each checked before any work
    assert (out / "model" / "config.json").is_file()
    assert "test MSE" in assert_model_card(out / "model", "explain gates", "trivial baseline")
    again = tmp_path / "again"
    reload = ["explain", "gates", "--model", str(out / "model"), "--index", "3", "--test-size", "16"]
    assert main([*reload, "--out", str(again)]) == 0
    # Same seed and test size: the reloaded model is scored on the very test set it was trained against.
    mse_line = next(line for line in stdout.splitlines() if line.startswith("test MSE"))
    assert mse_line in capsys.readouterr().out and "length 8" in mse_line
    # One epoch does not solve it: the baseline is printed beside the error, and the reader is told that
    # these gates cannot show how the model remembers.
    assert "(baseline 0." in mse_line and "solved below 0.01" in mse_line
    # the constant it answers, in the words the demo and explain memory use (it said 'the mean')
    assert ", always answering 1.0 (the average sum); solved" in mse_line
    assert "note: the model has not solved the task" in stdout
    assert (again / "gates.png").read_bytes().startswith(PNG)
    assert not (again / "model").exists()  # a loaded model is not copied


def test_gates_of_a_model_draw_into_its_own_run_never_beside_another_model(tmp_path, capsys, monkeypatch):
    """``gates --model runs/a`` without --out drew into the default runs/explain/gates, replacing the
    picture of the model trained there with runs/a's gates, without a word: gates.png beside model/ no
    longer showed that model. Now it draws into the run folder the model came from, and an --out that
    holds another model is refused in one line."""
    monkeypatch.chdir(tmp_path)
    tiny = [*TINY, "--device", "cpu", "--no-progress"]
    assert main(["explain", "gates", "--length", "6", *tiny]) == 0  # into the default runs/explain/gates
    assert main(["explain", "gates", "--length", "8", "--out", "a", *tiny]) == 0
    default = tmp_path / "runs" / "explain" / "gates" / "gates.png"
    before, own = default.read_bytes(), (tmp_path / "a" / "gates.png").read_bytes()
    capsys.readouterr()
    for given in ("a", "a/model"):
        assert main(["explain", "gates", "--model", given, "--index", "3", "--device", "cpu"]) == 0
        assert "wrote a/gates.png" in capsys.readouterr().out
        assert (tmp_path / "a" / "gates.png").read_bytes() not in (own, before)  # sequence 3, not 0
        assert default.read_bytes() == before  # the default run's picture of its own model
    line = _one_line_error(capsys, main(["explain", "gates", "--model", "a", "--out", "runs/explain/gates"]))
    assert line == (
        "rnnkit: error: runs/explain/gates holds another model (runs/explain/gates/model): a gates.png of a "
        "there would be read as that model's; give --out (a, the model's own run folder, or a new folder)"
    )
    assert default.read_bytes() == before
    # a model from elsewhere (a gradient-flow job's, a saved folder) keeps the default --out, where it is free
    (tmp_path / "runs" / "explain" / "gates" / "model").rename(tmp_path / "saved")
    assert main(["explain", "gates", "--model", "saved", "--device", "cpu"]) == 0
    assert "wrote runs/explain/gates/gates.png" in capsys.readouterr().out


def test_gates_of_a_wrong_model_or_a_read_only_run_are_told_as_such_not_as_out(tmp_path, capsys, monkeypatch):
    """With a model in the default runs/explain/gates, 'gates --model nonexist' (no --out) said
    'runs/explain/gates holds another model ...; give --out': the --out check ran before the model's.
    And a read-only explain gates run as --model, no --out, said 'cannot write --out ro: Permission
    denied' of an --out never typed. Now the model is checked first, and the read-only run is named."""
    monkeypatch.chdir(tmp_path)
    tiny = [*TINY, "--device", "cpu", "--no-progress"]
    assert main(["explain", "gates", "--length", "6", *tiny]) == 0  # a model in the default --out
    assert main(["explain", "gates", "--length", "6", "--out", "ro", *tiny]) == 0
    (tmp_path / "empty").mkdir()
    capsys.readouterr()
    line = _one_line_error(capsys, main(["explain", "gates", "--model", "nonexist", "--device", "cpu"]))
    assert line == "rnnkit: error: cannot load nonexist: no such folder"
    line = _one_line_error(capsys, main(["explain", "gates", "--model", "empty", "--device", "cpu"]))
    assert line.startswith("rnnkit: error: cannot load empty: it is not an rnnkit model folder")
    real = os.access
    denied = os.path.abspath("ro")

    def access(path, mode, **kwargs):  # as chmod a-w does to a user other than root
        return False if os.path.abspath(path) == denied and mode & os.W_OK else real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    before = (tmp_path / "ro" / "gates.png").read_bytes()
    for given in ("ro", "ro/model"):
        line = _one_line_error(capsys, main(["explain", "gates", "--model", given, "--device", "cpu"]))
        assert line == "rnnkit: error: ro (where gates draws without --out) is read-only; give --out DIR"
    assert (tmp_path / "ro" / "gates.png").read_bytes() == before
    assert main(["explain", "gates", "--model", "ro", "--out", "mine", "--device", "cpu"]) == 0
    assert "wrote mine/gates.png" in capsys.readouterr().out


def test_gates_of_a_solved_lstm_are_read_in_plain_words(tmp_path, capsys, monkeypatch):
    """Under the gate table, the words the demo shows (who holds the memory, how the input gate rises);
    only for a solved model, whose gates show how it remembers (the solved bar lowered for a tiny run)."""
    monkeypatch.setattr("rnnkit.explain.runs.ADDING_SOLVED_MSE", 10.0)
    monkeypatch.setattr("rnnkit.explain.runs.MIN_SOLVED_TESTS", 16)  # --test-size 16 is enough here
    assert (
        main(["explain", "gates", "--length", "8", "--out", str(tmp_path / "g"), "--device", "cpu", *TINY])
        == 0
    )
    stdout = capsys.readouterr().out
    assert "note: the model has not solved" not in stdout
    reading = next(
        line for line in stdout.splitlines() if line.startswith("Inside the trained LSTM (4 units): ")
    )
    assert (
        "forget gate above 0.9 on average" in reading and "On the two marked steps the input gates" in reading
    )


def test_gates_for_a_gru(tmp_path, capsys):
    out = tmp_path / "gru"
    assert main(["explain", "gates", "--cell", "gru", "--length", "6", "--out", str(out), *TINY]) == 0
    assert (out / "gates.png").read_bytes().startswith(PNG)
    stdout = capsys.readouterr().out  # the GRU's table too: its update gate, on and off the marked steps
    assert "update gate, marked steps" in stdout and "units with mean update gate > 0.9" in stdout
    assert "Inside the trained GRU" not in stdout  # not solved: no reading of gates that hold nothing


def test_gates_of_a_solved_gru_are_read_in_plain_words(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("rnnkit.explain.runs.ADDING_SOLVED_MSE", 10.0)
    monkeypatch.setattr("rnnkit.explain.runs.MIN_SOLVED_TESTS", 16)  # --test-size 16 is enough here
    out = tmp_path / "gru"
    assert main(["explain", "gates", "--cell", "gru", "--length", "6", "--out", str(out), *TINY]) == 0
    reading = capsys.readouterr().out.splitlines()[-3]  # before "wrote .../model" and ".../gates.png"
    assert reading.startswith("Inside the trained GRU (4 units): ")
    assert "On the two marked steps the update gates average" in reading


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["memory", "--cells", "rnn,transformer"], "unknown cell 'transformer'; known: rnn, rnn-relu"),
        (["memory", "--lengths", "50,abc"], "bad length 'abc'"),
        (["memory", "--lengths", "1"], "at least 2"),
        (["memory", "--task", "sorting"], "unknown task 'sorting'; known: adding, copy"),
        (["memory", "--epochs", "0"], "--epochs"),
        (["memory", "--threads", "0"], "--threads"),
        (["gradient-flow", "--length", "1"], "'--length': must be >= 2 (got 1)"),  # the range --help shows
        (["gradient-flow", "--cells", ""], "at least one cell"),
        (["gradient-flow", "--sequences", "9", "--test-size", "8"], "--sequences 9 is more than the 8 test"),
        (["gates", "--cell", "rnn"], "'rnn' is not one of 'lstm', 'gru'"),  # --cell is a choice
        (["gates", "--model", "no/such/folder"], "cannot load no/such/folder: no such folder"),
        (["gates", "--index", "-1"], "'--index': must be >= 0"),
    ],
)
def test_bad_input_is_one_line_and_leaves_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    line = _one_line_error(capsys, main(["explain", *args, "--out", str(out)]))
    assert message in line
    assert not out.exists()


def test_wrong_model_folder_is_one_line(tmp_path, capsys):
    from rnnkit.train.modelfile import save_model

    save_model(tmp_path / "forecast", {"w": torch.zeros(1)}, {"application": "forecast"})
    out = tmp_path / "out"
    line = _one_line_error(
        capsys, main(["explain", "gates", "--model", str(tmp_path / "forecast"), "--out", str(out)])
    )
    assert "'forecast' model, not an 'explain' model" in line
    assert not out.exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_a_gpu_is_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    line = _one_line_error(capsys, main(["explain", "memory", "--device", "cuda", "--out", str(out)]))
    assert "no CUDA GPU" in line and not out.exists()


def test_demo_section_quick(tmp_path):
    section = demo_section(tmp_path / "explain", seed=1, device="cpu", quick=True)
    html = section.to_html()
    assert html.count("<img") == 3 and html.count("<table") == 3
    alts = re.findall(r'<img[^>]* alt="([^"]*)"', html)  # what each plot shows, not a bare label
    assert len(alts) == 3 and all(len(alt.split()) >= 8 for alt in alts), alts
    assert "Adding problem" in html and "baseline" in html
    # the gradient table in words too, one paragraph: every cell's rate, as the command prints it
    words = re.search(r"<p>(In plain words, going back from the last step[^<]*)</p>", html).group(1)
    assert words.count(": after training, ") == 2 and "rnn: " in words and "; lstm: " in words
    for name in ("memory/memory.png", "gradient-flow/gradient_flow.png", "gates/gates.png"):
        assert (tmp_path / "explain" / name).read_bytes().startswith(PNG)


def test_a_diverging_run_is_reported_not_raised(tmp_path, capsys, monkeypatch):
    # A learning rate of 1e30 sends the ReLU RNN's loss to inf within a step or two. The command line
    # refuses such a rate (--lr is at most 10), so the settings are changed behind it.
    import rnnkit.explain.cli as explain_cli

    real = explain_cli._settings
    monkeypatch.setattr(explain_cli, "_settings", lambda **kw: real(**{**kw, "lr": 1e30}))
    out = tmp_path / "div"
    code = main(
        [
            "explain",
            "memory",
            "--lengths",
            "6",
            "--cells",
            "rnn-relu",
            "--out",
            str(out),
            *TINY,
            "--lr",
            "10",
        ]
    )
    assert code == 0
    assert "diverged" in capsys.readouterr().out
    (result,) = json.loads((out / "memory.json").read_text())["results"]  # strict JSON: NaN became null
    assert result["diverged"] is True and result["solved"] is False


def test_gates_refuses_a_copy_task_model(tmp_path, capsys):
    from rnnkit.explain.gates import save_task_model
    from rnnkit.explain.training import build_model

    save_task_model(tmp_path / "copy", build_model("lstm", "copy", 4), "copy", 5)
    out = tmp_path / "out"
    line = _one_line_error(
        capsys, main(["explain", "gates", "--model", str(tmp_path / "copy"), "--out", str(out)])
    )
    assert "holds a 'copy' model; gates are shown on the adding task" in line
    assert not out.exists()


def test_gates_of_a_model_without_gates_says_so_in_the_lecture_s_words(tmp_path, capsys):
    """`explain gates --model` of gradient-flow's Simple RNN said "cell 'rnn' has no gates to show;
    choose one of: lstm, gru", an option to choose that --model does not have; the line now names the
    model and why it has no gates, before anything is written."""
    from rnnkit.explain.gates import save_task_model
    from rnnkit.explain.training import build_model

    save_task_model(tmp_path / "rnn", build_model("rnn", "adding", 4), "adding", 5)
    out = tmp_path / "out"
    line = _one_line_error(
        capsys, main(["explain", "gates", "--model", str(tmp_path / "rnn"), "--out", str(out)])
    )
    assert "holds a model of cell 'rnn' (Simple RNN, tanh), which has no gates to show" in line
    assert "gates are what the LSTM and the GRU add to it; give an lstm or gru model" in line
    assert "choose one of" not in line and not out.exists()
