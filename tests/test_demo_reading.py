"""``rnnkit demo`` read as a new user reads it (QA pass, session 21): the overall progress line of a quick
run speaks in seconds, every printed table says whose it is, every printed verdict names its subject."""

from __future__ import annotations

import contextlib
import html as html_text
import io
import re

import pytest

from rnnkit import cli
from rnnkit.utils.progress import StageProgress


class _Stop(Exception):
    """Raised by the recording StageProgress: the costs are known, the sections need not run."""


def _costs_the_demo_plans(monkeypatch, tmp_path, *flags: str) -> dict[str, float]:
    seen = {}

    def recording(expected, *args, **kwargs):
        seen.update(expected)
        raise _Stop

    monkeypatch.setattr("rnnkit.utils.progress.StageProgress", recording)
    with pytest.raises(_Stop):
        cli.main(["demo", "--out", str(tmp_path / "d"), "--device", "cpu", *flags])
    return seen


def test_a_quick_demo_estimates_its_sections_in_seconds(monkeypatch, tmp_path):
    """Each section's quick cost was the full one scaled by 16/384: forecast 0.5 s against the 3 s it
    takes, so once it had run the line rescaled the rest sixfold ("section 2/4: translate, about 9 min
    left" before a run of seconds). With each section's own quick time the rest is seconds."""
    costs = _costs_the_demo_plans(monkeypatch, tmp_path, "--quick")
    stages = StageProgress(costs)
    stages.done.append(("forecast", 3.0))  # the quick forecast section's measured time
    assert stages.seconds_left() < 30, costs
    full = StageProgress(_costs_the_demo_plans(monkeypatch, tmp_path))
    assert 5 * 60 < full.seconds_left() < 8 * 60  # the full run still says "about 6 min" at its start


@pytest.fixture(scope="module")
def quick_demo(tmp_path_factory):
    """The real quick demo, in-process: (stdout, report HTML)."""
    out = tmp_path_factory.mktemp("demo") / "d"
    printed, progress = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(progress):
        status = cli.main(["demo", "--quick", "--threads", "1", "--device", "cpu", "--out", str(out)])
    assert status == 0, progress.getvalue()
    return printed.getvalue(), (out / "report.html").read_text(encoding="utf-8")


def test_the_printed_translation_tables_say_which_model_wrote_them(quick_demo):
    """The shipped model's sentences and the small model's were both printed under the section's title,
    the small one's column a bare 'model output': a student read the loops as the shipped translator's."""
    printed, html = quick_demo
    assert "\nshipped model (no training): everyday sentences\nEnglish" in printed
    assert "\nsmall model trained now (a demonstration): the first 6 test sentences\nsource" in printed
    assert "small model's output" in printed and html_text.escape("small model's output") in html
    assert "\nTranslation: English to Korean (sequence to sequence)\n" not in printed


def test_every_printed_table_has_its_own_title(quick_demo):
    """A table without a caption was printed under its section's title, which says nothing of it (the
    LSTM gate statistics were titled 'Why gates matter: ...')."""
    printed, _ = quick_demo
    for title in ("Translation: English to Korean", "Why gates matter", "Captioning:", "Forecasting:"):
        assert f"\n{title}" not in printed, title
    assert "\nthe trained LSTM's gates on the adding problem's test sequences\n" in printed


def test_every_printed_verdict_names_what_it_judges(quick_demo):
    """Printed alone, the caption verdicts began 'It names no colour...' and 'It does not yet read...':
    'it' was the paragraph's captioner, which the console does not print."""
    printed, html = quick_demo
    verdicts = [line for line in printed.splitlines() if line.startswith("verdict: ")]
    assert len(verdicts) == 7, verdicts
    assert not [v for v in verdicts if v.startswith("verdict: It ")], verdicts
    assert any(v.startswith("verdict: shape-scene captioner: ") for v in verdicts)
    assert any(v.startswith("verdict: handwriting captioner: ") for v in verdicts)
    assert "<b>Verdict.</b> shape-scene captioner: " in html


def test_the_translate_section_says_what_it_does_before_it_does_it(tmp_path, capsys):
    """The forecast and caption sections said what they trained; translate went from '== translate =='
    to its first epoch line in silence, through the shipped model's decoding of its test sentences."""
    from rnnkit.translate.demo import demo_section

    section = demo_section(tmp_path / "translate", seed=0, device="cpu", quick=True)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("translate: ")]
    assert lines == [
        "translate: the shipped model translates 9 everyday and 40 test sentences (no training)",
        "translate: training a small model on 63 pairs (1 epoch; a demonstration, not the shipped model)",
    ]
    # what the small model learnt from, in one sentence: "on the first 80 pairs of the corpus: read 47252
    # pairs from ... . split 63 train / ..." read as a contradiction, a sentence begun in lower case
    text = html_text.unescape(section.to_html())
    assert re.search(r"on the first 80 of the bundled corpus's [\d,]{6} pairs, split 63 train / ", text)
    assert "read " not in text and ". split " not in text
    assert "trained for 1 epoch in " in text  # not "1 epochs"
