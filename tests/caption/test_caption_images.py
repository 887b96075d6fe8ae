"""Images of every kind become (3, S, S) uint8; unreadable files are errors or skipped and counted."""

import numpy as np
import pytest
from PIL import Image

from rnnkit.caption.images import load_image, load_images
from rnnkit.utils.errors import RnnkitError


def test_grayscale_becomes_rgb(tmp_path):
    Image.new("L", (20, 10), 77).save(tmp_path / "g.png")
    out = load_image(tmp_path / "g.png", 16)
    assert out.shape == (3, 16, 16) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.full((3, 16, 16), 77, dtype=np.uint8))


def test_rgba_is_composited_on_white(tmp_path):
    img = Image.new("RGBA", (8, 8), (255, 0, 0, 0))  # fully transparent red
    img.paste((0, 0, 255, 255), (0, 0, 4, 8))  # opaque blue left half
    img.save(tmp_path / "a.png")
    out = load_image(tmp_path / "a.png", 8)
    np.testing.assert_array_equal(out[:, :, 0], np.array([[0] * 8, [0] * 8, [255] * 8]))
    np.testing.assert_array_equal(out[:, :, 7], np.array([[255] * 8] * 3))


def test_sixteen_bit_grayscale_is_scaled_not_saturated(tmp_path):
    arr = np.zeros((8, 8), dtype=np.uint16)
    arr[:, 4:] = 1000
    Image.fromarray(arr).save(tmp_path / "d.png")
    out = load_image(tmp_path / "d.png", 8)
    assert out[0, 0, 0] == 0 and out[0, 0, 7] == 255


def test_large_image_is_resized(tmp_path):
    Image.new("RGB", (3000, 2000), (1, 2, 3)).save(tmp_path / "big.jpg", quality=95)
    out = load_image(tmp_path / "big.jpg", 32)
    assert out.shape == (3, 32, 32)
    np.testing.assert_allclose(out.reshape(3, -1).mean(axis=1), [1, 2, 3], atol=2)


def test_unreadable_files(tmp_path):
    (tmp_path / "notes.png").write_text("this is not an image")
    (tmp_path / "trunc.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    for name, message in (("notes.png", "unreadable image"), ("trunc.png", "unreadable image"),
                          ("missing.png", "image not found")):  # fmt: skip
        with pytest.raises(RnnkitError, match=message):
            load_image(tmp_path / name, 8)
    with pytest.raises(RnnkitError, match="is a folder"):
        load_image(tmp_path, 8)


def test_load_images_skips_and_counts(tmp_path):
    Image.new("RGB", (4, 4)).save(tmp_path / "ok.png")
    (tmp_path / "bad.jpg").write_text("nope")
    images, kept, problems = load_images([tmp_path / "bad.jpg", tmp_path / "ok.png"], 8, skip=True)
    assert images.shape == (1, 3, 8, 8) and kept == [1]
    assert len(problems) == 1 and "bad.jpg" in problems[0]
    with pytest.raises(RnnkitError, match="bad.jpg"):
        load_images([tmp_path / "ok.png", tmp_path / "bad.jpg"], 8)
