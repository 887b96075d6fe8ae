"""Session 22 QA: ``translate train --stream`` reads a file as ``translate train`` reads it whole.

The stream had a parser of its own: a header TSV row with an extra column, or a quoted field holding a
tab, was trained on streamed and skipped read whole; an old Mac file (lines ending in a lone ``\\r``)
was one line streamed; an unusable line was counted without a reason. Now both go through
:mod:`rnnkit.translate.corpus_records`, and these tests compare them on awkward files.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from rnnkit.translate import stream_corpus
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_text import file_lines
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.translate.stream_split import scan

HELLO = ("Hello, friend.", "안녕, 친구.")
PAIRS = [("I am a student.", "저는 학생이에요."), ("Where is the station?", "역이 어디예요?"), HELLO]


def _jsonl(pairs: list[tuple[str, str]]) -> str:
    return "".join(json.dumps({"en": e, "ko": k}, ensure_ascii=False) + "\n" for e, k in pairs)


AWKWARD = {  # name -> the file's bytes
    # a row with a fourth, non-empty field: malformed read whole; the stream read its columns anyway
    "extra_column.tsv": "id\ten\tko\n1\tI am a student.\t저는 학생이에요.\n"
    "2\tWhere is the station?\t역이 어디예요?\tnote\n3\tHello, friend.\t안녕, 친구.\t\n".encode(),
    # a spreadsheet's quoted field holding a tab: 3 fields under a 2-column header
    "quoted_tab.tsv": 'en\tko\nI am a student.\t저는 학생이에요.\n"Hello,\tfriend."\t안녕, 친구.\n'
    "Where is the station?\t역이 어디예요?\n".encode(),
    # quoted fields holding commas (and a doubled quote) in a tab file with a header
    "quoted_commas.tsv": 'en\tko\n"Hello, friend."\t"안녕, 친구."\n"Say ""hi"", please."\t"안녕이라고 해 주세요."\n'
    "I am a student.\t저는 학생이에요.\n".encode(),
    # Windows Notepad: a byte-order mark and CRLF, with a blank line and a one-field line
    "bom_crlf.txt": "\ufeffI am a student.\t저는 학생이에요.\r\n\r\nWhere is the station?\r\n"
    "Hello, friend.\t안녕, 친구.\r\n".encode(),
    # an old Mac file: lines end in a lone CR (the stream read it as one line)
    "mac.txt": "I am a student.\t저는 학생이에요.\rWhere is the station?\t역이 어디예요?\rHello, friend.\t안녕, 친구.\r".encode(),
    # JSON Lines with a blank line, a line that is no JSON and one missing a key
    "pairs.jsonl": (_jsonl(PAIRS[:2]) + "\n{not json\n" + '{"en": "Hi."}\n' + _jsonl(PAIRS[2:])).encode(),
    # an anki file whose header says Korean comes first, and a comment
    "kor.txt": "korean\tenglish\n# a comment\n저는 학생이에요.\tI am a student.\n안녕, 친구.\tHello, friend.\n"
    "역이 어디예요?\t\n".encode(),
}


def _streamed(path: Path) -> tuple[list, list[str]]:
    """The pairs of ``path`` streamed, and its blank or malformed lines as ``line N: why``."""
    records = list(PairStream(path).records())
    reasons = [
        f"line {r.line_no}: {r.why}" for r in records if getattr(r, "kind", None) in ("empty", "malformed")
    ]
    return [r.pair for r in records if r.pair is not None], reasons


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_a_file_streamed_gives_the_pairs_and_reasons_it_gives_read_whole(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(AWKWARD[name])
    pairs, report = read_corpus(path)
    streamed, reasons = _streamed(path)
    assert streamed == pairs
    assert reasons == [e for e in report.examples if "a header" not in e]
    assert report.malformed + report.empty == len(reasons)


def test_the_awkward_files_hold_what_a_person_meant(tmp_path):
    """The comparison above compares something: the files' pairs, read either way, are these."""
    for name, expected in [("extra_column.tsv", [PAIRS[0], HELLO]), ("mac.txt", PAIRS),
                           ("quoted_commas.tsv", [HELLO, ('Say "hi", please.', "안녕이라고 해 주세요."), PAIRS[0]]),
                           ("kor.txt", [PAIRS[0], HELLO])]:  # fmt: skip
        (tmp_path / name).write_bytes(AWKWARD[name])
        assert _streamed(tmp_path / name)[0] == expected, name


def test_a_line_end_split_across_reads_is_one_line_end(monkeypatch):
    """Lines are found a chunk at a time: a CRLF cut between two chunks is still one line end."""
    from rnnkit.translate.stream_corpus import raw_lines

    text = "a\r\nb\rc\n\r\nd\r\r\ne"
    for chunk in range(1, 8):
        monkeypatch.setattr(stream_corpus, "_CHUNK", chunk)
        lines = list(raw_lines(io.BytesIO(text.encode())))
        assert b"".join(lines) == text.encode()
        assert [ln.decode().rstrip("\r\n") for ln in lines] == file_lines(text), chunk


def test_the_stream_summary_names_the_lines_it_skipped_and_the_digest_is_the_files(tmp_path):
    path = tmp_path / "mac.tsv"
    good = [(f"I have {n} books.", f"저는 책이 {n}권 있어요.") for n in range(40)]
    body = "\r".join(f"{e}\t{k}" for e, k in good[:20]) + "\r\rOnly English.\r"
    path.write_bytes((body + "\r".join(f"{e}\t{k}" for e, k in good[20:]) + "\r").encode())
    found = scan(PairStream(path), valid_frac=0.2, test_frac=0.2)
    assert found.counts["lines"] == 42 and found.counts["pairs"] == 40
    assert found.summary().endswith(
        "; skipped line 21: blank line; line 22: 1 tab-separated field, expected 2 or 3"
    )
    assert found.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_stream_without_pairs_says_why_as_a_whole_read_does(tmp_path, one_line_error):
    from rnnkit.cli import main

    path = tmp_path / "one.txt"
    path.write_text("Only English, no tab.\n", encoding="utf-8")
    args = ["translate", "train", "--corpus", str(path), "--out", str(tmp_path / "m"), "--epochs", "1"]
    assert main([*args, "--stream"]) == 2
    streamed = one_line_error(
        "no usable sentence pairs in", "(1 line; line 1: 1 tab-separated field, expected 2 or 3)"
    )
    assert main(args) == 2
    assert one_line_error() == streamed
