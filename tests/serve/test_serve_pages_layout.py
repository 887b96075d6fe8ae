"""Where the pages' parts sit, measured in a real browser at desktop and phone widths."""

from __future__ import annotations

from itertools import pairwise

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


@pytest.mark.parametrize("width", [1280, 390])
def test_the_gradient_chart_stands_apart_from_its_form(server, width):
    """The chart's axis title (|dL/dx_t|) was drawn 4 px under the sequence-length box, and read as
    that box's caption."""
    with browser_page(width) as page:
        page.route("**/api/cells", lambda route: route.abort())  # the heat maps are not measured here
        page.goto(server + "/cells")
        wait(page, "document.querySelector('#gradchart svg') && !document.querySelector('#grad').disabled")
        gap = page.evaluate(
            "() => document.querySelector('#gradchart').getBoundingClientRect().top"
            " - document.querySelector('#length').getBoundingClientRect().bottom"
        )
        assert gap >= 14, gap


@pytest.mark.parametrize("width", [1280, 390])
def test_the_working_line_reads_as_one_line_beside_its_button(server, width):
    """On a phone "still working… (a long input or a busy server takes a while)" wraps, and its two lines
    stood a button's height apart; on a desktop it is one line, level with the button's text."""
    with browser_page(width) as page:
        page.goto(server + "/translate")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        held = []  # the translation is answered only at the end: a slow server
        page.route("**/api/translate", lambda route: held.append(route))
        page.click("#go")
        wait(page, "document.querySelector('.working').textContent.startsWith('still working')", timeout=30)
        line, button = (page.locator(s).bounding_box() for s in (".working", "#go"))
        font = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.working')).fontSize)"
        )
        lines = page.evaluate(
            "() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('.working'));"
            " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
        )
        assert lines == (2 if width == 390 else 1)
        if lines == 1:  # level with the button's text
            assert abs((line["y"] + line["height"] / 2) - (button["y"] + button["height"] / 2)) <= 2
        else:
            assert line["height"] <= 2 * 1.5 * font, (line, font)
        held[0].continue_()


def test_a_cut_table_shows_the_side_that_hides_more(server):
    """At 390 px the scores table scrolls in its box, and a phone draws no scroll bar until touched: its
    last columns were cut off with no sign of them. The box draws a shadow on each side that hides
    more (fixed behind the table), under white covers that scroll with it and hide each at its end."""
    with browser_page(390) as page:
        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        box = page.locator("#metrics .scroll")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth + 20")  # cut: it hides columns
        style = box.evaluate(
            "b => { const s = getComputedStyle(b); return [s.backgroundImage, s.backgroundAttachment]; }"
        )
        assert style[0].count("radial-gradient") == 2 and style[0].count("linear-gradient") == 2, style
        assert style[1] == "local, local, scroll, scroll", style


@pytest.mark.parametrize("width", [1280, 390])
def test_a_cut_beam_tree_shows_the_side_that_hides_more(server, width):
    """At 390 px the beam search tree scrolls in its box after its fourth step, and ended at the box's
    edge with no sign that it went on (the tables' shadows were theirs alone). It scrolls down too
    (max-height 26rem): at beam 8 a step has up to 24 nodes, 556 px in a 416 px box at every width, and
    its last rows were cut with no sign, as the shadows were left and right only."""
    with browser_page(width) as page:
        page.goto(server + "/translate")
        wait(
            page,
            "document.querySelectorAll('#tree .tree-node').length > 0 && !document.querySelector('#go').disabled",
        )
        page.evaluate("document.querySelector('#tree svg').dataset.old = '1'")  # the default beam's tree
        page.fill("#text", "the cat sat on the mat")
        page.fill("#beam", "8")
        page.click("#go")
        wait(page, "document.querySelector('#tree svg:not([data-old]) .tree-node')")
        box = page.locator("#tree")
        assert box.evaluate("b => b.scrollHeight > b.clientHeight + 20")  # cut: it hides rows
        if width == 390:
            assert box.evaluate("b => b.scrollWidth > b.clientWidth + 20")  # cut: it hides steps
        style = box.evaluate(
            "b => { const s = getComputedStyle(b);"
            " return [s.backgroundImage, s.backgroundAttachment, s.backgroundPosition]; }"
        )
        assert style[0].count("radial-gradient") == 4 and style[0].count("linear-gradient") == 4, style
        assert style[1] == "local, local, local, local, scroll, scroll, scroll, scroll", style
        positions = style[2].split(", ")
        # a cover that scrolls away and a fixed shadow at the top and at the bottom, as at the sides
        for edge in ("50% 0%", "50% 100%"):
            assert edge in positions[:4] and edge in positions[4:], style


@pytest.mark.parametrize("width", [1280, 390])
def test_the_gradient_charts_steps_are_marked_at_round_evenly_spaced_numbers(server, width):
    """The gradient flow's x axis read t=0, t=10, t=20, t=29, t=39, t=49 at length 50 (t=0 and t=49
    alone at 390 px): evenly spaced points of 0..49, rounded. It is marked at multiples of a round step,
    evenly spaced, three at least. At 390 px length 100 read t=0, t=50 alone, and at length 121 the
    last label, set to end at its point, touched the one before it (t=100t=120): none overlap, and the
    last moves left only as far as keeps it inside the chart."""
    with browser_page(width) as page:
        page.route("**/api/cells", lambda route: route.abort())  # the heat maps are not measured here
        page.goto(server + "/cells")
        wait(page, "document.querySelector('#gradchart svg') && !document.querySelector('#grad').disabled")
        for length in (50, 37, 100, 121):
            page.evaluate(
                "document.querySelector('#gradchart svg').dataset.old = '1'"
            )  # the chart drawn before
            page.fill("#length", str(length))
            page.click("#grad")
            wait(
                page,
                "document.querySelector('#gradchart svg:not([data-old])') && !document.querySelector('#grad').disabled",
            )
            marks = page.evaluate(
                "[...document.querySelectorAll('#gradchart svg text')].filter(t => /^t=/.test(t.textContent))"
                ".map(t => [+t.textContent.slice(2), t.getBBox().x, t.getBBox().width])"
            )
            chart = page.evaluate("document.querySelector('#gradchart svg').viewBox.baseVal.width")
            steps = [b[0] - a[0] for a, b in pairwise(marks)]
            centres = [x + w / 2 for _, x, w in marks]
            gaps = [b - a for a, b in pairwise(centres)]
            assert marks[0][0] == 0 and len(marks) >= 3 and marks[-1][0] <= length - 1, marks
            assert len(set(steps)) == 1 and steps[0] in (1, 2, 5, 10, 20, 50), marks
            assert max(gaps[:-1]) - min(gaps[:-1]) < 1, marks  # the labels' centres evenly spaced
            assert abs(gaps[-1] - gaps[0]) < 8, marks  # the last moved left a few px at most
            apart = [b[1] - (a[1] + a[2]) for a, b in pairwise(marks)]
            assert min(apart) >= 6, (length, marks)  # no label runs into the next
            assert marks[0][1] >= 0 and marks[-1][1] + marks[-1][2] <= chart, (chart, marks)


EDGES = """() => { const box = document.querySelector('#attention'), b = box.getBoundingClientRect(),
    c = box.querySelector('canvas').getBoundingClientRect();
  return Object.fromEntries([...box.querySelectorAll('.edge')].map(e => { const r = e.getBoundingClientRect();
    return [e.classList[1], {shown: getComputedStyle(e).visibility === 'visible', left: r.left - b.left,
      right: b.right - r.right, top: r.top - c.top, bottom: c.bottom - r.bottom, box: b.width}]; })); }"""


def test_a_cut_heat_map_shows_the_side_that_hides_more(server):
    """At 390 px a long sentence's attention map (and a long input's gates) scrolls in its box, and ended
    at the box's edge with no sign that it went on: a table's shadows lie behind it, and a map is opaque.
    Its edges lie over it, a shadow on each side that hides more; hovering under one still reads a cell."""
    sentence = "My name is John and I paid 12,500 won for the taxi to Seoul Station at 3:30."
    with browser_page(390) as page:
        page.goto(server + "/translate")
        wait(page, "document.querySelector('#attention canvas') && !document.querySelector('#go').disabled")
        page.fill("#text", sentence)
        page.click("#go")
        wait(page, "!document.querySelector('#go').disabled && document.querySelector('#attention.cut')")
        edges = page.evaluate(EDGES)
        assert not edges["left"]["shown"] and edges["right"]["shown"], edges  # more on the right only
        right = edges["right"]
        assert abs(right["right"]) <= 1 and right["left"] > right["box"] / 2, edges  # at the box's right side
        assert abs(right["top"]) <= 1 and abs(right["bottom"]) <= 1, edges  # over the whole map
        page.locator("#attention").scroll_into_view_if_needed()
        box = page.locator("#attention").bounding_box()
        page.mouse.move(box["x"] + box["width"] - 4, box["y"] + box["height"] * 0.6)
        wait(
            page,
            "document.querySelector('.tip') && getComputedStyle(document.querySelector('.tip')).display !== 'none'",
        )
        page.evaluate("document.querySelector('#attention').scrollLeft = 1e6")
        wait(page, "document.querySelector('#attention.more-left:not(.more-right)')")
        edges = page.evaluate(EDGES)
        assert edges["left"]["shown"] and not edges["right"]["shown"], edges  # its end reached
        assert abs(edges["left"]["left"]) <= 1, edges
        # a short sentence's map fits: no edges
        page.fill("#text", "I am a student.")
        page.click("#go")
        wait(page, "!document.querySelector('#go').disabled && !document.querySelector('#attention.cut')")
        assert page.evaluate(EDGES) == {}


def test_a_heat_map_keeps_its_edges_as_its_box_changes_width(server):
    """A map cut at 390 px kept its right edge's shadow over its last column when the phone was turned
    to 700 px, where it fits: the edges were set as the box scrolled and as the map was drawn, never as
    the box changed width. Turned back, the edge shows again."""
    sentence = "My name is John and I paid 12,500 won for the taxi to Seoul Station at 3:30."
    fits = (
        "(() => { const b = document.querySelector('#attention'); return b.scrollWidth <= b.clientWidth; })()"
    )
    with browser_page(390) as page:
        page.goto(server + "/translate")
        wait(page, "document.querySelector('#attention canvas') && !document.querySelector('#go').disabled")
        page.fill("#text", sentence)
        page.click("#go")
        wait(page, "!document.querySelector('#go').disabled && document.querySelector('#attention.cut')")
        edges = page.evaluate(EDGES)
        assert edges["right"]["shown"] and not page.evaluate(fits), edges
        page.set_viewport_size({"width": 700, "height": 900})
        wait(page, fits)
        wait(page, "!document.querySelector('#attention.more-right, #attention.more-left')", timeout=5)
        edges = page.evaluate(EDGES)
        assert not edges["left"]["shown"] and not edges["right"]["shown"], edges
        page.set_viewport_size({"width": 390, "height": 900})
        wait(page, "document.querySelector('#attention.more-right')", timeout=5)
        assert page.evaluate(EDGES)["right"]["shown"]


@pytest.fixture(scope="module")
def bare_server():
    """A server of the shipped translator alone (the API page needs no trained model)."""
    with serving(None) as url:
        yield url


@pytest.mark.parametrize("width", [320, 360, 390])
def test_the_api_pages_field_tables_fit_a_phone(bare_server, width):
    """At 390 px the fields tables (field, type, allowed, default) were 3 to 23 px wider than their box,
    and its scroll shadow said so; at 320 px 93 px. Two columns (field, what it takes) fit."""
    with browser_page(width, 800) as page:
        page.goto(bare_server + "/api")
        wait(page, "document.querySelectorAll('#calls section').length > 5")
        over = page.evaluate(
            "() => [...document.querySelectorAll('#calls div.scroll')]"
            ".map(b => [b.getAttribute('aria-label'), b.scrollWidth - b.clientWidth])"
        )
        assert len(over) >= 6, over  # the body of every POST call, the sample's path parameter
        assert [o for o in over if o[1] > 0] == [], over
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_cut_command_shows_the_side_that_hides_more(bare_server):
    """At 390 px the API page's curl commands ended at their box's edge with no sign that they went on;
    their box draws the cut table's shadows, on its own grey."""
    with browser_page(390, 800) as page:
        page.goto(bare_server + "/api")
        wait(page, "document.querySelectorAll('#calls section').length > 5")
        box = page.locator("#post-api-cells pre")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth + 20")  # cut: it hides the command's end
        style = box.evaluate(
            "b => { const s = getComputedStyle(b); return [s.backgroundImage, s.backgroundAttachment,"
            " s.backgroundColor]; }"
        )
        assert style[0].count("radial-gradient") == 2 and style[0].count("linear-gradient") == 2, style
        assert style[1] == "local, local, scroll, scroll" and style[2] == "rgb(244, 245, 247)", style
