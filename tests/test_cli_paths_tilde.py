"""Every path a command takes expands a leading ``~`` as a shell would, even quoted (``--out "~/x"``),
after ``=`` (``--out=~/x``, which bash leaves alone) or from a ``--config`` file; none creates a folder
named ``~`` in the current one (a later ``rm -rf ~`` to tidy it would mean the home folder)."""

from pathlib import Path

import pytest

from rnnkit.cli import main


@pytest.fixture
def home(tmp_path, monkeypatch):
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    return home


CSV = "english,korean\nI am a student.,저는 학생이에요.\nI am tired.,저는 피곤해요.\nI am tired.,저는 피곤해요.\n"


def test_a_quoted_tilde_reads_and_writes_in_the_home_folder(home, capsys):
    (home / "pairs.csv").write_text(CSV, encoding="utf-8")
    code = main(["translate", "check-corpus", "~/pairs.csv", "--write-clean=~/clean/pairs.csv"])
    assert code == 1, capsys.readouterr()  # the duplicate line is reported
    assert (home / "clean" / "pairs.csv").read_text(encoding="utf-8").count("\n") == 3
    assert list(Path.cwd().iterdir()) == []  # no folder named ~ here


def test_a_data_set_name_option_expands_too(home, one_line_error):
    """``forecast --data`` is a file or a bundled data set's name; a file under ~ is looked for at home."""
    assert main(["forecast", "train", "--data", "~/prices.csv", "--out=~/runs/x", "--threads", "1"]) == 2
    one_line_error(f"data file not found: {home}/prices.csv")
    assert list(Path.cwd().iterdir()) == [] and list(home.iterdir()) == []


def test_a_tilde_naming_no_home_is_refused_in_one_line(home, one_line_error):
    assert main(["translate", "check-corpus", "x.csv", "--write-clean", "~nobody-here-xyz/c.csv"]) == 2
    one_line_error(
        "--write-clean", "'~nobody-here-xyz', which names no home folder here", "write the full path"
    )
    assert list(Path.cwd().iterdir()) == []
