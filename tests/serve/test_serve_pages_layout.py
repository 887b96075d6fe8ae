"""Where the pages' parts sit, measured in a real browser at desktop and phone widths."""

from __future__ import annotations

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
