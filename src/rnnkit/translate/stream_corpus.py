"""A corpus file read line by line from any byte offset, never whole (``translate train --stream``).

:class:`PairStream` reads one line at a time (``anki``, ``tsv`` with a header row, or ``jsonl``: the
formats whose records are single lines) and reports each line's end as a byte offset, so a reader can
stop anywhere and later :meth:`PairStream.records` from that offset again: the stream position of a
training run is ``(offset, line number)``, two integers, whatever the corpus size. ``csv`` (a quoted
field may span lines) and ``moses`` (two files) are refused in stream mode with a one-line error.

Each line is read by the parser of the whole-file reader (:mod:`~rnnkit.translate.corpus_records`:
:class:`~.corpus_records.AnkiLines`, :class:`~.corpus_records.TableRows`,
:func:`~.corpus_records.json_line`) and cleaned by the same rule (:func:`~.corpus_text.sentence_pair`),
with lines ending where an editor ends them (``\n``, ``\r\n`` or a lone ``\r``): a file streamed
gives the pairs it gives read whole, and skips the same lines for the same reasons. Lines that cannot
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

from rnnkit.translate.corpus import BUNDLED, Pair, tab_format
from rnnkit.translate.corpus_records import (
    EMPTY,
    MALFORMED,
    PAIR,
    AnkiLines,
    TableRows,
    json_line,
    tsv_row,
)
from rnnkit.translate.corpus_records import Record as FileRecord
from rnnkit.translate.corpus_text import (
    SWAPPED,
    cp949_hint,
    korean_side,
    read_preamble,
    sentence_pair,
    text_encoding,
)
from rnnkit.utils.errors import RnnkitError

STREAM_FORMATS = ("anki", "tsv", "jsonl")
_CHUNK = 1 << 16  # bytes read at a time


@dataclass(frozen=True)
class Record:
    """One line of the file: where the next line starts, its 1-based number, its pair (or None), what
    the line is (``pair``, ``comment``, ``header``, ``empty`` or ``malformed``, as the whole-file reader
    counts it) and, for an unusable line, why (the whole-file reader's words)."""

    end: int
    line_no: int
    pair: Pair | None
    kind: str = PAIR
    why: str = ""


def stream_format(path: Path, fmt: str, src_col: str, tgt_col: str) -> str:
    """The line format of ``path``: ``fmt`` itself, or for ``auto`` a guess from the suffix and the
    first non-comment line (read alone, as the whole-file reader guesses; the file is never read whole)."""
    if fmt in ("csv", "moses"):
        raise RnnkitError(f"--stream reads anki, tsv or jsonl files (one record per line), not {fmt}")
    if fmt != "auto":
        if fmt == "jsonl":
            _refuse_json_array(path)
        return fmt
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        _refuse_json_array(path)
        return "jsonl"
    if suffix == ".csv":
        raise RnnkitError("--stream reads anki, tsv or jsonl files (one record per line), not csv")
    with _open(path) as f:
        for _, line in _numbered(f, path):
            if line and not line.startswith("#"):
                return tab_format(line, src_col, tgt_col)
    return "anki"


def _refuse_json_array(path: Path) -> None:
    """A file that is one JSON array has no record per line: one line saying so."""
    with _open(path) as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        raise RnnkitError(f"--stream reads JSON Lines (an object a line), and {path} is one JSON array: "
                          "train without --stream, or write an object a line")  # fmt: skip


def _open(path: Path) -> BinaryIO:
    if path.is_dir():
        raise RnnkitError(f"{path} is a folder; give the corpus file")
    if not path.is_file():
        raise RnnkitError(f"corpus file not found: {path}")
    try:
        f = path.open("rb")
    except OSError as exc:
        raise RnnkitError(f"cannot read {path}: {exc.strerror or exc.__class__.__name__}") from None
    if encoding := text_encoding(f.read(4)):
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


class PairStream:
    """(source, target) pairs of a one-record-per-line corpus file, from any byte offset.

    Args:
        path: the corpus file (None: the bundled corpus).
        fmt: ``auto``, ``anki``, ``tsv`` or ``jsonl``.
        src_lang, tgt_lang: language codes; anki files hold English in column 1.
        src_col, tgt_col: tsv column names or jsonl keys (default: the language codes).

    Raises:
        RnnkitError: a missing file, a format that is not line-based, or a tsv header without the columns.
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
        self.path = Path(path) if path is not None else BUNDLED
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self.src_col, self.tgt_col = src_col or src_lang, tgt_col or tgt_lang
        self.fmt = stream_format(self.path, fmt, self.src_col, self.tgt_col)
        self.ko_side = korean_side(src_lang, tgt_lang)
        self.start = 0  # where data lines begin (after a tsv's header row)
        self.swapped = 0  # lines read with Hangul on the other side only (every pass counts them)
        self._line = self._reader()

    def _reader(self) -> Callable[[int, str], FileRecord]:
        """The whole-file parser's reading of one line of this file, its preamble or header read first
        (a few lines, never the file)."""
        if self.fmt == "jsonl":
            cols = (self.src_col, self.tgt_col)
            return lambda no, line: json_line(no, line, cols)
        with _open(self.path) as f:
            if self.fmt == "anki":
                head = read_preamble(_numbered(f, self.path), self.src_lang, self.tgt_lang, self.path)
                return AnkiLines(head, self.src_lang, self.tgt_lang).record
            raw = next(raw_lines(f), b"")
        if not raw:
            raise RnnkitError(f"{self.path} is empty: no header row")
        self.start = len(raw)
        table = TableRows(tsv_row(_decode(raw, self.path, 1)), self.src_col, self.tgt_col, "\t", self.path)
        return lambda no, line: table.record(no, no, tsv_row(line))

    def records(
        self,
        offset: int | None = None,
        line_no: int | None = None,
        tap: Callable[[bytes], object] | None = None,
    ) -> Iterator[Record]:
        """Every line from byte ``offset`` (default: the first data line) to the end, one at a time.

        ``line_no`` is the number of the line before ``offset`` (what a :class:`Record` ``line_no``
        said about it), so numbers in messages stay those of the file. ``tap`` sees each line's bytes
        (a digest of the file, say).
        """
        offset = self.start if offset is None else offset
        no = (1 if self.fmt == "tsv" else 0) if line_no is None else line_no
        with _open(self.path) as f:
            f.seek(offset)
            for raw in raw_lines(f):
                no += 1
                offset += len(raw)
                if tap is not None:
                    tap(raw)
                yield self._record(offset, self._line(no, _decode(raw, self.path, no)))

    def _record(self, end: int, found: FileRecord) -> Record:
        """The stream's record of what the parser found: the pair cleaned, or why there is none (the
        whole-file reader's kinds and words: :func:`~rnnkit.translate.corpus._keep`)."""
        if found.kind != PAIR:
            return Record(end, found.no, None, found.kind, found.why)
        pair, why = sentence_pair(*found.sides, self.ko_side)
        if why is None:
            return Record(end, found.no, pair)
        self.swapped += why == SWAPPED
        return Record(end, found.no, None, MALFORMED if all(pair) else EMPTY, why)
