"""A picture's embedded ICC colour profile applied: its numbers converted to sRGB, which models read.

A photo from a phone or a camera set to a wide-gamut space (Display P3, Adobe RGB) stores numbers that
mean other colours than the same numbers in sRGB: sRGB's pure red is ``(234, 51, 35)`` in Display P3 and
``(219, 0, 0)`` in Adobe RGB. Read as sRGB, such a photo's colours shift (a red towards orange, a
green duller), and a model trained on sRGB pictures names them worse. A CMYK print file's inks mean
what its profile says. Every image viewer converts by the embedded profile; so does :func:`to_srgb`,
with littleCMS through Pillow's ``ImageCms``.

A camera JPEG shot in Adobe RGB often carries no profile but says so in its EXIF block, by the
Design rule for Camera File system's option (``ColorSpace`` uncalibrated and interoperability index
``R03``; some cameras write ``ColorSpace`` 2): it is read as Adobe RGB (:func:`exif_profile`), as
Photoshop and Lightroom read it. Any other picture without a profile is taken as sRGB (as browsers do),
but for a PNG whose ``gAMA`` chunk says another curve (:mod:`rnnkit.caption.gamma`). A profile that cannot be used (damaged,
or for another kind of picture: a CMYK profile in an RGB file) leaves the numbers as they are, with one
warning line on stderr per distinct profile (a data set from one camera would say it once per picture).
"""

from __future__ import annotations

import io
import struct
import sys
import warnings
from functools import cache, lru_cache

from rnnkit.utils.wording import one_field

# the modes littleCMS converts from, and the profile colour space each needs
BASE_MODE = {"RGB": "RGB ", "L": "GRAY", "CMYK": "CMYK"}
ALPHA = {"RGBA": "RGB", "LA": "L"}  # transparency kept aside and put back after the conversion
_WARNED: set[bytes] = set()


# Adobe RGB (1998): its colorants adapted to D50 (X, Y, Z of red, green, blue), as Adobe's AdobeRGB1998.icc
# states them, and its gamma 2.2 (563/256)
ADOBE_RGB_COLORANTS = ((0.60974, 0.31111, 0.01947), (0.20528, 0.62567, 0.06087), (0.14919, 0.06322, 0.74457))
ADOBE_RGB_GAMMA = 563 / 256
D50 = (0.9642, 1.0, 0.8249)
EXIF_IFD, INTEROP_IFD, COLOR_SPACE, INTEROP_INDEX = 0x8769, 0xA005, 0xA001, 0x0001


def exif_profile(img) -> bytes | None:
    """An Adobe RGB profile for a picture whose EXIF block says it is Adobe RGB without embedding a
    profile (``ColorSpace`` 0xFFFF, uncalibrated, with interoperability index ``R03``, the DCF rule
    cameras follow; or ``ColorSpace`` 2, which some write), else None; None too when the block cannot
    be read (a damaged one costs no picture, as for its orientation), and for a picture that is not RGB
    (a gray or CMYK JPEG with the same tag: an RGB profile is not for it, and a warning would say so)."""
    if img.mode not in ("RGB", "RGBA", "P", "PA"):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exif = img.getexif()
            space = exif.get_ifd(EXIF_IFD).get(COLOR_SPACE)
            index = exif.get_ifd(INTEROP_IFD).get(INTEROP_INDEX) if space == 0xFFFF else None
    except (SyntaxError, ValueError, TypeError, KeyError, IndexError, EOFError, OSError, struct.error):
        return None
    if space == 2 or (isinstance(index, str) and index.strip("\0 ") == "R03"):
        return _adobe_rgb()
    return None


@cache
def _adobe_rgb() -> bytes:
    """An ICC version 2 matrix/curve profile of Adobe RGB (1998): a header, a tag table, then the tags."""

    def s15(values) -> bytes:
        return b"".join(struct.pack(">i", round(v * 65536)) for v in values)

    text = b"Adobe RGB (1998)\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 78  # no Unicode or Mac name
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(ADOBE_RGB_GAMMA * 256)) + b"\0\0"  # one gamma
    tags = [(b"desc", desc), (b"wtpt", b"XYZ \0\0\0\0" + s15(D50))]
    tags += [
        (sig, b"XYZ \0\0\0\0" + s15(xyz))
        for sig, xyz in zip((b"rXYZ", b"gXYZ", b"bXYZ"), ADOBE_RGB_COLORANTS, strict=True)
    ]
    tags += [(sig, curve) for sig in (b"rTRC", b"gTRC", b"bTRC")]
    start = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)  # each tag 4-byte aligned
        table += struct.pack(">4sII", sig, start + len(body), len(data))
        body += data
    header = (struct.pack(">I4sI4s4s4s", start + len(body), b"none", 0x02100000, b"mntr", b"RGB ", b"XYZ ")
              + b"\0" * 12 + b"acsp" + b"\0" * 28 + s15(D50) + b"\0" * 48)  # fmt: skip
    return header + struct.pack(">I", len(tags)) + table + body


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
