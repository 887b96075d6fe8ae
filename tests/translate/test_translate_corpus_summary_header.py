"""A TSV's or CSV's header row in train's read summary (session 25): ``read 2 pairs from x.tsv (3 lines:
0 comment, 0 empty, 0 malformed)`` left one line unaccounted for, where check-corpus counts the header
with the comments ("1 comment line") and an anki file's header is counted so too."""

from __future__ import annotations

import pytest

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import check_file


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
