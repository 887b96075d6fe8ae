"""A line of numbers alone (session 33): ``translate text 42`` printed a made-up sentence, "열두 살이
됐어요이요이에요..." (turned twelve), beside a warning that the translation does not say 42; "3:30" and
"010-1234-5678" alike. Korean writes those digits as typed, as it writes "..." and an address: the line
is copied, and only a sentence with words around a number is translated."""

from __future__ import annotations

import pytest

from rnnkit.cli import main

LINES = ["42", "2024", "3:30", "010-1234-5678", "1, 2, 3", "$5", "100%", "-7.5", "12 34 56"]


@pytest.mark.parametrize("line", LINES)
def test_numbers_alone_are_copied_not_made_into_a_sentence(capsys, line):
    assert main(["translate", "text", "--beam", "1", "--", line]) == 0
    captured = capsys.readouterr()
    assert captured.out == line + "\n"
    assert captured.err == ""  # the number said as typed: nothing to warn about


def test_n_best_of_numbers_alone_is_the_line_itself(capsys):
    assert main(["translate", "text", "--beam", "2", "--n-best", "2", "42"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["42", "  1.    0.000\t42"], out


def test_a_sentence_around_a_number_is_still_translated(capsys):
    assert main(["translate", "text", "--beam", "1", "I am 42.", "42. Thank you."]) == 0
    first, second = capsys.readouterr().out.splitlines()
    assert first != "I am 42." and any("\uac00" <= ch <= "\ud7a3" for ch in first)
    assert second.startswith("42. ") and any("\uac00" <= ch <= "\ud7a3" for ch in second)


def test_plot_of_numbers_alone_says_they_are_copied(tmp_path, capsys):
    assert main(["translate", "text", "--beam", "1", "--plot", str(tmp_path / "a.png"), "42"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(punctuation, numbers or an address alone is copied as typed)" in err
