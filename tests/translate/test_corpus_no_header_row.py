"""A table saved without its header row: its first pair was read as the column names, and the error
listed a sentence pair as columns ("has no column 'en'; columns: Where are you from?, 어디에서 왔어요?"),
never saying that the header row is what is missing."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError

ROWS = ["Where are you from?{0}어디에서 왔어요?", "I am tired.{0}피곤해요."]


@pytest.mark.parametrize(("name", "sep", "shown"), [("pairs.csv", ",", ","), ("pairs.tsv", "\t", "<TAB>")])
def test_a_first_row_that_is_a_pair_is_said_to_be_no_header_whole_and_streamed(tmp_path, name, sep, shown):
    path = tmp_path / name
    path.write_text("".join(row.format(sep) + "\n" for row in ROWS), encoding="utf-8")
    want = (
        f"{path} has no column 'en'; columns: Where are you from?, 어디에서 왔어요?; if this row is a "
        f"sentence pair, the header row is missing: start the file with one, en{shown}ko"
    )
    for read in (lambda: read_corpus(path, fmt=name[-3:]), lambda: PairStream(path, fmt=name[-3:])):
        with pytest.raises(RnnkitError) as info:
            read()
        assert str(info.value) == want


def test_check_corpus_says_it_in_one_line(tmp_path, capsys):
    path = tmp_path / "pairs.csv"
    path.write_text("Hello.,안녕하세요.\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the header row is missing" in err and err.endswith("en,ko\n")


@pytest.mark.parametrize("header", ["영어,한국어", "English,Korean", "en,ko"])
def test_a_header_naming_the_languages_is_still_a_header(tmp_path, header):
    path = tmp_path / "pairs.csv"
    path.write_text(f"{header}\nHi.,안녕.\n", encoding="utf-8")
    assert read_corpus(path)[0] == [("Hi.", "안녕.")]


def test_a_header_of_other_names_still_lists_them(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("src,dst\nHi.,안녕.\n", encoding="utf-8")
    with pytest.raises(RnnkitError, match=r"has no column 'en'; columns: src, dst$"):
        read_corpus(path)


@pytest.mark.parametrize(
    ("header", "columns"),
    [("영어 문장,한국어 문장", "영어 문장, 한국어 문장"), ("No.,Source,Target", "No., Source, Target")],
)
def test_a_header_that_only_looks_like_a_pair_is_still_listed_as_columns(tmp_path, header, columns):
    # was "has no header row ... start the file with one, en,ko": followed, the header row was trained
    # as a pair; the columns it lists are what --src-col/--tgt-col name
    path = tmp_path / "pairs.csv"
    row = "Hello.,안녕하세요." if header.count(",") == 1 else "1,Hello.,안녕하세요."
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(RnnkitError) as info:
        read_corpus(path)
    assert str(info.value).startswith(f"{path} has no column 'en'; columns: {columns}; if this row is a")
    first, second = header.split(",")[-2:]
    pairs = read_corpus(path, src_col=first, tgt_col=second)[0]
    assert pairs == [("Hello.", "안녕하세요.")]
