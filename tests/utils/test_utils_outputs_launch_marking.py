"""Multi-process launches: a new ``--out`` that process 0 marks while process 1 looks at it.

Process 0 makes a new output folder, locks it, marks it (``.rnnkit``), then writes into it (``run.json``);
process 1 only reads (:func:`rnnkit.utils.outputs.claim_outputs`). Process 1 read the folder's mark
before process 0 marked it and listed the folder after: it took the marker for a stranger's file and
refused alone with status 2 (``--out ... already holds files rnnkit did not write (such as
'.rnnkit')``), while process 0 trained on and waited for it in a collective (a 2-process
``explain memory`` in tests/train/test_train_commands_ddp.py hung so in CI once). The mark is now read
again after the listing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import rnnkit.utils.outputs as outputs
from rnnkit.utils.locks import LOCK_NAME
from rnnkit.utils.markers import MARKER_NAME, Mark, marker_text
from rnnkit.utils.outputs import Output, claimed
from rnnkit.utils.runs import SETTINGS_NAME, claim_run


def _explain_memory(out: Path) -> None:
    """What ``explain memory --out OUT`` claims (``explain gradient-flow`` claims alike)."""
    with claimed([Output.folder("--out", out, "explain", "memory")]):
        pass


def _forecast_train(out: Path) -> None:
    """What ``forecast train --out OUT`` claims: the run folder and its model folder."""
    claim_run(out, False, "forecast")


@pytest.mark.parametrize(
    ("claim", "mark"),
    [(_explain_memory, Mark("explain", "memory")), (_forecast_train, Mark("forecast", "run"))],
)
def test_process_1_accepts_a_folder_process_0_marks_while_it_looks(tmp_path, monkeypatch, claim, mark):
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text("")  # process 0 has made the folder and locked it, not yet marked it
    listdir, listed = os.listdir, []

    def marked_meanwhile(folder):
        # Process 0 marks the folder and begins its run between process 1's reading of the mark and
        # its listing of the folder.
        if Path(folder) == out and not listed:
            (out / MARKER_NAME).write_text(marker_text(mark))
            (out / SETTINGS_NAME).write_text("{}\n")
        listed.append(folder)
        return listdir(folder)

    monkeypatch.setattr(outputs.os, "listdir", marked_meanwhile)
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    claim(out)  # no refusal: the folder is process 0's, marked for this very command
    assert listed  # the race was met: the listing came after the mark was read
    assert sorted(p.name for p in out.iterdir()) == sorted([LOCK_NAME, MARKER_NAME, SETTINGS_NAME])
