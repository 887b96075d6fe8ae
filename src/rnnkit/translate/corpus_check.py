"""``rnnkit translate check-corpus``: find the pairs an English-Korean corpus should not keep.

The file is the bundled corpus's format: ``english<TAB>korean`` per line, ``#`` lines are comments
(a third attribution field is allowed, as in Anki files; Tatoeba's ``id<TAB>english<TAB>id<TAB>korean``
is read too; a first line naming the columns, ``korean<TAB>english``, says their order; an Anki
export is read as its ``#separator``/``#html``/``#... column`` lines say). Every problem names its line:

- ``malformed``: not 2 or 3 tab-separated fields, or an empty side.
- ``control character``: a character of Unicode category Cc other than the tab (NUL, bell, escape,
  form feed ...): invisible in most editors, never text, and a tokenizer's unknown piece.
- ``duplicate``: the same English sentence (case and spaces ignored) as an earlier line.
- ``near duplicate``: the same English once punctuation, case and contractions are ignored
  (``I'm tired!`` after ``I am tired.``), as an earlier line.
- ``length ratio``: Korean letters per English letter far from the corpus norm. With ``e`` and ``k``
  the letter counts (spaces and punctuation excluded), ``r = ln((k + 2) / (e + 2))``; a pair is an
  outlier when ``r`` lies outside ``[-2.0, 0.5]`` (the bundled corpus spans -1.56 to 0.21, median
  -0.75: about one Hangul syllable per two English letters). Usually a truncated or misaligned pair.
- ``wrong script``: Hangul, Chinese characters or kana on the English side; no Hangul, or Chinese
  characters, kana or Cyrillic on the Korean side.
- ``English in Korean``: Latin letters on the Korean side (an untranslated word).
- ``swapped``: Hangul on the English side and none on the Korean side: the columns the other way round
  (the line's other checks then read it the right way round).
- ``quoted``: a field wholly in double quotes with its own quotes doubled (``"He said ""hi"" twice."``), as a
  spreadsheet saves a tab-separated field holding a quote: read as typed, the quotes would be trained on.
- ``mixed register``: a Korean sentence in another register than the corpus's. Each sentence (split
  after ``.?!``) is 해요체 when it ends in 요 or 죠, 합쇼체 when it ends in 니다, 니까, 십시오 or
  ㅂ시다, and 반말 when it ends in another Hangul syllable or uses 나는, 내가, 너는, 네가 ...;
  the corpus's register is the most common one, and every line with a sentence in another is flagged.
  Bare answers (네, 예) count as no register.

The first line of a duplicate pair is kept, so dropping every flagged line leaves a clean corpus
(``--write-clean``). Lines end at ``\n``, ``\r\n`` or ``\r`` only, so a stray form feed or
``\x1c`` inside a line is reported on that line rather than splitting it (``str.splitlines`` would).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.translate.corpus_text import (
    HANGUL,
    clean,
    control_characters,
    file_lines,
    is_swapped,
    read_preamble,
    read_text,
    sentence_fields,
    unquote,
)
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.wording import plural

RATIO_BOUNDS = (-2.0, 0.5)
HAEYO, HAPSYO, BANMAL = "해요체", "합쇼체", "반말"
NO_PAIRS = "a corpus holds english<TAB>korean lines"
NEUTRAL = {"네", "예"}  # bare answers carry no register ("응", the 반말 yes, stays flagged)

_HAN_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
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


def length_ratio(en: str, ko: str) -> float:
    """``ln((k + 2) / (e + 2))`` with ``e``, ``k`` the letters (no spaces or punctuation) of each side."""
    e = len(re.sub(r"[\W_]+", "", en))
    k = len(re.sub(r"[\W_]+", "", ko))
    return math.log((k + 2) / (e + 2))


def sentence_register(sentence: str) -> str | None:
    """해요체, 합쇼체, 반말, or None (a bare answer, or no Hangul at the end)."""
    body = re.sub(r"[\s.?!,~…\"')]+$", "", sentence)
    if not body or body in NEUTRAL:
        return None
    if body.endswith(("요", "죠")):
        return HAEYO
    if body.endswith(("니다", "니까", "십시오", "시다")):
        return HAPSYO
    return BANMAL if HANGUL.match(body[-1]) else None


def registers(ko: str) -> set[str]:
    """The registers of the sentences of ``ko`` (a 반말 pronoun counts as 반말)."""
    found = {r for s in _SENTENCE_END.split(ko) if (r := sentence_register(s)) is not None}
    if _BANMAL_PRONOUN.search(ko):
        found.add(BANMAL)
    return found


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

    def swapped_hint(self) -> str:
        """What to do about a Korean-first file, in one line."""
        return (
            f"{self.counts()['swapped']} of {self.pairs} pairs hold Korean in column 1: the file's columns are "
            "the other way round; start it with a header line naming them (korean<TAB>english), which "
            "check-corpus and train both read"
        )

    def lines(self, show: int = 20) -> list[str]:
        """A readable report: a summary, counts by kind, then up to ``show`` problems in file order."""
        head = (
            f"{self.path}: {plural(self.pairs, 'pair')}, {plural(self.comments, 'comment line')}; "
            f"register {self.register or 'none found'}"
        )
        if not self.problems:
            return [head, "clean: no problems found" if self.pairs else f"no sentence pairs: {NO_PAIRS}"]
        out = [
            head,
            f"{plural(len(self.problems), 'problem')} in {plural(len(self.bad_lines), 'line')}:",
        ]
        out += [f"  {kind:<15} {n}" for kind, n in sorted(self.counts().items())]
        if self.mostly_swapped:  # one line for the file, not one a line: 1500 "swapped" said nothing to do
            out.append(self.swapped_hint())
        shown = sorted(self.problems, key=lambda p: p.line)[:show]
        out += [str(p) for p in shown]
        if len(self.problems) > len(shown):
            out.append(f"... and {len(self.problems) - len(shown)} more (--show N to see more)")
        return out

    def no_pairs(self) -> str:
        """Why a file without a single pair is no corpus, in one line (its malformed lines are in
        :meth:`lines`)."""
        if self.problems:
            why = f"{plural(len(self.bad_lines), 'line')} with problems, named above"
        else:
            why = f"only {plural(self.comments, 'comment line')}" if self.comments else "the file is empty"
        return f"{self.path} holds no sentence pairs ({why}): {NO_PAIRS}"


def _script_problems(en: str, ko: str) -> list[tuple[str, str]]:
    found = []
    if HANGUL.search(en) or _HAN_KANA.search(en):
        found.append(("wrong script", "Hangul or Chinese/Japanese characters on the English side"))
    if not _LATIN.search(en):
        found.append(("wrong script", "no Latin letters on the English side"))
    if not HANGUL.search(ko):
        found.append(("wrong script", "no Hangul on the Korean side"))
    if _HAN_KANA.search(ko) or _CYRILLIC.search(ko):
        found.append(("wrong script", "Chinese, Japanese or Cyrillic characters on the Korean side"))
    if _LATIN.search(ko):
        words = " ".join(re.findall(r"[A-Za-z]+", ko))
        found.append(("English in Korean", f"Latin letters on the Korean side ({words})"))
    return found


def check_rows(rows: list[tuple[int, str, str]], report: CheckReport) -> CheckReport:
    """Check ``(line, english, korean)`` rows (already cleaned) and add the problems to ``report``."""
    exact: dict[str, tuple[int, str]] = {}  # key -> the first line with it, and its English
    near: dict[str, int] = {}
    regs: dict[int, set[str]] = {}
    for no, en, ko in rows:
        if is_swapped((en, ko), 1):  # one problem, then the pair checked the right way round
            report.problems.append(Problem(no, "swapped", "Korean in column 1 and none in column 2"))
            en, ko = ko, en
        ek, nk = exact_key(en), near_key(en)
        if ek in exact:
            first, first_en = exact[ek]
            report.problems.append(Problem(no, "duplicate", f"same English as line {first} ({first_en!r})"))
        elif nk in near:
            report.problems.append(Problem(no, "near duplicate", f"{en!r} is line {near[nk]} but for punctuation, case or contractions"))  # fmt: skip
        exact.setdefault(ek, (no, en))
        near.setdefault(nk, no)
        r = length_ratio(en, ko)
        if not RATIO_BOUNDS[0] <= r <= RATIO_BOUNDS[1]:
            report.problems.append(
                Problem(
                    no, "length ratio", f"ln(Korean/English letters) {r:.2f} outside {list(RATIO_BOUNDS)}"
                )
            )
        for kind, why in _script_problems(en, ko):
            report.problems.append(Problem(no, kind, why))
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


def read_rows(path: Path, report: CheckReport) -> list[tuple[int, str, str]]:
    """``(line, english, korean)`` of every usable line; unusable lines become ``malformed`` problems
    and control characters ``control character`` problems. A first line naming the columns
    (``korean<TAB>english``) counts as a comment and says their order, as the corpus reader takes it."""
    lines = file_lines(read_text(path))
    head = read_preamble(enumerate(lines, start=1), "en", "ko", path)
    rows, forward = [], head.order is not False
    for no, line in enumerate(lines, start=1):
        if line.startswith("#") or no == head.header_no:
            report.comments += 1
            continue
        if codes := control_characters(line):
            report.problems.append(Problem(no, "control character", f"{', '.join(codes)} (not text; invisible in most editors)"))  # fmt: skip
        if not line.strip():
            report.problems.append(Problem(no, "malformed", "blank line"))
            continue
        fields = head.layout.fields(line)
        if (sides := sentence_fields(fields)) is None:
            report.problems.append(Problem(no, "malformed", f"{plural(len(fields), 'tab-separated field')}, expected 2 or 3"))  # fmt: skip
            continue
        # An Anki export's quoting and a header row's table are undone as read; a bare file's are not
        if not (head.layout.exported or head.header_no) and any(spreadsheet_quoted(side) for side in sides):
            report.problems.append(Problem(no, "quoted", 'a field wholly in quotes with its own quotes doubled (""), as a spreadsheet saves it: read as typed, quotes and all'))  # fmt: skip
        en, ko = (clean(side) for side in (sides if forward else sides[::-1]))
        if not en or not ko:
            report.problems.append(Problem(no, "malformed", "a side is empty"))
            continue
        rows.append((no, en, ko))
    report.pairs = len(rows)
    return rows


NOT_TAB_TEXT = {".csv": "CSV", ".json": "JSON", ".jsonl": "JSON lines"}


def check_file(path: str | Path) -> CheckReport:
    """Read and check an ``english<TAB>korean`` file (raises RnnkitError when it cannot be read, or is a
    CSV or JSON file, which ``train`` reads by its suffix and this check does not: every line of one
    was listed as malformed, "1 tab-separated field", with no word of why)."""
    path = Path(path)
    if kind := NOT_TAB_TEXT.get(path.suffix.lower()):
        raise RnnkitError(
            f"{path} is {kind}, which train reads (--corpus) and check-corpus does not: it checks "
            "english<TAB>korean text (anki, or tsv with a header row); save the pairs tab-separated to check them"
        )
    report = CheckReport(str(path))
    return check_rows(read_rows(path, report), report)


def clean_text(path: str | Path, report: CheckReport) -> tuple[str, int]:
    """The file's text without the lines ``report`` flagged (comments and first duplicates kept), and
    how many pairs it keeps."""
    bad = report.bad_lines
    kept = [ln for no, ln in enumerate(file_lines(read_text(Path(path))), start=1) if no not in bad]
    pairs = sum(1 for ln in kept if ln.strip() and not ln.startswith("#"))
    return "".join(ln + "\n" for ln in kept), pairs
