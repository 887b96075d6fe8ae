"""Session 22 QA of the HTML report: printed tables keep their numbers and words whole, command lines
never wrap at a ``--`` on a phone, a plot is never blown up past its own pixels, and the page follows the
reader's dark mode. Opened in Debian's Chromium through Playwright; skipped where there is none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rnnkit.caption.demo import SHAPE_METRICS
from rnnkit.report import Report, Section

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on this machine (apt-get install chromium)"
)

# Lines of every word in every cell: the tops of its characters, one list per word.
_WORD_LINES = """() => [...document.querySelectorAll('main td, main th')].map(cell => {
    const words = [];
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        const text = node.textContent; let word = [];
        for (let i = 0; i <= text.length; i++) {
            if (i === text.length || text[i] === ' ') { if (word.length) words.push(word); word = []; continue; }
            const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
            word.push([text[i], Math.round(r.getBoundingClientRect().top)]);
        }
    }
    return words.map(w => [w.map(c => c[0]).join(''), new Set(w.map(c => c[1])).size]);
})"""


def _view(path: Path, script: str, width: int, media: str = "screen", scheme: str = "light"):
    """What ``script`` returns in ``path`` opened ``width`` px wide, for ``media`` and colour ``scheme``."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": width, "height": 1000}, color_scheme=scheme)
            view.emulate_media(media=media)
            view.goto(path.as_uri())
            view.wait_for_load_state("load")
            return view.evaluate(script)
        finally:
            browser.close()


def test_printed_a_table_breaks_no_number_and_no_word(tmp_path):
    """On paper every cell could break anywhere: the demo's shape-scene scores printed as '0.004' over
    '244' (two numbers, to a reader) and the gradient table's 'cell' and 'lstm' as 'cel' over 'l'."""
    section = Section("Why gates matter")
    section.add_table(
        [
            "cell",
            "stage",
            *(f"||dh_T/dh_t|| T-t={t}" for t in (1, 4, 7)),
            "||dL/dx_0||/||dL/dx_T||",
            "test MSE",
        ],
        [[c, s, 1.018, 0.2101, 0.04892, 0.02381, 1.47] for c in ("rnn", "lstm") for s in ("init", "trained")],
        caption="Gradient norms at initialisation and after training",
    )
    section.add_table(
        ["system", *SHAPE_METRICS],  # the caption section's own headers
        [
            ["seen pairs: LSTM + attention", 0.004244, 0.125, "–", "–", 0.0, "–", "–"],
            ["held-out pairs: most frequent caption", 0.2691, 0.125, 0.25, 0.25, 0.05263, 0.125, 0.25],
        ],
        caption="shape scenes",
    )
    path = Report("r").add(section).write(tmp_path / "report.html")
    cells = _view(path, _WORD_LINES, 718, media="print")  # A4 less its margins
    words = [w for cell in cells for w in cell]
    assert "0.004244" in [w for w, _ in words]
    assert [w for w, lines in words if lines > 1] == []
    wide = _view(
        path,
        "[...document.querySelectorAll('main table')].map(t => t.getBoundingClientRect().right)",
        718,
        media="print",
    )
    assert max(wide) <= 718, f"a printed table runs past the page's edge: {wide}"


def test_printed_a_header_without_spaces_still_fits_the_page(tmp_path):
    """A cell's run longer than any word had break points, its header's did not: on paper (nothing
    scrolls) a long column name such as a file path pushed the table past the page's edge."""
    name = "runs/demo/forecast/ibm/quantile_model_validation_residuals_per_step_and_horizon.csv"
    section = Section("s").add_table(["step", name], [[1, 0.5], [2, 0.25]])
    path = Report("r").add(section).write(tmp_path / "report.html")
    right = _view(
        path, "document.querySelector('main table').getBoundingClientRect().right", 300, media="print"
    )
    assert right <= 300, f"the printed table runs {right - 300:.0f} px past the page's edge"


COMMANDS = (
    "rnnkit explain memory --task adding --lengths 50,100,200 --cells rnn,lstm,gru\n"
    "rnnkit explain gradient-flow --cells rnn,rnn-relu,irnn,lstm,gru --length 100"
)

# Per line of the block: how many screen lines it takes; then whether the block scrolls, its tab stop
# and its name.
_PRE_LINES = """() => { const pre = document.querySelector('main pre'), node = pre.firstChild;
    const lines = []; let start = 0;
    for (const line of node.textContent.split('\\n')) {
        const r = document.createRange(); r.setStart(node, start); r.setEnd(node, start + line.length);
        lines.push(new Set([...r.getClientRects()].map(b => Math.round(b.top))).size);
        start += line.length + 1;
    }
    const box = pre.parentElement;
    return {lines, scrolls: box.scrollWidth > box.clientWidth + 1, tab: box.tabIndex,
            name: box.getAttribute('aria-label') || '', paper: pre.getBoundingClientRect().right}; }"""


def test_on_a_phone_a_command_line_stays_on_one_line_and_its_box_scrolls(tmp_path):
    """At 390 px the demo's 'rnnkit explain memory --task adding --' wrapped before 'lengths 50,...':
    a reader retyping it split the option from its dashes. A command keeps its line, and its box scrolls
    (a Tab stop with a name, as the tables' boxes are)."""
    path = Report("r").add(Section("s").add_pre(COMMANDS)).write(tmp_path / "report.html")
    seen = _view(path, _PRE_LINES, 390)
    assert seen["lines"] == [1, 1], seen
    assert seen["scrolls"] and seen["tab"] == 0 and seen["name"], seen


def test_printed_a_long_command_wraps_inside_the_page(tmp_path):
    """On paper nothing scrolls: there the command wraps rather than run past the page's edge."""
    path = Report("r").add(Section("s").add_pre(COMMANDS)).write(tmp_path / "report.html")
    seen = _view(path, _PRE_LINES, 390, media="print")
    assert not seen["scrolls"] and max(seen["lines"]) > 1 and seen["paper"] <= 390, seen


def _plot(tmp_path: Path, width: int, height: int) -> Path:
    """A PNG of ``width`` x ``height`` pixels, as the demo's plots are (its heatmap: 550 x 1210)."""
    from rnnkit.utils.plotting import save_figure, subplots

    fig, ax = subplots(figsize=(width / 100, height / 100), dpi=100)
    ax.plot([0, 1, 2], [1, 0, 1])
    return save_figure(fig, tmp_path / f"plot{width}.png", dpi=100, tight=False)


def test_on_a_phone_a_plot_is_never_drawn_larger_than_its_pixels(tmp_path):
    """At 390 px every plot was drawn 640 px wide: the demo's 550-px attention heatmap was blown up (blurred,
    and 1,400 px tall). A wide plot keeps 640 px (readable, scrolling in its box); a narrower one its own."""
    section = Section("s")
    for width, height in ((550, 1210), (1090, 740)):
        section.add_image(_plot(tmp_path, width, height), alt=f"plot {width}")
    path = Report("r").add(section).write(tmp_path / "report.html")
    seen = _view(
        path, "[...document.images].map(i => [i.naturalWidth, i.getBoundingClientRect().width])", 390
    )
    assert [natural for natural, _ in seen] == [550, 1090], seen
    (small, small_shown), (_, wide_shown) = seen
    assert small_shown <= small + 2, seen  # its own pixels, in its 1-px frame
    assert round(wide_shown) == 640, seen


# For each kind of text on the page: its colour's contrast ratio (WCAG) against the background it sits on.
_CONTRAST = """() => {
    const rgb = s => s.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
                                 return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const ground = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                                                         if (c.length < 4 || c[3] > 0) return c.slice(0, 3); }
                          return [255, 255, 255]; };
    const out = {};
    for (const q of ['h1', 'h2', 'main > p', 'p.note', 'dt', 'a', 'th', 'td', 'caption', '.verdict', 'pre']) {
        const e = document.querySelector(q);
        const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(ground(e))];
        out[q] = Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100;
    }
    out.page = lum(ground(document.body));
    return out; }"""


def _every_kind_of_text(tmp_path: Path) -> Path:
    section = Section("Forecast").add_text("the model beats the naive forecast").add_text("a note", note=True)
    section.add_table(["model", "MAE"], [["lstm", 1.5]], caption="test days").add_verdict("it wins")
    section.add_metrics_explained({"MAE": "mean absolute error"}).add_pre("rnnkit forecast train")
    report = Report("rnnkit demo", intro="intro", meta={"command": "rnnkit demo"})
    return report.add(section).add(Section("Other")).write(tmp_path / "report.html")


def test_in_dark_mode_the_page_is_dark_and_every_text_reads(tmp_path):
    """A reader whose system is in dark mode got the page white (prefers-color-scheme was ignored): at
    night a glaring page. Dark now, with every kind of text at WCAG AA contrast (4.5) on its ground."""
    seen = _view(_every_kind_of_text(tmp_path), _CONTRAST, 1000, scheme="dark")
    assert seen.pop("page") < 0.05, "the page is not dark"
    assert {q: ratio for q, ratio in seen.items() if ratio < 4.5} == {}, seen


def test_in_light_mode_and_on_paper_the_page_stays_light(tmp_path):
    """Dark mode is for the screen: printed from a dark-mode system the text must not come out light
    grey on white paper (browsers drop backgrounds when printing)."""
    path = _every_kind_of_text(tmp_path)
    for media, scheme in (("screen", "light"), ("print", "dark")):
        seen = _view(path, _CONTRAST, 1000, media=media, scheme=scheme)
        assert seen.pop("page") > 0.9, (media, scheme)
        assert {q: ratio for q, ratio in seen.items() if ratio < 4.5} == {}, (media, scheme, seen)


def test_in_a_notebook_the_report_keeps_its_own_light_colours_in_dark_mode(tmp_path):
    """Inline in a notebook the report sets its own colours (the notebook's theme decides the page, not the
    system's dark mode): it stays as it was, white with dark text."""
    report = Report("r").add(Section("s").add_text("inline"))
    host = tmp_path / "notebook.html"
    host.write_text(f"<!doctype html><html><body>{report._repr_html_()}</body></html>", encoding="utf-8")
    seen = _view(
        host,
        "[getComputedStyle(document.querySelector('.rnnkit-report')).backgroundColor,"
        " getComputedStyle(document.querySelector('.rnnkit-report p')).color]",
        800,
        scheme="dark",
    )
    assert seen == ["rgb(255, 255, 255)", "rgb(34, 34, 34)"], seen


def test_header_values_of_any_type_are_shown_as_text(tmp_path):
    """meta={"seed": 3} gave AttributeError 'int' object has no attribute 'replace' (session 23)."""
    import numpy as np
    import pandas as pd

    from rnnkit.report import Report

    meta = {"seed": 3, "lr": np.float32(0.5), "when": pd.Timestamp("2024-01-02"), 7: "key"}
    page = Report(title="t", meta=meta).write(tmp_path / "r.html").read_text(encoding="utf-8")
    for shown in ("<td>3</td>", "<td>0.5</td>", "<td>2024-01-02 00:00:00</td>", '<th scope="row">7</th>'):
        assert shown in page


def test_a_metric_named_with_a_hyphen_is_never_broken_at_it(tmp_path):
    """The shape-scene table's header showed 'CIDEr-' over 'D' on a phone (and on a desktop once the
    table had eight columns): a reader saw a metric 'CIDEr-' and a stray 'D'. A header's name keeps its
    hyphen and what follows on one line (the column grows a little instead); other words still wrap."""
    section = Section("s").add_table(
        ["system", *SHAPE_METRICS, "||dh_T/dh_t|| T-t=7"],
        [["held-out pairs: most frequent caption", 0.2691, 0.125, 0.25, 0.25, 0.05263, 0.125, 0.25, 0.04892]],
        caption="shape scenes",
    )
    path = Report("r").add(section).write(tmp_path / "report.html")
    for width in (390, 1280):
        words = dict(w for cell in _view(path, _WORD_LINES, width) for w in cell)
        assert words["CIDEr-D"] == 1 and words["T-t=7"] == 1, (width, words)
