"""Byte-order marks: the first bytes of a text file that name its Unicode encoding.

Windows Notepad saves "Unicode" as UTF-16 with a mark. A corpus file read whole, ``translate text
--input`` and standard input (:class:`rnnkit.utils.linestream.LineReader`), JSON read from bytes
(:func:`rnnkit.utils.schema.parse_json`), ``--config`` settings files and caption's text files
(:func:`decode`) all read it by this one table, and name a byte that is not text in it by its line and place
in the file (:func:`bad_byte`); and the first bytes of a compressed file (:func:`archive`)
or of a picture, a PDF or an office document given by mistake (:func:`not_text`), which are no text in any
encoding. :func:`refuse_no_text` says all of these, and UTF-16 saved without a mark, in one line, for
every reader of a user's text file (a corpus, a captions file, a settings file).
"""

from __future__ import annotations

import codecs
import io
import os
import pickletools
import re
from collections import Counter
from typing import NamedTuple

from rnnkit.utils.errors import RnnkitError

BOMS = (  # longest first: UTF-32 LE's mark begins with UTF-16 LE's
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def text_encoding(head: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` when ``head`` (a file's first bytes) starts with that byte-order mark
    (Windows Notepad saves "Unicode" as UTF-16 with one), else None: UTF-8. The codec of that name
    drops the mark and reads the byte order from it."""
    return next((name for bom, name in BOMS if head.startswith(bom)), None)


def decode(data: bytes) -> str:
    """A whole file's text: UTF-16 or UTF-32 after its byte-order mark, else UTF-8 (its mark dropped: it
    is no part of the first line). ``UnicodeDecodeError`` as :meth:`bytes.decode` raises it."""
    encoding = text_encoding(data)
    return data.decode(encoding.lower() if encoding else "utf-8-sig")


class BadByte(NamedTuple):
    """Where :func:`decode` found a byte that is not text: ``line`` (1-based, as an editor numbers lines),
    ``offset`` (0-based, from the file's first byte, its mark included, as a hex editor shows it) and
    the byte's ``value``."""

    line: int
    offset: int
    value: int


def bad_byte(data: bytes, exc: UnicodeDecodeError) -> BadByte:
    """Where in ``data`` the ``UnicodeDecodeError`` that :func:`decode` raised on it lies. The codec reading
    UTF-8 (``utf-8-sig``) counts from the end of its byte-order mark, UTF-16's and UTF-32's from the
    file's start: counted as given, a bad byte after UTF-8's mark was named 3 bytes early, and at the
    line before when it starts a line. Lines end at ``\n``, ``\r\n`` or a lone ``\r``."""
    from rnnkit.utils.linestream import LINE_BREAK  # linestream imports this module: imported when called

    offset = exc.start + len(data) - len(exc.object)  # the bytes the codec dropped before it read
    encoding = text_encoding(data) or "utf-8"
    line = len(LINE_BREAK.findall(data[:offset].decode(encoding.lower(), errors="replace"))) + 1
    return BadByte(line, offset, data[offset])


def may_become_mark(head: bytes) -> bool:
    """Whether more bytes after ``head`` could still make it a longer mark (UTF-8's too): a reader
    that gets its first bytes a few at a time waits for them before choosing the encoding."""
    marks = [bom for bom, _ in BOMS] + [b"\xef\xbb\xbf"]
    return any(len(head) < len(bom) and bom.startswith(head) for bom in marks)


# the first bytes of the compressed files and archives text arrives in (a .tsv.gz, manythings.org's
# kor-eng.zip), what each is, and the tool that gives its text back
ARCHIVES = (
    (b"\x1f\x8b", "gzip-compressed", "zcat"),
    (b"PK\x03\x04", "a zip archive", "unzip"),
    (b"\xfd7zXZ\x00", "xz-compressed", "xzcat"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "zstdcat"),
)


def archive(head: bytes) -> tuple[str, str] | None:
    """``(what, tool)`` when ``head`` (a file's first 6 bytes or more) starts a compressed file or an
    archive (``("gzip-compressed", "zcat")``), else None: "line 1 is not UTF-8 text" would hide why."""
    return next(((what, tool) for magic, what, tool in ARCHIVES if head.startswith(magic)), None)


# the first bytes of the files picked by mistake where text is read (a picture, a PDF), what each is and
# what to do: "line 1 is not utf-8 text (give its encoding with --encoding)" sent the user after
# encodings, none of which reads them
DOCUMENTS = (
    (b"%PDF-", "a PDF document", "take its text out first (pdftotext FILE out.txt) and give that"),
    (b"\x89PNG", "a PNG image", "give a text file"),
    (b"\xff\xd8\xff", "a JPEG image", "give a text file"),
    (b"GIF87a", "a GIF image", "give a text file"),
    (b"GIF89a", "a GIF image", "give a text file"),
)
# zip archives by their suffix: an office document (a zip of XML files), not an archive to unzip
OFFICE = {
    ".docx": ("a Word document", "save it as plain text (.txt) and give that"),
    ".odt": ("an OpenDocument text", "save it as plain text (.txt) and give that"),
    ".xlsx": ("an Excel workbook", "save it as CSV and give that"),
    ".ods": ("an OpenDocument spreadsheet", "save it as CSV and give that"),
}


MAGIC_BYTES = 256  # of a file's start that :func:`not_text` reads: a torch.save zip's first name


def weights(head: bytes) -> str | None:
    """What model weights a file whose first bytes are ``head`` holds (``model.safetensors`` given where
    text is read: "line 1 is not utf-8 text (give its encoding with --encoding)" sent the user after
    encodings), else None: safetensors (its JSON header's length, 8 bytes little-endian, under 4 GiB,
    then ``{``), a ``torch.save`` file (a zip whose first member is ``NAME/data.pkl``) or a pickle
    (:func:`_pickle`; a legacy ``torch.save`` file too). UTF-16 text saved without a mark
    (:func:`utf16_unmarked`) is text first: Chinese in UTF-16 BE opening with 考 or 者 (U+8003, U+8005)
    begins ``\x80\x03``, Armenian ր (U+0580) in LE ``\x80\x05``, as a pickle does; but only for a few
    opcodes: a pickle read up to its STOP at its end, or for :data:`PICKLE_SURE` opcodes or more, is one
    though it hold UTF-16 bytes (``{'text': 'hello'.encode('utf-16-le')}``: its NULs read as UTF-16)."""
    if head[4:8] == b"\0\0\0\0" and head[8:9] == b"{":
        return "model weights (safetensors)"
    if head.startswith(b"PK\x03\x04"):  # a zip's first local header: the name's length at 26, the name at 30
        name = head[30 : 30 + int.from_bytes(head[26:28], "little")]
        return "model weights (a torch.save file)" if name.endswith(b"data.pkl") else None
    found, sure = _pickle(head)
    if found and (sure or not utf16_unmarked(head)):
        return "a Python pickle"
    return None


def weights_cut_short(head: bytes) -> bool:
    """Whether ``head``, a stream's first bytes as a pipe hands them over (a few at a time), may be model
    weights that more bytes, up to :data:`MAGIC_BYTES`, would name (:func:`weights`): a zip's first local
    header before the end of its first member's name (a torch.save file, not 'a zip archive'), or a
    pickle's first bytes (``\x80`` and a protocol of 2 to 5) short of their STOP."""
    if len(head) >= MAGIC_BYTES:
        return False
    if head.startswith(b"PK\x03\x04"):
        return len(head) < 30 or len(head) < 30 + int.from_bytes(head[26:28], "little")
    return head[:1] == b"\x80" and (len(head) < 2 or 2 <= head[1] <= 5)


_FRAME = 0x95  # pickle protocol 4's FRAME opcode: the frame's length follows, 8 bytes little-endian
PICKLE_SURE = 4  # opcodes read after the protocol (a cut one counted) that make a pickle one, UTF-16 or not
# the bytes that give a counted argument's length (pickletools' n for BINUNICODE's 4, SHORT_BINBYTES' 1,
# BINBYTES8's 8), and the least length no pickle's first bytes declare (a terabyte)
_LENGTH_BYTES = {
    pickletools.TAKEN_FROM_ARGUMENT1: 1,
    pickletools.TAKEN_FROM_ARGUMENT4: 4,
    pickletools.TAKEN_FROM_ARGUMENT4U: 4,
    pickletools.TAKEN_FROM_ARGUMENT8U: 8,
}
_ABSURD_LENGTH = 1 << 40


def _pickle(head: bytes) -> tuple[bool, bool]:
    """``(found, sure)``: whether ``head`` (a file's first bytes: :data:`MAGIC_BYTES`, or fewer when that
    is the whole file) starts a pickle of protocol 2 to 5: ``\x80`` and the protocol, then opcodes
    (:mod:`pickletools` reads them and their arguments; nothing is unpickled) each finding on the stack
    the items and the MARK it takes, a FRAME's length under 4 GiB (its high bytes NUL, which no text
    holds), up to the pickle's STOP ``.``; or, a whole :data:`MAGIC_BYTES` read, cut at its end inside an
    argument (whose declared length is under a terabyte); each opcode no newer than the protocol. Text
    that opens with those two bytes (UTF-16 BE 考 U+8003) runs into a byte that is no opcode, an opcode
    with nothing on the stack to take, or an argument no pickle holds, within a few bytes. ``sure``: it
    read up to the STOP ending the file, or :data:`PICKLE_SURE` opcodes or more (a cut one counted),
    which UTF-16 text does not: a line argument not printable ASCII (a UNICODE opcode's in UTF-16 CJK)
    is no pickle's of protocols 2 to 5, which write lines only for GLOBAL's module and name."""
    if len(head) < 3 or head[0] != 0x80 or not 2 <= head[1] <= 5:
        return False, False
    stream = io.BytesIO(head)
    stream.seek(2)
    depth, marks, read = 0, [], 0  # the stack's depth, its depth at each MARK, the opcodes read
    while code := stream.read(1):
        op = pickletools.code2op.get(code.decode("latin-1"))
        if op is None or op.proto > head[1]:
            return False, False
        at = stream.tell()
        try:
            arg = op.arg.reader(stream) if op.arg is not None else None
        except ValueError:  # cut at the end (read up to it), or an argument that is none (a count < 0)
            # after an object opened (a dict, a list, a class): weights' first bytes are their names;
            # a line cut short (a class's module and name: GLOBAL's) is ASCII
            cut = len(head) >= MAGIC_BYTES and stream.tell() == len(head)
            line = op.arg.n == pickletools.UP_TO_NEWLINE
            size = _LENGTH_BYTES.get(op.arg.n, 0)
            signed = op.arg.n == pickletools.TAKEN_FROM_ARGUMENT4  # LONG4's, BINSTRING's
            declared = (
                int.from_bytes(head[at : at + size], "little", signed=signed) if at + size <= len(head) else 0
            )
            found = cut and (depth > 0 or bool(marks)) and (not line or head[at:].isascii())
            found = found and 0 <= declared < _ABSURD_LENGTH
            return found, found and read + 1 >= PICKLE_SURE
        if code[0] == _FRAME and arg >= 1 << 32:
            return False, False
        if op.arg is not None and op.arg.n == pickletools.UP_TO_NEWLINE:
            # protocols 2-5 write lines only for a class's module and name (GLOBAL), in printable ASCII
            line = head[at : stream.tell()].decode("latin-1").replace("\n", "")  # GLOBAL's: two lines
            if not (line.isascii() and line.isprintable()):
                return False, False
        read += 1
        before = op.stack_before
        if pickletools.markobject in before:  # takes the items down to the last MARK, and those under it
            if not marks:
                return False, False
            depth = marks.pop()
            before = before[: before.index(pickletools.markobject)]
        if depth < len(before):
            return False, False
        if op.name == "STOP":  # sure at the file's end (a whole pickle) or after a few opcodes
            return True, stream.tell() == len(head) or read >= PICKLE_SURE
        if op.name == "MARK":
            marks.append(depth)
        else:
            depth += len(op.stack_after) - len(before)
    found = len(head) >= MAGIC_BYTES  # cut at an opcode by MAGIC_BYTES; else a whole file without its STOP
    return found, found


def not_text(head: bytes, name: str = "") -> str | None:
    """Why a file whose first bytes are ``head`` (6 or more; :data:`MAGIC_BYTES` to name a torch.save
    zip), named ``name``, is no text when it is a picture, a PDF, an office document or model weights
    (:func:`weights`), as the words after "FILE is" (``"a PNG image, not text: give a text file"``);
    else None."""
    found = next(((what, fix) for magic, what, fix in DOCUMENTS if head.startswith(magic)), None)
    if found is None and (held := weights(head)):
        found = (held, "give a text file")
    if found is None and head.startswith(b"PK\x03\x04"):
        found = OFFICE.get(os.path.splitext(name)[1].lower())
    return None if found is None else f"{found[0]}, not text: {found[1]}"


def utf16_without_mark(data: bytes) -> bool:
    """Whether ``data``'s NUL bytes sit at every other position, as UTF-16 writes ASCII text (``H\0i\0``),
    rather than anywhere, as in a program or an archive, and ``data`` reads as UTF-16 text in that byte
    order (:func:`utf16_text`).

    The NUL bytes alone also fit 16-bit numbers under 256 saved raw (token ids 0-255 as little-endian
    int16: ``\x05\0\xc8\0``), which were named "UTF-16 text saved without a byte-order mark" and told to
    be saved as UTF-8: read as UTF-16 they are control characters as often as letters.
    """
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if min(even, odd) * 20 > max(even, odd):  # UTF-16: all on one side (an odd file's last: a few)
        return False
    return utf16_text(data, "LE" if odd > even else "BE")


PRINTABLE_SHARE = 0.95  # of the characters of text read as UTF-16: letters, digits, spaces, punctuation


def utf16_text(data: bytes, order: str) -> bool:
    """Whether ``data`` (its first :data:`UTF16_SAMPLE` bytes) decodes as UTF-16 in byte order ``order``
    (``"LE"`` or ``"BE"``) into text: no lone surrogate, and at least :data:`PRINTABLE_SHARE` of its
    characters printable or tab, line feed, form feed or carriage return. Binary numbers read so are
    control characters (U+0000 to U+001F, U+007F to U+009F) a quarter of the time or more."""
    try:  # not final: a sample may end inside a character
        text = codecs.getincrementaldecoder(f"utf-16-{order.lower()}")().decode(data[:UTF16_SAMPLE])
    except UnicodeDecodeError:
        return False
    printable = sum(c.isprintable() or c in "\t\n\f\r" for c in text)
    return bool(text) and printable >= PRINTABLE_SHARE * len(text)


# characters no text file holds, in any encoding: NUL and the C0 controls but tab, LF, FF and CR
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
UTF16_SAMPLE = 1 << 16  # bytes decoded to name UTF-16 without its mark: a corpus may be gigabytes


def utf16_order(data: bytes) -> str | None:
    """``"LE"`` or ``"BE"`` when ``data`` (a file's bytes with no byte-order mark, or its first few KiB,
    holding NUL bytes) reads as UTF-16 text in that byte order, else None: text with few ASCII characters
    (a Korean-Chinese corpus: about a tenth of its bytes NUL), which :func:`utf16_without_mark` and the
    quarter-NUL rule miss. All must agree: most NUL bytes sit on that order's high-byte side (its tabs,
    line breaks and spaces: tab then NUL in LE); its first :data:`UTF16_SAMPLE` bytes are not UTF-8 text
    (they break UTF-8's rules, or read as UTF-8 they are no text: :func:`_utf16_read_as_utf8`), and read
    in that order hold no lone surrogate, NUL or control character; most LF bytes read as its line breaks,
    and most tab, CR and LF bytes together as its tabs and line ends (those that are halves of letters of
    U+0100-1FFF aside: Thai ช U+0E0A, Hindi क U+0915); and with no LF byte, a thirty-second or more of
    them are NUL.

    Korean in UTF-8 decodes cleanly as UTF-16 BE, and NUL is valid UTF-8: UTF-8 text with a stray NUL
    (a ``\t\0`` cell) decodes as UTF-8 into text, and in it a tab, CR or LF reads as one in UTF-16 only
    beside a NUL, so most of them do not; a file with CR line ends (old Mac Excel's "Tab delimited text")
    or one line has no LF to count, so its NULs must be many, as a UTF-16 file's tabs, breaks and spaces
    are. UTF-16 Russian, Ukrainian or Arabic (U+0410-044F, U+0620-064A: both bytes under 0x80) decodes as
    UTF-8 too, but into control characters (its 0x04 and 0x06 bytes): "it decodes as UTF-8" alone let it
    be read as garbled UTF-8; UTF-16 Hindi (U+0915 क: 0x15 0x09) decodes into tabs. A program, weights
    (a length's zero bytes read as U+0000) or random bytes (lone surrogates) fail."""
    sample = data[:UTF16_SAMPLE]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even == odd:
        return None
    order = "LE" if odd > even else "BE"  # ASCII's high byte: H\0 in LE, \0H in BE
    try:  # UTF-16 Korean, Chinese or Japanese breaks UTF-8's rules within a few characters
        as_utf8 = codecs.getincrementaldecoder("utf-8")().decode(sample)  # not final: may end inside one
    except UnicodeDecodeError:
        as_utf8 = None
    if as_utf8 is not None and not _utf16_read_as_utf8(sample, as_utf8, order):
        return None  # UTF-8 text, a stray NUL or an escape sequence aside
    try:
        text = codecs.getincrementaldecoder(f"utf-16-{order.lower()}")().decode(sample)
    except UnicodeDecodeError:
        return None
    if _NOT_TEXT.search(text) or not any(c in text for c in "\n\r\t"):
        return None
    # most tab, LF and CR bytes are the real ones; a few are halves of other characters (U+4E0D 不), and
    # those of U+0100-1FFF's letters are not counted (Thai ช U+0E0A, Hindi क U+0915, Czech č U+010D)
    for chars in ("\n", "\n\t\r"):
        read, raw = sum(text.count(c) for c in chars), _break_bytes(text, chars)
        if raw and read * 2 <= raw:
            return None
    if b"\n" not in sample and sample.count(0) * 32 < len(sample):
        return None
    return order


def _utf16_read_as_utf8(sample: bytes, as_utf8: str, order: str) -> bool:
    """Whether ``sample``, which decodes as UTF-8 (into ``as_utf8``), may yet be UTF-16 in byte order
    ``order``, as UTF-16 Russian, Ukrainian, Arabic, Thai or Hindi is: their letters' two bytes are under
    0x80 (U+0430 а is 0x30 0x04, U+0915 क 0x15 0x09), valid UTF-8; so are short Chinese beside ASCII (你好
    U+4F60 U+597D: 0x60 0x4F 0x7D 0x59). Either an eighth or more of the bytes are NUL, which no UTF-8 text
    holds, or both hold: the high bytes (odd ones in LE) nearly all under 0x20, NUL (ASCII) or the script's
    block (0x04, 0x06, 0x0E, 0x09); and read as UTF-8, control characters (0x04, 0x06, 0x0E) a twentieth
    or more of it, NUL aside, or NUL a thirty-second or more of the bytes (a Hindi text's spaces: its 0x09
    bytes read as tabs).

    UTF-8 text has letters on both sides, and few control characters: a log's escape sequences
    (``\\x1b[1m``) with a NUL after each line break was 'UTF-16 LE text saved without a byte-order mark'
    when any control character sent it on to the UTF-16 test."""
    if sample.count(0) * 8 >= len(sample):
        return True
    high = sample[1::2] if order == "LE" else sample[0::2]
    if len(high.translate(None, _C0)) * 10 > len(high):  # a tenth or more of the high bytes 0x20 or over
        return False
    text = as_utf8.replace("\x00", "")
    return len(_NOT_TEXT.findall(text)) * 20 >= len(text) or sample.count(0) * 32 >= len(sample)


_C0 = bytes(range(0x20))


SCRIPT_ROW_SHARE = 10  # a U+0100-1FFF row (unit >> 8) a tenth or more of the text: its script is there


def _break_bytes(text: str, chars: str) -> int:
    """How many bytes of ``chars`` (``"\\n"`` or ``"\\n\\t\\r"``) the UTF-16 reading ``text`` holds: the
    characters themselves, and halves of others (U+4E0D 不; in text that is no UTF-16, a real line break
    paired with a letter: U+650A), but not of the letters of U+0100-1FFF whose row (``unit >> 8``) is a
    tenth or more of ``text``'s characters (:data:`SCRIPT_ROW_SHARE`): that script's text holds them (Thai
    ฉ ช ญ U+0E09, U+0E0A, U+0E0D; Devanagari's, Gurmukhi's and Malayalam's blocks U+09xx, U+0Axx, U+0Dxx;
    Czech č U+010D). A few such units are misread bytes: Latin-1, CP1252 or CP949 text with a NUL (a C
    string's end) read as UTF-16, where a tab, LF or CR beside an ASCII letter reads as U+09xx, U+0Axx or
    U+0Dxx, was 'UTF-16 BE text saved without a byte-order mark'."""
    found = {ord(c) for c in chars}
    units = Counter(map(ord, text))
    rows = Counter()
    for unit, n in units.items():
        rows[unit >> 8] += n
    count = 0
    for unit, n in units.items():
        if unit in found:
            count += n
        elif unit <= 0xFFFF and (
            unit >= 0x2000 or (unit >= 0x100 and rows[unit >> 8] * SCRIPT_ROW_SHARE < len(text))
        ):
            # below U+0100: ASCII and Latin-1, neither half a tab, LF or CR
            count += n * (((unit & 0xFF) in found) + ((unit >> 8) in found))
    return count


def nul_quarter(data: bytes) -> bool:
    """Whether a quarter or more of ``data`` (a file's bytes, or its first few KiB) is NUL: no text in
    any encoding rnnkit reads but UTF-16 of ASCII (:func:`utf16_without_mark`) holds so many; a program,
    a database, numbers saved raw (16-bit ids under 128). The one count for every reader of a user's
    file, forecast's CSV too (:func:`refuse_no_text`)."""
    return data.count(0) * 4 > len(data)


def utf16_unmarked(data: bytes) -> str | None:
    """``"LE"`` or ``"BE"`` when ``data`` (a file's bytes, or its first few KiB) is UTF-16 text saved
    without its byte-order mark, as :func:`refuse_no_text` names it: a quarter or more of its bytes NUL at
    every other position (ASCII text: :func:`utf16_without_mark`), or text that reads as UTF-16 with
    fewer (Korean, Chinese, Russian, Arabic: :func:`utf16_order`); else None (a mark, UTF-8 text, which
    never holds NUL, or no text). The one rule for every reader of a user's file, forecast's CSV too."""
    if text_encoding(data[:4]) is not None or 0 not in data:
        return None
    if nul_quarter(data) and utf16_without_mark(data):
        return "LE" if data[1::2].count(0) > data[0::2].count(0) else "BE"
    return utf16_order(data)


def refuse_no_text(data: bytes, path: str | os.PathLike[str], file: str, example: str) -> None:
    """Refuse, in one line, a text file whose bytes are no text in any encoding rnnkit reads: a picture,
    a PDF or an office document (:func:`not_text`), a compressed file or an archive (:func:`archive`:
    "line 1 is not UTF-8 text" would hide why), UTF-16 saved without its byte-order mark (every other
    byte NUL, or text that reads as UTF-16 by :func:`utf16_order`: Korean, Chinese), or bytes a quarter
    or more NUL (a program, a database). Every reader of a user's text file calls it before decoding, so
    a corpus, a captions file and a settings file are refused in the same words.

    Args:
        data: the file's bytes: all of them, or its first few KiB (a sample for the NUL count).
        path: the file, as the message names it.
        file: what the user meant to give, for the message (``"corpus file"``, ``"captions file"``).
        example: a name to decompress it to (``"corpus.tsv"``): ``zcat PATH > corpus.tsv``.

    Raises:
        RnnkitError: ``data`` is no text.
    """
    name = os.fspath(path)
    if why := not_text(data[:MAGIC_BYTES], os.path.basename(name)):
        raise RnnkitError(f"{name} is {why}")
    if found := archive(data[:6]):
        what, tool = found
        fix = (
            f"unzip it and give the {file} inside"
            if tool == "unzip"
            else f"decompress it first ({tool} {name} > {example}) and give that"
        )
        raise RnnkitError(f"{name} is {what}, not text: {fix}")
    if text_encoding(data[:4]) is not None or 0 not in data:  # UTF-8 text never holds NUL
        return
    quarter = nul_quarter(data)
    if order := utf16_unmarked(data):
        if quarter and utf16_without_mark(data):  # ASCII: NUL at every other byte
            raise RnnkitError(
                f"{name}: every other byte is NUL, as in UTF-16 text saved without a byte-order mark; "
                "save it as UTF-8"
            )
        # Korean, Chinese: few NUL bytes, not every other one
        raise RnnkitError(f"{name} is UTF-16 {order} text saved without a byte-order mark; save it as UTF-8")
    if quarter:
        raise RnnkitError(
            f"{name} is not a text file (a quarter of its bytes or more are NUL): give the {file}"
        )
