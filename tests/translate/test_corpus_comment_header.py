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


@pytest.mark.parametrize("first", ["#", "#id"])
def test_a_header_whose_first_column_is_named_with_a_hash_is_the_header(tmp_path, first):
    """A sheet's row-number column named # (or #id) began the header, which efd2a447 skipped as a comment:
    its first data row became the columns ('has no column English; columns: 1, Hello., ...')."""
    path = tmp_path / "h.tsv"
    path.write_text(f"{first}\tEnglish\tKorean\n1\tHello.\t안녕하세요.\n", encoding="utf-8")
    assert read_corpus(path, "auto", "en", "ko", "English", "Korean")[0] == [("Hello.", "안녕하세요.")]
    got = [r.pair for r in PairStream(path, "auto", "en", "ko", "English", "Korean").records() if r.pair]
    assert got == [("Hello.", "안녕하세요.")]


@pytest.mark.parametrize("stream", [False, True])
def test_one_json_key_for_both_sides_is_refused(tmp_path, stream):
    # a table's one column for both sides was refused (e933869e); a JSON key trained English into English
    path = tmp_path / "p.jsonl"
    path.write_text('{"en": "Hello.", "ko": "안녕하세요."}\n', encoding="utf-8")
    with pytest.raises(RnnkitError, match="^--src-col en and --tgt-col en both name key 'en'$"):
        if stream:
            list(PairStream(path, "auto", "en", "fr", "en", "en").records())
        else:
            read_corpus(path, "auto", "en", "fr", "en", "en")
