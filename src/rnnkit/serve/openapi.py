"""The OpenAPI 3.1 description of the JSON API, written by hand (Starlette has no generator).

``tests/serve/test_serve_api.py`` checks that every route of :data:`rnnkit.serve.api.ROUTES` is
described here and nothing else is.
"""

from __future__ import annotations

from rnnkit.serve import limits
from rnnkit.serve.adapt_caption import SAMPLES
from rnnkit.utils.wording import plural

ERROR = {"$ref": "#/components/schemas/Error"}
MODEL = {"type": "string", "description": "a model id from GET /api/models; default: the first of its kind"}


def _body(properties: dict, required: list[str], example: dict) -> dict:
    """A JSON request body of ``properties``, with an ``example`` that the server answers with a 200
    (tests/serve checks each; the API page's curl commands send them)."""
    # any other field is refused (rnnkit.serve.api.FIELDS): a typo is an error, not a default used
    schema = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    return {"required": True, "content": {"application/json": {"schema": schema, "example": example}}}


# The refusals any request may get, before its route: a foreign Host name (rnnkit.serve.guard) and a
# server at its bound of requests in progress (rnnkit.serve.app.InFlightLimit).
HOST = "a Host name this server does not answer to"
BUSY = "busy: too many requests at once"


def _answers(ok: str, kind: str, errors: dict[str, str], fields: dict | None = None) -> dict:
    """The 200 of ``kind`` and the ``errors`` (code: what), each one JSON line, in the order of their codes.
    ``fields``: the answer's properties, each always there but those of ``OPTIONAL`` (tests/serve checks a
    real answer has these and no others)."""
    answer: dict = {"type": "object"} if "json" in kind else {}
    if fields:
        answer["properties"] = fields
        answer["required"] = [k for k in fields if k not in OPTIONAL]
    out = {"200": {"description": ok, "content": {kind: {"schema": answer}}}}
    for code, text in sorted(errors.items()):
        out[code] = {"description": text, "content": {"application/json": {"schema": ERROR}}}
    return out


def _get(
    summary: str,
    ok: str,
    kind: str = "application/json",
    params: list | None = None,
    missing: str | None = None,
) -> dict:
    """A GET: it has no body to be too large or not JSON, and names no model (the API page listed a 413,
    a 415 and a model that cannot be loaded under GET /api/health). One with a path parameter
    (``params``) answers ``missing``, a 404, to one out of its range; it is computed in the inference
    pool, which may be too slow."""
    errors = {"400": HOST, "503": BUSY}
    if missing:
        errors |= {"404": missing, "504": "too slow"}
    op = {"summary": summary, "responses": _answers(ok, kind, errors)}
    if params:
        op["parameters"] = params
    return {"get": op}


def _post(summary: str, body: dict, ok: str, fields: dict | None = None) -> dict:
    """A POST of a JSON ``body``: an unknown model or a field out of its range is a 400 (never a 404).
    ``fields``: the answer's, where they are described one by one."""
    errors = {
        "400": f"bad input (an unknown field or model too), or {HOST}",
        # rnnkit.serve.guard: work is asked for by this server's own pages only
        "403": "another origin's request (Origin or Sec-Fetch-Site)",
        "408": f"the body stopped arriving: nothing for {limits.BODY_SECONDS:g} s (a Content-Length larger than the "
        "body sent)",
        "413": "body too large",
        "415": "not JSON",
        "503": f"{BUSY}, or a model that cannot be loaded",
        "504": "too slow",
    }
    return {
        "post": {
            "summary": summary,
            "requestBody": body,
            "responses": _answers(ok, "application/json", errors, fields),
        }
    }


KIND = {"type": "string", "enum": ["text", "numbers"]}


def _of(kind: str | list, description: str, **more) -> dict:
    return {"type": kind, "description": description, **more}


NUMBER = ["number", "null"]  # a value that is not finite is null (JSON has no NaN)
NUMBERS = {"type": "array", "items": {"type": NUMBER}}
TEXTS = {"type": "array", "items": {"type": "string"}}
CHARTED = f"the last {limits.MAX_CHART_POINTS} test samples at most, as dates"

# POST /api/forecast's answer (rnnkit.serve.adapt_forecast.ForecastAdapter.run), field by field
FORECAST = {
    "series": _of("string", "the series' name: a bundled one, or the uploaded file's"),
    "notes": {**TEXTS, "description": "how the data was read (a separator, filled gaps)"},
    "warnings": {**TEXTS, "description": "what may be read wrong (dates that read two ways, test rows the "
                 "model was trained on)"},
    "target": _of("string", "the column forecast"),
    "rows": _of("integer", "rows of the series"),
    "test_samples": _of("integer", "windows scored: the model's own test split of the series"),
    "horizon": _of("integer", "steps ahead the model forecasts; the scores are of the last"),
    "window": _of("integer", "past steps the model reads"),
    "cell": _of("string", "the model's recurrent cell"),
    "dates": {**TEXTS, "description": f"ISO dates of the charted samples ({CHARTED})"},
    "actual": {**NUMBERS, "description": "the true values at dates"},
    "levels": {"type": "array", "items": {"type": "number"}, "description": "the model's quantile levels"},
    "quantiles": {"type": "array", "items": NUMBERS, "description": "per date, the model's forecast at each level"},
    "model": {**NUMBERS, "description": "the model's point forecast at dates"},
    "naive": {**NUMBERS, "description": "the naive forecast (the last value seen) at dates"},
    "ar": {**NUMBERS, "description": "the linear AR's forecast at dates"},
    "seasonal_naive": {**NUMBERS, "description": "the seasonal naive forecast at dates, only for a series "
                       "with a season"},
    "metrics": _of("object", "forecaster (model, naive, linear AR, seasonal naive) -> metric -> value",
                   additionalProperties={"type": "object", "additionalProperties": {"type": NUMBER}}),
    "coverage": _of(["string", "null"], "forecast eval's interval line: how often the model's interval held "
                    "the actual; null without one"),
    "blend": _of(["string", "null"], "forecast eval's linear blend line, naming the data the blend was chosen "
                 "on (not this series), for a model that blends its forecast with the AR's; else null"),
    "verdict": _of("string", "forecast eval's verdict, in words"),
    "beats_naive": _of("boolean", "whether the model beats the naive forecast"),
    "ties_naive": _of("boolean", "a difference the verdict rounds to 0.0%: neither a win nor a loss"),
    "beaten_by": {**TEXTS, "description": "the baselines beside naive that beat the model (linear AR, "
                  "seasonal naive), as the verdict says; [] when none"},
    "next": _of("object", "the forecast past the series' end: last_date, last, dates, point, quantiles, and "
                "lines (forecast predict's words)"),
}  # fmt: skip
OPTIONAL = {"seasonal_naive"}  # fields of an answer that are not always there


def schema(
    workers: int = limits.WORKERS, queue: int = limits.QUEUE, seconds: float = limits.REQUEST_SECONDS
) -> dict:
    """The whole document, with the pool's bounds of the running server (``rnnkit serve --workers``)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "rnnkit serve",
            "version": "0.1.0",
            "description": f"Local web app over rnnkit's models. Bodies at most {limits.MAX_BODY_BYTES} bytes; "
            f"{plural(workers, 'request')} computed at once, {queue} waiting; {seconds:g} s each.",
        },
        "paths": {
            "/api/health": _get("Liveness and the pool's bounds", "status"),
            "/api/models": _get(
                "The models the server can use",
                "id, application, summary of each; trained_on: a forecast model's training data; "
                "reads_scenes: whether a caption model's words are the generated scenes'; beam: the beam a "
                "caption model was saved with (rnnkit caption describe's, and /api/caption's default)",
            ),
            "/api/translate": _post(
                "Translate one text: n-best alternatives with scores, attention matrix, beam search tree",
                _body(
                    {
                        "text": {"type": "string", "maxLength": limits.MAX_TEXT_CHARS},
                        "model": MODEL,
                        "beam": {"type": "integer", "minimum": 1, "maximum": limits.MAX_BEAM, "default": 5},
                        "n_best": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": limits.MAX_N_BEST,
                            "default": 3,
                        },
                    },
                    ["text"],
                    {"text": "I am a student."},
                ),
                "translation, score, alternatives, read_as (the text as the model read it, when that differs: "
                "sentence case and a final stop for casual English, digits spelled out for a model that reads "
                "numbers as words; else null), numbers_missing (typed numbers of an English "
                "source the Korean translation does not say; null when not checked), numbers_copied (years, phone "
                "numbers and codes copied from the source over other digits the model wrote; null when none), names_carried "
                "(names the model never learned, read as names of its corpus, as read_as shows, and put back in the "
                "translation; null when none), decoded (false for a "
                "text of no letters or digits, given back as typed, with null score, attention and beam_tree), unreadable "
                "(most of the text is unknown to the model: the translation is a guess), notes (what the model cannot "
                "read, in rnnkit translate text's words: another language or script, markup, addresses, emoji; "
                "[] when none), src_pieces, tgt_pieces, attention (T_out x S_in), "
                "beam_tree (nodes: id, step, parent, piece, score, status kept/finished/pruned; best_path ids), "
                "cli_note (for a model saved with minimum-Bayes-risk decoding: rnnkit translate text may print "
                "another translation, as it chooses by MBR where this call gives the beam's best; else null)",
            ),  # fmt: skip
            "/api/caption": _post(
                "Caption one image (base64 or a generated sample): attention per word, familiarity",
                _body(
                    {
                        "image": {"type": "string", "description": "base64 or a data: URL"},
                        "sample": {"type": "integer", "minimum": 0},
                        "model": MODEL,
                        "beam": {
                            "type": "integer",
                            "minimum": 1,
                            "description": f"at most {limits.MAX_BEAM}, or the model's saved beam where it is "
                            "larger; default: the model's saved beam (its beam in GET /api/models), the one "
                            "rnnkit caption describe searches with",
                        },
                    },
                    [],
                    {"sample": 0},
                ),
                "caption, words, attention (steps x side x side), alternatives, ood_score, image",
            ),  # fmt: skip
            "/api/caption/samples": _get(
                "How many generated scenes there are",
                "count, url pattern, max_image_bytes and max_image_side (the upload bounds), max_body_bytes "
                "(the request's bound, which an image within them may pass in base64)",
            ),
            "/api/caption/sample/{n}.png": _get(
                "A generated scene",
                "PNG image",
                "image/png",
                [
                    {
                        "name": "n",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": SAMPLES - 1},
                    }
                ],
                missing=f"no such sample: n is 0 to {SAMPLES - 1}",
            ),  # fmt: skip
            "/api/forecast/series": _get(
                "The bundled series", "name and description of each; max_csv_bytes (the upload bound)"
            ),
            "/api/forecast": _post(
                "Score a forecaster beside naive and AR on the last rows of a series (the model's own test split); forecast past its end",
                _body(
                    {
                        "series": {
                            "type": "string",
                            "description": "a bundled series' name from GET /api/forecast/series; give it or csv",
                        },
                        "csv": {
                            "type": "string",
                            "description": "the text of a CSV file (a date column and the value), read as rnnkit "
                            "forecast eval reads one; give it or series",
                        },
                        "model": MODEL,
                        "filename": {
                            "type": "string",
                            "description": "the CSV's own name, for the answer's words",
                        },
                    },
                    [],
                    {"series": "ibm"},
                ),  # fmt: skip
                "the scores of the model and the baselines on the series' test split, the charted forecasts "
                "and the forecast past its end",
                FORECAST,
            ),
            "/api/cells": _post(
                "h, c and every gate per unit over time for RNN, LSTM, GRU",
                _body(
                    {"kind": KIND, "input": {"type": "string"}},
                    ["kind", "input"],
                    {"kind": "text", "input": "The cat sat on the mat."},
                ),
                "tokens and, per layer, states name -> units x steps",
            ),
            "/api/cells/similar": _post(
                "Spans of a small data set where a unit follows the selected pattern (LSTMVis)",
                _body(
                    {
                        "kind": KIND,
                        "input": {"type": "string"},
                        "layer": {"type": "string"},
                        "state": {"type": "string"},
                        "unit": {"type": "integer"},
                        "start": {"type": "integer"},
                        "end": {"type": "integer"},
                        "mode": {"type": "string", "enum": ["unit", "units"], "default": "unit"},
                        "threshold": {"type": "number", "default": 0.5},
                    },
                    ["kind", "input", "layer", "state", "unit", "start", "end"],
                    {
                        "kind": "numbers",
                        "input": "0.1 *0.9 0.2 0.3 *0.4",
                        "layer": "lstm",
                        "state": "c",
                        "unit": 0,
                        "start": 1,
                        "end": 3,
                    },
                ),
                "pattern and the closest spans",
            ),  # fmt: skip
            "/api/cells/gradient": _post(
                "|dL/dx_t| over t for the three cells on the adding problem",
                _body(
                    {
                        "length": {
                            "type": "integer",
                            "minimum": limits.GRADIENT_LENGTHS[0],
                            "maximum": limits.GRADIENT_LENGTHS[1],
                            "default": 50,
                        }
                    },
                    [],
                    {"length": 50},
                ),
                "norms per cell",
            ),  # fmt: skip
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}},
                    "required": ["error"],
                }
            }
        },
    }
