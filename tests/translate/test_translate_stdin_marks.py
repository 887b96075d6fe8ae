"""``translate text < file``: standard input that opens with a byte-order mark is read by it, as --input is."""

from __future__ import annotations

import io
import sys

import pytest

from rnnkit.cli import main

LINES = ["I am a student.", "", "Thank you."]


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_stdin_with_a_byte_order_mark_is_read_in_its_encoding(encoding, tiny_model, capsys, monkeypatch):
    """Notepad's "Unicode" piped in was "standard input line 1 is not utf-8 text", though --input
    reads the same file by its mark."""
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1"]
    _stdin(monkeypatch, ("\n".join(LINES) + "\n").encode())
    assert main(args) == 0
    expected = capsys.readouterr().out
    assert len(expected.splitlines()) == 3
    _stdin(monkeypatch, ("\ufeff" + "\r\n".join(LINES) + "\r\n").encode(encoding))
    assert main(args) == 0
    assert capsys.readouterr().out == expected


def test_an_encoding_given_is_read_as_given(tiny_model, capsys, monkeypatch):
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1", "--encoding"]
    _stdin(monkeypatch, "\ufeffThank you.\n".encode("utf-16-le"))
    assert main([*args, "utf-8"]) == 2
    assert capsys.readouterr().err == (
        "rnnkit: error: standard input line 1 is not utf-8 text (give its encoding with --encoding)\n"
    )
    _stdin(monkeypatch, "Thank you.\n".encode("utf-16-le"))  # no mark: the encoding given says it
    assert main([*args, "utf-16-le"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_an_encoding_beside_sentences_given_as_arguments_is_one_line(tiny_model, capsys):
    # it did nothing (the shell passes arguments as text), in silence: a user who needed cp949 for a
    # file then typed the sentences was told nothing
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1", "--encoding", "cp949", "Hi."]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "rnnkit: error: --encoding reads --input or standard input; sentences given as arguments are "
        "already text: drop --encoding, or put them in a file\n"
    )
