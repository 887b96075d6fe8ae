"""Multi-process launches (session 23 QA): ``claim_outputs`` itself refuses, in every process, an output
another rnnkit command holds.

Session 23 made the other processes of a launch look at the locks of a training command's run folder
(``runs.claim_run``). ``explain memory`` and ``explain gradient-flow`` claim their ``--out`` with
``claim_outputs`` directly: there process 0 refused a folder in use, and the others went on to wait
to join it until the launcher's SIGTERM. They now look at every output's lock, without taking it.
"""

from __future__ import annotations

import os
import re

import pytest
from test_utils_launch_lock import _held_by
from test_utils_launch_refusals import launch_two, needs_gloo

from rnnkit.utils import locks
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.locks import LOCK_NAME, acquire, lock_name
from rnnkit.utils.outputs import Output, claim_outputs

IN_USE = r"rnnkit: error: --out F is in use by pid \d+ on .*; wait for it to finish, or write elsewhere\n"


@needs_gloo
@pytest.mark.parametrize("command", ["memory", "gradient-flow"])
def test_an_explain_launch_into_an_out_another_command_holds_ends_at_once_in_both(tmp_path, command):
    out = tmp_path / "F"
    out.mkdir()
    holder = acquire(out / LOCK_NAME, "--out F")  # another rnnkit command, writing into F
    try:
        codes, _, (err0, err1) = launch_two(
            tmp_path, "explain", command, "--out", "F", "--cells", "rnn", "--epochs", "1", "--threads", "1",
            timeout=90,  # the refusal takes seconds; before the fix process 1 waited until killed
        )  # fmt: skip
    finally:
        holder.release()
    assert codes == [2, 2], (err0[-2000:], err1[-2000:])  # before: process 1 killed, still waiting
    assert re.fullmatch(IN_USE, err0), err0
    assert err1 == ""  # the same refusal, said by process 0


@pytest.mark.parametrize(
    ("output", "lock"),
    [
        (lambda d: Output.folder("--out", d / "F", "explain", "memory"), lambda d: d / "F" / LOCK_NAME),
        (lambda d: Output.whole("--out", d / "M", "forecast", "model"), lambda d: d / lock_name("M")),
        (lambda d: Output.file("--json", d / "r.json"), lambda d: d / lock_name("r.json")),
    ],
    ids=["folder", "whole", "file"],
)
def test_process_1_refuses_an_output_another_command_holds(tmp_path, process_1, output, lock):  # noqa: F811
    wanted = output(tmp_path)
    if wanted.kind == "folder":
        wanted.path.mkdir()
    fd = _held_by(lock(tmp_path), None)
    try:
        with pytest.raises(
            RnnkitError, match=re.escape(f"{wanted.option} {wanted.path} is in use by pid 7 on h")
        ):
            claim_outputs([wanted])
    finally:
        os.close(fd)


def test_process_1_accepts_its_own_process_0s_lock_and_takes_none(tmp_path, process_1):  # noqa: F811
    out = tmp_path / "F"
    out.mkdir()
    fd = _held_by(out / LOCK_NAME, locks.launch_id())
    try:
        claim_outputs(
            [Output.folder("--out", out, "explain", "memory"), Output.file("--json", "/dev/stdout")]
        )
        assert not [key for key in locks._HELD if str(out) in key]  # nothing locked by process 1
    finally:
        os.close(fd)


def test_process_1_goes_on_when_nothing_is_locked(tmp_path, process_1):  # noqa: F811
    claim_outputs([Output.folder("--out", tmp_path / "F", "explain", "memory")])
    assert not (tmp_path / "F").exists()  # process 0 makes it
