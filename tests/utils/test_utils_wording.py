"""Wording helpers for one-line messages."""

from __future__ import annotations


def test_a_or_an_by_the_first_letter_past_quotes():
    from rnnkit.utils.wording import a_or_an

    assert a_or_an("'explain'") == "an 'explain'" and a_or_an("'forecast'") == "a 'forecast'"
    assert a_or_an("apple") == "an apple" and a_or_an("'None'") == "a 'None'" and a_or_an("") == "a "
