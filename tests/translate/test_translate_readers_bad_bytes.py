"""Session 23 review of the corpus readers: a byte that is not UTF-8 in a file with lone ``\\r`` line
ends (old Mac) was named at line 1 read whole (the stream said the right line); a CSV or TSV whose
first line is blank took that line as the header ("has no column 'en'; columns: ", an empty list),
read whole, streamed and checked (and a first line of spaces made a tab file's header a pair); and the
summaries' "N lines" counted records, not lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import file_records, read_corpus
from rnnkit.translate.corpus_check import check_file
from rnnkit.translate.corpus_records import EMPTY, HEADER, MALFORMED
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.translate.stream_split import scan
from rnnkit.utils.errors import RnnkitError

LINE_ENDS = pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"], ids=["cr", "crlf", "lf"])


def not_utf8_errors(path: Path, fmt: str = "auto") -> list[str]:
    """What each reader says of ``path``: read whole, checked, streamed."""
    said = []
    for read in (
        lambda: read_corpus(path, fmt),
        lambda: check_file(path, fmt),
        lambda: list(PairStream(path, fmt).records()),
    ):
        with pytest.raises(RnnkitError) as info:
            read()
        said.append(str(info.value))
    return said


@LINE_ENDS
@pytest.mark.parametrize(
    ("fmt", "head", "rows"),
    [
        ("csv", "en,ko", ["Hi.,안녕.", "Bye.,잘 가."]),
        ("tsv", "en\tko", ["Hi.\t안녕.", "Bye.\t잘 가."]),
        ("anki", "# a comment", ["Hi.\t안녕.", "Bye.\t잘 가."]),
    ],
)
def test_a_byte_not_utf8_is_named_by_its_line_whatever_the_line_ends(tmp_path, newline, fmt, head, rows):
    path = tmp_path / f"bad.{fmt}"
    text = newline.join([head, *rows]) + newline
    path.write_bytes(text.encode() + b"caf\xe9 x" + newline.encode())
    assert not_utf8_errors(path, fmt) == [f"{path}: line 4 is not UTF-8 text"] * 3


@LINE_ENDS
def test_a_byte_not_utf8_on_the_first_line_is_line_1(tmp_path, newline):
    path = tmp_path / "first.csv"
    path.write_bytes(b"\xe9n,ko" + f"{newline}Hi.,안녕.{newline}".encode())
    assert not_utf8_errors(path) == [f"{path}: line 1 is not UTF-8 text"] * 3


def test_check_corpus_names_the_old_mac_files_line_in_one_line(tmp_path, capsys):
    path = tmp_path / "cr.csv"
    path.write_bytes(b"en,ko\rHi.,a\rBye.,b\rcaf\xe9,x\r")  # the report's repro
    assert main(["translate", "check-corpus", str(path)]) != 0
    assert capsys.readouterr().err == f"rnnkit: error: {path}: line 4 is not UTF-8 text\n"


BLANK_TOPS = {  # what a file may hold above its header row: a blank line, spaces, a sheet's empty row
    "blank": ["", "en{d}ko", "Hi.{d}안녕.", "", "Bye.{d}잘 가."],
    "blanks and spaces": ["", "  ", "", "en{d}ko", "Hi.{d}안녕.", "", "Bye.{d}잘 가."],
    "empty row": ["{d}", "en{d}ko", "Hi.{d}안녕.", "", "Bye.{d}잘 가."],
}


def write_table(path: Path, lines: list[str], delimiter: str, newline: str) -> Path:
    path.write_text(newline.join(lines).format(d=delimiter) + newline, encoding="utf-8", newline="")
    return path


@LINE_ENDS
@pytest.mark.parametrize("top", list(BLANK_TOPS))
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_blank_lines_before_the_header_are_skipped_read_whole_streamed_and_checked(
    tmp_path, newline, top, fmt
):
    lines = BLANK_TOPS[top]
    delimiter = "," if fmt == "csv" else "\t"
    path = write_table(tmp_path / f"top.{fmt}", lines, delimiter, newline)
    header_no = next(no for no, line in enumerate(lines, start=1) if line.startswith("en"))
    pairs = [("Hi.", "안녕."), ("Bye.", "잘 가.")]
    read, report = read_corpus(path, fmt)
    assert read == pairs
    # the lines above the header are counted empty (they were dropped uncounted, the summary's kinds
    # short of its lines), and the blank line under it
    assert (report.lines, report.comments, report.empty) == (len(lines), 1, header_no)
    _, _, records = file_records(path, fmt)
    records = list(records)
    top, records = records[: header_no - 1], records[header_no - 1 :]
    assert [(r.no, r.kind, r.above_header) for r in top] == [(no, EMPTY, True) for no in range(1, header_no)]
    assert (records[0].no, records[0].kind) == (header_no, HEADER)
    stream = PairStream(path, fmt)
    streamed = list(stream.records())
    assert [r.pair for r in streamed if r.pair is not None] == pairs
    # the data start after the header, and the same blank line (after it) is skipped both ways
    data_start = len(newline.join(lines[:header_no]).format(d=delimiter).encode()) + len(newline)
    assert (stream.start, stream.start_line) == (data_start, header_no)
    assert list(stream.records(stream.start, stream.start_line)) == streamed
    assert [(r.line_no, r.kind) for r in streamed] == [(r.no, r.kind) for r in records[1:]]
    assert [(r.no, r.kind) for r in records if r.kind in (EMPTY, MALFORMED)] == [(header_no + 2, EMPTY)]
    checked = check_file(path, fmt)  # the header a comment; the blank line after it named, those above not
    assert (checked.pairs, checked.comments) == (2, 1)
    assert [(p.line, p.kind, p.detail) for p in checked.problems] == [
        (header_no + 2, "malformed", "blank line")
    ]


def test_check_corpus_reads_the_reports_file_with_a_blank_first_line(tmp_path, capsys):
    path = tmp_path / "b.csv"
    path.write_bytes("\nen,ko\nHi.,안녕.\n".encode())  # the report's repro
    assert main(["translate", "check-corpus", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: 1 pair, 1 comment line;") and "clean: no problems found" in out


def test_a_tab_file_whose_first_line_is_spaces_is_still_read_by_its_header(tmp_path, capsys):
    """The format is guessed from the first line with text: a line of spaces made it the anki guess,
    and the header ``id en ko`` was read as a pair (2 pairs, silently wrong) whole and streamed."""
    path = tmp_path / "w.tsv"
    path.write_bytes("  \nid\ten\tko\n1\tHi.\t안녕.\n".encode())
    assert read_corpus(path)[0] == [("Hi.", "안녕.")]
    assert [r.pair for r in PairStream(path).records() if r.pair] == [("Hi.", "안녕.")]
    assert main(["translate", "check-corpus", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: 1 pair, 1 comment line;")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("text", ["", "\n", "\r\n  \r\n\n", "\ufeff\n\n"], ids=["none", "lf", "mixed", "bom"])
def test_a_table_of_blank_lines_only_has_no_header_row_in_every_reader(tmp_path, fmt, text):
    path = tmp_path / f"blank.{fmt}"
    path.write_bytes(text.encode())
    said = f"{path} is empty: no header row"
    for read in (
        lambda: read_corpus(path, fmt),
        lambda: check_file(path, fmt),
        lambda: PairStream(path, fmt),
    ):
        with pytest.raises(RnnkitError) as info:
            read()
        assert str(info.value) == said


def test_a_header_named_after_blank_lines_still_misses_a_column_by_its_names(tmp_path):
    path = tmp_path / "named.csv"
    path.write_text("\n\nsrc_text,tgt_text\nHi.,안녕.\n", encoding="utf-8")
    said = f"{path} has no column 'en'; columns: src_text, tgt_text"
    for read in (lambda: read_corpus(path), lambda: check_file(path), lambda: PairStream(path)):
        with pytest.raises(RnnkitError) as info:
            read()
        assert str(info.value) == said


def test_the_line_count_is_the_files_lines_read_whole_and_streamed(tmp_path):
    path = tmp_path / "spans.csv"
    rows = [f'"Sentence {i}\nwith a break.",문장 {i}.' for i in range(40)]
    path.write_text("\n".join(["en,ko", *rows]) + "\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").count("\n")  # 81: a header and two lines a record
    assert f"({lines} lines:" in read_corpus(path)[1].summary()
    assert f" from {lines} lines " in scan(PairStream(path), valid_frac=0.2, test_frac=0.2).summary()


@LINE_ENDS
def test_a_bad_byte_opening_line_2_after_utf8s_mark_is_named_at_line_2(tmp_path, newline):
    """The reader counted from the mark's end (utf-8-sig's count), 3 bytes early: "line 1 is not UTF-8
    text" for a byte opening line 2 (caption's reader was set right in a6a942fd)."""
    path = tmp_path / "bom.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + f"Hi.\t안녕.{newline}".encode() + b"\xe9t\xe9.\tx")  # Latin-1
    with pytest.raises(RnnkitError) as info:
        read_corpus(path)
    assert str(info.value) == f"{path}: line 2 is not UTF-8 text"
