"""A PNG's ``gAMA`` chunk applied: pixels stored on another curve than sRGB's read as sRGB's numbers.

A PNG may say how its numbers encode light with a gamma ``g`` (Pillow: ``img.info["gamma"]``): the
light of a value ``v`` in 0..1 is ``v ** (1 / g)``. Most pictures say ``g = 0.45455`` (1/2.2, sRGB's
curve, near enough) and are read as they are. A renderer's linear PNG says ``g = 1.0``: its middle
gray ``128`` is half the light, which sRGB writes as ``188``; read as sRGB it was far too dark, and a
model trained on sRGB pictures saw another picture than every browser shows. Such a picture is
converted: each value decoded by its gamma to light, then encoded by sRGB's curve (IEC 61966-2-1),
by a lookup table of 256 entries (Pillow's ``Image.point``; Pillow's ``ImageCms`` builds no profile
from a gamma), or, for 16-bit grayscale, by the same curve before the values are rounded to 8 bits
(:func:`encode_high_bit`), so a linear scan keeps its dark tones.

Left as they are: a gamma within 5% of 1/2.2 (libpng's threshold for "no correction": what it
changes there is not seen), a picture with an ICC profile or an ``sRGB`` chunk (each says more than
``gAMA``, and PNG readers take them first), and an invalid gamma (0, or outside libpng's range),
which libpng ignores too. A ``cHRM`` chunk (other primaries) is not read: the colours are taken as
sRGB's primaries, as most viewers do without a profile. Transparency is light-free and never converted.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SRGB_GAMMA = 1 / 2.2  # what a PNG of sRGB-like numbers says (stored as 45455 / 100000)
THRESHOLD = 0.05  # libpng's PNG_GAMMA_THRESHOLD: |g * 2.2 - 1| within it is not corrected
VALID = (0.00016, 6250.0)  # libpng's range of a gAMA value (16 .. 625000000 / 100000); others are ignored
COLOUR_MODES = ("L", "LA", "RGB", "RGBA")  # the 8-bit modes converted: every band but the alpha


def file_gamma(img, icc: bytes | None) -> float | None:
    """The gamma a Pillow image's ``gAMA`` chunk says when it is to be converted, else None: none given,
    sRGB-like, invalid, or overridden by an ICC profile (``icc``) or an ``sRGB`` chunk."""
    gamma = img.info.get("gamma")
    if icc or "srgb" in img.info or not isinstance(gamma, (int, float)):
        return None
    if not VALID[0] <= gamma <= VALID[1] or abs(gamma / SRGB_GAMMA - 1) <= THRESHOLD:
        return None
    return float(gamma)


def to_srgb_curve(values: np.ndarray, gamma: float) -> np.ndarray:
    """``values`` in 0..1 encoded with ``gamma`` as sRGB-encoded values in 0..1 (float64)."""
    light = np.clip(values, 0.0, 1.0) ** (1.0 / gamma)  # linear light
    return np.where(light <= 0.0031308, 12.92 * light, 1.055 * light ** (1 / 2.4) - 0.055)


@lru_cache(maxsize=8)  # one table per gamma: a renderer's frames all say 1.0
def _table(gamma: float) -> list[int]:
    """The 256-entry lookup table of :func:`to_srgb_curve` for 8-bit values."""
    return np.rint(to_srgb_curve(np.arange(256) / 255.0, gamma) * 255).astype(int).tolist()


def encode_8bit(img, gamma: float | None):
    """A Pillow image of :data:`COLOUR_MODES` with its colour bands on sRGB's curve (the alpha band
    kept); ``img`` itself when ``gamma`` is None or its mode has no colour bands to convert."""
    if gamma is None or img.mode not in COLOUR_MODES:
        return img
    table = _table(gamma)
    identity = list(range(256))
    bands = [identity if band == "A" else table for band in img.mode]
    return img.point([v for band in bands for v in band])


def encode_high_bit(values: np.ndarray, gamma: float | None) -> np.ndarray:
    """8-bit-scale float ``values`` (0..255, not yet rounded) on sRGB's curve when ``gamma`` is given:
    16-bit grayscale converted before its rounding to 8 bits loses the dark steps of a linear picture."""
    if gamma is None:
        return values
    return (to_srgb_curve(values / 255.0, gamma) * 255.0).astype(np.float32)
