"""``--output F`` with standard input on F (session 33): the check that standard input is not the file
an output replaces (``text --output F --force < F``) was made where standard input is not read at all,
so ``translate text "Hi." --output F --force < F`` was refused, and so was ``--output /dev/null`` run
with ``< /dev/null`` (cron, a job runner), a device with nothing to write over."""

from __future__ import annotations

import os
import sys

from rnnkit.cli import main


def _stdin(monkeypatch, path):
    with open(path, "rb") as f:
        monkeypatch.setattr(sys, "stdin", os.fdopen(os.dup(f.fileno()), "r"))


def test_sentences_given_leave_standard_input_unread(tiny_model, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("old\n", encoding="utf-8")
    _stdin(monkeypatch, out)
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1", "--output", str(out), "--force"]
    assert main([*args, "Hello."]) == 0, capsys.readouterr().err
    assert (
        out.read_text(encoding="utf-8") != "old\n" and len(out.read_text(encoding="utf-8").splitlines()) == 1
    )
    # read from it, it is still refused (standard input opened anew: the file was replaced whole)
    _stdin(monkeypatch, out)
    assert main(args) == 2
    assert "is the file on standard input" in capsys.readouterr().err


def test_dev_null_in_and_out(tiny_model, capsys, monkeypatch):
    _stdin(monkeypatch, os.devnull)
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1", "--output", os.devnull]
    assert main([*args, "Hello."]) == 0, capsys.readouterr().err
    assert main(args) == 2  # standard input read, and empty: said so, not "the file on standard input"
    assert capsys.readouterr().err == "rnnkit: error: no text to translate\n"
