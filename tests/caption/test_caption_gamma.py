"""A PNG whose ``gAMA`` chunk says another curve than sRGB's is read as sRGB's numbers
(rnnkit.caption.gamma): a renderer's linear PNG (gamma 1.0) stores half the light as 128, which sRGB
writes as 188; read as sRGB it was far too dark. sRGB-like gammas, and pictures whose ICC profile or
sRGB chunk says more, are read as their numbers are. Expected values come from sRGB's formula."""

import io
import struct

import numpy as np
import pytest
from helpers_icc import SRGB, rgb_profile, srgb_encode
from PIL import Image, PngImagePlugin

from rnnkit.caption.images import load_image

SIZE = 8  # the pictures are 8x8 and read at 8x8: no resizing


def _png(img: Image.Image, gamma: float | None, *chunks: tuple[bytes, bytes], **save) -> io.BytesIO:
    info = PngImagePlugin.PngInfo()
    if gamma is not None:
        info.add(b"gAMA", struct.pack(">I", round(gamma * 100000)))
    for cid, data in chunks:
        info.add(cid, data)
    out = io.BytesIO()
    img.save(out, "PNG", pnginfo=info, **save)
    out.seek(0)
    out.name = "render.png"
    return out


def _read(data: io.BytesIO) -> np.ndarray:
    return load_image(data, SIZE)[:, 0, 0]  # (3,): the top-left pixel's R, G, B


def _palette(value: int) -> Image.Image:
    img = Image.new("P", (SIZE, SIZE), 0)
    img.putpalette([value, value, value] * 256)
    return img


MODES = {
    "L": lambda v: Image.new("L", (SIZE, SIZE), v),
    "LA": lambda v: Image.new("LA", (SIZE, SIZE), (v, 255)),
    "RGB": lambda v: Image.new("RGB", (SIZE, SIZE), (v, v, v)),
    "RGBA": lambda v: Image.new("RGBA", (SIZE, SIZE), (v, v, v, 255)),
    "P": _palette,
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_linear_png_is_read_on_srgbs_curve(mode):
    expected = round(float(srgb_encode(np.array(128 / 255))))  # 188
    assert expected == 188
    assert list(_read(_png(MODES[mode](128), 1.0))) == [expected] * 3
    assert (
        list(_read(_png(MODES[mode](0), 1.0))) == [0] * 3
        and list(_read(_png(MODES[mode](255), 1.0))) == [255] * 3
    )


@pytest.mark.parametrize("gamma", [0.5, 0.4, 1.8])
def test_any_clearly_other_gamma_is_decoded_by_it(gamma):
    expected = round(float(srgb_encode(np.array((100 / 255) ** (1 / gamma)))))
    assert expected != 100
    assert list(_read(_png(MODES["RGB"](100), gamma))) == [expected] * 3


@pytest.mark.parametrize("gamma", [0.45455, 0.45, 0.46, 0.44])
def test_an_srgb_like_gamma_changes_nothing(gamma):
    assert list(_read(_png(MODES["RGB"](100), gamma))) == [100] * 3


@pytest.mark.parametrize(
    "chunks, save",
    [
        ([(b"sRGB", b"\x00")], {}),  # an sRGB chunk says more than gAMA, and PNG readers take it first
        ([], {"icc_profile": rgb_profile(SRGB, "sRGB")}),  # and so does an ICC profile
    ],
    ids=["srgb-chunk", "icc-profile"],
)
def test_an_srgb_chunk_or_a_profile_overrides_the_gamma(chunks, save):
    assert abs(int(_read(_png(MODES["RGB"](100), 1.0, *chunks, **save))[0]) - 100) <= 1


def test_an_invalid_gamma_is_ignored_as_libpng_ignores_it():
    assert list(_read(_png(MODES["RGB"](100), 0.0))) == [100] * 3


def test_transparency_is_not_converted():
    # black at half opacity over white is 127 however the colour is encoded; an alpha band put through
    # the curve (128 -> 188) would give 67
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 128))
    assert list(_read(_png(img, 1.0))) == [127] * 3


def test_16_bit_grayscale_is_converted_before_it_is_rounded_to_8_bits():
    # linear 100/65535 is sRGB 5; rounded to 8 bits first (0) it would stay black
    for value, expected in ((32768, 188), (100, 5), (65535, 255)):
        img = Image.fromarray(np.full((SIZE, SIZE), value, dtype=np.uint16))
        assert img.mode == "I;16"
        assert list(_read(_png(img, 1.0))) == [expected] * 3, value


def test_16_bit_grayscale_with_a_transparent_value_is_converted_once():
    img = Image.fromarray(np.full((SIZE, SIZE), 32768, dtype=np.uint16))
    pixels = load_image(_png(img, 1.0, transparency=7), SIZE)
    assert pixels[:, 0, 0].tolist() == [188] * 3  # not 188 through the curve again (225)


def test_a_pillow_image_of_the_file_reads_as_the_file(tmp_path):
    from rnnkit.caption.inputs import from_memory

    data = _png(MODES["RGB"](128), 1.0)
    with Image.open(data) as img:
        img.load()
        assert from_memory(img, SIZE)[:, 0, 0].tolist() == [188] * 3
