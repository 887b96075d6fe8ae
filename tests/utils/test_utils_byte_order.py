"""rnnkit.utils.byte_order.bad_byte: where a byte that is not text lies, as a user finds it in an editor
(its line) or a hex editor (its offset from the file's first byte), whatever mark the file opens with."""

from __future__ import annotations

import codecs

import pytest

from rnnkit.utils.byte_order import bad_byte, decode


def _where(data: bytes):
    with pytest.raises(UnicodeDecodeError) as info:
        decode(data)
    return bad_byte(data, info.value)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("mark", [b"", codecs.BOM_UTF8])
def test_a_bad_byte_starting_line_2_is_line_2_after_utf8s_mark_too(mark, newline):
    # utf-8-sig counts from the mark's end: the byte was named 3 early, and at line 1
    data = mark + f"ab{newline}".encode() + b"\xffcd" + newline.encode()
    where = _where(data)
    assert (where.line, where.offset, where.value) == (2, data.index(b"\xff"), 0xFF)


def test_a_bad_byte_inside_a_line_after_utf8s_mark_is_that_byte():
    data = codecs.BOM_UTF8 + b"epochs: 3\nnote: caf\xe9\n"
    assert tuple(_where(data)) == (2, 22, 0xE9)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_count_from_the_file_start_mark_included(encoding):
    mark = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
    }
    good = mark[encoding] + "ab\r\ncd\n".encode(encoding)
    half = (
        "\ud800".encode(encoding, "surrogatepass") if encoding.startswith("utf-16") else b"\x00\x00\x11\x00"
    )
    where = _where(good + half)
    assert (where.line, where.offset) == (3, len(good))
