"""What a user sees in a browser when things go wrong: the server stopped while its page is open, an
answer so slow that the user gives up on it, the browser's Back button after a result. A real uvicorn
server each, with the shipped translator."""

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


@pytest.mark.parametrize("path", ["/translate", "/cells"])
def test_back_to_a_page_shows_the_answer_to_what_its_boxes_hold(path):
    """Back to a page after its answer: the browser puts the text typed (and the choice made) back
    in its boxes, and the page answers that text, under the hint of that choice (the cells' hint
    spoke of subword pieces beside "numbers: the adding problem")."""
    typed = {"/translate": "I am hungry.", "/cells": "0.5 *0.2 0.3 *0.9"}[path]
    with serving_app(_app()) as url, browser_page(1000) as page:
        sent: list = []
        page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/cells") else None)
        page.goto(url + path)
        wait(page, ANSWERED)
        if path == "/cells":
            page.select_option("#kind", "numbers")
            wait(page, ANSWERED + " && document.querySelector('#input').value.startsWith('0.2')")
            page.fill("#input", typed)
        else:
            page.fill("#text", typed)
        page.click("#go")
        wait(page, ANSWERED)
        page.click("header nav a[href='./api']")
        page.wait_for_load_state()
        page.go_back()
        page.wait_for_load_state()
        wait(page, ANSWERED)
        if path == "/cells":
            assert page.input_value("#kind") == "numbers" and page.input_value("#input") == typed
            assert page.inner_text("#kind-hint") == "Numbers in [0, 1]; mark the two to add with *."
            assert sent[-1] == {"kind": "numbers", "input": typed}  # what the page answered after Back
        else:
            assert page.input_value("#text") == typed and page.inner_text("#translation") == "배고파요."


def test_two_tabs_at_once_each_get_their_own_answer():
    """Two tabs of one browser translate at the same moment (both held by the server, then let go):
    each shows the translation of its own sentence, never the other's."""
    app = _app()
    translator = app.state.services.translate
    real, gate = translator.translate, threading.Event()
    translator.translate = lambda folder, text, *rest: (gate.wait(timeout=60), real(folder, text, *rest))[1]
    gate.set()
    with serving_app(app) as url, browser_page(1000) as first:
        second = first.context.browser.new_page(viewport={"width": 390, "height": 844})
        for page in (first, second):
            page.goto(url + "/translate")
            wait(page, ANSWERED)
        gate.clear()
        for page, text in ((first, "The cat is sleeping."), (second, "I have two brothers.")):
            page.fill("#text", text)
            page.click("#go")
        wait(first, "document.querySelector('#go').disabled")
        wait(second, "document.querySelector('#go').disabled")
        gate.set()
        for page in (first, second):
            wait(page, ANSWERED)
        assert first.inner_text("#translation") == "고양이가 자고 있어요."
        assert second.inner_text("#translation") == "저는 형제가 두 명 있어요."


def test_back_to_the_forecast_shows_the_series_forecast(models_dir):
    """Back to the forecast page after forecasting a series other than the first showed the first again
    (the browser cannot put back a choice among options the page draws later): the page keeps what it
    answered in its history entry, and answers it again."""
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    with serving_app(create_app(discover(models_dir))) as url, browser_page(1000) as page:
        page.goto(url + "/forecast")
        wait(page, ANSWERED)
        last = page.evaluate("[...document.querySelectorAll('#series option')].map(o => o.value)")[-1]
        opened = page.input_value("#series")
        page.select_option("#series", last)
        wait(page, ANSWERED + f" && document.querySelector('#about').textContent.startsWith('{last}:')")
        page.click("header nav a[href='./api']")
        page.wait_for_load_state()
        page.go_back()
        page.wait_for_load_state()
        wait(page, ANSWERED)
        assert page.input_value("#series") == last != opened
        assert page.inner_text("#about").startswith(f"{last}:")
