"""The caption page's per-word attention maps, as a screen reader meets them: each map is a picture
whose text alternative says where its word looked, from the map's own weights (only the figure's
caption, the word, was said)."""

from __future__ import annotations

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


def _maps(side: int) -> list[list[list[float]]]:
    """Three maps of ``side`` x ``side`` (row 0 at the top): all of the weight on the upper left cell;
    60% on the lower right cell and 40% on the upper right; the same weight everywhere."""
    zeros = [[0.0] * side for _ in range(side)]
    first = [row[:] for row in zeros]
    first[0][0] = 1.0
    second = [row[:] for row in zeros]
    second[-1][-1], second[0][-1] = 0.6, 0.4
    even = [[1 / side**2] * side for _ in range(side)]
    return [first, second, even]


def test_each_words_map_says_where_the_word_looked(server):
    def answer(route):  # the model's real answer, its words and maps replaced by known ones
        response = route.fetch()
        body = response.json()
        side = len(body["attention"][0])
        body.update(caption="red circle big", words=["red", "circle", "big"], attention=_maps(side))
        route.fulfill(response=response, json=body)

    with browser_page(1000) as page:
        page.route("**/api/caption", answer)
        page.goto(server + "/caption")
        wait(
            page,
            "document.querySelectorAll('#samples img').length && document.querySelector('#model option')",
        )
        page.click("#samples img >> nth=0")
        wait(
            page,
            "document.querySelectorAll('#maps canvas').length === 3 && !document.querySelector('#go').disabled",
        )
        page.click("#words button >> nth=1")  # the big picture's line says it too
        assert page.inner_text("#which").startswith(
            '"circle": looked mostly at the lower right (60% of its attention); the brightest region got'
        )
        said = page.evaluate(
            "[...document.querySelectorAll('#maps canvas')].map(c => [c.getAttribute('role'), c.getAttribute('aria-label')])"
        )
    assert said == [
        ["img", "'red': looked mostly at the upper left (100% of its attention)"],
        ["img", "'circle': looked mostly at the lower right (60% of its attention)"],
        ["img", "'big': looked all over the picture, no part much more than another"],
    ]
