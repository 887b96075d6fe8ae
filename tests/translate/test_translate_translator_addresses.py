"""A line that is an address alone (session 25): ``translate text https://example.com`` printed a made-up
Korean sentence ("어떤 사람이는 안 사지 않겠어요.") beside a warning that the address was left out. An
address reads the same in Korean, as "..." does: it is copied, and only a sentence around one is
translated."""

from __future__ import annotations

import pytest

from rnnkit.cli import main


@pytest.mark.parametrize(
    "line", ["https://example.com/a?b=1", "john.doe@example.com", "www.naver.com!", "~/notes/a.txt"]
)
def test_an_address_alone_is_copied_not_made_into_a_sentence(capsys, line):
    assert main(["translate", "text", "--beam", "1", line]) == 0
    captured = capsys.readouterr()
    assert captured.out == line + "\n"
    assert captured.err == ""  # nothing left out, so nothing to warn about


def test_a_sentence_around_an_address_is_still_translated(capsys):
    assert main(["translate", "text", "--beam", "1", "https://example.com. Thank you."]) == 0
    out = capsys.readouterr().out
    assert out.startswith("https://example.com. ")  # the address sentence copied ...
    assert any("\uac00" <= ch <= "\ud7a3" for ch in out)  # ... and the sentence after it in Korean
