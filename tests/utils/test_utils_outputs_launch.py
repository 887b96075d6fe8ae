"""Multi-process launches (session 22 QA): every process refuses an output folder alike.

Process 0 alone checked the output folders (someone else's files, a file, a link, another command's
folder, a data set, a run, a model...): it refused, and process 1 went on to join a process group
process 0 never joined, waiting until torchrun killed it 30 s later (30 minutes under ``srun`` without
``--kill-on-bad-exit``). Now every process makes the checks; the others only read, and what process
0 writes meanwhile (a folder, its lock, a marker through its temporary, a ``.old`` moved back) is
judged as it will be once done (tests/utils/test_utils_outputs.py, the half-marked folder).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from test_utils_launch_refusals import launch_two, needs_gloo

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import old_name
from rnnkit.utils.markers import Mark, write_mark
from rnnkit.utils.outputs import Output, claim_outputs, claimed
from rnnkit.utils.runs import claim_run


def _as_process(monkeypatch, rank: int) -> None:
    monkeypatch.setenv("RANK", str(rank))
    monkeypatch.setenv("LOCAL_RANK", str(rank))
    monkeypatch.setenv("WORLD_SIZE", "2")


def _model(folder: Path, application: str = "forecast") -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"application": application}))
    (folder / "model.safetensors").write_bytes(b"")
    return folder


def _run(folder: Path, application: str = "forecast") -> Path:
    write_mark(folder, Mark(application, "run"))
    return folder


def _tree(root: Path) -> list[tuple[str, bool]]:
    return sorted((str(p.relative_to(root)), p.is_symlink()) for p in root.rglob("*"))


def _claim_run(out: Path) -> None:
    """What ``forecast train --out OUT`` claims: the run folder and its model folder (a model folder
    given as ``--out`` is the old layout's, refused before, as ``explain gates --out`` claims it)."""
    if (out / "config.json").is_file():
        claim_outputs([Output.folder("--out", out, "explain", "gates")])
    else:
        claim_run(out, False, "forecast")


def _someone_elses_files(tmp: Path) -> Path:
    (tmp / "G").mkdir()
    (tmp / "G" / "notes.txt").write_text("hi")
    return tmp / "G"


def _a_file(tmp: Path) -> Path:
    (tmp / "G").write_text("hi")
    return tmp / "G"


def _under_a_file(tmp: Path) -> Path:
    (tmp / "data.csv").write_text("a\n1\n")
    return tmp / "data.csv" / "run"


def _a_linked_model(tmp: Path) -> Path:
    _model(tmp / "elsewhere")
    (_run(tmp / "G") / "model").symlink_to(tmp / "elsewhere")
    return tmp / "G"


def _another_commands_folder(tmp: Path) -> Path:
    write_mark(tmp / "G", Mark("forecast", "backtest"))
    return tmp / "G"


def _a_data_set(tmp: Path) -> Path:
    write_mark(tmp / "G", Mark("caption", "dataset"))
    return tmp / "G"


def _another_applications_run(tmp: Path) -> Path:
    return _run(tmp / "G", "translate")


def _a_model_folder(tmp: Path) -> Path:
    return _model(tmp / "G")


def _inside_a_model_folder(tmp: Path) -> Path:
    return _model(tmp / "M") / "run"


def _inside_the_checkpoints(tmp: Path) -> Path:
    (_run(tmp / "G") / "checkpoints").mkdir()
    return tmp / "G" / "checkpoints" / "run"


def _a_model_holding_someone_elses_files(tmp: Path) -> Path:
    (_model(_run(tmp / "G") / "model") / "notes.txt").write_text("hi")
    return tmp / "G"


def _a_model_folder_of_files(tmp: Path) -> Path:
    (_run(tmp / "G") / "model").mkdir()
    (tmp / "G" / "model" / "notes.txt").write_text("hi")
    return tmp / "G"


def _another_applications_model(tmp: Path) -> Path:
    _model(_run(tmp / "G") / "model", "translate")
    return tmp / "G"


def _a_model_waiting_as_old(tmp: Path) -> Path:
    """A ``.model.rnnkit-old`` where a replacement of G/model cut between its two renames (kill -9)
    leaves the model: every process judges it where it waits (process 0 moves it back only once all
    checks have passed), and one holding files rnnkit did not write is refused there."""
    (_run(tmp / "G") / old_name("model")).mkdir()
    (tmp / "G" / old_name("model") / "notes.txt").write_text("hi")
    return tmp / "G"


REFUSALS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "someone else's files": (_someone_elses_files, "already holds files rnnkit did not write (such as 'notes.txt')"),
    "a file": (_a_file, "is a file, not a folder"),
    "under a file": (_under_a_file, "data.csv is a file, not a folder"),
    "a link": (_a_linked_model, "is a symbolic link"),
    "another command's folder": (_another_commands_folder, "is an rnnkit forecast backtest folder, not"),
    "a data set": (_a_data_set, "which generate-data rewrites"),
    "another application's run": (_another_applications_run, "another command's run"),
    "a model folder": (_a_model_folder, "which its writer replaces whole"),  # explain gates --out
    "inside a model folder": (_inside_a_model_folder, "holds only what its model saved"),
    "inside the checkpoints": (_inside_the_checkpoints, "inside the checkpoints"),
    "a model with someone else's files": (_a_model_holding_someone_elses_files, "also holds files"),
    "a model folder of files": (_a_model_folder_of_files, "holds files rnnkit did not write (such as 'notes.txt')"),
    "another application's model": (_another_applications_model, "is an rnnkit translate model folder"),
    "a model waiting as .old": (_a_model_waiting_as_old, "G/model holds files rnnkit did not write (such as 'notes.txt')"),
}  # fmt: skip


@pytest.mark.parametrize("kind", REFUSALS)
def test_process_1_refuses_an_output_folder_as_process_0_does_and_writes_nothing(tmp_path, monkeypatch, kind):
    make, said = REFUSALS[kind]
    out = make(tmp_path)
    before = _tree(tmp_path)
    _as_process(monkeypatch, 1)
    with pytest.raises(RnnkitError, match=re.escape(said)) as process_1:
        _claim_run(out)
    assert _tree(tmp_path) == before  # the other processes only read: .model.rnnkit-old too stays where it is
    _as_process(monkeypatch, 0)
    with pytest.raises(RnnkitError) as process_0:
        _claim_run(out)
    assert str(process_1.value) == str(process_0.value)
    assert _tree(tmp_path) == before  # a refused claim moved nothing, in process 0 either


def test_process_1_refuses_the_current_folder_replaced_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for rank in (1, 0):
        _as_process(monkeypatch, rank)
        with pytest.raises(RnnkitError, match="is the current folder or one above it"):
            claim_outputs([Output.whole("--out", ".", "translate", "model")])


def test_process_1_refuses_a_folder_where_a_file_goes_and_leaves_an_existing_file_to_process_0(
    tmp_path, monkeypatch
):
    """An existing ``--json`` is process 0's to refuse: a command that does not train waits for no
    one, and process 0 may have written it before this process looks (no launch joins, so no hang)."""
    (tmp_path / "report").mkdir()
    (tmp_path / "report.json").write_text("{}")
    _as_process(monkeypatch, 1)
    with pytest.raises(RnnkitError, match="report is a folder; give a file name"):
        claim_outputs([Output.file("--json", tmp_path / "report")])
    with claimed([Output.file("--json", tmp_path / "report.json")]):
        pass
    _as_process(monkeypatch, 0)
    with pytest.raises(RnnkitError, match="already exists"):
        claim_outputs([Output.file("--json", tmp_path / "report.json")])


def test_process_1_accepts_what_process_0_is_making_and_touches_nothing(tmp_path, monkeypatch):
    """Process 0 ahead of process 1: the run folder locked and marked, a ``.model.rnnkit-old`` moved back
    (a run resumed, or started over with --force: a fresh run over a finished one is refused)."""
    _run(tmp_path / "G")
    (tmp_path / "G" / ".rnnkit.lock").write_text("")
    _model(tmp_path / "G" / "model")
    before = _tree(tmp_path)
    _as_process(monkeypatch, 1)
    claim_run(tmp_path / "G", True, "forecast")
    assert _tree(tmp_path) == before


def test_a_folder_process_0_removes_while_process_1_reads_it_is_looked_at_anew(tmp_path, monkeypatch):
    """Process 0's claim failed and removed the folder it had made while process 1 listed it: no
    traceback in process 1, which finds no folder."""
    import rnnkit.utils.outputs as outputs

    out = tmp_path / "G"
    out.mkdir()
    listdir, calls = os.listdir, []

    def removed_meanwhile(folder):
        calls.append(folder)
        if len(calls) == 1:
            os.rmdir(out)
        return listdir(folder)

    monkeypatch.setattr(outputs.os, "listdir", removed_meanwhile)
    _as_process(monkeypatch, 1)
    with claimed([Output.folder("--out", out, "forecast", "run")]):
        pass
    assert len(calls) == 1 and not out.exists()


@needs_gloo
def test_a_two_process_launch_into_someone_elses_folder_ends_at_once_in_both(tmp_path):
    """Both processes refuse in one line and exit 2 within seconds; before, process 1 waited to join
    process 0, which had refused, until the launcher killed it."""
    _someone_elses_files(tmp_path)
    codes, (_, out1), (err0, err1) = launch_two(
        tmp_path, "forecast", "train", "--data", "ibm", "--out", "G", "--epochs", "1", "--threads", "1"
    )
    assert codes == [2, 2], (err0[-2000:], err1[-2000:])
    assert err0.splitlines() == [
        "rnnkit: error: --out G already holds files rnnkit did not write (such as 'notes.txt'); choose an "
        "empty or new folder (or pass --force to write there anyway)"
    ]
    assert err1 == ""  # process 0 met the same refusal and said it (session 23: said once)
    assert out1 == ""
    assert sorted(p.name for p in (tmp_path / "G").iterdir()) == ["notes.txt"]


def test_a_refusal_names_the_users_file_not_rnnkits_lock_or_marker_temporary(tmp_path, monkeypatch):
    """A folder left by a claim killed while marking it (its lock, the marker's temporary) that also
    holds a user's file: every process names the user's file."""
    out = tmp_path / "G"
    out.mkdir()
    (out / ".rnnkit.lock").write_text("")
    (out / f"..rnnkit.rnnkit-{os.getpid()}-k3j9x_2a.tmp").write_text("{")
    (out / "notes.txt").write_text("hi")
    for rank in (1, 0):
        _as_process(monkeypatch, rank)
        with pytest.raises(RnnkitError, match=re.escape("did not write (such as 'notes.txt')")):
            _claim_run(out)
