"""Digits spelled out before translating (rnnkit.translate.numbers), and where the setting applies:
the shipped model's config, ``translate train``'s choice from the corpus, ``text``/``eval`` flags."""

from __future__ import annotations

import json

import pytest
from helpers_translate import TINY_PAIRS, TINY_TRAIN_ARGS, write_anki

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.numbers import corpus_spells_numbers, spell_out
from rnnkit.translate.translator import Translator

SPELLED = [
    ("It's 12°C today.", "It's twelve degrees today."),  # temperatures, as the corpus: 오늘 기온이 ...
    ("It was -5 degrees this morning.", "It was minus five degrees this morning."),
    ("My fever is 38.5°C.", "My fever is thirty-eight point five degrees."),
    ("It is 30 °F.", "It is thirty degrees Fahrenheit."),
    # the space after a bare degree sign stays (was "degreesoutside", "degreesN": words the model never saw)
    ("It's 25° outside.", "It's twenty-five degrees outside."),
    ("Seoul is at 37.5° N.", "Seoul is at thirty-seven point five degrees N."),
    ("It is 25° C now.", "It is twenty-five degrees now."),
    # a letter right after the sign gets a space (was "degreesN", "degreesangle")
    (
        "Seoul is at 37.5°N, 127°E.",
        "Seoul is at thirty-seven point five degrees N, one hundred and twenty-seven degrees E.",
    ),
    ("Cut it at a 45°angle.", "Cut it at a forty-five degrees angle."),
    # a dash between two temperatures is a range (was "twenty degreesminus twenty-five degrees")
    ("It is 20°-25°C today.", "It is twenty degrees to twenty-five degrees today."),
    ("It is 20°C~25°C today.", "It is twenty degrees to twenty-five degrees today."),
    # and the first without its sign, as a range is mostly typed, read as the above: it was "twenty-twenty-five
    # degrees" (and "twenty to twenty-five degrees" opens with a clock time: it came out 이십 분)
    ("It will be 20-25°C tomorrow.", "It will be twenty degrees to twenty-five degrees tomorrow."),
    ("It is 20~25 degrees.", "It is twenty degrees to twenty-five degrees."),
    ("It is 18.5 - 20°C inside.", "It is eighteen point five degrees to twenty degrees inside."),
    ("It will be -5~0°C.", "It will be minus five degrees to zero degrees."),  # was "-5~zero degrees"
    ("It is 20 -5°C.", "It is twenty minus five degrees."),  # a minus, no dash: left as typed
    ("Call 010-20-25°.", "Call 010-20-twenty-five degrees."),  # a code's end is no range's start
    # clock times, as the corpus writes them ("three thirty", "seven o'clock", "eleven forty-five")
    ("The meeting starts at 3:30.", "The meeting starts at three thirty."),
    ("It opens at 9:00.", "It opens at nine o'clock."),
    ("The bus comes at 7:05.", "The bus comes at seven oh five."),
    ("The train leaves at 10:45 tonight.", "The train leaves at ten forty-five tonight."),
    ("The bus comes at 18:45.", "The bus comes at six forty-five in the evening."),
    ("I get up at 7 am.", "I get up at seven in the morning."),
    ("The train leaves at 7 a.m.", "The train leaves at seven in the morning."),  # the stop stays
    ("Let's meet at 6:30 p.m. tomorrow.", "Let's meet at six thirty in the evening tomorrow."),
    ("Lunch is at 1 PM.", "Lunch is at one in the afternoon."),
    # a range of times, its dash read "to" (the second time was left in digits: "nine o'clock-18:00")
    ("The shop is open 9:00-18:00.", "The shop is open nine o'clock to six in the evening."),
    ("We are open 9am-5pm.", "We are open nine in the morning to five in the afternoon."),
    ("The class runs 10:30~12:00.", "The class runs ten thirty to twelve o'clock."),
    # a bare hour before one with its am or pm (neither was read: "9-5pm" stayed as typed)
    ("We are open 9-5pm.", "We are open nine to five in the afternoon."),
    ("The meeting is 2-3 p.m. today.", "The meeting is two to three in the afternoon today."),
    ("Call 02-123-4567 at 3:30.", "Call 02-123-4567 at three thirty."),  # a phone number's hyphens stay
    # and a phone number typed in groups apart (was "+eighty-two ten 1234 five thousand six hundred and..."),
    # joined by hyphens as the corpus writes all its phone numbers
    ("Call +82 10 1234 5678 at 3:30.", "Call +82-10-1234-5678 at three thirty."),
    ("My number is 010 1234 5678.", "My number is 010-1234-5678."),
    ("I have 10 20 30 coins.", "I have ten twenty thirty coins."),  # no phone number: no 0 or + first
    # money, percentages, ordinals, dates, units, ranges, decimals
    ("It costs $20.", "It costs twenty dollars."),
    ("It costs $1.", "It costs one dollar."),
    ("It costs $3.50.", "It costs three dollars and fifty cents."),
    ("It costs 15,000 won.", "It costs fifteen thousand won."),
    ("I paid ₩5,000 for it.", "I paid five thousand won for it."),
    ("It costs ¥1000.", "It costs one thousand yen."),  # was "¥one thousand": translated as won
    ("It costs 5€.", "It costs five euros."),  # the sign after: was "five€", translated 다섯 명 (five people)
    ("The room is 80 € a night.", "The room is eighty euros a night."),
    ("I paid 3.50€ for it.", "I paid three euros and fifty cents for it."),
    ("It costs 12000 won.", "It costs twelve thousand won."),
    ("Everything is 30% off.", "Everything is thirty percent off."),
    ("50% off!", "Fifty percent off!"),  # a sentence still starts with a capital
    ("I live on the 3rd floor.", "I live on the third floor."),
    ("It's my 21st birthday.", "It's my twenty-first birthday."),
    ("See you on June 10.", "See you on June tenth."),
    # the day first, as British English writes a date (was "five May": 1990년에 다섯 번째 태어났어요)
    ("I was born on 5 May 1990.", "I was born on May fifth 1990."),
    ("The deadline is 31st December.", "The deadline is December thirty-first."),
    ("Only 5 may enter.", "Only five may enter."),  # no capital: the verb, no date
    # a count of things named after a month, not a date (was "Top May tenth releases")
    ("Top 10 May releases", "Top ten May releases"),
    ("He scored 10 March points.", "He scored ten March points."),
    ("From 3 June to 5 July we travel.", "From June third to July fifth we travel."),
    ("Let us meet 5 May at noon.", "Let us meet May fifth at noon."),
    ("They may need 2000 volunteers.", "They may need two thousand volunteers."),
    ("The events of 10 May changed everything.", "The events of May tenth changed everything."),
    ("The minutes of 10 May were approved.", "The minutes of May tenth were approved."),
    ("Until 5 May the shop is closed.", "Until May fifth the shop is closed."),  # a capital after a full stop
    ("I arrived 5 May with my family.", "I arrived May fifth with my family."),
    # a year follows a day's ordinal word, not any word ending in -st or -th ("almost", "with")
    ("In June almost 2000 people came.", "In June almost two thousand people came."),
    ("In May with 2000 runners.", "In May with two thousand runners."),
    ("We met on May 5, 2020 in Seoul.", "We met on May fifth, 2020 in Seoul."),  # the year after a date
    ("In May some 2000 people came.", "In May some two thousand people came."),  # no date before it
    ("It is 2.5 km away.", "It is two point five kilometers away."),
    ("I weigh 60kg.", "I weigh sixty kilograms."),
    ("Wait 3-4 days.", "Wait three to four days."),
    # counts and ages
    ("I waited for 20 minutes.", "I waited for twenty minutes."),
    ("I bought 3 apples and 2 cats.", "I bought three apples and two cats."),
    ("My son is 7 years old.", "My son is seven years old."),
    ("Room 305, please.", "Room three hundred and five, please."),
    ("There were 1,300 people.", "There were one thousand three hundred people."),
    ("3 people came.", "Three people came."),
]

KEPT = [
    "I was born in 1995.",  # years keep their digits, as Korean writes them (1995년)
    "The 2002 World Cup was fun.",
    "2024 was a good year.",
    "From 2010 to 2015 I lived in Busan.",
    "Call me at 010-1234-5678.",  # phone numbers too
    "I got COVID-19 last year.",  # glued to letters: part of a name
    "I have 5G now.",
    "Take 1/2 cup.",
    "My order number is 123456.",  # a long plain run is a code, not an amount
    "My code is 007.",
    "In Korea, you call 119 for an ambulance.",  # emergency numbers are digits in Korean too
    "No digits here at all.",
]


@pytest.mark.parametrize(("text", "spelled"), SPELLED)
def test_digits_are_spelled_as_the_corpus_writes_numbers(text, spelled):
    assert spell_out(text) == spelled


@pytest.mark.parametrize("text", KEPT)
def test_years_phone_numbers_codes_and_names_keep_their_digits(text):
    assert spell_out(text) == text


def test_a_year_with_a_currency_after_it_is_an_amount():
    assert spell_out("I need 2000 won.") == "I need two thousand won."
    assert spell_out("On May 5, 2024, we met.") == "On May fifth, 2024, we met."


def test_the_bundled_corpus_writes_numbers_in_words_and_a_digit_corpus_does_not():
    pairs, _ = read_corpus()
    assert corpus_spells_numbers(s for s, _ in pairs)
    digits = ["I am 20.", "It costs $5.", "I have 2 cats.", "See you at 3:30.", "Five of them."]
    assert not corpus_spells_numbers(digits)
    assert not corpus_spells_numbers([])  # nothing to go by: leave the digits alone


def test_the_shipped_model_spells_digits_and_keeps_the_source_as_given():
    tr = Translator.from_pretrained()
    assert tr.decoding()["spell_numbers"] is True and tr.spells_numbers()
    (t,) = tr.translate(["I waited for 20 minutes."], beam=1)
    assert t.source == "I waited for 20 minutes."  # what the user wrote
    assert "▁twenty" in t.src_pieces and "이십 분" in t.text  # what the model read, and its output
    assert t.read_as == "I waited for twenty minutes."
    (kept,) = tr.translate(["I waited for 20 minutes."], beam=1, spell_numbers=False)
    assert "▁twenty" not in kept.src_pieces and kept.read_as is None


def test_text_and_eval_take_the_flags(tmp_path, capsys):
    assert main(["translate", "text", "--beam", "1", "--keep-numbers", "It costs 15,000 won."]) == 0
    kept = capsys.readouterr().out
    assert main(["translate", "text", "--beam", "1", "--spell-numbers", "It costs 15,000 won."]) == 0
    assert capsys.readouterr().out.strip() == "만 오천 원이에요." != kept.strip()
    corpus = tmp_path / "n.tsv"
    corpus.write_text("I waited for 20 minutes.\t이십 분 동안 기다렸어요.\n", encoding="utf-8")
    assert (
        main(["translate", "eval", "--corpus", str(corpus), "--split", "all", "--beam", "1", "--no-progress"])
        == 0
    )
    assert "greedy, no repeated 3-gram, digits spelled out" in capsys.readouterr().out


def test_train_decides_from_its_corpus_and_saves_the_choice(tmp_path, capsys):
    counts = [
        ("two", "두"),
        ("three", "세"),
        ("four", "네"),
        ("five", "다섯"),
        ("six", "여섯"),
        ("seven", "일곱"),
    ]
    words = write_anki(tmp_path / "words.tsv", pairs=TINY_PAIRS + [
        (f"I have {w} {thing}.", f"{thing_ko} {k} 개 있어요.") for w, k in counts
        for thing, thing_ko in (("apples", "사과가"), ("pens", "펜이"))
    ])  # fmt: skip
    assert (
        main(["translate", "train", "--corpus", str(words), "--out", str(tmp_path / "w"), *TINY_TRAIN_ARGS])
        == 0
    )
    cfg = json.loads((tmp_path / "w" / "model" / "config.json").read_text(encoding="utf-8"))
    assert cfg["decoding"]["spell_numbers"] is True
    assert main(["translate", "train", "--corpus", str(words), "--out", str(tmp_path / "k"), *TINY_TRAIN_ARGS,
                 "--keep-numbers"]) == 0  # fmt: skip
    cfg = json.loads((tmp_path / "k" / "model" / "config.json").read_text(encoding="utf-8"))
    assert cfg["decoding"]["spell_numbers"] is False


def test_spelling_digits_of_a_source_that_is_not_english_is_a_one_line_error(tmp_path, capsys):
    corpus = write_anki(tmp_path / "c.tsv")
    code = main(["translate", "train", "--corpus", str(corpus), "--out", str(tmp_path / "r"), *TINY_TRAIN_ARGS,
                 "--src-lang", "ko", "--tgt-lang", "en", "--spell-numbers"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0 and "--spell-numbers spells English digits out" in err and "Traceback" not in err
