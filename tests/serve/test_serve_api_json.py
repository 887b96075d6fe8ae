"""The API's JSON reading of an untrusted body: a key given twice, numbers too long to be a field's,
NaN and nesting, each refused with one JSON line and a 400 that says which, and the server still serving."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

from helpers_serve import one_line_error as _bad  # noqa: E402

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client(bare_client):
    return bare_client


def _post(client, path: str, body: bytes):
    return client.post(path, content=body, headers=JSON)


@pytest.mark.parametrize(
    ("path", "body", "key"),
    [
        ("/api/cells/gradient", b'{"length": 7, "length": 300}', "length"),
        ("/api/translate", b'{"text": "I am hungry.", "text": "Delete everything."}', "text"),
        ("/api/translate", b'{"text": "hi", "beam": 1, "beam": 9}', "beam"),
        ("/api/cells", b'{"kind": "text", "input": "x", "kind": "numbers"}', "kind"),
        ("/api/caption", b'{"sample": 0, "sample": 3}', "sample"),
        # a key unknown to the endpoint: the repetition is named, not one of the two values
        ("/api/cells/gradient", b'{"zz": 1, "zz": 2}', "zz"),
    ],
)
def test_a_key_given_twice_is_refused_naming_it(client, path, body, key):
    """QA: ``{"length": 7, "length": 300}`` was answered for length 300, the 7 dropped unsaid (Python's
    json keeps the last of two equal keys; another client, or a person reading the body, the first),
    though a model's config.json already refused the same thing."""
    message = _bad(_post(client, path, body), 400, f"the key {key!r} twice")
    assert message == f"the request body holds the key {key!r} twice in one object"


def test_a_key_given_twice_inside_a_value_is_refused_too(client):
    _bad(_post(client, "/api/cells/gradient", b'{"length": {"a": 1, "a": 2}}'), 400, "the key 'a' twice")


def test_a_long_key_given_twice_is_shown_shortened(client):
    key = "k" * 5000
    body = f'{{"{key}": 1, "{key}": 2}}'.encode()
    message = _bad(_post(client, "/api/cells/gradient", body), 400, "twice in one object")
    assert len(message) < 120 and "'" + "k" * 30 + "'..." in message


def test_keys_that_differ_only_in_case_or_place_are_not_twice(client):
    assert _post(client, "/api/cells/gradient", b'{"length": 7}').json() == {"length": 7}
    _bad(_post(client, "/api/cells/gradient", b'{"length": 7, "Length": 8}'), 400, "unknown field 'Length'")
    both = b'{"length": {"a": 1}, "x": {"a": 2}}'  # one key in each of two objects
    _bad(_post(client, "/api/cells/gradient", both), 400, "unknown field 'x'")


@pytest.mark.parametrize("digits", [41, 5000])
def test_a_number_too_long_for_any_field_says_so_not_invalid_json(client, digits):
    """QA: a 5000-digit integer is valid JSON, yet was answered 'the request body is not valid JSON'
    (Python refuses to convert past 4300 digits); a 400-digit one was echoed whole in the range error."""
    for sign in ("", "-"):
        body = b'{"length": ' + sign.encode() + b"9" * digits + b"}"
        message = _bad(_post(client, "/api/cells/gradient", body), 400, f"holds a {digits}-digit number")
        assert "not valid JSON" not in message


def test_a_long_number_within_the_bound_reaches_its_field(client):
    body = b'{"length": ' + b"9" * 40 + b"}"
    _bad(_post(client, "/api/cells/gradient", body), 400, "length must be between")
    index = b'{"kind": "numbers", "input": "1", "layer": "x", "state": "h", "unit": ' + b"9" * 30
    index += b', "start": 0, "end": 1}'
    _bad(_post(client, "/api/cells/similar", index), 400, "unit must be an integer")  # past 64 bits


def test_nan_infinity_and_deep_nesting_are_still_refused(client):
    for number in (b"NaN", b"Infinity", b"-Infinity", b"1e400"):
        _bad(_post(client, "/api/cells/gradient", b'{"length": ' + number + b"}"), 400, "length must be")
    _bad(_post(client, "/api/cells/gradient", b"[" * 50_000 + b"]" * 50_000), 400, "nested too deeply")
    nested = b'{"length": ' + b"[" * 500 + b"]" * 500 + b"}"
    _bad(_post(client, "/api/cells/gradient", nested), 400, "length must be an integer")
    assert client.get("/api/health").status_code == 200  # still serving
