"""Run folders: settings recorded on a fresh run, checked on --resume, and the Ctrl-C hint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnnkit.utils.errors import Interrupted, RnnkitError
from rnnkit.utils.runs import RunFolder, fingerprint, first_difference, sibling_run_dir

SETTINGS = {
    "--cell": "gru",
    "--hidden": 8,
    "--epochs": 2,
    "--quantiles": (0.1, 0.9),
    "data": fingerprint("x"),
}


def test_sibling_run_dir_is_beside_the_model_folder_never_inside():
    assert sibling_run_dir(Path("runs/translate/model")) == Path("runs/translate/model.run")
    assert sibling_run_dir(Path("a/")) == Path("a.run")
    assert sibling_run_dir(Path(".")) == Path.cwd().with_name(Path.cwd().name + ".run")


def test_fingerprint_depends_on_content_order_and_boundaries():
    a = np.arange(6.0)
    assert fingerprint(a) == fingerprint(a.copy()) and fingerprint(a).startswith("sha256:")
    assert fingerprint(a) != fingerprint(a.reshape(2, 3))  # shape is part of it
    assert fingerprint(a) != fingerprint(a.astype(np.float32))
    assert fingerprint("ab", "c") != fingerprint("a", "bc")
    assert fingerprint([["en", "ko"]]) != fingerprint([["en", "ko "]])


def test_first_difference_names_options_before_fingerprints_and_skips_allowed_ones():
    assert first_difference(SETTINGS | {"--quantiles": [0.1, 0.9]}, SETTINGS) is None  # JSON round trip
    assert first_difference(SETTINGS, {**SETTINGS, "--epochs": 9}, ["--epochs"]) is None
    assert (
        first_difference(SETTINGS, {**SETTINGS, "--epochs": 9})
        == "--epochs was 2 when the run started, now 9"
    )
    both = {**SETTINGS, "data": fingerprint("y"), "--hidden": 16}
    assert first_difference(SETTINGS, both) == "--hidden was 8 when the run started, now 16"
    data = first_difference(SETTINGS, {**SETTINGS, "data": fingerprint("y")})
    assert data.startswith("data changed since the run started (sha256:")
    assert (
        first_difference(SETTINGS, {**SETTINGS, "--new": 1}) == "--new was null when the run started, now 1"
    )


def test_fresh_run_records_and_resume_checks(tmp_path):
    run = RunFolder(tmp_path / "r")
    assert run.begin(SETTINGS, None, state={"max_len": 7}) == {"max_len": 7}
    run.write_file("vocab.json", b"{}")
    resumed = RunFolder(tmp_path / "r", resume=True)
    ckpt = tmp_path / "r" / "checkpoints" / "epoch-0001"
    assert resumed.begin({**SETTINGS, "--epochs": 5}, ckpt, state={"max_len": 99}) == {"max_len": 7}
    assert resumed.read_file("vocab.json") == b"{}"
    with pytest.raises(
        RnnkitError,
        match=r"^cannot resume the run in .*: --cell was \"gru\" when the run started, now \"lstm\"",
    ):
        resumed.begin({**SETTINGS, "--cell": "lstm"}, ckpt)
    with pytest.raises(RnnkitError, match="missing from the run folder"):
        resumed.read_file("src.spm")


def test_resume_needs_a_checkpoint_and_a_readable_run_json(tmp_path):
    resumed = RunFolder(tmp_path / "r", resume=True)
    with pytest.raises(RnnkitError, match=f"no checkpoint in {tmp_path / 'r'}"):
        resumed.begin(SETTINGS, None)
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "run.json").write_text("{not json")
    with pytest.raises(RnnkitError, match="run.json is missing or unreadable"):
        resumed.begin(SETTINGS, tmp_path / "r" / "checkpoints" / "epoch-0001")


def test_a_process_that_sees_no_run_on_its_node_names_the_shared_file_system(tmp_path, monkeypatch):
    """A process on a node whose disk lacks the run folder another node wrote: the error says why."""
    for name in ("RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    resumed = RunFolder(tmp_path / "r", resume=True)
    with pytest.raises(RnnkitError) as alone:
        resumed.begin(SETTINGS, None)
    assert "seen from" not in str(alone.value)  # one process: nothing about nodes
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(RnnkitError, match=r"no checkpoint in .*seen from process 1 of 2.*shares") as other:
        resumed.begin(SETTINGS, None)
    assert "\n" not in str(other.value)
    with pytest.raises(RnnkitError, match=r"run.json is missing or unreadable.*process 1 of 2.*shares"):
        resumed.begin(SETTINGS, tmp_path / "r" / "checkpoints" / "epoch-0001")
    with pytest.raises(RnnkitError, match=r"missing from the run folder .*process 1 of 2"):
        resumed.read_file("src.spm")
    # c10d numbers the nodes anew at each launch: process 0 may be the one on the node without the run.
    monkeypatch.setenv("RANK", "0")
    with pytest.raises(RnnkitError, match=r"no checkpoint in .*seen from process 0 of 2.*shares"):
        resumed.begin(SETTINGS, None)


def test_outside_refuses_the_model_folder_and_below(tmp_path):
    model = tmp_path / "model"
    assert RunFolder(tmp_path / "model.run").outside(model).path == tmp_path / "model.run"
    for inside in (model, model / "run", model / "a" / "b"):
        with pytest.raises(RnnkitError, match="inside the model folder"):
            RunFolder(inside).outside(model)


def test_hint_on_interrupt(tmp_path):
    run = RunFolder(tmp_path / "r")
    ckpt = tmp_path / "r" / "checkpoints" / "epoch-0002"
    with (
        pytest.raises(Interrupted, match=r"--resume \(checkpoints in .*checkpoints\)"),
        run.hint_on_interrupt(lambda: ckpt),
    ):
        raise KeyboardInterrupt
    # Nothing to resume: the plain Ctrl-C goes on.
    with pytest.raises(KeyboardInterrupt) as info, run.hint_on_interrupt(lambda: None):
        raise KeyboardInterrupt
    assert type(info.value) is KeyboardInterrupt
    with run.hint_on_interrupt(lambda: ckpt):  # no interruption: nothing happens
        pass


def test_a_run_recorded_with_the_old_option_names_compares_under_the_new_ones():
    """Issue 15: a run begun as --hidden 4 --valid-frac 0.1 resumes as --hidden-size 4 --val 0.1."""
    from rnnkit.utils.runs import first_difference

    saved = {"--hidden": 4, "--layers": 2, "--valid-frac": 0.1, "--seed": 0}
    assert first_difference(saved, {"--hidden-size": 4, "--num-layers": 2, "--val": 0.1, "--seed": 0}) is None
    assert first_difference(saved, {"--hidden-size": 8, "--num-layers": 2, "--val": 0.1, "--seed": 0}) == (
        "--hidden-size was 4 when the run started, now 8"
    )
