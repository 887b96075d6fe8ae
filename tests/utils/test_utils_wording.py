"""Wording helpers for one-line messages."""

from __future__ import annotations


def test_a_or_an_by_the_first_letter_past_quotes():
    from rnnkit.utils.wording import a_or_an

    assert a_or_an("'explain'") == "an 'explain'" and a_or_an("'forecast'") == "a 'forecast'"
    assert a_or_an("apple") == "an apple" and a_or_an("'None'") == "a 'None'" and a_or_an("") == "a "


def test_one_field_quotes_only_names_a_tab_separated_line_cannot_hold():
    import json

    from rnnkit.utils.wording import one_field

    assert one_field("photo 1.png") == "photo 1.png" and one_field("사진.png") == "사진.png"
    for odd in ("a\tb.png", "a\nb.png", "a\x1bb.png", "a\x7fb.png"):
        shown = one_field(odd)
        assert "\t" not in shown and "\n" not in shown and json.loads(shown) == odd
    assert one_field("사진\t1.png") == '"사진\\t1.png"'  # quoted, its letters kept readable (no \uXXXX)


def test_two_decimals_never_writes_a_sign_the_number_does_not_have():
    from rnnkit.utils.wording import two_decimals

    assert [two_decimals(v) for v in (-0.003, 0.0, -0.0, 0.004, 0.125, -0.5)] == [
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.12",
        "-0.50",
    ]


def test_plural_agrees_with_its_number():
    from rnnkit.utils.wording import plural

    assert [plural(n, "model") for n in (0, 1, 2)] == ["0 models", "1 model", "2 models"]
    assert plural(1, "child", "children") == "1 child" and plural(3, "child", "children") == "3 children"


def test_first_of_says_how_many_more_only_when_there_are_more():
    from rnnkit.utils.wording import first_of

    assert first_of(["notes.txt"]) == "'notes.txt'"
    assert first_of(["notes.txt", "a", "b"]) == "'notes.txt' and 2 more"


def test_percent_rounds_a_half_up_and_never_claims_none_or_all():
    from rnnkit.utils.wording import percent

    # Python rounds a half to even: 9 of 40 printed 22%, 1 of 8 12%, 1 of 16 at one decimal 6.2%
    assert [percent(9, 40), percent(1, 8), percent(5, 8), percent(1, 16, 1)] == ["23%", "13%", "63%", "6.3%"]
    assert [percent(0, 288), percent(1, 288), percent(1, 200), percent(287, 288)] == [
        "0%",
        "<1%",
        "1%",
        ">99%",
    ]
    assert [percent(288, 288), percent(0, 0), percent(1, 3, 1)] == ["100%", "0%", "33.3%"]
    assert [percent(1, 3000, 1), percent(2999, 3000, 1), percent(3, 3, 1)] == ["<0.1%", ">99.9%", "100.0%"]
