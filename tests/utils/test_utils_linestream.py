"""Lines decoded and batched as they arrive (issue 10, items 5 and 6)."""

import io
import os
import threading

import pytest

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.linestream import CHUNK, LineReader


def _nonempty(line: str) -> bool:
    return bool(line.strip())


def test_batches_keep_every_line_in_order_and_count_only_what_counts():
    lines = [f"line {i}" if i % 3 else "" for i in range(100_000)]
    data = ("\ufeff" + "\r\n".join(lines) + "\n").encode("utf-8")  # a BOM and CRLF endings
    got = list(LineReader(io.BytesIO(data)).batches(64, _nonempty))
    assert [line for b in got for line in b] == lines
    assert all(sum(map(_nonempty, b)) <= 64 for b in got)
    assert max(len(b) for b in got) < 200  # a batch stays small: memory is bounded by it


def test_a_last_line_without_newline_and_an_empty_stream():
    assert list(LineReader(io.BytesIO(b"a\nb")).lines()) == ["a", "b"]
    assert list(LineReader(io.BytesIO(b"")).batches(4)) == []
    assert list(LineReader(io.BytesIO(b"\n\n")).batches(4, _nonempty)) == [["", ""]]


@pytest.mark.parametrize("encoding", ["utf-16", "cp949", "latin-1"])
def test_any_python_codec_decodes_incrementally(encoding):
    text = "저는 학생입니다.\nI am a student.\n" if encoding != "latin-1" else "café\nnaïve\n"
    reader = LineReader(io.BytesIO(text.encode(encoding)), encoding)
    assert list(reader.lines()) == text.splitlines()


def test_bytes_that_are_not_the_encoding_are_one_line_naming_the_line():
    data = b"fine\nalso fine\n\xff\xfe bad\n"
    with pytest.raises(RnnkitError) as info:
        list(LineReader(io.BytesIO(data), source="standard input").lines())
    assert str(info.value) == ("standard input line 3 is not utf-8 text (give its encoding with --encoding)")
    with pytest.raises(RnnkitError, match="unknown encoding 'klingon'"):
        LineReader(io.BytesIO(b""), "klingon")
    with pytest.raises(RnnkitError, match="line 1 is not utf-8"):
        list(LineReader(io.BytesIO("한".encode()[:2])).lines())  # cut inside a character at the end


def test_a_line_in_a_pipe_is_handed_on_before_the_writer_closes_it():
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb", buffering=0) as r:
        batches = LineReader(r).batches(64, _nonempty)
        os.write(write_fd, b"first\n")
        got = []
        t = threading.Thread(target=lambda: got.append(next(batches)), daemon=True)
        t.start()
        t.join(timeout=10)
        assert got == [["first"]]  # one line, not 64, and the pipe is still open
        os.write(write_fd, b"second\nthird\n")
        os.close(write_fd)
        assert [line for b in batches for line in b] == ["second", "third"]


def test_batches_grow_to_a_window_so_later_ones_sort_well():
    data = "".join(f"line {i}\n" for i in range(1000)).encode()
    sizes = [len(b) for b in LineReader(io.BytesIO(data)).batches(10, grow_to=80)]
    assert sizes[:5] == [10, 20, 40, 80, 80] and sum(sizes) == 1000


def test_a_lone_carriage_return_ends_a_line_too():
    data = b"Hello.\rThank you.\r\nBye.\n\nLast."
    assert list(LineReader(io.BytesIO(data)).lines()) == ["Hello.", "Thank you.", "Bye.", "", "Last."]


@pytest.mark.parametrize("char", ["\x0c", "\x0b", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_separator_that_is_no_line_end_stays_inside_its_line(char):
    """str.splitlines cuts at a form feed, NEL, U+2028...: one line in gave two lines out. A line ends
    at \\n, \\r\\n and \\r only, as Python's own text files read it."""
    text = f"I am a student.{char}Thank you.\r\nGood morning.\n"
    got = list(LineReader(io.BytesIO(text.encode())).lines())
    assert got == [f"I am a student.{char}Thank you.", "Good morning."]
    assert got == [line.rstrip("\n") for line in io.TextIOWrapper(io.BytesIO(text.encode()), "utf-8")]


def test_the_nel_of_a_cp1252_ellipsis_read_as_latin1_stays_inside_its_line():
    data = "Wait\u2026 I am a student.\r\nThank you.\r\n".encode("cp1252")
    assert list(LineReader(io.BytesIO(data), "latin-1").lines()) == ["Wait\x85 I am a student.", "Thank you."]


def test_a_crlf_cut_between_two_reads_ends_one_line_and_a_lone_cr_at_a_cut_ends_one():
    """A \\r that ends one read is held until the next shows whether a \\n follows it."""
    data = b"Hello.\r\nThank you.\rBye.\r\nSee you.\r"
    reads = [7, 1, 11, 6, 1]  # "Hello.\r" "\n" "Thank you.\r" "Bye.\r" "\n", then the rest
    assert list(LineReader(_Trickle(data, reads)).lines()) == ["Hello.", "Thank you.", "Bye.", "See you."]
    for cut in range(1, len(data)):  # every place a pipe may cut it
        assert list(LineReader(_Trickle(data, [cut])).lines()) == ["Hello.", "Thank you.", "Bye.", "See you."]


def test_a_last_line_without_a_line_end_is_a_line():
    for data in (b"Hello.\nBye.", b"Hello.\r\nBye.", b"Hello.\rBye."):
        assert list(LineReader(io.BytesIO(data)).lines()) == ["Hello.", "Bye."], data
    assert list(LineReader(_Trickle(b"Hello.\nBye.", [8, 1, 1])).lines()) == ["Hello.", "Bye."]


def test_bad_bytes_after_a_lone_cr_ending_a_read_name_their_line():
    data = b"one\rtwo\r" + b"three\xff\r"  # an old Mac file; the pipe cuts after "two\r"
    with pytest.raises(RnnkitError, match="standard input line 3 is not utf-8"):
        list(LineReader(_Trickle(data, [8])).lines())
    with pytest.raises(RnnkitError, match="standard input line 3 is not utf-8"):  # a CRLF cut: one end
        list(LineReader(_Trickle(b"one\r\ntwo\r" + b"\n\xff", [9])).lines())


def test_nul_bytes_are_named_as_utf16_without_a_byte_order_mark():
    from rnnkit.utils.errors import RnnkitError

    with pytest.raises(RnnkitError, match="line 1 holds NUL bytes.*utf-16"):
        list(LineReader(io.BytesIO("Hello.\nBye.\n".encode("utf-16-le"))).lines())


class _Trickle(io.RawIOBase):
    """A pipe that hands over ``sizes[0]`` bytes, then ``sizes[1]``...: a mark may come split."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data, self.sizes = data, list(sizes)

    def readable(self) -> bool:
        return True

    def read1(self, n: int = -1) -> bytes:
        k = self.sizes.pop(0) if self.sizes else n
        chunk, self.data = self.data[:k], self.data[k:]
        return chunk


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be", "utf-8-sig"])
@pytest.mark.parametrize("first", [1, 2, 3, 1 << 16])
def test_a_byte_order_mark_names_the_encoding_when_none_is_given(encoding, first):
    """Notepad's "Unicode" piped in was "line 1 is not utf-8 text"; its mark says what it is, even
    when the pipe hands it over a byte at a time."""
    text = "저는 학생입니다.\nI am a student.\n\nnaïve\n"
    bom = {"utf-16-be": "\ufeff", "utf-32-be": "\ufeff"}.get(encoding, "")
    data = (bom + text).encode(encoding)
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff", b"\x00\x00", b"\xef\xbb")
    assert list(LineReader(_Trickle(data, [first, 1, 2])).lines()) == text.splitlines()


def test_an_encoding_given_is_read_as_given_and_a_short_stream_is_not_a_mark():
    data = "Hello.\n".encode("utf-16")
    with pytest.raises(RnnkitError, match="standard input line 1 is not utf-8 text"):
        list(LineReader(io.BytesIO(data), "utf-8").lines())
    assert list(LineReader(io.BytesIO(data), "utf-16").lines()) == ["Hello."]
    assert list(LineReader(io.BytesIO("\ufeffHi.\n".encode()), "utf-8").lines()) == ["Hi."]  # as before
    assert list(LineReader(io.BytesIO(b"\xff\xfe")).lines()) == []  # a mark alone: an empty UTF-16 text
    for cut in (
        b"\xef",
        b"\xef\xbb",
    ):  # UTF-8's mark cut short: bytes that are no text (utf-8-sig kept quiet)
        for encoding in (None, "utf-8"):
            with pytest.raises(RnnkitError, match="line 1 is not utf-8"):
                list(LineReader(io.BytesIO(cut), encoding).lines())


def test_a_marked_line_in_a_pipe_is_handed_on_before_the_writer_closes_it():
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb", buffering=0) as r:
        batches = LineReader(r).batches(64, _nonempty)
        data = "first\nsecond\n".encode("utf-16")
        os.write(write_fd, data[:1])  # half the mark, then the rest of the first line
        os.write(write_fd, data[1:14])
        got = []
        t = threading.Thread(target=lambda: got.append(next(batches)), daemon=True)
        t.start()
        t.join(timeout=10)
        assert got == [["first"]]
        os.write(write_fd, data[14:])
        os.close(write_fd)
        assert [line for b in batches for line in b] == ["second"]


@pytest.mark.parametrize("encoding", [None, "utf-16"])
def test_bad_bytes_after_the_first_chunk_of_big_endian_utf16_name_their_line(encoding):
    """A later chunk was re-read as UTF-16 from its own start (little-endian): line 1967, not 2003."""
    body = "".join(f"{'x' * 99}\n" for _ in range(2000)) + "a\nb\n"
    data = ("\ufeff" + body).encode("utf-16-be") + "\ud800c\n".encode("utf-16-be", "surrogatepass")
    assert len(data) > 4 * CHUNK
    with pytest.raises(RnnkitError) as info:
        list(LineReader(io.BytesIO(data), encoding).lines())
    assert str(info.value).startswith("standard input line 2003 is not utf-16 text")


@pytest.mark.parametrize("encoding", [None, "utf-16"])
def test_a_mark_opening_a_later_line_is_dropped_as_the_first_one_is(encoding):
    """``cat a.txt b.txt``: b's mark opened its first line, an invisible character echoed by --n-best."""
    part = "Hi.\nThank you.\n".encode(encoding or "utf-8-sig")  # each with its mark
    assert list(LineReader(io.BytesIO(part + part), encoding).lines()) == ["Hi.", "Thank you."] * 2


def test_utf16_named_without_a_mark_and_a_codec_that_is_not_text_are_one_line():
    """Both were tracebacks: Python's incremental utf-16 raises a bare UnicodeError where the stream
    has no mark, and base64 or zlib (bytes to bytes) failed on the first line."""
    with pytest.raises(RnnkitError) as info:
        list(LineReader(io.BytesIO("Hi.\n".encode("utf-16-le")), "utf-16").lines())
    assert str(info.value) == (
        "standard input does not open with a utf-16 byte-order mark "
        "(give its byte order: --encoding utf-16-le or utf-16-be)"
    )
    assert list(LineReader(io.BytesIO("Hi.\n".encode("utf-16-le")), "utf-16-le").lines()) == ["Hi."]
    for codec in ("base64", "zlib", "rot13", "hex"):
        with pytest.raises(RnnkitError, match=f"'{codec}' is not a text encoding"):
            LineReader(io.BytesIO(b"aGk=\n"), codec)


def test_byte_order_decode_reads_a_whole_file_by_its_mark():
    """caption's text files read through it: the mark picks the codec and is dropped, UTF-8's too."""
    from rnnkit.utils.byte_order import decode

    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"):
        assert decode(("\ufeffa,b\nc").encode(encoding)) == "a,b\nc", encoding
    assert decode(b"plain") == "plain"
    with pytest.raises(UnicodeDecodeError):
        decode(b"\xff\xfeA")  # UTF-16's mark, then half a character


@pytest.mark.parametrize("encoding", [None, "latin-1"])
def test_a_compressed_stream_is_named_as_such_not_as_an_encoding_to_give(encoding):
    """``cat notes.txt.gz | rnnkit translate text`` was "line 1 is not utf-8 text (give its encoding
    with --encoding)": no encoding reads it."""
    import gzip
    import lzma
    import zipfile

    text = "I am a student.\nThank you.\n" * 50
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("notes.txt", text)
    for data, what, tool in (
        (gzip.compress(text.encode()), "gzip-compressed", "zcat"),
        (zipped.getvalue(), "a zip archive", "unzip"),
        (lzma.compress(text.encode()), "xz-compressed", "xzcat"),
    ):
        with pytest.raises(RnnkitError) as info:
            list(LineReader(_Trickle(data, [1, 1, 1]), encoding).lines())  # its magic in bytes one at a time
        assert str(info.value) == (
            f"standard input is {what}, not text: decompress it with {tool} first and give the text"
        )


def test_a_picture_a_pdf_or_an_office_document_is_named_not_sent_after_an_encoding():
    """A PNG given as ``translate text --input`` was "pic.png line 1 is not utf-8 text (give its
    encoding with --encoding)", a PDF "line 2 ...", and a Word file "a zip archive ... decompress it with
    unzip": no encoding reads any of them, and unzipping a .docx gives XML."""
    import zipfile

    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    for data, source, said in (
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "pic.png", "a PNG image, not text: give a text file"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo.jpg", "a JPEG image, not text: give a text file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "paper.pdf",
         "a PDF document, not text: take its text out first (pdftotext FILE out.txt) and give that"),
        (docx.getvalue(), "notes.docx", "a Word document, not text: save it as plain text (.txt) and give that"),
    ):  # fmt: skip
        for reads in ([1, 1, 1, 1, 1], [CHUNK]):  # its first bytes one at a time (a pipe), or all at once
            with pytest.raises(RnnkitError) as info:
                list(LineReader(_Trickle(data, reads), None, source).lines())
            assert str(info.value) == f"{source} is {said}"
