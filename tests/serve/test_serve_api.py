"""The JSON API through Starlette's TestClient: every endpoint, every bad input, path traversal, the
pool's limits, and the answers checked against the equations and the applications themselves."""

from __future__ import annotations

import base64
import io
import itertools
import json
import time

import numpy as np
import pytest
import torch

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

from helpers_serve import one_line_error as _bad  # noqa: E402

from rnnkit.serve import limits  # noqa: E402
from rnnkit.serve.api import ROUTES  # noqa: E402


def _png(width: int, height: int, colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


# -- discovery, health, schema --------------------------------------------------------------------------
def test_health_models_and_openapi_cover_every_route(client, models_dir):
    health = client.get("/api/health").json()
    assert health == {
        "status": "ok",
        "workers": limits.WORKERS,
        "queue": limits.QUEUE,
        "request_seconds": 120.0,
    }
    found = client.get("/api/models")
    assert {(m["id"], m["application"]) for m in found.json()["models"]} == {
        ("shipped", "translate"), ("caption", "caption"), ("forecast", "forecast")
    }  # fmt: skip
    assert str(models_dir) not in found.text  # ids are relative keys, never paths
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {path for _, path, _ in ROUTES}
    for method, path, _ in ROUTES:
        assert method.lower() in doc["paths"][path]


def test_pages_and_static_files_are_served_with_a_strict_policy(client):
    for path in ("/", "/translate", "/caption", "/forecast", "/cells"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "http://" not in r.text and "https://" not in r.text  # no CDN, nothing off this server
    assert client.get("/static/rk.js").status_code == 200
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")


def test_every_page_is_the_shared_layout_around_its_own_main(client):
    """One head and navigation for all pages (pages/_layout.html), each page's title, script and main."""
    from rnnkit.serve.app import PAGES

    for path, (name, title) in PAGES.items():
        text = client.get(path).text
        assert text.startswith("<!doctype html>") and text.rstrip().endswith("</html>")
        assert f"<title>{title} · rnnkit serve</title>" in text
        assert f'<script src="./static/{name}.js" defer></script>' in text
        assert text.count("<nav>") == 1 and text.count("<main>") == 1 and "$" not in text.split("<main>")[0]
        assert client.get(f"/static/{name}.js").status_code == 200
    assert client.get("/static/translate.html").status_code == 404  # fragments are not served raw


@pytest.mark.parametrize(
    "path",
    [
        "/static/%2e%2e/app.py",
        "/static/%2e%2e/%2e%2e/cli.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e%2fapi.py",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/..%5capp.py",
        "/api/caption/sample/..%2f..%2fapp.py.png",
    ],
)
def test_no_file_outside_the_static_folder_is_served(client, path):
    r = client.get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "import" not in r.text and "root:" not in r.text


@pytest.mark.parametrize(
    "key", ["../forecast", "caption/../../etc", "/etc/passwd", "forecast/config.json", "."]
)
def test_a_model_is_named_by_its_key_never_by_a_path(client, key):
    _bad(client.post("/api/forecast", json={"series": "ibm", "model": key}), 400, "unknown forecast model")


def test_unknown_routes_and_methods_answer_one_json_line(client):
    _bad(client.get("/api/nothing"), 404, "not found")
    _bad(client.get("/api/translate"), 405)


# -- translate ----------------------------------------------------------------------------------------------
def test_translate_gives_n_best_scores_and_attention(client):
    from rnnkit.translate.translator import Translator

    r = client.post("/api/translate", json={"text": "I am a student.", "beam": 5, "n_best": 3}).json()
    (direct,) = Translator.load(device="cpu").translate(["I am a student."], beam=5, n_best=3, attention=True)
    assert r["translation"] == direct.text and r["alternatives"][0]["text"] == direct.text
    scores = [a["score"] for a in r["alternatives"]]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    att = np.array(r["attention"])
    assert att.shape == (len(r["tgt_pieces"]), len(r["src_pieces"]))
    np.testing.assert_allclose(att.sum(axis=1), 1.0, atol=1e-4)  # each output piece's weights sum to 1
    # the beam search tree: its best path spells the translation, eos last, with the best's score
    tree = r["beam_tree"]
    by_id = {n["id"]: n for n in tree["nodes"]}
    path = [by_id[i] for i in tree["best_path"]]
    assert [n["piece"] for n in path] == r["tgt_pieces"] and path[-1]["status"] == "finished"
    assert [n["step"] for n in path] == list(range(len(path))) and path[0]["parent"] == -1
    assert all(by_id[b["parent"]] is a for a, b in itertools.pairwise(path))
    statuses = {n["status"] for n in tree["nodes"]}
    assert statuses == {"kept", "finished", "pruned"}
    for t in {n["step"] for n in tree["nodes"]}:  # at most the beam kept and 2 x beam pruned per step
        at = [n for n in tree["nodes"] if n["step"] == t]
        assert (
            sum(n["status"] == "pruned" for n in at) <= 10 and sum(n["status"] != "pruned" for n in at) <= 5
        )
    assert len(json.dumps(tree)) < 100_000


def test_the_page_says_translate_text_may_differ_for_a_model_saved_with_mbr(client):
    """The page shows the beam's best (its tree), where translate text chooses among the beam by minimum
    Bayes risk for the shipped model: the two may differ, and the page did not say so."""
    from rnnkit.serve.adapt_translate import cli_note
    from rnnkit.translate.translator import Translator

    saved = Translator.load(device="cpu").decoding()
    assert saved["mbr"] and saved["beam"] == 24  # the shipped model's
    r = client.post("/api/translate", json={"text": "I am a student.", "beam": 5, "n_best": 1}).json()
    assert r["cli_note"].startswith("rnnkit translate text may print another translation")
    assert "beam's 24 hypotheses by minimum Bayes risk" in r["cli_note"] and "best of beam 5" in r["cli_note"]
    assert cli_note({**saved, "mbr": False}, 5) is None and cli_note({**saved, "beam": 1}, 5) is None


def test_translate_says_how_it_read_typed_digits(client):
    r = client.post(
        "/api/translate", json={"text": "I waited for 20 minutes.", "beam": 2, "n_best": 1}
    ).json()
    assert r["source"] == "I waited for 20 minutes." and r["read_as"] == "I waited for twenty minutes."
    assert "▁twenty" in r["src_pieces"] and "이십 분" in r["translation"]
    plain = client.post("/api/translate", json={"text": "I am a student.", "beam": 2, "n_best": 1}).json()
    assert plain["read_as"] is None  # nothing was spelled: nothing to say
    assert r["numbers_missing"] == [] and plain["numbers_missing"] == []  # 이십 분 says 20; no numbers


def test_translate_says_which_names_it_carried(client):
    r = client.post(
        "/api/translate", json={"text": "My name is John. I work at Google.", "beam": 2, "n_best": 1}
    ).json()
    assert r["names_carried"] == ["John", "Google"]
    assert r["read_as"] == "My name is Junho. I work at Busan."  # what the model read, tree and attention
    assert "John" in r["translation"] and "Google" in r["translation"]
    assert r["beam_tree_note"].endswith('the tree is the search of "My name is Junho.".')  # as it read it
    plain = client.post("/api/translate", json={"text": "I am a student.", "beam": 2, "n_best": 1}).json()
    assert plain["names_carried"] is None


def test_translate_reads_casual_text_sentence_by_sentence_and_says_so(client):
    r = client.post(
        "/api/translate", json={"text": "i am a student. i live in seoul", "beam": 2, "n_best": 1}
    ).json()
    assert r["read_as"] == "I am a student. I live in Seoul."
    assert r["translation"].count(".") == 2 and r["src_pieces"].count("</s>") == 2  # two sentences, joined
    assert len(r["attention"]) == len(r["tgt_pieces"]) and len(r["attention"][0]) == len(r["src_pieces"])
    assert "holds 2 sentences, translated one by one" in r["beam_tree_note"]
    # the note names the sentence the tree searched (the shorter in pieces), as the model read it, and
    # the highlighted path spells that sentence's translation, not the joined text's
    assert r["beam_tree_note"].endswith('the tree is the search of "I live in Seoul.".')
    nodes = {n["id"]: n for n in r["beam_tree"]["nodes"]}
    path = "".join(nodes[i]["piece"] for i in r["beam_tree"]["best_path"]).replace("▁", " ")
    second = r["translation"][r["translation"].index(".") + 1 :].strip()
    assert path.replace("</s>", "").strip() == second
    one = client.post("/api/translate", json={"text": "I am a student.", "beam": 2, "n_best": 1}).json()
    assert "sentences" not in one["beam_tree_note"]


@pytest.mark.parametrize("text", ["...", "?!", "😀😀😀"])
def test_translate_text_without_words_comes_back_as_typed_not_a_500(client, text):
    r = client.post("/api/translate", json={"text": text})
    assert r.status_code == 200, r.text  # was a 500 'internal error (TypeError)': the score is None
    r = r.json()
    assert r["translation"] == text and r["decoded"] is False and r["score"] is None
    assert r["alternatives"] == [{"text": text, "score": None}]
    assert r["attention"] is None and r["beam_tree"] is None


def test_translate_says_when_most_of_the_text_is_unknown_to_the_model(client):
    korean = client.post("/api/translate", json={"text": "안녕하세요 😀", "beam": 2, "n_best": 1}).json()
    assert korean["unreadable"] is True and korean["decoded"] is True  # the CLI warns so; the page too
    plain = client.post("/api/translate", json={"text": "I am a student.", "beam": 2, "n_best": 1}).json()
    assert plain["unreadable"] is False and plain["decoded"] is True


def test_translate_notes_what_the_model_cannot_read_in_the_commands_words(client):
    """The page said "most of this text is unknown to the model (is it English?)" whatever the model's
    language, and nothing of addresses or emoji: it now shows translate text's own notes."""
    korean = client.post(
        "/api/translate", json={"text": "안녕하세요. 저는 학생입니다.", "beam": 2, "n_best": 1}
    ).json()
    assert korean["notes"] == [
        "it looks like Korean; this model translates English to Korean (give English text)"
    ]
    url = client.post(
        "/api/translate", json={"text": "See https://example.com/a?q=1 today.", "beam": 2, "n_best": 1}
    )
    assert any("addresses are not translated: https://example.com/a?q=1" in n for n in url.json()["notes"])
    plain = client.post("/api/translate", json={"text": "I am a student.", "beam": 2, "n_best": 1}).json()
    assert plain["notes"] == []


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "text must be a string"),
        ({"text": "   "}, "non-empty"),
        ({"text": "x" * (limits.MAX_TEXT_CHARS + 1)}, "too long"),
        (  # a pasted paragraph: what to do with it
            {"text": "x" * 2000},
            "text too long: 2,000 characters (at most 300); give it in parts of at most 300, a few sentences",
        ),
        ({"text": "hi", "beam": 0}, "beam must be between"),
        ({"text": "hi", "beam": limits.MAX_BEAM + 1}, "beam must be between"),
        ({"text": "hi", "beam": "5"}, "beam must be an integer"),
        ({"text": "hi", "beam": True}, "beam must be an integer"),
        ({"text": "hi", "beam": 2, "n_best": 3}, "n_best must be between"),
        ({"text": "hi", "model": "caption"}, "unknown translate model"),
        ({"text": 5}, "text must be a string"),
        ({"text": "Hello.\nThank you."}, "one sentence a request"),  # the second line would be lost
    ],
)
def test_translate_bad_input(client, body, needle):
    _bad(client.post("/api/translate", json=body), 400, needle)


def test_bodies_that_are_not_json_objects_or_too_large(client):
    _bad(
        client.post("/api/translate", content=b"{not json", headers={"content-type": "application/json"}),
        400,
        "not valid JSON",
    )
    _bad(client.post("/api/translate", json=["I am"]), 400, "JSON object")
    lone = {"content-type": "application/json"}  # a lone surrogate: valid JSON, not valid Unicode text
    _bad(
        client.post("/api/translate", content=b'{"text": "Hi \\ud800."}', headers=lone), 400, "valid Unicode"
    )
    cells = b'{"kind": "text", "input": "Hi \\ud800."}'
    _bad(client.post("/api/cells", content=cells, headers=lone), 400, "valid Unicode")
    deep = b"[" * 100_000 + b"]" * 100_000  # within the size limit, too deep for the parser
    _bad(
        client.post("/api/translate", content=deep, headers={"content-type": "application/json"}),
        400,
        "nested",
    )
    _bad(client.post("/api/translate", content=b"text=hi", headers={"content-type": "text/plain"}), 415)
    big = b'{"text": "' + b"a" * (limits.MAX_BODY_BYTES + 10) + b'"}'
    _bad(
        client.post("/api/translate", content=big, headers={"content-type": "application/json"}),
        413,
        "too large",
    )
    chunks = iter([b'{"text": "', b"a" * limits.MAX_BODY_BYTES, b'"}'])  # no Content-Length: streamed
    _bad(client.post("/api/translate", content=chunks, headers={"content-type": "application/json"}), 413)
    assert client.get("/api/health").status_code == 200  # still serving


def test_a_body_with_a_byte_order_mark_is_read():
    """QA: a JSON file saved by a Windows editor (or PowerShell) starts with a UTF-8 byte-order mark;
    ``curl --data-binary @body.json`` was told 'not valid JSON'."""
    from starlette.testclient import TestClient

    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    app = create_app(discover(None))
    app.state.services.cells.gradient_flow = lambda length: {"length": length}
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        sent = c.post(
            "/api/cells/gradient",
            content=b'\xef\xbb\xbf{"length": 7}',
            headers={"content-type": "application/json"},
        )
    assert sent.json() == {"length": 7}


# -- caption -----------------------------------------------------------------------------------------------
def test_caption_of_a_sample_and_of_an_upload(client, models_dir):
    from rnnkit.caption.captioner import Captioner

    r = client.post("/api/caption", json={"sample": 2, "beam": 3}).json()
    att = np.array(r["attention"])  # (steps, 4, 4) for 32-pixel scenes
    assert att.shape[1:] == (4, 4) and len(att) in (len(r["words"]), len(r["words"]) + 1)
    np.testing.assert_allclose(att.sum(axis=(1, 2)), 1.0, atol=1e-4)
    assert r["caption"] == " ".join(r["words"]) and r["log_prob"] <= 0
    assert r["ood_score"] is not None and isinstance(r["unfamiliar"], bool)
    assert [a["beam"] for a in r["alternatives"]] == [1, 3, 5]
    assert r["image"].startswith("data:image/png;base64,")
    png = client.get("/api/caption/sample/2.png").content
    direct = Captioner.load(models_dir / "caption", device="cpu").describe(
        io.BytesIO(png) and _pil(png), beam=3
    )[0]
    assert direct.caption == r["caption"]
    as_upload = client.post("/api/caption", json={"image": base64.b64encode(png).decode(), "beam": 3}).json()
    as_data_url = client.post(
        "/api/caption", json={"image": "data:image/png;base64," + base64.b64encode(png).decode(), "beam": 3}
    )
    assert as_upload["caption"] == r["caption"] == as_data_url.json()["caption"]


def test_caption_searches_as_caption_describe_unless_told(client, models_dir, tmp_path, capsys):
    """The page and the API captioned with beam 3 where caption describe searched with the model's saved
    beam (10 by default): one picture, two captions. A request without a beam now gets describe's."""
    from rnnkit.cli import main

    entry = next(m for m in client.get("/api/models").json()["models"] if m["application"] == "caption")
    assert entry["beam"] == 10 > limits.MAX_BEAM  # the saved beam, though above the server's bound
    r = client.post("/api/caption", json={"sample": 2}).json()
    assert [a["beam"] for a in r["alternatives"]] == [1, 3, 5, 10]
    picture = tmp_path / "scene.png"
    picture.write_bytes(client.get("/api/caption/sample/2.png").content)
    assert (
        main(["caption", "describe", "--model", str(models_dir / "caption"), str(picture), "--device", "cpu"])
        == 0
    )
    assert capsys.readouterr().out == f"{picture}\t{r['caption']}\n"
    assert client.post("/api/caption", json={"sample": 2, "beam": 10}).json()["caption"] == r["caption"]
    _bad(
        client.post("/api/caption", json={"sample": 2, "beam": 11}),
        400,
        "beam must be between 1 and 10, got 11",
    )


def _pil(data: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(data))


def test_caption_samples_are_fixed_pictures(client):
    count = client.get("/api/caption/samples").json()["count"]
    first = client.get("/api/caption/sample/0.png")
    assert first.headers["content-type"] == "image/png" and first.content[:4] == b"\x89PNG"
    assert client.get("/api/caption/sample/0.png").content == first.content
    assert client.get("/api/caption/sample/1.png").content != first.content
    _bad(client.get(f"/api/caption/sample/{count}.png"), 404, "no sample")
    _bad(client.get("/api/caption/sample/x.png"), 404)
    for alias in ("%EF%BC%91", "%D9%A1", "+1"):  # a fullwidth and an Arabic-Indic 1 are no sample number
        assert client.get(f"/api/caption/sample/{alias}.png").status_code == 404, alias


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "either image"),
        ({"sample": 1, "image": "AAAA"}, "either image"),
        ({"image": "not base64!"}, "base64"),
        ({"image": base64.b64encode(b"GIF89a garbage").decode()}, "not a readable image"),
        ({"image": ""}, "empty"),
        ({"image": base64.b64encode(_png(2, 2)).decode()}, "too small"),
        ({"image": base64.b64encode(_png(limits.MAX_IMAGE_SIDE + 1, 4)).decode()}, "too large"),
        ({"sample": 10_000}, "sample must be between"),
        ({"sample": 1, "beam": 0}, "beam must be between"),
        ({"sample": 1, "model": "forecast"}, "unknown caption model"),
    ],
)
def test_caption_bad_input(client, body, needle):
    _bad(client.post("/api/caption", json=body), 400, needle)


def test_an_upload_is_read_only_in_the_webs_image_formats(client, monkeypatch):
    """QA: Pillow opens an uploaded EPS and, where Ghostscript is installed, runs it on the upload. Here
    this machine is given a Ghostscript that records its calls: it must never be called."""
    from PIL import EpsImagePlugin, Image

    ran = []
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", "gs")
    monkeypatch.setattr(EpsImagePlugin.subprocess, "check_call", lambda *a, **k: ran.append(a))
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\nshowpage\n%%EOF\n"
    tiff = io.BytesIO()
    Image.new("RGB", (16, 16)).save(tiff, format="TIFF")
    answers = [
        client.post("/api/caption", json={"image": base64.b64encode(d).decode()})
        for d in (eps, tiff.getvalue())
    ]
    assert ran == []  # before the fix: ['gs', ..., '-dSAFER', '-sDEVICE=pnmraw', ...] on the upload
    for answer in answers:
        _bad(answer, 400, "not a readable image (the formats read here: PNG, JPEG, GIF, BMP, WEBP)")
    for fmt in ("JPEG", "GIF", "BMP", "WEBP"):
        image = io.BytesIO()
        Image.new("RGB", (16, 16), (200, 30, 30)).save(image, format=fmt)
        answer = client.post("/api/caption", json={"image": base64.b64encode(image.getvalue()).decode()})
        assert answer.status_code == 200, (fmt, answer.text)


def test_an_upload_in_base64_lines_is_read_and_a_cut_file_is_named_so(client):
    """``base64 scene.png`` writes lines of 76 characters; the newlines were 'image must be base64'."""
    wrapped = base64.encodebytes(_png(16, 16)).decode()
    assert "\n" in wrapped.strip()
    assert client.post("/api/caption", json={"image": wrapped}).status_code == 200
    cut = _png(64, 64, (10, 200, 90))[:-40]
    _bad(client.post("/api/caption", json={"image": base64.b64encode(cut).decode()}), 400, "truncated")
    # a JPEG cut inside its header is said to be cut too (it was "not a readable image (OSError)")
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 90)).save(image, format="JPEG")
    cut = image.getvalue()[:300]
    error = _bad(client.post("/api/caption", json={"image": base64.b64encode(cut).decode()}), 400)
    assert "truncated" in error.lower() and "OSError" not in error, error


# -- forecast ----------------------------------------------------------------------------------------------
def test_forecast_scores_the_model_beside_the_baselines(client, models_dir):
    from rnnkit.forecast.evaluate import evaluate
    from rnnkit.forecast.forecaster import TrainedModel
    from rnnkit.forecast.prepare import prepare
    from rnnkit.serve.adapt_forecast import read_series

    r = client.post("/api/forecast", json={"series": "ibm"}).json()
    n = len(r["dates"])
    assert 0 < n <= limits.MAX_CHART_POINTS and n == min(r["test_samples"], limits.MAX_CHART_POINTS)
    assert all(len(r[k]) == n for k in ("actual", "quantiles", "model", "naive", "ar"))
    q = np.array(r["quantiles"])
    assert (np.diff(q, axis=1) >= -1e-9).all()  # q0.1 <= q0.5 <= q0.9
    fc = TrainedModel.load(models_dir / "forecast")
    series = read_series("ibm", None, fc.columns)
    ev = evaluate(
        prepare(series, fc.window, fc.horizon, fc.transform, 0.1, 0.2, scalers=(fc.in_scaler, fc.out_scaler)),
        fc,
    )
    assert r["verdict"] == ev.verdict()
    assert (r["beats_naive"], r["ties_naive"]) == (ev.beats_naive, ev.ties_naive)
    assert not (r["beats_naive"] and r["ties_naive"])  # a tie is no win
    assert r["metrics"]["naive"]["MAE"] == pytest.approx(ev.rows["naive"]["MAE"])
    np.testing.assert_allclose(r["naive"], ev.forecasts["naive"][-n:])
    assert len(r["next"]["point"]) == 1 and r["next"]["last"] == pytest.approx(series.target[-1])


def test_forecast_says_the_clis_interval_coverage_line(client, models_dir, capsys):
    """``forecast eval`` says how often the model's 10%-90% interval held the test actuals; the page
    showed the scores without it. The answer carries the CLI's line, word for word."""
    from rnnkit.forecast.cli import _echo_evaluation
    from rnnkit.forecast.evaluate import evaluate
    from rnnkit.forecast.forecaster import TrainedModel
    from rnnkit.forecast.prepare import prepare
    from rnnkit.serve.adapt_forecast import read_series

    r = client.post("/api/forecast", json={"series": "ibm"}).json()
    fc = TrainedModel.load(models_dir / "forecast")
    prep = prepare(
        read_series("ibm", None, fc.columns), fc.window, fc.horizon, fc.transform, 0.1, 0.2,
        scalers=(fc.in_scaler, fc.out_scaler),
    )  # fmt: skip
    capsys.readouterr()
    _echo_evaluation(evaluate(prep, fc), "test")
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "interval holds" in x]
    assert r["coverage"] == line and line.startswith("model 10%-90% interval holds ")


def test_forecast_of_an_uploaded_csv(client):
    from rnnkit.forecast.data import load_series

    ibm = load_series("ibm")
    lines = ["day,price"] + [
        f"{d:%Y-%m-%d},{v}" for d, v in zip(ibm.dates[-300:], ibm.target[-300:], strict=True)
    ]
    r = client.post("/api/forecast", json={"csv": "\n".join(lines)}).json()
    assert r["series"] == "uploaded.csv" and r["rows"] == 300 and r["target"] == "price"
    assert r["next"]["last"] == pytest.approx(ibm.target[-1])


def test_an_uploaded_csv_is_named_as_the_user_knows_it(client):
    """The page said 'uploaded.csv has no date column' of a file the user picked as sales.csv; an upload
    sent with its filename is now named so in the answer and in every error (its last path part,
    printable characters only; no name, or a name of dots, stays uploaded.csv)."""
    from rnnkit.forecast.data import load_series

    ibm = load_series("ibm")
    rows = [f"{d:%Y-%m-%d},{v}" for d, v in zip(ibm.dates[-300:], ibm.target[-300:], strict=True)]
    good = "\n".join(["day,price", *rows])
    r = client.post("/api/forecast", json={"csv": good, "filename": "sales.csv"}).json()
    assert r["series"] == "sales.csv"
    _bad(client.post("/api/forecast", json={"csv": "hello,world\nfoo,bar\n", "filename": "sales.csv"}),
         400, "sales.csv has no date column")  # fmt: skip
    _bad(client.post("/api/forecast", json={"csv": "Date,Value\n", "filename": "C:\\data\\q\x01.csv"}),
         400, "q.csv has a header but no rows")  # fmt: skip
    _bad(
        # not "a\x00b": "a" in UTF-16 LE without a mark, as the command reads a file of those bytes
        client.post(
            "/api/forecast", json={"csv": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "filename": "photo.png"}
        ),
        400,
        "photo.png is binary",
    )
    for nameless in ("", "..", "/"):
        r = client.post("/api/forecast", json={"csv": good, "filename": nameless}).json()
        assert r["series"] == "uploaded.csv", nameless


def test_forecast_reads_an_upload_as_the_models_training_data_were_read(tmp_path):
    """QA: a model trained with ``--dayfirst --missing fill`` reads a new file so in ``forecast eval``,
    but the page refused the same file with 'pass --missing fill', an option a page user cannot give."""
    from starlette.testclient import TestClient

    from rnnkit.forecast import Forecaster
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    def csv(count: int, gap: int | None) -> str:
        days = [f"{d:02d}/{m:02d}/{y}" for y in range(2001, 2030) for m in range(1, 13) for d in (5, 20)]
        values = ["" if i == gap else f"{100 + np.sin(i / 4):.4f}" for i in range(count)]
        return "Date,Close\n" + "".join(f"{d},{v}\n" for d, v in zip(days, values, strict=False))

    (tmp_path / "train.csv").write_text(csv(300, gap=40))
    fc = Forecaster(window=4, horizon=1, hidden=4, epochs=1, device="cpu", dayfirst=True, missing="fill")
    with pytest.warns(UserWarning, match="filled 1 missing"):
        fc.fit(tmp_path / "train.csv")
    fc.save(tmp_path / "models" / "filled")
    with TestClient(create_app(discover(tmp_path / "models")), base_url="http://127.0.0.1:8000") as c:
        r = c.post("/api/forecast", json={"csv": csv(200, gap=60)})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["notes"][:2] == [
        "read uploaded.csv as the model's training data were read: dates day first, missing values filled "
        "with the last value",
        "filled 1 missing value(s) ('Close': 1 on line 62) with the last value",
    ]
    assert answer["next"]["dates"] == ["2009-05-05T00:00:00"]  # 20/04/2009 is the last row, day first


def test_forecast_reads_an_upload_as_the_command_line_reads_the_file(client, models_dir, tmp_path):
    """A spreadsheet's ';'-separated CSV with decimal commas, a blank line and a trailing line break:
    the command line reads it (and says how); the page's upload was refused ('no date column (columns:
    date;price)'). The scores equal those of the file read by the CLI's reader."""
    from rnnkit.forecast.data import load_series

    ibm = load_series("ibm")
    lines = ["date;price"] + [
        f"{d:%Y-%m-%d};{v:.4f}".replace(".", ",")
        for d, v in zip(ibm.dates[-300:], ibm.target[-300:], strict=True)
    ]
    text = "\n".join(lines[:100] + [""] + lines[100:]) + "\n"
    r = client.post("/api/forecast", json={"csv": text})
    assert r.status_code == 200, r.text
    r = r.json()
    assert r["rows"] == 300 and r["target"] == "price" and r["series"] == "uploaded.csv"
    assert any("';'-separated with decimal commas" in note for note in r["notes"]), r["notes"]
    (tmp_path / "prices.csv").write_text(text, encoding="utf-8")
    read = load_series(tmp_path / "prices.csv")
    assert r["next"]["last"] == pytest.approx(read.target[-1])
    plain = client.post("/api/forecast", json={"series": "ibm"}).json()
    assert plain["notes"] == []


def test_an_upload_is_never_told_to_use_a_command_line_option(client):
    """An upload whose value column is not the model's ('Wert', not 'Adj Close') was read, with the note
    '(choose with --target)', and one with two numeric columns refused with 'choose one with --target':
    the page has no such option. The note says which column was read; the error, what to upload."""
    days = [f"2020-01-{d:02d}" for d in range(1, 29)] + [f"2020-02-{d:02d}" for d in range(1, 29)]
    one = "Datum,Wert\n" + "".join(f"{d},{100 + i % 7}\n" for i, d in enumerate(days))
    r = client.post("/api/forecast", json={"csv": one})
    assert r.status_code == 200, r.text
    notes = r.json()["notes"]
    assert "uploaded.csv has no column 'Adj Close'; using 'Wert' as the target" in notes, notes
    assert not any("--" in note for note in notes), notes
    two = "Datum,Wert,Menge\n" + "".join(f"{d},{100 + i % 7},{i}\n" for i, d in enumerate(days))
    message = _bad(client.post("/api/forecast", json={"csv": two}), 400, "several numeric columns")
    assert "--" not in message and message.endswith(
        "upload the date and the one column to forecast, or head it 'Adj Close'"
    ), message


@pytest.mark.parametrize(
    ("csv", "needle"),
    [
        ("", "uploaded.csv is empty"),
        ("date,price\n", "uploaded.csv has a header but no rows"),
        ("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "uploaded.csv is binary data, not a CSV text file"),
    ],
)
def test_forecast_upload_errors_name_the_upload_not_a_dataframe_or_a_temporary_path(client, csv, needle):
    message = _bad(client.post("/api/forecast", json={"csv": csv}), 400, needle)
    assert "DataFrame" not in message and "/" not in message and "\\" not in message


RUSSIAN = "Дата,Значение\n" + "".join(f"2010-01-{day:02d},{day}\n" for day in range(1, 31))


@pytest.mark.parametrize("order", ["le", "be"])
def test_a_utf16_upload_without_its_mark_is_refused_in_the_commands_words(client, order):
    """UTF-16 Russian saved without a byte-order mark reads as UTF-8 (Д is 14 04), and the page sends it
    so, the file's own bytes: the server called it binary data, where ``rnnkit forecast`` says it is
    UTF-16 without a mark and to save it as UTF-8. A name ending in uploaded.csv (the server's copy's
    name) is given as it is, not 'my my uploaded.csv'."""
    text = RUSSIAN.encode(f"utf-16-{order}").decode("utf-8")  # what the page sends
    for name in ("ru.csv", "my uploaded.csv"):
        message = _bad(client.post("/api/forecast", json={"csv": text, "filename": name}), 400)
        assert (
            message
            == f"{name} is UTF-16 text without a byte-order mark; save the file as UTF-8 and try again"
        )
    message = _bad(
        client.post("/api/forecast", json={"csv": "\x89PNG\x00", "filename": "my uploaded.csv"}), 400
    )
    assert message == "my uploaded.csv is binary data, not a CSV text file"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "either a bundled series"),
        ({"series": "ibm", "csv": "a,b"}, "either a bundled series"),
        ({"series": "../../etc/passwd"}, "unknown series"),
        ({"series": 3}, "series must be a string"),
        ({"csv": "date,price\n2020-01-01,1\n2020-01-02,2\n"}, "too short"),
        ({"csv": "just one line"}, ""),
        ({"csv": "date,price\n2020-01-01,abc\n2020-01-02,def\n"}, ""),
        (
            {"csv": "\n".join(["date,x"] + [f"2020-01-01,{i}" for i in range(limits.MAX_CSV_ROWS + 2)])},
            "uploaded.csv has 50,002 rows; the server reads at most 50,000: delete the oldest rows",
        ),
    ],
)
def test_forecast_bad_input(client, body, needle):
    _bad(client.post("/api/forecast", json=body), 400, needle)


# -- inside the cells ---------------------------------------------------------------------------------------
def test_cells_states_obey_the_cell_equations(client):
    r = client.post("/api/cells", json={"kind": "text", "input": "The cat sat on the mat."}).json()
    names = [layer["name"] for layer in r["layers"]]
    assert names == ["rnn", "lstm", "gru", "translator encoder"]
    steps = len(r["tokens"])
    by = {layer["name"]: {k: torch.tensor(v) for k, v in layer["states"].items()} for layer in r["layers"]}
    assert set(by["rnn"]) == {"h"} and set(by["gru"]) == {"h", "reset", "update", "new"}
    lstm = by["lstm"]
    assert set(lstm) == {"h", "input", "forget", "cell", "output", "c"}
    assert all(v.shape == (limits.CELLS_HIDDEN, steps) for v in lstm.values())
    for gate in ("input", "forget", "output"):
        assert ((lstm[gate] > 0) & (lstm[gate] < 1)).all()
    torch.testing.assert_close(lstm["h"], lstm["output"] * torch.tanh(lstm["c"]), atol=1e-5, rtol=0)
    c_prev = torch.cat([torch.zeros(limits.CELLS_HIDDEN, 1), lstm["c"][:, :-1]], dim=1)
    torch.testing.assert_close(
        lstm["c"], lstm["forget"] * c_prev + lstm["input"] * lstm["cell"], atol=1e-5, rtol=0
    )
    for name in ("gru", "translator encoder"):  # h_t = (1 - z_t) n_t + z_t h_{t-1}
        g = by[name]
        h_prev = torch.cat([torch.zeros(len(g["h"]), 1), g["h"][:, :-1]], dim=1)
        torch.testing.assert_close(
            g["h"], (1 - g["update"]) * g["new"] + g["update"] * h_prev, atol=1e-5, rtol=0
        )
    assert r["layers"][3]["trained"] and not r["layers"][0]["trained"]


def test_cells_read_the_adding_problem(client):
    r = client.post("/api/cells", json={"kind": "numbers", "input": "0.5, *0.25 0.75 *1"}).json()
    assert r["tokens"] == ["0.5", "*0.25", "0.75", "*1"]
    for listed in ("0.5,*0.25,0.75,*1", "0.5 , *0.25,0.75, *1", "1,0"):  # commas between numbers, no decimals
        assert client.post("/api/cells", json={"kind": "numbers", "input": listed}).status_code == 200
    assert [layer["cell"] for layer in r["layers"]] == ["rnn", "lstm", "gru"]
    assert all(len(layer["states"]["h"][0]) == 4 for layer in r["layers"])


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"kind": "audio", "input": "x"}, "kind must be text or numbers"),
        ({"kind": "text"}, "input must be a string"),
        ({"kind": "text", "input": ""}, "non-empty"),
        ({"kind": "numbers", "input": "1 2 three"}, "not a number"),
        ({"kind": "numbers", "input": "1e9"}, "out of range"),
        # decimal commas: read as 0, 2, *0, 7, 0, 1 and drawn as six steps
        ({"kind": "numbers", "input": "0,2 *0,7 0,1"}, "'0,2' reads as two numbers here"),
        ({"kind": "numbers", "input": "0.1 0,25"}, "write a decimal with a point: 0.25"),
        ({"kind": "numbers", "input": " ".join(["1"] * (limits.MAX_NUMBERS + 1))}, "too many"),
    ],
)
def test_cells_bad_input(client, body, needle):
    _bad(client.post("/api/cells", json=body), 400, needle)


def test_similar_spans_find_the_pattern_itself_first(client):
    from rnnkit.serve.adapt_translate import corpus_sentences

    sentence = corpus_sentences(limits.SIMILAR_CORPUS)[7]  # a sentence of the searched data set
    body = {
        "kind": "text",
        "input": sentence,
        "layer": "translator encoder",
        "state": "h",
        "unit": 5,
        "start": 1,
        "end": 3,
    }
    r = client.post("/api/cells/similar", json=body).json()
    assert r["searched"] == limits.SIMILAR_CORPUS and len(r["matches"]) == limits.SIMILAR_TOP
    distances = [m["distance"] for m in r["matches"]]
    assert distances == sorted(distances) and distances[0] == pytest.approx(0.0, abs=1e-5)
    best = r["matches"][0]
    assert best["end"] - best["start"] == 2
    np.testing.assert_allclose(best["values"][best["start"] : best["end"] + 1], r["pattern"], atol=1e-5)
    numbers = {
        "kind": "numbers",
        "input": "0.1 *0.9 0.2 0.3 *0.4",
        "layer": "lstm",
        "state": "forget",
        "unit": 0,
        "start": 0,
        "end": 4,
    }
    assert len(client.post("/api/cells/similar", json=numbers).json()["matches"]) == limits.SIMILAR_TOP


def test_similar_spans_by_the_units_that_are_on(client):
    """LSTMVis's rule: the units above the threshold over the span; the span itself matches exactly."""
    from rnnkit.serve.adapt_translate import corpus_sentences

    sentence = corpus_sentences(limits.SIMILAR_CORPUS)[11]
    body = {"kind": "text", "input": sentence, "layer": "translator encoder", "state": "h", "unit": 0,
            "start": 0, "end": 1, "mode": "units", "threshold": 0.2}  # fmt: skip
    r = client.post("/api/cells/similar", json=body).json()
    states = client.post("/api/cells", json={"kind": "text", "input": sentence}).json()["layers"][3][
        "states"
    ]["h"]
    on = [u for u, row in enumerate(states) if min(row[0:2]) > 0.2]
    assert r["units"] == on and on
    assert r["matches"][0]["distance"] == pytest.approx(0.0)
    assert all(0.0 <= m["distance"] <= 1.0 for m in r["matches"])
    _bad(client.post("/api/cells/similar", json={**body, "threshold": 50.0}), 400, "no unit's h stays above")
    _bad(
        client.post("/api/cells/similar", json={**body, "threshold": "high"}),
        400,
        "threshold must be a number",
    )
    _bad(client.post("/api/cells/similar", json={**body, "mode": "all"}), 400, "mode must be unit or units")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"layer": "transformer"}, "unknown layer"),
        ({"state": "c"}, "has no state"),  # the RNN has only h
        ({"unit": limits.CELLS_HIDDEN}, f"unit must be between 0 and {limits.CELLS_HIDDEN - 1}, got"),
        ({"end": 99}, "the span must lie within"),
        ({"start": 2, "end": 1}, "the span's start (2) is after its end (1); give start <= end"),
        # one message with the layer's real bound, whichever side (QA: -1 was told 0..4096, 999 0..7)
        ({"unit": -1}, f"unit must be between 0 and {limits.CELLS_HIDDEN - 1}, got -1"),
        ({"unit": 999}, f"unit must be between 0 and {limits.CELLS_HIDDEN - 1}, got 999"),
        ({"unit": 5000}, f"unit must be between 0 and {limits.CELLS_HIDDEN - 1}, got 5000"),
        ({"start": -1}, "the span must lie within the 4 steps (0..3), got -1..1"),
        ({"end": 20000}, "the span must lie within the 4 steps (0..3), got 0..20000"),
        ({"unit": 1.5}, "unit must be an integer"),
        ({"unit": True}, "unit must be an integer"),
    ],
)
def test_similar_bad_input(client, change, needle):
    body = {
        "kind": "text",
        "input": "I like tea.",
        "layer": "rnn",
        "state": "h",
        "unit": 0,
        "start": 0,
        "end": 1,
        **change,
    }
    _bad(client.post("/api/cells/similar", json=body), 400, needle)


def test_gradient_flow_vanishes_over_the_steps(client):
    r = client.post("/api/cells/gradient", json={"length": 30}).json()
    assert [layer["cell"] for layer in r["layers"]] == ["rnn", "lstm", "gru"]
    for layer in r["layers"]:
        norms = layer["norms"]
        assert len(norms) == 30 and all(n >= 0 for n in norms)
        assert norms[0] < norms[-1] / 100  # the first step's gradient is orders of magnitude smaller
    _bad(client.post("/api/cells/gradient", json={"length": 1}), 400, "length must be between")
    _bad(client.post("/api/cells/gradient", json={"length": 10_000}), 400, "length must be between")


# -- the pool: busy, slow, broken ------------------------------------------------------------------------------
def _finished(done: list, count: int) -> None:
    """Wait until ``count`` slow calls have finished, and their pool slots are free."""
    deadline = time.monotonic() + 10
    while len(done) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)  # the slot is released by the future's callback, just after the call returns


def test_slow_busy_and_broken_requests_leave_the_server_serving(models_dir):
    from starlette.testclient import TestClient

    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    app = create_app(discover(models_dir), workers=1, queue=0, seconds=0.3)
    cells = app.state.services.cells
    released = []
    cells.gradient_flow = lambda length: (time.sleep(1.0), released.append(length), {"length": length})[-1]
    cells.states = lambda kind, text: 1 / 0
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        described = c.get("/openapi.json").json()["info"]["description"]
        assert "1 request computed at once, 0 waiting; 0.3 s each" in described  # this server's bounds
        _bad(
            c.post("/api/cells/gradient", json={"length": 10}),
            504,
            "longer than 0.3 s; try a shorter input, or again when the server is less busy",
        )
        _bad(c.post("/api/cells/gradient", json={"length": 10}), 503, "busy")  # the first still runs
        _finished(released, 1)
        assert c.post("/api/cells/gradient", json={"length": 11}).status_code == 504  # a slot again
        _finished(released, 2)
        assert (
            _bad(c.post("/api/cells", json={"kind": "text", "input": "x"}), 500)
            == "internal error (ZeroDivisionError)"
        )
        assert c.get("/api/health").json()["status"] == "ok"


def test_no_forecast_or_caption_model_is_a_clear_error(tmp_path):
    from starlette.testclient import TestClient

    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{not json")
    with TestClient(create_app(discover(tmp_path)), base_url="http://127.0.0.1:8000") as c:
        assert [m["id"] for m in c.get("/api/models").json()["models"]] == ["shipped"]
        _bad(c.post("/api/forecast", json={"series": "ibm"}), 400, "--models")
        _bad(c.post("/api/caption", json={"sample": 0}), 400, "--models")
    assert json.dumps(discover(None)["shipped"].to_json())


def test_concurrent_requests_get_their_own_answers(client):
    """Two workers share one model: answers under concurrency equal the answers one at a time."""
    from concurrent.futures import ThreadPoolExecutor

    texts = ["I am a student.", "Where is the station?", "It is raining today.", "I like green tea."] * 2
    alone = [client.post("/api/translate", json={"text": t}).json()["translation"] for t in texts[:4]] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(
            pool.map(lambda t: client.post("/api/translate", json={"text": t}).json()["translation"], texts)
        )
    assert together == alone


def test_forecast_says_how_a_blended_model_made_its_point_forecast(tmp_path, capsys):
    """A model whose point forecast is blended with the linear AR (--linear-blend) says so on the page in
    forecast train's words; a network alone says nothing about it."""
    import pandas as pd

    from rnnkit.forecast import Forecaster
    from rnnkit.serve.adapt_forecast import ForecastAdapter

    t = np.arange(500)
    noise = 0.3 * np.random.default_rng(1).standard_normal(500)
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=500).strftime("%Y-%m-%d"),
            "y": 20 + 3 * np.sin(t / 4) + noise,
        }
    )
    csv = frame.to_csv(index=False)
    kw = dict(window=6, hidden_size=4, epochs=1, device="cpu", show_progress=False)
    blended = Forecaster(**kw).fit(frame)
    blended.save(tmp_path / "blended")
    Forecaster(linear_blend=False, **kw).fit(frame).save(tmp_path / "alone")
    adapter = ForecastAdapter()
    reason = blended.blend_["reason"]
    assert blended.blend_["blended"]
    said = adapter.run(tmp_path / "blended", None, csv)["blend"]
    assert said == f"linear blend, chosen in training on the validation part of the data given: {reason}"
    assert adapter.run(tmp_path / "alone", None, csv)["blend"] is None


def test_an_untrained_cell_says_which_trained_one_is_missing_and_what_trains_it():
    """Beside a served trained lstm, the rnn's note said 'pass --models with an explain model to see a
    trained one', of a cell rnnkit explain gates cannot train; each untrained cell now names itself and
    the commands whose --out holds a trained one."""
    from rnnkit.serve.adapt_cells import CellsAdapter

    for layer in CellsAdapter(None, {}).layers("numbers"):  # type: ignore[arg-type]
        assert not layer.trained
        assert f"no trained {layer.cell} is served" in layer.note, layer.note
        assert "rnnkit explain gradient-flow (or memory)" in layer.note, layer.note


def test_a_form_feed_or_a_line_separator_is_no_second_line_as_on_the_command_line():
    from rnnkit.serve.adapt_translate import check_text
    from rnnkit.utils.errors import RnnkitError

    # str.splitlines cut there: refused as two lines, while translate text reads one line
    for text in ("Hello.\x0cThank you.", "Hello.\u2028Thank you.", "Hello.\x85Thank you."):
        assert check_text(text) == text
    with pytest.raises(RnnkitError, match="the text has 2 lines"):
        check_text("Hello.\r\nThank you.")
