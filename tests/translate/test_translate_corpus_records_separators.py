"""A table separated by another character than its format's (session 25): Excel in a locale with a
decimal comma saves CSV with semicolons, and ``en;ko`` was "has no column 'en'; columns: en;ko", which
names the column it says is missing."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError

HINT = "save the file with commas as a .csv, or with tabs as a .tsv)"


@pytest.mark.parametrize(
    ("name", "sep", "said"), [("pairs.csv", ";", "semicolons"), ("pairs.csv", "|", "vertical bars")]
)
def test_a_header_of_one_column_names_its_separator_read_whole_and_streamed(tmp_path, name, sep, said):
    path = tmp_path / name
    path.write_text(f"en{sep}ko\nThank you.{sep}고마워요.\n", encoding="utf-8")
    want = (
        f"{path} has no column 'en'; columns: en{sep}ko (one column: the header row is separated by "
        f"{said}; {HINT}"
    )
    with pytest.raises(RnnkitError) as whole:
        read_corpus(path)
    assert str(whole.value) == want
    with pytest.raises(RnnkitError) as streamed:
        PairStream(path)
    assert str(streamed.value) == want


def test_check_corpus_says_it_in_one_line(tmp_path, capsys):
    path = tmp_path / "pairs.csv"
    path.write_text("en;ko\nThank you.;고마워요.\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith(f"separated by semicolons; {HINT}\n")


def test_a_header_of_several_columns_without_the_one_asked_has_no_hint(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("english;x,korean;y\nA.,가.\n", encoding="utf-8")
    with pytest.raises(RnnkitError) as err:
        read_corpus(path)
    assert str(err.value).endswith("columns: english;x, korean;y")


def test_a_pair_whose_tab_an_editor_turned_into_spaces_says_so(tmp_path, capsys):
    """It was "1 tab-separated field, expected 2 or 3" alone, though the line looks like a pair; one
    run of spaces inside a sentence is no such pair."""
    path = tmp_path / "pairs.txt"
    path.write_text("Thank you.    고마워요.\nI  am here.\n", encoding="utf-8")
    code = main(["translate", "check-corpus", str(path)])
    out = capsys.readouterr().out
    assert code == 2
    assert (
        "line 1: malformed: 1 tab-separated field, expected 2 or 3 (spaces, not a tab, separate its "
        "sentences, as an editor that turns tabs into spaces saves them: put one tab between them)"
    ) in out
    assert "line 2: malformed: 1 tab-separated field, expected 2 or 3\n" in out
