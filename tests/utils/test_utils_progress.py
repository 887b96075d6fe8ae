"""Progress display: plain lines when stderr is not a terminal, nothing when disabled."""

import re

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


def test_plain_lines_say_the_time_left_until_the_last(plain, capsys, monkeypatch):
    """Output piped to a log had no time left ("epoch 1/25: 300/738 (60.0s)"): a long run's log gave no
    estimate. Each line before the last now says it, at the rate so far."""
    clock = iter([0.0, 10.0, 20.0, 30.0, 40.0])  # the start, then one item every 10 s
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    list(progress(range(4), "epoch 1/25", plain_every=0.0))
    assert capsys.readouterr().err.splitlines() == [
        "epoch 1/25: 1/4 (10.0s, about 30 s left)",
        "epoch 1/25: 2/4 (20.0s, about 20 s left)",
        "epoch 1/25: 3/4 (30.0s, about 10 s left)",
        "epoch 1/25: 4/4 (40.0s)",
    ]


def test_a_size_counts_what_each_item_holds(plain, capsys):
    """describe's batches of 16 images were counted as batches ('describing: 2/2' for 20 images)."""
    batches = [list(range(16)), list(range(4))]
    assert list(progress(batches, "describing", total=20, size=len, plain_every=0.0)) == batches
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" (")[0] for line in lines] == ["describing: 16/20", "describing: 20/20"]


def test_a_size_counts_on_the_terminal_bar(monkeypatch, capsys):
    monkeypatch.setattr(progress_module, "is_terminal", lambda: True)
    list(progress([[1, 2, 3], [4, 5]], "describing", total=5, size=len))
    assert "5/5" in capsys.readouterr().err


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


@pytest.mark.parametrize(("width", "elapsed_shown"), [(40, False), (100, True)])
def test_a_narrow_terminal_drops_the_elapsed_time_not_the_bar(monkeypatch, capsys, width, elapsed_shown):
    """On 40 columns the elapsed time was cut to "0:00:…" for the whole epoch and the bar to 7 cells; a
    narrow terminal now shows the bar, the count and the time left."""
    monkeypatch.setattr(progress_module, "is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", str(width))
    list(progress(range(5), "epoch 1/3"))
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "5/5" in last and "…" not in last
    # elapsed and left, or left alone (any time: a loaded machine may take a second or more)
    assert len(re.findall(r"\d+:\d\d:\d\d", last)) == (2 if elapsed_shown else 1)


def test_stage_progress_estimates_from_the_stages_already_run(monkeypatch, capsys):
    from rnnkit.utils import progress as prog

    clock = iter([0.0, 20.0, 20.0, 30.0])  # stage a took 20 s where 10 were expected: twice as slow
    monkeypatch.setattr(prog.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(prog, "is_terminal", lambda: False)
    stages = prog.StageProgress({"a": 10.0, "b": 60.0, "c": 120.0})
    assert stages.start("a") == "section 1/3: a, about 3 min left"  # 190 s expected
    assert stages.start("b") == "section 2/3: b, about 6 min left"  # 180 s at half speed
    stages.finish()
    assert stages.done == [("a", 20.0), ("b", 10.0)]
    err = capsys.readouterr().err.splitlines()
    assert err == ["section 1/3: a, about 3 min left", "section 2/3: b, about 6 min left"]


def test_a_notebook_gets_a_notebook_bar_not_plain_lines(monkeypatch, capsys):
    from rnnkit.utils import progress as prog

    used = {}

    class FakeTqdm:
        def __init__(self, desc, total):
            used.update(desc=desc, total=total, done=0)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def update(self, n):
            used["done"] += n

    monkeypatch.setattr(prog, "in_notebook", lambda: True)
    monkeypatch.setattr(prog, "notebook_bar", lambda: FakeTqdm)
    assert list(prog.progress(range(3), "epoch 1/2")) == [0, 1, 2]
    assert used == {"desc": "epoch 1/2", "total": 3, "done": 3}
    assert list(prog.progress([[1, 2], [3]], "describing", total=3, size=len)) == [[1, 2], [3]]
    assert used == {"desc": "describing", "total": 3, "done": 3}  # images, not batches
    assert capsys.readouterr().err == ""  # no plain lines beside the bar
    monkeypatch.undo()
    assert prog.in_notebook() is False


def test_without_ipywidgets_a_notebook_gets_tqdms_text_bar_and_no_warning(monkeypatch):
    """tqdm.auto warned 'IProgress not found. Please update jupyter and ipywidgets' above every bar."""
    import importlib.util
    import warnings

    import tqdm.notebook
    import tqdm.std

    from rnnkit.utils import progress as prog

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ipywidgets" else real(name, *a)
    )
    assert prog.notebook_bar() is tqdm.std.tqdm
    monkeypatch.setattr(prog, "in_notebook", lambda: True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a TqdmWarning would fail here
        assert list(prog.progress(range(3), "epoch 1/2")) == [0, 1, 2]
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: object() if name == "ipywidgets" else real(name, *a)
    )
    assert prog.notebook_bar() is tqdm.notebook.tqdm


def test_a_few_seconds_left_are_said_to_the_second():
    # 3 s left rounded to the nearest 10 was 0, shown as 'about 1 s left'
    from rnnkit.utils.progress import _minutes

    assert [_minutes(s) for s in (0.2, 3.2, 8.6, 14, 46, 89, 150)] == [
        "1 s", "3 s", "9 s", "10 s", "50 s", "90 s", "2 min"
    ]  # fmt: skip
