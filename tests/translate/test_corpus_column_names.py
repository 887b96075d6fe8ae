"""Two column names meeting one column: ``--src-col English --tgt-col eng`` both found ``English`` and
the model learnt English->English in silence; a loose name matching two columns (``En`` on ``EN``,
``en``) was said to match none. Whole-file, ``--stream`` and check-corpus alike."""

from __future__ import annotations

import pytest

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import check_file
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError


def _readers(path, src_col, tgt_col):
    return [
        lambda: read_corpus(path, "auto", "en", "ko", src_col, tgt_col),
        lambda: PairStream(path, "auto", "en", "ko", src_col, tgt_col),
        lambda: check_file(path, "auto", src_col, tgt_col),
    ]


@pytest.mark.parametrize("reader", range(3))
def test_two_names_for_one_column_are_refused(tmp_path, reader):
    path = tmp_path / "ek.tsv"
    path.write_text("English\tKorean\nHi.\t안녕.\nBye.\t잘 가요.\n", encoding="utf-8")
    with pytest.raises(RnnkitError, match="^--src-col English and --tgt-col eng both name column 'English'$"):
        _readers(path, "English", "eng")[reader]()


@pytest.mark.parametrize("reader", range(3))
def test_a_name_matching_two_columns_loosely_says_so(tmp_path, reader):
    path = tmp_path / "amb.tsv"
    path.write_text("EN\ten \tko\nHi.\tHi.\t안녕.\n", encoding="utf-8")
    with pytest.raises(RnnkitError, match=r"^'En' matches 2 columns \(EN, en\): name one exactly$"):
        _readers(path, "En", None)[reader]()
