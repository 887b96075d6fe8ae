"""A corpus file read line by line from any byte offset, never whole (``translate train --stream``).

:class:`PairStream` parses one line at a time (``anki``, ``tsv`` with a header row, or ``jsonl``: the
formats whose records are single lines) and reports each line's end as a byte offset, so a reader can
stop anywhere and later :meth:`PairStream.records` from that offset again: the stream position of a
training run is ``(offset, line number)``, two integers, whatever the corpus size. ``csv`` (a quoted
field may span lines) and ``moses`` (two files) are refused in stream mode with a one-line error.

Lines that cannot be used (blank, malformed, a control character, Korean on the wrong side: the rules
of :mod:`~rnnkit.translate.corpus`) yield ``None`` as the pair and are counted by the caller, as is an
anki file's header line (which says the columns' order); a line that is not UTF-8 is an error naming
its line number, as a whole-file read is, and a UTF-16 or UTF-32 file (its byte-order mark) is refused
whole: its lines cannot be found byte by byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rnnkit.translate.corpus import BUNDLED, Pair, tab_format
from rnnkit.translate.corpus_records import column_index
from rnnkit.translate.corpus_text import (
    SWAPPED,
    AnkiLayout,
    english_first,
    korean_side,
    read_preamble,
    sentence_fields,
    sentence_pair,
    text_encoding,
    unquote,
)
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.schema import parse_json

STREAM_FORMATS = ("anki", "tsv", "jsonl")


@dataclass(frozen=True)
class Record:
    """One line of the file: where the next line starts, its 1-based number, and its pair (or None)."""

    end: int
    line_no: int
    pair: Pair | None


def stream_format(path: Path, fmt: str, src_col: str, tgt_col: str) -> str:
    """The line format of ``path``: ``fmt`` itself, or for ``auto`` a guess from the suffix and the
    first non-comment line (read alone; the file is never read whole)."""
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
        for no, raw in enumerate(f, start=1):
            line = _decode(raw, path, no)
            if line.strip() and not line.startswith("#"):
                return tab_format(line, src_col, tgt_col)
    return "anki"


def _refuse_json_array(path: Path) -> None:
    """A file that is one JSON array has no record per line: one line saying so."""
    with _open(path) as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        raise RnnkitError(f"--stream reads JSON Lines (an object a line), and {path} is one JSON array: "
                          "train without --stream, or write an object a line")  # fmt: skip


def _open(path: Path):  # noqa: ANN202 - a binary file object
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


def _decode(raw: bytes, path: Path, line_no: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RnnkitError(f"{path} line {line_no} is not UTF-8 text") from None
    if line_no == 1:
        text = text.removeprefix("\ufeff")
    return text.rstrip("\r\n")


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
        self.start, self.columns = 0, (0, 1)  # where data lines begin; tsv: the two column indices
        self.forward, self.header_no = True, 0  # anki: the columns' order, and its header line (0: none)
        self.layout = AnkiLayout()  # anki: what an Anki export's directives say
        self.swapped = 0  # lines read with Hangul on the other side only (every pass counts them)
        if self.fmt == "tsv":
            self._read_header()
        elif self.fmt == "anki":
            self._read_anki_header(src_lang, tgt_lang)

    def _read_anki_header(self, src_lang: str, tgt_lang: str) -> None:
        """The columns' order and layout from the lines before the first pair (an Anki export's
        directives, a header line), else English first."""
        with _open(self.path) as f:
            lines = ((no, _decode(raw, self.path, no)) for no, raw in enumerate(f, start=1))
            head = read_preamble(lines, src_lang, tgt_lang, self.path)
        self.layout, self.header_no = head.layout, head.header_no
        self.forward = english_first(src_lang, tgt_lang) if head.order is None else head.order

    def _read_header(self) -> None:
        with _open(self.path) as f:
            raw = f.readline()
            header = [c.strip() for c in _decode(raw, self.path, 1).split("\t")]
            self.start = f.tell()
        self.columns = (
            column_index(header, self.src_col, self.path),
            column_index(header, self.tgt_col, self.path),
        )

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
            while raw := f.readline():
                no += 1
                offset += len(raw)
                if tap is not None:
                    tap(raw)
                line = _decode(raw, self.path, no)
                yield Record(offset, no, None if no == self.header_no else self.parse(line))

    def parse(self, line: str) -> Pair | None:
        """The pair on one line, or None for a comment, blank or malformed line."""
        if not line.strip() or (self.fmt == "anki" and line.startswith("#")):
            return None
        if self.fmt == "jsonl":
            try:
                obj = parse_json(line, "the line")
            except RnnkitError:
                return None
            if not isinstance(obj, dict):
                return None
            if self.src_col not in obj and isinstance(obj.get("translation"), dict):
                obj = obj["translation"]  # Hugging Face datasets' translation pairs
            src, tgt = obj.get(self.src_col), obj.get(self.tgt_col)
            if not isinstance(src, str) or not isinstance(tgt, str):
                return None
        else:
            fields = self.layout.fields(line) if self.fmt == "anki" else line.split("\t")
            if self.fmt == "anki":
                if (sides := sentence_fields(fields)) is None:
                    return None
                src, tgt = sides if self.forward else sides[::-1]
            else:
                if len(fields) <= max(self.columns):
                    return None
                src, tgt = unquote(fields[self.columns[0]]), unquote(fields[self.columns[1]])
        pair, why = sentence_pair(src, tgt, self.ko_side)
        self.swapped += why == SWAPPED
        return pair if why is None else None
