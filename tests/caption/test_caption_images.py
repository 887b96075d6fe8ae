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
    assert out[0, 0, 0] == 0 and out[0, 0, 7] == 4  # 1000 / 257: a dark scan stays dark


SIXTEEN = [0, 1000, 2000, 32768, 65535]
EIGHT = [0, 4, 8, 128, 255]  # round(v / 257)


def _columns(values, dtype, width=4):
    """A (8, 4 * len(values)) image: each value fills a 4-pixel-wide band (survives bilinear resize)."""
    return np.repeat(np.array(values, dtype=dtype), width)[None, :].repeat(8, axis=0)


def _bands(out, n, width=4):
    return [int(out[c, 4, i * width + 1]) for c in range(3) for i in range(n)]


def test_sixteen_bit_is_scaled_by_257_not_by_the_image_maximum(tmp_path):
    """docs/caption.md: 16-bit scaled to 8 bits, not clipped: v -> round(v / 257), whatever the image holds."""
    Image.fromarray(np.full((40, 40), 32768, dtype=np.uint16)).save(tmp_path / "mid.png")
    Image.fromarray(np.full((40, 40), 128, dtype=np.uint8)).save(tmp_path / "mid8.png")
    assert Image.open(tmp_path / "mid.png").mode == "I;16"
    np.testing.assert_array_equal(load_image(tmp_path / "mid.png", 8), load_image(tmp_path / "mid8.png", 8))
    dark = np.zeros((40, 40), np.uint16)
    dark[:, :20], dark[:, 20:] = 1000, 2000
    Image.fromarray(dark).save(tmp_path / "dark.png")
    out = load_image(tmp_path / "dark.png", 8)
    assert out[0, 0, 0] == 4 and out[0, 0, 7] == 8
    Image.fromarray(np.full((8, 8), 65535, dtype=np.uint16)).save(tmp_path / "white.png")
    assert (load_image(tmp_path / "white.png", 8) == 255).all()


@pytest.mark.parametrize("fmt", ["png", "tiff"])
def test_sixteen_bit_little_endian_modes(tmp_path, fmt):
    Image.fromarray(_columns(SIXTEEN, np.uint16)).save(tmp_path / f"s.{fmt}")
    assert Image.open(tmp_path / f"s.{fmt}").mode == "I;16"
    assert _bands(load_image(tmp_path / f"s.{fmt}", 20), 5) == EIGHT * 3


def test_sixteen_bit_big_endian_tiff(tmp_path):
    arr = _columns(SIXTEEN, ">u2")
    Image.frombytes("I;16B", arr.shape[::-1], arr.tobytes()).save(tmp_path / "b.tiff")
    assert Image.open(tmp_path / "b.tiff").mode == "I;16B"
    assert _bands(load_image(tmp_path / "b.tiff", 20), 5) == EIGHT * 3


def test_sixteen_bit_pgm_opens_as_mode_i(tmp_path):
    arr = _columns(SIXTEEN, ">u2")
    (tmp_path / "g.pgm").write_bytes(b"P5 20 8 65535\n" + arr.tobytes())
    assert Image.open(tmp_path / "g.pgm").mode == "I"
    assert _bands(load_image(tmp_path / "g.pgm", 20), 5) == EIGHT * 3


def test_thirty_two_bit_integer_on_the_sixteen_bit_scale_clipped(tmp_path):
    Image.fromarray(_columns([-5, 1000, 32768, 70000, 2**31 - 1], np.int32)).save(tmp_path / "i.tiff")
    assert Image.open(tmp_path / "i.tiff").mode == "I"
    assert _bands(load_image(tmp_path / "i.tiff", 20), 5) == [0, 4, 128, 255, 255] * 3


def test_float_on_pillows_0_255_scale(tmp_path):
    values = [np.nan, -5.0, 0.4, 127.6, 300.0, np.inf]
    Image.fromarray(_columns(values, np.float32)).save(tmp_path / "f.tiff")
    assert Image.open(tmp_path / "f.tiff").mode == "F"
    assert _bands(load_image(tmp_path / "f.tiff", 24), 6) == [0, 0, 0, 128, 255, 255] * 3


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


def test_exif_orientation_is_applied(tmp_path):
    """A photo stored on its side with an orientation tag (as phones save portraits) is read upright."""
    upright = Image.new("RGB", (16, 8), (0, 0, 255))
    upright.paste((255, 0, 0), (0, 0, 8, 8))  # red left half, blue right half
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to view"
    upright.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "p.png", exif=exif.tobytes())
    upright.save(tmp_path / "u.png")
    np.testing.assert_array_equal(load_image(tmp_path / "p.png", 8), load_image(tmp_path / "u.png", 8))
    assert load_image(tmp_path / "p.png", 8)[:, 4, 0].tolist() == [255, 0, 0]  # red on the left, as viewed


def test_in_memory_images_read_like_their_files(tmp_path):
    """A Pillow image or array given to Captioner is converted as the file of it is: transparency onto
    white, 16-bit grayscale on the fixed scale, EXIF orientation."""
    from rnnkit.caption.inputs import from_memory

    rgba = Image.new("RGBA", (8, 8), (0, 0, 0, 0))  # transparent black: white, as a file
    rgba.paste((0, 0, 255, 255), (0, 0, 4, 8))
    deep = Image.fromarray(np.full((8, 8), 1000, dtype=np.uint16))  # 1000 / 257: dark, not saturated
    turned = Image.new("RGB", (8, 16), (0, 255, 0))
    turned.paste((255, 0, 0), (0, 0, 8, 8))
    exif = Image.Exif()
    exif[0x0112] = 6
    turned.save(tmp_path / "t.png", exif=exif.tobytes())
    for name, img in (("a.png", rgba), ("d.png", deep)):
        img.save(tmp_path / name)
    for name in ("a.png", "d.png", "t.png"):
        with Image.open(tmp_path / name) as img:
            np.testing.assert_array_equal(from_memory(img, 8), load_image(tmp_path / name, 8))
    np.testing.assert_array_equal(from_memory(np.asarray(rgba), 8), load_image(tmp_path / "a.png", 8))


def test_an_animated_gif_is_read_as_its_first_frame(tmp_path):
    # docs/caption.md says so: one caption per file, of the frame a viewer shows first
    from PIL import Image

    from rnnkit.caption.images import load_image

    frames = [Image.new("RGB", (16, 16), colour) for colour in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    frames[0].save(tmp_path / "first.gif")
    assert (load_image(tmp_path / "anim.gif", 8) == load_image(tmp_path / "first.gif", 8)).all()
    assert load_image(tmp_path / "anim.gif", 8)[0].min() > 150  # red, not the last frame's blue


def test_a_folder_of_no_image_names_a_file_with_a_line_break_on_one_line(tmp_path):
    """The name was put in as it was: the command's one-line error ended at its line break ("such as a")."""
    from rnnkit.caption.images import images_in

    (tmp_path / "a\nb.heic").write_bytes(b"")
    with pytest.raises(RnnkitError) as exc:
        images_in([tmp_path])
    assert "\n" not in str(exc.value) and 'such as "a\\nb.heic" (a folder' in str(exc.value), str(exc.value)


def test_a_folder_leaves_out_the_formats_pillow_writes_but_cannot_read(tmp_path):
    """A PDF beside the photos was taken for an image (Pillow registers ``.pdf``, which it only writes) and
    failed as an unreadable one; it is left out and named, as a ``.HEIC`` is. An ``.mpo`` (a stereo
    camera's photo, which Pillow's JPEG reader opens) is kept."""
    from PIL import Image

    from rnnkit.caption.images import images_in, load_image

    Image.new("RGB", (16, 16), "red").save(tmp_path / "a.png")
    Image.new("RGB", (16, 16), "red").save(tmp_path / "page.pdf")
    Image.new("RGB", (16, 16), "red").save(tmp_path / "stereo.mpo", save_all=True,
                                           append_images=[Image.new("RGB", (16, 16), "blue")])  # fmt: skip
    left_out: list = []
    assert images_in([tmp_path], left_out) == [tmp_path / "a.png", tmp_path / "stereo.mpo"]
    assert left_out == [tmp_path / "page.pdf"]
    assert load_image(tmp_path / "stereo.mpo", 8)[0].min() > 200  # its first (left) picture, red


def test_a_float_file_of_values_in_0_1_is_refused_not_read_black(tmp_path):
    """A float TIFF of 0..1 pixels (as NumPy writes one) was described as a black picture without a word;
    it is refused as a float image made in memory is, naming the file."""
    Image.fromarray(np.full((16, 16), 0.6, dtype=np.float32)).save(tmp_path / "unit.tiff")
    with pytest.raises(RnnkitError, match=r"unit\.tiff: a float image .* values in 0\.\.1 .*multiply by 255"):
        load_image(tmp_path / "unit.tiff", 8)
    from rnnkit.caption.inputs import from_memory

    with pytest.raises(RnnkitError, match=r"^a float image .* values in 0\.\.1"):  # made in memory: no name
        from_memory(Image.fromarray(np.full((16, 16), 0.6, dtype=np.float32)), 8)
    with (
        Image.open(tmp_path / "unit.tiff") as opened,
        pytest.raises(RnnkitError, match=r"unit\.tiff: a float"),
    ):
        from_memory(opened, 8)  # opened from its file: named by it, refused as the path is
    Image.fromarray(np.full((16, 16), 0.0, dtype=np.float32)).save(tmp_path / "black.tiff")
    assert load_image(tmp_path / "black.tiff", 8).max() == 0  # all zero: black on either scale, read


def test_a_folder_is_listed_alike_in_a_fresh_process(tmp_path):
    """Pillow fills its table of readers only once a plugin is loaded: read before that, in a fresh
    ``describe photos/``, it held none, and every file of the folder was left out as unreadable."""
    import subprocess
    import sys

    for name in ("a.tga", "b.ppm", "c.png", "d.pdf"):
        Image.new("RGB", (8, 8), "red").save(tmp_path / name)
    code = "import sys; from rnnkit.caption.images import images_in; print([p.name for p in images_in(sys.argv[1:])])"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['a.tga', 'b.ppm', 'c.png']"
