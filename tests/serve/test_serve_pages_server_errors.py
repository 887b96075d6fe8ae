"""A bug in the server (an exception no check foresaw): the request gets a 500 of one JSON line, the
server's terminal gets the trace, and the page says in plain words what happened and what to try."""

from __future__ import annotations

import logging

import pytest
from helpers_serve import browser_page, one_line_error, serving_app, wait

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")


@pytest.fixture
def broken_app():
    """A fresh app (a client's lifespan closes its pool) without trained models whose cells view raises a ZeroDivisionError (a bug)."""
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    app = create_app(discover(None))
    app.state.services.cells.states = lambda kind, text: 1 / 0
    return app


def test_a_bug_is_traced_in_the_servers_log(broken_app, caplog):
    """The 500 named the exception's type and nothing anywhere said where it was raised."""
    from starlette.testclient import TestClient

    with (
        TestClient(broken_app, base_url="http://127.0.0.1:8000") as client,
        caplog.at_level(logging.ERROR, logger="uvicorn.error"),
    ):
        r = client.post("/api/cells", json={"kind": "text", "input": "x"})
    assert one_line_error(r, 500) == "internal error (ZeroDivisionError)"
    (record,) = [r for r in caplog.records if r.name == "uvicorn.error"]
    assert record.getMessage() == "POST /api/cells failed"
    assert record.exc_info[0] is ZeroDivisionError and "1 / 0" in caplog.text  # the line that raised


def test_the_page_says_a_bug_is_the_servers_and_where_to_look(broken_app):
    """The page said 'Error: internal error (ZeroDivisionError)' beside the button, as if the input
    were at fault, and not where the details were."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    with serving_app(broken_app) as url, browser_page(1000) as page:
        page.goto(url + "/cells")
        wait(page, "document.querySelector('#error').textContent !== ''")
        assert page.text_content("#error") == (
            "Error: rnnkit serve hit a bug on this request (internal error (ZeroDivisionError)); the terminal "
            "it runs in shows the details. Another input may work."
        )
        assert page.is_hidden("#result")
