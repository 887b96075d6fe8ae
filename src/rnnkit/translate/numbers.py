"""Digits in an English source spelled out, the way the bundled corpus writes numbers.

Why: the bundled corpus writes counts, times, prices and ages in words on both sides (CORPUS.md, style
rule 5: "School is over at three thirty." / 세 시 반에 끝나요). 7,203 of its 44,609 English sentences
(when this was written) hold a number word and 93 hold digits, most of them years and phone numbers, which Korean writes in digits
too. So a model trained on it has hardly seen "3:30" or "$20": the shipped model translated "I waited
for 20 minutes." as 십 분 동안 기다렸어요 (ten minutes) and "The meeting starts at 3:30." as 여섯 시
(six o'clock). Spelled out first ("twenty minutes", "three thirty"), the same model gets both right.

What is spelled (num2words writes the words; this module finds the numbers):

====================  =======================================  =====================================
written               spelled                                  note
====================  =======================================  =====================================
3:30, 10:15, 7:05     three thirty, ten fifteen, seven oh five  minutes 1 to 9 as "oh five"
9:00                  nine o'clock
7 am, 6:30 p.m.       seven in the morning, six thirty in the   am: morning; pm: afternoon before 6,
                      evening                                   evening from 6; 13:00 to 23:59 too
9:00-18:00, 9am-5pm   nine o'clock to six in the evening, nine  a dash or ~ between two times;
                      in the morning to five in the afternoon   9-5pm: nine to five in the afternoon
$20, $3.50, $1        twenty dollars, three dollars and fifty   also ``€`` euros, ``£`` pounds, ``₩``
                      cents, one dollar                         won, ``¥`` yen; the sign after the
                                                                amount too (5€, 20 €)
15,000 won            fifteen thousand won
20%                   twenty percent
3rd, 21st             third, twenty-first
2.5                   two point five
5 km, 2.5kg           five kilometers, two point five kilograms  also cm, mm, ml
12°C, -5 degrees      twelve degrees, minus five degrees        °F: degrees Fahrenheit (the corpus: 영하 십 도)
20°-25°C              twenty degrees to twenty-five degrees     a dash or ~ between two temperatures
May 5, June 12th      May fifth, June twelfth                   and the day first, as British English
5 May, 31st December  May fifth, December thirty-first          writes it (a capital: "5 may" is no date)
3-4 days              three to four days                        both ends of at most 3 digits
1,000-2,000 won       one thousand to two thousand won          ends in thousands: no word needed
$10-20, 10-20%        ten to twenty dollars, ten to twenty      a sign or a unit: no word needed;
                      percent                                   with none, the second end larger
25, 305               twenty-five, three hundred and five
====================  =======================================  =====================================

Kept as written, as the corpus and Korean keep them: years (1100 to 2099 after "in", "since", "from",
"the"... or with nothing after them), phone numbers and other groups joined by hyphens, dots, slashes
or colons (010-1234-5678, 1/2, 1.2.3), numbers glued to letters (COVID-19, 5G, A4), numbers with a
leading zero (007), phone numbers typed in groups apart (+82 10 1234 5678, :data:`PHONE`: given joined by
hyphens, +82-10-1234-5678, as the corpus writes them), the
emergency numbers 112, 119 and 911, and plain runs of five or more digits
not followed by a currency word (codes), and any number holding a run of more than
:data:`MAX_SPELLED_DIGITS` digits (a pasted code, or a number no word names).

Applied only to English sources, before tokenizing, and only for models whose ``config.json`` says so
(``decoding.spell_numbers``, decided by ``translate train`` from the training corpus: see
:func:`corpus_spells_numbers`). The translation's ``source`` stays the text as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from num2words import num2words

from rnnkit.utils.errors import RnnkitError

CURRENCY_SIGNS = {
    "$": ("dollar", "dollars"),
    "€": ("euro", "euros"),
    "£": ("pound", "pounds"),
    "₩": ("won", "won"),
    "¥": ("yen", "yen"),
}
_SIGNS = "".join(CURRENCY_SIGNS)
CURRENCY_WORDS = ("won", "dollar", "dollars", "euro", "euros", "pound", "pounds", "yen", "cents")
YEAR_WORDS = ("in", "since", "from", "until", "till", "by", "of", "to", "and", "the", "before", "after",
              "around", "year", "early", "late", "mid", "than", "between")  # fmt: skip
# Emergency numbers are said and written as digits in Korean too (112에 전화해요, 119예요).
KEPT_NUMBERS = ("112", "119", "911")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")  # fmt: skip

# A number's neighbours that make it part of something else: a word (5G, COVID-19), a code (1.2.3, 1/2).
# A minus sign before it, typed as a hyphen or as U+2212 (−10, as Word, LaTeX and many sites write it),
# keeps it as typed alike: U+2212 was no neighbour, so "−10" was spelled "−ten" and checked as 10, the
# minus lost to both (a translation that dropped it passed).
# Right after a digit U+2212 is a dash, as a hyphen there is (:func:`minus_dashes`).
_MINUS = "−-"  # ends a character class: its hyphen is literal
_NOT_BEFORE = rf"(?<![\w.,:/{_SIGNS}{_MINUS}])"
_NOT_AFTER = r"(?![\w%]|[.,:/-]\d)"
_MERIDIEM = r"(?:\s*(?P<mer>[ap])\.?\s?m\b(?P<dot>\.)?)"

TIME = re.compile(_NOT_BEFORE + r"(?P<h>\d{1,2}):(?P<m>[0-5]\d)" + _MERIDIEM + r"?(?![\w:]|\.\d)", re.I)
HOUR_MERIDIEM = re.compile(_NOT_BEFORE + r"(?P<h>\d{1,2})" + _MERIDIEM, re.I)
# A dash or tilde between two clock times (9:00-18:00, 9am-5pm, 10:00am–6:00pm, 9:00~18:00): a range,
# read "to". A hyphen before a number otherwise makes it part of a code (010-1234), so the second time
# was neither spelled nor checked: "Open 9:00-18:00." was read "nine o'clock-18:00", and a translation
# that never said 18:00 went unflagged.
TIME_DASH = re.compile(
    r"(?:(?<=\d:[0-5]\d)|(?<=\d[ap]m)|(?<=\d [ap]m)|(?<=\d[ap]\.m\.)|(?<=\d [ap]\.m\.))\s?[-–~]\s?"
    r"(?=\d{1,2}(?::[0-5]\d)?\s?[ap]\.?m\b|\d{1,2}:[0-5]\d(?![\w:]|\.\d))",
    re.I,
)
# And a bare hour before one with its am or pm (9-5pm, 2-3 p.m., 10-11:30am), which then holds for both:
# the 9 of "Open 9-5pm." was no number (a hyphen and a digit follow it) and the 5pm none either (a
# hyphen before it), so neither was spelled or checked.
HOUR_DASH = re.compile(
    rf"(?<![\w.,:/{_SIGNS}{_MINUS}])(?P<h>1[0-2]|0?[1-9])\s?[-–~]\s?(?=(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s?[ap]\.?m\b)",
    re.I,
)
MONEY = re.compile(
    rf"(?<![\w.,])(?P<sign>[{_SIGNS}])\s?(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<cents>\d{{2}}))?"
    + _NOT_AFTER
)
# The sign after the amount, as much of Europe writes it (5€, 20 €): read as MONEY reads "€5". Unread,
# "It costs 5€." was "five€" to the model, which translated it 다섯 명 (five people), and no check saw a price.
MONEY_AFTER = re.compile(
    _NOT_BEFORE
    + rf"(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<cents>\d{{2}}))?\s?(?P<sign>[{_SIGNS}])(?![\w{_SIGNS}])"
)
PERCENT = re.compile(_NOT_BEFORE + r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s?%")
ORDINAL = re.compile(_NOT_BEFORE + r"(?P<num>\d+)(?:st|nd|rd|th)\b", re.I)
# Two numbers of up to three digits, or in thousands (1,000-2,000), joined by a dash: a range, read "to".
# Before a word only (10-20 minutes), as a score (3-1) or a code (10-20.) is typed alike; but an end in
# thousands is neither (1,000-2,000.), and nor is a range with a currency sign before it or after it, or a
# % or a Hangul unit after it ($1,000-2,000, 10-20%, 10,000-20,000원, 1,000-2,000€): those were read as a
# 1 and a code 000-2 ("does not say 1, 000−2"). With no word after it, the second end is the larger
# (:func:`is_range`): "Score 2,000-1,000." and "ID 123,456-789" are no range.
RANGE_PATTERN = re.compile(
    rf"(?<![\w.,:/{_SIGNS}{_MINUS}])(?:(?P<sign>[{_SIGNS}])\s?)?"
    + r"(?P<a>[1-9]\d{0,2}(?P<ga>(?:,\d{3})+)?)\s?[-–]\s?(?P<b>[1-9]\d{0,2}(?P<gb>(?:,\d{3})+)?)"
    + rf"(?P<unit>\s?%|\s?[{_SIGNS}](?![\w{_SIGNS}])|(?=[가-힣]))?"
    + r"(?(sign)|(?(unit)|(?(ga)|(?(gb)|(?=\s+[A-Za-z])))))"
    + r"(?(unit)|"
    + _NOT_AFTER
    + ")"
)
_WORD_AFTER = re.compile(r"\s+[A-Za-z]")
# A scale after a money range: "$5-10 million" is five to ten million dollars, not "five to ten dollars
# million"; kept as typed.
_SCALE_AFTER = re.compile(
    r"\s?(?:k|hundred|thousand|m|mn|mln|million|b|bn|billion|tn|trillion|lakh|crore)\b", re.I
)


def range_end(m: re.Match, end: str) -> int:
    """The number at ``end`` (``"a"`` or ``"b"``) of a :data:`RANGE` match, its thousands commas aside."""
    return int(m.group(end).replace(",", ""))


def is_range(m: re.Match) -> bool:
    """Whether a :data:`RANGE_PATTERN` match is a range: a word follows it (10-20 minutes), or its second
    end is the larger (1,000-2,000.; 2,000-1,000. is a score, 123,456-789 a code). Never a money range
    before a scale ($5-10 million: not "five to ten dollars million"), nor ends grouped apart where the
    first may be short for thousands ($5-10,000: 5,000 to 10,000?; 1-5,000 people, kept as typed and
    checked as typed, with a tilde or 에서 for its dash, :func:`pair_readings`); 900-1,200 is a range."""
    money = m.group("sign") or (m.group("unit") or "").strip() in CURRENCY_SIGNS
    if money and _SCALE_AFTER.match(m.string, m.end()):
        return False
    more = (m.group("gb") or "").count(",")  # 5-10,000: the first end maybe short for 5,000
    if more and not m.group("ga") and range_end(m, "a") * 1000**more <= range_end(m, "b"):
        return False
    return _WORD_AFTER.match(m.string, m.end()) is not None or range_end(m, "b") > range_end(m, "a")


def pair_readings(typed: str) -> tuple[str, ...]:
    """How a Korean translation may write a pair kept as typed (1-5,000, a score 2,000-1,000): as typed,
    without its commas, and each with its dash written ~, 에서 or as typed ('1~5,000명', '1에서 5,000명'
    were warned of as not saying 1-5,000)."""
    out: list[str] = []
    for text in (typed, typed.replace(",", "")):
        parts = re.split(r"(\s*[-\u2013\u2212]\s*)", text, maxsplit=1)
        a, b = (parts[0], parts[2]) if len(parts) == 3 else (text, "")
        for sep in (None, "~", "에서", "에서 ") if b else (None,):
            form = text if sep is None else a + sep + b
            if form not in out:
                out.append(form)
    return tuple(out)


def is_thousands_pair(m: re.Match) -> bool:
    """Whether a :data:`RANGE_PATTERN` match that is no range (:func:`is_range`) has an end in thousands
    (a score 2,000-1,000, a vote 1,200-800, 123,456-789): one number as typed, never read apart inside
    a thousands group (a 2 and a code 000-1)."""
    return bool(m.group("ga") or m.group("gb")) and not is_range(m)


class _Ranges:
    """:data:`RANGE_PATTERN`'s matches that ``keep`` takes, with ``finditer`` and ``sub`` as a compiled
    pattern has them."""

    def __init__(self, keep: Callable[[re.Match], bool]) -> None:
        self.keep = keep

    def finditer(self, text: str) -> Iterator[re.Match]:
        return (m for m in RANGE_PATTERN.finditer(text) if self.keep(m))

    def sub(self, repl: Callable[[re.Match], str], text: str) -> str:
        return RANGE_PATTERN.sub(lambda m: repl(m) if self.keep(m) else m.group(0), text)


RANGE = _Ranges(is_range)
THOUSANDS_PAIR = _Ranges(is_thousands_pair)  # no range: kept whole, as typed
# A month's day, typed as a number or an ordinal: May 5 and June 12th read "May fifth", "June twelfth".
MONTH_DAY = re.compile(
    r"\b(?P<month>" + "|".join(MONTHS) + r")\s+(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?" + _NOT_AFTER, re.I
)
# The day before its month, as British English writes a date (5 May, 31st December): read as MONTH_DAY
# reads May 5. Unread, "I was born on 5 May 1990." was "five May" to the model (1990년에 다섯 번째), and the
# check took 다섯 for the 5. Only a capitalised month: "Only 5 may enter." is no date. And only where the
# words around it make it one: after a preposition (on 5 May, the events of 10 May), or before a year, the
# sentence's punctuation or a word that is no noun the month describes. "Top 10 May releases" and
# "He scored 10 March points" count things named after a month (they read "May tenth releases").
_DAY_MONTH_WORDS = (
    r"(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?P<month>"
    + "|".join(name for month in MONTHS for name in (month.title(), month.upper()))
    + r")\b"
)
_DATE_BEFORE = "|".join(
    rf"(?<=\b{word} )"
    for lower in ("on", "from", "until", "till", "by", "since", "before", "after", "of")
    for word in (lower, lower.title())
)
_DATE_AFTER = (
    r"(?=\s*(?:[.,;:!?)\]\"']|$)|\s+\d{4}\b|\s+(?:at|in|on|and|or|to|until|till|from|by|for|with|is|are|was|were|will|"
    r"would|when|because|but|so|before|after|the|this|next|last|I|we|you|he|she|they|it)\b)"
)
DAY_MONTH = re.compile(
    _NOT_BEFORE
    + rf"(?:{_DATE_BEFORE}|(?={_DAY_MONTH_WORDS.replace('?P<day>', '').replace('?P<month>', '')}{_DATE_AFTER}))"
    + _DAY_MONTH_WORDS
)
# A year after a month's day, once the day is spelled out ("May fifth, 2020"; "May twenty-first 2020"):
# a day's ordinal word, not any word ending like one ("in June almost 2000 people" is an amount).
_AFTER_MONTH_DAY = re.compile(
    r"\b(?:"
    + "|".join(MONTHS)
    + r")\s+(?:"
    + "|".join(num2words(day, to="ordinal") for day in range(31, 0, -1))
    + r"),?\s*$",
    re.I,
)
UNITS = {"km": "kilometers", "kg": "kilograms", "cm": "centimeters", "mm": "millimeters", "ml": "milliliters"}
# A temperature: a number (a minus sign kept) before a degree sign or the word "degrees". The space after
# the sign belongs to a scale letter only (25 °C); "It's 25° outside." was read
# "twenty-five degreesoutside", a word the model never saw (the space went with the sign); so a letter
# right after the sign gets a space (37.5°N, a 45°angle: were "degreesN", "degreesangle"). A hyphen after a
# degree sign is no minus (20°-25°C: :data:`TEMPERATURE_DASH`).
TEMPERATURE = re.compile(
    r"(?<![\w.,°])(?P<minus>[-−])?(?P<num>\d+(?:\.\d+)?)(?:\s?°(?:\s?(?P<scale>[CF])\b)?|(?=\s?degrees?\b))",
    re.I,
)
# A dash or tilde between two temperatures (20°-25°C, 20° ~ 25°): a range, read "to". It was "twenty
# degreesminus twenty-five degrees", and the check wanted 영하 25도 of a right 이십 도에서 이십오 도.
# The first without its sign, as the range is mostly typed (20-25°C, 20~25 degrees, group "a": a number
# of its own, not the end of a code or a phone number), is one too: it was "twenty-twenty-five degrees",
# a number the model never saw. A space before a minus and none after is the second's sign, no dash
# (20 -5°C is left as typed).
TEMPERATURE_DASH = re.compile(
    r"(?:(?<=\d°)|(?<=\d°[CF])|(?<![\w.,:/°−-])(?P<a>[-−]?\d+(?:\.\d+)?)(?!\s[-−]\d))"
    r"\s?[-–~]\s?(?=[-−]?\d+(?:\.\d+)?(?:\s?°|\s?degrees?\b))",
    re.I,
)
UNIT = re.compile(r"(?<![\w.,])(?P<num>\d+(?:\.\d+)?)\s?(?P<unit>" + "|".join(UNITS) + r")\b", re.I)
DECIMAL = re.compile(_NOT_BEFORE + r"(?P<int>\d+)\.(?P<frac>\d+)" + _NOT_AFTER)
CARDINAL = re.compile(_NOT_BEFORE + r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)" + _NOT_AFTER)
NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|first|second|third|half)\b",
    re.I,
)
DIGIT = re.compile(r"\d")


# A web address, an e-mail address or a file path: its digits (?q=1, file2.txt, bob42@) are no number
# the sentence says, nor words to spell (?q=one would be another address), and the model cannot write
# it anyway (a URL is not translated). Without their closing punctuation ("see https://x.org/a." ends at a).
_END = r"[^\s<>\"'.,;:!?)\]}]"
ADDRESS = re.compile(
    rf"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]*{_END}"  # https://example.com/path?q=1, www.x.org
    # bob@example.com; only from the start of a run of its letters: tried inside one too, a long word
    # cost its length squared (200,000 letters of "a" took ten minutes to translate)
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w/])(?:~|\.{1,2})?/[\w.-]*\w(?:/[\w.-]*\w)+"  # /usr/share/doc, ~/notes/a.txt, ../data/x
    # docs/file2.txt (a file name: a dot, a letter), from the start of its run of letters and hyphens
    # (tried after each hyphen too, "a-a-a-..." cost its length squared)
    r"|(?<![\w/-])[\w-]+(?:/[\w.-]+)*/[\w.-]*\.[A-Za-z]\w*"
    r"|\b[A-Za-z]:\\\S*[^\s.,;:!?)]"  # C:\Users\me\file1.doc
)

# A phone number typed in groups apart (+82 10 1234 5678, 010 1234 5678): kept in digits and joined by
# hyphens (:func:`hyphenated`), as the corpus writes every one of its phone numbers (010-1234-5678).
# Its groups were read one by one: "Call +82 10 1234 5678." was "Call +eighty-two ten 1234 five
# thousand six hundred and seventy-eight", and the check wanted four numbers.
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}|0\d{1,2})(?: \d{2,4}){2,}(?![\w]|[.,:/-]\d)")
_KEPT = re.compile(f"{ADDRESS.pattern}|{PHONE.pattern}")  # what spell_out leaves in digits


_MINUS_AFTER_DIGIT = re.compile(r"(?<=\d)−")


def minus_dashes(text: str) -> str:
    """``text`` with each U+2212 MINUS SIGN right after a digit typed as a hyphen: there it joins two
    numbers as a hyphen does (a score 3−1, a range 10−3 or 9−5pm, a code 010−1234), and is read as one.
    Taken for the second number's sign, it kept that number in digits and out of the number check:
    "We won 3−1 today." was "three−1", checking only the 3; "Open 9−5pm." was "nine−5pm". A U+2212
    with no digit before it stays a minus sign (−10, at −5°C)."""
    return _MINUS_AFTER_DIGIT.sub("-", text)


def hyphenated(phone: str) -> str:
    """A :data:`PHONE` number's groups joined by hyphens, as the corpus writes a phone number: "010 1234
    5678" -> "010-1234-5678" (read as typed, the model met a form no training sentence has)."""
    return "-".join(phone.split())


def cardinal(n: int) -> str:
    """``n`` in words, without num2words' thousands commas ("one thousand three hundred")."""
    return num2words(n).replace(",", "")


def ordinal(n: int) -> str:
    """``n`` as an ordinal in words ("twenty-first"), without thousands commas."""
    return num2words(n, to="ordinal").replace(",", "")


def english_only(src_lang: str) -> None:
    """Spelling digits out is for English sources: anything else is a one-line error."""
    if src_lang != "en":
        raise RnnkitError(f"--spell-numbers spells English digits out; this source language is {src_lang}")


def _clock(hour: int, minute: int, meridiem: str | None) -> str | None:
    """Words of a clock time; None for an hour that is no clock hour (25:00)."""
    if hour > 23 or (meridiem and not 1 <= hour <= 12):
        return None
    if meridiem is None and hour > 12:  # 18:30 -> six thirty in the evening
        meridiem, hour = "p", hour - 12
    if hour == 0:
        hour, meridiem = 12, meridiem or "a"
    words = cardinal(hour)
    if minute == 0:
        words += "" if meridiem else " o'clock"
    elif minute < 10:
        words += " oh " + cardinal(minute)
    else:
        words += " " + cardinal(minute)
    if meridiem:
        morning = meridiem.lower() == "a"
        words += " in the morning" if morning and hour != 12 else " at night" if morning else ""
        if not morning:
            words += " in the afternoon" if hour == 12 or hour < 6 else " in the evening"
    return words


def _time(m: re.Match) -> str:
    """A clock time (3:30, 7 am); the full stop kept when ``a.m.`` at the very end also ended the text."""
    minute = int(m.group("m")) if "m" in m.groupdict() else 0
    words = _clock(int(m.group("h")), minute, m.group("mer"))
    if words is None:
        return m.group(0)
    return words + ("." if m.group("dot") and m.end() == len(m.string) else "")


def time_ranges(text: str, spelling: bool = False) -> str:
    """``text`` with the dash of each range of clock times read "to" (:data:`TIME_DASH`,
    :data:`HOUR_DASH`): 9:00-18:00 is "9:00 to 18:00", whose second time :data:`TIME` then reads as it
    reads the first, and 9-5pm "9 to 5pm"; and so is the dash between two temperatures
    (:data:`TEMPERATURE_DASH`: 20°-25°C is "20° to 25°C", 20-25°C "20 to 25°C").

    ``spelling`` (for :func:`spell_out`): a first end without its sign gets one too (20-25°C is "20° to
    25°C", spelled "twenty degrees to twenty-five degrees", as 20°-25°C is): to the model "twenty to
    twenty-five degrees" opens with a clock time, and "It will be 20-25°C tomorrow." came out 내일은 이십
    분이에요. The number check reads it bare, so that a translation saying 20~25도 says it. A first end
    below zero gets the sign either way: its minus is read only in a temperature (-5~0°C: minus five
    degrees to zero degrees)."""
    text = HOUR_DASH.sub(r"\g<h> to ", TIME_DASH.sub(" to ", text))

    def to(m: re.Match) -> str:
        first = m.group("a") or ""
        return first + ("°" if first and (spelling or first[0] in "-−") else "") + " to "

    return TEMPERATURE_DASH.sub(to, text)


def _int(digits: str) -> int:
    return int(digits.replace(",", ""))


def _money(m: re.Match) -> str:
    one, many = CURRENCY_SIGNS[m.group("sign")]
    amount = _int(m.group("int"))
    words = f"{cardinal(amount)} {one if amount == 1 else many}"
    cents = int(m.group("cents") or 0)
    if cents and m.group("sign") in "$€":
        words += f" and {cardinal(cents)} {'cent' if cents == 1 else 'cents'}"
    elif cents:
        words += f" and {cardinal(cents)} {'penny' if cents == 1 else 'pence'}"
    return words


def _month_day(m: re.Match) -> str:
    """May 5 and 5 May alike: "May fifth", as the corpus writes a date (Teachers' Day is on May fifteenth.)."""
    return f"{m.group('month')} {ordinal(int(m.group('day')))}"


def _point(integer: str, frac: str) -> str:
    return f"{cardinal(_int(integer))} point {' '.join(cardinal(int(d)) for d in frac)}"


def _percent(m: re.Match) -> str:
    number = _point(m.group("num"), m.group("frac")) if m.group("frac") else cardinal(_int(m.group("num")))
    return number + " percent"


def _temperature(m: re.Match) -> str:
    """12°C -> "twelve degrees", -5° -> "minus five degrees"; before "degrees" only the number is
    spelled ("-5 degrees" -> "minus five degrees")."""
    number = m.group("num")
    words = _point(*number.split(".")) if "." in number else cardinal(int(number))
    words = ("minus " if m.group("minus") else "") + words
    if m.group(0)[-1:].isdigit():  # "degrees" follows in the text
        return words
    words += " degrees Fahrenheit" if (m.group("scale") or "").upper() == "F" else " degrees"
    return words + (" " if m.string[m.end() : m.end() + 1].isalpha() else "")  # 37.5°N: degrees N


def _is_year(m: re.Match) -> bool:
    """A four-digit number from 1100 to 2099 standing where a year stands: after "in", "since", "the"...
    or a month's date, at the start of the sentence, or with no word after it."""
    digits, text = m.group("num"), m.string
    if not (len(digits) == 4 and 1100 <= int(digits) <= 2099):
        return False
    before = re.findall(r"[A-Za-z]+", text[: m.start()])
    after = re.match(r"\s*([A-Za-z]+)", text[m.end() :])
    if after and after.group(1).lower() in CURRENCY_WORDS:
        return False
    if not before or not after:
        return True
    last = before[-1].lower()
    return (
        last in YEAR_WORDS
        or last in MONTHS
        or re.search(r"\d,\s*$", text[: m.start()]) is not None
        or _AFTER_MONTH_DAY.search(text[: m.start()]) is not None
    )


def kept_as_digits(m: re.Match) -> bool:
    """Whether a :data:`CARDINAL` match stays in digits: a code (007, 010: read digit by digit), an
    emergency number (119), a run of five or more digits that is no amount (an order or postal number),
    or a year."""
    digits, text = m.group("num"), m.string
    plain = digits.replace(",", "")
    if (len(plain) > 1 and plain.startswith("0")) or plain in KEPT_NUMBERS:
        return True
    if "," not in digits and len(plain) >= 5:
        after = re.match(r"\s*([A-Za-z]+)", text[m.end() :])
        if not (after and after.group(1).lower() in CURRENCY_WORDS):
            return True
    return _is_year(m)


def _cardinal(m: re.Match) -> str:
    digits = m.group("num")
    return digits if kept_as_digits(m) else cardinal(int(digits.replace(",", "")))


def _range(m: re.Match) -> str:
    """A :data:`RANGE`: "one thousand to two thousand", then its unit: dollars for a sign before or after it
    ($1,000-2,000), percent for a % (10-20%); a Hangul unit stays as typed after a space (10-20 원)."""
    a, b = range_end(m, "a"), range_end(m, "b")
    words = f"{cardinal(a)} to {cardinal(b)}"
    sign = m.group("sign") or (m.group("unit") or "").strip()
    named = re.match(r"\s+([A-Za-z]+)", m.string[m.end() :])  # €1,000-2,000 euros: named once
    if sign in CURRENCY_SIGNS and not (named and named.group(1).lower() in CURRENCY_WORDS):
        one, many = CURRENCY_SIGNS[sign]
        return f"{words} {one if b == 1 else many}"
    if sign == "%":
        return words + " percent"
    return words + (" " if m.group("unit") is not None else "")


def spell_out(text: str) -> str:
    """``text`` with its numbers in words, as the table above; text without digits, and every web or
    e-mail address and file path in it (:data:`ADDRESS`), come back as they are; a phone number in
    groups (:data:`PHONE`) comes back with its groups joined by hyphens (:func:`hyphenated`)."""
    if not DIGIT.search(text):
        return text
    pieces, last = [], 0
    for m in _KEPT.finditer(text):
        kept = hyphenated(m.group(0)) if PHONE.fullmatch(m.group(0)) else m.group(0)
        pieces += [_spell(text[last : m.start()]), kept]
        last = m.end()
    return "".join([*pieces, _spell(text[last:])])


MAX_SPELLED_DIGITS = 48
"""The most digits in a run that a number is spelled out from, as far as the number check reads one
(:data:`rnnkit.translate.number_check.MAX_READ_DIGITS`: Korean numerals name up to 10^48); a longer run
is kept as typed. Python refuses to turn more than 4,300 digits into an int and num2words to say 10^306
or more: "I paid $" and 400 nines was a ValueError or OverflowError traceback from ``translate text``."""

_LONG_RUN = re.compile(rf"\d{{{MAX_SPELLED_DIGITS + 1}}}")


def _short(spell: Callable[[re.Match], str]) -> Callable[[re.Match], str]:
    """``spell``, but a match holding a run of more than :data:`MAX_SPELLED_DIGITS` digits (its
    thousands commas aside) comes back as typed."""
    return lambda m: m.group(0) if _LONG_RUN.search(m.group(0).replace(",", "")) else spell(m)


def _spell(text: str) -> str:
    """:func:`spell_out` of a text holding no address."""
    if not DIGIT.search(text):
        return text
    text = minus_dashes(text)
    starts_with_digit = text[:1].isdigit() or text[:1] in CURRENCY_SIGNS
    text = TIME.sub(_time, time_ranges(text, spelling=True))
    text = HOUR_MERIDIEM.sub(_time, text)
    text = MONEY.sub(_short(_money), text)
    text = MONEY_AFTER.sub(_short(_money), text)
    text = PERCENT.sub(_short(_percent), text)
    text = TEMPERATURE.sub(_short(_temperature), text)
    text = UNIT.sub(lambda m: f"{m.group('num')} {UNITS[m.group('unit').lower()]}", text)
    text = MONTH_DAY.sub(_month_day, text)
    text = DAY_MONTH.sub(_month_day, text)
    text = ORDINAL.sub(_short(lambda m: ordinal(int(m.group("num")))), text)
    text = RANGE.sub(_short(_range), text)
    text = DECIMAL.sub(_short(lambda m: _point(m.group("int"), m.group("frac"))), text)
    text = CARDINAL.sub(_short(_cardinal), text)
    return text[:1].upper() + text[1:] if starts_with_digit else text


def corpus_spells_numbers(sources: Iterable[str], ratio: float = 5.0) -> bool:
    """Whether a corpus writes its numbers in words: at least ``ratio`` times as many source sentences
    hold a number word ("three", "twenty", "first") as hold a digit. The bundled corpus: 7,203 against
    93. A corpus that writes digits (most subtitle and Anki corpora) gets its digits as they are."""
    words = digits = 0
    for text in sources:
        digits += bool(DIGIT.search(text))
        words += bool(NUMBER_WORD.search(text))
    return words >= ratio * max(digits, 1)
