"""``rnnkit explain gradient-flow --resume``: trained models kept, reloaded, and the same curves."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.train.engine import Trainer

TINY = ["--epochs", "2", "--train-size", "32", "--batch-size", "16", "--hidden", "4", "--test-size", "16",
        "--length", "6", "--sequences", "2", "--device", "cpu", "--seed", "2"]  # fmt: skip


def flow(out: Path, *extra: str) -> int:
    return main(["explain", "gradient-flow", "--out", str(out), *TINY, *extra])


@pytest.fixture(scope="module")
def straight(tmp_path_factory) -> tuple[Path, str]:
    """An unbroken run's folder and what it printed."""
    out = tmp_path_factory.mktemp("straight") / "gf"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert flow(out, "--cells", "rnn,lstm,gru") == 0
    return out, printed.getvalue()


def test_ctrl_c_then_resume_reloads_finished_models_and_gives_the_same_curves(straight, tmp_path, monkeypatch,
                                                                               capsys):  # fmt: skip
    real_fit, real_epoch = Trainer.fit, Trainer._train_epoch
    calls: list[list] = []
    stop = [True]

    def fit(self, *args, **kwargs):
        calls.append([Path(self.config.run_dir).name])
        return real_fit(self, *args, **kwargs)

    def stop_in_second_model(self, loader, epoch):
        calls[-1].append(epoch)
        if stop[0] and len(calls) == 2 and epoch == 2:
            raise KeyboardInterrupt
        return real_epoch(self, loader, epoch)

    monkeypatch.setattr(Trainer, "fit", fit)
    monkeypatch.setattr(Trainer, "_train_epoch", stop_in_second_model)
    out = tmp_path / "gf"
    assert flow(out, "--cells", "rnn,lstm,gru") == 130
    jobs = out / "jobs"
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "rnnkit: interrupted; continue with the same command and --resume "
        f"(1 model finished in {jobs}; checkpoints in {jobs / 'adding-6-lstm' / 'checkpoints'})"
    )
    assert (jobs / "adding-6-rnn" / "model" / "model.safetensors").is_file()

    stop[0] = False
    calls.clear()
    assert flow(out, "--cells", "rnn,lstm,gru", "--resume") == 0
    assert calls == [["adding-6-lstm", 2], ["adding-6-gru", 1, 2]]  # rnn reloaded, lstm continued
    assert (out / "gradient_flow.csv").read_text() == (straight[0] / "gradient_flow.csv").read_text()
    assert "test MSE" in straight[1]
    assert _table(capsys.readouterr().out) == _table(straight[1])  # test MSE at init and trained too
    assert flow(out, "--cells", "gru,rnn", "--sequences", "1", "--resume") == 0  # every model reloaded
    assert calls == [["adding-6-lstm", 2], ["adding-6-gru", 1, 2]]  # nothing more trained


def _table(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if not line.startswith("wrote ")]


def test_resume_with_another_length_is_refused(tmp_path, capsys):
    out = tmp_path / "gf"
    assert flow(out, "--cells", "rnn") == 0
    capsys.readouterr()
    assert main(["explain", "gradient-flow", "--out", str(out), *TINY, "--length", "7", "--resume"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"rnnkit: error: cannot resume the run in {out}: --length was 6 when the run started, now 7; "
                   "use the run's settings, or start afresh with --force in place of --resume (it clears the "
                   "run), or with another --out"]  # fmt: skip
    # as it says: without --resume the run folder is refused ('holds a finished run ... --force'), with
    # --force the run starts afresh at the new length (the line said 'without --resume', which is refused)
    assert main(["explain", "gradient-flow", "--out", str(out), *TINY, "--length", "7"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["explain", "gradient-flow", "--out", str(out), *TINY, "--length", "7", "--force"]) == 0
    steps = {line.split(",")[2] for line in (out / "gradient_flow.csv").read_text().splitlines()[1:]}
    assert steps == {str(t) for t in range(7)}  # the new length's steps
    assert main(["explain", "gradient-flow", "--out", str(tmp_path / "none"), *TINY, "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err
