"""The demo's HTML report opened in a real browser (Debian's Chromium, driven by Playwright) at desktop
and phone width: no horizontal overflow at 400 px, no console errors, every image loaded, no absolute
path, a header saying what produced it. ``.ci/run`` installs Chromium when it is missing; where no
browser can be had the test is skipped with the reason."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rnnkit.cli import main

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on this machine (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    """``rnnkit demo --quick`` run from a working folder, as a user would (the real report, all sections)."""
    work = tmp_path_factory.mktemp("work")
    here = os.getcwd()
    os.chdir(work)
    try:
        assert main(["demo", "--quick", "--out", "runs/demo"]) == 0
    finally:
        os.chdir(here)
    return work / "runs" / "demo" / "report.html"


def _open(path: Path, width: int) -> dict:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            facts = page.evaluate(
                """() => ({
                    scroll: document.documentElement.scrollWidth,
                    inner: window.innerWidth,
                    images: [...document.images].map(i => i.complete && i.naturalWidth > 0),
                    toc: [...document.querySelectorAll('nav a')].map(a => !!document.querySelector(a.getAttribute('href'))),
                    text: document.body.innerText,
                })"""
            )
        finally:
            browser.close()
    facts["errors"] = errors
    return facts


@pytest.mark.parametrize("width", [1400, 400])
def test_report_reads_well_in_a_browser(demo_report, width):
    facts = _open(demo_report, width)
    assert facts["errors"] == []
    assert facts["scroll"] <= facts["inner"], f"the page scrolls sideways at {width} px"
    assert facts["images"] and all(facts["images"]), "an image did not load"
    assert facts["toc"] and all(facts["toc"]), "a table-of-contents link points nowhere"
    for fact in ("torch", "Python", "command", "rnnkit demo --out runs/demo --quick", "Contents"):
        assert fact in facts["text"]


def test_report_has_no_absolute_path(demo_report):
    html = demo_report.read_text(encoding="utf-8")
    for place in {str(demo_report.parent.parent.parent), str(Path.home()), str(Path(__file__).parents[1])}:
        assert place not in html, f"the report names {place}"
    assert "--out runs/demo" in html


def _on_a_phone(path: Path, script: str):
    """What ``script`` returns in ``path`` opened 390 px wide (a phone)."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": 390, "height": 900})
            view.goto(path.as_uri())
            return view.evaluate(script)
        finally:
            browser.close()


def test_korean_wraps_between_words_not_inside_them(tmp_path):
    """At phone width a Korean cell wraps at its spaces, as Korean is set: '괜찮아요' is never cut into
    '괜찮' and '아요' (browsers break Hangul between any two syllables unless told keep-all)."""
    from rnnkit.report import Report, Section

    korean = ["오늘은 괜찮아요?", "요즘 일 때문에 정말 바빴어요.", "우리 못 본 지 정말 오래됐네요."]
    rows = [["It's been a long time since we last met.", k, k] for k in korean]
    page = Report("r").add(Section("s").add_table(["source", "model output", "reference"], rows))
    # per Korean cell: the line (top) of every syllable, grouped by the word it belongs to
    words = _on_a_phone(
        page.write(tmp_path / "report.html"),
        """() => [...document.querySelectorAll('td')].filter(td => /[가-힣]/.test(td.textContent))
            .map(td => { const node = td.firstChild, text = node.textContent, out = [];
                let word = [];
                for (let i = 0; i < text.length; i++) {
                    if (text[i] === ' ') { out.push(word); word = []; continue; }
                    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                    word.push(Math.round(r.getBoundingClientRect().top));
                }
                out.push(word); return out; })""",
    )
    lines = {top for cell in words for word in cell for top in word}
    assert len(lines) > len(rows), "the cells did not wrap at all: the test would prove nothing"
    for cell in words:
        for word in cell:
            assert len(set(word)) == 1, f"a Korean word is split across lines: {words}"


def test_at_phone_width_every_box_that_scrolls_is_reached_and_shown_by_the_keyboard(demo_report):
    """At 390 px the demo's tables and plots scroll inside their boxes: each such box is a Tab stop with
    a name, and the focused box is outlined (axe: 'Scrollable region must have keyboard access')."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": 390, "height": 844})
            view.goto(demo_report.as_uri())
            view.wait_for_load_state("load")
            boxes = view.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'auto')
                    .map(e => ({tab: e.tabIndex, name: e.getAttribute('aria-label') || '', cls: e.className}))"""
            )
            for _ in range(60):  # the header's facts, the contents, a table, then the first plot
                view.keyboard.press("Tab")
                if view.evaluate("document.activeElement.classList.contains('figure')"):
                    break
            ring = view.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
            )
        finally:
            browser.close()
    assert len(boxes) >= 5, "nothing scrolls at phone width: the test would prove nothing"
    assert [b for b in boxes if b["tab"] != 0 or not b["name"]] == []
    assert ring[0] != "none" and ring[1] >= 2, ring


def test_in_a_dark_notebook_the_report_is_readable_and_leaves_the_notebook_alone():
    """A notebook shows the report inside its own page (here a dark theme's): the report's rules for body,
    h1 and table restyled the whole notebook, its dark text sat on the dark background, and its headings
    took the theme's light colour."""
    from rnnkit.report import Report, Section

    report = Report("rnnkit demo", intro="inline").add(
        Section("Translate").add_table(["source", "output"], [["I am a student.", "저는 학생이에요."]])
    )
    host = (
        "<!doctype html><html><head><style>body{background:#111;color:#ddd;margin:0}h1,h2{color:#ddd}"
        "a:link{color:#8ab4f8}</style></head><body><h1 id='host'>My notebook</h1><table id='own'><tr><td>x"
        f"</td></tr></table>{report._repr_html_()}</body></html>"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": 1000, "height": 700})
            view.set_content(host)
            seen = view.evaluate(
                """() => { const css = (q, p) => getComputedStyle(document.querySelector(q))[p];
                    return {body: css('body', 'maxWidth'), host: css('#host', 'borderBottomStyle'),
                            own: css('#own td', 'borderTopStyle'), box: css('.rnnkit-report', 'backgroundColor'),
                            text: css('.rnnkit-report p', 'color'), title: css('.rnnkit-report h1', 'color'),
                            cell: css('.rnnkit-report td', 'backgroundColor')}; }"""
            )
        finally:
            browser.close()
    assert (seen["body"], seen["host"], seen["own"]) == ("none", "none", "none"), seen
    assert seen["box"] == seen["cell"] == "rgb(255, 255, 255)", seen
    assert seen["text"] == seen["title"] == "rgb(34, 34, 34)", seen


def test_printed_nothing_is_cut_off_at_the_pages_edge(demo_report):
    """Printed (or saved as PDF) at A4's width, the boxes do not scroll: the demo's sample translations
    table (its reference column) and the gradient-norm table ran past the page's edge and were lost."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": 718, "height": 1000})  # A4 less its margins
            view.emulate_media(media="print")
            view.goto(demo_report.as_uri())
            view.wait_for_load_state("load")
            cut = view.evaluate(
                """() => [...document.querySelectorAll('main *')]
                    .filter(e => e.getBoundingClientRect().right > innerWidth + 1
                                 || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'))
                    .map(e => e.getAttribute('aria-label') || e.tagName)"""
            )
            tables = view.evaluate("document.querySelectorAll('main table').length")
        finally:
            browser.close()
    assert tables >= 5 and cut == [], cut


def test_on_a_phone_a_translators_loop_leaves_the_other_columns_readable(tmp_path):
    """An undertrained translator's output (물물물..., sixty syllables without a space) could not wrap under
    keep-all, and at 390 px it squeezed the source column to a word a line (It's / been / a / long). A run
    longer than any word may now break; the cell's text is unchanged."""
    from rnnkit.report import Report, Section

    source, loop = "It's been a long time since we last met.", "죠마" + "물" * 60
    rows = [[source, loop, "우리 못 본 지 정말 오래됐네요."]]
    page = Report("r").add(Section("s").add_table(["source", "model output", "reference"], rows))
    lines, texts = _on_a_phone(
        page.write(tmp_path / "report.html"),
        """() => { const tds = [...document.querySelectorAll('tbody td')];
            const r = document.createRange(); r.selectNodeContents(tds[0]);
            return [new Set([...r.getClientRects()].map(b => Math.round(b.top))).size,
                    tds.map(td => td.textContent)]; }""",
    )
    assert texts == rows[0]
    assert lines <= 4, f"the source column is squeezed to {lines} lines"
