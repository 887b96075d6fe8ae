"""The caption page's one door into :mod:`rnnkit.caption`: load a captioner, describe one image,
draw sample scenes from the shapes generator."""

from __future__ import annotations

import base64
import io
import random
import threading
from pathlib import Path

from rnnkit.serve import limits
from rnnkit.serve.registry import load_listed
from rnnkit.utils.errors import RnnkitError

SAMPLES = 24  # generated scenes offered on the page, numbered 0..SAMPLES-1
SAMPLE_SIDE = 64
WIDTHS_NOTE = (
    "The captioner returns only the best caption of a search, so the alternatives are the best "
    "caption found at each beam width. A beam ranks its captions by log-probability with the model's "
    "length penalty and located check (is each colour-shape phrase seen at one place?), so it may keep "
    "a caption of slightly lower log-probability."
)


def beam_range(saved: int | None) -> tuple[int, int]:
    """The default and the largest beam of a caption request for a model saved with beam ``saved``: that
    beam by default, the one ``rnnkit caption describe`` searches with, so the page and the command line
    give a picture one caption (the page's 3 gave another than describe's 10); at most
    :data:`limits.MAX_BEAM`, or the model's own beam where it is larger. ``saved`` None (a config the
    loader refuses, whose request fails on loading): 1."""
    default = 1 if saved is None else saved
    return default, max(limits.MAX_BEAM, default)


class CaptionAdapter:
    """Loads captioners on first use (one per folder) and keeps them."""

    def __init__(self) -> None:
        self._loaded: dict[Path, object] = {}
        self._lock = threading.Lock()

    def captioner(self, folder: Path):  # -> rnnkit.caption.captioner.Captioner
        with self._lock:
            if folder not in self._loaded:
                from rnnkit.caption.captioner import Captioner

                self._loaded[folder] = load_listed(folder, lambda f: Captioner.load(f, device="cpu"))
            return self._loaded[folder]

    def describe(self, folder: Path, image_bytes: bytes, beam: int) -> dict:
        """Caption, word-by-word attention maps, alternatives by beam width, familiarity score."""
        image = read_image(image_bytes)
        cap = self.captioner(folder)
        most = beam_range(cap.config.beam)[1]
        if not 1 <= beam <= most:
            raise RnnkitError(f"beam must be between 1 and {most}, got {beam}")
        pixels = cap.pixels([image])  # (1, 3, S, S) uint8: what the model sees
        best = cap.describe(pixels, beam=beam)[0]
        alternatives = []
        for width in sorted({1, 3, beam, min(limits.MAX_BEAM, 5)}):
            d = best if width == beam else cap.describe(pixels, beam=width)[0]
            alternatives.append({"beam": width, "caption": d.caption, "log_prob": float(d.score)})
        att = best.attention
        return {
            "caption": best.caption,
            "words": best.words,
            "log_prob": float(best.score),
            "attention": None if att is None else att.float().tolist(),  # (steps, side, side) or (steps, L)
            "ood_score": best.ood_score,
            "ood_threshold": best.ood_threshold,
            "unfamiliar": bool(best.unfamiliar),
            "alternatives": alternatives,
            "alternatives_note": WIDTHS_NOTE,
            "image": "data:image/png;base64," + base64.b64encode(png(pixels[0].numpy())).decode("ascii"),
        }


def read_image(data: bytes):  # -> PIL.Image.Image
    """Decode uploaded image bytes; sizes and formats are checked before any pixel is decoded."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise RnnkitError("the image is empty")
    if len(data) > limits.MAX_IMAGE_BYTES:
        raise RnnkitError(f"image too large: {len(data)} bytes (at most {limits.MAX_IMAGE_BYTES})")
    try:
        # reads the header only, and tries only the web's formats: Pillow would hand an EPS to
        # Ghostscript, a program of its own, where one is installed
        image = Image.open(io.BytesIO(data), formats=limits.IMAGE_FORMATS)
    except UnidentifiedImageError:
        formats = ", ".join(limits.IMAGE_FORMATS)
        raise RnnkitError(f"not a readable image (the formats read here: {formats})") from None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:  # a JPEG cut in its header
        raise RnnkitError(f"not a readable image ({_reason(exc)})") from None
    if max(image.size) > limits.MAX_IMAGE_SIDE:
        raise RnnkitError(
            f"image too large: {image.size[0]}x{image.size[1]} pixels (at most {limits.MAX_IMAGE_SIDE} a side)"
        )
    try:
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RnnkitError(f"not a readable image ({_reason(exc)})") from None
    return image


def _reason(exc: Exception) -> str:
    """What Pillow says is wrong with a file ("image file is truncated", "Truncated File Read"), in one
    short line; its type only where it says nothing (a cut JPEG was "not a readable image (OSError)")."""
    return (str(exc).splitlines() or [""])[0][:100] or exc.__class__.__name__


def png(chw) -> bytes:  # chw: (3, S, S) uint8 array
    """PNG bytes of a ``(3, S, S)`` uint8 array."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(chw.transpose(1, 2, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def sample_png(index: int) -> bytes:
    """Generated scene number ``index`` (0..SAMPLES-1) as PNG bytes: the same picture every time."""
    from rnnkit.caption.shapes import render, sample_scene

    if not 0 <= index < SAMPLES:
        raise RnnkitError(f"sample must be between 0 and {SAMPLES - 1}, got {index}")
    scene = sample_scene(random.Random(f"serve/{index}"), SAMPLE_SIDE, heldout=index % 6 == 5)
    buffer = io.BytesIO()
    render(scene).save(buffer, format="PNG")
    return buffer.getvalue()
