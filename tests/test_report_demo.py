"""The words of the demo's report follow its numbers: a sentence beside a table says what the table
shows for this run, not what a run once showed."""

from __future__ import annotations

import dataclasses
import html as html_text
import re

import pytest

from rnnkit.explain.demo import gates_text
from rnnkit.explain.gates import GateStatistics
from rnnkit.utils.errors import RnnkitError

# the demo's full run, seed 0, on 2026-12-05: one unit of 64 holds the number
STATS = GateStatistics(
    forget_mean=0.4158,
    forget_top=0.9969,
    holding_units=1,
    units=64,
    input_marked=0.4391,
    input_unmarked=0.3866,
    input_rise=0.7804,
    output_mean=0.3554,
)


def test_the_gates_paragraph_counts_the_units_the_table_counts():
    text = gates_text(STATS)
    assert "a few units" not in text, "one unit of 64 is not 'a few'"
    assert "1 unit keeps its forget gate above 0.9" in text and "(64 units)" in text
    assert "0.44 against 0.39" in text and "0.78" in text
    several = gates_text(dataclasses.replace(STATS, holding_units=5))
    assert "5 units keep their forget gate above 0.9" in several
    none = gates_text(dataclasses.replace(STATS, holding_units=0, forget_top=0.83))
    assert "no unit keeps its forget gate above 0.9" in none and "0.83" in none
    assert "halves" not in gates_text(dataclasses.replace(STATS, forget_top=1.0))  # no division by log 1


def test_the_translation_scores_tables_fit_a_terminal(tmp_path):
    """The demo prints the scores tables: their decoding is in the caption line, so the model row says
    'model' and no line of the table runs past 80 columns (it was 155, wrapped on any ordinary terminal)."""
    from rnnkit.translate.demo import demo_section
    from rnnkit.utils.tables import format_table  # what rnnkit demo prints them with

    section = demo_section(tmp_path / "translate", seed=0, device="cpu", quick=True)
    scores = [t for t in section.tables if t[1][0] == "system"]
    assert len(scores) == 2 and all(rows[0][0] == "model" for _, _, rows in scores)
    assert "beam" in scores[1][0], "the caption still says how the model decoded"
    for _, headers, rows in scores:
        assert max(len(line) for line in format_table(headers, rows).splitlines()) <= 80
    # Every column and decoding word of those tables is explained beside them, as the forecast's and the
    # caption's are: 'hit max len', 'loops', 'alpha' and 'MBR' stood there unexplained.
    (glossary,) = [b for b in section.blocks if b.startswith('<dl class="metrics')]
    explained = {html_text.unescape(n) for n in re.findall(r"<dt>(.*?)</dt>", glossary)}
    columns = {h for _, headers, _ in scores for h in headers[1:]}
    assert columns <= explained, columns - explained
    assert {"beam, alpha", "MBR (chrF)", "copy the source"} <= explained
    assert "MBR (chrF)" in scores[0][0] and "alpha" in scores[1][0]  # the words it explains are there


@pytest.fixture(scope="module")
def caption_section(tmp_path_factory):
    """The quick demo's caption section, trained once for the tests that read it: (section, stdout)."""
    import contextlib
    import io

    from rnnkit.caption.demo import demo_section

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        section = demo_section(tmp_path_factory.mktemp("caption"), seed=0, device="cpu", quick=True)
    return section, printed.getvalue()


def test_the_caption_section_says_what_it_trains(caption_section):
    """The caption section is the demo's longest: it says what it trains before each part, rather than
    leaving the terminal silent for minutes after '== caption =='."""
    section, out = caption_section
    assert "caption: training on 48 shape scenes (up to 1 epoch)" in out
    assert "caption: training on 48 handwritten numbers" in out
    # the terms explained under its tables are in them, as headers (no BLEU or ROUGE-L: not shown) or as
    # row labels (the baseline's 'most frequent caption')
    explained = re.findall(r"<dt>([^<]+)</dt>", section.to_html())
    shown = {h for _, headers, _ in section.tables for h in headers}
    shown |= {str(row[0]) for _, _, rows in section.tables for row in rows if row}
    assert explained and not [m for m in explained if not any(h.startswith(m.split()[0]) for h in shown)]


def test_every_share_the_shape_verdict_gives_is_in_its_table(caption_section):
    """The verdict said 'it names 11% of the shapes drawn (6% in scenes with never-seen pairs)', its
    shape recall, which no column of the table beside it showed: a student looking for the 11% found only
    precisions (0.3333, 0.6667, 0.5). Every percentage of the verdict is one of the table's numbers."""
    section, _ = caption_section
    verdict = next(v for v in section.verdicts if v.startswith("shape-scene captioner: "))
    _, headers, rows = next(t for t in section.tables if t[0] == "shape scenes")
    model = [row for row in rows if "most frequent" not in str(row[0])]
    shares = {  # the shares named and drawn (a CIDEr-D of 0.058 is no '6%')
        f"{v:.0%}"
        for row in model
        for h, v in zip(headers, row, strict=True)
        if h.endswith(("precision", "recall"))
    }
    said = re.findall(r"\d+%", verdict)
    assert said and not [p for p in said if p not in shares], (verdict, headers, model)
    assert "shape recall" in headers
    glossary = html_text.unescape(section.to_html())
    assert "recall: of those drawn, the share named" in glossary  # the new column is explained


@pytest.fixture(scope="module")
def forecast_section(tmp_path_factory):
    """The quick demo's forecast section, trained once for the tests that read it: (section, stdout)."""
    import contextlib
    import io

    from rnnkit.forecast.demo import demo_section

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        section = demo_section(tmp_path_factory.mktemp("forecast"), seed=0, device="cpu", quick=True)
    return section, printed.getvalue()


def test_the_forecast_section_leaves_its_verdicts_to_the_demo(forecast_section):
    """rnnkit demo prints a section's verdicts after its tables (test_cli_root); the forecast section
    printed each one a second time while it trained."""
    section, out = forecast_section
    assert len(section.verdicts) == 2 and "forecast: training on ibm" in out
    assert not [v for v in section.verdicts if v in out], out


def test_the_quick_forecast_section_dates_the_rows_it_trained_on(forecast_section):
    """A quick run trains on the first 800 rows of each series, but the page said 'IBM, daily adjusted
    close, 2000-03-01 to 2013-03-01' above a plot of 2002-2003 and a forecast for 2003-05-09: a reader
    took the ten years the numbers were not scored on for the data. The rows used are dated too."""
    section, _ = forecast_section
    text = html_text.unescape(section.to_html())
    assert "2000-03-01 to 2013-03-01; quick mode keeps its first 800 rows, 2000-03-01 to 2003-05-08" in text
    assert "quick mode keeps its first 800 rows, 2010-03-24 09:51 to 2010-03-27 16:12" in text


def _stand_in_sections(monkeypatch) -> list[str]:
    """The four real section modules, each replaced by a stand-in that returns at once."""
    import importlib.machinery
    import sys
    import types

    from rnnkit import cli
    from rnnkit.report import Section

    for name in cli.DEMO_SECTIONS:
        fake = types.ModuleType(name)
        fake.__spec__ = importlib.machinery.ModuleSpec(name, None)  # found, as the real one is
        fake.demo_section = lambda out_dir, seed=0, device="auto", quick=False: Section("s").add_text("x")
        monkeypatch.setitem(sys.modules, name, fake)
    return list(cli.DEMO_SECTIONS)


def test_the_quick_demo_estimates_seconds_not_the_full_demos_minutes(tmp_path, capsys, monkeypatch):
    """The first progress line comes before any section has run, so it is the estimate alone: the full
    demo's minutes, and for --quick (a run of seconds) the seconds, not 'about 6 min left'."""
    from rnnkit.cli import main

    _stand_in_sections(monkeypatch)
    assert main(["demo", "--quick", "--out", str(tmp_path / "quick")]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("section 1/4: forecast, about ") and first.endswith(" s left"), first
    assert main(["demo", "--out", str(tmp_path / "full")]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first == "section 1/4: forecast, about 6 min left", first


def test_no_progress_hides_the_section_estimates_and_the_bars(tmp_path, capsys, monkeypatch):
    """The README promises --progress/--no-progress on long work; the demo is the longest."""
    import sys

    from rnnkit.cli import main
    from rnnkit.report import Section
    from rnnkit.utils.progress import progress

    first = _stand_in_sections(monkeypatch)[0]

    def section_with_a_bar(out_dir, seed=0, device="auto", quick=False):
        list(progress(range(3), "inner bar", plain_every=0.0))  # a section's own bar, enabled=True
        return Section("s").add_text("x")

    monkeypatch.setattr(sys.modules[first], "demo_section", section_with_a_bar)
    assert main(["demo", "--quick", "--no-progress", "--out", str(tmp_path / "quiet")]) == 0
    captured = capsys.readouterr()
    assert "section 1/4" not in captured.err and "inner bar" not in captured.err
    assert "== forecast ==" in captured.out
    assert list(progress(range(3), "after", plain_every=0.0)) == [0, 1, 2]  # shown again after the demo
    assert "after" in capsys.readouterr().err


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RnnkitError])
def test_a_demo_stopped_part_way_keeps_a_report_of_its_finished_sections(tmp_path, capsys, monkeypatch, stop):
    """The report was written only after all four sections: a Ctrl-C (or a failure) in the caption
    section lost the forecast and translate sections' minutes of work from the page. It is now written
    after each section, naming the sections still to run and the command that completes it."""
    import sys

    from rnnkit.cli import main
    from rnnkit.report import Section

    names = _stand_in_sections(monkeypatch)
    for name, title in zip(names[:2], ("forecast part", "translate part"), strict=True):
        monkeypatch.setattr(
            sys.modules[name], "demo_section", lambda out_dir, t=title, **kw: Section(t).add_text("done")
        )

    def stopped(out_dir, **kw):
        raise stop("stopped here")

    monkeypatch.setattr(sys.modules[names[2]], "demo_section", stopped)
    out = tmp_path / "d"
    assert main(["demo", "--quick", "--out", str(out)]) != 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "forecast part" in page and "translate part" in page
    assert "when the translate part section had finished; the demo had still to run: caption, explain" in page
    assert f"rnnkit demo --out {out} --quick --seed 0" in page.replace("&#x27;", "'")
    assert f"report of the finished sections: {out / 'report.html'}" in capsys.readouterr().err


def test_a_finished_demo_report_names_no_section_still_to_run(tmp_path, monkeypatch):
    from rnnkit.cli import main

    _stand_in_sections(monkeypatch)
    assert main(["demo", "--quick", "--out", str(tmp_path / "d")]) == 0
    assert "still to run" not in (tmp_path / "d" / "report.html").read_text(encoding="utf-8")
