"""The JSON endpoints: parse and bound the request, run the adapter on the pool, answer JSON.

Every failure is one JSON line ``{"error": "..."}`` with a 4xx status (400 bad input, 404 unknown,
413 too large, 415 not JSON, 503 busy or a model that cannot be loaded, 504 too slow); an unexpected
exception is a 500 with one line naming its type, and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from rnnkit.serve import limits
from rnnkit.serve.adapt_caption import SAMPLES, CaptionAdapter, beam_range, sample_png
from rnnkit.serve.adapt_cells import CellsAdapter
from rnnkit.serve.adapt_forecast import ForecastAdapter, bundled
from rnnkit.serve.adapt_translate import TranslateAdapter
from rnnkit.serve.openapi import schema
from rnnkit.serve.pool import Busy, InferencePool, TimedOut
from rnnkit.serve.registry import ModelEntry, ModelUnavailable, pick
from rnnkit.utils import byte_order
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.schema import MAX_NUMBER_CHARS


class HTTPError(Exception):
    """An answer other than 200: status and one line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Services:
    """What the handlers share: the model table, the adapters and the pool."""

    models: dict[str, ModelEntry]
    pool: InferencePool
    translate: TranslateAdapter = field(default_factory=TranslateAdapter)
    caption: CaptionAdapter = field(default_factory=CaptionAdapter)
    forecast: ForecastAdapter = field(default_factory=ForecastAdapter)
    cells: CellsAdapter | None = None

    def __post_init__(self) -> None:
        if self.cells is None:
            explain = {}
            for entry in self.models.values():  # one trained adding-problem model per cell, if any
                if entry.application == "explain" and entry.task == "adding" and entry.cell:
                    explain.setdefault(entry.cell, entry.folder)
            self.cells = CellsAdapter(self.translate, explain)


def one_line(text: str) -> str:
    return (text.splitlines() or [""])[0][:500]


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": one_line(message)}, status_code=status)


Handler = Callable[[Request, Services], Awaitable[Response]]


def guarded(handler: Handler, services: Services) -> Callable[[Request], Awaitable[Response]]:
    """Turn every failure of ``handler`` into one JSON error line with its status."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request, services)
        except HTTPError as exc:
            return error(exc.status, str(exc))
        except RnnkitError as exc:
            return error(400, str(exc) or type(exc).__name__)
        except Busy as exc:
            return error(503, str(exc))
        except ModelUnavailable as exc:  # said in the terminal too: its folder is the operator's to fix
            named = next((m for m in services.models.values() if m.folder == exc.folder), None)
            what = f"the {named.application} model {named.id!r}" if named else "the model"
            SERVER_LOG.warning("%s (%s) cannot be loaded: %s", what, exc.folder, exc)
            return error(503, f"{what} cannot be loaded: {exc}")
        except TimedOut as exc:
            return error(504, str(exc))
        except Exception as exc:  # a bug must not take the server down; the client learns its type
            # and the terminal its trace, as uvicorn reports a failing app (the 500 said only the
            # exception's name, and nothing anywhere said where it was raised)
            SERVER_LOG.error("%s %s failed", request.method, request.url.path[:200], exc_info=exc)
            return error(500, f"internal error ({type(exc).__name__})")

    return endpoint


SERVER_LOG = logging.getLogger("uvicorn.error")  # the server's own log: rnnkit serve shows its errors


# The fields each POST endpoint reads: the properties openapi.json gives its body, and no others. Any
# other field is refused, so a typo ("beams", "n-best") is an error rather than a default silently used.
FIELDS: dict[str, tuple[str, ...]] = {
    path: tuple(op["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"])
    for path, op in schema()["paths"].items()
    if "post" in op
}


async def read_json(request: Request, path: str) -> dict:
    """The request body of the endpoint ``path`` as a JSON object of its :data:`FIELDS`, at most
    :data:`limits.MAX_BODY_BYTES`, read in pieces so an oversized body is refused without being held
    in memory; a client that sends nothing for :data:`limits.BODY_SECONDS` (a Content-Length that lies)
    gets a 408 and frees its place, while a slow but live upload is never cut off."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPError(415, _not_json(kind))
    coding = request.headers.get("content-encoding", "").strip().lower()
    if coding not in ("", "identity"):  # a gzipped body was "not UTF-8 text", a 400 of its JSON
        raise HTTPError(
            415, f"send the request body uncompressed (it came with Content-Encoding: {coding[:40]})"
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.MAX_BODY_BYTES:
        raise HTTPError(413, f"request body too large (at most {limits.MAX_BODY_BYTES} bytes)")
    body = bytearray()
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(limits.BODY_SECONDS) as silence:
            async for chunk in request.stream():
                # the time counts from the last piece: a 3 MB photo over a slow link takes more than
                # BODY_SECONDS in all, and only a client that stopped sending is answered 408
                silence.reschedule(loop.time() + limits.BODY_SECONDS)
                body.extend(chunk)
                if len(body) > limits.MAX_BODY_BYTES:
                    raise HTTPError(413, f"request body too large (at most {limits.MAX_BODY_BYTES} bytes)")
    except ClientDisconnect:
        # the client went away mid-body (a closed tab, curl stopped, a broken chunked body that uvicorn
        # has answered itself): no one reads this answer, and it is no failure of the server's, whose log
        # showed a traceback under "POST /api/... failed" for each such request
        raise HTTPError(
            400, "the request body was cut off: the connection closed before it was whole"
        ) from None
    except TimeoutError:
        raise HTTPError(
            408,
            f"the request body stopped arriving: nothing came for {limits.BODY_SECONDS:g} s (is its "
            "Content-Length right?)",
        ) from None
    return _fields(_parse(bytes(body)), path)


def _not_json(kind: str) -> str:
    """The 415 line for a body sent as ``kind``: what it came as, and for curl's ``-d`` without ``-H``
    (a form, its default) the option it lacks; "send the request body as application/json" said neither."""
    came = f"it came as {kind[:60]}" if kind else "it came with no Content-Type"
    if kind == "application/x-www-form-urlencoded":
        came += ", as curl -d sends it unless given -H 'Content-Type: application/json'"
    return f"send the request body as JSON, with the header Content-Type: application/json ({came})"


def _parse(body: bytes) -> object:
    """JSON from bytes: UTF-8 (a byte-order mark, which Windows tools write, is no error), or UTF-16 or
    UTF-32 after their mark (PowerShell's ``>`` writes UTF-16), as every other reader of rnnkit."""
    if not body.strip():
        raise HTTPError(400, "the request body is empty: send a JSON object")
    try:
        text = byte_order.decode(body)
    except UnicodeDecodeError:
        raise HTTPError(400, "the request body is not UTF-8 text (send JSON as UTF-8)") from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_int=_bounded_int)
    except ValueError:
        raise HTTPError(400, "the request body is not valid JSON") from None
    except RecursionError:  # [[[[...]]]] thousands deep: bad input, not a bug of ours
        raise HTTPError(400, "the request body is nested too deeply") from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """An object whose keys all differ. ``json.loads`` keeps the last of two equal keys, so
    ``{"text": "a", "text": "b"}`` would translate b unsaid (another client may keep the first); a
    model's config.json refuses it too (:func:`rnnkit.utils.schema.read_json`), in the same words."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            shown = repr(key) if len(key) <= 40 else repr(key[:30]) + "..."
            raise HTTPError(400, f"the request body holds the key {shown} twice in one object")
        out[key] = value
    return out


def _bounded_int(digits: str) -> int:
    """An integer of at most :data:`~rnnkit.utils.schema.MAX_NUMBER_CHARS` digits (no field takes more
    than 20): Python refuses one past 4300 digits with a ValueError, which read as 'not valid JSON'."""
    if len(digits.lstrip("-")) > MAX_NUMBER_CHARS:
        raise HTTPError(400, f"the request body holds a {len(digits.lstrip('-'))}-digit number")
    return int(digits)


def _fields(data: object, path: str) -> dict:
    if not isinstance(data, dict):
        raise HTTPError(400, "the request body must be a JSON object")
    known = FIELDS[path]
    unknown = [key for key in data if key not in known]
    if unknown:
        raise HTTPError(400, f"unknown field {unknown[0][:40]!r}; {path} takes {', '.join(known)}")
    return data


def get_int(body: dict, key: str, default: int | None, lo: int, hi: int) -> int:
    """An integer field within ``[lo, hi]`` (booleans, strings and fractions refused; ``5.0`` is 5)."""
    value = _integer(body.get(key, default))
    if value is None:
        raise HTTPError(400, f"{key} must be an integer")
    if not lo <= value <= hi:
        raise HTTPError(400, f"{key} must be between {lo} and {hi}, got {value}")
    return value


def get_index(body: dict, key: str) -> int:
    """A required integer field whose range only the computation knows (a unit of a layer, a step of
    the input); booleans, floats and integers past 64 bits refused here."""
    value = _integer(body.get(key))
    if value is None or not -(2**63) <= value < 2**63:
        raise HTTPError(400, f"{key} must be an integer")
    return value


def _integer(value: object) -> int | None:
    """``value`` as an integer, or None. A number with no fraction is one (``5.0``: JSON Schema's
    ``integer``, which openapi.json promises, and what Python's json writes for a float such as
    ``n / 2``); a boolean is not, though Python counts it an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def get_float(body: dict, key: str, default: float, lo: float, hi: float) -> float:
    """A number field within ``[lo, hi]`` (booleans and non-finite values refused)."""
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise HTTPError(400, f"{key} must be a number")
    if not lo <= value <= hi:
        raise HTTPError(400, f"{key} must be between {lo:g} and {hi:g}, got {value:g}")
    return float(value)


def get_str(body: dict, key: str, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise HTTPError(400, f"{key} must be a string")
    return value


# -- the endpoints ------------------------------------------------------------------------------------
async def health(request: Request, s: Services) -> Response:
    return JSONResponse({"status": "ok", "workers": s.pool.workers, "queue": s.pool.queue,
                         "request_seconds": s.pool.seconds})  # fmt: skip


async def models(request: Request, s: Services) -> Response:
    return JSONResponse({"models": [m.to_json() for m in s.models.values()]})


async def translate(request: Request, s: Services) -> Response:
    body = await read_json(request, "/api/translate")
    entry = pick(s.models, "translate", get_str(body, "model", required=False))
    text = get_str(body, "text")
    beam = get_int(body, "beam", 5, 1, limits.MAX_BEAM)
    n_best = get_int(body, "n_best", min(3, beam), 1, limits.MAX_N_BEST)
    return JSONResponse(await s.pool.run(s.translate.translate, entry.folder, text, beam, n_best))


async def caption(request: Request, s: Services) -> Response:
    body = await read_json(request, "/api/caption")
    entry = pick(s.models, "caption", get_str(body, "model", required=False))
    saved, most = beam_range(entry.beam)  # by default the model's saved beam, as caption describe searches
    beam = get_int(body, "beam", saved, 1, most)
    if ("image" in body) == ("sample" in body):
        raise HTTPError(400, "give either image (base64) or sample (a number)")
    if "sample" in body:
        data = sample_png(get_int(body, "sample", 0, 0, SAMPLES - 1))
    else:
        text = get_str(body, "image") or ""
        if text.startswith("data:"):
            text = text.partition(",")[2]
        text = "".join(text.split())  # base64 as the base64 command writes it: lines of 76
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise HTTPError(400, "image must be base64 (or a data: URL)") from None
    return JSONResponse(await s.pool.run(s.caption.describe, entry.folder, data, beam))


async def caption_samples(request: Request, s: Services) -> Response:
    # the upload bounds too, so the page can shrink or name a file the server would refuse before sending it
    return JSONResponse(
        {
            "count": SAMPLES,
            "url": "/api/caption/sample/{n}.png",
            "max_image_bytes": limits.MAX_IMAGE_BYTES,
            "max_image_side": limits.MAX_IMAGE_SIDE,
            # the request's bound: a picture within max_image_bytes may pass it in base64 (a third larger)
            "max_body_bytes": limits.MAX_BODY_BYTES,
        }
    )


async def caption_sample(request: Request, s: Services) -> Response:
    raw = request.path_params["n"]
    # "１" and "١" are digits to str.isdigit and int(); past 4300 digits int() refuses (a 500 and a
    # traceback in the server's log), and no sample has even 10
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise HTTPError(404, f"no sample {raw[:20]!r}; samples are 0 to {SAMPLES - 1}")
    n = int(raw)
    if not 0 <= n < SAMPLES:
        raise HTTPError(404, f"no sample {n}; samples are 0 to {SAMPLES - 1}")
    return Response(await s.pool.run(sample_png, n), media_type="image/png",
                    headers={"Cache-Control": "max-age=3600"})  # fmt: skip


async def forecast_series(request: Request, s: Services) -> Response:
    # Off the event loop: the first call imports the forecast package (about 1.5 s), which on the loop
    # held up every other request, a health check included. On a thread, not the admission-limited
    # pool: a fixed list waited there behind forecasts, and was refused as busy or as too long an input.
    series = await asyncio.to_thread(bundled)
    return JSONResponse(
        {"series": series, "max_csv_bytes": limits.MAX_BODY_BYTES}
    )  # the CSV travels in the body


async def forecast(request: Request, s: Services) -> Response:
    body = await read_json(request, "/api/forecast")
    entry = pick(s.models, "forecast", get_str(body, "model", required=False))
    name, csv = get_str(body, "series", required=False), get_str(body, "csv", required=False)
    filename = get_str(body, "filename", required=False)  # the upload's own name, for its messages
    return JSONResponse(await s.pool.run(s.forecast.run, entry.folder, name, csv, filename))


def _kind(body: dict) -> str:
    kind = get_str(body, "kind")
    if kind not in ("text", "numbers"):
        raise HTTPError(400, f"kind must be text or numbers, got {str(kind)[:20]!r}")
    return kind


async def cells(request: Request, s: Services) -> Response:
    body = await read_json(request, "/api/cells")
    kind = _kind(body)
    return JSONResponse(await s.pool.run(s.cells.states, kind, get_str(body, "input")))


async def cells_similar(request: Request, s: Services) -> Response:
    body = await read_json(request, "/api/cells/similar")
    kind = _kind(body)
    args = (
        kind,
        get_str(body, "input"),
        get_str(body, "layer"),
        get_str(body, "state"),
        # Any integer: the layer's own bounds (its units, the input's steps) are checked by the search,
        # which knows them, so unit -1 and unit 999 are told the same real range.
        get_index(body, "unit"),
        get_index(body, "start"),
        get_index(body, "end"),
        get_str(body, "mode", required=False) or "unit",
        get_float(body, "threshold", 0.5, -100.0, 100.0),
    )
    return JSONResponse(await s.pool.run(s.cells.similar, *args))


async def cells_gradient(request: Request, s: Services) -> Response:
    body = await read_json(request, "/api/cells/gradient")
    lo, hi = limits.GRADIENT_LENGTHS
    return JSONResponse(await s.pool.run(s.cells.gradient_flow, get_int(body, "length", 50, lo, hi)))


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/api/health", health),
    ("GET", "/api/models", models),
    ("POST", "/api/translate", translate),
    ("POST", "/api/caption", caption),
    ("GET", "/api/caption/samples", caption_samples),
    ("GET", "/api/caption/sample/{n}.png", caption_sample),
    ("GET", "/api/forecast/series", forecast_series),
    ("POST", "/api/forecast", forecast),
    ("POST", "/api/cells", cells),
    ("POST", "/api/cells/similar", cells_similar),
    ("POST", "/api/cells/gradient", cells_gradient),
]
# the methods the server as a whole takes (OPTIONS *, and the Allow of a CONNECT: rnnkit.serve.guard)
SERVER_METHODS = ", ".join(sorted({method for method, _, _ in ROUTES} | {"GET", "HEAD", "OPTIONS"}))
