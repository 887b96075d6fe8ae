"""Every page with the keyboard alone, at a desktop's and a phone's width, in a light and a dark system
theme: Tab reaches the controls in the order they are read, each shows where the focus is, and a box
is a Tab stop only when it has something hidden to scroll to."""

from __future__ import annotations

from itertools import pairwise

import pytest
from helpers_serve import BROWSER, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")

ANSWERED = "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled"
DRAWN = {  # each page once its answers are drawn (their tables, charts and maps take the focus too)
    "/": "document.querySelector('#models table')",
    "/translate": ANSWERED,
    "/caption": "document.querySelectorAll('#samples img').length > 5 && document.querySelector('#model option')",
    "/forecast": ANSWERED,
    "/cells": "document.querySelectorAll('#maps canvas').length && document.querySelector('#gradchart svg')"
    " && !document.querySelector('#go').disabled",
    "/api": "document.querySelectorAll('#calls section').length > 5",
    "/nothing-here": "document.querySelector('main a[href=\"./\"]')",
}
# The focused element: a name, whether a focus ring or shadow is drawn, whether it is on screen.
FOCUSED = """() => { const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {name: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').trim().slice(0, 30),
          at: [Math.round(r.left), Math.round(r.top + scrollY)],
          ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
          seen: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && s.visibility === 'visible'}; }"""


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if BROWSER is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    with sync_api.sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _tab_through(page) -> list[dict]:
    """Each element Tab focuses from the top of the page, until the focus leaves the page or comes back."""
    stops: list[dict] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now is None or (stops and now["at"] == stops[0]["at"] and now["name"] == stops[0]["name"]):
            break
        stops.append(now)
    return stops


@pytest.mark.parametrize(
    ("width", "scheme"), [(1280, "light"), (390, "light"), (1280, "dark"), (390, "dark")]
)
def test_tab_reaches_every_control_in_order_with_its_focus_drawn(server, browser, width, scheme):
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        for path, drawn in DRAWN.items():
            page.goto(server + path)
            wait(page, drawn)
            stops = _tab_through(page)
            names = [s["name"] for s in stops]
            # the header first: the home link, then the pages, in the order they are shown
            assert [n.split(" ", 1)[1] for n in names[:6]] == [
                "rnnkit serve", "Translate", "Caption", "Forecast", "Inside the cells", "API",
            ], (path, names)  # fmt: skip
            assert len(stops) > 6, (path, names)  # and on into the page
            assert [s["name"] for s in stops if not (s["ring"] and s["seen"])] == [], (path, stops)
            # down the page: each stop at or below the one before (the two ends of a row aside)
            tops = [s["at"][1] for s in stops[6:]]
            assert all(b >= a - 60 for a, b in pairwise(tops)), (path, names, tops)
    finally:
        page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_box_is_a_tab_stop_only_while_it_scrolls(server, browser, width):
    """Every table's box was a named region and a Tab stop, scrolling or not: the API page's seven field
    tables were seven stops that did nothing at 1280 px. Now only a box with a hidden part is one (at
    390 px the API page's curl commands and the forecast's scores), and it is named."""
    boxes = """() => [...document.querySelectorAll('main .scroll')].map(b => ({
        cut: b.scrollWidth > b.clientWidth + 1, stop: b.getAttribute('tabindex') === '0',
        named: !!b.getAttribute('aria-label') && b.getAttribute('role') === 'region'}))"""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        seen = []
        for path in ("/api", "/forecast", "/translate"):
            page.goto(server + path)
            wait(page, DRAWN[path])
            seen += page.evaluate(boxes)
        assert any(not b["cut"] for b in seen) and (width > 400 or any(b["cut"] for b in seen)), seen
        assert all(b["stop"] == b["cut"] == b["named"] for b in seen), seen
    finally:
        page.close()


def test_the_scenes_are_one_tab_stop_whose_arrow_keys_move_among_them(server, browser):
    """Each of the 24 scenes was a Tab stop: after picking one, the keyboard went through up to 23 more
    to reach its caption. The scenes are one stop (the one picked, else the first); the arrow keys move
    as they are laid out, Home and End go to the ends, Enter picks, and Tab goes on to the caption."""
    focused = "document.activeElement.dataset.n"
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    try:
        page.goto(server + "/caption")
        wait(page, DRAWN["/caption"] + " && document.querySelectorAll('#samples img').length === 24")
        columns = page.evaluate(
            "(() => { const all = [...document.querySelectorAll('#samples img')];"
            " return all.filter(i => i.offsetTop === all[0].offsetTop).length; })()"
        )
        assert 1 < columns < 24
        page.focus("#go")
        page.keyboard.press("Tab")
        assert page.evaluate(focused) == "0"
        moves = {
            "ArrowRight": 1,
            "ArrowDown": 1 + columns,
            "ArrowLeft": columns,
            "End": 23,
            "ArrowUp": 23 - columns,
        }
        for key, scene in moves.items():
            page.keyboard.press(key)
            assert page.evaluate(focused) == str(scene), key
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        wait(page, ANSWERED)
        stops = page.evaluate("[...document.querySelectorAll('#samples img')].map(i => i.tabIndex)")
        assert stops == [0 if n == 2 else -1 for n in range(24)]
        page.keyboard.press("Tab")  # out of the scenes: the caption's first word
        assert page.evaluate("document.activeElement.closest('#words') !== null")
    finally:
        page.close()
