"""Lines of text from a byte stream (standard input, a file), decoded and batched as they arrive.

``rnnkit translate text`` reads what may be 100,000 lines from a pipe, or one line at a time from a
person typing. Reading everything first would hold it all in memory and print nothing until the end;
a Ctrl-C would lose every translation done. :class:`LineReader` instead yields small batches: a batch is
handed on as soon as it holds ``size`` counted lines, or when nothing more is waiting in the pipe (so a
line typed alone is translated at once), or at the end. The caller prints each batch's results and
flushes, so output starts at once, memory stays bounded by a batch, and Ctrl-C keeps what was printed.

Decoding is incremental in any codec Python knows (``cp949``, ``utf-16``...). By default it is UTF-8
(a BOM dropped), or UTF-16 or UTF-32 where the stream opens with that byte-order mark (Windows Notepad's
"Unicode", piped in); an encoding given is read as given. Bytes that are not valid in the encoding are one :class:`RnnkitError` line naming the
line number and the encoding, never a ``UnicodeDecodeError`` or a later ``TypeError``.

Whether more input is waiting is asked with ``select`` on the stream's file descriptor (POSIX pipes,
terminals and files). Where that is not possible (Windows pipes, in-memory streams) a batch is handed on
when full or at the end.
"""

from __future__ import annotations

import codecs
import os
import re
import select
from collections.abc import Callable, Iterator
from typing import BinaryIO

from rnnkit.utils.byte_order import (
    ARCHIVES,
    DOCUMENTS,
    MAGIC_BYTES,
    archive,
    may_become_mark,
    not_text,
    text_encoding,
    weights_cut_short,
)
from rnnkit.utils.errors import RnnkitError

CHUNK = 1 << 16  # bytes read at a time
LINE_BREAK = re.compile(r"\r\n|\n|\r")  # what ends a line: Python's universal newlines


def split_lines(text: str) -> list[str]:
    """``text`` split at ``\\n``, ``\\r\\n`` and ``\\r`` only, a final line end ending the last line: the
    lines an editor numbers and :class:`LineReader` reads (``str.splitlines`` also splits at form feeds,
    NEL and U+2028, so one line would give two translations and line numbers drift from the editor's)."""
    lines = LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


class LineReader:
    """Decoded lines of ``stream`` (without their line end), in batches. A line ends at ``\\n``, ``\\r\\n``
    or a lone ``\\r`` (an old Mac file) only, as Python's own files read text (``newline=None``) and
    an editor numbers lines: a form feed, U+0085 (NEL: what a Windows-1252 ellipsis read as
    ``--encoding latin-1`` becomes) or U+2028 stays inside its line (``str.splitlines`` would cut
    there), so each line read gives one line out.

    Args:
        stream: a binary stream (``sys.stdin.buffer``, an ``open(path, "rb")`` file, ``io.BytesIO``).
        encoding: a Python codec name; None: UTF-8, or UTF-16/UTF-32 by the stream's byte-order mark.
        source: how messages name the stream (``"standard input"``, a path).
    """

    def __init__(self, stream: BinaryIO, encoding: str | None = None, source: str = "standard input") -> None:
        self._by_mark = encoding is None
        encoding = encoding or "utf-8"
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            raise RnnkitError(
                f"unknown encoding {encoding!r} (Python codec names: utf-8, cp949, ...)"
            ) from None
        if not info._is_text_encoding:  # base64, zlib, rot13: bytes to bytes, not bytes to text
            raise RnnkitError(f"{encoding!r} is not a text encoding (Python codec names: utf-8, cp949, ...)")
        name = info.name
        self.encoding = encoding
        self.source = source
        self.stream = stream
        self._decoder_name = name
        self._decoder = codecs.getincrementaldecoder(name)()
        self._marked = name == "utf-8"  # its first bytes may be a mark still to be read
        self._head = b""  # the first bytes, held until they show whether they are a byte-order mark
        self._start = b""  # the stream's first bytes as read, for a compressed file's or weights' magic
        self._pending = ""  # text after the last newline
        self._lines_done = 0  # lines completed so far (for messages)
        self._eof = False
        try:
            self._fd: int | None = stream.fileno()
        except (AttributeError, OSError, ValueError):
            self._fd = None

    def _waiting(self) -> bool:
        """Whether reading now would not block (True where that cannot be asked)."""
        if self._fd is None:
            return True
        try:
            return bool(select.select([self._fd], [], [], 0)[0])
        except (OSError, ValueError):  # Windows pipes: select takes only sockets
            return True

    def _read(self) -> bytes:
        if self._fd is not None:
            return os.read(self._fd, CHUNK)  # what is there, without waiting for a full chunk
        read1 = getattr(self.stream, "read1", None)
        return read1(CHUNK) if read1 is not None else self.stream.read(CHUNK)

    def _after_mark(self, data: bytes) -> bytes:
        """``data``, or what it completes of UTF-8's first bytes once they show whether they are a
        mark: UTF-8's is dropped (Python's utf-8-sig would also drop a mark cut short at the end, bytes
        that are no text); where no encoding was given, UTF-16's or UTF-32's makes the decoder that
        codec's (it drops the mark and reads the byte order from it). A pipe may hand over one byte at a
        time, so those bytes are gathered first; a line typed (no mark's first byte) is decoded at once."""
        if not self._marked:
            return data
        self._head += data
        if data and may_become_mark(self._head):
            return b""
        data, self._head, self._marked = self._head, b"", False
        marked = text_encoding(data) if self._by_mark else None
        if marked:
            self.encoding = marked.lower()
            self._decoder_name = self.encoding
            self._decoder = codecs.getincrementaldecoder(self.encoding)()
        return data if marked else data.removeprefix(codecs.BOM_UTF8)

    def _decode(self, data: bytes) -> str:
        final = not data  # the end of the stream
        data = self._after_mark(data)
        state = self._decoder.getstate()
        try:
            return self._decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            self._refuse_archive()
            # the lines completed before this chunk, and those before the bad byte inside it (the bytes
            # the decoder held from the last chunk included), read in the byte order it had found:
            # a chunk of UTF-16-BE after the mark is not UTF-16 from its own start
            line = self._lines_done + 1 + self._newlines(exc.object[: exc.start], state[1])
            raise RnnkitError(
                f"{self.source} line {line} is not {self.encoding} text (give its encoding with --encoding)"
            ) from None
        except UnicodeError as exc:  # not a decoding error: utf-16 named and the stream has no mark...
            name = self._decoder_name
            if name in ("utf-16", "utf-32"):
                raise RnnkitError(
                    f"{self.source} does not open with a {name} byte-order mark (give its byte order: "
                    f"--encoding {name}-le or {name}-be)"
                ) from None
            raise RnnkitError(f"{self.source} is not {self.encoding} text ({exc})") from None  # idna's labels

    def _refuse_archive(self) -> None:
        """Say that the stream is compressed (``gzip-compressed``), or a picture, a PDF, an office
        document or model weights (:func:`~rnnkit.utils.byte_order.not_text`), where its bytes are no
        text: "line 1 is not utf-8 text (give its encoding)" sent the user after encodings, none of
        which reads it."""
        while (
            not_text(self._start) is None
            and (
                weights_cut_short(self._start)  # a torch.save zip before its first name: not 'a zip archive'
                or archive(self._start) is None
                and any(m[: len(self._start)] == self._start for m, *_ in (*ARCHIVES, *DOCUMENTS))
            )
        ):
            more = self._read()  # a pipe that handed over part of a magic: the stream is no text anyway
            if not more:
                break
            self._start += more[: MAGIC_BYTES - len(self._start)]
        if why := not_text(self._start, self.source):
            raise RnnkitError(f"{self.source} is {why}")
        if found := archive(self._start):
            what, tool = found
            raise RnnkitError(
                f"{self.source} is {what}, not text: decompress it with {tool} first and give the text"
            )

    def _newlines(self, decoded: bytes, flag: int) -> int:
        """How many lines ``decoded`` (bytes read well) ends, in the decoder's byte order ``flag`` (a line
        held by its ``\\r``, which the next read shows to be a lone one or a CRLF's, counted)."""
        before = codecs.getincrementaldecoder(self._decoder_name)(errors="replace")
        before.setstate((b"", flag))
        try:
            text = before.decode(decoded)
        except UnicodeError:  # idna has no "replace"; it reads ASCII bytes
            text = decoded.decode("latin-1")
        return len(LINE_BREAK.findall(self._pending[-1:] + text))

    def _fill(self, ready: list[str]) -> None:
        """Read one chunk; move the complete lines into ``ready``."""
        data = self._read()
        if len(self._start) < MAGIC_BYTES:
            self._start += data[: MAGIC_BYTES - len(self._start)]
        text = self._pending + self._decode(data)
        if not data:
            self._eof = True
            if text:
                text += "\n"
        *lines, self._pending = LINE_BREAK.split(text)
        if lines and not self._pending and text.endswith("\r") and not self._eof:
            self._pending = lines.pop() + "\r"  # a CRLF cut between two reads: its \n may come next
        for k, line in enumerate(lines):
            if "\x00" in line:  # NUL is valid UTF-8, but no text holds it: UTF-16 read as UTF-8
                self._refuse_archive()  # or a zip archive's header
                raise RnnkitError(
                    f"{self.source} line {self._lines_done + k + 1} holds NUL bytes: not {self.encoding} text "
                    "(UTF-16 without a byte-order mark? give its encoding with --encoding utf-16-le)"
                )
        self._lines_done += len(lines)
        # a mark opening a line is a file's, joined on with cat: invisible, but echoed by --n-best
        ready.extend(line.removeprefix("\ufeff") for line in lines)

    def batches(
        self, size: int, counts: Callable[[str], bool] = lambda line: True, grow_to: int | None = None
    ) -> Iterator[list[str]]:
        """Batches holding at most ``size`` lines for which ``counts`` is true (others ride along:
        translate counts non-empty lines), in order. A batch is yielded when full, when no more input
        is waiting and it holds a counted line, or at the end (the last may hold no counted line).

        ``grow_to``: after each batch the size doubles, up to ``grow_to``: the first result comes as
        fast as with small batches, and later ones are big enough to be sorted by length well.
        """
        ready: list[str] = []
        while True:
            counted = sum(map(counts, ready))
            if not self._eof and counted < size and (counted == 0 or self._waiting()):
                self._fill(ready)
                continue
            if not ready:
                return
            cut, seen = len(ready), 0
            for i, line in enumerate(ready):
                seen += counts(line)
                if seen == size:
                    cut = i + 1
                    break
            batch, ready = ready[:cut], ready[cut:]
            yield batch
            if grow_to is not None:
                size = min(2 * size, grow_to)

    def lines(self) -> Iterator[str]:
        """Every line, one at a time."""
        for batch in self.batches(1):
            yield from batch
