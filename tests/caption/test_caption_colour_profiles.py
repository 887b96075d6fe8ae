"""Pictures with an embedded ICC profile are read as the sRGB colours they mean (rnnkit.caption.colour).

The profiles are built from published primaries (helpers_icc), and the expected numbers computed by
formula: sRGB's red stored in Display P3 is (234, 51, 35), in Adobe RGB (219, 0, 0); read by the
profile, each must come back as (255, 0, 0), where read as sRGB it was the orange or dark red stored.
"""

import io

import numpy as np
import pytest
from helpers_icc import (
    ADOBE_GAMMA,
    ADOBE_RGB,
    DISPLAY_P3,
    cmyk_profile,
    gray_profile,
    rgb_profile,
    srgb_encode,
    srgb_in,
)
from PIL import Image

import rnnkit.caption.colour
from rnnkit.caption.images import load_image

TOLERANCE = 3  # 8-bit rounding of the stored numbers, and littleCMS's own arithmetic


def _saved(img: Image.Image, fmt: str, icc: bytes | None, name: str = "photo") -> io.BytesIO:
    data = io.BytesIO()
    img.save(
        data, fmt, **({"icc_profile": icc} if icc else {}), **({"quality": 100} if fmt == "JPEG" else {})
    )
    data.seek(0)
    data.name = name
    return data


def _colour(data: io.BytesIO) -> np.ndarray:
    pixels = load_image(data, 8).astype(int)  # (3, 8, 8), one colour
    return pixels[:, 4, 4]


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    monkeypatch.setattr(rnnkit.caption.colour, "_WARNED", set())  # each test sees its own warnings


def test_the_stored_numbers_are_the_published_ones():
    # the profiles' colour science, checked against published values before it is trusted below
    np.testing.assert_allclose(srgb_in(DISPLAY_P3, [255, 0, 0]), [234, 51, 35], atol=0.5)
    np.testing.assert_allclose(srgb_in(ADOBE_RGB, [255, 0, 0], ADOBE_GAMMA), [219, 0, 0], atol=0.5)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "WEBP"])
@pytest.mark.parametrize(
    ("primaries", "gamma"), [(DISPLAY_P3, None), (ADOBE_RGB, ADOBE_GAMMA)], ids=["display-p3", "adobe-rgb"]
)
@pytest.mark.parametrize("srgb", [(255, 0, 0), (0, 160, 60), (40, 90, 200)], ids=["red", "green", "blue"])
def test_a_wide_gamut_photo_is_read_as_the_srgb_colour_it_means(fmt, primaries, gamma, srgb):
    stored = tuple(int(v) for v in np.rint(srgb_in(primaries, srgb, gamma)))
    assert max(abs(a - b) for a, b in zip(stored, srgb, strict=True)) > 10  # read as sRGB: another colour
    icc = rgb_profile(primaries, "wide", gamma)
    if fmt == "WEBP" and "icc_profile" not in Image.open(_saved(Image.new("RGB", (8, 8)), fmt, icc)).info:
        pytest.skip("this Pillow's WebP writer drops the profile")
    got = _colour(_saved(Image.new("RGB", (32, 32), stored), fmt, icc))
    np.testing.assert_allclose(got, srgb, atol=TOLERANCE + (4 if fmt in ("JPEG", "WEBP") else 0))


def test_transparency_and_a_palette_keep_their_profile():
    icc = rgb_profile(DISPLAY_P3, "P3")
    rgba = Image.new("RGBA", (32, 32), (234, 51, 35, 255))
    rgba.paste((234, 51, 35, 0), (0, 0, 16, 32))  # the left half transparent: onto white, untouched
    pixels = load_image(_saved(rgba, "PNG", icc), 8).astype(int)  # (3, 8, 8)
    np.testing.assert_allclose(pixels[:, 4, 6], [255, 0, 0], atol=TOLERANCE)
    np.testing.assert_allclose(pixels[:, 4, 1], [255, 255, 255], atol=TOLERANCE)
    palette = Image.new("P", (32, 32), 0)
    palette.putpalette([234, 51, 35] + [0, 0, 0] * 255)
    np.testing.assert_allclose(_colour(_saved(palette, "PNG", icc)), [255, 0, 0], atol=TOLERANCE)


@pytest.mark.parametrize("mode", ["L", "I;16"])
def test_a_gray_profile_is_applied_to_8_and_16_bit_grayscale(mode):
    # gamma 1.0: gray level 128 is half of white's light, which sRGB stores as 188
    level = 128 if mode == "L" else 128 * 257
    got = _colour(_saved(Image.new(mode, (32, 32), level), "PNG", gray_profile(1.0)))
    np.testing.assert_allclose(got, [srgb_encode(128 / 255)] * 3, atol=TOLERANCE)


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_a_cmyk_picture_is_read_by_its_profile(fmt):
    # this printer's full cyan is (0, 160, 220) in sRGB, no longer the (0, 255, 255) of plain arithmetic
    inks = {(1, 0, 0, 0): (0, 160, 220), (0, 1, 1, 0): (200, 30, 40)}
    icc = cmyk_profile(inks)
    for cmyk, srgb in (((255, 0, 0, 0), (0, 160, 220)), ((0, 255, 255, 0), (200, 30, 40)),
                       ((0, 0, 0, 0), (255, 255, 255)), ((0, 0, 0, 255), (0, 0, 0))):  # fmt: skip
        got = _colour(_saved(Image.new("CMYK", (32, 32), cmyk), fmt, icc))
        np.testing.assert_allclose(got, srgb, atol=TOLERANCE + 2, err_msg=str(cmyk))


def test_a_cmyk_jpeg_without_a_profile_is_read_by_plain_arithmetic():
    got = _colour(_saved(Image.new("CMYK", (32, 32), (255, 0, 0, 0)), "JPEG", None))
    np.testing.assert_allclose(got, [0, 255, 255], atol=TOLERANCE)


def test_an_in_memory_image_is_read_by_its_profile_as_its_file_is(tmp_path):
    from rnnkit.caption.inputs import from_memory

    data = _saved(Image.new("RGB", (32, 32), (234, 51, 35)), "PNG", rgb_profile(DISPLAY_P3, "P3"))
    with Image.open(data) as img:
        img.load()
        np.testing.assert_array_equal(from_memory(img, 8), load_image(data, 8))
    np.testing.assert_allclose(from_memory(img, 8)[:, 4, 4], [255, 0, 0], atol=TOLERANCE)


@pytest.mark.parametrize(
    ("icc", "why"),
    [
        (b"not a profile" * 20, "cannot open profile"),
        (cmyk_profile({}), "a profile for CMYK pictures, not RGB"),
    ],
    ids=["damaged", "for-cmyk"],
)
def test_an_unusable_profile_leaves_the_numbers_with_one_warning(icc, why, capsys):
    for name in ("a.png", "b.png"):
        got = _colour(_saved(Image.new("RGB", (32, 32), (234, 51, 35)), "PNG", icc, name))
        np.testing.assert_array_equal(got, [234, 51, 35])  # as they are: no traceback, no guess
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: warning: the colour profile of a.png"), err
    assert why in err[0] and "read as sRGB" in err[0]


def test_a_picture_without_a_profile_is_read_as_srgb():
    np.testing.assert_array_equal(_colour(_saved(Image.new("RGB", (32, 32), (234, 51, 35)), "PNG", None)),
                                  [234, 51, 35])  # fmt: skip


def _exif(space: int, interop: str | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0xA001] = space  # ColorSpace, in the EXIF block
    if interop is not None:
        exif.get_ifd(0x8769)[0xA005] = {0x0001: interop}  # the interoperability index
    return exif


@pytest.mark.parametrize(
    ("space", "interop", "srgb"),
    [
        (0xFFFF, "R03", (255, 0, 0)),
        (2, None, (255, 0, 0)),
        (1, None, (219, 0, 0)),
        (0xFFFF, "R98", (219, 0, 0)),
    ],
    ids=["uncalibrated-R03", "colorspace-2", "srgb", "uncalibrated-R98"],
)
def test_a_camera_jpeg_marked_adobe_rgb_in_its_exif_is_read_as_adobe_rgb(space, interop, srgb):
    # a Canon set to Adobe RGB embeds no profile: the DCF rule marks it (ColorSpace uncalibrated, R03)
    data = io.BytesIO()
    Image.new("RGB", (32, 32), (219, 0, 0)).save(data, "JPEG", quality=100, exif=_exif(space, interop))
    np.testing.assert_allclose(_colour(data), srgb, atol=TOLERANCE)


def test_an_embedded_profile_wins_over_the_exif_mark():
    data = io.BytesIO()
    Image.new("RGB", (32, 32), (234, 51, 35)).save(data, "PNG", icc_profile=rgb_profile(DISPLAY_P3, "P3"),
                                                    exif=_exif(0xFFFF, "R03"))  # fmt: skip
    np.testing.assert_allclose(_colour(data), [255, 0, 0], atol=TOLERANCE)  # Display P3's red, not Adobe's


@pytest.mark.parametrize(("mode", "value"), [("L", 128), ("CMYK", (0, 0, 0, 0))])
def test_a_gray_or_cmyk_jpeg_with_the_adobe_exif_mark_reads_as_it_is_and_warns_nothing(mode, value, capsys):
    """The EXIF mark is an RGB camera's: on a gray JPEG it gave a warning that 'a profile for RGB pictures'
    could not be used, about a profile the picture does not have."""
    data = io.BytesIO()
    Image.new(mode, (32, 32), value).save(data, "JPEG", quality=100, exif=_exif(2))
    expected = [128, 128, 128] if mode == "L" else [255, 255, 255]
    np.testing.assert_allclose(_colour(data), expected, atol=TOLERANCE)
    assert "warning" not in capsys.readouterr().err
