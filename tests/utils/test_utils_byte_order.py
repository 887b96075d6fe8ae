"""rnnkit.utils.byte_order.bad_byte: where a byte that is not text lies, as a user finds it in an editor
(its line) or a hex editor (its offset from the file's first byte), whatever mark the file opens with."""

from __future__ import annotations

import codecs

import pytest

from rnnkit.utils.byte_order import bad_byte, decode
from rnnkit.utils.errors import RnnkitError


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


# UTF-16 without its mark, with few NUL bytes (Korean, Chinese, Japanese): byte_order.utf16_order -----------
CJK = "저는 학생이 아닙니다. 가방이 대단히 커요.\t我不是学生。一个很大的包。\n" * 50


@pytest.mark.parametrize(("encoding", "order"), [("utf-16-le", "LE"), ("utf-16-be", "BE")])
def test_cjk_text_in_utf16_without_its_mark_reads_as_utf16_in_its_byte_order(encoding, order):
    from rnnkit.utils.byte_order import utf16_order

    data = CJK.encode(encoding)
    assert data.count(0) * 4 < len(data)  # under the quarter-NUL rule
    assert utf16_order(data) == order
    assert utf16_order(data[:4095]) == order  # --stream's sample, cut inside a character
    assert utf16_order("안녕하세요\t你好".encode(encoding)) == order  # one line, no line break


def _weights() -> bytes:
    import torch
    from safetensors.torch import save

    return save({"w": torch.randn(32, 32, generator=torch.Generator().manual_seed(0))})


def _random(size: int) -> bytes:
    import random

    return random.Random(size).randbytes(size)


NOT_UTF16 = {
    "safetensors": _weights,
    "random 4 KiB": lambda: _random(4096),
    "random 64 KiB": lambda: _random(1 << 16),
    # token ids saved raw as 16-bit integers: they decode as UTF-16 LE, 10 a line break, 1 to 31 controls
    "token ids": lambda: b"".join(i.to_bytes(2, "little") for i in [10, *range(0x100, 0x300), *range(1, 32)]),
    # UTF-8 Korean decodes cleanly as UTF-16 BE, and this NUL makes its newline read as one there
    "UTF-8 with a NUL before a newline": lambda: b"ab\x00\n" + CJK.encode(),
    "two lines, a NUL before the last newline": lambda: b"cell: gru\nnote: caf\xe9\x00\n",
    "UTF-8 with a stray NUL": lambda: CJK.encode()[:60] + b"\x00" + CJK.encode()[60:],
}


@pytest.mark.parametrize("kind", list(NOT_UTF16))
def test_binary_and_utf8_with_a_stray_nul_are_not_utf16(tmp_path, kind):
    from rnnkit.utils.byte_order import refuse_no_text, utf16_order

    data = NOT_UTF16[kind]()
    assert 0 in data
    assert utf16_order(data) is None
    try:
        refuse_no_text(data, tmp_path / "x.tsv", "corpus file", "corpus.tsv")
    except RnnkitError as exc:
        assert "UTF-16" not in str(exc)


def _cr_rows(rows: list[str], encoding: str, nul_row: int | None = None) -> bytes:
    """A TSV with CR line ends, as old Mac Excel's "Tab delimited text" saves it; a stray ``\\t\\0`` cell
    ending row ``nul_row``."""
    rows = list(rows)
    if nul_row is not None:
        rows[nul_row] += "\t\x00"
    return ("\r".join(rows) + "\r").encode(encoding)


KO_EN = ["english\tkorean"] + [f"sentence {i}\t문장 {i}입니다" for i in range(50)]
FR_EN = ["english\tfrench"] + [f"sentence {i}\tcafé numéro {i}" for i in range(50)]
# 2161ddba counted only LF bytes, and waved through a file with none (CR line ends, one line): UTF-8 text with
# a NUL beside a tab, CR or its one LF was "UTF-16 ... saved without a byte-order mark"
STRAY_NUL_NOT_UTF16 = {
    "UTF-8 TSV, CR line ends, a \\t\\0 cell (LE side)": lambda: _cr_rows(KO_EN, "utf-8", 10),
    "UTF-8 TSV, CR line ends, a \\t\\0 cell (BE side)": lambda: _cr_rows(KO_EN, "utf-8", 11),
    "CP1252 TSV, CR line ends, a \\t\\0 cell (LE side)": lambda: _cr_rows(FR_EN, "cp1252", 10),
    "CP1252 TSV, CR line ends, a \\t\\0 cell (BE side)": lambda: _cr_rows(FR_EN, "cp1252", 11),
    "UTF-8, one line, a NUL before its tab": lambda: "안녕".encode() + b"\x00\t" + "你好".encode(),
    "UTF-8, one line, a NUL before its LF": lambda: "안녕하세요\t你好世界".encode() + b"\x00\n",
}


@pytest.mark.parametrize("kind", list(STRAY_NUL_NOT_UTF16))
def test_text_with_a_stray_nul_beside_a_tab_cr_or_its_one_lf_is_not_utf16(tmp_path, kind):
    from rnnkit.utils.byte_order import refuse_no_text, utf16_order

    data = STRAY_NUL_NOT_UTF16[kind]()
    assert 0 in data
    assert utf16_order(data) is None
    refuse_no_text(data, tmp_path / "x.tsv", "corpus file", "corpus.tsv")  # under a quarter NUL: not refused


@pytest.mark.parametrize(("encoding", "order"), [("utf-16-le", "LE"), ("utf-16-be", "BE")])
def test_a_utf16_corpus_with_cr_line_ends_is_still_named(encoding, order):
    from rnnkit.utils.byte_order import utf16_order

    rows = ["ko\tzh"] + [f"안녕하세요 {i}\t感谢您的帮助" for i in range(50)]
    assert utf16_order(_cr_rows(rows, encoding)) == order


def _int16(ids: list[int], order: str) -> bytes:
    return b"".join(i.to_bytes(2, order) for i in ids)


SHORT_IDS = [int(b) for b in _random(48)]  # token ids 0-255, a short raw file
INT16_IDS = {
    "short int16 ids LE": lambda: _int16(SHORT_IDS, "little"),
    "short int16 ids BE": lambda: _int16(SHORT_IDS, "big"),
    "int16 ids 0-255 LE": lambda: _int16(list(range(256)), "little"),
    "a few int16 ids, no zero": lambda: _int16([5, 17, 200, 3, 99, 12], "little"),
}


@pytest.mark.parametrize("kind", list(INT16_IDS))
def test_raw_int16_token_ids_are_not_a_text_file_not_utf16(tmp_path, kind):
    """Token ids 0-255 saved raw as 16-bit integers have every other byte NUL, as UTF-16 ASCII has: the
    quarter-NUL rule named them "UTF-16 text saved without a byte-order mark; save it as UTF-8". Read as
    UTF-16 they are control characters as often as letters: they are no text file."""
    from rnnkit.utils.byte_order import refuse_no_text, utf16_without_mark

    data = INT16_IDS[kind]()
    assert not utf16_without_mark(data)
    path = tmp_path / "ids.bin"
    with pytest.raises(RnnkitError) as info:
        refuse_no_text(data, path, "corpus file", "corpus.tsv")
    assert str(info.value) == (
        f"{path} is not a text file (a quarter of its bytes or more are NUL): give the corpus file"
    )


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text", ["Hello.\tBonjour.\n", "hidden_size: 24\n", "x", "café, naïve — “quoted”\r\n"]
)
def test_utf16_text_without_its_mark_is_still_named_so(tmp_path, order, text):
    from rnnkit.utils.byte_order import refuse_no_text, utf16_without_mark

    data = text.encode(order)
    assert utf16_without_mark(data)
    with pytest.raises(RnnkitError, match="every other byte is NUL, as in UTF-16 text saved without"):
        refuse_no_text(data, tmp_path / "x.tsv", "corpus file", "corpus.tsv")


RU_UK = ["ru\tuk"] + [
    f"Как дела у тебя сегодня, {i}?\tЯк справи у тебе сьогодні, {i}?" for i in range(40)
]  # basic Cyrillic (U+0410-044F) and Ukrainian і, є, ї: both bytes of each under 0x80 in UTF-16
AR_ARZ = ["ar\tarz"] + [
    f"مرحبا بالعالم، كيف حالك اليوم {i}\tأهلا يا عالم، إزيك النهارده {i}" for i in range(40)
]
# 146853a4's "a sample that decodes as UTF-8 is not UTF-16" let these through, read as garbled UTF-8: UTF-16
# Cyrillic and Arabic are valid UTF-8, full of control bytes (0x04, 0x06)
CYRILLIC_ARABIC_UTF16 = {
    "Russian-Ukrainian TSV, UTF-16 LE": ("utf-16-le", RU_UK, "LE"),
    "Russian-Ukrainian TSV, UTF-16 BE": ("utf-16-be", RU_UK, "BE"),
    "Arabic TSV, UTF-16 LE": ("utf-16-le", AR_ARZ, "LE"),
    "Arabic TSV, UTF-16 BE": ("utf-16-be", AR_ARZ, "BE"),
}


@pytest.mark.parametrize("kind", list(CYRILLIC_ARABIC_UTF16))
@pytest.mark.parametrize("ends", ["\n", "\r\n", "\r"])
def test_cyrillic_and_arabic_utf16_without_its_mark_is_named(tmp_path, kind, ends):
    from rnnkit.utils.byte_order import refuse_no_text, utf16_order

    encoding, rows, order = CYRILLIC_ARABIC_UTF16[kind]
    data = (ends.join(rows) + ends).encode(encoding)
    data.decode("utf-8")  # valid UTF-8: what let it through
    assert utf16_order(data) == order
    path = tmp_path / "pairs.tsv"
    with pytest.raises(RnnkitError) as info:
        refuse_no_text(data, path, "corpus file", "corpus.tsv")
    assert (
        str(info.value) == f"{path} is UTF-16 {order} text saved without a byte-order mark; save it as UTF-8"
    )


@pytest.mark.parametrize(
    "data",
    [
        ("\n".join(RU_UK) + "\t\x00\n").encode(),  # UTF-8 Cyrillic and Arabic with a stray NUL stay UTF-8
        ("\r".join(AR_ARZ) + "\t\x00\r").encode(),
        ("\r".join(KO_EN[:20]) + "\t\x00\x1b[0m\r").encode(),  # a NUL and an escape: UTF-16 says no too
        b"sentence 1\t\x00\x01\n",
    ],
)
def test_utf8_with_a_stray_nul_and_a_control_character_is_not_utf16(data):
    from rnnkit.utils.byte_order import utf16_order

    assert utf16_order(data) is None


# Thai ฉ ช ญ (U+0E09, U+0E0A, U+0E0D: 0x09, 0x0A, 0x0D then 0x0E in LE) and Indic letters (U+0915 क: 0x15 0x09;
# Malayalam U+0Dxx: a CR byte) hold tab, LF and CR bytes: counted as misread tabs and line breaks, they made
# utf16_order None, and pure Hindi read as UTF-8 holds no control character (0x09 is a tab)
TH_EN = ["th\ten"] + [f"ฉันชอบกินข้าวผัดกับญาติทุกวันช่วงเช้า {i}\tI like fried rice {i}" for i in range(40)]
INDIC_THAI_UTF16 = {
    "Thai-English": TH_EN,
    "Thai": ["ฉันชอบกินข้าวผัดกับญาติของฉันทุกวันช่วงเช้า\tช้างตัวใหญ่มากญาติ"] * 40,
    "Hindi-English": [f"मेरा नाम राम है {i}\tMy name is Ram {i}" for i in range(40)],
    "Hindi": ["मेरा नाम राम है और मैं दिल्ली में रहता हूँ\tमुझे किताबें पढ़ना पसंद है"] * 40,
    "Bengali": ["আমি বাংলায় গান গাই\tআমার সোনার বাংলা"] * 40,
    "Malayalam": ["എന്റെ പേര് രാമൻ\tനമസ്കാരം സുഹൃത്തേ"] * 40,
}


@pytest.mark.parametrize("kind", list(INDIC_THAI_UTF16))
@pytest.mark.parametrize(("encoding", "order"), [("utf-16-le", "LE"), ("utf-16-be", "BE")])
@pytest.mark.parametrize("ends", ["\n", "\r\n"])
def test_thai_and_indic_utf16_without_its_mark_is_named(tmp_path, kind, encoding, order, ends):
    from rnnkit.utils.byte_order import refuse_no_text, utf16_order, utf16_unmarked

    data = (ends.join(INDIC_THAI_UTF16[kind]) + ends).encode(encoding)
    assert utf16_order(data) == order
    assert utf16_order(data[:4095]) == order  # --stream's sample
    assert utf16_unmarked(data) == order
    with pytest.raises(RnnkitError, match=f"UTF-16 {order} text saved without a byte-order mark|every other"):
        refuse_no_text(data, tmp_path / "pairs.tsv", "corpus file", "corpus.tsv")


# b80ea18c sent any UTF-8 sample with one control character on to the UTF-16 test: a log's escape sequences
# with a NUL after each line break (lines of even length: the NULs all on one side) were "UTF-16 LE text
# saved without a byte-order mark"
UTF8_WITH_CONTROLS = {
    "JSON lines, escape sequences, a NUL after each LF": lambda: "".join(
        f'{{"en": "\x1b[1mHello number {i:03d}\x1b[0m", "ko": "안녕 {i:03d}"}}\n\0' for i in range(60)
    ).encode(),
    "a log, escape sequences, a NUL after each LF": lambda: b"".join(
        b"\x1b[1mline %03d\n\0" % i for i in range(50)
    ),
    "a log, two escapes a line, a NUL after each LF": lambda: b"".join(
        b"\x1b[31mERROR\x1b[0m something %d\n\0" % i for i in range(50)
    ),
    "a form feed and stray NULs": lambda: ("Page one text\tx\n\f" + "line\t\0\n" * 20).encode(),
    "a leading NUL": lambda: b"\0hello\tworld\n" * 5,
    "Russian, a vertical tab and a NUL each line": lambda: ("Привет\vмир\t\0\n" * 20).encode(),
    "Russian ending in Ctrl-Z and a NUL": lambda: ("Привет\tмир\n" * 20).encode() + b"\x1a\0",
    "Russian, an escape, a NUL each line": lambda: ("\x1b" + "Привет мир\0\n" * 20).encode(),
}


@pytest.mark.parametrize("kind", list(UTF8_WITH_CONTROLS))
def test_utf8_with_a_few_control_characters_and_nuls_is_not_utf16(kind):
    from rnnkit.utils.byte_order import utf16_order, utf16_unmarked

    data = UTF8_WITH_CONTROLS[kind]()
    data.decode("utf-8")
    assert utf16_order(data) is None
    assert utf16_unmarked(data) is None


# f8867927 stopped counting every tab, LF and CR byte inside a U+0100-1FFF unit: in Latin-1, CP1252 or CP949 text
# with a few NULs (C string ends) read as UTF-16, a tab, LF or CR beside an ASCII letter reads as U+09xx, U+0Axx
# or U+0Dxx, and l1.tsv was 'UTF-16 BE text saved without a byte-order mark'; a unit is let off only when its
# row (unit >> 8) is a tenth or more of the text, as a Thai or Indic text's is
LATIN = "café au lait\tnaïve été\nÀ bientôt\tsí señor\n"
LEGACY_WITH_NULS = {
    "Latin-1, a NUL ending each line (l1.tsv)": lambda: (
        b"caf\xe9 au lait\tna\xefve \xe9t\xe9\x00\n\xc0 bient\xf4t\ts\xed se\xf1or\x00\n"
    ),
    "Latin-1, a NUL after each LF": lambda: (LATIN * 5).encode("latin-1").replace(b"\n", b"\n\x00"),
    "CP1252, a NUL after each tab": lambda: "“quoted” – text€\tmore…\nline two\tok\n".encode(
        "cp1252"
    ).replace(b"\t", b"\t\x00"),
    "CP949, a NUL before each tab": lambda: "안녕하세요\t반갑습니다\n저는 학생입니다\t네\n".encode(
        "cp949"
    ).replace(b"\t", b"\x00\t"),
}


@pytest.mark.parametrize("kind", list(LEGACY_WITH_NULS))
def test_legacy_encodings_with_a_few_nuls_are_not_utf16(tmp_path, kind):
    from rnnkit.utils.byte_order import refuse_no_text, utf16_order, utf16_unmarked

    data = LEGACY_WITH_NULS[kind]()
    assert utf16_order(data) is None
    assert utf16_unmarked(data) is None
    refuse_no_text(data, tmp_path / "l1.tsv", "corpus file", "corpus.tsv")  # under a quarter NUL: not refused
