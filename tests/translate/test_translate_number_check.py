"""The number check: a source's typed numbers, their Korean readings, and the translator's use of them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.translate.number_check import SourceNumber, counters_of, source_numbers
from rnnkit.translate.translator import Translator

SETS = [
    Path(__file__).resolve().parents[2] / "benchmarks" / "data" / f"numbers_en_ko{s}.tsv" for s in ("", "_b")
]


def _pairs(path: Path) -> list[tuple[str, str, str]]:
    out, kind = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# kind:"):
            kind = line
        elif line.strip() and not line.startswith("#"):
            en, ko = line.split("\t")
            out.append((kind, en, ko))
    return out


def _said(english: str, korean: str) -> list[bool]:
    return [n.said_in(korean) for n in source_numbers(english)]


@pytest.mark.parametrize(
    "english, typed",
    [
        ("The meeting starts at 3:30.", ["3:30"]),
        ("Meet me at 9 pm.", ["9 pm"]),
        ("The bag was $45, but I got it for $30.", ["$45", "$30"]),
        ("It takes 3-4 days and costs 15,000 won.", ["3-4", "15,000 won"]),  # money in words: its currency
        ("Prices went up 2.5% since May 5.", ["2.5%", "May 5"]),
        ("The exam is on June 12th, room 305.", ["June 12th", "305"]),
        ("Call 010-5555-1234 or 119 before 2019.", ["010-5555-1234", "119", "2019"]),
        ("I ran 5 km on the 3rd day.", ["5 km", "3rd"]),
        ("No digits here, only three words.", []),
        ("Could I get 4 bottles of water for 2 kids?", ["4 bottles", "2 kids"]),  # a counted thing, its noun
        ("A night is 80 € or ¥9,000.", ["80 €", "¥9,000"]),  # a sign after its amount; yen
        ("I was born on 5 May 1990.", ["5 May", "1990"]),  # the day before its month
    ],
)
def test_source_numbers_reads_each_typed_number_once_in_order(english, typed):
    assert [n.typed for n in source_numbers(english)] == typed


@pytest.mark.parametrize(
    "english, right, wrong",
    [
        (
            "The taxi fare came to 12,500 won.",
            "택시비가 만 이천오백 원 나왔어요.",
            "택시비가 십이만 원 나왔어요.",
        ),
        (
            "My train leaves at 7:05.",
            "제 기차는 일곱 시 오 분에 출발해요.",
            "제 기차는 다섯 시 오 분에 출발해요.",
        ),
        ("The meeting starts at 3:30.", "회의는 세 시 반에 시작해요.", "회의는 세 시에 시작해요."),
        # both ends of a range of times (its second was never read: a translation without it passed)
        (
            "The shop is open 9:00-18:00.",
            "가게는 아홉 시부터 여섯 시까지 열어요.",
            "가게는 아홉 시에 열어요.",
        ),
        ("A coffee costs $3.50.", "커피가 삼 달러 오십 센트예요.", "커피가 삼 달러예요."),
        ("We are open 9-5pm.", "아홉 시부터 다섯 시까지 열어요.", "아홉 시에 열어요."),  # nothing was read
        # a phone number in groups is one number, said as typed (its groups were four numbers to say)
        ("Call +82 10 1234 5678.", "+82 10 1234 5678로 전화하세요.", "82 10 1234 5678로 전화하세요."),
        # a code of capitals and digits, said as typed (no reader saw it: dropped, it went unflagged)
        (
            "My flight KE017 leaves at 9.",
            "제 비행기 KE017편은 아홉 시에 출발해요.",
            "비행기가 아홉 시에 출발해요.",
        ),
        ("I live in room 101B.", "저는 101B호에 살아요.", "저는 방에 살아요."),
        ("I had COVID-19 last year.", "작년에 코로나19에 걸렸어요.", "작년에 감기에 걸렸어요."),
        ("It costs 5€.", "오 유로예요.", "다섯 명이에요."),  # the shipped model's answer: no price in it
        ("It costs ¥1000.", "천 엔이에요.", "천 원이에요."),  # yen said as won
        ("I'm 25 this year.", "저는 올해 스물다섯 살이에요.", "저는 올해 스무 살이에요."),
        ("My birthday is June 10.", "제 생일은 유월 십일이에요.", "제 생일은 오월 십일이에요."),
        ("I was born on 5 May.", "오월 오 일에 태어났어요.", "다섯 번째 태어났어요."),  # the shipped model's
        ("The deadline is 31 December.", "마감은 십이월 삼십일 일이에요.", "마감은 삼십일 번이에요."),
        ("Prices went up 15%.", "가격이 십오 퍼센트 올랐어요.", "가격이 오십 퍼센트 올랐어요."),
        ("It weighs 2.5 kg.", "이 점 오 킬로그램이에요.", "이 킬로그램이에요."),
        ("It takes 3-4 days.", "삼사 일 걸려요.", "삼 일 걸려요."),
        ("I was born in 1995.", "저는 1995년에 태어났어요.", "저는 1996년에 태어났어요."),
        ("Take the 2nd left.", "두 번째 골목에서 왼쪽으로 가세요.", "이번 골목에서 왼쪽으로 가세요."),
        ("It's 12°C today.", "오늘 기온이 십이 도예요.", "오늘은 열두 시예요."),
        ("It was -5 degrees.", "영하 오 도였어요.", "오 도였어요."),
        # a range of temperatures: each end said, neither a minus (its second wanted 영하 이십오 도)
        ("It is 20°-25°C today.", "오늘은 이십 도에서 이십오 도예요.", "오늘은 이십 도예요."),
        # its first end typed without the sign, said as a bare number or in degrees (20~25도), and one
        # below zero (-5 was no number: an output without it passed)
        ("It is 20-25°C today.", "오늘은 20~25도예요.", "오늘은 25도예요."),
        ("It is 20-25°C today.", "오늘은 이십 도에서 이십오 도예요.", "오늘은 이십오 도예요."),
        ("It will be -5~0°C.", "영하 오 도에서 영 도까지예요.", "영 도까지예요."),
        (
            "Could I get 4 bottles of water?",
            "물 네 병 주시겠어요?",
            "물 사 인분에 주실 수 있어요?",
        ),  # the unit
        ("I have 3 kids.", "아이가 셋이에요.", "개가 세 마리 있어요."),
        ("Could I get 4 bottles of water?", "물 네 병 주시겠어요?", "물 사 병 주시겠어요?"),  # 병 takes 네
        ("Only 24 students came.", "학생이 스물네 명만 왔어요.", "학생이 이십두 명만 왔어요."),
        ("We waited 20 minutes.", "이십 분 기다렸어요.", "스무 분 기다렸어요."),  # minutes take 이십
        ("2 guests are waiting.", "두 분이 기다리세요.", "이 분이 기다리세요."),  # 이 분: "this person"
        ("We have 2 cats.", "고양이 두 마리를 키워요.", "고양이를 두 번 키워요."),
        (
            "I read 12 books this summer.",
            "이번 여름에 책을 열두 권 읽었어요.",
            "이번 여름에 책을 열두 시 읽었어요.",
        ),
        (
            "I have 3 cats.",
            "저는 고양이가 셋이에요.",
            "저는 고양이 셋이 세 개 있어요.",
        ),  # 3, then counted as things
        ("We need 4 bottles of water.", "물 네 병이 필요해요.", "물 네 병, 네 개가 필요해요."),
        ("I stayed 3 days.", "삼 일 있었어요.", "삼 일, 아니 삼 년 있었어요."),
        (
            "I paid 100 dollars for these shoes.",
            "이 신발에 백 달러를 냈어요.",
            "이 신발 달러를 백 개씩 냈어요.",
        ),
    ],
)
def test_a_right_translation_says_the_number_and_a_wrong_one_does_not(english, right, wrong):
    assert all(_said(english, right)) and not all(_said(english, wrong))


@pytest.mark.parametrize("path", SETS, ids=["set A", "set B"])
def test_every_reference_of_the_check_sets_says_its_numbers(path):
    """The references, written by people who had not seen this code, are the reference: the check must
    find every typed number in them (220 numbers in 200 sentences)."""
    pairs = _pairs(path)
    missed = [(en, ko) for _, en, ko in pairs if not all(_said(en, ko))]
    assert len(pairs) == 100 and sum(len(source_numbers(en)) for _, en, _ in pairs) >= 100 and missed == []


@pytest.mark.parametrize(("path", "most"), [(SETS[0], 13), (SETS[1], 4)], ids=["set A", "set B"])
def test_another_sentences_reference_rarely_passes(path, most):
    """Each source against every other reference of its kind (900 pairs a set): the check accepts at most
    the pairs measured when it was built, every one of which says the same values (9:00 and 아홉 시 in
    another sentence; docs/RESULTS.md lists them), so a looser rule shows up here."""
    accepted = sum(
        k1 == k2 and bool(numbers := source_numbers(en)) and all(n.said_in(other) for n in numbers)
        for (k1, en, _), (k2, _, other) in itertools.permutations(_pairs(path), 2)
    )
    assert accepted <= most


def test_the_same_number_typed_twice_may_be_said_with_both_counters():
    """ "3 cats and 3 boxes": 세 개 is the boxes' count, not a miscount of the cats."""
    numbers = source_numbers("I have 3 cats and 3 boxes.")
    assert all(n.said_in("고양이 세 마리와 상자 세 개가 있어요.") for n in numbers)
    (cats,) = source_numbers("I have 3 cats and 2 boxes.")[:1]
    assert not cats.said_in("고양이 세 마리와 상자 세 개가 있어요.")


def test_a_number_glued_to_small_letters_is_no_code_to_check():
    """2x, 10k, 20s, 24h are said in words (두 배, 만, 이십 대): the check cannot read them, so it does not
    flag them either; a code needs a capital (KE017, 5G)."""
    for english in ("It's 2x faster.", "I ran 10k.", "I'm in my 20s.", "We are open 24h."):
        assert source_numbers(english) == []
    assert [n.typed for n in source_numbers("I bought a 5G phone for $5.")] == ["5G", "$5"]
    # nor in capitals: shouted, they are the same words (was a code "1990S" to say as typed)
    for english in ("I WAS BORN IN THE 1990S.", "THEY ARE IN THEIR 20S.", "We made 50K."):
        assert source_numbers(english) == []
    # but a single digit and K is a code (a 4K TV), and is checked
    (tv,) = source_numbers("Is it a 4K TV?")
    assert tv.said_in("4K TV예요?") and not tv.said_in("TV예요?")


def test_a_codes_digits_count_only_beside_korean_letters():
    """The digits of a code said with its letters in Korean (코로나19, 1분기) count, but not as part of
    another code: '7A번 버스' said 7A and dropped 7B, whose 7 stood in 7A."""
    seven_a, seven_b = source_numbers("Take bus 7A or 7B.")
    assert seven_a.said_in("7A번 버스를 타세요.") and not seven_b.said_in("7A번 버스를 타세요.")
    (covid,) = source_numbers("COVID-19 is over.")
    assert covid.said_in("코로나19는 끝났어요.") and covid.said_in("코로나 19는 끝났어요.")


@pytest.mark.parametrize(
    ("english", "korean", "typed"),
    [
        ("I downloaded some MP3s.", "MP3 파일을 몇 개 다운로드했어요.", "MP3"),  # a plural's s
        ("I sold two PS5s.", "PS5 두 대를 팔았어요.", "PS5"),
        (
            "It was a COVID-19-related delay.",
            "코로나19 관련 지연이었어요.",
            "COVID-19",
        ),  # hyphenated to words
        ("Use A4-sized paper.", "A4 크기 종이를 쓰세요.", "A4"),
        ("COVID-19 is bad.", "코로나 19는 나빠요.", "COVID-19"),  # its digits apart from the word
        ("Q1 sales rose.", "1분기 매출이 올랐어요.", "Q1"),  # its letters said in Korean words
        ("I need 8GB of memory.", "메모리가 8기가 필요해요.", "8GB"),
        ("CO2 levels are high.", "이산화탄소 농도가 높아요.", "CO2"),  # said in words
    ],
)
def test_a_code_said_another_way_is_said(english, korean, typed):
    """A correct translation is not flagged for dropping a code (a false alarm warns of a number lost)."""
    (code,) = source_numbers(english)
    assert code.typed == typed and code.said_in(korean)
    assert not code.said_in("그건 나빠요.")


def test_a_range_is_said_whole_or_end_by_end():
    (rng,) = source_numbers("It takes 3-4 days.")
    assert rng.said_in("삼 일에서 사 일 걸려요.") and rng.said_in("세네 시간 걸려요.")
    assert not rng.said_in("사 일 걸려요.")


# ---- the translator: choosing among the beam's hypotheses, and flagging


def test_the_check_chooses_the_hypothesis_that_says_the_number(tiny_model, monkeypatch):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    src = "I am a student."
    (plain,) = tr.translate([src], beam=4, n_best=4, mbr=False, check_numbers=False)
    texts = [a for a, _ in plain.alternatives]
    target = next(t for t in texts[1:] if t != texts[0])  # a runner-up the beam ranked lower
    word = next(w for w in target.split() if w not in texts[0].split())
    number = SourceNumber("42", (word,), counted=True)  # a "number" only the runner-up says
    monkeypatch.setattr(
        Translator, "numbers_to_check", lambda self, texts, check=None: [[number] for _ in texts]
    )
    for mbr in (False, True):
        (checked,) = tr.translate([src], beam=4, n_best=4, mbr=mbr)
        assert number.said_in(checked.text) and checked.numbers_missing == []
        assert checked.alternatives == plain.alternatives  # the n-best list keeps the beam's order
    (greedy,) = tr.translate([src], beam=1)
    assert greedy.numbers_missing == ([] if number.said_in(greedy.text) else ["42"])  # flagged, not chosen


def test_only_english_to_korean_is_checked_and_check_numbers_false_turns_it_off(tiny_model):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    assert tr.numbers_to_check(["It is 5 km."]) is not None and tr.numbers_to_check(["x"], False) is None
    (t,) = tr.translate(["It is 5 km."], beam=2, check_numbers=False)
    assert t.numbers_missing is None
    tr.config = {**tr.config, "tgt_lang": "ja"}
    assert tr.numbers_to_check(["It is 5 km."]) is None


def test_translate_text_warns_exactly_when_the_translation_does_not_say_a_number(capsys):
    # the shipped model is package data: no skip where it is missing, which would hide its loss
    sources = ["The taxi fare came to 12,500 won.", "My train leaves at 7:05.", "I only have $50 left."]
    assert main(["translate", "text", *sources]) == 0
    out, err = capsys.readouterr()
    outputs = out.splitlines()
    said = set()
    for line, (src, ko) in enumerate(zip(sources, outputs, strict=True), 1):
        missing = [n.typed for n in source_numbers(src) if not n.said_in(ko)]
        warned = f"line {line}: the translation does not say" in err
        assert warned == bool(missing)
        assert all(m in err for m in missing)
        said.add(warned)
    assert said == {True, False}, "these sentences no longer test both a warning and its absence"
    assert main(["translate", "text", "--no-check-numbers", *sources]) == 0
    assert "check its numbers" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "english, korean, fixed, copied",
    [
        (
            "He built this house in 1973.",
            "그는 1979년에 이 집을 지었어요.",
            "그는 1973년에 이 집을 지었어요.",
            ["1973"],
        ),
        (
            "My number is 010-9273-1048.",
            "제 번호는 010-3876-767이에요.",
            "제 번호는 010-9273-1048이에요.",
            ["010-9273-1048"],
        ),
        # typed in groups apart: said and copied in as the corpus writes it, joined by hyphens
        (
            "Call 010 1234 5678.",
            "010-1234-567로 전화하세요.",
            "010-1234-5678로 전화하세요.",
            ["010-1234-5678"],
        ),
        ("Call +82 10 1234 5678.", "+82-10-1234-567로", "+82-10-1234-5678로", ["+82-10-1234-5678"]),
        ("Call 010 1234 5678.", "010-1234-5678로 전화하세요.", "010-1234-5678로 전화하세요.", []),
        (
            "Born in 1995, moved in 2001.",
            "1996년에 태어나서 2003년에 이사했어요.",
            "1995년에 태어나서 2001년에 이사했어요.",
            ["1995", "2001"],
        ),
        ("Call 119 now.", "지금 112에 전화하세요.", "지금 119에 전화하세요.", ["119"]),
        (
            "I was born in 1995.",
            "저는 1995년에 태어났어요.",
            "저는 1995년에 태어났어요.",
            [],
        ),  # right already
        (
            "The number is 051-742-6630.",
            "번호는 2015년이에요.",
            "번호는 2015년이에요.",
            [],
        ),  # a year for a phone: no
        ("From 2012 to 2020.", "2015년에 일했어요.", "2015년에 일했어요.", []),  # one run for two years: no
        (
            "It costs 20 dollars in 2020.",
            "2020년에 이십일 달러예요.",
            "2020년에 이십일 달러예요.",
            [],
        ),  # words: never
    ],
)
def test_copy_digits_puts_the_sources_years_and_phone_numbers_back_one_to_one(english, korean, fixed, copied):
    from rnnkit.translate.number_check import copy_digits

    assert copy_digits(source_numbers(english), korean) == (fixed, copied)


@pytest.mark.parametrize(
    "noun, counters",
    [("bottles", ("병",)), ("glasses", ("잔",)), ("children", ("명", "분", "사람")), ("puppies", ("마리",)),
     ("buses", ("대",)), ("people", ("명", "분", "사람")), ("ideas", ()), ("this", ()), ("cares", ())],
)  # fmt: skip
def test_a_count_noun_gives_its_korean_counters_and_another_word_none(noun, counters):
    assert counters_of(noun) == counters
