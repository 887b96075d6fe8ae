"""A picture's embedded ICC colour profile applied: its numbers converted to sRGB, which models read.

A photo from a phone or a camera set to a wide-gamut space (Display P3, Adobe RGB) stores numbers that
mean other colours than the same numbers in sRGB: sRGB's pure red is ``(234, 51, 35)`` in Display P3 and
``(219, 0, 0)`` in Adobe RGB. Read as sRGB, such a photo's colours shift (a red towards orange, a
green duller), and a model trained on sRGB pictures names them worse. A CMYK print file's inks mean
what its profile says. Every image viewer converts by the embedded profile; so does :func:`to_srgb`,
with littleCMS through Pillow's ``ImageCms``.

A picture without a profile is taken as sRGB (as browsers do). A profile that cannot be used (damaged,
or for another kind of picture: a CMYK profile in an RGB file) leaves the numbers as they are, with one
warning line on stderr per distinct profile (a data set from one camera would say it once per picture).
"""

from __future__ import annotations

import io
import sys
from functools import cache, lru_cache

from rnnkit.utils.wording import one_field

# the modes littleCMS converts from, and the profile colour space each needs
BASE_MODE = {"RGB": "RGB ", "L": "GRAY", "CMYK": "CMYK"}
ALPHA = {"RGBA": "RGB", "LA": "L"}  # transparency kept aside and put back after the conversion
_WARNED: set[bytes] = set()


@cache
def _srgb():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@lru_cache(maxsize=16)  # the photos of one camera share a profile: parsed and built once
def _transform(icc: bytes, mode: str):
    """littleCMS's transform from ``mode`` pixels in the colour space of ``icc`` to sRGB (RGB), or the
    reason it cannot be built (a string)."""
    try:
        from PIL import ImageCms
    except ImportError:  # a Pillow built without littleCMS (the wheels on PyPI all have it)
        return "this Pillow is built without littleCMS"
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = profile.profile.xcolor_space.strip()
        if space != BASE_MODE[mode].strip():
            return f"a profile for {space} pictures, not {mode} ones"
        # NOCACHE: a transform's one-pixel cache was not safe to share between threads before littleCMS 2.3
        # (its bindings, lcms2 for Rust, still ask for NOCACHE to share one), and this cached transform is
        # shared by the server's threads; the cache only saves work on runs of one colour
        return ImageCms.buildTransform(profile, _srgb(), mode, "RGB", flags=ImageCms.Flags.NOCACHE)
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError) as exc:  # "cannot open profile from string"
        return " ".join(str(exc).split()) or type(exc).__name__


def to_srgb(img, icc: bytes | None, name: object = "image"):
    """``img`` (a Pillow image) converted to sRGB by the ICC profile ``icc`` (the bytes of its file's
    ``img.info["icc_profile"]``): an ``RGB`` image (``RGBA`` when it had transparency, kept as it was);
    ``img`` itself when there is no profile, or for a mode a profile does not apply to here (the caller
    turns palette and high-bit images into ``RGB``/``RGBA``/``L`` first). ``name``: what the warning
    about an unusable profile calls the picture.
    """
    mode = ALPHA.get(img.mode, img.mode)
    if not icc or mode not in BASE_MODE:
        return img
    icc = bytes(icc)
    transform = _transform(icc, mode)
    if isinstance(transform, str):
        if icc not in _WARNED:
            _WARNED.add(icc)
            print(
                f"rnnkit: warning: the colour profile of {one_field(str(name))} cannot be used ({transform}); "
                "its colours, and those of any other picture with this profile, are read as sRGB",
                file=sys.stderr,
                flush=True,
            )
        return img
    alpha = img.getchannel("A") if img.mode in ALPHA else None
    rgb = transform.apply(img.convert(mode) if alpha is not None else img)
    if alpha is not None:
        rgb.putalpha(alpha)  # RGBA: transparency is no colour, and is composited onto white after
    return rgb
