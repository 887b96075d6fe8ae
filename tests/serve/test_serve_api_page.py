"""The API page (``/api``): /openapi.json in words, with a curl command per call that works.

The navigation's "API" link opened the raw JSON document; it now opens a page written from it. Each
POST call's example (``requestBody.content["application/json"].example``) is what the page's curl
command sends, so each must be answered with a 200.
"""

from __future__ import annotations

import pytest

from rnnkit.serve.openapi import schema


def _posts():
    for path, methods in schema()["paths"].items():
        for method, op in methods.items():
            if method == "post":
                yield path, op["requestBody"]["content"]["application/json"]


@pytest.mark.parametrize("path", [p for p, _ in _posts()])
def test_every_example_of_the_document_is_answered_with_a_200(client, path):
    body = dict(_posts())[path]
    assert set(body["example"]) <= set(body["schema"]["properties"])
    assert set(body["schema"]["required"]) <= set(body["example"])
    r = client.post(path, json=body["example"])
    assert r.status_code == 200, r.text


def test_the_api_link_opens_a_page_not_the_raw_document(client):
    home = client.get("/").text
    assert '<a href="./api">API</a>' in home and 'href="openapi.json"' not in home
    page = client.get("/api")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="./static/api.js" defer></script>' in page.text
    assert (
        '<a href="openapi.json">openapi.json</a>' in page.text
    )  # the machine-readable document, one click on
