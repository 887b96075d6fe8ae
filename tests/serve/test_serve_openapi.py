"""openapi.json (and the API page, which lists its errors under each call) names the errors each call
can really give (:mod:`rnnkit.serve.openapi`)."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")


def test_a_get_lists_no_body_or_model_errors_and_a_post_no_404(bare_client):
    """Every GET listed 413 body too large, 415 not JSON and 503 'a model that cannot be loaded' (the API
    page showed them under GET /api/health), and every call a 404 'unknown' that only a sample's number
    gives: a GET's body is never read, and an unknown model is a 400."""
    paths = bare_client.get("/openapi.json").json()["paths"]
    for path, ops in paths.items():
        for method, op in ops.items():
            codes = set(op["responses"])
            if method == "post":
                assert codes == {"200", "400", "403", "408", "413", "415", "503", "504"}, (path, codes)
            elif "{n}" in path:
                assert codes == {"200", "400", "404", "503", "504"}, (path, codes)
            else:
                assert codes == {"200", "400", "503"}, (path, codes)
                assert "model" not in op["responses"]["503"]["description"], path
    # what the list says: a GET's body is not read, however large or whatever its type; a sample past
    # the last is the 404 named
    big = bare_client.get("/api/health", headers={"Content-Type": "text/plain", "Content-Length": "20000000"})
    assert big.status_code == 200, big.text
    missing = paths["/api/caption/sample/{n}.png"]["get"]["responses"]["404"]["description"]
    assert missing == "no such sample: n is 0 to 23"
    answer = bare_client.get("/api/caption/sample/24.png")
    assert answer.status_code == 404 and "samples are 0 to 23" in answer.json()["error"]
    post = bare_client.post("/api/translate", json={"text": "a", "model": "nope"})
    assert post.status_code == 400 and "unknown translate model" in post.json()["error"], post.text


def test_every_field_of_a_forecast_says_what_it_takes(bare_client):
    """The API page showed series and csv as 'string' alone: which names, what text, and that one of
    the two is needed (the server answers 'give either a bundled series name or a CSV text')."""
    body = bare_client.get("/openapi.json").json()["paths"]["/api/forecast"]["post"]["requestBody"]
    fields = body["content"]["application/json"]["schema"]["properties"]
    assert "GET /api/forecast/series" in fields["series"]["description"]
    assert "give it or series" in fields["csv"]["description"] and "CSV" in fields["csv"]["description"]


def test_the_forecast_answer_has_exactly_the_fields_openapi_describes(client):
    """openapi.json's /api/forecast answer was a line of field names that missed ``beaten_by`` and
    ``blend`` (added with 9265f754) and eight more; it now describes each field, and a real answer has
    every field it says is always there and no field it does not describe."""
    doc = client.get("/openapi.json").json()
    answer = doc["paths"]["/api/forecast"]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    got = client.post("/api/forecast", json={"series": "ibm"}).json()
    assert {"beaten_by", "blend"} <= set(answer["required"])
    assert set(answer["required"]) <= set(got), set(answer["required"]) - set(got)
    assert set(got) <= set(answer["properties"]), set(got) - set(answer["properties"])
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(got, answer)  # and each field is of the type said
