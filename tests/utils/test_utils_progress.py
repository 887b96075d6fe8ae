"""Progress display: plain lines when stderr is not a terminal, nothing when disabled."""

import pytest

from rnnkit.utils import progress as progress_module
from rnnkit.utils.progress import progress


@pytest.fixture
def plain(monkeypatch):
    monkeypatch.setattr(progress_module, "is_terminal", lambda: False)


def test_plain_mode_yields_everything_and_prints_final_line(plain, capsys):
    items = list(progress(range(7), "work", plain_every=3600))
    assert items == list(range(7))
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1  # only the final line: the interval was never reached
    assert lines[0].startswith("work: 7/7 (")


def test_plain_mode_prints_every_interval(plain, capsys):
    list(progress(iter(range(4)), "gen", plain_every=0.0))
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line.split(" (")[0] for line in lines] == ["gen: 1", "gen: 2", "gen: 3", "gen: 4"]


def test_total_given_for_a_generator(plain, capsys):
    list(progress((i for i in range(3)), "g", total=3, plain_every=3600))
    assert capsys.readouterr().err.startswith("g: 3/3 (")


def test_disabled_prints_nothing(capsys):
    assert list(progress([1, 2, 3], "quiet", enabled=False)) == [1, 2, 3]
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_terminal_mode_uses_rich(monkeypatch, capsys):
    monkeypatch.setattr(progress_module, "is_terminal", lambda: True)
    assert list(progress(range(5), "bar")) == list(range(5))
    captured = capsys.readouterr()
    assert "bar" in captured.err and "5/5" in captured.err
    assert captured.out == ""  # the bar never mixes into results on stdout
