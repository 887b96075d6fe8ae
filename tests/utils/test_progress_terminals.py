"""Progress bars on narrow and dumb terminals: on a narrow one the description and the count always whole,
the rest as it fits; on a dumb one (TERM=dumb), which cannot redraw a line, the plain lines of a log.

On 20 columns (``COLUMNS=20``, a split pane) rich squeezed every part in and cut each: ``epoch 1/2 ━━ 18…
0:…``, the count and both times unreadable. The parts that do not fit are now left out, least useful
first: the elapsed time, then the bar, then the time left.
"""

from __future__ import annotations

import re

import pytest

from rnnkit.utils import progress as progress_module
from rnnkit.utils.progress import _room, progress

CLOCK = r"\d+:\d\d:\d\d"


@pytest.mark.parametrize(
    ("width", "bar", "clocks"),
    [(20, False, 0), (30, False, 1), (40, True, 1), (80, True, 2)],
)
def test_each_width_shows_whole_parts_only(monkeypatch, capsys, width, bar, clocks):
    monkeypatch.setattr(progress_module, "is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", str(width))
    list(progress(range(18), "epoch 1/2"))
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("epoch 1/2 ") and "18/18" in last  # before, on 20 columns: "epoch 1/2 ━━ 18… 0:…"
    assert "…" not in last and len(last) <= width
    assert ("━" in last) == bar
    assert len(re.findall(CLOCK, last)) == clocks


def test_the_bar_takes_what_the_other_parts_leave():
    # 9 description + 1 + 5 count, 8 time left and 8 elapsed: 60 - 31 = 29 columns, one of them a space
    assert _room(60, "epoch 1/2", 18) == {"left": 7, "elapsed": 7, "bar": 28}
    assert _room(40, "epoch 1/2", 18) == {"left": 7, "bar": 16}  # no elapsed time below 60 columns


def test_a_description_as_wide_as_the_terminal_leaves_no_optional_part():
    assert _room(20, "translating sentences", 100) == {}


def test_an_unknown_total_keeps_room_for_its_count():
    assert "bar" not in _room(30, "reading", None)  # "1000/?" and the time left leave too little


@pytest.mark.parametrize(("term", "redraws"), [("xterm-256color", True), ("dumb", False), ("unknown", False)])
def test_a_dumb_terminal_gets_plain_lines(monkeypatch, capsys, term, redraws):
    """On TERM=dumb rich drew each bar once, full, at the end: nothing showed while an epoch ran."""
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("TERM", term)
    assert progress_module.is_terminal() is redraws
    if not redraws:
        list(progress(range(3), "epoch 1/2", plain_every=0.0))
        lines = capsys.readouterr().err.splitlines()
        assert [line.split(" (")[0] for line in lines] == [
            "epoch 1/2: 1/3",
            "epoch 1/2: 2/3",
            "epoch 1/2: 3/3",
        ]
