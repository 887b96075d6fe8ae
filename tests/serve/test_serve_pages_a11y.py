"""The pages' markup as assistive technology reads it (found with axe-core and a screen reader's view
of each page; CI runs no axe: these pin what was fixed). The parts the scripts draw are checked in a
real browser in test_serve_browser.py."""

from __future__ import annotations

from itertools import pairwise

import pytest
from helpers_serve import Tags

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

PATHS = ("/", "/translate", "/caption", "/forecast", "/cells")


def _page(client, path: str) -> Tags:
    return Tags(client.get(path).text)


def test_every_error_line_is_announced(client):
    """An error appeared in red beside the button and a screen reader said nothing: every error line is
    an alert, read out the moment its text is set."""
    seen = 0
    for path in PATHS:
        for _, attrs in _page(client, path).tags:
            if "error" in (attrs.get("class") or "").split():
                assert attrs.get("role") == "alert", (path, attrs)
                seen += 1
    assert seen == 6  # translate, caption, forecast, and the cells' three forms


def test_the_answer_of_each_page_is_read_out_when_it_arrives(client):
    assert _page(client, "/translate").by_id("translation").get("aria-live") == "polite"
    assert _page(client, "/caption").by_id("caption").get("aria-live") == "polite"
    assert _page(client, "/forecast").by_id("verdict").get("aria-live") == "polite"


def test_the_korean_translation_says_it_is_korean(client):
    """The pages are lang="en"; the translation is Korean, read with a Korean voice only when marked."""
    assert _page(client, "/translate").by_id("translation").get("lang") == "ko"


def test_the_beam_tree_box_is_reached_by_the_keyboard(client):
    """axe at 390 px: 'Scrollable region must have keyboard access' (the tree scrolls in its box)."""
    tree = _page(client, "/translate").by_id("tree")
    assert tree.get("tabindex") == "0" and tree.get("role") == "region"
    assert tree.get("aria-label") == "beam search tree: the arrow keys read its nodes"


@pytest.mark.parametrize("path", PATHS)
def test_headings_go_down_one_level_at_a_time(client, path):
    """axe on /cells: 'Heading levels should only increase by one' (the maps' h3 titles came right
    after the h1: the card holding them had no h2)."""
    levels = [int(tag[1]) for tag, _ in _page(client, path).tags if tag in {"h1", "h2", "h3", "h4"}]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    if path == "/cells":
        # the maps' h3 titles are drawn into #maps, after the card's h2
        page = client.get(path).text
        assert page.index("<h2>States and gates over time</h2>") < page.index('id="maps"')


def test_focus_rings_show_on_the_white_cards(client):
    """The scenes' and maps' focus ring was #e0a000: 2.3:1 on the white card, under the 3:1 a focus
    indicator needs; the boxes that scroll show one too."""
    css = client.get("/static/app.css").text
    assert "#e0a000; outline-offset" not in css
    assert ".samples img:focus-visible, .chart canvas:focus-visible { outline: 3px solid #b06a00" in css
    assert ".scroll:focus-visible, .tree:focus-visible { outline: 3px solid" in css


@pytest.mark.parametrize("path", PATHS)
def test_every_page_says_it_is_drawn_for_light_only(client, path):
    """A browser's automatic dark mode darkened the page behind the charts' dark labels; the pages opt out."""
    metas = [a for tag, a in _page(client, path).tags if tag == "meta" and a.get("name") == "color-scheme"]
    assert metas == [{"name": "color-scheme", "content": "only light"}]


def test_the_caption_picture_is_an_image_to_a_screen_reader(client):
    """axe-like scan of /caption: the attention picture (a canvas) was no element at all to a screen
    reader; it is an image, named, and described by the line under it (the word and its peak)."""
    photo = _page(client, "/caption").by_id("photo")
    assert photo.get("role") == "img" and photo.get("aria-describedby") == "which"
    assert photo.get("aria-label", "").startswith("the picture as the model sees it, dimmed where")
