"""Readers for the parallel-corpus formats users bring, with every skipped line counted.

Formats (``fmt``):

- ``anki``: Anki/Tatoeba ``eng<TAB>other<TAB>attribution`` (the attribution is optional; lines starting
  with ``#`` are comments), or Tatoeba's sentence-pairs download ``id<TAB>eng<TAB>id<TAB>other``. English is column 1, so one of the two languages must be ``en``, unless a
  header line names the columns (``korean<TAB>english``, ``ko<TAB>en``: read in that order; a header
  that only repeats the usual order is skipped too). The bundled corpus ``data/en_ko.tsv`` is in this
  format.
- ``moses``: two line-aligned files (``src_file``, ``tgt_file``); differing line counts are an error.
- ``tsv`` / ``csv``: a header row naming the columns; ``src_col``/``tgt_col`` default to the language
  codes (``en``, ``ko``). TSV is a line per record (a field wholly in double quotes loses them), CSV
  follows csv quoting.
- ``jsonl``: one JSON object per line with the same keys, at the top or under ``"translation"`` (as
  Hugging Face ``datasets`` writes translation pairs: ``{"translation": {"en": .., "ko": ..}}``); a
  file that is one JSON array of such objects is read too, its records named by number.
- ``auto``: chosen from the file suffix (``.jsonl``/``.json`` → jsonl, ``.csv`` → csv, ``.tsv``/``.txt``
  → tsv when the first data line is a header naming both columns among others (``id<TAB>Korean<TAB>English``)
  or by their codes, anki otherwise).

Empty and malformed lines are never dropped silently: :class:`ReadReport` counts them and keeps the
first few line numbers with the reason, and the command line prints its summary. Malformed too: a
side holding a control character (NUL, escape ...: never text), and, when one language is Korean, a
line with Hangul on the other side and none on the Korean side (the columns the other way round); a
file where that is most lines is refused, with the way to say its order.

Text is UTF-8 (a byte-order mark is dropped) or, after its byte-order mark, UTF-16 or UTF-32 (Windows
Notepad's "Unicode"); text that looks like UTF-16 without the mark is refused with that reason.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.schema import parse_json

FORMATS = ("auto", "anki", "moses", "tsv", "csv", "jsonl")
BUNDLED = Path(__file__).parent / "data" / "en_ko.tsv"
_EXAMPLES_KEPT = 5  # bad-line examples kept for the message

Pair = tuple[str, str]  # (source sentence, target sentence)


@functools.cache
def bundled_english() -> tuple[str, ...]:
    """The English sentences of the bundled corpus, read straight from the file, once (its tests keep it
    clean: no malformed line, no duplicate); for the statistics the translator reads a typed sentence
    with (:mod:`~rnnkit.translate.surface`, :mod:`~rnnkit.translate.names`), a fraction of
    :func:`read_corpus`'s cost."""
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    return tuple(line.split("\t", 1)[0] for line in lines if line and not line.startswith("#"))


@dataclass
class ReadReport:
    """What a reader saw: lines, pairs kept, and every line it could not use, by kind."""

    source: str
    lines: int = 0
    pairs: int = 0
    comments: int = 0
    empty: int = 0
    malformed: int = 0
    swapped: int = 0  # of the malformed: Korean on the other language's side, none on its own
    examples: list[str] = field(default_factory=list)
    unit: str = "line"  # what ``lines`` counts: lines, or the records of a JSON array

    def bad(self, kind: str, line_no: int, why: str) -> None:
        """Count one unusable line (``kind`` is ``empty`` or ``malformed``)."""
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < _EXAMPLES_KEPT:
            self.examples.append(f"{self.unit} {line_no}: {why}")

    def summary(self) -> str:
        """One line for the user, e.g. ``read 120 pairs from x.tsv (125 lines: 3 comment, 1 empty, ...)``."""
        text = (
            f"read {self.pairs} pairs from {self.source} ({self.lines} {self.unit}s: {self.comments} comment, "
            f"{self.empty} empty, {self.malformed} malformed)"
        )
        if self.examples:
            text += "; skipped " + "; ".join(self.examples)
        return text


def clean(text: str) -> str:
    """NFC-normalise (Korean typed on some systems arrives decomposed), drop byte-order marks (two files
    joined with ``cat`` keep the second one's inside a line) and collapse whitespace."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\ufeff", "").split())


HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# a header line's names for the languages of its columns (the codes themselves are names too)
LANGUAGE_NAMES = {"english": "en", "eng": "en", "영어": "en", "korean": "ko", "kor": "ko", "한국어": "ko"}
_OTHER_HEADER_NAMES = {"source", "src", "target", "tgt", "attribution", "license", "licence"}


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # Unicode's Cc but the tab: one pass, in C


def control_characters(text: str) -> list[str]:
    """The control characters of ``text`` other than the tab, as ``U+0007``, each once, in order."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(_CONTROL.findall(text))]


def korean_side(src_lang: str, tgt_lang: str) -> int | None:
    """Which side of a (source, target) pair is Korean: 0, 1, or None when neither is."""
    return 0 if src_lang == "ko" else 1 if tgt_lang == "ko" else None


def is_swapped(pair: Pair, ko_side: int | None) -> bool:
    """True when the Korean side has no Hangul and the other side has some: the columns (or keys, or
    files) are the other way round."""
    if ko_side is None:
        return False
    return not HANGUL.search(pair[ko_side]) and bool(HANGUL.search(pair[1 - ko_side]))


def header_order(fields: list[str], src_lang: str, tgt_lang: str) -> bool | None:
    """For an anki file's first line: None when it is data; else True when its columns are (source,
    target), False when (target, source). A header is 2 or 3 column names (``english<TAB>korean``,
    ``ko<TAB>en<TAB>attribution``, ``source<TAB>target``).

    Raises:
        RnnkitError: a header naming languages other than ``src_lang`` and ``tgt_lang``.
    """
    names = [f.strip().casefold() for f in fields]
    if len(names) not in (2, 3):
        return None
    langs = [LANGUAGE_NAMES.get(n, n) for n in names[:2]]
    if langs[0] == langs[1]:  # ``English<TAB>영어``: a word and its translation
        return None
    known = set(LANGUAGE_NAMES.values()) | {src_lang, tgt_lang}
    if not all(n in known or n in _OTHER_HEADER_NAMES for n in [*langs, *names[2:]]):
        return None
    if langs[0] in ("source", "src"):
        return True
    if langs[0] in ("target", "tgt"):
        return False
    if set(langs) != {src_lang, tgt_lang}:
        raise RnnkitError(
            f"the header line names the columns {fields[0].strip()!r} and {fields[1].strip()!r}, "
            f"but the languages are {src_lang}->{tgt_lang} (--src-lang, --tgt-lang)"
        )
    return langs[0] == src_lang


def _orient(src_lang: str, tgt_lang: str, fmt: str) -> bool:
    """True when the file's column order (English first) is (source, target); False to swap."""
    if src_lang == "en":
        return True
    if tgt_lang == "en":
        return False
    raise RnnkitError(
        f"{fmt} files hold English in column 1, so --src-lang or --tgt-lang must be en "
        f"(got {src_lang}->{tgt_lang})"
    )


_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def file_lines(text: str) -> list[str]:
    """``text`` split at ``\n``, ``\r\n`` and ``\r`` only: the lines an editor numbers (``str.splitlines``
    also splits at form feeds and other separators, so line numbers would drift from the editor's)."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


_BOMS = (  # longest first: UTF-32 LE's mark begins with UTF-16 LE's
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def text_encoding(head: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` when ``head`` (a file's first bytes) starts with that byte-order mark
    (Windows Notepad saves "Unicode" as UTF-16 with one), else None: UTF-8."""
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def read_text(path: Path) -> str:
    """A corpus file's text: UTF-8, or UTF-16/32 after its byte-order mark; or a one-line error: a
    folder, a missing file, or bytes that are not text in the encoding (named by their line)."""
    if path.is_dir():
        raise RnnkitError(f"{path} is a folder; give the corpus file")
    if not path.is_file():
        raise RnnkitError(f"corpus file not found: {path}")
    data = path.read_bytes()
    encoding = text_encoding(data[:4])
    if encoding is None and data.count(b"\x00") * 4 > len(data):
        raise RnnkitError(
            f"{path}: every other byte is NUL, as in UTF-16 text saved without a byte-order mark; "
            "save it as UTF-8"
        )
    try:
        return data.decode(encoding.lower() if encoding else "utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode(encoding or "utf-8", errors="replace")
        line = before.count("\n") + 1
        hint = _cp949_hint(data) if encoding is None else ""
        raise RnnkitError(f"{path}: line {line} is not {encoding or 'UTF-8'} text{hint}") from None


def _cp949_hint(data: bytes) -> str:
    """A hint when bytes that are not UTF-8 read as Korean in CP949 (EUC-KR), the encoding Korean
    Windows and Excel save text and CSV in: the file is meant, not broken, and only needs re-saving.
    Not read that way silently: other bytes can decode as CP949 too."""
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return ""
    return (
        "; it reads as Korean in CP949 (EUC-KR), as Korean Windows and Excel save: save it as UTF-8"
        if HANGUL.search(text)
        else ""
    )


def _keep(
    report: ReadReport, pairs: list[Pair], line_no: int, src: str, tgt: str, ko_side: int | None
) -> None:
    """Add the cleaned pair, or count why the line cannot be used."""
    src, tgt = clean(src), clean(tgt)
    if not src or not tgt:
        report.bad("empty", line_no, "a side is empty")
    elif codes := control_characters(src + tgt):
        report.bad("malformed", line_no, f"control character {', '.join(codes)} (not text)")
    elif is_swapped((src, tgt), ko_side):
        report.swapped += 1
        report.bad("malformed", line_no, "Hangul on the non-Korean side and none on the Korean side")
    else:
        pairs.append((src, tgt))


def sentence_fields(fields: list[str]) -> tuple[str, str] | None:
    """The two sentences of an anki line's tab-separated fields: ``english<TAB>other[<TAB>attribution]``,
    or Tatoeba's sentence-pairs download, ``id<TAB>english<TAB>id<TAB>other``; None for anything else."""
    if len(fields) in (2, 3):
        return fields[0], fields[1]
    if len(fields) == 4 and fields[0].strip().isdigit() and fields[2].strip().isdigit():
        return fields[1], fields[3]
    return None


def read_anki(path: Path, src_lang: str = "en", tgt_lang: str = "ko") -> tuple[list[Pair], ReadReport]:
    """``english<TAB>other[<TAB>attribution]`` per line; ``#`` lines are comments; a first line of column
    names (``korean<TAB>english``) says the columns' order and is not a pair."""
    report, pairs = ReadReport(str(path)), []
    forward, seen_data = None, False
    for no, line in enumerate(file_lines(read_text(path)), start=1):
        report.lines += 1
        if line.startswith("#"):
            report.comments += 1
            continue
        if not line.strip():
            report.bad("empty", no, "blank line")
            continue
        fields = line.split("\t")
        if not seen_data:
            seen_data = True
            forward = header_order(fields, src_lang, tgt_lang)
            if forward is not None:  # a header: counted with the comments, named in the summary
                report.comments += 1
                report.examples.insert(0, f"line {no}: a header ({', '.join(f.strip() for f in fields)})")
                continue
        sides = sentence_fields(fields)
        if sides is None:
            report.bad("malformed", no, f"{len(fields)} tab-separated fields, expected 2 or 3")
            continue
        if forward is None:  # no header: English is column 1
            forward = _orient(src_lang, tgt_lang, "anki")
        src, tgt = sides if forward else sides[::-1]
        _keep(report, pairs, no, src, tgt, korean_side(src_lang, tgt_lang))
    if forward is None:
        _orient(src_lang, tgt_lang, "anki")
    report.pairs = len(pairs)
    return pairs, report


def read_moses(
    src_file: Path, tgt_file: Path, src_lang: str = "en", tgt_lang: str = "ko"
) -> tuple[list[Pair], ReadReport]:
    """Two line-aligned files; line ``i`` of one translates line ``i`` of the other."""
    src_lines = file_lines(read_text(src_file))
    tgt_lines = file_lines(read_text(tgt_file))
    if len(src_lines) != len(tgt_lines):
        raise RnnkitError(
            f"moses files differ in line count: {src_file} has {len(src_lines)}, "
            f"{tgt_file} has {len(tgt_lines)}"
        )
    report, pairs = ReadReport(f"{src_file} + {tgt_file}"), []
    for no, (src, tgt) in enumerate(zip(src_lines, tgt_lines, strict=True), start=1):
        report.lines += 1
        _keep(report, pairs, no, src, tgt, korean_side(src_lang, tgt_lang))
    report.pairs = len(pairs)
    return pairs, report


def read_table(
    path: Path, src_col: str, tgt_col: str, delimiter: str, ko_side: int | None = None
) -> tuple[list[Pair], ReadReport]:
    """TSV or CSV with a header row; ``src_col``/``tgt_col`` name the columns. Empty fields after the
    header's last column (a trailing tab or comma on every line, as some exports write) are ignored."""
    rows = _table_rows(read_text(path), delimiter, path)
    header = next(rows, None)
    if header is None:
        raise RnnkitError(f"{path} is empty: no header row")
    header = [h.strip() for h in header[1]]
    si, ti = column_index(header, src_col, path), column_index(header, tgt_col, path)
    report, pairs = ReadReport(str(path), lines=1, comments=0), []
    for no, row in rows:
        report.lines += 1
        if not row or not any(c.strip() for c in row):
            report.bad("empty", no, "blank line")
            continue
        if len(row) > len(header) and not any(c.strip() for c in row[len(header) :]):
            row = row[: len(header)]
        if len(row) != len(header):
            report.bad("malformed", no, f"{len(row)} fields, the header has {len(header)}")
            continue
        _keep(report, pairs, no, row[si], row[ti], ko_side)
    report.pairs = len(pairs)
    return pairs, report


def column_index(header: list[str], col: str, path: Path) -> int:
    """Where column ``col`` is in ``header``: the name itself, else (``col`` a language code) the one
    column named after that language in any case (``English``, ``KOREAN``, ``Ko``, ``영어``).

    Raises:
        RnnkitError: no such column (the message lists the columns).
    """
    index = find_column(header, col)
    if index is None:
        raise RnnkitError(f"{path} has no column {col!r}; columns: {', '.join(header)}")
    return index


def find_column(header: list[str], col: str) -> int | None:
    """:func:`column_index`, or None where there is no such column."""
    if col in header:
        return header.index(col)
    named = [i for i, h in enumerate(header) if LANGUAGE_NAMES.get(h.casefold(), h.casefold()) == col]
    return named[0] if len(named) == 1 else None


def unquote(text: str) -> str:
    """A TSV field wholly in double quotes (``"Hello, ""you""."``, as spreadsheets write a field holding a
    quote) without them; any other field as it is: a sentence that merely starts with a quotation
    (``"Run!" she said.``) keeps its quotes."""
    body = text.strip()
    inner = body[1:-1]
    if len(body) >= 2 and body[0] == body[-1] == '"' and '"' not in inner.replace('""', ""):
        return inner.replace('""', '"')
    return text


def _table_rows(text: str, delimiter: str, path: Path):  # noqa: ANN202 - an iterator of (line, fields)
    """``(line number, fields)`` of each record. TSV is a line per record, split at tabs (as ``--stream``
    reads it): a quote opening a sentence never swallows the lines after it. CSV follows csv's quoting,
    so a quoted field may hold commas and line breaks."""
    if delimiter == "\t":
        for no, line in enumerate(file_lines(text), start=1):
            yield no, [unquote(field) for field in line.split("\t")]
        return
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    while (row := _next_row(rows, path)) is not None:
        yield rows.line_num, row


def _next_row(rows, path: Path) -> list[str] | None:  # noqa: ANN001
    """The next CSV row, or None at the end; a field over csv's limit (128 KiB: an unclosed quote
    swallows the rest of the file) is one line naming where, not a csv.Error traceback."""
    try:
        return next(rows, None)
    except csv.Error as exc:
        raise RnnkitError(
            f"{path}:{rows.line_num}: {exc} (an unclosed quote, or a field over 128 KiB?)"
        ) from None


def read_jsonl(
    path: Path, src_col: str, tgt_col: str, ko_side: int | None = None
) -> tuple[list[Pair], ReadReport]:
    """One JSON object per line, e.g. ``{"en": "Hello.", "ko": "안녕하세요."}``, or with the pair under
    ``"translation"`` (Hugging Face ``datasets``); or a file that is one JSON array of such objects."""
    text = read_text(path)
    if text.lstrip().startswith("[") and (array := _json_array(text)) is not None:
        return _read_json_array(path, array, src_col, tgt_col, ko_side)
    report, pairs = ReadReport(str(path)), []
    for no, line in enumerate(file_lines(text), start=1):
        report.lines += 1
        if not line.strip():
            report.bad("empty", no, "blank line")
            continue
        try:  # limits on nesting and number size: a hostile line is counted, never a traceback
            obj = parse_json(line, "the line")
        except RnnkitError as exc:
            report.bad("malformed", no, str(exc))
            continue
        _keep_object(report, pairs, no, obj, (src_col, tgt_col), ko_side)
    report.pairs = len(pairs)
    return pairs, report


def _json_array(text: str) -> list | None:
    """The file as one JSON array, or None when it is not one (JSON Lines whose first line is an array)."""
    try:
        records = parse_json(text, "the file")
    except RnnkitError:
        return None
    return records if isinstance(records, list) else None


def _read_json_array(
    path: Path, records: list, src_col: str, tgt_col: str, ko_side: int | None
) -> tuple[list[Pair], ReadReport]:
    """``[{"en": .., "ko": ..}, ...]``: the records of one JSON array, counted and named by number."""
    report, pairs = ReadReport(str(path), unit="record"), []
    for no, obj in enumerate(records, start=1):
        report.lines += 1
        _keep_object(report, pairs, no, obj, (src_col, tgt_col), ko_side)
    report.pairs = len(pairs)
    return pairs, report


def _keep_object(
    report: ReadReport, pairs: list[Pair], no: int, obj: object, cols: tuple[str, str], ko_side: int | None
) -> None:
    """Add the pair of one JSON record (the keys ``cols``, at the top or under ``"translation"``), or
    count why it has none."""
    if not isinstance(obj, dict):
        report.bad("malformed", no, "not a JSON object")
        return
    if cols[0] not in obj and isinstance(obj.get("translation"), dict):
        obj = obj["translation"]
    src, tgt = obj.get(cols[0]), obj.get(cols[1])
    if not isinstance(src, str) or not isinstance(tgt, str):
        report.bad("malformed", no, f"needs string fields {cols[0]!r} and {cols[1]!r}{_keys_hint(obj)}")
        return
    _keep(report, pairs, no, src, tgt, ko_side)


def _keys_hint(obj: dict) -> str:
    """`` (it has keys 'english', 'korean': --src-col, --tgt-col name them)`` for a line without the keys."""
    if not obj:
        return ""
    keys = ", ".join(repr(k) for k in list(obj)[:4]) + (", ..." if len(obj) > 4 else "")
    return f" (it has {keys}: --src-col and --tgt-col name the keys)"


def detect_format(path: Path, src_col: str, tgt_col: str) -> str:
    """Guess the format from the suffix (and, for tab files, whether line 1 is a header)."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    first = next((ln for ln in file_lines(read_text(path)) if ln and not ln.startswith("#")), "")
    return tab_format(first, src_col, tgt_col)


def tab_format(first: str, src_col: str, tgt_col: str) -> str:
    """``tsv`` when a tab file's first data line is a header naming both columns (``en<TAB>ko``,
    ``id<TAB>Korean<TAB>English``), ``anki`` otherwise: pairs, or an anki header
    (``english<TAB>korean[<TAB>attribution]``), which the anki reader takes."""
    names = [f.strip() for f in first.split("\t")]
    if src_col in names and tgt_col in names:
        return "tsv"
    try:
        if header_order(names, src_col, tgt_col) is not None:
            return "anki"
    except RnnkitError:
        return "anki"  # a header naming other languages: the anki reader says so
    both = find_column(names, src_col) is not None and find_column(names, tgt_col) is not None
    return "tsv" if both else "anki"


def read_corpus(
    path: str | Path | None = None,
    fmt: str = "auto",
    src_lang: str = "en",
    tgt_lang: str = "ko",
    src_col: str | None = None,
    tgt_col: str | None = None,
    src_file: str | Path | None = None,
    tgt_file: str | Path | None = None,
) -> tuple[list[Pair], ReadReport]:
    """Read (source, target) pairs in any supported format; the bundled corpus when nothing is given.

    Raises:
        RnnkitError: unknown format, missing file or column, differing Moses line counts, or no pairs.
    """
    if src_lang == tgt_lang:
        raise RnnkitError(f"--src-lang and --tgt-lang are both {src_lang!r}")
    if fmt not in FORMATS:
        raise RnnkitError(f"unknown corpus format {fmt!r}; known: {', '.join(FORMATS)}")
    src_col, tgt_col = src_col or src_lang, tgt_col or tgt_lang
    if src_file is not None or tgt_file is not None or fmt == "moses":
        if src_file is None or tgt_file is None:
            raise RnnkitError("moses corpora need both --src-file and --tgt-file")
        if path is not None:
            raise RnnkitError("give either --corpus or --src-file/--tgt-file, not both")
        fmt = "moses"
        pairs, report = read_moses(Path(src_file), Path(tgt_file), src_lang, tgt_lang)
    else:
        path = Path(path) if path is not None else BUNDLED
        if fmt == "auto":
            fmt = detect_format(path, src_col, tgt_col)
        ko_side = korean_side(src_lang, tgt_lang)
        if fmt == "anki":
            pairs, report = read_anki(path, src_lang, tgt_lang)
        elif fmt in ("tsv", "csv"):
            pairs, report = read_table(path, src_col, tgt_col, "\t" if fmt == "tsv" else ",", ko_side)
        else:
            pairs, report = read_jsonl(path, src_col, tgt_col, ko_side)
    if report.swapped > len(pairs):
        raise RnnkitError(_swapped_message(report, fmt, src_lang, tgt_lang))
    if not pairs:
        why = f"; {report.examples[0]}" if report.examples else ""
        raise RnnkitError(f"no usable sentence pairs in {report.source} ({report.lines} {report.unit}s{why})")
    return pairs, report


def _swapped_message(report: ReadReport, fmt: str, src_lang: str, tgt_lang: str) -> str:
    """Why a file whose Korean is mostly on the other side is refused, and how to say its order."""
    other = tgt_lang if src_lang == "ko" else src_lang
    how = {
        "anki": "anki files hold English first; start the file with a header line naming the columns "
        "(korean<TAB>english)",
        "moses": "swap --src-file and --tgt-file",
    }.get(fmt, "check --src-col and --tgt-col (a column or key named after one language holds the other)")
    return (
        f"{report.source}: {report.swapped} of {report.swapped + report.pairs} pairs hold Hangul on the "
        f"{other} side and none on the ko side: the languages are the other way round; {how}"
    )
