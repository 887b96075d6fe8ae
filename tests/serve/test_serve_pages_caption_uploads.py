"""A photo from a phone (12 megapixels: several MB, or more than 4096 pixels on its long side) is over
the server's upload bounds; the caption page shrinks it in the browser and says so, where it refused it
("photo.jpg is 7.0 MB; the server takes images of at most 3.0 MB") and the user needed an editor."""

from __future__ import annotations

import base64
import io

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


def _photo(size: tuple[int, int], fmt: str) -> bytes:
    """Noise (which compresses badly, as a photo does) at ``size``, as a ``fmt`` file."""
    picture = Image.effect_noise(size, 80).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt, quality=95)
    return buffer.getvalue()


def _caption(server, upload: dict) -> tuple[bytes, str]:
    """The image the page sent for ``upload``, and what it said under the picture."""
    with browser_page(1000) as page:
        sent: list[bytes] = []
        page.on(
            "request",
            lambda r: sent.append(r.post_data_json["image"]) if r.url.endswith("/api/caption") else None,
        )
        page.goto(server + "/caption")
        wait(
            page,
            "document.querySelectorAll('#samples img').length > 0 && !document.querySelector('#go').disabled",
        )
        page.set_input_files("#file", upload)
        wait(
            page,
            "document.querySelector('#error').textContent || "
            "(!document.querySelector('#result').hidden && !document.querySelector('#go').disabled)",
        )
        assert page.text_content("#error") == ""
        (image,) = sent
        return base64.b64decode(image.partition(",")[2]), page.text_content("#seen")


def _flat(size: tuple[int, int]) -> bytes:
    """A picture of few bytes (a flat colour) but too many pixels a side."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        (
            "photo.jpg",
            lambda: _photo((4032, 3024), "JPEG"),
            "(4032×3024 pixels, 1",
        ),  # 12 MP at 4:3: over 3 MB
        ("wide.png", lambda: _flat((4624, 2600)), "(4624×2600 pixels, 0.0 MB)"),  # 12 MP at 16:9: too wide
    ],
)
def test_a_phone_photo_is_shrunk_before_it_is_sent(server, name, data, said):
    original = Image.open(io.BytesIO(made := data()))
    sent, seen = _caption(
        server, {"name": name, "mimeType": "image/" + original.format.lower(), "buffer": made}
    )
    shrunk = Image.open(io.BytesIO(sent))
    assert max(shrunk.size) == 1024 and shrunk.format == "JPEG"
    assert abs(shrunk.size[0] / shrunk.size[1] - original.size[0] / original.size[1]) < 0.01  # its shape kept
    assert f"{name} {said}" in seen, seen
    assert f"was shrunk to {shrunk.size[0]}×{shrunk.size[1]} in this browser before sending" in seen, seen


def test_an_image_within_the_bounds_is_sent_as_it_is(server):
    data = _photo((640, 480), "PNG")
    sent, seen = _caption(server, {"name": "small.png", "mimeType": "image/png", "buffer": data})
    assert sent == data and "shrunk" not in seen


def _padded_png(size: int) -> bytes:
    """A small picture whose file is ``size`` bytes: a private chunk (which readers skip) fills it."""
    import struct
    import zlib

    small = _flat((8, 8))
    end = small.rindex(b"IEND") - 4  # the IEND chunk's length field
    pad = size - len(small) - 12  # a chunk's length, type and CRC take 12 bytes
    chunk = b"prVt" + bytes(pad)
    padded = small[:end] + struct.pack(">I", pad) + chunk + struct.pack(">I", zlib.crc32(chunk)) + small[end:]
    assert len(padded) == size and Image.open(io.BytesIO(padded)).size == (8, 8)
    return padded


@pytest.mark.parametrize("past", [False, True])
def test_an_image_within_the_bound_whose_request_is_not_is_shrunk(server, past):
    """The page checked the 3 MiB bound on the file, the server its 4 MiB bound on the request, the file
    in base64 (a third larger) with the other fields: a picture a few dozen bytes under 3 MiB was sent,
    and refused as "request body too large (at most 4194304 bytes)". The page counts the request as the
    server does: the largest picture whose request fits is sent as it is, one a byte larger is shrunk."""
    import json
    import urllib.request

    from rnnkit.serve import limits

    with urllib.request.urlopen(server + "/api/models") as answer:
        (model,) = [m for m in json.load(answer)["models"] if m["application"] == "caption"]
    around = {"image": "data:image/png;base64,", "beam": model["beam"], "model": model["id"]}
    room = limits.MAX_BODY_BYTES - len(json.dumps(around, separators=(",", ":")))
    fits = room // 4 * 3  # the largest file whose base64 (4 characters for every 3 bytes) fills the room
    data = _padded_png(fits + 1 if past else fits)
    assert len(data) < limits.MAX_IMAGE_BYTES  # within the image's own bound either way
    sent, seen = _caption(server, {"name": "edge.png", "mimeType": "image/png", "buffer": data})
    if not past:
        assert sent == data and "shrunk" not in seen, seen
        return
    assert Image.open(io.BytesIO(sent)).format == "JPEG"
    made = "edge.png (8×8 pixels, 3.0 MB) was made a smaller JPEG of the same 8×8 pixels in this browser"
    assert made + " before sending: in base64, as it is sent, it was over the server's bound" in seen, seen
    assert f"over the server's bound of {limits.MAX_BODY_BYTES:,} bytes on a request" in seen, seen


def test_a_file_that_is_no_image_is_named_in_its_refusal(server):
    """'Error: not a readable image (...)' said nothing of which file; the picker had shown its name."""
    upload = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"shopping: eggs, milk\n"}
    with browser_page(1000) as page:
        page.goto(server + "/caption")
        wait(
            page,
            "document.querySelectorAll('#samples img').length > 0 && !document.querySelector('#go').disabled",
        )
        page.set_input_files("#file", upload)
        wait(page, "document.querySelector('#error').textContent !== ''")
        assert page.text_content("#error") == (
            "Error: notes.txt: not a readable image (the formats read here: PNG, JPEG, GIF, BMP, WEBP)"
        )
        page.click("#samples img")  # a scene's refusal would not be named after the file
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        assert page.text_content("#error") == ""
