"""Columns named on a tab file that opens with ``#`` lines: the table reader took the first comment as
the header row, so ``--src-col en --tgt-col ko`` (the defaults) on the bundled corpus was "has no column
'en'; columns: # rnnkit English-Korean ...", and an Anki export (``#columns:English<TAB>Korean``) was
refused with a directive as its columns. Whole-file, ``--stream`` and check-corpus alike."""

from __future__ import annotations

import pytest

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import check_file
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError


def test_the_default_column_names_read_the_bundled_corpus():
    pairs, report = read_corpus(None, src_col="en", tgt_col="ko")
    assert (len(pairs), report.lines, report.malformed) == (47252, 47257, 0)
    stream = PairStream(None, "auto", "en", "ko", "en", "ko")
    assert stream.fmt == "anki"
    assert check_file(read_corpus(None)[1].source, "auto", "en", "ko").pairs == 47252


@pytest.mark.parametrize("stream", [False, True])
def test_a_header_after_comments_is_the_header(tmp_path, stream):
    path = tmp_path / "c.tsv"
    path.write_text("# my pairs\n#  from a sheet\nEnglish\tKorean\nHi.\t안녕.\n", encoding="utf-8")
    if stream:
        got = [r.pair for r in PairStream(path, "auto", "en", "ko", "English", "Korean").records() if r.pair]
    else:
        got = read_corpus(path, "auto", "en", "ko", "English", "Korean")[0]
    assert got == [("Hi.", "안녕.")]


@pytest.mark.parametrize("reader", range(3))
def test_named_columns_on_pairs_after_comments_name_the_first_pair(tmp_path, reader):
    path = tmp_path / "c.tsv"
    path.write_text("# my pairs\nHi.\t안녕.\nBye.\t잘 가요.\n", encoding="utf-8")
    readers = [
        lambda: read_corpus(path, "auto", "en", "ko", "English", "Korean"),
        lambda: PairStream(path, "auto", "en", "ko", "English", "Korean"),
        lambda: check_file(path, "auto", "English", "Korean"),
    ]
    with pytest.raises(
        RnnkitError, match=r"has no column 'English'; columns: Hi\., 안녕\.; .*header row is missing"
    ):
        readers[reader]()


@pytest.mark.parametrize("reader", range(3))
def test_named_columns_on_an_anki_export_say_it_has_no_header(tmp_path, reader):
    path = tmp_path / "export.txt"
    path.write_text("#separator:tab\n#html:false\n#columns:English\tKorean\nHi.\t안녕.\n", encoding="utf-8")
    readers = [
        lambda: read_corpus(path, "auto", "en", "ko", "English", "Korean"),
        lambda: PairStream(path, "auto", "en", "ko", "English", "Korean"),
        lambda: check_file(path, "auto", "English", "Korean"),
    ]
    with pytest.raises(RnnkitError, match=r"is an Anki export .*leave --src-col/--tgt-col out") as err:
        readers[reader]()
    assert "\n" not in str(err.value)
