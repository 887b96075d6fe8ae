"""The static folder's files are sent whole, whatever Range asks (:class:`rnnkit.serve.app.WholeFiles`)."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

from rnnkit.serve.app import STATIC  # noqa: E402


@pytest.mark.parametrize(
    "asked",
    ["bytes=abc", "bytes=5-2", "items=0-2", "bytes=99999999-", "bytes=0-9", "bytes=0-1,4-5"],
)
def test_a_range_is_ignored_and_the_whole_file_sent(bare_client, asked):
    """Starlette answered a malformed Range (bytes=abc, bytes=5-2; items=0-2, whose unit RFC 9110 14.2
    says MUST be ignored) with a plain-text 400, and one past the end with an empty plain-text 416,
    where every other failure of the server is one JSON line."""
    whole = (STATIC / "app.css").read_bytes()
    for method in ("GET", "HEAD"):
        answer = bare_client.request(method, "/static/app.css", headers={"Range": asked})
        assert answer.status_code == 200, (method, answer.status_code, answer.text)
        assert answer.headers["accept-ranges"] == "none" and "content-range" not in answer.headers
        assert answer.headers["content-length"] == str(len(whole))
        assert answer.content == (whole if method == "GET" else b"")


def test_a_file_unchanged_since_the_browser_read_it_is_still_a_304(bare_client):
    first = bare_client.get("/static/app.css")
    again = bare_client.get("/static/app.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.headers["accept-ranges"] == "none"
