"""Readers for the parallel-corpus formats users bring, with every skipped line counted.

Formats (``fmt``):

- ``anki``: Anki/Tatoeba ``eng<TAB>other<TAB>attribution`` (the attribution is optional; lines starting
  with ``#`` are comments), or Tatoeba's sentence-pairs download ``id<TAB>eng<TAB>id<TAB>other``.
  English is column 1, so one of the two languages must be ``en``, unless a header line names the
  columns (``korean<TAB>english``: read in that order; a header that only repeats the usual order is
  skipped too). Anki's own export is read as its ``#`` lines say (:mod:`.corpus_text`). The bundled
  corpus ``data/en_ko.tsv`` is in this format.
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

Encodings, line ends and the cleaning of each sentence: :mod:`~rnnkit.translate.corpus_text`.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.translate.corpus_text import (
    SWAPPED,
    english_first,
    file_lines,
    find_column,
    header_order,
    korean_side,
    read_preamble,
    read_text,
    sentence_fields,
    sentence_pair,
    unquote,
)
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


def _keep(
    report: ReadReport, pairs: list[Pair], line_no: int, src: str, tgt: str, ko_side: int | None
) -> None:
    """Add the cleaned pair, or count why the line cannot be used (:func:`.corpus_text.sentence_pair`)."""
    pair, why = sentence_pair(src, tgt, ko_side)
    if why is None:
        pairs.append(pair)
        return
    report.swapped += why == SWAPPED
    report.bad("malformed" if all(pair) else "empty", line_no, why)


def read_anki(
    path: Path, src_lang: str = "en", tgt_lang: str = "ko", text: str | None = None
) -> tuple[list[Pair], ReadReport]:
    """``english<TAB>other[<TAB>attribution]`` per line; ``#`` lines are comments (an Anki export's
    directives among them say its layout); a first line of column names (``korean<TAB>english``) says
    the columns' order and is not a pair. ``text``: the file's text, when the caller has read it."""
    lines = file_lines(read_text(path) if text is None else text)
    head = read_preamble(enumerate(lines, start=1), src_lang, tgt_lang, path)
    # no header or #columns: English is column 1 (refused for languages an anki file cannot hold)
    forward = english_first(src_lang, tgt_lang) if head.order is None else head.order
    report, pairs, ko_side = ReadReport(str(path)), [], korean_side(src_lang, tgt_lang)
    if head.header_no:  # named first in the summary
        report.examples.append(
            f"line {head.header_no}: a header ({', '.join(f.strip() for f in head.header)})"
        )
    for no, line in enumerate(lines, start=1):
        report.lines += 1
        if line.startswith("#") or no == head.header_no:  # a header: counted with the comments
            report.comments += 1
            continue
        if not line.strip():
            report.bad("empty", no, "blank line")
            continue
        fields = head.layout.fields(line)
        sides = sentence_fields(fields)
        if sides is None:
            report.bad("malformed", no, f"{len(fields)} tab-separated fields, expected 2 or 3")
            continue
        src, tgt = sides if forward else sides[::-1]
        _keep(report, pairs, no, src, tgt, ko_side)
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
    report, pairs, ko_side = ReadReport(f"{src_file} + {tgt_file}"), [], korean_side(src_lang, tgt_lang)
    for no, (src, tgt) in enumerate(zip(src_lines, tgt_lines, strict=True), start=1):
        report.lines += 1
        _keep(report, pairs, no, src, tgt, ko_side)
    report.pairs = len(pairs)
    return pairs, report


def read_table(
    path: Path,
    src_col: str,
    tgt_col: str,
    delimiter: str,
    ko_side: int | None = None,
    text: str | None = None,
) -> tuple[list[Pair], ReadReport]:
    """TSV or CSV with a header row; ``src_col``/``tgt_col`` name the columns. Empty fields after the
    header's last column (a trailing tab or comma on every line, as some exports write) are ignored.
    ``text``: the file's text, when the caller has read it."""
    rows = _table_rows(read_text(path) if text is None else text, delimiter, path)
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


def detect_format(path: Path, src_col: str, tgt_col: str) -> tuple[str, str | None]:
    """Guess the format from the suffix (and, for tab files, whether line 1 is a header). Returns it
    with the file's text when that had to be read to tell, so that the reader need not read it again."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return "jsonl", None
    if suffix == ".csv":
        return "csv", None
    text = read_text(path)
    first = next((ln for ln in file_lines(text) if ln and not ln.startswith("#")), "")
    return tab_format(first, src_col, tgt_col), text


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
        path, text = Path(path) if path is not None else BUNDLED, None
        if fmt == "auto":
            fmt, text = detect_format(path, src_col, tgt_col)
        ko_side = korean_side(src_lang, tgt_lang)
        if fmt == "anki":
            pairs, report = read_anki(path, src_lang, tgt_lang, text)
        elif fmt in ("tsv", "csv"):
            delimiter = "\t" if fmt == "tsv" else ","
            pairs, report = read_table(path, src_col, tgt_col, delimiter, ko_side, text)
        else:
            pairs, report = read_jsonl(path, src_col, tgt_col, ko_side)
    if report.swapped > len(pairs):
        raise RnnkitError(swapped_message(report.source, report.swapped, len(pairs), fmt, src_lang, tgt_lang))
    if not pairs:
        why = f"; {report.examples[0]}" if report.examples else ""
        raise RnnkitError(f"no usable sentence pairs in {report.source} ({report.lines} {report.unit}s{why})")
    return pairs, report


def swapped_message(source: str, swapped: int, pairs: int, fmt: str, src_lang: str, tgt_lang: str) -> str:
    """Why a file whose Korean is mostly on the other side (``swapped`` lines against ``pairs`` usable
    ones) is refused, and how to say its order; read whole or streamed (``--stream``)."""
    other = tgt_lang if src_lang == "ko" else src_lang
    how = {
        "anki": "anki files hold English first; start the file with a header line naming the columns "
        "(korean<TAB>english)",
        "moses": "swap --src-file and --tgt-file",
    }.get(fmt, "check --src-col and --tgt-col (a column or key named after one language holds the other)")
    return (
        f"{source}: {swapped} of {swapped + pairs} pairs hold Hangul on the "
        f"{other} side and none on the ko side: the languages are the other way round; {how}"
    )
