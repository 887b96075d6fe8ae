"""Does a Korean translation say the numbers typed in its English source?

A wrong number is the worst kind of wrong translation: "The taxi fare came to 12,500 won." read as
택시비가 십이만 원 나왔어요 (120,000 won) reads fluently and says the wrong thing. So the translator
checks. For every number typed in digits in the source, :func:`source_numbers` lists the ways Korean
reads it, by what it is (the patterns of :mod:`rnnkit.translate.numbers`, in the same order):

====================  ==========================================================
typed                 read (any of; spaces ignored; digits are always accepted)
====================  ==========================================================
3:30, 7:05, 9 pm      세 시 반 / 세 시 삼십 분, 일곱 시 오 분, 아홉 시 (hours native)
$20, $3.50, €5, 5€    이십 달러, 삼 달러 오십 센트, 오 유로
15%                   십오 퍼센트 / 십오 프로
5 km, 2.5 kg          오 킬로미터 / 오 킬로, 이 점 오 킬로그램
12°C, -5 degrees      십이 도, 영하 오 도
May 5, 5 May          오월 오일 (유월, 시월 as said)
3rd                   세 번째 / 셋째 / 삼 (삼 층, 삼 등)
2.5                   이 점 오
4 bottles, 2 people   네 병, 두 명 / 두 분 / 두 사람 (a counted thing's counter, :data:`COUNT_NOUNS`)
25, 12,500 won        스물다섯 / 스물다섯 살 / 이십오; 만 이천오백 (then 원)
2019, 010-1234-5678   as typed: years, phone numbers and codes stay digits in Korean
010 1234 5678         as typed or as the corpus writes it, 010-1234-5678
KE017, 101B, 5G       as typed (KE017편), or its digits with the letters in words (코로나19, 1분기, 8기가)
====================  ==========================================================

and :func:`~rnnkit.translate.korean_numerals.says` looks for them in the translation. A counted thing
said with a counter it never takes is not said, even beside a reading that counts: 고양이 셋이 세 개
counts "3 cats" as things (:data:`THING_COUNTERS`; unless the source types the same number twice, "3 cats
and 3 boxes"). Two uses
(:class:`~rnnkit.translate.translator.Translator`):

- **choosing**: of the beam's hypotheses, only those that say the most of the source's numbers may be
  chosen (by MBR or by beam score among them), so a hypothesis with the right price beats a more
  probable one with the wrong price;
- **flagging**: the numbers the chosen translation still does not say are reported
  (``Translation.numbers_missing``): the command line warns, the web page marks them.

Only an English source and a Korean target are checked; a number written in words in the source
("three") is not checked, nor are the digits of a web or e-mail address or a file path (:data:`ADDRESS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import product

from rnnkit.translate import numbers as en
from rnnkit.translate.korean_numerals import cardinal_readings, native, says, says_with_counter, sino

CURRENCY_UNITS = {"$": ("달러", "불"), "€": ("유로",), "£": ("파운드",), "₩": ("원",), "¥": ("엔",)}
SUBUNITS = {"$": "센트", "€": "센트", "£": "펜스", "₩": "", "¥": ""}
UNIT_WORDS = {
    "km": ("킬로미터", "킬로", "키로", "km"),
    "kg": ("킬로그램", "킬로", "키로", "kg"),
    "cm": ("센티미터", "센티", "cm"),
    "mm": ("밀리미터", "밀리", "mm"),
    "ml": ("밀리리터", "밀리", "ml"),
}
MONTHS_KO = {6: ("유월", "육월"), 10: ("시월", "십월")}  # read irregularly: 유월, 시월
PERCENT_WORDS = ("퍼센트", "프로", "%")
# Digits joined by hyphens, dots or slashes that no pattern read (phone numbers, 1/2): kept as typed.
DIGIT_GROUP = re.compile(r"(?<![\w])\d+(?:[-./]\d+)+(?![\w])")
# Things counted after a number, with the counters Korean says them with ("4 bottles" is 네 병, never
# 사 인분). A noun not listed keeps the bare readings (any counter, or none). Only nouns whose counter is
# beyond doubt are listed; a native numeral said alone (아이가 셋이에요) is accepted too.
_PEOPLE = ("명", "분", "사람")
COUNT_NOUNS = {
    **dict.fromkeys(("person", "people", "kid", "child", "student", "friend", "guest", "adult",
                     "passenger", "player", "employee", "worker", "member", "son", "daughter",
                     "brother", "sister", "sibling", "grandchild", "baby", "teacher", "customer"), _PEOPLE),
    **dict.fromkeys(("dog", "cat", "fish", "bird", "puppy", "kitten", "cow", "pig", "chicken",
                     "rabbit", "hamster", "animal", "goldfish"), ("마리",)),
    "bottle": ("병",), "cup": ("잔", "컵"), "glass": ("잔",),
    "book": ("권",), "notebook": ("권",), "ticket": ("장",), "photo": ("장",), "picture": ("장",),
    "page": ("쪽", "페이지", "장"), "car": ("대",), "bus": ("대",), "computer": ("대",), "laptop": ("대",),
    "bike": ("대",), "bicycle": ("대",), "time": ("번",), "pair": ("켤레", "쌍", "벌"),
    "slice": ("조각", "개"), "piece": ("조각", "개"), "bowl": ("그릇",),
    "minute": ("분",), "hour": ("시간",), "second": ("초",), "day": ("일", "날"), "night": ("박", "밤"),
    "week": ("주", "주일"), "month": ("달", "개월"), "year": ("년", "해", "살"),
    "dollar": ("달러", "불"), "won": ("원",), "euro": ("유로",), "yen": ("엔",),
}  # fmt: skip
# Counters that take the native numerals from 1 to 99 (네 병, 스물네 명, 세 시간; never 사 병), and
# those that take Sino-Korean (삼 일, 육 개월, 십 초; never 세 개월). 분 is both: native among people's
# counters (두 분; 이 분 is "this person"), Sino-Korean for minutes (이십 분). 주 (weeks) is said both
# ways (이 주, 두 주), so it takes either.
NATIVE_COUNTERS = frozenset(("명", "사람", "마리", "병", "잔", "컵", "권", "장", "대", "번", "켤레", "쌍", "벌",
                             "조각", "개", "그릇", "시간", "날", "밤", "해", "살", "달"))  # fmt: skip
SINO_COUNTERS = frozenset(("초", "일", "개월", "년", "쪽", "페이지", "박", "달러", "불", "원", "유로", "엔"))
# The counters things are counted with: a counted thing said with one of these that is not its own is
# counted wrong (세 개 for "3 cats", 세 명 for "3 dogs", 삼 년 for "3 days").
THING_COUNTERS = tuple(sorted(
    {c for counters in COUNT_NOUNS.values() for c in counters}
    | {"개", "인분", "가지", "송이", "곳", "채", "봉지", "상자", "통", "캔", "알"},
    key=len, reverse=True,
))  # fmt: skip
# A code of capitals and digits (flight KE017, room 101B, 5G, A4, COVID-19): no pattern above reads it, and
# Korean writes it as typed (KE017편, 101B호). Unread, a translation that dropped it went unflagged: "My
# flight KE017 leaves at 9." came out 비행기가 아홉 시에서 아홉 시로 출발해요. without a warning. A capital
# is needed: 2x, 10k, 20s and 24h are said in words (두 배, 만, 이십 대), and the check cannot read them;
# nor are they codes in capitals (IN THEIR 20S, THE 1990S, 50K); but a single digit and K is (a 4K TV).
CODE = re.compile(
    r"(?<![\w-])(?!(?:\d{2,}[skxhSKXH]|\d[sxhSXH])(?![\w-]))(?=[\w-]*\d)(?=[\w-]*[A-Z])[A-Za-z\d]+(?:-[A-Za-z\d]+)*(?![\w-])"
)
# What a code match holds beyond the code: a plural's s (MP3s, PS5s) and the words it is hyphenated to
# (COVID-19-related, A4-sized: 코로나19 관련, A4 크기), which the Korean says otherwise.
_CODE_TAIL = re.compile(r"(?<=\d)[sS]?(?:-[a-z]+)*$")
# Codes Korean says in words, whose digits a right translation does not hold (CO2: 이산화탄소).
WORDED_CODES = {"CO2": ("이산화탄소", "탄소"), "H2O": ("물",)}
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
_MASK = "\x00"
ADDRESS = en.ADDRESS  # a web or e-mail address or a file path: its digits are no number the sentence says


@dataclass(frozen=True)
class SourceNumber:
    """A number typed in the source (``typed``, as in the text) and its Korean readings, spaces removed."""

    typed: str
    readings: tuple[str, ...]
    counted: bool = True  # the readings hold their counter or unit (이십 달러), else bare (이십)
    parts: tuple[SourceNumber, ...] = ()  # a range's two ends, each enough when both are said
    as_digits: bool = False  # Korean writes it as typed (a year, a phone number, a code): it can be copied
    # A counted thing's numerals and the counters it never takes: 세 개 for "3 cats" counts them wrong.
    numerals: tuple[str, ...] = ()
    wrong_counters: tuple[str, ...] = ()
    # A code's runs of digits: said when the Korean holds each as digits, whatever it writes for the
    # letters (COVID-19: 코로나19, 코로나 19; Q1: 1분기; 8GB: 8기가)
    digit_runs: tuple[str, ...] = ()
    # How Korean writes it where that is not as typed (010 1234 5678: 010-1234-5678), for copy_digits
    written: str = ""

    def said_in(self, korean: str) -> bool:
        """Whether ``korean`` says this number (:func:`~rnnkit.translate.korean_numerals.says`) and does
        not also count it with a counter it never takes (고양이 셋이 세 개: the 3 cats counted as things)."""
        if self.wrong_counters and says_with_counter(korean, self.numerals, self.wrong_counters):
            return False
        korean = en.minus_dashes(korean)  # 010−1234−5678 kept with the source's U+2212 says 010-1234-5678
        if says(korean, self.readings, self.counted):
            return True
        # each run beside a Korean letter (코로나19, 코로나 19, 1분기, 8기가), not inside another code
        # (7A번 said no 7B) nor any number at all
        if self.digit_runs and all(
            re.search(rf"[가-힣]\s?{run}(?![\dA-Za-z.])|(?<![\w.]){run}[가-힣]", korean)
            for run in self.digit_runs
        ):
            return True
        return bool(self.parts) and all(part.said_in(korean) for part in self.parts)


def _joined(*parts: tuple[str, ...]) -> tuple[str, ...]:
    """Every reading made of one choice per part, in order: (세시,) x (반, 삼십분) -> 세시반, 세시삼십분."""
    return tuple(dict.fromkeys("".join(p) for p in product(*parts)))


def _hour(h: int) -> tuple[str, ...]:
    return (native(h, before_counter=True) + "시", f"{h}시")


def _clock(m: re.Match) -> tuple[str, ...] | None:
    hour = int(m.group("h"))
    minute = int(m.group("m")) if "m" in m.groupdict() and m.group("m") else 0
    if hour > 23:
        return None
    hour = hour - 12 if hour > 12 else 12 if hour == 0 else hour
    if minute == 0:
        return _hour(hour)
    minutes = (sino(minute) + "분", f"{minute}분") + (("반",) if minute == 30 else ())
    return _joined(_hour(hour), minutes)


def _point(integer: str, frac: str) -> tuple[str, ...]:
    """2.5 -> 이점오 (each decimal digit read alone, 0 as 영 or 공), and 2.5 itself."""
    spoken = [sino(int(integer.replace(",", ""))) + "점"]
    for digit in frac:
        spoken = [s + d for s in spoken for d in (("영", "공") if digit == "0" else (sino(int(digit)),))]
    return (*spoken, f"{integer}.{frac}")


def _money(m: re.Match) -> tuple[str, ...]:
    sign, amount = m.group("sign"), int(m.group("int").replace(",", ""))
    whole = _joined(cardinal_readings(amount) + (m.group("int"),), CURRENCY_UNITS[sign])
    cents = int(m.group("cents") or 0)
    if not cents:
        return whole
    return _joined(whole, (sino(cents), str(cents)), (SUBUNITS[sign],)) + (f"{amount}.{m.group('cents')}",)


def _month_day(m: re.Match) -> tuple[str, ...]:
    month = en.MONTHS.index(m.group("month").lower()) + 1
    day = int(m.group("day"))
    months = MONTHS_KO.get(month, (sino(month) + "월",)) + (f"{month}월",)
    return _joined(months, (sino(day) + "일", f"{day}일"))


def _ordinal(n: int) -> tuple[str, ...]:
    """3rd -> 세번째, 셋째, 삼 (삼 층): a native ordinal or a Sino-Korean number before its counter."""
    first = ("첫번째", "첫째", "첫날", "첫주", "첫해", "첫달") if n == 1 else ()
    spoken = (native(n, before_counter=True) + "번째", native(n) + "째") if 2 <= n <= 99 else ()
    return (*first, *spoken, sino(n), str(n))


def _unit(m: re.Match) -> tuple[str, ...]:
    number = m.group("num")
    values = _point(*number.split(".")) if "." in number else (sino(int(number)), number)
    return _joined(values, UNIT_WORDS[m.group("unit").lower()])


def _temperature(m: re.Match) -> tuple[str, ...]:
    """12°C -> 십이 도; -5 degrees -> 영하 오 도 (or 마이너스 오 도)."""
    number = m.group("num")
    values = _point(*number.split(".")) if "." in number else (sino(int(number)), number)
    signs = ("영하", "마이너스", "-") if m.group("minus") else ("",)
    return _joined(signs, values, ("도", "°"))


def _percent(m: re.Match) -> tuple[str, ...]:
    number = m.group("num")
    values = (
        _point(number, m.group("frac"))
        if m.group("frac")
        else (sino(int(number.replace(",", ""))), number.replace(",", ""), number)
    )
    return _joined(values, PERCENT_WORDS)


def _range(m: re.Match) -> SourceNumber:
    """3-4 days: 삼사 일, 세네 개, 삼에서 사 일, or each end said on its own; an end in thousands
    (1,000-2,000) as a count of it, in digits with or without its commas too (천에서 이천, 1,000~2,000)."""
    said = {
        end: tuple(dict.fromkeys((*cardinal_readings(en.range_end(m, end)), m.group(end)))) for end in "ab"
    }
    ends = tuple(SourceNumber(m.group(end), said[end], False) for end in "ab")
    readings = _joined(said["a"], ("", "에서", "-", "~"), said["b"])
    return SourceNumber(m.group(0).strip(), readings, False, ends)


def counters_of(noun: str) -> tuple[str, ...]:
    """The Korean counters of an English count noun, singular or plural (bottles -> 병), or ().

    Only the table's nouns are looked up, so plain English plural rules find them: -s, -es after a
    sibilant (glasses, buses), -ies (puppies), and children."""
    word = noun.lower()
    candidates = (
        "child" if word == "children" else word,
        word[:-1] if word.endswith("s") else None,
        word[:-2] if word.endswith(("ses", "xes", "shes", "ches")) else None,
        word[:-3] + "y" if word.endswith("ies") else None,
    )
    return next((COUNT_NOUNS[c] for c in candidates if c in COUNT_NOUNS), ())


def _numerals(n: int, counter: str, people: bool) -> tuple[str, ...]:
    """The numerals ``n`` takes before ``counter`` (네 병, 이십 분; 두 분 among ``people``'s counters),
    spaces removed."""
    natives = (native(n), native(n, before_counter=True)) if native(n) else ()
    if natives and (counter in NATIVE_COUNTERS or (counter == "분" and people)):
        return natives
    if counter in SINO_COUNTERS or counter == "분":
        return (sino(n),)
    return cardinal_readings(n)


def _counted_readings(n: int, digits: str, counters: tuple[str, ...]) -> tuple[str, ...]:
    """``n`` of a counted thing said with one of its ``counters``, each with the numeral it takes (네 병,
    이십 분, 두 분), in digits (4병), or, where the thing is counted natively, as a native numeral alone
    (아이가 셋이에요)."""
    people = "명" in counters  # 분 among people's counters is the honorific 분, counted natively
    counted = tuple(
        numeral + counter for counter in counters for numeral in (*_numerals(n, counter, people), digits)
    )
    alone = (native(n),) if native(n) and NATIVE_COUNTERS.intersection(counters) else ()
    return tuple(dict.fromkeys(counted + alone))


def _counted(typed: str, n: int, digits: str, counters: tuple[str, ...]) -> SourceNumber:
    """A counted thing's number: its readings, and the numerals and counters that would count it wrong."""
    people = "명" in counters
    numerals = tuple(dict.fromkeys(num for c in counters for num in (*_numerals(n, c, people), digits)))
    wrong = tuple(c for c in THING_COUNTERS if c not in counters)
    return SourceNumber(
        typed, _counted_readings(n, digits, counters), numerals=numerals, wrong_counters=wrong
    )


def _cardinal(m: re.Match) -> SourceNumber:
    digits = m.group("num")
    plain = digits.replace(",", "")
    if en.kept_as_digits(m):  # a year, a code, 119: Korean keeps the digits, or reads them (천오백사 호)
        readings = (digits,) if plain.startswith("0") else (digits, sino(int(plain)))
        return SourceNumber(digits, readings, False, as_digits=True)
    noun = _NEXT_WORD.match(m.string, m.end())
    counters = counters_of(noun.group(1)) if noun else ()
    if counters:  # 4 bottles: 네 병, never 사 병 or 사 인분
        return _counted(m.string[m.start("num") : noun.end()], int(plain), digits, counters)
    return SourceNumber(digits, cardinal_readings(int(plain)) + (digits,), False)


def _code(m: re.Match) -> SourceNumber:
    """A code (:data:`CODE`, less a plural's s and the words hyphenated to it): said as typed (KE017편),
    with its digits as typed and its letters in Korean words (코로나19, 1분기, 8기가), or in words
    (:data:`WORDED_CODES`); never copied in (:func:`copy_digits`), as the model may have written its
    letters otherwise."""
    code = _CODE_TAIL.sub("", m.group(0))
    return SourceNumber(code, (code, *WORDED_CODES.get(code, ())), digit_runs=tuple(re.findall(r"\d+", code)))


def _phone(m: re.Match) -> SourceNumber:
    """A phone number typed in groups apart (:data:`~rnnkit.translate.numbers.PHONE`): said as typed or
    joined by hyphens, the form spell_out gives the model and the corpus writes (010-1234-5678), which
    :func:`copy_digits` writes back in its place when the model got its digits wrong."""
    written = en.hyphenated(m.group(0))
    return SourceNumber(m.group(0), (m.group(0), written), as_digits=True, written=written)


def _bare(read):
    """A reader whose readings are bare numbers (no counter of their own): 이, 두, 이점오."""
    return lambda m: SourceNumber(m.group(0).strip(), read(m), False)


READERS = (  # the order of numbers.spell_out: a time's minutes are no count, a price's cents no decimal
    (en.PHONE, _phone),
    (en.TIME, _clock),
    (en.HOUR_MERIDIEM, _clock),
    (en.MONEY, _money),
    (en.MONEY_AFTER, _money),
    (en.PERCENT, _percent),
    (en.TEMPERATURE, _temperature),
    (en.UNIT, _unit),
    (en.MONTH_DAY, _month_day),
    (en.DAY_MONTH, _month_day),
    (en.ORDINAL, _bare(lambda m: _ordinal(int(m.group("num"))))),
    (en.RANGE, _range),
    (
        en.THOUSANDS_PAIR,
        lambda m: SourceNumber(m.group(0), en.pair_readings(m.group(0)), False, as_digits=True),
    ),
    (en.DECIMAL, _bare(lambda m: _point(m.group("int"), m.group("frac")))),
    (DIGIT_GROUP, lambda m: SourceNumber(m.group(0), (m.group(0),), as_digits=True)),
    (en.CARDINAL, _cardinal),
    (CODE, _code),
)


def _typed(match: str) -> str:
    """A match as the user typed it, less the sentence's full stop ("9 pm." -> "9 pm"; "9 p.m." stays)."""
    match = match.strip()
    return match[:-1] if match.endswith(".") and not match.endswith(".m.") else match


MAX_READ_DIGITS = en.MAX_SPELLED_DIGITS
"""The most digits in a run that a number is read out from (Korean numerals name up to 10^48, 극), the
run spelling numbers out stops at too: a longer run is a code, kept as typed. Python refuses to turn more than 4,300 digits into an int, and a
pasted run of them was a ValueError traceback from ``translate text``."""

_DIGIT_RUN = re.compile(rf"\d{{{MAX_READ_DIGITS + 1}}}")


def _readable(typed: str) -> bool:
    """Whether ``typed`` holds no run of more than :data:`MAX_READ_DIGITS` digits."""
    return not _DIGIT_RUN.search(typed.replace(",", ""))


def _as_typed(typed: str) -> SourceNumber:
    """A number too long to read out: said only as typed (a code, which Korean keeps in digits)."""
    typed = _typed(typed)
    return SourceNumber(typed, (typed.replace(",", ""),), False, as_digits=True)


def source_numbers(english: str) -> list[SourceNumber]:
    """The numbers typed in digits in ``english``, in the order of the text, each with its readings."""
    if not en.DIGIT.search(english):
        return []
    found: list[tuple[int, int, SourceNumber]] = []
    unaddressed = ADDRESS.sub(lambda m: _MASK * len(m.group(0)), english)  # an address's digits: no number
    hyphens = en.minus_dashes(unaddressed)  # 3−1 as 3-1, as spell_out reads it (same offsets)
    text = en.time_ranges(hyphens)  # 9:00-18:00: both times read, as spell_out reads them
    where = _offsets(hyphens, text)
    for pattern, read in READERS:
        for m in list(pattern.finditer(text)):
            number = read(m) if _readable(m.group(0)) else _as_typed(m.group(0))
            if isinstance(number, tuple):  # readings that hold their counter
                number = SourceNumber(_typed(m.group(0)), number) if number else None
            if number is not None:
                found.append((where(m.start()), where(m.end(), end=True), number))
            text = text[: m.start()] + _MASK * (m.end() - m.start()) + text[m.end() :]  # read: masked
    numbers = _as_in(unaddressed, sorted(found, key=lambda spot: spot[0]))
    # The same number typed twice may be said with both counters ("3 cats and 3 boxes": 세 마리, 세 개).
    values = [re.sub(r"\D", "", number.typed) for number in numbers]
    return [
        replace(number, numerals=(), wrong_counters=())
        if number.wrong_counters and values.count(value) > 1
        else number
        for number, value in zip(numbers, values, strict=True)
    ]


# What time_ranges writes for a range's dash, and what it read as one
_DASH_READ = re.compile(r"\s?[-–~]\s?")
_DASH_WRITTEN = re.compile(r"°? to |to ")


def _offsets(text: str, rewritten: str) -> Callable[..., int]:
    """Where an offset in ``rewritten`` (``text`` after :func:`~.numbers.time_ranges`, which writes " to "
    for a range's dash, "° to " after a first end below zero) falls in ``text``: the two walked side by
    side, each dash read against what was written for it. One inside a written dash goes to the dash's
    start, or its end for a span's ``end``. Any other difference (none is known) is given the widest
    spans it may have: from as far back as ``rewritten`` is longer."""
    spots: list[tuple[int, int]] | None = []
    i = j = 0
    while j < len(rewritten) and spots is not None:
        if i < len(text) and text[i] == rewritten[j]:
            spots.append((i, i + 1))
            i, j = i + 1, j + 1
            continue
        read, written = _DASH_READ.match(text, i), _DASH_WRITTEN.match(rewritten, j)
        if read is None or written is None:
            spots = None
            break
        spots += [(i, read.end())] * (written.end() - j)
        i, j = read.end(), written.end()
    if spots is None or i != len(text):
        longer = len(rewritten) - len(text)
        return lambda at, end=False: min(at, len(text)) if end else max(0, at - longer)
    spots.append((i, i))
    return lambda at, end=False: spots[at - 1][1] if end and at else spots[at][0]


def _as_in(english: str, spots: list[tuple[int, int, SourceNumber]]) -> list[SourceNumber]:
    """The numbers of ``spots`` (each with the span of ``english`` it was read from, in the order of
    ``english``) with each one's ``typed`` as ``english`` has it: read from the rewritten text, a U+2212
    after a digit was a hyphen there (:func:`~.numbers.minus_dashes`), and the missing-number warning
    quoted "16-9" for the "16−9" typed. Each is found within its own span, a hyphen matching either; the
    hyphen form stays the ``written`` one, the form :func:`copy_digits` writes, as Korean writes it. Not
    found: as read. Searched for anywhere after the one before, "v12-3 beat 12−3" quoted the 12-3 of the
    v12-3 that no reader takes for a number.

    ``english`` comes with its addresses masked (:data:`ADDRESS`, same length), as they were for the
    reading: searched in the raw text, "Read docs/2-1.txt: we won 2−1." quoted the path's 2-1 for the
    score's 2−1."""
    kept = []
    for start, end, number in spots:
        pattern = "".join("[-−]" if c == "-" else re.escape(c) for c in number.typed)
        found = re.compile(pattern).search(english, start, end) if number.typed else None
        if found is not None and found.group(0) != number.typed:
            number = replace(number, typed=found.group(0), written=number.written or number.typed)
        kept.append(number)
    return kept


# A run of digits in Korean output, with the hyphens or dots inside it (2019, 010-1234-5678, 3.5).
DIGIT_RUN = re.compile(r"(?<![\d.-])\d+(?:[-.]\d+)*(?![\d])")


def _shape(digits: str) -> tuple[int, str]:
    """What a digit run looks like, whatever its digits: its groups and separators (a year: ``(1, "")``,
    a phone number: ``(3, "--")``)."""
    seps = "".join(re.findall(r"[-.]", digits))
    return len(seps) + 1, seps


def copy_digits(numbers: list[SourceNumber], korean: str) -> tuple[str, list[str]]:
    """``korean`` with the digits Korean keeps as typed copied from the source where the model wrote
    others in their place, and the numbers copied.

    Years, phone numbers and codes stay digits in Korean, so the right output holds them exactly as
    typed; the model, which reads them as a few rare pieces, often writes other digits (``1979년`` for
    "in 1973", a phone number cut short). Where the source's unsaid digit numbers and the output's digit
    runs that are no source number pair off one to one by shape (a year for a year, three groups for
    three), in order, each run is replaced by the number as typed. Anything else (a run missing, two
    shapes mixed, a number written in words) is left as it is, and the check flags it.
    """
    wanted = [n for n in numbers if n.as_digits and not n.said_in(korean)]
    if not wanted:
        return korean, []
    typed = {re.sub(r"[^\d.-]", "", n.written or n.typed) for n in numbers}
    # found as said_in reads them, U+2212 after a digit as a hyphen (same offsets): 010−1234−5679 is a
    # phone number's run to repair, as 010-1234-5679 is, not three runs of other shapes
    runs = [m for m in DIGIT_RUN.finditer(en.minus_dashes(korean)) if m.group(0) not in typed]
    by_shape: dict[tuple[int, str], tuple[list[SourceNumber], list[re.Match]]] = {}
    for n in wanted:
        by_shape.setdefault(_shape(n.written or n.typed), ([], []))[0].append(n)
    for m in runs:
        by_shape.setdefault(_shape(m.group(0)), ([], []))[1].append(m)
    if any(len(ns) != len(ms) for ns, ms in by_shape.values()):
        return korean, []
    swaps = sorted(
        (m.start(), m.end(), n.written or n.typed)
        for ns, ms in by_shape.values()
        for n, m in zip(ns, ms, strict=True)
    )
    out, last = [], 0
    for start, end, text in swaps:
        # a run is digits only: the + of +82-10-... stays where the model wrote one
        out += [
            korean[last:start],
            text[1:] if text[:1] == "+" and korean[start - 1 : start] == "+" else text,
        ]
        last = end
    return "".join(out) + korean[last:], [text for _, _, text in swaps]
