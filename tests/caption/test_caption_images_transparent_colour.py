"""A grayscale or RGB picture with one transparent colour (a PNG ``tRNS`` chunk, as PNG optimisers
write a picture whose transparent background is one colour) is composited onto white, as viewers show
it, and as the same picture with an alpha channel is read (rnnkit.caption.images.with_alpha)."""

import io

import numpy as np
import pytest
from PIL import Image

from rnnkit.caption.images import load_image


def _png(img: Image.Image, **save) -> io.BytesIO:
    data = io.BytesIO()
    img.save(data, "PNG", **save)
    data.seek(0)
    return data


@pytest.mark.parametrize(
    ("mode", "background", "drawn", "seen"),
    [
        ("RGB", (0, 0, 0), (0, 0, 200), (0, 0, 200)),
        ("L", 0, 100, (100, 100, 100)),
        ("I;16", 0, 30000, (117, 117, 117)),  # 16-bit on the fixed scale: round(30000 / 257)
        ("1", 0, 255, (255, 255, 255)),  # white drawing on a transparent black background
    ],
)
def test_the_transparent_colour_is_white_and_the_rest_as_drawn(mode, background, drawn, seen):
    values = np.array([[background], [drawn]], dtype=np.uint16 if mode == "I;16" else np.uint8)  # (2, 1[, 3])
    # the lower half drawn, the upper half the transparent background (Image.paste fills I;16 bytewise)
    img = Image.fromarray(np.repeat(np.repeat(values, 8, axis=0), 16, axis=1)).convert(mode)
    data = _png(img, transparency=background)
    assert "transparency" in Image.open(data).info and Image.open(data).mode == mode  # no alpha channel
    pixels = load_image(data, 8).astype(int)  # (3, 8, 8)
    np.testing.assert_array_equal(pixels[:, 1, 4], [255, 255, 255])  # was the black of the numbers
    np.testing.assert_array_equal(pixels[:, 6, 4], seen)


def test_it_reads_as_the_same_picture_with_an_alpha_channel():
    img = Image.new("RGB", (16, 16), (0, 0, 0))
    img.paste((200, 30, 30), (4, 4, 12, 12))
    alpha = img.convert("RGBA")
    alpha.putalpha(Image.fromarray(np.where(np.asarray(img).any(axis=2), 255, 0).astype(np.uint8)))
    np.testing.assert_array_equal(
        load_image(_png(img, transparency=(0, 0, 0)), 8), load_image(_png(alpha), 8)
    )
