"""What a user sees in a browser when things go wrong: the server stopped while its page is open, and an
answer so slow that the user gives up on it. A real uvicorn server each, with the shipped translator."""

from __future__ import annotations

import threading

import pytest
from helpers_serve import browser_page, serving_app, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")

ANSWERED = "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled"


def _app(seconds: float = 30.0):
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    return create_app(discover(None), seconds=seconds)


def test_a_stopped_server_is_said_plainly_and_the_button_works_again():
    """With the server stopped (Ctrl+C in its terminal) Translate said "the server did not answer (is
    rnnkit serve still running? start it again and reload the page)": a question, and a reload that
    was not needed. The line under the button says what happened and what to press; once the server
    runs again on its port, that button translates, with nothing reloaded."""
    app = _app()
    with browser_page(390, 844) as page:
        with serving_app(app) as url:
            page.goto(url + "/translate")
            wait(page, ANSWERED)
        page.fill("#text", "The weather is nice today.")
        page.click("#go")
        wait(page, "document.querySelector('#error').textContent")
        assert page.inner_text("#error") == (
            "Error: the server is not answering: rnnkit serve was stopped, or this page cannot reach it. "
            "Start it again (rnnkit serve), then press “Translate” again."
        )
        assert page.is_enabled("#go") and page.inner_text(".working") == ""
        port = int(url.rsplit(":", 1)[1])
        with serving_app(_app(), port=port):
            page.click("#go")
            wait(page, ANSWERED)
            assert (
                page.inner_text("#error") == "" and page.inner_text("#translation") == "오늘 날씨가 좋아요."
            )


def test_a_slow_answer_can_be_cancelled_and_another_sent():
    """A translation held by the server (a slow model) kept the button disabled until the server's
    deadline, and a user who saw it coming to the wrong sentence could only wait. With "still working…"
    comes Cancel: it gives the button back at once, its request is not sent again and its answer, when
    it comes, is never shown."""
    app = _app()
    translator = app.state.services.translate
    real, gate, asked = translator.translate, threading.Event(), []

    def held(folder, text, *rest):  # the model call of each request, held until the gate opens
        asked.append(text)
        gate.wait(timeout=60)
        return real(folder, text, *rest)

    translator.translate = held
    with serving_app(app) as url, browser_page(1280) as page:
        page.goto(url + "/translate")
        gate.set()
        wait(page, ANSWERED)
        gate.clear()
        page.fill("#text", "Where is the station?")
        page.click("#go")
        wait(page, "document.querySelector('.working').textContent.startsWith('still working')", timeout=20)
        assert page.is_disabled("#go") and page.is_visible("button.cancel")
        page.press("#text", "Enter")  # no second copy while the first runs
        page.click("button.cancel")
        assert page.inner_text(".working") == "cancelled" and not page.is_visible("button.cancel")
        assert page.is_enabled("#go") and page.evaluate("document.activeElement.id") == "go"
        page.fill("#text", "I like coffee.")
        gate.set()  # the cancelled answer comes now; only the new one is shown
        page.click("#go")
        wait(
            page,
            ANSWERED + " && document.querySelector('#translation').textContent === '저는 커피를 좋아해요.'",
        )
        assert asked[1:] == ["Where is the station?", "I like coffee."]
        assert page.inner_text("#error") == ""
