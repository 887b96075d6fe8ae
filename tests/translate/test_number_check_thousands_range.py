"""A range whose ends are typed in thousands (1,000-2,000) is read as one, two whole numbers: "It costs
1,000-2,000 won." went to the model as typed and was checked as a 1 and a code 000-2, so ``translate
text`` warned 'does not say 1, 000−2' of a translation that said 천 이천 원. A score (3-1) and a code
(10-20.) are still kept as typed, and a price range of two prices ($1,500-$2,000) two prices."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.number_check import source_numbers
from rnnkit.translate.numbers import spell_out


@pytest.mark.parametrize(
    ("english", "typed"),
    [
        ("It costs 1,000-2,000 won.", "1,000-2,000"),
        ("It costs 1,000–2,000 won.", "1,000–2,000"),  # an en dash
        ("It costs 1,000 - 2,000 won.", "1,000 - 2,000"),
        ("It costs 1,000-2,000.", "1,000-2,000"),  # no word after: thousands are no score nor code
        ("It costs 1,000-1,500,000 won.", "1,000-1,500,000"),
    ],
)
def test_a_range_in_thousands_reads_both_ends_whole(english, typed):
    (rng,) = source_numbers(english)
    assert rng.typed == typed
    a, b = (part.typed for part in rng.parts)
    assert (a, b) == tuple(x.strip() for x in typed.replace("–", "-").split("-"))
    assert rng.said_in("천 이천 원이에요.") is (b == "2,000")  # said in words
    assert rng.said_in(f"{a}~{b}원이에요.")  # in digits, as typed
    assert rng.said_in(f"{a.replace(',', '')}에서 {b.replace(',', '')}원이에요.")  # in digits, no commas
    assert not rng.said_in("천 원이에요.")  # one end is not the range
    assert " to " in spell_out(english) and "000" not in spell_out(english)


def test_the_ranges_and_scores_around_it_keep_their_readings():
    assert [(n.typed, [p.typed for p in n.parts]) for n in source_numbers("It takes 10-20 minutes.")] == [
        ("10-20", ["10", "20"])
    ]
    assert [(n.typed, n.readings) for n in source_numbers("We won 3-1.")] == [("3-1", ("3-1",))]  # a score
    assert [(n.typed, n.readings) for n in source_numbers("It is 10-20.")] == [("10-20", ("10-20",))]
    prices = source_numbers("It costs $1,500-$2,000.")
    assert [n.typed for n in prices] == ["$1,500", "$2,000"] and "천오백달러" in prices[0].readings
    assert spell_out("It takes 10-20 minutes.") == "It takes ten to twenty minutes."
    assert spell_out("We won 3-1.") == "We won 3-1."
    assert spell_out("It costs 1,000-2,000 won.") == "It costs one thousand to two thousand won."


def test_translate_text_with_the_shipped_model_does_not_warn_of_a_range_it_said(capsys):
    assert main(["translate", "text", "It costs 1,000-2,000 won."]) == 0
    out, err = capsys.readouterr()
    # Both ends are said (천, 이천) and nothing is warned of. The shipped model drops the range's 에서
    # ("천 이천 원이에요." where 천에서 이천 원이에요 is right): a fault of its wording, not of the numbers
    # the check reads, so the exact text is not asserted here as if it were right.
    assert "천" in out and "이천" in out and "warning" not in err, err


@pytest.mark.parametrize(
    ("english", "typed", "spelled"),
    [
        ("It costs $1,000-2,000.", "$1,000-2,000", "It costs one thousand to two thousand dollars."),
        ("It costs ₩1,000-2,000.", "₩1,000-2,000", "It costs one thousand to two thousand won."),
        ("It costs 1,000-2,000€.", "1,000-2,000€", "It costs one thousand to two thousand euros."),
        ("It costs €1,000-2,000 euros.", "€1,000-2,000", "It costs one thousand to two thousand euros."),
        ("The rate is 1,000-2,000%.", "1,000-2,000%", "The rate is one thousand to two thousand percent."),
        ("It costs 10,000-20,000원.", "10,000-20,000", "It costs ten thousand to twenty thousand 원."),
        ("It costs $10-20.", "$10-20", "It costs ten to twenty dollars."),
        ("The rate is 10-20%.", "10-20%", "The rate is ten to twenty percent."),
    ],
)
def test_a_range_with_a_sign_or_a_unit_is_one_range(english, typed, spelled):
    # Were a 1 and a code 000-2 ('does not say 1, 000-2'; '10, 000-20' before 원): the sign or the unit
    # beside an end kept the range's pattern from matching.
    (rng,) = source_numbers(english)
    assert rng.typed == typed
    a, b = (part.typed for part in rng.parts)
    assert rng.said_in(f"{a}~{b}") and not rng.said_in(f"{a}")
    assert spell_out(english) == spelled


@pytest.mark.parametrize(
    ("english", "read"),
    [
        # the second end the smaller, no word after: no range, but one number as typed, never read apart
        # inside a thousands group (were a 2 and a code 000-1: 'does not say 2, 000-1')
        ("ID 123,456-789", ["123,456-789"]),
        ("Score 2,000-1,000.", ["2,000-1,000"]),
        ("The final score was 2,000-1,000.", ["2,000-1,000"]),
        ("The vote was 1,200-800.", ["1,200-800"]),
        ("It ended 12,000-9,500.", ["12,000-9,500"]),
        ("It ended 1,000-1,000.", ["1,000-1,000"]),
        ("It costs $20-10.", ["20-10"]),
    ],
)
def test_no_range_where_the_second_end_is_smaller_and_no_word_follows(english, read):
    numbers = source_numbers(english)
    assert [n.typed for n in numbers] == read
    assert all(n.said_in(f"점수는 {n.typed}였다.") for n in numbers)
    assert " to " not in spell_out(english)
    assert spell_out(english) == english


@pytest.mark.parametrize(
    ("english", "read"),
    [
        # a scale after a money range: was 'five to ten dollars million'
        ("It costs $5-10 million.", ["5-10"]),
        ("It costs $1-2 billion.", ["1-2"]),
        # ends grouped apart, the first maybe short for thousands: was 'five to ten thousand dollars'
        ("It costs $5-10,000.", ["$5-10,000"]),
        ("It costs 5-10,000 won.", ["5-10,000"]),
    ],
)
def test_no_range_before_a_scale_or_with_ends_grouped_apart(english, read):
    assert spell_out(english) == english  # kept as typed, as before ranges with a sign
    assert [n.typed for n in source_numbers(english)] == read


def test_ends_grouped_apart_may_still_be_a_range():
    assert (
        spell_out("It takes 900-1,200 people.") == "It takes nine hundred to one thousand two hundred people."
    )
    assert spell_out("It costs 5-10 million people.") == "It costs five to ten million people."
    assert spell_out("It costs $5-10 each.") == "It costs five to ten dollars each."


def test_a_word_after_still_makes_a_range_of_any_order():
    assert [n.typed for n in source_numbers("Score 2,000-1,000 points.")] == ["2,000-1,000"]


def test_a_range_to_thousands_without_money_is_a_range():
    # review of e21996e3: 1-5,000 people, kept as typed (the first end maybe short for thousands), said
    # 1~5,000명 or 1에서 5,000명, was warned of as missing a number: its dash may be written ~ or 에서
    from rnnkit.translate.number_check import source_numbers as read

    assert read("1-5,000 people came.")[0].said_in("1~5,000명이 왔다.")
    assert read("1-5,000 people came.")[0].said_in("1에서 5,000명이 왔다.")
    assert read("The vote was 1,200-800.")[0].said_in("투표는 1,200~800이었어요.")
    assert not read("1-5,000 people came.")[0].said_in("5,000명이 왔다.")
    assert read("Between 1-1,000 items.")[0].said_in("1~1,000개 사이.")
    assert read("about 10-20,000 people")[0].said_in("약 10~20,000명")


def test_a_money_range_before_an_abbreviated_scale_is_kept_as_typed():
    for scale in ("bn", "mn", "M", "B", "hundred", "crore"):
        assert "dollars " + scale not in spell_out(f"It costs $5-10 {scale}.")
