"""Columns named with ``--src-col``/``--tgt-col``: a name matching no header column made the auto-detected
``.tsv`` an anki file, read from its first two columns (``id<TAB>korean<TAB>english`` with ``--src-col
English`` trained the ids into Korean, exit 0); and a named column was matched only as typed, while the
default one (the language code) is matched in any case. Whole-file, ``--stream`` and check-corpus alike."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import check_file
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError

TABLE = "id\tkorean\tenglish\n0\t저는 학생입니다.\tI am a student.\n1\t안녕하세요.\tHello.\n2\t고마워요.\tThanks.\n"
PAIRS = [("I am a student.", "저는 학생입니다."), ("Hello.", "안녕하세요."), ("Thanks.", "고마워요.")]


def _streamed(path, *cols):
    return [r.pair for r in PairStream(path, "auto", "en", "ko", *cols).records() if r.pair is not None]


def _checked(path, *cols):
    report = check_file(path, "auto", *cols)
    return report.fmt, report.pairs


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "c.tsv"
    path.write_text(TABLE, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "cols", [("English", "Korean"), (" ENGLISH ", "korean"), ("eng", "KO"), ("English", None)]
)
def test_named_columns_match_the_header_as_the_default_ones_do(table, cols):
    assert read_corpus(table, "auto", "en", "ko", *cols)[0] == PAIRS
    assert _streamed(table, *cols) == PAIRS
    assert _checked(table, *cols) == ("tsv", len(PAIRS))


@pytest.mark.parametrize("fmt", ["auto", "tsv"])
def test_a_named_column_not_in_the_header_is_one_line_listing_the_columns(table, fmt):
    want = f"{table} has no column 'Englsh'; columns: id, korean, english"
    reads = (
        lambda: read_corpus(table, fmt, "en", "ko", "Englsh", "Korean"),
        lambda: PairStream(table, fmt, "en", "ko", "Englsh", "Korean"),
        lambda: check_file(table, fmt, "Englsh", "Korean"),
    )
    for read in reads:
        with pytest.raises(RnnkitError) as info:
            read()
        assert str(info.value) == want


def test_named_columns_on_a_file_without_a_header_row_are_refused_saying_so(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("I am a student.\t저는 학생입니다.\nHello.\t안녕하세요.\n", encoding="utf-8")
    for read in (
        lambda: read_corpus(path, "auto", "en", "ko", "english", "korean"),
        lambda: PairStream(path, "auto", "en", "ko", "english", "korean"),
        lambda: check_file(path, "auto", "english", "korean"),
    ):
        with pytest.raises(
            RnnkitError,
            match=r"; if this row is a sentence pair, the header row is missing: start the file with one, english<TAB>korean$",
        ):
            read()
    # without named columns the same file is an anki file, as before
    assert read_corpus(path)[0] == PAIRS[:2]


@pytest.mark.parametrize("extra", [[], ["--stream"]])
def test_train_refuses_a_column_matching_nothing_in_one_line(table, tmp_path, capsys, extra):
    args = ["translate", "train", "--corpus", str(table), "--out", str(tmp_path / "run")]
    assert main([*args, "--src-col", "Englsh", "--tgt-col", "Korean", *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no column 'Englsh'; columns: id, korean, english" in err
    assert not (tmp_path / "run").exists()


def test_check_corpus_refuses_a_column_matching_nothing_in_one_line(table, capsys):
    assert main(["translate", "check-corpus", str(table), "--src-col", "Englsh", "--tgt-col", "Korean"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no column 'Englsh'; columns: id, korean, english" in err
