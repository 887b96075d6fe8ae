"""Every page of ``rnnkit serve`` in a real browser (Debian's Chromium driven by Playwright) at desktop
and phone width: type a sentence, upload an image, pick a scene, choose a series, select a unit; the
results and plots appear, nothing scrolls sideways, and the console stays clean.

Screenshots go to a temporary folder; with ``RNNKIT_SERVE_SCREENSHOTS=1`` they go to ``docs/serve/``
(the pictures in docs/serve.md), and ``RNNKIT_SERVE_MODELS=DIR`` serves the models under ``DIR`` instead
of the tiny test models (a caption and a forecast model at least). Where no browser can be had the test
is skipped with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from itertools import pairwise
from pathlib import Path

import pytest
from helpers_serve import BROWSER, browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on this machine (apt-get install chromium)"
)
DOCS = Path(__file__).parents[2] / "docs" / "serve"


@pytest.fixture(scope="module")
def served_models(models_dir) -> Path:
    chosen = os.environ.get("RNNKIT_SERVE_MODELS")
    return Path(chosen) if chosen else models_dir


@pytest.fixture(scope="module")
def upload(tmp_path_factory) -> Path:
    """An image file to upload: a generated scene written as a PNG."""
    from rnnkit.serve.adapt_caption import sample_png

    path = tmp_path_factory.mktemp("upload") / "scene.png"
    path.write_bytes(sample_png(1))
    return path


@pytest.fixture(scope="module")
def server(served_models):
    """A real uvicorn server on a free loopback port, in a thread, for this module."""
    with serving(served_models) as base:
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("RNNKIT_SERVE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        return DOCS
    return tmp_path_factory.mktemp("shots")


def _facts(page) -> dict:
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " text: document.body.innerText})"
    )


# the cells page has drawn its maps and may take the next request
CELLS_DRAWN = (
    "document.querySelectorAll('#maps canvas').length >= 1 && !document.querySelector('#go').disabled"
)


def _shot(page, path: Path, part: str | None = None) -> None:
    """A full-page screenshot (or of the element ``part``); for the docs, reduced to 256 colours (a
    third of the bytes)."""
    if part is None:
        page.screenshot(path=str(path), full_page=True)
    else:
        page.locator(part).first.screenshot(path=str(path))
    if path.parent == DOCS:
        from PIL import Image

        with Image.open(path) as image:
            small = _reduced(image)
        small.save(path, optimize=True)


def _reduced(image):  # -> PIL.Image.Image, 256 colours
    """``image`` in 256 colours, none more than a few steps from its own. Median cut gives colours by
    the pixels they cover: the heat maps took them all, and the unit chart's thin orange and purple lines
    came out red and blue, like two other lines of its legend."""
    from PIL import Image

    return image.convert("RGB").quantize(colors=256, method=Image.Quantize.MAXCOVERAGE)


def _visit(page, base: str, upload: Path, shots: Path, width: int) -> None:
    """Drive every page; each step waits for its result to be drawn."""
    page.goto(base + "/")
    wait(page, "document.querySelector('#models table') !== null")
    assert "shipped" in _facts(page)["text"]
    _shot(page, shots / f"home-{width}.png")

    page.goto(base + "/translate")
    page.fill("#text", "Where is the train station?")
    page.click("#go")
    wait(
        page,
        "document.querySelector('#attention canvas') && !document.querySelector('#go').disabled"
        " && document.querySelectorAll('#alternatives tbody tr').length === 3",
    )
    assert page.text_content("#translation").strip()
    # the shipped model chooses by minimum Bayes risk on the command line, not here: the page says so
    assert "rnnkit translate text may print another translation" in page.text_content("#flags")
    # the beam search tree: an SVG of kept, finished and pruned nodes in its own scrolling box
    wait(page, "document.querySelectorAll('#tree svg .tree-node').length > 0")
    assert page.text_content("#tree-note").startswith("Each column is one step")
    tree = page.evaluate(
        "() => { const box = document.querySelector('#tree'), nodes = [...box.querySelectorAll('.tree-node')];"
        " return {nodes: nodes.length, bold: box.querySelectorAll('text[font-weight=bold]').length,"
        " finished: box.querySelectorAll('.tree-node rect').length, faded: box.querySelectorAll("
        " '.tree-node.pruned circle[opacity]').length, box: box.getBoundingClientRect().right,"
        " inner: window.innerWidth}; }"
    )
    assert tree["nodes"] > tree["bold"] > 1 and tree["finished"] >= 1 and tree["faded"] >= 1, tree
    assert tree["box"] <= tree["inner"], tree  # the box fits; a wide tree scrolls inside it
    page.hover("#tree .tree-node >> nth=0")
    assert "log p" in page.text_content(".tip")
    page.hover("#attention canvas")
    _shot(page, shots / f"translate-{width}.png")
    # the number check: a typed number the translation does not say is marked under it, and only then
    from rnnkit.translate.number_check import source_numbers

    source = "The taxi fare came to 12,500 won."
    page.fill("#text", source)
    page.click("#go")
    wait(
        page,
        "!document.querySelector('#go').disabled && document.querySelector('#flags').textContent.includes('read as')",
    )
    (number,) = source_numbers(source)
    flagged = f"not in the translation: {number.typed} (check its numbers)" in page.text_content("#flags")
    assert flagged == (not number.said_in(page.text_content("#translation")))

    page.goto(base + "/caption")
    wait(
        page,
        "document.querySelectorAll('#samples img').length > 0 && document.querySelector('#model option')",
    )
    page.set_input_files("#file", str(upload))
    wait(
        page,
        "document.querySelectorAll('#maps canvas').length > 0 && !document.querySelector('#go').disabled",
    )
    assert page.text_content("#caption").strip()
    assert "out-of-distribution score" in page.text_content("#familiar")
    page.click("#samples img:nth-child(6)")
    wait(page, "document.querySelector('#samples img.chosen') && !document.querySelector('#go').disabled")
    page.hover("#words button:nth-child(2)")
    assert len(page.query_selector_all("#alternatives tbody tr")) >= 2
    _shot(page, shots / f"caption-{width}.png")

    page.goto(base + "/forecast")
    wait(page, "document.querySelector('#fan svg polyline') !== null")
    page.select_option("#series", "msft")
    wait(
        page,
        "document.querySelector('#about').textContent.startsWith('msft') && !document.querySelector('#go').disabled",
    )
    assert "naive" in page.text_content("#verdict")
    assert len(page.query_selector_all("#fan svg polyline")) >= 4  # actual, model, naive, AR
    assert len(page.query_selector_all("#next tbody tr")) == 1
    last = page.query_selector_all("#metrics tbody tr td:last-child")  # dir_acc, as the CLI prints it
    assert last and all(c.text_content().endswith("%") or c.text_content() == "-" for c in last)
    _shot(page, shots / f"forecast-{width}.png")

    page.goto(base + "/cells")
    wait(
        page,
        "document.querySelectorAll('#maps canvas').length >= 1 && document.querySelectorAll('#gradchart polyline').length === 3",
    )
    page.click("#tabs button:nth-child(2)")  # the LSTM: h, i, f, g, o, c
    assert len(page.query_selector_all("#maps canvas")) == 6
    box = page.query_selector("#maps canvas").bounding_box()
    at = {"x": box["width"] * 0.6, "y": box["height"] - 8}  # a unit near the bottom, mid-sentence
    page.click("#maps canvas >> nth=0", position=at)
    wait(page, "!document.querySelector('#unitcard').hidden")
    page.click("#find")
    wait(page, "document.querySelectorAll('#matches li').length > 0")
    assert page.query_selector("#matches mark") is not None
    _shot(page, shots / f"cells-{width}.png")
    page.select_option("#kind", "numbers")  # the adding problem: three layers, no translator encoder
    wait(
        page,
        "document.querySelectorAll('#tabs button').length === 3 && !document.querySelector('#go').disabled",
    )
    page.click("#tabs button:nth-child(2)")
    assert "adding problem" in page.text_content("#note") or "untrained" in page.text_content("#note")
    _shot(page, shots / f"cells-numbers-{width}.png", "#result .card")


@pytest.mark.parametrize("width", [1400, 400])
def test_every_page_works_in_a_browser(server, upload, shots, width):
    with browser_page(width) as page:
        errors: list[str] = []
        overflow: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("load", lambda pg: None)
        _visit(page, server, upload, shots, width)
        for path in ("/", "/translate", "/caption", "/forecast", "/cells"):
            page.goto(server + path)
            page.wait_for_load_state("networkidle")
            facts = _facts(page)
            if facts["scroll"] > facts["inner"]:
                overflow.append(f"{path}: {facts['scroll']} > {facts['inner']}")
    assert errors == []
    assert overflow == [], f"pages scroll sideways at {width} px"
    assert any(s.name.startswith(f"cells-{width}") for s in shots.iterdir())


def test_keyboard_errors_and_late_answers(server):
    """A student at the keyboard: Enter translates; a refused input hides the previous input's result
    (it stayed under the error as if it were the answer); n-best above the beam is stopped at the field;
    a scene is picked with Tab and Enter; a unit is selected with the arrow keys; and an answer that
    arrives after a newer request (a first series still computing when a second is chosen) is dropped,
    not drawn over the newer one."""
    with browser_page(1000) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        page.goto(server + "/translate")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        page.fill("#text", "Where is the station?")
        page.press("#text", "Enter")
        wait(page, "document.querySelector('#alternatives').textContent.includes('역')")
        assert page.input_value("#text") == "Where is the station?"  # no line break typed
        page.fill("#text", "   ")
        page.press("#text", "Enter")
        wait(page, "document.querySelector('#error').textContent.includes('non-empty')")
        assert page.is_hidden("#result")
        page.fill("#text", "I am a student.")
        assert page.text_content("#error") == ""  # editing the form clears the old error
        page.fill("#beam", "2")
        page.fill("#nbest", "3")
        assert "2" in page.evaluate("document.querySelector('#nbest').validationMessage")

        page.goto(server + "/caption")
        wait(page, "document.querySelectorAll('#samples img').length > 3")
        page.focus("#go")
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        wait(
            page,
            "document.querySelector('#samples img.chosen') && !document.querySelector('#result').hidden",
        )
        assert page.evaluate("document.querySelector('#samples img.chosen').dataset.n") == "1"

        page.goto(server + "/cells")
        wait(page, CELLS_DRAWN)
        page.focus("#maps canvas")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        wait(page, "!document.querySelector('#unitcard').hidden")
        assert page.text_content("#unittitle").endswith("unit 1")

        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        held = []  # the first request is held, and answered after the next one
        page.route("**/api/forecast", lambda route: route.continue_() if held else held.append(route))
        page.select_option("#series", "ibm")
        deadline = time.monotonic() + 10
        while not held and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        page.select_option("#series", "msft")
        wait(page, "document.querySelector('#about').textContent.startsWith('msft')")
        held[0].continue_()  # the older request's answer arrives last
        page.wait_for_timeout(1500)
        assert page.text_content("#about").startswith("msft")
        assert not page.evaluate("document.querySelector('#go').disabled")
    assert errors == []


def test_gradient_flow_draws_no_zero_on_its_log_scale(server):
    """At length 200 the untrained cells' early gradients are exactly 0 in 32-bit floats: on a log
    scale they are gaps, said in the note, not points drawn at a made-up floor of 1e-30 (a flat line
    the axis labelled 1e-31)."""
    import json
    import urllib.request

    request = urllib.request.Request(
        server + "/api/cells/gradient", data=b'{"length": 200}', headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        norms = [L["norms"] for L in json.load(answer)["layers"]]
    zeros = sum(v == 0 for n in norms for v in n)
    if not zeros:
        pytest.skip("these models keep every gradient above 0 at length 200")
    with browser_page(1000) as page:
        page.goto(server + "/cells")
        wait(page, "document.querySelectorAll('#gradchart polyline').length >= 3")
        page.fill("#length", "200")
        page.click("#grad")
        wait(page, "document.querySelector('#gradnote').textContent.includes('exactly 0')")
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('#gradchart polyline')]"
            ".reduce((n, line) => n + line.getAttribute('points').trim().split(' ').length, 0)"
        )
    assert drawn == sum(v > 0 for n in norms for v in n)


def test_oversized_files_and_empty_numbers_are_named_before_sending(server, tmp_path):
    """A 20 MB photo or CSV is named with its size and the bound before it is sent (the server's 413
    spoke of 'request body too large (at most 4194304 bytes)'); an emptied number field is stopped by
    the browser (it was sent as 0: an emptied threshold searched with 0 in silence)."""
    big = tmp_path / "holiday.png"
    big.write_bytes(b"\x89PNG" + bytes(20_000_000))
    with browser_page(1000) as page:
        sent: list[str] = []
        page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
        page.goto(server + "/caption")
        wait(page, "document.querySelectorAll('#samples img').length > 0")
        page.set_input_files("#file", str(big))
        wait(page, "document.querySelector('#error').textContent !== ''")
        assert page.text_content("#error").startswith(  # over the bounds, and no picture to shrink
            "Error: holiday.png (19.1 MB) is not a picture this browser can read"
        )
        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        (tmp_path / "prices.csv").write_bytes(b"date,price\n" + b"2020-01-01,1\n" * 1_000_000)
        page.set_input_files("#file", str(tmp_path / "prices.csv"))
        wait(page, "document.querySelector('#error').textContent !== ''")
        assert "prices.csv is 12.4 MB; the server takes CSV files of at most 4.0 MB" in page.text_content(
            "#error"
        )
        assert page.is_hidden("#result")
        # nothing was sent but the forecast page's first series: no image, no CSV
        assert [u.rsplit("/api/", 1)[1] for u in sent] == ["forecast"], sent
        page.goto(server + "/cells")
        wait(page, "document.querySelectorAll('#gradchart polyline').length >= 3")
        page.fill("#length", "")
        page.click("#grad")
        assert page.evaluate("document.querySelector('#length').validationMessage")


def test_beam_tree_labels_end_before_the_next_column(server):
    """A Korean piece (_학생이에요, seven characters at about 11 px each) ran into the next step's nodes
    and labels; each label now ends before the next column's node (68 px apart, the label starts 8 px
    right of its own node, a node's radius is 5)."""
    with browser_page(1400) as page:
        page.goto(server + "/translate")
        wait(page, "document.querySelectorAll('#tree .tree-node text').length > 0")
        widths = page.evaluate(
            "() => [...document.querySelectorAll('#tree .tree-node text')].map(e => e.getBBox().width)"
        )
    assert max(widths) <= 68 - 8 - 5 - 2, max(widths)


def test_what_the_scripts_draw_is_said_not_only_shown(server):
    """At phone width, after each page has drawn its answer: every box that scrolls sideways is a named
    Tab stop (axe: 'Scrollable region must have keyboard access', the forecast's score tables and the
    beam tree); a choice shown only by colour (the chosen scene, word, cell; the page in the navigation)
    is also said (aria-pressed, aria-current); a held-out scene's alt text says so (only its dashed border
    did); headings go down one level at a time (the cells' maps were h3 under the h1); the n-best
    translations are marked Korean."""
    scrollers = """() => [...document.querySelectorAll('main *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
        .map(e => (e.tabIndex === 0 && e.getAttribute('aria-label') ? 'named: ' : 'unreachable: ') + (e.id || e.className))"""
    headings = "() => [...document.querySelectorAll('h1, h2, h3, h4')].filter(h => h.offsetParent).map(h => +h.tagName[1])"
    scrolling: dict[str, list] = {}
    with browser_page(390, 844) as page:
        page.goto(server + "/forecast")
        wait(page, "document.querySelector('#metrics table') && !document.querySelector('#go').disabled")
        scrolling["/forecast"] = page.evaluate(scrollers)
        assert page.get_attribute("header nav a[href='./forecast']", "aria-current") == "page"
        assert page.get_attribute("header nav a[href='./caption']", "aria-current") is None

        page.goto(server + "/translate")
        wait(page, "document.querySelectorAll('#alternatives tbody tr').length === 3")
        scrolling["/translate"] = page.evaluate(scrollers)
        langs = page.evaluate("[...document.querySelectorAll('#alternatives tbody td')].map(td => td.lang)")
        assert langs[1::3] == ["ko"] * 3 and set(langs[0::3] + langs[2::3]) == {""}, langs
        # the attention map is a picture with a name (a bare canvas is skipped as empty)
        wait(page, "document.querySelector('#attention canvas')")
        assert page.get_attribute("#attention canvas", "role") == "img"
        assert page.get_attribute("#attention canvas", "aria-label").startswith(
            "attention of each output piece"
        )
        # the pruned runners-up's words are readable: only their marks are faded (the whole node was,
        # words included, at 1.9:1 on white)
        pruned = page.evaluate(
            "[...document.querySelectorAll('#tree .tree-node.pruned')].map(g => [getComputedStyle(g).opacity,"
            " g.querySelector('text').getAttribute('fill')])"
        )
        assert pruned and all(p == ["1", "#5b6475"] for p in pruned), pruned

        page.goto(server + "/caption")
        wait(
            page,
            "document.querySelectorAll('#samples img').length > 5 && document.querySelector('#model option')",
        )
        assert "kept out of training" in page.get_attribute("#samples img.heldout >> nth=0", "alt")
        assert "kept out" not in page.get_attribute("#samples img:not(.heldout) >> nth=0", "alt")
        page.click("#samples img:nth-child(3)")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        pressed = page.evaluate(
            "[...document.querySelectorAll('#samples img')].map(i => i.getAttribute('aria-pressed'))"
        )
        assert pressed[2] == "true" and pressed.count("true") == 1, pressed
        page.click("#words button >> nth=0")
        assert page.get_attribute("#words button >> nth=0", "aria-pressed") == "true"
        scrolling["/caption"] = page.evaluate(scrollers)

        page.goto(server + "/cells")
        wait(page, CELLS_DRAWN)
        page.click("#tabs button:nth-child(2)")
        tabs = page.evaluate(
            "[...document.querySelectorAll('#tabs button')].map(b => b.getAttribute('aria-pressed'))"
        )
        assert tabs[:2] == ["false", "true"] and tabs.count("true") == 1, tabs
        levels = page.evaluate(headings)
        assert all(b - a <= 1 for a, b in pairwise(levels)), levels
        scrolling["/cells"] = page.evaluate(scrollers)
    assert any(scrolling.values()), "nothing scrolls at phone width: the test would prove nothing"
    assert [b for v in scrolling.values() for b in v if not b.startswith("named")] == [], scrolling


def test_korean_wraps_between_words_not_inside_them(server):
    """At phone width the translation and its n-best cells wrap at the spaces, as Korean is set: the
    shipped translator's answer to a long sentence had 도시 (city) cut into 도 and 시 on two lines
    (browsers break Hangul between any two syllables unless told keep-all)."""
    korean = "요즘 일 때문에 정말 바빴어요, 도시 사는 친구를 못 만나요."
    with browser_page(390, 844) as page:
        page.goto(server + "/translate")
        wait(page, "document.querySelectorAll('#alternatives tbody tr').length > 0")
        page.evaluate(
            "(text) => { document.querySelector('#translation').textContent = text;"
            " document.querySelectorAll('#alternatives tbody td:nth-child(2)').forEach(td => { td.textContent = text; }); }",
            korean,
        )
        # per Korean box: the line (top) of every syllable, grouped by the word it belongs to
        words = page.evaluate(
            """() => [...document.querySelectorAll('#translation, #alternatives td')]
                .filter(box => /[가-힣]/.test(box.textContent))
                .map(box => { const node = box.firstChild, text = node.textContent, out = []; let word = [];
                    for (let i = 0; i < text.length; i++) {
                        if (text[i] === ' ') { out.push(word); word = []; continue; }
                        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                        word.push(Math.round(r.getBoundingClientRect().top));
                    }
                    out.push(word); return out; })"""
        )
    assert len(words) >= 2
    assert all(len({top for word in box for top in word}) > 1 for box in words), (
        "nothing wrapped: proves nothing"
    )
    for box in words:
        for word in box:
            assert len(set(word)) == 1, f"a Korean word is split across lines: {words}"


def test_the_keyboard_reads_a_charts_values(server):
    """A chart's values showed only to a hovering mouse: the forecast's fan chart and the attention map
    are now Tab stops, the arrow keys move a cursor, and its values show in the tooltip and are read out
    (a polite live region)."""
    with browser_page(1000) as page:
        page.goto(server + "/forecast")
        wait(page, "document.querySelector('#fan svg polyline') && !document.querySelector('#go').disabled")
        page.focus("#fan svg")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        first = page.text_content(".tip")
        page.keyboard.press("End")
        last = page.text_content(".tip")
        assert page.is_visible(".tip") and first != last and "model" in last
        assert page.text_content("[aria-live=polite].sr-only") == last
        marked = "document.querySelectorAll('#fan svg line[visibility=visible]').length"
        assert page.evaluate(marked) == 1  # the cursor's day is marked on the chart
        page.keyboard.press("Tab")  # leaving the chart hides its tooltip and its mark
        assert page.is_hidden(".tip") and page.evaluate(marked) == 0
        # on a phone the tooltip wraps inside the screen (one line of a day's four values ran off it)
        page.set_viewport_size({"width": 390, "height": 844})
        page.focus("#fan svg")
        page.keyboard.press("End")
        box = page.evaluate(
            "(() => { const r = document.querySelector('.tip').getBoundingClientRect();"
            " return [r.left, r.right, r.height]; })()"
        )
        assert box[0] >= 0 and box[1] <= 390, box
        page.set_viewport_size({"width": 1000, "height": 900})

        page.goto(server + "/translate")
        wait(page, "document.querySelector('#attention canvas') && !document.querySelector('#go').disabled")
        page.focus("#attention canvas")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
        text = page.text_content(".tip")
        assert "←" in text and page.text_content("[aria-live=polite].sr-only") == text
        assert "arrow keys" in page.get_attribute("#attention canvas", "aria-label")

        # the beam tree: its nodes' pieces and scores, step by step, the node ringed and scrolled to
        page.set_viewport_size({"width": 390, "height": 844})
        page.focus("#tree")
        page.keyboard.press("ArrowRight")
        assert page.text_content(".tip").startswith("step 1: ") and "log p = " in page.text_content(".tip")
        for _ in range(6):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        at = page.evaluate(
            "(() => { const ring = document.querySelector('#tree svg circle[visibility=visible]'),"
            " box = document.querySelector('#tree').getBoundingClientRect(), r = ring.getBoundingClientRect();"
            " return {inside: r.left >= box.left && r.right <= box.right, scrolled: document.querySelector('#tree').scrollLeft}; })()"
        )
        assert page.text_content(".tip").startswith("step ") and at["inside"] and at["scrolled"] > 0, at
        assert page.text_content("[aria-live=polite].sr-only") == page.text_content(".tip")


def test_in_forced_colours_the_choices_and_the_charts_stay_visible(server):
    """In a forced-colours (contrast) theme the chosen cell and word were shown by colour alone and
    looked like the others, the charts' dark labels sat on the theme's black, and the legend's colour
    keys vanished."""

    def looks(page, selector: str) -> list[str]:
        return page.evaluate(
            f"[...document.querySelectorAll({selector!r})].map(e => getComputedStyle(e).backgroundColor)"
        )

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        try:
            page = browser.new_context(
                viewport={"width": 1000, "height": 900}, forced_colors="active", color_scheme="dark"
            ).new_page()
            page.goto(server + "/cells")
            wait(page, CELLS_DRAWN)
            page.click("#tabs button:nth-child(2)")
            page.focus("#input")  # the focus ring must not be what tells the chosen tab apart
            tabs = looks(page, "#tabs button")
            maps = looks(page, "#maps canvas, #gradchart svg")
            page.goto(server + "/forecast")
            wait(
                page, "document.querySelector('#fan svg polyline') && !document.querySelector('#go').disabled"
            )
            keys = looks(page, "#fan .legend span.key")
        finally:
            browser.close()
    assert tabs[1] != tabs[0] and tabs.count(tabs[1]) == 1, tabs
    assert maps and set(maps) == {"rgb(255, 255, 255)"}, maps
    assert len(set(keys)) >= 4, keys  # each series' own colour, not the theme's one background


def test_a_browsers_automatic_dark_mode_leaves_the_pages_as_drawn(server, tmp_path):
    """Chrome's automatic dark mode (Android's 'darken websites') darkened the page behind the charts,
    whose labels are drawn dark on a transparent canvas: the heat maps' words vanished. The pages are
    drawn for light only and say so (color-scheme: only light). Darkening happens when the page is
    painted (its computed colours stay light), so the painted pixels are read."""
    from PIL import Image

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=BROWSER, args=["--no-sandbox", "--enable-features=WebContentsForceDark"]
        )
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800}, color_scheme="dark")
            page.goto(server + "/cells")
            wait(page, "document.querySelectorAll('#maps canvas').length >= 1")
            page.screenshot(path=str(tmp_path / "cells.png"))
        finally:
            browser.close()
    with Image.open(tmp_path / "cells.png") as shot:
        page_behind, card = shot.convert("RGB").getpixel((6, 400)), shot.convert("RGB").getpixel((24, 400))
    assert min(page_behind) > 200 and min(card) > 200, (page_behind, card)


def test_a_forecast_model_opens_on_the_series_it_was_trained_on(tmp_path):
    """With two forecast models (as ``rnnkit demo`` leaves them), the page opened with the first series
    of the list (aapl) whatever the model: glucose's model read aapl's columns and said it had none of
    its own. A model trained on a bundled series now opens on that series, and choosing another model
    takes its series."""
    from rnnkit.cli import main

    tiny = ["--epochs", "1", "--hidden", "4", "--quiet", "--device", "cpu", "--threads", "1", "--test", "0.1"]
    for name in ("msft", "glucose"):
        assert main(["forecast", "train", "--data", name, "--out", str(tmp_path / "runs" / name), *tiny]) == 0
    with serving(tmp_path / "runs") as base, browser_page(1200) as page:
        page.goto(base + "/forecast")
        wait(
            page,
            "document.querySelector('#about').textContent !== '' && !document.querySelector('#go').disabled",
        )
        first = page.input_value("#model")
        assert page.input_value("#series") == first  # glucose's model on glucose (the list's first is aapl)
        assert page.text_content("#about").startswith(first)
        other = "msft" if first == "glucose" else "glucose"
        page.select_option("#model", other)
        wait(page, f"document.querySelector('#about').textContent.startsWith('{other}')")
        assert page.input_value("#series") == other
        assert "has no column" not in page.text_content("#about")  # the notes: no other column taken


def test_a_plain_text_refusal_is_said_in_words(server):
    """Above its connection limit uvicorn itself answers a plain-text 503, which the page showed as
    'Error: HTTP 503'; it now says the server is busy and to try again."""
    with browser_page(1000) as page:
        page.goto(server + "/translate")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        page.route(
            "**/api/translate",
            lambda route: route.fulfill(status=503, body="Service Unavailable", content_type="text/plain"),
        )
        page.fill("#text", "I am a student.")
        page.press("#text", "Enter")
        wait(page, "document.querySelector('#error').textContent.includes('busy')")
        assert "try again in a moment" in page.text_content("#error")
        page.route(
            "**/api/translate",
            lambda route: route.fulfill(
                status=502, body="<html>Bad Gateway</html>", content_type="text/html"
            ),
        )
        page.fill("#text", "I am tired.")
        page.press("#text", "Enter")
        wait(page, "document.querySelector('#error').textContent.includes('HTTP 502')")


def _post(base: str, path: str, body: dict) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.load(answer)


def test_on_a_phone_the_attention_maps_labels_stay_apart(server):
    """At 390 px a 20-piece sentence's attention map was squeezed into the screen: 12 px columns whose
    45-degree labels ran into each other and rows whose Korean pieces overlapped. A labelled column is now
    17 px at least; the map scrolls inside its own box (a named Tab stop), and the keyboard's cursor
    scrolls its column into view."""
    sentence = "My name is John and I paid 12,500 won for the taxi to Seoul Station at 3:30."  # 24 pieces
    with browser_page(390, 844) as page:
        page.goto(server + "/translate")
        wait(page, "document.querySelector('#attention canvas') && !document.querySelector('#go').disabled")
        page.fill("#text", sentence)
        page.click("#go")
        wait(
            page,
            "!document.querySelector('#go').disabled && document.querySelector('#attention').scrollWidth > 0",
        )
        wait(
            page,
            "+document.querySelector('#attention canvas').getAttribute('aria-label').match(/by (\\d+) columns/)[1] > 20",
        )
        facts = page.evaluate(
            "(() => { const box = document.querySelector('#attention'), c = box.querySelector('canvas');"
            " return {cols: +c.getAttribute('aria-label').match(/by (\\d+) columns/)[1], width: c.getBoundingClientRect().width,"
            " scroll: box.scrollWidth, client: box.clientWidth, tab: box.tabIndex, name: box.getAttribute('aria-label'),"
            " role: box.getAttribute('role'), page: document.documentElement.scrollWidth}; })()"
        )
        assert facts["width"] >= 17 * facts["cols"], facts  # not shrunk to the screen
        assert facts["scroll"] > facts["client"] and facts["page"] <= 390, (
            facts
        )  # its box scrolls, not the page
        assert facts["tab"] == 0 and facts["role"] == "region" and "scrolls sideways" in facts["name"], facts
        page.focus("#attention canvas")
        for _ in range(facts["cols"]):
            page.keyboard.press("ArrowRight")
        assert page.evaluate("document.querySelector('#attention').scrollLeft") > 0
        tip = page.evaluate(
            "(() => { const r = document.querySelector('.tip').getBoundingClientRect(); return [r.left, r.right]; })()"
        )
        assert tip[0] >= 0 and tip[1] <= 390, tip
        # a short sentence fits again: the box is no longer a scrolling region
        page.fill("#text", "I am a student.")
        page.click("#go")
        wait(
            page,
            "!document.querySelector('#go').disabled && document.querySelector('#attention').getAttribute('role') === null",
        )
        assert not page.evaluate("document.querySelector('#attention').classList.contains('scroll')")


def _y_ticks(page, chart: str) -> list[float]:
    labels = page.evaluate(
        f"[...document.querySelectorAll('{chart} svg text[text-anchor=end][x=\"52\"]')].map(t => t.textContent)"  # left of the plot
    )
    return [float(t) for t in labels]


def _round_steps(ticks: list[float]) -> bool:
    """Four or more ticks, evenly spaced at 1, 2, 2.5 or 5 times a power of ten, each a multiple of it."""
    import math

    steps = [b - a for a, b in pairwise(ticks)]
    step = steps[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    return (
        len(ticks) >= 3
        and all(math.isclose(s, step, rel_tol=1e-6) for s in steps)
        and any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5))
        and all(math.isclose(t / step, round(t / step), abs_tol=1e-6) for t in ticks)
    )


def test_chart_axes_are_marked_at_round_numbers(server):
    """The fan chart's and a unit's y axis were five even steps of the data's range: 61.13, 82.33,
    103.52, 124.72, 145.92, and -0.96, -0.45, 0.06, 0.58, 1.09 for a gate. They are round numbers now."""
    with browser_page(1000) as page:
        page.goto(server + "/forecast")
        wait(page, "document.querySelector('#fan svg polyline') && !document.querySelector('#go').disabled")
        fan = _y_ticks(page, "#fan")
        page.goto(server + "/cells")
        wait(page, CELLS_DRAWN)
        page.focus("#maps canvas")
        page.keyboard.press("Enter")
        wait(page, "document.querySelector('#unitchart svg polyline')")
        unit = _y_ticks(page, "#unitchart")
    assert _round_steps(fan), fan
    assert _round_steps(unit), unit


def test_the_forecast_scores_read_as_the_command_prints_them(server):
    """The scores table left out the sMAPE column that ``rnnkit forecast eval`` prints, wrote 4
    decimals where the command writes 4 significant digits (1.2360 beside the command's 1.236) and 'n/a'
    where it writes '-'; and the verdict's card began with a blank line."""
    from rnnkit.forecast.metrics import fmt

    with browser_page(1200) as page:
        page.goto(server + "/forecast")
        wait(page, "document.querySelector('#metrics table') && !document.querySelector('#go').disabled")
        series, model = page.input_value("#series"), page.input_value("#model")
        headers = page.evaluate("[...document.querySelectorAll('#metrics th')].map(th => th.textContent)")
        rows = page.evaluate(
            "[...document.querySelectorAll('#metrics tbody tr')].map(tr => [...tr.cells].map(td => td.textContent))"
        )
        gap = page.evaluate(
            "(() => { const v = document.querySelector('#verdict'), card = v.parentElement, style = getComputedStyle(card);"
            " return v.getBoundingClientRect().top - card.getBoundingClientRect().top - parseFloat(style.paddingTop)"
            " - parseFloat(style.borderTopWidth); })()"
        )
    metrics = _post(server, "/api/forecast", {"series": series, "model": model})["metrics"]
    assert headers == ["forecaster", "MAE", "RMSE", "MAPE", "sMAPE", "MASE", "dir_acc"]
    expected = [[name, *(fmt(scores[h], h) for h in headers[1:])] for name, scores in metrics.items()]
    assert rows == expected
    assert abs(gap) < 1, gap


def test_every_words_map_is_framed_and_a_phones_dates_stay_whole(server):
    """The caption's word maps are pale on the white card, and side by side their edges ran together
    into one strip: each is framed now. At phone width the forecast's next-step date broke at its hyphen
    (2013- above 03-04) in a table that scrolls anyway."""
    with browser_page(390, 844) as page:
        page.goto(server + "/caption")
        wait(page, "document.querySelectorAll('#samples img').length > 3")
        page.click("#samples img:nth-child(2)")
        wait(
            page,
            "document.querySelectorAll('#maps canvas').length > 0 && !document.querySelector('#go').disabled",
        )
        frames = page.evaluate(
            "[...document.querySelectorAll('#maps canvas')].map(c => { const s = getComputedStyle(c);"
            " return [s.borderTopStyle, parseFloat(s.borderTopWidth), s.borderTopColor]; })"
        )
        page.goto(server + "/forecast")
        wait(page, "document.querySelector('#next table') && !document.querySelector('#go').disabled")
        lines = page.evaluate(
            "[...document.querySelectorAll('#next td, #metrics td')].map(td => { const r = document.createRange();"
            " r.selectNodeContents(td); return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })"
        )
    assert frames and all(f[0] == "solid" and f[1] >= 1 and f[2] != "rgb(255, 255, 255)" for f in frames), (
        frames
    )
    assert lines and set(lines) == {1}, lines


def test_cards_are_evenly_spaced(server):
    """Two cards side by side (the n-best list and the beam tree) kept their own margins inside the
    grid's gap: on a phone, stacked, they were twice as far apart as any other two cards."""
    gaps = """() => { const cards = [...document.querySelectorAll('main .card')].filter(c => c.offsetParent)
        .map(c => c.getBoundingClientRect()).sort((a, b) => a.top - b.top);
      return cards.slice(1).map((c, i) => Math.round(c.top - cards[i].bottom)).filter(g => g > 0); }"""
    with browser_page(390, 844) as page:
        page.goto(server + "/translate")
        wait(page, "document.querySelectorAll('#alternatives tbody tr').length > 0")
        stacked = page.evaluate(gaps)
        page.goto(server + "/forecast")
        wait(page, "document.querySelector('#next table') && !document.querySelector('#go').disabled")
        stacked += page.evaluate(gaps)
    assert len(stacked) >= 6 and len(set(stacked)) == 1, stacked


def test_the_docs_screenshots_keep_every_lines_colour():
    """A page of heat maps with six thin chart lines, as on /cells: reduced for the docs, each pixel
    stays within 24 steps of its colour (median cut drew the output gate's orange line in red)."""
    import numpy as np
    from PIL import Image, ImageDraw

    # the heat maps' colours: rk.js's diverging scale, red (-1) to white to blue (+1)
    t = np.random.default_rng(0).uniform(-1, 1, size=(40, 60, 1))
    up, down = np.maximum(t, 0), np.maximum(-t, 0)
    rgb = 255 - up * np.array([220, 160, 70]) - down * np.array([60, 200, 200])
    cells = rgb.round().astype(np.uint8).repeat(12, axis=0).repeat(12, axis=1)
    page = Image.new("RGB", (720, 600), "white")
    page.paste(Image.fromarray(cells[:420]), (0, 0))
    draw = ImageDraw.Draw(page)
    for i, colour in enumerate(["#1d2330", "#2456c8", "#b3261e", "#1f7a3f", "#9a6400", "#7b3fb3"]):
        draw.line([(0, 440 + 25 * i), (719, 450 + 25 * i)], fill=colour, width=2)
    before = np.asarray(page, dtype=int)
    after = np.asarray(_reduced(page).convert("RGB"), dtype=int)
    assert np.abs(after - before).max() <= 24


def test_a_phone_shows_each_model_id_on_one_line(models_dir, tmp_path):
    """The home page's table broke model ids at their hyphens at phone width (caption- above shapes):
    an id is a key, read and typed whole; the table's box scrolls instead. (It may break after a "/" of
    its path: each folder's name stays on one line.)"""
    for name in ("caption", "forecast"):
        shutil.copytree(models_dir / name, tmp_path / f"{name}-shapes-and-more-words" / "model")
    with serving(tmp_path) as base, browser_page(390, 844) as page:
        page.goto(base + "/")
        wait(page, "document.querySelector('#models table') !== null")
        lines = page.evaluate(
            "[...document.querySelectorAll('#models tbody td:first-child span')].map(s => [s.textContent,"
            " (() => { const r = document.createRange(); r.selectNodeContents(s);"
            " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })()])"
        )
        sideways = page.evaluate("document.documentElement.scrollWidth")
    assert any("-shapes-and-more-words" in text for text, _ in lines), lines
    assert all(n == 1 for _, n in lines), lines
    assert sideways <= 390


def test_a_rows_controls_are_one_height_and_their_labels_line_up(server):
    """The controls of a row drew their own heights (a select 31 px, a number box 34, a file input 27):
    aligned at their bottoms, their labels sat at three heights ("Upload an image" lower than "Model")."""
    rows = """() => [...document.querySelectorAll('form.controls label')].filter(l => l.offsetParent)
        .map(l => [l.firstChild.textContent.trim(), l.getBoundingClientRect().top,
                   l.querySelector('input, select, textarea').getBoundingClientRect().height])"""
    with browser_page(1000, 700) as page:
        for name, first in (("caption", "Upload an image"), ("forecast", "Bundled series"),
                            ("translate", "Model")):  # fmt: skip
            page.goto(f"{server}/{name}")
            wait(page, "document.querySelector('form.controls select')")
            labels = page.evaluate(rows)
            heights = {round(h, 1) for _, _, h in labels if h < 60}  # not a text area
            assert len(heights) == 1, (name, labels)
            top = next(t for label, t, _ in labels if label == first)
            same_row = [(label, t) for label, t, _ in labels if abs(t - top) < 10]
            assert len(same_row) >= 2 and all(abs(t - top) < 0.5 for _, t in same_row), (name, labels)


def test_on_a_phone_each_choice_is_read_whole(server):
    """At 400 px the choices 'a sentence (subword pieces, the translator's embeddings)' (cells) and
    'aapl: Apple, daily adjusted close, 2000-03-01 to 2013-03-01' (forecast) were cut off inside their
    selects: each choice now fits, and what it means is said beside it or under the verdict."""
    fits = """() => { const s = document.getElementById('kind'), css = getComputedStyle(s);
        const ctx = document.createElement('canvas').getContext('2d'); ctx.font = css.font;
        const room = s.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight) - 20;
        return [...s.options].map(o => [o.text, ctx.measureText(o.text).width <= room]); }"""
    with browser_page(400, 800) as page:
        page.goto(server + "/forecast")
        wait(page, "document.querySelector('#next table')")
        assert all(ok for _, ok in page.evaluate(fits.replace("'kind'", "'series'"))), page.evaluate(fits)
        # the series the page opened on (the model's own; the tiny test model's is aapl) said whole
        assert re.search(
            r"^\w+: \w+, daily adjusted close, 2000-03-01 to 2013-03-01 \(Adj Close",
            page.inner_text("#about"),
        )
        page.goto(server + "/cells")
        wait(page, "document.getElementById('kind-hint').textContent")
        assert all(ok for _, ok in page.evaluate(fits)), page.evaluate(fits)
        assert "subword pieces" in page.inner_text("#kind-hint")
        page.select_option("#kind", "numbers")
        wait(page, "document.getElementById('kind-hint').textContent.includes('*')")


def test_the_forecast_page_says_how_a_blended_model_made_its_point_forecast(tmp_path):
    """A model whose point forecast is blended with the linear AR (--linear-blend) shows forecast train's
    'linear blend:' line under the scores, where its row could be the AR's with no word of why."""
    import json

    from rnnkit.cli import main

    tiny = [
        "--epochs",
        "1",
        "--hidden",
        "4",
        "--quiet",
        "--device",
        "cpu",
        "--threads",
        "1",
        "--window",
        "12",
    ]
    run = tmp_path / "runs" / "unemployment"
    assert main(["forecast", "train", "--data", "unemployment", "--out", str(run), *tiny]) == 0
    blend = json.loads((run / "metrics.json").read_text())["linear_blend"]
    assert blend["blended"]  # one epoch of 4 units leaves the network far from the AR
    with serving(tmp_path / "runs") as base, browser_page(1200, 1400) as page:
        page.goto(base + "/forecast")
        wait(
            page,
            "document.querySelector('#about').textContent !== '' && !document.querySelector('#go').disabled",
        )
        page.click("#go")
        wait(page, "document.querySelector('#metrics').textContent.includes('linear blend,')")
        said = f"linear blend, chosen in training on the validation part of unemployment: {blend['reason']}"
        assert said in page.text_content("#metrics")
        page.screenshot(path=str(tmp_path / "blend.png"), full_page=True)


def _upload_to_forecast(page, server: str, name: str, csv: str) -> str:
    """Open the forecast page, wait for its first answer, upload ``csv`` as ``name``; the bundled series
    shown before the upload."""
    page.goto(server + "/forecast")
    wait(
        page, "document.querySelector('#about').textContent !== '' && !document.querySelector('#go').disabled"
    )
    shown = page.evaluate("document.querySelector('#series').value")
    page.set_input_files("#file", {"name": name, "mimeType": "text/csv", "buffer": csv.encode()})
    return shown


def test_a_monthly_upload_reads_as_months_and_its_notes_as_sentences(server):
    """A CSV of Year,Month,Value is read as monthly dates; the page then labelled its chart 2018-01-01,
    2018-06-01 and its next step 2020-01-01, as if the days counted, and ran the reader's note on from
    the last sentence in lower case ('24 test samples. read the columns ...'). Months are now written
    as months, and each note starts as a sentence."""
    import math

    rows = [f"{2010 + m // 12},{m % 12 + 1},{100 + 10 * math.sin(m / 2):.2f}" for m in range(120)]
    csv = "Year,Month,Adj Close\n" + "\n".join(rows) + "\n"
    with browser_page(1000) as page:
        _upload_to_forecast(page, server, "monthly.csv", csv)
        wait(page, "document.querySelector('#about').textContent.includes('Month')")
        wait(page, "!document.querySelector('#go').disabled")
        about = page.text_content("#about")
        assert "test samples. Read the columns 'Year' and 'Month' as monthly dates" in about, about
        assert about.startswith("monthly.csv ("), about  # the picked file's own name, not uploaded.csv
        ticks = page.evaluate("() => [...document.querySelectorAll('#fan svg text')].map(t => t.textContent)")
        dates = [t for t in ticks if re.fullmatch(r"\d{4}-\d\d(-\d\d)?", t)]
        assert dates and all(re.fullmatch(r"\d{4}-\d\d", d) for d in dates), ticks
        assert page.text_content("#next td") == "2020-01"
        assert page.text_content("#next p").endswith("on 2019-12")


@pytest.mark.parametrize("width", [1280, 1000, 390])
def test_the_scores_table_is_whole_on_a_desktop_and_scrolls_in_its_box_on_a_phone(server, width):
    """Scores and Next step were two halves of the page: at 1280 px a series in the hundreds with a near
    perfect linear AR (MAE 0.004658) cut the scores' last columns, MASE and dir_acc, behind a sideways
    scroll, beside a Next step card with room to spare. The two sit side by side where both tables fit
    whole, else one under the other; on a phone the table still scrolls in its box, not the page."""
    import math

    rows = [f"{2010 + m // 12}-{m % 12 + 1:02d}-01,{100 + 10 * math.sin(m / 2) + m:.2f}" for m in range(120)]
    with browser_page(width) as page:
        _upload_to_forecast(page, server, "sales.csv", "month,Adj Close\n" + "\n".join(rows) + "\n")
        wait(page, "document.querySelector('#about').textContent.startsWith('sales.csv')")
        wait(page, "!document.querySelector('#go').disabled")
        boxes = page.evaluate(
            "() => ['#metrics', '#next'].map(id => { const box = document.querySelector(id + ' .scroll');"
            " const r = box.getBoundingClientRect();"
            " return [box.scrollWidth, box.clientWidth, Math.round(r.top), Math.round(r.right)]; })"
        )
        (scores_wide, scores_shown, scores_top, scores_right), (next_wide, next_shown, next_top, _) = boxes
        if width == 390:  # a phone: the scores are cut, and scroll inside their own box, within the page
            assert scores_wide > scores_shown + 20 and scores_right <= width, boxes
        else:
            assert scores_wide <= scores_shown and next_wide <= next_shown, boxes
        assert (scores_top == next_top) == (width == 1280), boxes  # side by side where both fit
        # the page never scrolls sideways
        assert page.evaluate("document.documentElement.scrollWidth") == width


def test_the_series_box_names_an_uploaded_file_while_it_is_the_data(server):
    """After an upload the series box went on showing the bundled series picked before, as if it were
    the one forecast. It now says "your file: NAME" while the upload is the data; picking a bundled
    series again drops that entry and forecasts the series."""
    import math

    rows = [f"2020-01-{d + 1:02d},{100 + 10 * math.sin(d / 2):.2f}" for d in range(31)]
    rows += [f"2020-02-{d + 1:02d},{100 + 10 * math.sin((d + 31) / 2):.2f}" for d in range(29)]
    csv = "date,Adj Close\n" + "\n".join(rows) + "\n"
    with browser_page(1000) as page:
        first = _upload_to_forecast(page, server, "sales.csv", csv)
        wait(page, "document.querySelector('#about').textContent.startsWith('sales.csv')")
        shown = page.evaluate(
            "(() => { const s = document.querySelector('#series'); return s.options[s.selectedIndex].text; })()"
        )
        assert shown == "your file: sales.csv"
        page.select_option("#series", first)
        wait(page, f"document.querySelector('#about').textContent.startsWith({first!r})")
        texts = page.evaluate("[...document.querySelector('#series').options].map(o => o.text)")
        assert not any(t.startswith("your file") for t in texts), texts
        assert page.input_value("#file") == ""


def test_on_a_phone_the_models_table_shows_every_column(server):
    """With the model folders ``rnnkit demo`` leaves (demo/caption/digits_model, ...), the home page's
    table was wider than a phone and its model column lay out of view. An id now breaks after a "/" of
    its path, never inside a folder's name (caption- above shapes), and its text stays whole."""
    ids = ["demo/caption/digits_model", "demo/forecast/glucose", "runs/caption-shapes/model"]
    models = [{"id": i, "application": "forecast", "summary": "English to Korean, gru"} for i in ids]
    with browser_page(390, 844) as page:
        page.route("**/api/models", lambda route: route.fulfill(json={"models": models}))
        page.goto(server + "/")
        wait(page, "document.querySelector('#models table') !== null")
        box = page.evaluate(
            "(() => { const s = document.querySelector('#models .scroll');"
            " return [s.scrollWidth, s.clientWidth]; })()"
        )
        cells = page.evaluate(
            "[...document.querySelectorAll('#models tbody td:first-child')].map(td => [td.textContent,"
            " [...td.querySelectorAll('span')].map(s => s.getClientRects().length)])"
        )
    assert box[0] <= box[1], box  # nothing to scroll to: the model column is in view
    assert [text for text, _ in cells] == ids
    assert all(lines and all(n == 1 for n in lines) for _, lines in cells), cells


def test_on_a_phone_a_translation_loop_leaves_the_scores_in_view(server):
    """An undertrained model's output (물물물..., sixty syllables without a space) could not wrap under
    keep-all, and at 390 px the n-best table's score column lay out of view. Such a run may now break
    (every 8 characters); the text reads the same, and words are never broken."""
    loop = "죠마" + "물" * 60 + "😀" * 30

    def looping(route):
        answer = route.fetch().json()
        for alternative in answer["alternatives"]:
            alternative["text"] = loop
        route.fulfill(json=answer)

    with browser_page(390, 844) as page:
        page.route("**/api/translate", looping)
        page.goto(server + "/translate")
        wait(page, "document.querySelector('#alternatives table') && !document.querySelector('#go').disabled")
        box = page.evaluate(
            "(() => { const s = document.querySelector('#alternatives .scroll');"
            " return [s.scrollWidth, s.clientWidth]; })()"
        )
        texts = page.evaluate(
            "[...document.querySelectorAll('#alternatives tbody td:nth-child(2)')].map(td => td.textContent)"
        )
    assert texts and all(t == loop for t in texts), texts
    assert box[0] <= box[1], box  # the score column is in view


def test_the_api_page_describes_every_call_of_the_document(server):
    """The API page lists every call of /openapi.json with its fields and a curl command; the translate
    call's command sends the document's example (a sentence), the sample image is saved to a file."""
    from rnnkit.serve.openapi import schema

    calls = [f"{m.upper()} {p}" for p, ms in schema()["paths"].items() for m in ms]
    with browser_page(390, 844) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/api")
        wait(page, f"document.querySelectorAll('#calls section').length === {len(calls)}")
        heads = page.evaluate("[...document.querySelectorAll('#calls h2')].map(h => h.textContent)")
        assert heads == calls
        text = page.text_content("#calls")
        assert "text (required)" in text and "at most 8" in text
        assert '-d \'{"text":"I am a student."}\'' in text
        assert "curl -o 0.png " in text
        assert page.text_content("#error") == "" and not errors
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )  # no sideways scroll
