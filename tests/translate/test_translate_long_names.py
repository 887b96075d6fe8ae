"""A name carried through untranslated is name-sized (QA, session 23): ``"a" * 10000`` was one name,
copied through whole (10,003 characters out) and not flagged as truncated. Past
:data:`~rnnkit.translate.names.MAX_NAME` characters a run of letters is read as typed, and the normal
path reads what fits and says so, in Python and on the command line alike."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate import Translator
from rnnkit.translate.names import MAX_NAME, swap_names

WELSH = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"  # 58 letters: a place people write


@pytest.mark.parametrize(
    "sentence",
    [
        "A" * 10_000,
        "Aaaa" * 2500 + ", I went home.",  # not an adverb opening the sentence either
        " ".join(["Xq"] * 3000) + " is here.",  # a run of short unknown words, once one name of 8,999
        "I met " + ", ".join(["Xqa"] * 30) + " and Bob.",  # a list past the bound: read as typed, all of it
        "I live in " + "W" + "x" * MAX_NAME + ".",
    ],
)
def test_a_run_of_letters_past_the_bound_is_no_name(sentence):
    assert swap_names(sentence) == (sentence, [])


def test_a_long_name_within_the_bound_is_still_carried():
    swapped, swaps = swap_names(f"I live in {WELSH}.")
    assert swapped == "I live in Busan." and [s.name for s in swaps] == [WELSH]
    assert len(WELSH) <= MAX_NAME


@pytest.fixture(scope="module")
def shipped() -> Translator:
    return Translator.from_pretrained(device="cpu")


def test_ten_thousand_letters_are_read_in_part_and_flagged(shipped):
    result = shipped.translate(["a" * 10_000])[0]
    assert result.truncated and result.names_carried is None
    assert "aaaa" not in result.text.lower() and len(result.text) < 1000
    named = shipped.translate(["My name is John."])[0]  # a name is carried as before
    assert named.names_carried == ["John"] and "John" in named.text


def test_translate_text_says_it_read_the_first_tokens(capsys):
    assert main(["translate", "text", "--threads", "1", "a" * 10_000]) == 0
    out, err = capsys.readouterr()
    assert "longer than 128 tokens; translated its first 128" in err
    assert "aaaa" not in out.lower() and len(out) < 1000
