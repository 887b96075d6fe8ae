"""``translate train --stream`` on a CSV file (session 23): a record is one or more lines, ended where
csv's quoting ends it, read by the whole-file reader's parser; the position stays (offset, line)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers_translate import TINY_TRAIN_ARGS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_translate_resume import assert_same_model
from test_translate_stream_train import STREAM_ARGS, combined_pairs

from rnnkit.cli import main
from rnnkit.translate import corpus
from rnnkit.translate.corpus import file_records, read_corpus
from rnnkit.translate.corpus_records import EMPTY, MALFORMED
from rnnkit.translate.stream_batches import StreamBatches
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.translate.stream_split import scan
from rnnkit.translate.tokenizer import Tokenizer
from rnnkit.utils.errors import RnnkitError

# quoted commas, doubled quotes, a field spanning two lines, blank lines, a malformed row, a pair whose
# quoted field closes and a second opens on the line after (one record of three lines)
WILD = [
    "id,en,ko",
    '1,"Hello, friend.",안녕 친구.',
    '2,"She said ""hi"".","그녀가 ""안녕""이라고 했다."',
    "",
    '3,"Two',
    'lines.",두 줄.',
    "4,only two fields",
    "",
    "",
    '5,"A ""quoted',
    'line""","따옴표',
    '줄"',
    "6,Bye.,잘 가.",
    '7,Unquoted "quote here,안녕히.',
]


def write_wild(path: Path, newline: str = "\n", bom: bool = False) -> Path:
    text = newline.join(WILD) + newline + "8,Last.,마지막."  # the last line without a line end
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def unusable(records) -> list[tuple[int, str, str]]:
    return [
        (r.no if hasattr(r, "no") else r.line_no, r.kind, r.why)
        for r in records
        if r.kind in (EMPTY, MALFORMED)
    ]


@pytest.mark.parametrize(("newline", "bom"), [("\n", False), ("\r\n", True), ("\r", False)])
def test_a_csv_streamed_gives_the_pairs_and_skips_of_the_file_read_whole(tmp_path, newline, bom):
    path = write_wild(tmp_path / "wild.csv", newline, bom)
    whole, report = read_corpus(path)
    stream = PairStream(path)
    records = list(stream.records())
    assert stream.fmt == "csv"
    assert [r.pair for r in records if r.pair is not None] == whole
    assert whole == [
        ("Hello, friend.", "안녕 친구."),
        ('She said "hi".', '그녀가 "안녕"이라고 했다.'),
        ("Two lines.", "두 줄."),
        ('A "quoted line"', "따옴표 줄"),
        ("Bye.", "잘 가."),
        ('Unquoted "quote here', "안녕히."),
        ("Last.", "마지막."),
    ]
    _, _, file_recs = file_records(path)
    assert (
        unusable(records)
        == unusable(file_recs)
        == [
            (4, EMPTY, "blank line"),
            (7, MALFORMED, "2 fields, the header has 3"),
            (8, EMPTY, "blank line"),
            (9, EMPTY, "blank line"),
        ]
    )
    assert [(r.line_no, r.last) for r in records if r.last] == [(5, 6), (10, 12)]
    lines = len(path.read_bytes().decode("utf-8-sig").splitlines())  # \n, \r\n or \r: one line end each
    assert report.lines == records[-1].position[1] == lines  # the file's lines, not its records
    assert records[-1].end == path.stat().st_size


def test_a_resume_from_every_record_end_continues_with_the_next_record(tmp_path):
    path = write_wild(tmp_path / "wild.csv", "\r\n")
    stream = PairStream(path)
    records = list(stream.records())
    for i, rec in enumerate(records):
        assert list(stream.records(*rec.position)) == records[i + 1 :], rec
    assert list(stream.records(stream.start, stream.start_line)) == records


def test_the_position_saved_after_an_epoch_is_a_record_end_with_its_last_line(tmp_path):
    path = tmp_path / "two_lines.csv"
    with path.open("w", encoding="utf-8", newline="") as f:  # every record spans lines 2k and 2k + 1
        csv.writer(f).writerows([("en", "ko"), *((f"{en}\n", ko) for en, ko in combined_pairs(150))])
    stream = PairStream(path)
    positions = {r.position for r in stream.records()}
    found = scan(stream, seed=0, valid_frac=0.15, test_frac=0.15)
    pairs = found.sample
    src, tgt = Tokenizer.train([p[0] for p in pairs], 60), Tokenizer.train([p[1] for p in pairs], 60)
    batches = StreamBatches(stream, found.is_train, src, tgt, batch_size=8, buffer_size=24,
                            steps_per_epoch=5, seed=0)  # fmt: skip
    batches.set_epoch(0)
    list(batches)
    state = batches.state()
    assert (state["offset"], state["line_no"]) in positions and state["line_no"] % 2 == 1


def test_an_unclosed_quote_is_one_line_naming_its_line_and_reads_no_further_than_csv_limit(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('en,ko\nHi.,안녕.\n"Hello.,안녕\n' + "Bye.,잘 가.\n" * 200_000, encoding="utf-8")
    read: list[int] = []
    with pytest.raises(RnnkitError) as info:
        list(PairStream(path).records(tap=lambda raw: read.append(len(raw))))
    message = str(info.value)
    assert message.startswith(f"{path}:3: field larger than field limit") and "\n" not in message
    assert "unclosed quote? the record from line 3 runs on to line" in message
    assert sum(read) < 200 * 1024 < path.stat().st_size // 10  # stopped at csv's 128 KiB, not the end
    with pytest.raises(RnnkitError) as whole:  # the file read whole says the same
        read_corpus(path)
    assert str(whole.value) == message


def test_an_unclosed_quote_through_the_cli_is_one_line(tmp_path, capsys):
    path = tmp_path / "q.csv"
    path.write_text('en,ko\n"Hello.,안녕\n' + "Bye.,잘 가.\n" * 20_000, encoding="utf-8")
    out = tmp_path / "o"
    args = ["translate", "train", "--corpus", str(path), "--out", str(out), *TINY_TRAIN_ARGS, *STREAM_ARGS]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rnnkit: error: {path}:2: ") and err.count("\n") == 1, err


def test_csv_header_problems_are_the_whole_file_readers_errors(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(RnnkitError, match="empty.csv is empty: no header row"):
        PairStream(empty)
    other = tmp_path / "other.csv"
    other.write_text("english,korean,\nHi.,안녕.,\n", encoding="utf-8")  # named by language: found
    assert [r.pair for r in PairStream(other).records()] == read_corpus(other)[0] == [("Hi.", "안녕.")]
    named = tmp_path / "named.csv"
    named.write_text("src_text,tgt_text\nHi.,안녕.\n", encoding="utf-8")
    with pytest.raises(RnnkitError, match=r"has no column 'en'; columns: src_text, tgt_text"):
        PairStream(named)
    picked = PairStream(named, "csv", src_col="src_text", tgt_col="tgt_text")
    assert [r.pair for r in picked.records()] == [("Hi.", "안녕.")]


def test_a_header_spanning_two_lines_starts_the_data_after_it(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text('"en",ko\nHi.,"안녕\n하세요."\nBye.,잘 가.\n', encoding="utf-8")
    stream = PairStream(path)
    assert (stream.start, stream.start_line) == (len(b'"en",ko\n'), 1)
    path.write_text('"e\nn",en,ko\nx,Hi.,안녕.\n', encoding="utf-8")
    stream = PairStream(path)
    assert stream.start_line == 2 and [(r.line_no, r.pair) for r in stream.records()] == [
        (3, ("Hi.", "안녕."))
    ]


def test_a_line_not_utf8_is_named_by_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes('en,ko\n"Hi,\nthere.",안녕.\n'.encode() + b"caf\xe9,x\n")
    with pytest.raises(RnnkitError, match=r"bad.csv: line 4 is not UTF-8"):
        list(PairStream(path).records())


CSV_PIECES = ['"', '""', ",", "\n", "\r", "\r\n", "a", "한", " ", "\ufeff"]  # quoting, line ends, text
csv_text = st.lists(st.sampled_from(CSV_PIECES), max_size=40).map("".join)


@settings(max_examples=150, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_text, st.booleans())
def test_any_csv_text_streamed_is_the_file_read_whole(tmp_path, body, bom):
    path = tmp_path / "c.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + ("en,ko\n" + body).encode())
    try:
        # each record's reading is compared here; a file refused whole for holding no Korean, as most
        # of these do, is tested in test_corpus_no_korean.py (streamed, it is refused by scan)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(corpus, "refuse_no_korean", lambda *_: None)
            whole, _ = read_corpus(path)
    except RnnkitError as exc:
        whole, error = [], str(exc)
    else:
        error = None
    try:
        stream = PairStream(path)
        records = list(stream.records())
    except RnnkitError as exc:
        assert str(exc) == error
        return
    assert [r.pair for r in records if r.pair is not None] == whole
    # the whole-file reader's refusals of a file with no usable pair: none, or every one the other way round
    assert error is None or error.startswith("no usable sentence pairs") or "the other way round" in error
    _, _, file_recs = file_records(path)
    assert [(r.line_no, r.last or r.line_no) for r in records] == [
        (r.no, r.last) for r in list(file_recs)[1:]
    ]
    for i, rec in enumerate(records):
        assert list(stream.records(*rec.position)) == records[i + 1 :]


@pytest.fixture(scope="module")
def quoted_corpus(tmp_path_factory) -> Path:
    """150 pairs whose English is a quoted field with a comma, doubled quotes and a line break."""
    text = io.StringIO()
    rows = [(f'"{en}", he said,\nand left.', ko) for en, ko in combined_pairs(150)]
    csv.writer(text).writerows([("en", "ko"), *rows])
    path = tmp_path_factory.mktemp("stream_csv") / "c.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def train(corpus: Path, out: Path, epochs: int, *extra: str) -> int:
    args = ["translate", "train", "--corpus", str(corpus), "--out", str(out), *TINY_TRAIN_ARGS, *STREAM_ARGS]
    return main([*args, "--epochs", str(epochs), "--lr-schedule", "constant", *extra])


def test_train_stream_reads_a_csv_corpus(quoted_corpus, tmp_path, capsys):
    out = tmp_path / "run"
    assert train(quoted_corpus, out, 1) == 0
    printed = capsys.readouterr().out
    assert "streamed 150 pairs from 301 lines (0 unusable)" in printed  # a header, two lines a record
    assert (out / "stream" / "epoch-0001.json").is_file()


def test_a_resumed_csv_stream_trains_the_weights_of_a_straight_run(quoted_corpus, tmp_path):
    assert train(quoted_corpus, tmp_path / "straight", 2) == 0
    out = tmp_path / "run"
    assert train(quoted_corpus, out, 1) == 0
    assert train(quoted_corpus, out, 2, "--resume") == 0
    assert_same_model(out, tmp_path / "straight")
