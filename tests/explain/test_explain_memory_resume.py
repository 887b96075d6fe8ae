"""``rnnkit explain memory --resume``: finished models reused, the one in progress continued,
and the table of an unbroken run."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.explain.resume import result_from_json, result_to_json
from rnnkit.explain.training import TaskResult
from rnnkit.train.engine import Trainer

# Two epochs, so the second model can be stopped after its first checkpoint; 4 models in all.
TINY = ["--epochs", "2", "--train-size", "32", "--batch-size", "16", "--hidden", "4", "--test-size", "16",
        "--device", "cpu", "--seed", "3"]  # fmt: skip
JOBS = ["--lengths", "4,6", "--cells", "rnn,gru"]


def memory(out: Path, *extra: str) -> int:
    return main(["explain", "memory", "--task", "adding", "--out", str(out), *TINY, *extra])


def table(out: Path) -> list[dict[str, str]]:
    """memory.csv without the wall-time column (the one thing a resumed run cannot repeat)."""
    rows = list(csv.DictReader((out / "memory.csv").open()))
    return [{k: v for k, v in r.items() if k != "seconds"} for r in rows]


def results(out: Path) -> list[dict]:
    record = json.loads((out / "memory.json").read_text())
    return [{k: v for k, v in r.items() if k != "seconds"} for r in record["results"]]


@pytest.fixture(scope="module")
def straight(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("straight") / "memory"
    assert memory(out, *JOBS) == 0
    return out


@pytest.fixture
def calls(monkeypatch) -> list[dict]:
    """Every ``Trainer.fit``: the job folder it trains in, whether it resumes, and the epochs it trains."""
    real_fit, real_epoch = Trainer.fit, Trainer._train_epoch
    seen: list[dict] = []

    def fit(self, *args, **kwargs):
        seen.append({"job": Path(self.config.run_dir).name, "resume": self.config.resume, "epochs": []})
        return real_fit(self, *args, **kwargs)

    def train_epoch(self, loader, epoch):
        seen[-1]["epochs"].append(epoch)
        return real_epoch(self, loader, epoch)

    monkeypatch.setattr(Trainer, "fit", fit)
    monkeypatch.setattr(Trainer, "_train_epoch", train_epoch)
    return seen


def test_straight_run_keeps_every_result_in_the_run_folder(straight):
    jobs = straight / "jobs"
    names = ["adding-4-gru", "adding-4-rnn", "adding-6-gru", "adding-6-rnn"]
    assert sorted(p.name for p in jobs.iterdir()) == names
    for job in jobs.iterdir():
        assert sorted(p.name for p in job.iterdir()) == ["metrics.csv", "result.json"]  # checkpoints dropped
    kept = result_from_json((jobs / "adding-6-gru" / "result.json").read_text())
    assert [kept.length, kept.cell, kept.epochs_run] == [6, "gru", 2]
    assert results(straight)[3] == {k: v for k, v in json.loads(result_to_json(kept)).items()
                                    if k not in ("history", "seconds")}  # fmt: skip
    settings = json.loads((straight / "run.json").read_text())["settings"]
    assert settings["--hidden-size"] == 4 and settings["--seed"] == 3 and settings["--lengths"] == [4, 6]


def test_ctrl_c_in_the_second_model_then_resume_gives_the_straight_table(
    straight, tmp_path, monkeypatch, capsys, calls
):
    real_epoch = Trainer._train_epoch  # the counting wrapper

    def stop_in_second_model(self, loader, epoch):
        if len(calls) == 2 and epoch == 2:  # the second model has its epoch-1 checkpoint
            calls[-1]["epochs"].append(epoch)
            next(iter(loader))
            raise KeyboardInterrupt
        return real_epoch(self, loader, epoch)

    out = tmp_path / "memory"
    monkeypatch.setattr(Trainer, "_train_epoch", stop_in_second_model)
    assert memory(out, *JOBS) == 130
    last = capsys.readouterr().err.strip().splitlines()[-1]
    jobs = out / "jobs"
    assert last == ("rnnkit: interrupted; continue with the same command and --resume "
                    f"(1 model finished in {jobs}; checkpoints in {jobs / 'adding-4-gru' / 'checkpoints'})")  # fmt: skip
    assert (jobs / "adding-4-rnn" / "result.json").is_file()
    assert (jobs / "adding-4-gru" / "checkpoints" / "epoch-0001").is_dir()
    assert not (out / "memory.csv").exists()  # the table is written once, at the end

    monkeypatch.setattr(Trainer, "_train_epoch", real_epoch)
    calls.clear()
    assert memory(out, *JOBS, "--resume") == 0
    assert "adding length 4 rnn" in capsys.readouterr().out
    # The finished model was not trained again; the interrupted one went on from its epoch-1 checkpoint.
    assert calls == [
        {"job": "adding-4-gru", "resume": True, "epochs": [2]},
        {"job": "adding-6-rnn", "resume": True, "epochs": [1, 2]},
        {"job": "adding-6-gru", "resume": True, "epochs": [1, 2]},
    ]
    assert table(out) == table(straight)
    assert results(out) == results(straight)
    resumed = result_from_json((jobs / "adding-4-gru" / "result.json").read_text())
    assert resumed.seconds >= resumed.history[0]["seconds"]  # counts the epoch before the Ctrl-C


def test_resume_with_more_cells_and_lengths_trains_only_the_new_models(straight, tmp_path, capsys, calls):
    out = tmp_path / "memory"
    assert memory(out, "--lengths", "4", "--cells", "rnn") == 0
    calls.clear()
    assert memory(out, *JOBS, "--resume") == 0
    assert [c["job"] for c in calls] == ["adding-4-gru", "adding-6-rnn", "adding-6-gru"]
    assert "adding length 4 rnn: MSE" in capsys.readouterr().out
    assert table(out) == table(straight)
    calls.clear()
    assert memory(out, "--lengths", "6", "--cells", "gru", "--resume") == 0  # a subset: nothing to train
    assert calls == []
    assert table(out) == [row for row in table(straight) if row["length"] == "6" and row["cell"] == "gru"]


def test_resume_with_other_settings_names_the_difference_and_trains_nothing(
    tmp_path, capsys, calls, one_line_error
):
    out = tmp_path / "memory"
    assert memory(out, "--lengths", "4", "--cells", "rnn") == 0
    before = (out / "memory.csv").read_bytes()
    capsys.readouterr()
    calls.clear()
    for extra, needles in (
        (["--hidden", "8"], ["--hidden-size was 4 when the run started, now 8"]),
        (["--epochs", "3"], ["--epochs was 2", "now 3"]),
        (["--seed", "4"], ["--seed was 3", "now 4"]),
        (["--task", "copy"], ['--task was "adding"', 'now "copy"']),
        (["--patience", "1"], ["--patience was null", "now 1"]),
    ):
        assert memory(out, "--lengths", "4", "--cells", "rnn", "--resume", *extra) == 2
        one_line_error(f"cannot resume the run in {out}:", *needles)
    assert calls == []
    assert (out / "memory.csv").read_bytes() == before
    # Where and how fast may change.
    assert memory(out, "--lengths", "4", "--cells", "rnn", "--resume", "--threads", "2") == 0
    assert calls == []


def test_a_run_begun_before_the_settings_were_composed_still_resumes(tmp_path, capsys, calls):
    out = tmp_path / "memory"
    assert memory(out, "--lengths", "4", "--cells", "rnn") == 0
    doc = json.loads((out / "run.json").read_text())
    for key in ("--lr-schedule", "--lr-factor", "--lr-patience"):  # what older run.json files lack
        del doc["settings"][key]
    (out / "run.json").write_text(json.dumps(doc))
    calls.clear()
    assert memory(out, *JOBS, "--resume") == 0
    assert [c["job"] for c in calls] == ["adding-4-gru", "adding-6-rnn", "adding-6-gru"]  # rnn reused


def test_resume_with_nothing_to_resume_is_one_line(tmp_path, capsys, monkeypatch, one_line_error):
    out = tmp_path / "memory"
    assert memory(out, *JOBS, "--resume") == 2
    one_line_error("nothing to resume", str(out))
    assert not out.exists()

    def stop_at_once(self, loader, epoch):
        raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "_train_epoch", stop_at_once)
    assert memory(out, *JOBS) == 130  # before any checkpoint: nothing kept, nothing to promise
    assert capsys.readouterr().err.strip().splitlines()[-1] == "rnnkit: interrupted"
    assert memory(out, *JOBS, "--resume") == 2
    one_line_error("nothing to resume", str(out))


def test_fresh_run_in_an_old_run_folder_retrains_everything(straight, tmp_path, calls):
    out = tmp_path / "memory"
    assert memory(out, *JOBS, "--hidden", "5") == 0
    calls.clear()
    assert memory(out, *JOBS, "--force") == 0  # without --resume: the hidden-5 results must not be reused
    assert [c["resume"] for c in calls] == [False] * 4
    assert table(out) == table(straight)


def test_result_json_round_trips_a_diverged_run():
    result = TaskResult("adding", 50, "rnn-relu", math.nan, 0.17, False, diverged=True, epochs_run=3,
                        steps=30, seconds=1.5, history=[{"epoch": 1, "train_loss": math.inf}])  # fmt: skip
    text = result_to_json(result)
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON {name}"))
    back = result_from_json(text)
    assert math.isnan(back.error) and back.history[0]["train_loss"] == math.inf
    assert {**back.__dict__, "error": 0} == {**result.__dict__, "error": 0}


def test_help_says_what_may_change_on_resume(capsys):
    assert main(["explain", "memory", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--run-dir" not in text and "Reuse the finished models of the run in --out" in text
    assert "--cells and --lengths may change" in text and "--epochs may be raised" not in text


@pytest.mark.parametrize("command", ["memory", "gradient-flow"])
def test_run_dir_is_gone_in_one_line_and_writes_nothing(command, tmp_path, capsys, one_line_error):
    out = tmp_path / "out"
    assert main(["explain", command, "--out", str(out), "--run-dir", str(tmp_path / "run")]) == 2
    one_line_error("--run-dir is gone: --out is the run folder now (checkpoints in OUT/checkpoints)")
    assert not out.exists() and not (tmp_path / "run").exists()


def test_ctrl_c_before_the_next_models_first_checkpoint(straight, tmp_path, monkeypatch, capsys, calls):
    counting = Trainer._train_epoch

    def stop_in_second_model(self, loader, epoch):
        if len(calls) == 2:
            raise KeyboardInterrupt
        return counting(self, loader, epoch)

    out = tmp_path / "memory"
    monkeypatch.setattr(Trainer, "_train_epoch", stop_in_second_model)
    assert memory(out, *JOBS) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"rnnkit: interrupted; continue with the same command and --resume (1 model finished in {out / 'jobs'})"
    )
    monkeypatch.setattr(Trainer, "_train_epoch", counting)
    calls.clear()
    assert memory(out, *JOBS, "--resume") == 0
    assert [(c["job"], c["epochs"]) for c in calls] == [
        ("adding-4-gru", [1, 2]),  # no checkpoint: from scratch
        ("adding-6-rnn", [1, 2]),
        ("adding-6-gru", [1, 2]),
    ]
    assert results(out) == results(straight)


def test_a_copy_result_saved_with_the_old_baseline_takes_todays_on_resume(tmp_path, calls):
    """A copy run begun when the baseline was fitted to the test set's own frequencies: its finished
    results keep the model's numbers but show today's baseline (1/8 per symbol), the same as a model
    trained after it, in the table, the JSON and the verdict's ratio."""
    out = tmp_path / "copy"
    copy = ["explain", "memory", "--task", "copy", "--lengths", "1", "--out", str(out), *TINY]
    assert main([*copy, "--cells", "rnn"]) == 0
    saved = out / "jobs" / "copy-1-rnn" / "result.json"
    old = json.loads(saved.read_text())
    old.update(baseline=0.8985, baseline_accuracy=0.2313)  # what the old definition gave on 16 sequences
    saved.write_text(json.dumps(old))
    calls.clear()
    assert main([*copy, "--cells", "rnn,lstm", "--resume"]) == 0
    assert [c["job"] for c in calls] == ["copy-1-lstm"]  # rnn reused, not trained again
    today = 10 * math.log(8) / (1 + 20)
    rows = {r["cell"]: r for r in table(out)}
    for row in rows.values():
        assert float(row["baseline CE/step"]) == pytest.approx(today)
        assert float(row["baseline acc"]) == pytest.approx(1 / 8)
    assert float(rows["rnn"]["ratio"]) == pytest.approx(old["error"] / today)
    assert float(rows["rnn"]["test CE/step"]) == pytest.approx(old["error"])  # the model's own numbers
    assert float(rows["rnn"]["recall acc"]) == pytest.approx(old["accuracy"])
    assert [r["baseline"] for r in results(out)] == [pytest.approx(today)] * 2
    assert [r["baseline_accuracy"] for r in results(out)] == [1 / 8] * 2
