"""Korean readings of numbers, and finding them in a sentence (rnnkit.translate.korean_numerals)."""

from __future__ import annotations

import pytest

from rnnkit.translate.korean_numerals import cardinal_readings, native, says, says_with_counter, sino

# The native numerals as a dictionary gives them (standalone / before a counter).
NATIVE = {
    1: ("하나", "한"), 2: ("둘", "두"), 3: ("셋", "세"), 4: ("넷", "네"), 5: ("다섯", "다섯"),
    9: ("아홉", "아홉"), 10: ("열", "열"), 11: ("열하나", "열한"), 12: ("열둘", "열두"),
    20: ("스물", "스무"), 21: ("스물하나", "스물한"), 25: ("스물다섯", "스물다섯"), 30: ("서른", "서른"),
    40: ("마흔", "마흔"), 50: ("쉰", "쉰"), 60: ("예순", "예순"), 70: ("일흔", "일흔"), 80: ("여든", "여든"),
    90: ("아흔", "아흔"), 99: ("아흔아홉", "아흔아홉"),
}  # fmt: skip


@pytest.mark.parametrize("n", sorted(NATIVE))
def test_native_numerals_standalone_and_before_a_counter(n):
    assert (native(n), native(n, before_counter=True)) == NATIVE[n]


def test_native_numerals_stop_at_99_and_sino_korean_reads_the_rest():
    assert native(0) is None and native(100) is None
    assert [sino(n) for n in (1, 10, 100, 1000, 10_000, 12_500, 37_500, 250_000)] == [
        "일", "십", "백", "천", "만", "만이천오백", "삼만칠천오백", "이십오만"]  # fmt: skip
    assert cardinal_readings(10_000) == ("만", "10000", "일만")
    assert set(cardinal_readings(3)) == {"삼", "3", "셋", "세"}


@pytest.mark.parametrize(
    "korean, readings, said",
    [
        ("택시비가 만 이천오백 원 나왔어요.", ("만이천오백",), True),  # spaces inside the number ignored
        ("택시비가 십이만 원 나왔어요.", ("만이천오백",), False),
        ("이십오 달러예요.", ("이십",), False),  # runs on into 25
        ("스물다섯 살이에요.", ("스물",), False),  # native tens run on into a unit
        ("스무 살이에요.", ("스무",), True),
        ("오늘 와요.", ("오",), False),  # 오늘 is "today": a lone syllable needs a counter
        ("오 분 기다렸어요.", ("오",), True),
        ("이번이 처음이에요.", ("이",), False),  # 이번: "this time", glued
        ("이 번 버스를 타요.", ("이",), True),
        ("이호선으로 갈아타세요.", ("이",), True),  # 호선 makes no other word glued to a number
        ("할머니가 사세요.", ("세",), False),  # 세 inside a word is no 3
        ("세 시에 만나요.", ("세",), True),
        ("이 점 오 킬로미터예요.", ("오",), False),  # a decimal's digit
        ("영화표가 만 오천 원이었어요.", ("오천",), False),  # 5,000 inside 15,000
        ("오천 원 빌려주세요.", ("오천",), True),
        ("예순이 되셨어요.", ("예순",), True),  # the particle 이 is no Sino-Korean 2
        ("2019년에 왔어요.", ("2019",), True),
        ("물 한 병 사 주실 수 있어요?", ("사",), False),  # 사 주다 is "buy for": 주 begins the verb
        ("사 주 동안 걸려요.", ("사",), True),  # 주 (week) alone is the counter
        ("이 장난감 얼마예요?", ("이",), False),  # 장 begins 장난감 ("this toy")
        ("이 장씩 나눠 주세요.", ("이",), True),  # the counter 장 with a particle
        ("두 병이요.", ("두",), True),
        ("삼 일째 비가 와요.", ("삼",), True),
        ("오 분만에 왔어요.", ("오",), True),
        ("세 시예요.", ("세",), True),
        ("12019년", ("2019",), False),
    ],
)
def test_says_finds_a_number_only_as_a_number(korean, readings, said):
    assert says(korean, readings) is said


def test_counted_readings_hold_their_counter_so_nothing_after_them_matters():
    assert says("오월 오일이에요.", ("오월오일",), counted=True)
    assert not says("오월 오일이에요.", ("오월오일",), counted=False)  # bare: 일이 could run on
    assert not says("", ("오",)) and not says("아무것도", ())


@pytest.mark.parametrize(
    ("korean", "said"),
    [
        ("고양이 셋이 세 개 있어요.", True),  # 세 + 개, written apart
        ("고양이 3개가 있어요.", True),  # digits glued to the counter
        ("세 개씩 주세요.", True),  # the counter takes a particle
        ("고양이 세대가 같이 살아요.", False),  # 세대 is "generation": one syllable must stand apart
        ("세계 여행을 했어요.", False),
        ("세 개월 지났어요.", False),  # 개월 is a longer counter, not 개 + 월
        ("만 삼 개", False),  # 삼 goes on the number 만
    ],
)
def test_says_with_counter_finds_the_numeral_counted_with_one_of_the_counters(korean, said):
    assert says_with_counter(korean, ("셋", "세", "삼", "3"), ("개",)) is said
