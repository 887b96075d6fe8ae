"""``rnnkit translate "Hello."`` (session 33): a new user's first try put the sentence where the command
goes and got "No such command 'Hello.'", nothing saying which command translates."""

from __future__ import annotations

import pytest

from rnnkit.cli import main


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("Hello.", '"Hello."'),
        ("I'm tired", '"I\'m tired"'),
        ('Say "hi"', "'Say \"hi\"'"),
        ("42", '"42"'),
        # a sentence close to a command's name: was "No such command 'Rain.'. Did you mean 'train'?"
        ("Rain.", '"Rain."'),
        ("Text!", "'Text!'"),
        ("Average.", '"Average."'),
    ],
)
def test_a_sentence_for_a_command_shows_translate_text(capsys, given, shown):
    assert main(["translate", given]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == f"rnnkit: error: {given!r} is no translate command; to translate it: rnnkit translate text {shown}\n"
    )


def test_a_misspelt_command_keeps_clicks_suggestion(capsys):
    assert main(["translate", "txt"]) == 2
    assert "No such command 'txt'. Did you mean 'text'?" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("check_corpus", "check-corpus"),
        ("Train", "train"),
        ("Average", "average"),
        ("CHECK-CORPUS", "check-corpus"),
        ("avrage", "average"),
    ],
)
def test_a_command_typed_with_capitals_or_underscores_is_suggested(capsys, given, meant):
    # check_corpus and Train were shown 'to translate it: rnnkit translate text "check_corpus"'
    assert main(["translate", given]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: No such command {given!r}. Did you mean {meant!r}?\n"


@pytest.mark.parametrize("given", ["hello", "good-morning", "Next", "Texts"])
def test_a_lowercase_word_like_no_command_shows_translate_text(capsys, given):
    # a bare "No such command 'hello'." before
    assert main(["translate", given]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == f'rnnkit: error: {given!r} is no translate command; to translate it: rnnkit translate text "{given}"\n'
    )
