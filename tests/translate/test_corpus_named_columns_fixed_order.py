"""--src-col/--tgt-col with a corpus whose columns have no names (--format anki, Moses files): the named
columns were ignored in silence and the file read in its fixed order, whatever they named."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import check_file
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError

ANKI = (
    "--src-col names a column, and an anki file (--format anki) has no header row naming its columns: "
    "leave it out, or give --format tsv for a table with one"
)


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("ko\ten\n안녕하세요.\tHello.\n", encoding="utf-8")
    return path


def test_a_named_column_with_format_anki_is_refused_whole_streamed_and_checked(table):
    for read in (
        lambda: read_corpus(table, "anki", src_col="en"),
        lambda: PairStream(table, "anki", src_col="en"),
        lambda: check_file(table, "anki", "en", None),
    ):
        with pytest.raises(RnnkitError) as info:
            read()
        assert str(info.value) == ANKI
    # as a table the same names read it; without them it is an anki file, as before
    assert read_corpus(table, "tsv", src_col="en", tgt_col="ko")[0] == [("Hello.", "안녕하세요.")]
    assert read_corpus(table, "anki")[0] == [("Hello.", "안녕하세요.")]


@pytest.mark.parametrize("extra", [[], ["--stream"]])
def test_train_says_it_in_one_line(table, tmp_path, capsys, extra):
    args = ["translate", "train", "--corpus", str(table), "--format", "anki", "--out", str(tmp_path / "run")]
    assert main([*args, "--src-col", "en", "--tgt-col", "ko", *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--src-col and --tgt-col name columns, and an anki file" in err
    assert not (tmp_path / "run").exists()


def test_a_named_column_with_moses_files_is_refused(tmp_path):
    (tmp_path / "a.en").write_text("Hello.\n", encoding="utf-8")
    (tmp_path / "a.ko").write_text("안녕하세요.\n", encoding="utf-8")
    with pytest.raises(
        RnnkitError, match=r"^--tgt-col names a column, and Moses files have none .*: leave it out$"
    ):
        read_corpus(src_file=tmp_path / "a.en", tgt_file=tmp_path / "a.ko", tgt_col="ko")
