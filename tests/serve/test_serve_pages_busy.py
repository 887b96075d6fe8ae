"""A page while its answer is computed: the button is disabled and says it is working, and nothing the
user does with the keyboard sends the same request again (the server's workers computed every copy)."""

from __future__ import annotations

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


def test_enter_while_translating_sends_the_sentence_once(server):
    with browser_page(1000) as page:
        page.goto(server + "/translate")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        held = []  # the requests, answered only when the test lets them go: a slow server
        page.route("**/api/translate", lambda route: held.append(route))
        page.press("#text", "Enter")
        wait(page, "document.querySelector('#go').disabled")
        page.press("#text", "Enter")
        page.press("#text", "Enter")
        wait(page, "document.querySelector('.working').textContent === 'working…'")  # 0.3 s later
        assert len(held) == 1  # each Enter sent the sentence again
        held[0].continue_()
        wait(page, "!document.querySelector('#go').disabled")
        page.press("#text", "Enter")  # answered: Enter translates again
        wait(page, "document.querySelector('#go').disabled")
        assert len(held) == 2
        held[1].continue_()
        wait(page, "!document.querySelector('#go').disabled")
