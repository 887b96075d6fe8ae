"""A corpus file read record by record from any byte offset, never whole (``translate train --stream``).

:class:`PairStream` reads one record at a time (``anki``, ``tsv`` with a header row, ``csv`` with a
header row, or ``jsonl``) and reports each record's end as a byte offset, so a reader can stop anywhere
and later :meth:`PairStream.records` from that offset again: the stream position of a training run is
``(offset, line number)``, two integers, whatever the corpus size. A record is one line, or in ``csv``
the lines up to where csv's quoting ends it (a quoted field may hold line breaks). ``moses`` (two
files) is refused in stream mode with a one-line error.

Each record is read by the parser of the whole-file reader (:mod:`~rnnkit.translate.corpus_records`:
:class:`~.corpus_records.AnkiLines`, :class:`~.corpus_records.TableRows`,
:func:`~.corpus_records.csv_rows`, :func:`~.corpus_records.json_line`) and cleaned by the same rule
(:func:`~.corpus_text.sentence_pair`), with lines ending where an editor ends them (``\n``, ``\r\n``
or a lone ``\r``): a file streamed gives the pairs it gives read whole, and skips the same lines for
the same reasons. Lines that cannot
be used (blank, malformed, a control character, Korean on the wrong side) yield ``None`` as the pair
and say why; comments and an anki file's header line (which says the columns' order) yield ``None``
too. A line that is not UTF-8 is an error naming its line number, as a whole-file read is, and a
UTF-16 or UTF-32 file (its byte-order mark) is refused whole: its lines cannot be found byte by byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rnnkit.translate.corpus import BUNDLED, Pair, named_columns, refuse_named_columns, tab_format
from rnnkit.translate.corpus_records import (
    EMPTY,
    MALFORMED,
    PAIR,
    AnkiLines,
    TableRows,
    csv_rows,
    header_row,
    json_keys,
    json_line,
    tsv_row,
)
from rnnkit.translate.corpus_records import Record as FileRecord
from rnnkit.translate.corpus_source import check_corpus_path, refuse_no_text
from rnnkit.translate.corpus_text import (
    SWAPPED,
    cp949_hint,
    korean_side,
    read_preamble,
    sentence_pair,
    text_encoding,
)
from rnnkit.utils.errors import RnnkitError

STREAM_FORMATS = ("anki", "tsv", "csv", "jsonl")
MOSES_REFUSED = "--stream reads one corpus file (anki, tsv, csv or jsonl), not moses files"
_CHUNK = 1 << 16  # bytes read at a time


@dataclass(frozen=True)
class Record:
    """One record of the file: where the next record starts, its first line's 1-based number, its pair
    (or None), what the record is (``pair``, ``comment``, ``header``, ``empty`` or ``malformed``, as the
    whole-file reader counts it), for an unusable record why (the whole-file reader's words), and its
    last line (a CSV record holding a line break spans several; 0: ``line_no``)."""

    end: int
    line_no: int
    pair: Pair | None
    kind: str = PAIR
    why: str = ""
    last: int = 0

    @property
    def position(self) -> tuple[int, int]:
        """``(offset, line number)`` to give :meth:`PairStream.records` for the records after this one."""
        return self.end, self.last or self.line_no


def stream_format(path: Path, fmt: str, src_col: str, tgt_col: str, named: bool = False) -> str:
    """The line format of ``path``: ``fmt`` itself, or for ``auto`` a guess from the suffix and the
    first non-comment line (read alone, as the whole-file reader guesses, ``named`` as there:
    :func:`~.corpus.tab_format`; the file is never read whole)."""
    if fmt == "moses":
        raise RnnkitError(MOSES_REFUSED)
    if fmt != "auto":
        if fmt == "jsonl":
            _refuse_json_array(path)
        return fmt
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        _refuse_json_array(path)
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    with _open(path) as f:
        for _, line in _numbered(f, path):
            if line.strip() and not line.startswith("#"):
                return tab_format(line, src_col, tgt_col, named)
    return "tsv" if named else "anki"


def _refuse_json_array(path: Path) -> None:
    """A file that is one JSON array has no record per line: one line saying so."""
    with _open(path) as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        raise RnnkitError(f"--stream reads JSON Lines (an object a line), and {path} is one JSON array: "
                          "train without --stream, or write an object a line")  # fmt: skip


def _open(path: Path) -> BinaryIO:
    check_corpus_path(path)
    try:
        f = path.open("rb")
    except OSError as exc:
        raise RnnkitError(f"cannot read {path}: {exc.strerror or exc.__class__.__name__}") from None
    head = f.read(4096)  # a sample for the NUL count of UTF-16 without its mark, as the file read whole
    try:
        refuse_no_text(path, head)
    except RnnkitError:
        f.close()
        raise
    if encoding := text_encoding(head[:4]):
        f.close()
        raise RnnkitError(f"--stream reads UTF-8 text, and {path} is {encoding}: save it as UTF-8 "
                          "(or train without --stream)")  # fmt: skip
    f.seek(0)
    return f


def raw_lines(f: BinaryIO) -> Iterator[bytes]:
    """Each line's bytes from ``f``'s position, its line end included: a line ends at ``\n``, ``\r\n``
    or a lone ``\r``, as :func:`~rnnkit.translate.corpus_text.file_lines` splits a file read whole
    (``readline`` would join an old Mac file's lines into one). Reads a chunk at a time; a chunk
    without a line end is held, not joined and split again with each (a line of megabytes took time
    growing with its square)."""
    held: list[bytes] = []  # the start of a line still going on
    while chunk := f.read(_CHUNK):
        if b"\n" not in chunk and b"\r" not in chunk:
            held.append(chunk)
            continue
        lines = b"".join([*held, chunk]).splitlines(keepends=True)  # at \n, \r\n and \r only
        # the last line is whole when it ends in \n; one ending in \r may be half of a \r\n
        held = [] if lines[-1].endswith(b"\n") else [lines.pop()]
        yield from lines
    yield from b"".join(held).splitlines(keepends=True)  # a last \r held, then text: two lines


def _decode(raw: bytes, path: Path, line_no: int) -> str:
    """A line's text without its line end (a byte-order mark dropped from line 1); bytes that are not
    UTF-8 are the whole-file reader's one-line error."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RnnkitError(f"{path}: line {line_no} is not UTF-8 text{cp949_hint(raw)}") from None
    if line_no == 1:
        text = text.removeprefix("\ufeff")
    return text.rstrip("\r\n")


def _numbered(f: BinaryIO, path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of every line of ``f`` from its start."""
    for no, raw in enumerate(raw_lines(f), start=1):
        yield no, _decode(raw, path, no)


class CsvLines:
    """The lines of ``f`` from its position, as csv reads a file read whole (each line's end ``\n``:
    ``io.StringIO(text, newline=None)``), counting the bytes handed over. csv takes no line past the
    end of the record it returns, so after each record :attr:`read` is where the record ends (and
    after a tsv's header line, where its data start).

    Args:
        f: the file, at a record's start.
        path: its name, for errors.
        line_no: the number of the line before ``f``'s position.
        tap: sees each line's bytes.
    """

    def __init__(
        self, f: BinaryIO, path: Path, line_no: int, tap: Callable[[bytes], object] | None = None
    ) -> None:
        self.f, self.path, self.line_no, self.tap = f, path, line_no, tap
        self.read = 0  # bytes handed to csv

    def __iter__(self) -> Iterator[str]:
        for raw in raw_lines(self.f):
            self.line_no += 1
            self.read += len(raw)
            if self.tap is not None:
                self.tap(raw)
            text = _decode(raw, self.path, self.line_no)
            yield text + "\n" if raw.endswith((b"\n", b"\r")) else text


class PairStream:
    """(source, target) pairs of a corpus file (one that is not moses), from any byte offset.

    Args:
        path: the corpus file (None: the bundled corpus).
        fmt: ``auto``, ``anki``, ``tsv``, ``csv`` or ``jsonl``.
        src_lang, tgt_lang: language codes; anki files hold English in column 1.
        src_col, tgt_col: tsv or csv column names or jsonl keys (default: the language codes).

    Raises:
        RnnkitError: a missing file, moses, or a tsv or csv header without the columns.
    """

    def __init__(
        self,
        path: str | Path | None,
        fmt: str = "auto",
        src_lang: str = "en",
        tgt_lang: str = "ko",
        src_col: str | None = None,
        tgt_col: str | None = None,
    ) -> None:
        if src_lang == tgt_lang:
            raise RnnkitError(f"--src-lang and --tgt-lang are both {src_lang!r}")
        refuse_named_columns(fmt, src_col, tgt_col)
        self.path = Path(path) if path is not None else BUNDLED
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self.src_col, self.tgt_col = src_col or src_lang, tgt_col or tgt_lang
        named = named_columns(src_lang, tgt_lang, src_col, tgt_col)
        self.fmt = stream_format(self.path, fmt, self.src_col, self.tgt_col, named)
        self.ko_side = korean_side(src_lang, tgt_lang)
        self.start = 0  # where data records begin (after a tsv's or csv's header row)
        self.start_line = 0  # the line before them
        self.swapped = 0  # lines read with Hangul on the other side only (every pass counts them)
        table = self.fmt in ("tsv", "csv")
        self._table: TableRows | None = self._header("," if self.fmt == "csv" else "\t") if table else None
        # a csv record is one or more lines (csv_rows), any other format's one line
        self._line: Callable[[int, str], FileRecord] | None = None if self.fmt == "csv" else self._reader()

    def _reader(self) -> Callable[[int, str], FileRecord]:
        """The whole-file parser's reading of one line of this file, its preamble or header read first
        (a few lines, never the file)."""
        if self.fmt == "jsonl":
            cols = json_keys(self.src_col, self.tgt_col)
            return lambda no, line: json_line(no, line, cols)
        if self.fmt == "tsv":
            table = self._table
            assert table is not None
            return lambda no, line: table.record(no, no, tsv_row(line))
        with _open(self.path) as f:
            head = read_preamble(_numbered(f, self.path), self.src_lang, self.tgt_lang, self.path)
        return AnkiLines(head, self.src_lang, self.tgt_lang).record

    def _header(self, delimiter: str) -> TableRows:
        """A tsv's or csv's header record, read as the whole-file reader reads it (blank lines before it
        skipped: :func:`~.corpus_records.header_row`), and where the data start (a few lines, never the
        file)."""
        with _open(self.path) as f:
            lines = CsvLines(f, self.path, 0)
            if delimiter == ",":
                rows = csv_rows(lines, self.path)
            else:  # a line a record; line_no is the line just handed over
                rows = ((lines.line_no, lines.line_no, tsv_row(text.removesuffix("\n"))) for text in lines)
            header = header_row(rows, self.path, tab := delimiter == "\t")
        self.start, self.start_line = lines.read, header[1]
        return TableRows(header[2], self.src_col, self.tgt_col, delimiter, self.path, tab and header[3])

    def records(
        self,
        offset: int | None = None,
        line_no: int | None = None,
        tap: Callable[[bytes], object] | None = None,
    ) -> Iterator[Record]:
        """Every record from byte ``offset`` (default: the first data record) to the end, one at a time.

        ``offset`` and ``line_no`` are where a record ends and the number of its last line (a
        :class:`Record`'s :attr:`~Record.position`), so numbers in messages stay those of the file.
        ``tap`` sees each line's bytes (a digest of the file, say).
        """
        offset = self.start if offset is None else offset
        no = self.start_line if line_no is None else line_no
        with _open(self.path) as f:
            f.seek(offset)
            if self._line is None:  # csv: records of one or more lines
                yield from self._csv_records(f, offset, no, tap)
                return
            assert self._line is not None
            for raw in raw_lines(f):
                no += 1
                offset += len(raw)
                if tap is not None:
                    tap(raw)
                yield self._record(offset, self._line(no, _decode(raw, self.path, no)))

    def _csv_records(
        self, f: BinaryIO, offset: int, line_no: int, tap: Callable[[bytes], object] | None
    ) -> Iterator[Record]:
        """The records of a csv file from ``offset`` (a record's end, line ``line_no`` its last line)."""
        assert self._table is not None
        lines = CsvLines(f, self.path, line_no, tap)
        for first, last, row in csv_rows(lines, self.path, before=line_no):
            yield self._record(offset + lines.read, self._table.record(first, last, row))

    def _record(self, end: int, found: FileRecord) -> Record:
        """The stream's record of what the parser found: the pair cleaned, or why there is none (the
        whole-file reader's kinds and words: :func:`~rnnkit.translate.corpus._keep`)."""
        last = found.last if found.last != found.no else 0
        if found.kind != PAIR:
            return Record(end, found.no, None, found.kind, found.why, last)
        pair, why = sentence_pair(*found.sides, self.ko_side)
        if why is None:
            return Record(end, found.no, pair, last=last)
        self.swapped += why == SWAPPED
        return Record(end, found.no, None, MALFORMED if all(pair) else EMPTY, why, last)
