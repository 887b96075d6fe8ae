"""Reading images as fixed-size RGB tensors, whatever they arrive as.

Behaviour on awkward input (documented in docs/caption.md):

- grayscale (``L``, ``1``), palette and CMYK images are converted to RGB;
- an embedded ICC colour profile (Display P3, Adobe RGB, a CMYK printer's, a gray one) is applied: the
  colours become the sRGB numbers they mean (:mod:`rnnkit.caption.colour`); a picture without one is
  taken as sRGB, and one whose profile cannot be used is read as its numbers are, with a warning line;
- a PNG whose ``gAMA`` chunk says another curve than sRGB's (a renderer's linear PNG, gamma 1.0) is
  converted to sRGB's curve (:mod:`rnnkit.caption.gamma`); ``cHRM`` is not read;
- high-bit grayscale is scaled to 8 bits on a fixed scale, not by the image's own maximum:
  16-bit (``I;16``, ``I;16B``, and ``I``, 32-bit integer) as ``round(v / 257)`` (65535 -> 255,
  32768 -> 128; ``I`` values outside 0..65535 clipped), ``F`` (float) on Pillow's 0..255 scale;
- RGBA / LA / palette-with-transparency images are composited onto white, then RGB, and so are
  grayscale and RGB pictures with one transparent colour (a PNG's ``tRNS`` chunk: :func:`with_alpha`);
- a photo's EXIF orientation is applied (a phone's portrait photo, stored on its side, is read upright,
  as every image viewer shows it); a damaged EXIF block costs no picture: what of it can be read is used,
  else the picture is read as stored, and Pillow's warnings about it are not printed;
- any size is resized to ``size x size`` (aspect ratio not kept: captions describe the whole frame);
  JPEGs are decoded at reduced scale first (``draft``), and a picture above 16 megapixels is box-averaged
  down before any conversion (:func:`shrunk`), so a huge picture costs little beyond its decoding;
- an image above Pillow's decompression-bomb limit (about 179 megapixels) is refused, its size said;
- an image smaller than 4x4 pixels is refused (too little to describe; resizing would invent it);
- an unreadable or non-image file raises :class:`RnnkitError` naming it (and saying what it is where
  its first bytes tell: an empty file, an SVG drawing, a PDF, a HEIC or AVIF photo, an archive, a web
  page or other text; Pillow's reason for a truncated one), or, with ``skip=True``, is skipped and
  counted;
- an animation or a multi-page file (GIF, APNG, WebP, TIFF) is read as its first frame;
- a missing path holding ``*``, ``?`` or ``[`` is named as a shell pattern that matched no file, and a
  symbolic link to nothing (in a folder too: :func:`images_in` keeps it) by where it points.

Files and in-memory Pillow images go through the same :func:`to_rgb`, so an image gives the same pixels
(and caption) whether it is passed as a path or opened first.
"""

from __future__ import annotations

import codecs
import os
import re
import struct
import warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
import torch

from rnnkit.utils.byte_order import archive
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.user_paths import expand_user
from rnnkit.utils.wording import one_field

MIN_SIDE = 4  # smaller images hold too little to describe: an error, not a guess
# a URL's scheme (https://, file://; a Path keeps one slash of two), or a data URL (data:image/png;base64,...):
# named as one when no file has its name. Two letters at least: C:/photo.png is a Windows path
URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]+:/|data:)")
SHOWN_URL = 80  # characters of a URL an error shows: a data URL holds the whole picture
ORIENTATION = 0x0112  # the EXIF tag of how a photo is to be turned for viewing (1: as stored)


def check_side(size: tuple[int, int], name: object) -> None:
    """Refuse images smaller than ``MIN_SIDE`` pixels on a side (one-line error)."""
    if min(size) < MIN_SIDE:
        raise RnnkitError(
            f"image too small to describe: {name} is {size[0]}x{size[1]} pixels (at least {MIN_SIDE}x{MIN_SIDE})"
        )


def high_bit_to_8bit(img, gamma: float | None = None) -> np.ndarray:
    """A high-bit grayscale Pillow image (``I;16*``, ``I``, ``F``) as a ``uint8`` array, on a fixed scale.

    16-bit values (``I;16``, ``I;16B``, ... and ``I``, which Pillow gives for 16-bit PGM/PNM and
    32-bit integer TIFFs) become ``round(v / 257)``: 65535 -> 255, 32768 -> 128, 1000 -> 4, so a dark
    scan stays dark (the image's own maximum plays no part); ``I`` values outside 0..65535 are clipped
    to it. ``F`` (32-bit float) is on Pillow's 0..255 scale (what ``convert("F")`` of an 8-bit image
    gives): rounded, values outside clipped, NaN black. ``gamma``: a PNG's ``gAMA`` to convert from
    (:func:`rnnkit.caption.gamma.file_gamma`), applied before the rounding.
    """
    from rnnkit.caption.gamma import encode_high_bit

    arr = np.asarray(img, dtype=np.float32)
    if img.mode != "F":
        arr = arr / np.float32(257.0)  # no integer v lands on .5 (257 is odd): rounding is exact
    arr = np.nan_to_num(arr, nan=0.0, posinf=255.0, neginf=0.0)
    arr = encode_high_bit(np.clip(arr, 0, 255), gamma)
    return np.clip(np.rint(arr), 0, 255).astype(np.uint8)


# 0..1 or 0..255? A float image is refused rather than guessed at (a wrong guess is a black or white picture).
FLOAT_HINT = "; floats are not guessed at: convert to uint8 (values in 0..1: multiply by 255 first)"


def check_float_scale(img, name: object = "image") -> None:
    """Refuse a float Pillow image (mode ``F``) whose values all lie in 0..1 (a one-line RnnkitError).

    Pillow's scale for ``F`` is 0..255 (:func:`high_bit_to_8bit`), on which such an image is near-black;
    almost surely it holds 0..1 pixels (a float TIFF from NumPy or a scientific camera's software), which
    were described as a black picture without a word. Made in memory or read from a file alike.
    """
    if img.mode != "F":
        return
    values = np.asarray(img, dtype=np.float32)
    finite = values[np.isfinite(values)]
    if finite.size and 0.0 < finite.max() <= 1.0 and finite.min() >= 0.0:
        where = "" if str(name) == "image" else f"{name}: "
        raise RnnkitError(
            f"{where}a float image (Pillow mode F) with values in 0..1 would be read as black on Pillow's "
            "0..255 scale" + FLOAT_HINT
        )


LARGE = 4096 * 4096  # pixels; a larger picture is shrunk by box averages before it is converted


def orientation(img) -> int:
    """The EXIF orientation of a Pillow image (1: as stored, 6: turn 90 degrees clockwise to view, ...);
    1 when its EXIF block cannot be read. Why: a damaged block ('not a TIFF file', a tag cut short)
    refused the whole picture, or was a struct.error traceback, where viewers show it as stored; Pillow's
    warnings about such a block (several lines on stderr) are silenced too."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = img.getexif().get(ORIENTATION, 1)
    except (SyntaxError, ValueError, TypeError, KeyError, IndexError, EOFError, OSError, struct.error):
        return 1  # the metadata only: getexif reads no pixel, so a damaged picture still fails later
    return value if isinstance(value, int) else 1


@cache
def _turns() -> dict[int, int]:
    """EXIF orientation -> the ``Image.transpose`` method that shows the picture upright, as
    ``ImageOps.exif_transpose`` turns it (which also rewrites the EXIF block: a damaged one fails there)."""
    from PIL.Image import Transpose

    return {
        2: Transpose.FLIP_LEFT_RIGHT,
        3: Transpose.ROTATE_180,
        4: Transpose.FLIP_TOP_BOTTOM,
        5: Transpose.TRANSPOSE,
        6: Transpose.ROTATE_270,
        7: Transpose.TRANSVERSE,
        8: Transpose.ROTATE_90,
    }


def shrunk(img, size: int):
    """``img`` (a Pillow image) box-averaged by whole factors to no less than ``4 * size`` pixels a side
    when it holds more than :data:`LARGE` pixels, else ``img`` itself; its mode kept, but for those
    ``Image.reduce`` cannot average: ``1`` becomes ``L``, palette ``RGB`` (``RGBA`` with transparency),
    16-bit ``I``.

    Why: each conversion of :func:`to_rgb` copies the whole picture; a 13000x13000 RGBA PNG (3 MB on
    disk, under Pillow's decompression-bomb limit) took 3.6 GB to read (1.6 GB now), a 16-bit one 2.7 GB
    (1.3 GB). Pillow averages colours with transparency premultiplied by their alpha, so a transparent
    pixel's hidden colour does not bleed in. The resize that follows sees 4 or more pixels per output pixel.
    """
    factor = (max(1, img.width // (4 * size)), max(1, img.height // (4 * size)))
    if img.width * img.height <= LARGE or factor == (1, 1):
        return img
    if img.mode == "1":
        img = img.convert("L")
    elif img.mode in ("P", "PA"):
        img = img.convert("RGBA" if img.mode == "PA" or "transparency" in img.info else "RGB")
    elif img.mode.startswith("I;16"):
        img = img.convert("I")  # the values kept: high_bit_to_8bit scales them as before
    try:
        return img.reduce(factor)  # RGBA and LA averaged premultiplied by their alpha (Pillow does so)
    except ValueError:  # a mode reduce does not take ("image has wrong mode"): read whole, as before
        return img


def with_alpha(img, gamma: float | None = None):
    """``img`` with its one transparent colour made an alpha channel: a grayscale, black-and-white or
    RGB picture whose ``info["transparency"]`` names a colour (a PNG's ``tRNS`` chunk) as ``LA`` or
    ``RGBA`` (high-bit grayscale as 8-bit ``LA``, on :func:`high_bit_to_8bit`'s scale, with ``gamma``); any other
    picture as it is (a palette's transparency is converted with the palette).

    Why: PNG optimisers (oxipng, pngcrush, OptiPNG) store a picture whose transparent pixels share one
    colour so, with no alpha channel; its transparent background, black in the numbers, was read as
    black where every viewer shows the page behind it (white here, as for other transparency).
    """
    from PIL import Image

    clear = img.info.get("transparency")
    if clear is None:
        return img
    if (img.mode in ("1", "L") and isinstance(clear, int)) or (
        img.mode == "RGB" and isinstance(clear, tuple)
    ):
        return img.convert("RGBA" if img.mode == "RGB" else "LA")  # Pillow applies the colour as alpha
    if img.mode in ("I", "I;16", "I;16L", "I;16B") and isinstance(clear, int):
        alpha = np.where(np.asarray(img) == clear, 0, 255).astype(np.uint8)
        gray = Image.fromarray(high_bit_to_8bit(img, gamma))
        gray.putalpha(Image.fromarray(alpha))
        return gray  # LA
    return img


def to_rgb(img, size: int, name: object = "image"):
    """An open Pillow image as an RGB Pillow image of ``size x size``, by the rules of the module docstring
    (EXIF orientation, colour profile, transparency onto white, high-bit grayscale on a fixed scale);
    ``name``: what a warning about it calls the picture."""
    from PIL import Image

    from rnnkit.caption.colour import exif_profile, to_srgb
    from rnnkit.caption.gamma import encode_8bit, file_gamma

    # some conversions below drop the profile, not the meaning of the numbers; a camera's Adobe RGB JPEG
    # often says what it is in its EXIF block instead of embedding a profile
    icc = img.info.get("icc_profile") or exif_profile(img)
    gamma = file_gamma(img, icc)  # a PNG's gAMA unlike sRGB's (a renderer's linear PNG), else None
    turn = _turns().get(orientation(img))
    if turn is not None:
        img = img.transpose(turn)  # upright, as viewers show it
    high_bit = img.mode.startswith("I") or img.mode == "F"  # gamma applied before rounding to 8 bits
    img = with_alpha(img, gamma)
    img = shrunk(img, size)
    plain = {"RGBa": "RGBA", "La": "LA"}.get(img.mode)  # premultiplied: in-memory images only
    if plain:
        img = img.convert(plain)  # Pillow converts La to RGBA not at all ("La to L not supported")
    if img.mode in ("P", "PA"):  # the palette's colours are in the profile's space, as RGB pixels are
        img = img.convert("RGBA" if img.mode == "PA" or "transparency" in img.info else "RGB")
    elif img.mode.startswith("I") or img.mode == "F":
        check_float_scale(img, name)
        img = Image.fromarray(
            high_bit_to_8bit(img, gamma)
        )  # high-bit grayscale: Pillow's convert saturates I;16
    img = encode_8bit(img, None if high_bit else gamma)  # a linear PNG's numbers as sRGB's
    if icc:  # converted at the model's size: littleCMS took 1.2 s for a 12-megapixel PNG, 40% of its reading
        img = img.resize((size, size), Image.Resampling.BILINEAR)  # RGBA, LA premultiplied by Pillow
    img = to_srgb(img, icc, name)  # a Display P3, Adobe RGB or CMYK picture's colours as sRGB's numbers
    if img.mode in ("RGBA", "LA"):
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        rgb = Image.alpha_composite(white, img.convert("RGBA")).convert("RGB")
    else:
        rgb = img.convert("RGB")
    return rgb.resize((size, size), Image.Resampling.BILINEAR)


# how a folder's images are told from its other files, said where files are left out: a PNG saved without
# a suffix was said to be no image Pillow reads, which no one had looked at
BY_SUFFIX = "a folder's files are chosen by suffix, not opened: give one by its path to read it anyway"


@cache
def image_suffixes() -> frozenset[str]:
    """The file name suffixes (lower case, with the dot: ``.jpg``) of the formats Pillow reads: how a
    folder's images are told from its other files, and a captions file's image names from words."""
    from PIL import Image

    kinds = Image.registered_extensions()  # first: it loads every plugin, which fills Image.OPEN
    reads = {*Image.OPEN, "MPO"}  # an MPO (a stereo camera's JPEG pair) is opened by the JPEG reader
    return frozenset(suffix.lower() for suffix, kind in kinds.items() if kind in reads)


def images_in(paths: Sequence[str | Path], left_out: list[Path] | None = None) -> list[Path]:
    """``paths`` with each folder replaced by the image files directly inside it, by name: the files
    whose suffix Pillow reads (``.png``, ``.jpg``, ``.webp``, ...), hidden ones left out. A folder
    holding none is a one-line error; a file is kept as given (an unreadable one is named when read).
    ``left_out`` gets a folder's other (not hidden) files and the folders in it, which are not searched,
    for the caller to name: an iPhone's ``.HEIC`` photos beside its ``.JPG`` ones, or a ``2019/`` folder
    of photos beside a cover picture, were left out without a word. A format Pillow writes but cannot
    read (``.pdf``) is such an other file: a PDF beside the photos was read, and failed, as one.
    """
    readable = image_suffixes()
    out: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            out.append(path)
            continue
        # a link to nothing (a photo on a drive not mounted) is a file, named when read: it was left out
        # in silence, and a folder of such links was "a folder with no image file in it"
        files = sorted(
            p for p in path.iterdir() if not p.name.startswith(".") and (p.is_file() or _dangling(p))
        )
        found = [p for p in files if p.suffix.lower() in readable]
        others = [p for p in files if p.suffix.lower() not in readable]
        inner = sorted(p for p in path.iterdir() if not p.name.startswith(".") and p.is_dir())
        if not found:
            besides = (
                f"; none of its {len(others)} file(s) has an image suffix Pillow reads, such as "
                f"{one_field(others[0].name)} ({BY_SUFFIX})"
                if others
                else ""
            )
            if inner:  # photos/2019/, photos/2020/: folders inside are not searched; say how to give them
                besides += (
                    f"; the folders in it are not searched: give them, such as {one_field(str(inner[0]))}"
                )
            raise RnnkitError(f"{path} is a folder with no image file in it (.png, .jpg, ...){besides}")
        out += found
        if left_out is not None:
            left_out += others + inner
    return out


def load_image(path: str | Path | BinaryIO, size: int) -> np.ndarray:
    """Read one image as ``uint8`` array of shape ``(3, size, size)``; unreadable files raise RnnkitError.

    ``path`` may be an open binary file (the bytes of ``describe -``, an ``io.BytesIO``), read the same
    way and named in errors by its ``name`` attribute (an open file's path, ``-``), else ``image``.
    """
    from PIL import Image, UnidentifiedImageError

    _quiet_pillow_logs()
    if isinstance(path, (str, Path)) and URL.match(str(path)) and not os.path.exists(path):
        raise RnnkitError(_url_error(str(path)))  # before opening: a data URL's name is too long for one
    if isinstance(path, (str, Path)):
        path = Path(expand_user(path))  # describe("~/photo.png") as a shell reads it
    shown = path if isinstance(path, Path) else (getattr(path, "name", None) or "image")
    # a stream of no name (io.BytesIO) is "unreadable image (...)": "unreadable image image" read as a slip
    unreadable = "unreadable image" + ("" if shown == "image" else f" {shown}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # a damaged EXIF block ('Corrupt EXIF data', read by JPEG's open) printed Python's warning lines
            # on stderr; the picture is read all the same (orientation)
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
            with Image.open(path) as img:
                check_side(img.size, shown)
                img.draft("RGB", (size, size))  # JPEG: decode at 1/2..1/8 scale when that is enough
                rgb = to_rgb(img, size, shown)
    except FileNotFoundError:
        raise RnnkitError(f"image not found: {shown}{_link_hint(shown)}{_pattern_hint(shown)}") from None
    except IsADirectoryError:
        raise RnnkitError(  # the command line describes a folder's images; in Python the caller lists them
            f"image path is a folder: {shown}; give its images, e.g. sorted(Path({str(shown)!r}).glob('*.png')) "
            "(rnnkit caption describe reads a folder's images)"
        ) from None
    except RnnkitError:
        raise
    except Image.DecompressionBombError as exc:
        raise RnnkitError(f"image too large to read safely: {shown}{_bomb_sizes(exc)}") from None
    except UnidentifiedImageError:
        raise RnnkitError(f"{unreadable} ({_unidentified(path)})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        why = " ".join(str(exc).split())  # Pillow's reason ("image file is truncated"), on one line
        raise RnnkitError(f"{unreadable} ({exc.__class__.__name__}{f': {why}' if why else ''})") from None
    return np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1).copy()  # (3, S, S)


def _bomb_sizes(exc: Exception) -> str:
    """How large a picture Pillow refused as a possible decompression bomb is, against its limit, and
    what to do, from Pillow's message (``Image size (196000000 pixels) exceeds limit of 178956970
    pixels, ...``); empty where the message says no sizes. Why: ``image too large to read safely``
    alone left a user with a real 200-megapixel scan or panorama no way on."""
    found = re.search(r"\((\d+) pixels\) exceeds limit of (\d+) pixels", str(exc))
    if found is None:
        return ""
    size, limit = (int(n) for n in found.groups())

    def shown(n: int) -> str:
        return f"{n / 1e6:.1f} megapixels" if n >= 1_000_000 else f"{n:,} pixels"

    return (
        f" ({shown(size)}, above the {shown(limit)} Pillow decodes, its guard against decompression bombs); "
        "shrink it first, e.g. to 8000x8000 pixels"
    )


@cache
def _quiet_pillow_logs() -> None:
    """Give Pillow's logger a handler that drops records, as a library's own logger should have. Why:
    without one, Python prints its ERROR records to stderr itself ('More samples per pixel than can be
    decoded: 5000' from a damaged TIFF), a stray line before the one-line error; a program that sets up
    logging still gets them (the records still go up to its handlers)."""
    import logging

    logging.getLogger("PIL").addHandler(logging.NullHandler())


# The ISO base media brands of HEIF/HEIC (iPhone photos) and AVIF: Pillow reads neither without a plugin.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}
JXL_SIGNATURES = (b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n")  # JPEG XL: bare codestream, container


def _unidentified(path: Path | BinaryIO) -> str:
    """Why Pillow could not tell what ``path`` is, from its first bytes: an empty file, an SVG drawing, a
    PDF, a HEIC, AVIF or JPEG XL photo, a compressed file or an archive, a web page, other text (each
    with what to do), else Pillow's error's name. Why: every one of them was
    the same ``(UnidentifiedImageError)``, which tells a user neither what is wrong nor what to do."""
    from PIL import features

    try:
        if isinstance(path, Path):
            with path.open("rb") as f:
                head = f.read(4096)
        else:
            path.seek(0)
            head = path.read(4096)
    except (OSError, ValueError):
        return "UnidentifiedImageError"
    if not head:
        return "an empty file: 0 bytes"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS | AVIF_BRANDS:
        if head[8:12] in AVIF_BRANDS and features.check("avif"):  # Pillow 11.2+ built with libavif
            return "an AVIF file Pillow could not decode: damaged, or cut short?"
        kind = "an AVIF" if head[8:12] in AVIF_BRANDS else "a HEIC/HEIF"
        return f"{kind} photo, which Pillow does not read here: convert it to JPEG or PNG first"
    if head.startswith(JXL_SIGNATURES):  # an iPhone's ProRAW, a camera's or an editor's export
        return "a JPEG XL picture, which Pillow does not read here: convert it to JPEG or PNG first"
    if head.startswith(b"%PDF"):
        return "a PDF document, not a picture: export its page as PNG first"
    if found := archive(head):  # photos.zip, or a picture still gzip-compressed (a .png.gz download)
        what, tool = found
        fix = "unzip it and give the pictures inside" if tool == "unzip" else "decompress it first"
        return f"{what}, not a picture: {fix}"
    markup = _markup_start(head)
    if markup.lower().startswith((b"<!doctype html", b"<html")):  # before SVG: a page may hold an <svg>
        # a download that saved the page an image was shown on, or the server's error or login page
        return "a web page (HTML), not a picture: download the image itself, not the page"
    if markup.startswith(b"<") and b"<svg" in markup.lower():
        return "an SVG drawing, not a picture of pixels: convert it to PNG first"
    if _is_text(head):
        return "a text file, not a picture"
    return "UnidentifiedImageError"


def _markup_start(head: bytes) -> bytes:
    """``head`` from its first element or doctype on: a byte-order mark, whitespace, XML declarations
    (``<?xml ...?>``) and comments (``<!-- ... -->``) skipped. Why: a page a browser saved starts with
    ``<!-- saved from url=... -->`` and an XHTML page with ``<?xml ...?>``; looking at the first bytes
    alone called such a page, holding an ``<svg>``, an SVG drawing."""
    markup = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    while markup.startswith((b"<?", b"<!--")):
        end = markup.find(b"?>" if markup.startswith(b"<?") else b"-->")
        if end < 0:  # not closed within the bytes read: nothing more to tell
            return markup
        markup = markup[end + (2 if markup.startswith(b"<?") else 3) :].lstrip()
    return markup


def _is_text(head: bytes) -> bool:
    """Whether ``head``, a file's first bytes, reads as UTF-8 text: no byte that UTF-8 forbids (the last
    character may be cut by the read) and no control character but tab, line breaks and form feed."""
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head)  # not final: a cut character
    except UnicodeDecodeError:
        return False
    return not re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text)


def refuse_url(text: str) -> None:
    """One line for an image argument of the command line that is a URL and no file (:func:`_url_error`
    with the shell's way to give a data URL's picture): on its text as typed, which a ``Path`` would
    change (``https:/example.org``, one slash of two kept)."""
    if URL.match(text) and not os.path.exists(text):
        raise RnnkitError(_url_error(text, shell=True))


def _url_error(url: str, shell: bool = False) -> str:
    """What a URL given as an image path is told: nothing is downloaded; a data URL holds its picture,
    given on standard input (``shell``, the command line) or as a file object (Python)."""
    shown = url if len(url) <= SHOWN_URL else url[: SHOWN_URL - 3] + "..."
    if url.startswith("data:"):
        reads = (
            'standard input: echo "${URL#*,}" | base64 -d | rnnkit caption describe --model MODEL -'
            if shell
            else "io.BytesIO(base64.b64decode(url.split(',', 1)[1]))"
        )
        return f"{shown} is a data URL: rnnkit reads image files, not URLs; give its picture as {reads}"
    return (
        f"{shown} is a URL: rnnkit reads image files, not URLs (nothing is downloaded); download the image "
        "and give its path"
    )


def _dangling(path: Path) -> bool:
    """Whether ``path`` is a symbolic link to nothing."""
    return path.is_symlink() and not path.exists()


def _link_hint(shown: object) -> str:
    """For a path that is a link to nothing: where it points. ``ls`` lists such a photo (a link into a
    drive that is not mounted), so "image not found" alone read as a mistake of rnnkit's."""
    if not isinstance(shown, Path) or not _dangling(shown):
        return ""
    try:
        target = os.readlink(shown)
    except OSError:
        return " (a symbolic link to nothing)"
    return f" (a symbolic link to {one_field(target)}, which does not exist)"


def _pattern_hint(shown: object) -> str:
    """A path holding ``*``, ``?`` or ``[``: most likely a shell pattern that matched no file, which the
    shell passes on as typed (``photos/*.jpg`` of an empty folder)."""
    return " (a pattern that matched no file?)" if any(c in str(shown) for c in "*?[") else ""


def load_images(
    paths: Sequence[str | Path], size: int, skip: bool = False, show_progress: bool = False
) -> tuple[torch.Tensor, list[int], list[str]]:
    """Read many images.

    Args:
        paths: image files.
        size: output side in pixels.
        skip: True skips unreadable files (returned in the third value); False raises on the first.

    Returns:
        ``(images, kept, problems)``: a ``uint8`` tensor ``(N_kept, 3, size, size)``, the indices of
        ``paths`` that were read, and one message per skipped file.
    """
    from rnnkit.utils.progress import progress

    arrays, kept, problems = [], [], []
    for i, p in enumerate(progress(paths, "images", enabled=show_progress)):
        try:
            arrays.append(load_image(p, size))
            kept.append(i)
        except RnnkitError as exc:
            if not skip:
                raise
            problems.append(str(exc))
    if not arrays:
        return torch.zeros(0, 3, size, size, dtype=torch.uint8), kept, problems
    return torch.from_numpy(np.stack(arrays)), kept, problems  # (N, 3, S, S)
