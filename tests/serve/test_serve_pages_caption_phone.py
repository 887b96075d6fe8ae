"""The caption page on a phone: the 24 scenes fill the screen and the answer comes under them, so the
caption of a scene picked in their last rows waited below the fold, and the tap seemed to do nothing."""

from __future__ import annotations

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")

SEEN = (
    "() => { const r = document.querySelector('#caption').getBoundingClientRect();"
    " return {top: r.top, bottom: r.bottom, inner: window.innerHeight, scrolled: window.scrollY}; }"
)


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


def _pick_last_row(page, server) -> None:
    page.goto(server + "/caption")
    wait(page, "document.querySelectorAll('#samples img').length === 24")
    page.click("#samples img >> nth=20")  # Playwright scrolls it into view first, as a thumb would
    wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")


def test_a_scene_picked_on_a_phone_shows_its_caption(server):
    with browser_page(390, 844) as page:
        _pick_last_row(page, server)
        seen = page.evaluate(SEEN)
        assert seen["top"] >= 0 and seen["bottom"] <= seen["inner"], seen
        picked = page.locator("#samples img >> nth=20").bounding_box()
        assert picked["y"] + picked["height"] > 0, picked  # brought up just enough: the scene stays in view


def test_a_caption_already_in_view_is_not_scrolled_to(server):
    with browser_page(1280, 1000) as page:
        _pick_last_row(page, server)
        seen = page.evaluate(SEEN)
        assert seen["bottom"] <= seen["inner"] and seen["scrolled"] == 0, seen
