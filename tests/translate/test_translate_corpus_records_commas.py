"""A comma-separated corpus saved or named as a tab file (session 25): every line was "1 tab-separated
field, expected 2 or 3" and the refusal "a corpus holds english<TAB>korean lines", without a word that
the sentences were there, split by commas, nor what to do about it."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import check_file
from rnnkit.translate.corpus_records import COMMA_PAIR
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.translate.stream_split import scan
from rnnkit.utils.errors import RnnkitError

PAIRS = [
    ("Hello, how are you?", "안녕하세요, 잘 지내요?"),
    ("Thank you.", "고마워요."),
    ("Good night.", "잘 자요."),
]


@pytest.fixture
def comma_file(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{en},{ko}\n" for en, ko in PAIRS), encoding="utf-8")
    return path


def test_train_names_the_commas_and_the_csv_format_read_whole_and_streamed(comma_file):
    expected = f"line 1: 1 tab-separated field, expected 2 or 3 ({COMMA_PAIR}))"
    with pytest.raises(RnnkitError) as whole:
        read_corpus(comma_file)
    assert str(whole.value).endswith(expected)
    with pytest.raises(RnnkitError) as streamed:
        scan(PairStream(comma_file))
    assert str(streamed.value).endswith(expected)


def test_check_corpus_gives_each_comma_line_the_hint(comma_file, capsys):
    assert main(["translate", "check-corpus", str(comma_file)]) == 2
    out = capsys.readouterr().out
    assert out.count(f"({COMMA_PAIR})") == 3
    assert "give it a header row en,ko and --format csv" in COMMA_PAIR


def test_the_advice_is_right_the_file_with_a_header_reads_as_csv(comma_file, tmp_path):
    fixed = tmp_path / "pairs.csv"
    fixed.write_text("en,ko\n" + '"Hello, how are you?","안녕하세요, 잘 지내요?"\nThank you.,고마워요.\n'
                     "Good night.,잘 자요.\n", encoding="utf-8")  # fmt: skip
    pairs, _ = read_corpus(fixed, fmt="csv")
    assert pairs == PAIRS


@pytest.mark.parametrize(
    "line",
    [
        "Hello, world",  # no Hangul: an English line, nothing to split
        "안녕, 친구",  # Hangul on both sides of the comma
        "Hello.\t안녕하세요.\textra\tmore",  # four fields: another problem
    ],
)
def test_no_comma_hint_where_a_comma_does_not_split_english_from_korean(tmp_path, line):
    path = tmp_path / "one.tsv"
    path.write_text(f"Thanks.\t고마워요.\n{line}\n", encoding="utf-8")
    report = check_file(path)
    assert report.problems  # the line is flagged, for its own reason
    assert all(COMMA_PAIR not in p.detail for p in report.problems), report.problems
