"""Spelling numbers out (the shipped model's default) keeps a number holding a run of more than
``MAX_SPELLED_DIGITS`` digits as typed: "I paid $" and 400 nines was num2words' OverflowError, and 5,000
digits Python's int ValueError, each a traceback from ``translate text``."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.number_check import MAX_READ_DIGITS, source_numbers
from rnnkit.translate.numbers import MAX_SPELLED_DIGITS, spell_out

LONG = "9" * (MAX_SPELLED_DIGITS + 1)


@pytest.mark.parametrize("digits", [LONG, "9" * 400, "9" * 5000, ",".join(["123"] * 1700)], ids=len)
@pytest.mark.parametrize(
    "template",
    [
        "I paid ${}.",
        "I paid {} won.",
        "It is {}% done.",
        "It was {} degrees.",
        "The {}th time.",
        "It is {}.5 long.",
    ],
    ids=["money", "won", "percent", "degrees", "ordinal", "decimal"],
)
def test_a_run_of_digits_too_long_to_say_is_kept_as_typed(template, digits):
    text = template.format(digits)
    assert spell_out(text) == text


def test_the_longest_run_said_is_spelled_and_is_the_one_the_number_check_reads():
    assert MAX_READ_DIGITS == MAX_SPELLED_DIGITS
    said = spell_out(f"I paid ${'9' * MAX_SPELLED_DIGITS}.")
    assert said.startswith("I paid nine hundred and ninety-nine quattuordecillion") and said.endswith(
        " dollars."
    )
    assert [n.typed for n in source_numbers(f"I paid ${LONG}.")] == [f"${LONG}"]


def test_text_translates_a_price_of_400_digits_with_numbers_spelled(tiny_model, capsys):
    line = f"I paid ${'9' * 400}."
    code = main(["translate", "text", "--model", str(tiny_model), "--spell-numbers", "--beam", "2", line])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err, err
    assert out.count("\n") == 1
