"""Run folders: settings recorded on a fresh run, checked on --resume, and the Ctrl-C hint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnnkit.utils.errors import Interrupted, RnnkitError
from rnnkit.utils.markers import Mark, write_mark
from rnnkit.utils.runs import RunFolder, check_not_old_layout, claim_run, fingerprint, first_difference

SETTINGS = {
    "--cell": "gru",
    "--hidden": 8,
    "--epochs": 2,
    "--quantiles": (0.1, 0.9),
    "data": fingerprint("x"),
}


def _model_folder(folder: Path, application: str = "translate") -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(f'{{"application": "{application}"}}')
    (folder / "model.safetensors").write_bytes(b"")
    return folder


def test_an_out_of_the_old_layout_is_refused_saying_how_to_continue(tmp_path):
    """Before, --out was the model folder and the run went to OUT.run; OUT.run is a run folder today."""
    old = _model_folder(tmp_path / "old")
    with pytest.raises(
        RnnkitError, match=r"old is a model folder of the layout before .* choose a new --out"
    ):
        check_not_old_layout(old, "translate")
    write_mark(tmp_path / "old.run", Mark("translate", "run"))
    with pytest.raises(RnnkitError, match=r"use --out .*old\.run \(with --resume"):
        check_not_old_layout(old, "translate")
    check_not_old_layout(old, "caption")  # another application's model: the claim refuses it instead
    default = tmp_path / "runs" / "translate"  # the old default --out runs/translate/model
    _model_folder(default / "model")
    write_mark(default / "model.run", Mark("translate", "run"))
    with pytest.raises(RnnkitError, match=r"holds a model/ folder but is no run folder.*model\.run"):
        check_not_old_layout(default, "translate")
    write_mark(default, Mark("translate", "run"))  # today's run folder: fine
    check_not_old_layout(default, "translate")
    check_not_old_layout(tmp_path / "new", "translate")


def test_the_model_folder_of_todays_run_given_as_out_names_the_run_folder(tmp_path):
    """``--out RUN/model --resume`` (today's model subfolder) was called "a model folder of the layout
    before --out became the run folder ... choose a new --out": wrong of today's layout, and no help."""
    run = tmp_path / "runs" / "enko"
    _model_folder(run / "model")
    write_mark(run, Mark("translate", "run"))
    with pytest.raises(RnnkitError) as caught:
        check_not_old_layout(run / "model", "translate")
    assert str(caught.value) == (
        f"--out {run / 'model'} is the model folder of the run {run}; give the run folder: --out {run} "
        "(with --resume to continue it)"
    )


def test_claim_run_holds_the_run_folder_and_its_model_folder(tmp_path):
    import click

    from rnnkit.utils.locks import LOCK_NAME

    out = tmp_path / "r"
    with click.Context(click.Command("train")):  # released when the command ends, as in the CLI
        run, model = claim_run(out, True, "caption")
        assert (run.path, run.resume, model) == (out, True, out / "model")
        assert (out / LOCK_NAME).is_file() and (out / ".model.rnnkit.lock").is_file()
    assert not out.exists()  # nothing was written: the claim leaves nothing behind
    (tmp_path / "mine" / "model").mkdir(parents=True)
    (tmp_path / "mine" / "model" / "notes.txt").write_text("mine")
    write_mark(tmp_path / "mine", Mark("caption", "run"))
    with click.Context(click.Command("train")), pytest.raises(RnnkitError, match="did not write"):
        claim_run(tmp_path / "mine", False, "caption")  # never replaces a model/ that is not rnnkit's
    assert (tmp_path / "mine" / "model" / "notes.txt").read_text() == "mine"


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
    assert data.endswith("the files differ, or this version of rnnkit reads or splits them otherwise")
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


def test_an_unfinished_run_is_one_whose_newest_checkpoint_has_no_model_after_it(tmp_path):
    import os

    from rnnkit.utils.runs import check_no_unfinished_run

    out = tmp_path / "run"
    check_no_unfinished_run(out, None)  # no checkpoint: nothing to lose
    ckpt = out / "checkpoints" / "epoch-0003"
    ckpt.mkdir(parents=True)
    with pytest.raises(RnnkitError, match=r"holds an unfinished run \(its newest checkpoint, epoch-0003"):
        check_no_unfinished_run(out, ckpt)  # no model saved at all
    (out / "model").mkdir()
    os.utime(ckpt, (1_000, 1_000))
    os.utime(out / "model", (2_000, 2_000))
    check_no_unfinished_run(out, ckpt)  # the model was saved after it: a finished run
    os.utime(ckpt, (3_000, 3_000))
    with pytest.raises(RnnkitError, match="continue it with --resume, or start over with --force"):
        check_no_unfinished_run(out, ckpt)  # resumed for more epochs, then interrupted


def test_a_finished_run_is_one_whose_model_is_saved_and_is_refused_naming_it(tmp_path):
    import os
    import time

    from rnnkit.utils.leftovers import old_name
    from rnnkit.utils.runs import check_no_finished_run

    out = tmp_path / "run"
    ckpt = out / "checkpoints" / "epoch-0012"
    ckpt.mkdir(parents=True)
    check_no_finished_run(out, ckpt)  # no model saved: unfinished, check_no_unfinished_run's
    (out / "model").mkdir()
    os.utime(out / "model", (2_000_000_000, 2_000_000_000))
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(2_000_000_000))
    with pytest.raises(RnnkitError) as refused:
        check_no_finished_run(out, ckpt)
    assert str(refused.value) == (
        f"{out} holds a finished run (its model saved {when}, 12 epochs trained): replace it with --force, "
        "continue it with --resume (with a larger --epochs to train longer), or choose another --out"
    )
    with pytest.raises(RnnkitError) as refused:
        check_no_finished_run(out, None)  # no checkpoint (a panel run keeps none): --resume cannot go on
    assert str(refused.value) == (
        f"{out} holds a finished run (its model saved {when}): replace it with --force, or choose another --out"
    )
    (out / "model").rename(out / old_name("model"))  # a save cut between its two renames: still saved
    with pytest.raises(RnnkitError, match="holds a finished run"):
        check_no_finished_run(out, ckpt)


def test_both_refusals_name_a_model_that_an_rnnkit_before_today_left_as_dot_model_old(tmp_path):
    """An rnnkit before 2026-12-07 killed between the two renames of a save left the model as
    ``.model.old``, which no rnnkit moves back now: the refusal names it, where it said 'no model saved'."""
    from rnnkit.utils.runs import check_no_finished_run, check_no_unfinished_run

    out = tmp_path / "run"
    ckpt = out / "checkpoints" / "epoch-0003"
    ckpt.mkdir(parents=True)
    (out / ".model.old").mkdir()  # a user's own hidden folder, no model in it: not named
    with pytest.raises(RnnkitError) as refused:
        check_no_unfinished_run(out, ckpt)
    assert ".model.old" not in str(refused.value)
    (out / ".model.old" / "config.json").write_text("{}")
    (out / ".model.old" / "model.safetensors").write_bytes(b"")
    with pytest.raises(RnnkitError) as refused:
        check_no_unfinished_run(out, ckpt)
    assert str(refused.value).endswith(
        f"(which clears its checkpoints); {out / '.model.old'} holds a model (a backup, or one an rnnkit before "
        f"2026-12-07 left there when killed while replacing it): if it is the model you want, mv "
        f"{out / '.model.old'} {out / 'model'}"
    )
    check_no_finished_run(out, None)  # no model: nothing to refuse; the backup stays where it is
    (out / "model").mkdir()  # a model saved beside it: then .model.old is another folder, not named
    with pytest.raises(RnnkitError) as refused:
        check_no_finished_run(out, ckpt)
    assert ".model.old" not in str(refused.value)
