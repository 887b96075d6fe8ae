"""A run of more digits than any number is read out from (a pasted code, a test string of thousands of
ones) is kept as typed by the number check: more than 4,300 digits was a ValueError traceback from
``translate text`` (Python turns no longer string into an int)."""

from __future__ import annotations

from rnnkit.cli import main
from rnnkit.translate.number_check import MAX_READ_DIGITS, source_numbers


def test_a_run_too_long_to_read_is_a_code_kept_as_typed():
    [number] = source_numbers("I have " + "9" * 5000 + " apples.")
    assert number.typed == "9" * 5000 and number.readings == ("9" * 5000,) and number.as_digits


def test_a_number_of_the_most_digits_is_still_read_out():
    [number] = source_numbers("It is " + "1" * MAX_READ_DIGITS + ".")
    assert len(number.readings) > 1  # its digits and its Korean reading


def test_translate_text_of_thousands_of_digits_is_no_traceback(tiny_model, capsys):
    # in a sentence: a line of digits alone is copied as typed since e3a8530c, with nothing to check
    assert (
        main(["translate", "text", "--model", str(tiny_model), "--beam", "1", f"I have {'1' * 5000} cats."])
        == 0
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err
    # the warning that names it shows its start, not 5,000 digits
    assert f"does not say {'1' * 24}… as the source does" in err and max(map(len, err.splitlines())) < 200


def test_a_line_of_thousands_of_digits_alone_is_copied_as_typed(tiny_model, capsys):
    assert main(["translate", "text", "--model", str(tiny_model), "--beam", "1", "1" * 5000]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "1" * 5000 and "Traceback" not in err
