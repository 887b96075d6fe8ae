"""``rnnkit translate check-corpus``: find the pairs an English-Korean corpus should not keep.

The file is read as ``translate train --corpus`` reads it, by the same parser
(:mod:`~rnnkit.translate.corpus_records`), in any of its one-file formats: the bundled corpus's
``english<TAB>korean`` per line (``#`` lines are comments, a third attribution field is allowed, as in
Anki files; Tatoeba's ``id<TAB>english<TAB>id<TAB>korean`` is read too; a first line naming the
columns, ``korean<TAB>english``, says their order; an Anki export is read as its ``#separator``/
``#html``/``#... column`` lines say), a TSV or CSV with a header row, JSON Lines or a JSON array;
or two line-aligned Moses files, as ``train --src-file --tgt-file`` reads them (:func:`check_moses`).
Every problem names its line (a JSON array's: its record; Moses files': the line in each file):

- ``malformed``: a line train skips: not 2 or 3 tab-separated fields (a table: not the header's
  number of fields; JSON: not an object with both keys), a blank line, or an empty side.
- ``control character``: a character of Unicode category Cc other than the tab (NUL, bell, escape,
  form feed ...): invisible in most editors, never text, and a tokenizer's unknown piece.
- ``duplicate``: the same English sentence (case and spaces ignored) as an earlier line.
- ``near duplicate``: the same English once punctuation, case and contractions are ignored
  (``I'm tired!`` after ``I am tired.``), as an earlier line.
- ``length ratio``: Korean letters per English letter far from the corpus norm. With ``e`` and ``k``
  the letter counts (spaces and punctuation excluded), ``r = ln((k + 2) / (e + 2))``; a pair is an
  outlier when ``r`` lies outside ``[-2.0, 0.5]`` (the bundled corpus spans -1.56 to 0.21, median
  -0.75: about one Hangul syllable per two English letters), over the upper bound by more than
  :data:`RATIO_SLACK` Korean letters (a 1-word ``Hi.``/``안녕하세요.`` is no outlier). Usually a
  truncated or misaligned pair.
- ``wrong script``: Hangul, Chinese characters or kana on the English side; no Hangul, or Chinese
  characters, kana or Cyrillic on the Korean side.
- ``English in Korean``: Latin letters on the Korean side (an untranslated word).
- ``swapped``: Hangul on the English side and none on the Korean side: the columns the other way round
  (the line's other checks then read it the right way round).
- ``quoted``: a field wholly in double quotes with its own quotes doubled (``"He said ""hi"" twice."``), as a
  spreadsheet saves a tab-separated field holding a quote: read as typed, the quotes would be trained on.
- ``split quote``: a field in double quotes holding a tab (``"Hello,<TAB>friend."``), split at it all the
  same (:func:`~rnnkit.translate.corpus_records.split_quote`): the pair read is not the one meant.
- ``html``: an HTML entity or tag (``&amp;``, ``<br>``), trained on as typed.
- ``long``: a side of more than :data:`LONG_WORDS` words, so more pieces than ``train --max-src-len``'s
  default cuts a side at (a word is one piece or more): a paragraph or a whole file joined on one line,
  whose rest would never be trained on.
- ``mixed register``: a Korean sentence in another register than the corpus's. Each sentence (split
  after ``.?!``; a chat's ㅋㅋ, ^^ or emoji after it ignored) is 해요체 when it ends in 요 or 죠,
  합쇼체 when it ends in 십시오 or in ㅂ니다, ㅂ니까, ㅂ시다 (습니다, 합니까, 갑시다), and 반말 when
  it ends in a 반말 ending (:func:`banmal_ending`: 먹어, 가, 좋아, 먹지, 맛있네, 그렇군, 배고프니까
  ...; -다고, -라고, -자고, -려고; 안녕, 미안; a noun, 친구, 아침, is none) or uses 나는, 내가, 너는, 네가 ...;
  the corpus's register is the most common one, and every line with a sentence in another is flagged.
  Bare answers (네, 예) count as no register.

The first line of a duplicate pair is kept, so dropping every flagged line leaves a clean corpus
(``--write-clean``, in the file's own format). Lines end at ``\n``, ``\r\n`` or ``\r`` only, so a stray form feed or
``\x1c`` inside a line is reported on that line rather than splitting it (``str.splitlines`` would).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.translate.corpus import file_records, lacks_korean
from rnnkit.translate.corpus_records import COMMENT, HEADER, PAIR, SPLIT_QUOTE, Record, moses_records
from rnnkit.translate.corpus_text import (
    HANGUL,
    clean,
    control_characters,
    file_lines,
    is_swapped,
    read_text,
    unquote,
)
from rnnkit.utils.wording import plural

RATIO_BOUNDS = (-2.0, 0.5)
# Korean letters over the upper bound forgiven: a polite ending (-세요, -습니다) costs a Korean sentence
# 2 or 3 syllables whatever the English, so on a 1-word sentence the ratio is noise ("Hi." and
# "안녕하세요." are 2 letters against 5: ln(7/4) = 0.56; "Hi." and "안녕하십니까.", 2 against 6). Two
# letters are a greeting's ending on a 1-word pair and nothing on a long one, where a pair over the
# bound is as far over as before; "I'm." and "지금 가고 있어요." (2 against 7) is still flagged.
RATIO_SLACK = 2
HAEYO, HAPSYO, BANMAL = "해요체", "합쇼체", "반말"
NO_PAIRS = {  # what a corpus in each format holds, said when a file holds not one pair
    "anki": "a corpus holds english<TAB>korean lines",
    "tsv": "a table holds a header row naming its columns, then a pair a row (--src-col and --tgt-col name "
    "the English and Korean columns)",
    "jsonl": "a JSON corpus holds an object a line, or one array of them, with the English and the Korean "
    "under the keys en and ko (--src-col and --tgt-col name others)",
    "moses": "moses files hold an English sentence a line in --src-file and its Korean on the same line of "
    "--tgt-file",
}
SWAPPED_DETAIL = {
    "anki": "Korean in column 1 and none in column 2",
    "tsv": "Korean in the English column and none in the Korean column",
    "csv": "Korean in the English column and none in the Korean column",
    "jsonl": "Korean under the English key and none under the Korean key",
    "moses": "Korean in the English file (--src-file) and none in the Korean file (--tgt-file)",
}
NEUTRAL = {"네", "예"}  # bare answers carry no register ("응", the 반말 yes, stays flagged)

_HAN_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# full-width letters (Ｉ ａｍ) are Latin too: the tokenizer's NFKC reads them as ASCII
_LATIN = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]")
_HTML = re.compile(
    r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);|</?(?:b|i|u|em|strong|br|div|p|span|font)\b[^>]*>", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_BANMAL_PRONOUN = re.compile(
    r"(?:^|\s)(나는|내가|나를|나도|나의|너는|네가|너를|너도|너의|니가)(?=[\s.,?!]|$)"
)
_CONTRACTIONS = {
    "i'm": "i am", "you're": "you are", "we're": "we are", "they're": "they are", "he's": "he is",
    "she's": "she is", "it's": "it is", "that's": "that is", "there's": "there is", "what's": "what is",
    "where's": "where is", "who's": "who is", "how's": "how is", "let's": "let us", "i've": "i have",
    "you've": "you have", "we've": "we have", "they've": "they have", "i'll": "i will",
    "you'll": "you will", "we'll": "we will", "they'll": "they will", "he'll": "he will",
    "she'll": "she will", "it'll": "it will", "i'd": "i would", "you'd": "you would",
    "we'd": "we would", "don't": "do not", "doesn't": "does not", "didn't": "did not",
    "can't": "can not", "cannot": "can not", "won't": "will not", "isn't": "is not",
    "aren't": "are not", "wasn't": "was not", "weren't": "were not", "haven't": "have not",
    "hasn't": "has not", "hadn't": "had not", "shouldn't": "should not", "wouldn't": "would not",
    "couldn't": "could not", "mustn't": "must not",
}  # fmt: skip


def exact_key(text: str) -> str:
    """Case-folded, NFC, whitespace collapsed: what makes two sentences "the same"."""
    return clean(text).casefold()


def near_key(text: str) -> str:
    """:func:`exact_key` with contractions expanded and punctuation dropped (``I'm tired!`` = ``I am tired.``)."""
    words = exact_key(text).replace("\u2019", "'").split()
    words = [_CONTRACTIONS.get(w.strip('.,?!;:"()'), w) for w in words]
    return " ".join(re.sub(r"[^\w\s]+", " ", " ".join(words)).split())


def letters(text: str) -> int:
    """How many letters ``text`` has (no spaces, digits count, punctuation does not)."""
    return len(re.sub(r"[\W_]+", "", text))


def length_ratio(en: str, ko: str) -> float:
    """``ln((k + 2) / (e + 2))`` with ``e``, ``k`` the letters (no spaces or punctuation) of each side."""
    return math.log((letters(ko) + 2) / (letters(en) + 2))


LONG_WORDS = 128  # train's --max-src-len default, in pieces: at least as many as the words


def long_problem(en: str, ko: str) -> str | None:
    """Why a pair is longer than train reads a side by default, or None (:data:`LONG_WORDS`)."""
    sides = [(side, len(text.split())) for side, text in (("English", en), ("Korean", ko))]
    over = [f"the {side} side has {words:,} words" for side, words in sides if words > LONG_WORDS]
    if not over:
        return None
    return (
        f"{' and '.join(over)}: train cuts a side at --max-src-len ({LONG_WORDS} pieces by default), "
        "and never trains on the rest"
    )


def ratio_problem(en: str, ko: str) -> str | None:
    """Why the pair's length ratio is an outlier, or None: outside :data:`RATIO_BOUNDS`, and for a
    Korean side too long, by more than :data:`RATIO_SLACK` letters over what the bound allows."""
    r, e, k = length_ratio(en, ko), letters(en), letters(ko)
    most = math.exp(RATIO_BOUNDS[1]) * (e + 2) - 2  # the Korean letters the upper bound allows
    if RATIO_BOUNDS[0] <= r and k <= most + RATIO_SLACK:
        return None
    return f"ln(Korean/English letters) {r:.2f} outside {list(RATIO_BOUNDS)} ({k} Korean letters for {e} English)"


def sentence_register(sentence: str) -> str | None:
    """해요체, 합쇼체, 반말, or None (a bare answer, or no Hangul at the end)."""
    body = _AFTER_WORDS.sub("", sentence)
    if not body or body in NEUTRAL:
        return None
    if body.endswith(("요", "죠")):
        return HAEYO
    if body.endswith("십시오") or (body.endswith(_HAPSYO_AFTER_B) and _closed_by_b(body[-3:-2])):
        return HAPSYO
    if body.endswith(_BANMAL_SUFFIXES) or body.split()[-1] in _BANMAL_WORDS:
        return BANMAL
    return BANMAL if banmal_ending(body[-1]) else None


# What follows a sentence's last word and says nothing of its register: punctuation, spaces, and a
# chat's laughter, tears and faces (알았어ㅋㅋ, 고마워^^, 좋아 :), 좋아😊), jamo or symbols
_AFTER_WORDS = re.compile(r"(?:[\W_]|[\u3131-\u318e])+$")
# 합쇼체's -니다, -니까, -시다 follow a syllable closed by ㅂ (습니다, 합니까, 갑시다); after any other
# they are 반말: 배고프니까 (because), 내가 할 테니까, 물을 마시다
_HAPSYO_AFTER_B = ("니다", "니까", "시다")
_B_FINAL = 17  # ㅂ's index among a syllable's final consonants
# 반말 endings closed by a consonant or on ㅗ/ㅜ, which nouns end in too (창고, 친구), so named whole:
# quoting and intent (뭐라고?, 간다고, 가자고, 가려고, 맛있더라고, 뭐라구?), and the 반말 words
# that end a sentence as themselves (안녕. 미안.)
_BANMAL_SUFFIXES = tuple(f"{a}{b}" for a in "다라냐자려" for b in "고구")
_BANMAL_WORDS = frozenset({"안녕", "미안"})


def _closed_by_b(syllable: str) -> bool:
    """Whether ``syllable`` is a precomposed Hangul syllable ending in ㅂ (습, 합, 갑, 입)."""
    code = ord(syllable) - 0xAC00 if len(syllable) == 1 else -1
    return 0 <= code < 11172 and code % 28 == _B_FINAL


# 반말's endings end in a syllable without a final consonant on a vowel of 어/아 (먹어, 가, 해, 봐,
# 줘, 좋아), of 이/에/야 (-지, -니, -네, -게, -는데, -야, -냐), or are one of these; a sentence ending
# in a noun (안녕하세요 친구., 좋은 아침.) is no 반말, and 구, 침, 생 end no 반말 ending.
_BANMAL_VOWELS = frozenset("ㅏㅐㅑㅓㅔㅕㅘㅙㅝㅣ")
_BANMAL_SYLLABLES = frozenset({"군", "걸", "든", "응", "렴", "냐"})
_VOWELS = (
    "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"  # a Hangul syllable's medial vowels, in Unicode's order
)


def banmal_ending(syllable: str) -> bool:
    """Whether a sentence's last syllable can end a 반말 sentence (nouns end in any syllable: 친구)."""
    if syllable in _BANMAL_SYLLABLES:
        return True
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:  # not a precomposed syllable (jamo, Latin ...)
        return False
    return code % 28 == 0 and _VOWELS[code // 28 % 21] in _BANMAL_VOWELS


def registers(ko: str) -> set[str]:
    """The registers of the sentences of ``ko`` (a 반말 pronoun counts as 반말)."""
    found = {r for s in _SENTENCE_END.split(ko) if (r := sentence_register(s)) is not None}
    if _BANMAL_PRONOUN.search(ko):
        found.add(BANMAL)
    return found


ADVICE = {
    "control character": "delete the character",
    "duplicate": "drop the later line (--write-clean keeps the first)",
    "English in Korean": "translate the word, or keep the pair if it is a name",
    "html": "write the characters the markup stands for (&amp; as &), or drop the tags",
    "length ratio": "check that the pair is whole and on its own line",
    "long": "split it into sentences, a pair a line, or drop it",
    "malformed": "fix the line, or drop it: train skips it",
    "mixed register": "rewrite it in the corpus's register, or drop it",
    "near duplicate": "drop the later line (--write-clean keeps the first)",
    "quoted": "give the file a header row (en<TAB>ko) so that the quotes are undone",
    "split quote": "replace the tab inside the quotes with a space",
    "swapped": "swap the line's two columns",
    "wrong script": "put each sentence in its own column, or drop the pair",
}  # what to do about each kind, said beside its count


@dataclass
class Problem:
    """One flagged line: its number, the kind (``duplicate``, ``length ratio`` ...) and why."""

    line: int
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind}: {self.detail}"


@dataclass
class CheckReport:
    """What :func:`check_file` found: pairs, comment lines, problems and the corpus's register."""

    path: str
    pairs: int = 0
    comments: int = 0
    register: str | None = None
    problems: list[Problem] = field(default_factory=list)
    fmt: str = "anki"  # the format the file was read in (corpus.file_records)
    unit: str = "line"  # what a problem's number counts: lines, or a JSON array's records
    pair_lines: set[int] = field(default_factory=set)  # the records that hold a pair
    spans: dict[int, int] = field(default_factory=dict)  # a CSV record's first line -> its last
    files: tuple[str, str] | None = None  # moses: the English and the Korean file, line N of both a record
    other_language: int = 0  # pairs whose Korean side is written in another language (corpus.lacks_korean)

    @property
    def flagged(self) -> list[tuple[int, int]]:
        """The first and last line of every flagged record (a CSV record may span several)."""
        return [(no, self.spans.get(no, no)) for no in sorted(self.bad_lines)]

    @property
    def bad_lines(self) -> set[int]:
        return {p.line for p in self.problems}

    def counts(self) -> Counter:
        return Counter(p.kind for p in self.problems)

    @property
    def mostly_swapped(self) -> bool:
        """Korean in column 1 on more lines than not: the file's columns, not its lines, are the other way
        round (``translate train`` refuses such a file by the same count)."""
        return 2 * self.counts()["swapped"] > self.pairs

    def not_korean(self) -> str | None:
        """Why a file whose Korean side holds no Hangul on most pairs (another language pair: Tatoeba's
        fra.txt) is no corpus to check, in one line; None for an English-Korean one. Line by line, its
        401 "wrong script" and "English in Korean" problems said nothing to do about it."""
        without = self.other_language
        if 2 * without <= self.pairs:
            return None
        return (
            f"{self.path}: {without} of {plural(self.pairs, 'pair')} hold no Hangul on the Korean side: "
            "check-corpus checks English-Korean corpora (train reads another language pair with "
            "--src-lang and --tgt-lang)"
        )

    def swapped_hint(self) -> str:
        """What to do about a Korean-first file, in one line."""
        swapped = f"{self.counts()['swapped']} of {self.pairs} pairs"
        if self.files is not None:
            return (
                f"{swapped} hold Korean in {self.files[0]}: the files are the other way round; give the "
                "English file as --src-file and the Korean one as --tgt-file"
            )
        if self.fmt == "anki":
            return (
                f"{swapped} hold Korean in column 1: the file's columns are the other way round; start it "
                "with a header line naming them (korean<TAB>english), which check-corpus and train both read"
            )
        what = "keys" if self.fmt == "jsonl" else "columns"
        return (
            f"{swapped} hold Korean on the English side: the file's {what} are the other way round; name "
            f"them with --src-col (English) and --tgt-col (Korean), which check-corpus and train both take"
        )

    def lines(self, show: int = 20) -> list[str]:
        """A readable report: a summary, counts by kind, then up to ``show`` problems in file order."""
        head = (
            f"{self.path}: {plural(self.pairs, 'pair')}, {plural(self.comments, 'comment line')}; "
            f"register {self.register or 'none found'}"
        )
        if not self.problems:
            return [head, "clean: no problems found" if self.pairs else f"no sentence pairs: {self.holds()}"]
        out = [
            head,
            f"{plural(len(self.problems), 'problem')} in {plural(len(self.bad_lines), 'line')}:",
        ]
        out += [f"  {kind:<17} {n:>6}  {self.advice(kind)}" for kind, n in sorted(self.counts().items())]
        if self.mostly_swapped:  # one line for the file, not one a line: 1500 "swapped" said nothing to do
            out.append(self.swapped_hint())
        shown = sorted(self.problems, key=lambda p: p.line)[:show]
        out += [f"{self.where(p.line)}: {p.kind}: {p.detail}" for p in shown]
        if len(self.problems) > len(shown):
            out.append(f"... and {len(self.problems) - len(shown)} more (--show N to see more)")
        return out

    def advice(self, kind: str) -> str:
        """What to do about ``kind``, said beside its count (a Moses pair has files, not columns)."""
        if kind == "swapped" and self.files is not None:
            return "swap the line's two sentences between the files"
        return ADVICE[kind]

    def where(self, no: int) -> str:
        """Where record ``no`` is: ``line 12`` (a JSON array's: ``record 12``), or for moses files the
        line of each, ``train.en:12 + train.ko:12``, as an editor's go-to-line reads them."""
        if self.files is None:
            return f"{self.unit} {no}"
        return f"{self.files[0]}:{no} + {self.files[1]}:{no}"

    def no_pairs(self) -> str:
        """Why a file without a single pair is no corpus, in one line (its malformed lines are in
        :meth:`lines`)."""
        if self.problems:
            why = f"{plural(len(self.bad_lines), 'line')} with problems, named above"
        else:
            why = f"only {plural(self.comments, 'comment line')}" if self.comments else "the file is empty"
        return f"{self.path} holds no sentence pairs ({why}): {self.holds()}"

    def holds(self) -> str:
        """What a corpus in this file's format holds (the tsv's words say a CSV's too)."""
        return NO_PAIRS["tsv" if self.fmt == "csv" else self.fmt]


NO_HANGUL = "no Hangul on the Korean side"


def _script_problems(en: str, ko: str) -> list[tuple[str, str]]:
    found = []
    if HANGUL.search(en) or _HAN_KANA.search(en):
        found.append(("wrong script", "Hangul or Chinese/Japanese characters on the English side"))
    if not _LATIN.search(en):
        found.append(("wrong script", "no Latin letters on the English side"))
    if not HANGUL.search(ko):
        found.append(("wrong script", NO_HANGUL))
    if _HAN_KANA.search(ko) or _CYRILLIC.search(ko):
        found.append(("wrong script", "Chinese, Japanese or Cyrillic characters on the Korean side"))
    if _LATIN.search(ko):
        words = " ".join(re.findall(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]+", ko))
        found.append(("English in Korean", f"Latin letters on the Korean side ({words})"))
    if markup := list(dict.fromkeys(_HTML.findall(en + ko))):
        found.append(("html", f"HTML markup ({', '.join(markup[:3])}): trained on as typed, not as what it stands for"))  # fmt: skip
    return found


def check_rows(rows: list[tuple[int, str, str]], report: CheckReport) -> CheckReport:
    """Check ``(line, english, korean)`` rows (already cleaned) and add the problems to ``report``."""
    exact: dict[str, tuple[int, str]] = {}  # key -> the first line with it, and its English
    near: dict[str, int] = {}
    regs: dict[int, set[str]] = {}
    for no, en, ko in rows:
        if is_swapped((en, ko), 1):  # one problem, then the pair checked the right way round
            report.problems.append(
                Problem(no, "swapped", SWAPPED_DETAIL.get(report.fmt, SWAPPED_DETAIL["tsv"]))
            )
            en, ko = ko, en
        ek, nk = exact_key(en), near_key(en)
        if ek in exact:
            first, first_en = exact[ek]
            report.problems.append(
                Problem(no, "duplicate", f"same English as {report.unit} {first} ({first_en!r})")
            )
        elif nk and nk in near:  # no words at all ('😀', '!!!'): not the same sentence but for punctuation
            report.problems.append(Problem(no, "near duplicate", f"{en!r} is {report.unit} {near[nk]} but for punctuation, case or contractions"))  # fmt: skip
        exact.setdefault(ek, (no, en))
        near.setdefault(nk, no)
        if why := ratio_problem(en, ko):
            report.problems.append(Problem(no, "length ratio", why))
        if why := long_problem(en, ko):
            report.problems.append(Problem(no, "long", why))
        for kind, why in _script_problems(en, ko):
            report.problems.append(Problem(no, kind, why))
        report.other_language += lacks_korean((en, ko), 1)
        regs[no] = registers(ko)
    tally = Counter(r for found in regs.values() for r in found)
    report.register = tally.most_common(1)[0][0] if tally else None
    for no, found in regs.items():
        other = sorted(found - {report.register})
        if other:
            report.problems.append(Problem(no, "mixed register", f"{', '.join(other)} in a {report.register} corpus"))  # fmt: skip
    return report


def spreadsheet_quoted(field: str) -> bool:
    """``"He said ""hi"" twice."``: a field in quotes whose own quotes are doubled, as Excel and LibreOffice save
    a tab-separated field holding a quote; no sentence doubles its quotes, so this is no quotation."""
    return '""' in field[1:-1] and unquote(field) != field


def read_rows(records: Iterable[Record], report: CheckReport) -> list[tuple[int, str, str]]:
    """``(line, english, korean)`` of every usable record (:mod:`.corpus_records`, the parser ``train``
    reads the file with); unusable ones become ``malformed`` problems and control characters ``control
    character`` problems. A header naming the columns counts as a comment."""
    rows = []
    for record in records:
        no = record.no
        if record.last > no:  # a CSV record holding a line break: --write-clean drops all its lines
            report.spans[no] = record.last
        if record.kind in (COMMENT, HEADER):
            report.comments += 1
            continue
        if record.above_header:  # a blank line above a table's header: nothing lost, nothing to fix
            continue
        if record.kind != PAIR:
            report.problems.append(Problem(no, "malformed", record.why))
            continue
        sides = record.sides
        # a quoted CSV field or a JSON string may hold a line break, which clean() makes a space
        if codes := control_characters("\t".join(sides).replace("\n", "").replace("\r", "")):
            report.problems.append(Problem(no, "control character", f"{', '.join(codes)} (not text; invisible in most editors)"))  # fmt: skip
        # An Anki export's quoting and a table's are undone as read; a bare file's are not
        if record.split_quote:
            report.problems.append(Problem(no, "split quote", f"the pair read is not the one meant: {SPLIT_QUOTE}"))  # fmt: skip
        if record.verbatim and any(spreadsheet_quoted(side) for side in sides):
            report.problems.append(Problem(no, "quoted", 'a field wholly in quotes with its own quotes doubled (""), as a spreadsheet saves it: read as typed, quotes and all'))  # fmt: skip
        en, ko = (clean(side) for side in sides)
        if not en or not ko:
            report.problems.append(Problem(no, "malformed", "a side is empty"))
            continue
        rows.append((no, en, ko))
    report.pairs = len(rows)
    report.pair_lines = {no for no, _, _ in rows}
    return rows


def check_file(
    path: str | Path, fmt: str = "auto", src_col: str | None = None, tgt_col: str | None = None
) -> CheckReport:
    """Read ``path`` as ``translate train --corpus`` reads it (any format but moses; ``fmt``, ``src_col``,
    ``tgt_col`` as train's ``--format``, ``--src-col``, ``--tgt-col``) and check its pairs.

    Raises:
        RnnkitError: the file cannot be read (missing, not text, no such column ...).
    """
    path = Path(path)
    fmt, unit, records = file_records(path, fmt, "en", "ko", src_col, tgt_col)
    report = CheckReport(str(path), fmt=fmt, unit=unit)
    return check_rows(read_rows(records, report), report)


def check_moses(src_file: str | Path, tgt_file: str | Path) -> CheckReport:
    """Check two line-aligned files, English (``src_file``) and Korean (``tgt_file``), read as
    ``translate train --src-file --tgt-file`` reads them (:func:`.corpus_records.moses_records`); each
    problem names its line in both files.

    Raises:
        RnnkitError: a file cannot be read, or the two differ in line count.
    """
    src, tgt = Path(src_file), Path(tgt_file)
    records = moses_records((src, read_text(src)), (tgt, read_text(tgt)))
    report = CheckReport(f"{src} + {tgt}", fmt="moses", files=(str(src), str(tgt)))
    return check_rows(read_rows(records, report), report)


def clean_text(path: str | Path, report: CheckReport) -> tuple[str, int]:
    """The file's text without the records ``report`` flagged, in the file's own format (comments,
    headers and first duplicates kept), and how many pairs it keeps. A CSV record spanning several
    lines is dropped whole; a JSON array is written again without the flagged items."""
    path = Path(path)
    text = read_text(path)
    if report.unit == "record":  # one JSON array: its items are numbered, not its lines
        items = [item for no, item in enumerate(json.loads(text), start=1) if no not in report.bad_lines]
        return json.dumps(items, ensure_ascii=False, indent=1) + "\n", report.pairs - _dropped(report)
    dropped = {n for record in report.flagged for n in range(record[0], record[1] + 1)}
    kept = [ln for no, ln in enumerate(file_lines(text), start=1) if no not in dropped]
    return "".join(ln + "\n" for ln in kept), report.pairs - _dropped(report)


def _dropped(report: CheckReport) -> int:
    """How many of the report's pairs have a problem (the others are what a clean copy keeps)."""
    return len(report.bad_lines & report.pair_lines)
