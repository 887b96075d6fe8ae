"""``rnnkit translate text -``: a lone ``-`` is standard input, as for ``cat -`` and ``--input -`` (it was
taken for a sentence, copied as punctuation: ``-`` printed, standard input never read)."""

from __future__ import annotations

import io
import sys

import pytest

from rnnkit.cli import main

LINES = "I am a student.\r\n\r\nThank you.\r\n"


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))


def test_a_lone_dash_reads_standard_input_as_input_dash_does(tiny_model, capsys, monkeypatch):
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1"]
    _stdin(monkeypatch, LINES)
    assert main([*args, "--input", "-"]) == 0
    expected = capsys.readouterr().out
    assert len(expected.splitlines()) == 3 and expected != "-\n"
    _stdin(monkeypatch, LINES)
    assert main([*args, "-"]) == 0
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize(
    "given", [["I am a student.", "-"], ["-", "-"], ["-", "--input", "-"]], ids=["sentence", "twice", "input"]
)
def test_a_dash_beside_other_input_is_one_line(tiny_model, capsys, monkeypatch, given):
    _stdin(monkeypatch, LINES)
    assert main(["translate", "text", "--model", str(tiny_model), "--beam", "1", *given]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "rnnkit: error: '-' is standard input: give it alone (or as --input -), not beside sentences or --input\n"
    )
