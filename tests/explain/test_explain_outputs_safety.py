"""``explain gates`` never damages its input model or a user's files (audit_other.md items 3, 4, 5):
every output is checked first, inputs included, and a refused run leaves nothing behind."""

import shutil
from pathlib import Path

import pytest

from rnnkit.cli import main

TINY = ["--epochs", "1", "--train-size", "32", "--batch-size", "16", "--hidden", "4", "--test-size", "16",
        "--device", "cpu", "--threads", "1"]  # fmt: skip


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))
    }


def _refused(capsys, code: int, *needles: str) -> str:
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error: "), err
    for needle in needles:
        assert needle in err[0], err[0]
    return err[0]


@pytest.fixture(scope="module")
def gates(tmp_path_factory):
    root = tmp_path_factory.mktemp("gatesafe")
    assert main(["explain", "gates", "--length", "8", "--out", str(root / "gates"), *TINY]) == 0
    return root / "gates"


def test_out_equal_to_the_input_model_is_refused_and_leaves_no_marker(gates, tmp_path, capsys):
    """Item 3: the refused run left an explain marker in the model folder, which then never loaded."""
    brick = tmp_path / "brick"
    shutil.copytree(gates, brick)
    model = brick / "model"
    before = _snapshot(tmp_path)
    code = main(
        ["explain", "gates", "--model", str(model), "--out", str(model), "--force", "--device", "cpu"]
    )
    _refused(capsys, code, f"--out {model} is the input {model}")
    assert _snapshot(tmp_path) == before  # no .rnnkit marker, no lock
    code = main(
        ["explain", "gates", "--model", str(model), "--out", str(model / "x"), "--force", "--device", "cpu"]
    )
    _refused(capsys, code, f"--out {model / 'x'} is inside the input {model}")
    assert _snapshot(tmp_path) == before
    assert (
        main(["explain", "gates", "--model", str(model), "--out", str(tmp_path / "other"), "--device", "cpu"])
        == 0
    )


def test_the_run_folder_of_the_model_may_still_be_out(gates, tmp_path, capsys):
    """docs/explain.md: ``--model runs/explain/gates`` with the default --out shows another sequence; gates
    then writes only gates.png beside the model, never into it."""
    run = tmp_path / "run"
    shutil.copytree(gates, run)
    model_before = _snapshot(run / "model")
    assert (
        main(["explain", "gates", "--model", str(run), "--index", "2", "--out", str(run), "--device", "cpu"])
        == 0
    )
    assert _snapshot(run / "model") == model_before


def test_a_users_model_folder_is_refused_before_training(tmp_path, capsys, monkeypatch):
    """Item 4: the model/ check came after training, gates.png was already overwritten, and the error
    asked for the --force that had been given."""
    import rnnkit.explain.runs as runs

    out = tmp_path / "user2"
    (out / "model").mkdir(parents=True)
    (out / "gates.png").write_text("my notes")
    (out / "model" / "thesis.txt").write_text("my thesis")
    before = _snapshot(tmp_path)
    monkeypatch.setattr(runs, "train_on_task", lambda *a, **k: pytest.fail("trained before checking"))
    for force in ([], ["--force"]):
        line = _refused(capsys, main(["explain", "gates", "--length", "8", "--out", str(out), *TINY, *force]))
        assert _snapshot(tmp_path) == before
        if force:  # --force writes into the folder keeping what is there: never over the user's gates.png
            assert "holds gates.png, which this command writes there" in line and "pass --force" not in line
    (out / "gates.png").unlink()
    before = _snapshot(tmp_path)
    line = _refused(capsys, main(["explain", "gates", "--length", "8", "--out", str(out), *TINY, "--force"]))
    assert _snapshot(tmp_path) == before
    assert "thesis.txt" in line and "--force or not" in line and "pass --force" not in line


def test_config_from_the_model_out_would_replace_is_refused(gates, tmp_path, capsys):
    """Item 5: ``--config R/model/config.json --out R`` silently replaced R's model, without --force."""
    run = tmp_path / "cfg3"
    shutil.copytree(gates, run)
    before = _snapshot(tmp_path)
    for force in ([], ["--force"]):
        code = main(["explain", "gates", "--config", str(run / "model" / "config.json"), "--out", str(run),
                     "--epochs", "2", "--device", "cpu", *force])  # fmt: skip
        _refused(capsys, code, f"--out {run} contains the input {run / 'model' / 'config.json'}")
        assert _snapshot(tmp_path) == before
    code = main(["explain", "memory", "--config", str(run / "model"), "--out", str(run / "model" / "m"), "--device",
                 "cpu"])  # fmt: skip
    _refused(capsys, code, "is inside the input")
    assert _snapshot(tmp_path) == before
