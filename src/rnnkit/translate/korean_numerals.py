"""How a number is read in Korean, and whether a Korean sentence says it.

Korean has two sets of numerals (CORPUS.md, style rule 5):

- **Sino-Korean** (일 이 삼 ... 십 백 천 만), for money, minutes, dates, percentages, floors, room
  and bus numbers: 만 이천오백 원 (12,500 won), 삼십 분, 오월 오일, 삼 층. num2words writes them.
- **Native Korean** (하나 둘 셋 ... 아흔아홉), for hours, ages and counted things, 1 to 99, with a
  shorter form before a counter (한 시, 두 마리, 세 개, 네 명, 스무 살). Kept here as the closed table
  it is (19 words).

:func:`says` answers whether a Korean sentence holds one of a number's readings as a number: starting a
word (so 세 in 가세요 is no 3), not going on a number begun before it (오천 in 만 오천 원 is no 5,000,
오 in 이 점 오 no 5), and not running on into a longer number (이십 in 이십오 달러 is no 20). A reading of one syllable must also be followed by a counter
written apart, as the corpus spaces them (오 분, 삼 층; 오늘 is "today", 이번 "this time"), and that
counter must end its word or take a particle (세 시예요; 사 주실 수 있어요 is "could you buy"). Spaces are ignored inside and after the reading (만 이천오백 원
= 만이천오백원), since spelled-out numbers are spaced either way.

What it cannot tell: the unit (삼 일 and 삼 년 both say 3; 사 인분, four servings, says the 4 of "4
bottles"), and a word after a one-syllable number that begins with a counter and then what looks like
a particle (이 대가족, "this big family", reads as 2 대 + 가). So it finds a wrong or dropped number far
more often than it mistakes one (docs/RESULTS.md, "Numbers the translation says").
"""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

NATIVE_UNITS = ("", "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉")
NATIVE_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")
# Before a counter (한 시, 두 개, 세 명, 네 살, 스무 살): the last word shortens.
ATTRIBUTIVE = {"하나": "한", "둘": "두", "셋": "세", "넷": "네", "스물": "스무"}

SINO_SYLLABLES = frozenset("영공일이삼사오육칠팔구십백천만억조")
# What follows a number in Korean: units, currencies and counters (longest first where one begins
# another: 시간 before 시). A reading of one syllable counts only before one of these.
COUNTERS = tuple(sorted({
    "원", "달러", "센트", "유로", "파운드", "펜스", "엔", "불",
    "시간", "시", "분", "초", "일", "주", "주일", "달", "개월", "월", "년", "살", "날",
    "개", "명", "마리", "번", "번째", "째", "층", "호", "호선", "호실", "등", "위",
    "퍼센트", "프로", "%", "킬로미터", "킬로그램", "킬로", "키로", "미터", "센티미터", "센티", "밀리미터",
    "밀리리터", "밀리", "그램", "리터", "도",
    "쪽", "페이지", "잔", "권", "장", "병", "대", "박", "인분", "가지", "켤레", "벌", "송이", "곳",
    "군데", "배", "채", "줄", "칸", "학년", "반", "교시", "정거장", "정류장", "판", "조각", "그릇",
    "봉지", "상자", "통", "캔", "알", "숟가락", "컵", "쌍",
    # words made of a counter and more, so that a counter must end its word (AFTER_COUNTER below)
    "주년", "호차", "년생", "개국", "번지", "호점", "등급", "등석", "분기", "살배기",
}, key=len, reverse=True))  # fmt: skip
# Counters that make no other word glued to a one-syllable number (이호선, 삼층, 육학년, 삼개월).
GLUED_COUNTERS = ("호선", "호실", "층", "학년", "교시", "인분", "개월", "퍼센트")
# What may follow a counter inside its word: particles, the copula and a few suffixes (세 시예요,
# 두 병이요, 삼 일째, 오 분만에, 한 달간). Anything else makes the word another one that happens to
# begin like a counter: 사 주실 수 있어요 is "could you buy", not four weeks; 이 장난감 "this toy".
AFTER_COUNTER = (
    "이", "가", "은", "는", "을", "를", "에", "도", "만", "의", "와", "과", "로", "으로", "라", "랑",
    "하고", "까지", "부터", "밖에", "보다", "마다", "처럼", "뿐", "씩", "쯤", "째", "짜리", "간", "경",
    "당", "동안", "정도", "요", "예요", "였", "죠", "인", "니", "나", "면",
)  # fmt: skip
_SPACE = re.compile(r"\s+")


def sino(n: int) -> str:
    """``n`` in Sino-Korean words, spaces removed: 12500 -> 만이천오백 (num2words' Korean)."""
    return num2words(n, lang="ko").replace(" ", "")


def native(n: int, before_counter: bool = False) -> str | None:
    """``n`` (1 to 99) in native Korean: 25 -> 스물다섯; before a counter 21 -> 스물한, 20 -> 스무.
    None outside 1 to 99, where Korean reads Sino-Korean."""
    if not 1 <= n <= 99:
        return None
    tens, units = NATIVE_TENS[n // 10], NATIVE_UNITS[n % 10]
    if before_counter:
        if units:
            units = ATTRIBUTIVE.get(units, units)
        else:
            tens = ATTRIBUTIVE.get(tens, tens)
    return tens + units


def cardinal_readings(n: int) -> tuple[str, ...]:
    """Every way a count of ``n`` may be read: Sino-Korean, native (both forms), and its digits."""
    forms = [sino(n), str(n), native(n), native(n, before_counter=True)]
    if n >= 10_000 and sino(n).startswith("만"):
        forms.append("일" + sino(n))  # 일만: 10,000 read with its one, as on banknotes and cheques
    return tuple(dict.fromkeys(f for f in forms if f))


@lru_cache(maxsize=4096)
def _squeezed(text: str) -> tuple[str, tuple[bool, ...]]:
    """``text`` without spaces, and for each kept character whether it starts a word."""
    chars, starts, new_word = [], [], True
    for ch in text:
        if ch.isspace():
            new_word = True
            continue
        chars.append(ch)
        starts.append(new_word or not ch.isalnum())
        new_word = not (ch.isalnum() or ch == "%")  # after punctuation a word starts
    return "".join(chars), tuple(starts)


def _runs_on(reading: str, after: str) -> bool:
    """Whether ``after`` continues a bare number ``reading`` into a longer one: a Sino-Korean number
    into more Sino-Korean syllables or digits (이십 + 오), native tens into a native unit (스물 +
    다섯), digits into digits."""
    if not after:
        return False
    if reading[-1].isdigit():
        return after[0].isdigit()
    if reading[-1] in SINO_SYLLABLES:
        return after[0] in SINO_SYLLABLES or after[0].isdigit()
    if reading.endswith(NATIVE_TENS[1:] + ("스무",)):
        return after.startswith(NATIVE_UNITS[1:] + tuple(ATTRIBUTIVE.values()))
    return False


def says(korean: str, readings: tuple[str, ...], counted: bool = False) -> bool:
    """Whether ``korean`` holds one of ``readings`` (spaces removed) as a number, at a word's start.

    ``counted``: the readings carry their own counter or unit (세 시 반, 이십 달러, 오월 오일), so
    whatever follows them is not part of the number. Otherwise a reading is a bare number: it must not
    run on into a longer number, and a reading of one syllable must be followed by a counter (오 분;
    오늘 is "today").
    """
    text, starts = _squeezed(korean)
    for reading in readings:
        reading = _SPACE.sub("", reading)
        at = text.find(reading) if reading else -1
        while at != -1:
            end = at + len(reading)
            after, spaced = text[end:], end < len(text) and starts[end]
            word_end = next((j for j in range(end + 1, len(text)) if starts[j]), len(text))
            if (
                starts[at]
                and not _continues_a_number(text, starts, at)
                and (counted or _bare_number_ends(reading, after, spaced, text[end:word_end]))
            ):
                return True
            at = text.find(reading, at + 1)
    return False


def _continues_a_number(text: str, starts: tuple[bool, ...], at: int) -> bool:
    """Whether the word starting at ``at`` goes on a number begun before it: the word before is all
    Sino-Korean numerals (만 오천 원: the 오천 is part of 15,000) or a decimal point after one (이 점 오:
    the 오 is no 5)."""
    if text[:at].endswith("점") and at > 1 and (text[at - 2] in SINO_SYLLABLES or text[at - 2].isdigit()):
        return True
    begin = next((j for j in range(at - 1, -1, -1) if starts[j]), None)
    return begin is not None and all(ch in SINO_SYLLABLES or ch.isdigit() for ch in text[begin:at])


def _counter_word(word: str, counters: tuple[str, ...] = COUNTERS) -> bool:
    """Whether ``word`` (the word after a number) is one of ``counters``, alone or with a particle after it."""
    return any(
        word.startswith(counter)
        and (len(word) == len(counter) or word[len(counter) :].startswith(AFTER_COUNTER))
        for counter in counters
    )


def says_with_counter(korean: str, numerals: tuple[str, ...], counters: tuple[str, ...]) -> bool:
    """Whether ``korean`` says one of ``numerals`` as a number followed by one of ``counters``, written
    apart or glued (세 개, 3개; a numeral of one syllable only apart, as in :func:`says`), the counter
    ending its word or taking a particle (세 개가).

    The number check asks it of a counted thing's wrong counters: 고양이 셋이 세 개 says 3 (셋) and
    then counts the cats as things (개), so it does not say "3 cats"."""
    text, starts = _squeezed(korean)
    for numeral in numerals:
        at = text.find(numeral) if numeral else -1
        while at != -1:
            end = at + len(numeral)
            word_end = next((j for j in range(end + 1, len(text)) if starts[j]), len(text))
            if (
                starts[at]
                and end < len(text)
                and (starts[end] or len(numeral) > 1 or numeral.isdigit())  # 세대 is "generation"
                and not _continues_a_number(text, starts, at)
                and _counter_word(text[end:word_end], counters)
            ):
                return True
            at = text.find(numeral, at + 1)
    return False


def _bare_number_ends(reading: str, after: str, spaced: bool, next_word: str) -> bool:
    """Whether a bare number ``reading`` ends where ``after`` begins (``spaced``: after a space;
    ``next_word``: the word that follows, when ``spaced``).

    A reading of one Hangul syllable is mostly another word (오늘, 이번, 사원), so it counts only
    before a counter written apart, as the corpus spaces them (이 번, 사 층; 이번 is "this time").
    A counter written apart must end its word or go on with a particle (:data:`AFTER_COUNTER`): 사 주실
    is no "4 weeks". A longer reading counts before a counter, or when it does not run on into a longer
    number."""
    if len(reading) == 1 and not reading.isdigit():
        return (spaced and _counter_word(next_word)) or after.startswith(GLUED_COUNTERS)
    return after.startswith(COUNTERS) or not _runs_on(reading, after)
