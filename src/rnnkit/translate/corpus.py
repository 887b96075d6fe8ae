"""Readers for the parallel-corpus formats users bring, with every skipped line counted.

Formats (``fmt``):

- ``anki``: Anki/Tatoeba ``eng<TAB>other<TAB>attribution`` (the attribution is optional; lines starting
  with ``#`` are comments). English is column 1, so one of the two languages must be ``en``. The bundled
  corpus ``data/en_ko.tsv`` is in this format.
- ``moses``: two line-aligned files (``src_file``, ``tgt_file``); differing line counts are an error.
- ``tsv`` / ``csv``: a header row naming the columns; ``src_col``/``tgt_col`` default to the language
  codes (``en``, ``ko``).
- ``jsonl``: one JSON object per line with the same keys.
- ``auto``: chosen from the file suffix (``.jsonl``/``.json`` → jsonl, ``.csv`` → csv, ``.tsv``/``.txt``
  → anki when the first data line has no header named after a language, tsv otherwise).

Empty and malformed lines are never dropped silently: :class:`ReadReport` counts them and keeps the
first few line numbers with the reason, and the command line prints its summary.
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
    examples: list[str] = field(default_factory=list)

    def bad(self, kind: str, line_no: int, why: str) -> None:
        """Count one unusable line (``kind`` is ``empty`` or ``malformed``)."""
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < _EXAMPLES_KEPT:
            self.examples.append(f"line {line_no}: {why}")

    def summary(self) -> str:
        """One line for the user, e.g. ``read 120 pairs from x.tsv (125 lines: 3 comment, 1 empty, ...)``."""
        text = (
            f"read {self.pairs} pairs from {self.source} ({self.lines} lines: {self.comments} comment, "
            f"{self.empty} empty, {self.malformed} malformed)"
        )
        if self.examples:
            text += "; skipped " + "; ".join(self.examples)
        return text


def clean(text: str) -> str:
    """NFC-normalise (Korean typed on some systems arrives decomposed) and collapse whitespace."""
    return " ".join(unicodedata.normalize("NFC", text).split())


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


def read_text(path: Path) -> str:
    """A corpus file's text, or a one-line error: a folder, a missing file, or bytes that are not UTF-8
    (named by their line)."""
    if path.is_dir():
        raise RnnkitError(f"{path} is a folder; give the corpus file")
    if not path.is_file():
        raise RnnkitError(f"corpus file not found: {path}")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RnnkitError(f"{path}: line {line} is not UTF-8 text") from None


def _keep(report: ReadReport, pairs: list[Pair], line_no: int, src: str, tgt: str) -> None:
    src, tgt = clean(src), clean(tgt)
    if not src or not tgt:
        report.bad("empty", line_no, "a side is empty")
        return
    pairs.append((src, tgt))


def read_anki(path: Path, src_lang: str = "en", tgt_lang: str = "ko") -> tuple[list[Pair], ReadReport]:
    """``english<TAB>other[<TAB>attribution]`` per line; ``#`` lines are comments."""
    forward = _orient(src_lang, tgt_lang, "anki")
    report, pairs = ReadReport(str(path)), []
    for no, line in enumerate(file_lines(read_text(path)), start=1):
        report.lines += 1
        if line.startswith("#"):
            report.comments += 1
            continue
        if not line.strip():
            report.bad("empty", no, "blank line")
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3):
            report.bad("malformed", no, f"{len(fields)} tab-separated fields, expected 2 or 3")
            continue
        en, other = fields[0], fields[1]
        _keep(report, pairs, no, *((en, other) if forward else (other, en)))
    report.pairs = len(pairs)
    return pairs, report


def read_moses(src_file: Path, tgt_file: Path) -> tuple[list[Pair], ReadReport]:
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
        _keep(report, pairs, no, src, tgt)
    report.pairs = len(pairs)
    return pairs, report


def read_table(path: Path, src_col: str, tgt_col: str, delimiter: str) -> tuple[list[Pair], ReadReport]:
    """TSV or CSV with a header row; ``src_col``/``tgt_col`` name the columns."""
    text = read_text(path)
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = _next_row(rows, path)
    if header is None:
        raise RnnkitError(f"{path} is empty: no header row")
    header = [h.strip() for h in header]
    for col in (src_col, tgt_col):
        if col not in header:
            raise RnnkitError(f"{path} has no column {col!r}; columns: {', '.join(header)}")
    si, ti = header.index(src_col), header.index(tgt_col)
    report, pairs = ReadReport(str(path), lines=1, comments=0), []
    while (row := _next_row(rows, path)) is not None:
        report.lines += 1
        no = rows.line_num
        if not row or not any(c.strip() for c in row):
            report.bad("empty", no, "blank line")
            continue
        if len(row) != len(header):
            report.bad("malformed", no, f"{len(row)} fields, the header has {len(header)}")
            continue
        _keep(report, pairs, no, row[si], row[ti])
    report.pairs = len(pairs)
    return pairs, report


def _next_row(rows, path: Path) -> list[str] | None:  # noqa: ANN001
    """The next CSV row, or None at the end; a field over csv's limit (128 KiB: an unclosed quote
    swallows the rest of the file) is one line naming where, not a csv.Error traceback."""
    try:
        return next(rows, None)
    except csv.Error as exc:
        raise RnnkitError(
            f"{path}:{rows.line_num}: {exc} (an unclosed quote, or a field over 128 KiB?)"
        ) from None


def read_jsonl(path: Path, src_col: str, tgt_col: str) -> tuple[list[Pair], ReadReport]:
    """One JSON object per line, e.g. ``{"en": "Hello.", "ko": "안녕하세요."}``."""
    report, pairs = ReadReport(str(path)), []
    for no, line in enumerate(file_lines(read_text(path)), start=1):
        report.lines += 1
        if not line.strip():
            report.bad("empty", no, "blank line")
            continue
        try:  # limits on nesting and number size: a hostile line is counted, never a traceback
            obj = parse_json(line, "the line")
        except RnnkitError as exc:
            report.bad("malformed", no, str(exc))
            continue
        if not isinstance(obj, dict):
            report.bad("malformed", no, "not a JSON object")
            continue
        src, tgt = obj.get(src_col), obj.get(tgt_col)
        if not isinstance(src, str) or not isinstance(tgt, str):
            report.bad("malformed", no, f"needs string fields {src_col!r} and {tgt_col!r}")
            continue
        _keep(report, pairs, no, src, tgt)
    report.pairs = len(pairs)
    return pairs, report


def detect_format(path: Path, src_col: str, tgt_col: str) -> str:
    """Guess the format from the suffix (and, for tab files, whether line 1 is a header)."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    first = next((ln for ln in file_lines(read_text(path)) if ln and not ln.startswith("#")), "")
    names = [f.strip() for f in first.split("\t")]
    return "tsv" if src_col in names and tgt_col in names else "anki"


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
        pairs, report = read_moses(Path(src_file), Path(tgt_file))
    else:
        path = Path(path) if path is not None else BUNDLED
        if fmt == "auto":
            fmt = detect_format(path, src_col, tgt_col)
        if fmt == "anki":
            pairs, report = read_anki(path, src_lang, tgt_lang)
        elif fmt in ("tsv", "csv"):
            pairs, report = read_table(path, src_col, tgt_col, "\t" if fmt == "tsv" else ",")
        else:
            pairs, report = read_jsonl(path, src_col, tgt_col)
    if not pairs:
        raise RnnkitError(f"no usable sentence pairs in {report.source} ({report.lines} lines)")
    return pairs, report
