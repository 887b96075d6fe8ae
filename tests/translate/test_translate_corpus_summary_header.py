"""A TSV's or CSV's header row in train's read summary (session 25): ``read 2 pairs from x.tsv (3 lines:
0 comment, 0 empty, 0 malformed)`` left one line unaccounted for, where check-corpus counts the header
with the comments ("1 comment line") and an anki file's header is counted so too."""

from __future__ import annotations

import pytest

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import check_file
from rnnkit.utils.errors import RnnkitError


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pairs.tsv", "en\tko\nThank you.\t고마워요.\nGood night.\t잘 자요.\n"),
        ("pairs.csv", "en,ko\nThank you.,고마워요.\nGood night.,잘 자요.\n"),
        ("pairs.txt", "english\tkorean\nThank you.\t고마워요.\nGood night.\t잘 자요.\n"),  # anki header
    ],
)
def test_the_summary_counts_a_header_row_so_its_kinds_add_up_to_the_lines(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    pairs, report = read_corpus(path)
    assert len(pairs) == 2
    assert report.summary().startswith(f"read 2 pairs from {path} (3 lines: 1 comment, 0 empty, 0 malformed)")
    assert report.lines == report.pairs + report.comments + report.empty + report.malformed
    assert check_file(path).comments == report.comments  # check-corpus counts it alike


def test_a_table_header_is_not_listed_as_a_skipped_line(tmp_path):
    """Every table has a header row: naming it among the skipped lines would be noise."""
    path = tmp_path / "pairs.tsv"
    path.write_text("en\tko\nThank you.\t고마워요.\n", encoding="utf-8")
    assert "skipped" not in read_corpus(path)[1].summary()


def test_the_comments_above_a_header_are_counted(tmp_path):
    """A TSV's ``#`` lines above its header were passed over uncounted: ``read 2 pairs from notes.tsv
    (5 lines: 1 comment, 0 empty, 0 malformed)`` left two lines unaccounted for, and check-corpus said
    "1 comment line"."""
    path = tmp_path / "notes.tsv"
    path.write_text(
        "# my pairs\n# from a sheet\nen\tko\nThank you.\t고마워요.\nGood night.\t잘 자요.\n", "utf-8"
    )
    pairs, report = read_corpus(path)
    assert len(pairs) == 2
    assert report.summary() == f"read 2 pairs from {path} (5 lines: 3 comment, 0 empty, 0 malformed)"
    check = check_file(path)
    assert (check.comments, check.problems) == (3, [])


def test_the_blank_lines_above_a_header_are_counted_empty_and_left_unnamed_by_check_corpus(tmp_path):
    """Blank lines above a TSV's header were dropped uncounted: ``(7 lines: 2 comment, 0 empty, 0
    malformed)`` of two pairs, three lines unaccounted for. check-corpus still names none of them: nothing
    is lost there."""
    path = tmp_path / "b.tsv"
    path.write_text("\n\n# my pairs\n\nen\tko\nThank you.\t고마워요.\nGood night.\t잘 자요.\n", "utf-8")
    pairs, report = read_corpus(path)
    assert len(pairs) == 2
    assert report.summary().startswith(f"read 2 pairs from {path} (7 lines: 2 comment, 3 empty, 0 malformed)")
    check = check_file(path)
    assert (check.pairs, check.comments, check.problems) == (2, 2, [])


def test_the_blank_lines_above_a_header_never_take_the_skipped_examples(tmp_path):
    """Counted empty, the blank lines above the header took the summary's five example slots (``skipped
    line 1: blank line; ... line 5: blank line``), pushing the lines the user must fix out of it; and a
    file of no usable pair named ``line 1: blank line`` as why."""
    path = tmp_path / "b.tsv"
    path.write_text("\n\n\n\n\nen\tko\nHello.\t안녕하세요.\nThanks.\n\tnothing\nBye.\t잘 가요.\n", "utf-8")
    assert read_corpus(path)[1].summary() == (
        f"read 2 pairs from {path} (10 lines: 1 comment, 6 empty, 1 malformed); "
        "skipped line 8: 1 field, the header has 2; line 9: a side is empty"
    )
    path.write_text("\n\nen\tko\nThanks.\n", "utf-8")
    with pytest.raises(RnnkitError) as info:
        read_corpus(path)
    assert (
        str(info.value) == f"no usable sentence pairs in {path} (4 lines; line 4: 1 field, the header has 2)"
    )
