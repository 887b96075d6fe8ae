"""The pictures users have: every format Pillow reads gives the picture; every other file is one error
line that says what it is and what to do (an SVG, an iPhone's HEIC, an empty or truncated file)."""

import io

import numpy as np
import pytest
from PIL import Image, features

from rnnkit.caption.images import load_image
from rnnkit.utils.errors import RnnkitError


def _scene() -> Image.Image:
    """A 32x32 picture whose halves differ (red left, blue right), so a wrong frame or turn shows."""
    img = Image.new("RGB", (32, 32), (0, 0, 200))
    img.paste((200, 0, 0), (0, 0, 16, 32))
    return img


@pytest.mark.parametrize(
    ("name", "save"),
    [
        ("progressive.jpg", {"progressive": True, "quality": 95}),
        ("cmyk.jpg", {"quality": 95}),
        ("photo.webp", {"lossless": True}),
        ("picture.bmp", {}),
        ("palette.png", {}),
    ],
)
def test_formats_people_have_give_the_picture(tmp_path, name, save):
    img = _scene()
    if name.startswith("cmyk"):
        img = img.convert("CMYK")  # as print shops and Photoshop save JPEGs
    if name.startswith("palette"):
        img = img.convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    img.save(tmp_path / name, **save)
    _scene().save(tmp_path / "reference.png")
    got, want = (load_image(tmp_path / n, 16).astype(int) for n in (name, "reference.png"))
    away = np.r_[0:6, 10:16]  # the columns away from the red-blue edge: JPEGs are decoded at reduced
    off = np.abs(got - want)[:, :, away].max()  # scale first (draft), which softens an edge differently
    assert off <= 12, off  # JPEG's loss, no more


@pytest.mark.parametrize("name", ["anim.png", "pages.tiff", "anim.webp"])
def test_an_animation_or_a_multi_page_file_is_read_as_its_first_frame(tmp_path, name):
    # docs/caption.md: an animated GIF is described by its first frame; an APNG, an animated WebP and a
    # multi-page TIFF the same way (a white second frame must not be what is described)
    first, second = _scene(), Image.new("RGB", (32, 32), "white")
    first.save(tmp_path / name, save_all=True, append_images=[second], duration=100, lossless=True)
    first.save(tmp_path / "first.png")
    np.testing.assert_array_equal(load_image(tmp_path / name, 16), load_image(tmp_path / "first.png", 16))


def test_a_photo_too_big_to_decode_safely_is_one_line_before_any_pixel_is_read(tmp_path, monkeypatch):
    """Pillow's decompression-bomb limit (about 179 megapixels: a 20000x20000 picture is 400) is checked
    when the file is opened, from its header: refused without decoding it (the limit lowered here, so
    the test stays small)."""
    Image.new("1", (200, 200)).save(tmp_path / "bomb.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)  # 40,000 pixels: above twice the limit
    with pytest.raises(RnnkitError, match=r"^image too large to read safely: .*bomb\.png \(") as caught:
        load_image(tmp_path / "bomb.png", 16)
    # how large against what limit, and the way on: it said "too large" alone, with no size and nothing to do
    assert str(caught.value).endswith(
        "bomb.png (40,000 pixels, above the 20,000 pixels Pillow decodes, its guard against decompression "
        "bombs); shrink it first, e.g. to 8000x8000 pixels"
    )


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>\n'
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("logo.svg", SVG, "(an SVG drawing, not a picture of pixels: convert it to PNG first)"),
        (
            "IMG_0001.HEIC",
            HEIC,
            "(a HEIC/HEIF photo, which Pillow does not read here: convert it to JPEG or PNG",
        ),
        (
            "photo.avif",
            HEIC.replace(b"heic", b"avif"),
            "AVIF" if features.check("avif") else "(an AVIF photo, which",
        ),
        ("empty.png", b"", "(an empty file: 0 bytes)"),
        (
            "photo.jxl",
            b"\xff\x0a\xfa\x1f" + b"\x00" * 60,
            "(a JPEG XL picture, which Pillow does not read here",
        ),
        (
            "boxed.jxl",
            b"\x00\x00\x00\x0cJXL \r\n\x87\n" + b"\x00" * 60,
            "(a JPEG XL picture, which Pillow does not read here",
        ),
        (
            "scan.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            "(a PDF document, not a picture: export its page as PNG first)",
        ),
        # a download that got the page around the picture, or the server's error page (curl -o photo.jpg)
        (
            "photo.jpg",
            b"\n<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body><svg></svg></body></html>",
            "(a web page (HTML), not a picture: download the image itself, not the page)",
        ),
        ("page.png", b"<HTML><BODY>Not Found</BODY></HTML>", "(a web page (HTML), not a picture: download"),
        # a browser's "Save as" starts the page with a comment, an XHTML page with an XML declaration:
        # both holding an <svg> were called an SVG drawing
        (
            "saved.jpg",
            b"<!-- saved from url=(0022)https://example.com/ -->\n<!DOCTYPE html><html><body><svg></svg>",
            "(a web page (HTML), not a picture: download the image itself, not the page)",
        ),
        (
            "xhtml.jpg",
            b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- page -->\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'
            b' Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html><body><svg></svg>',
            "(a web page (HTML), not a picture: download the image itself, not the page)",
        ),
        # an SVG with the same things before it is still a drawing (an <html:div> inside it is no page)
        (
            "drawing.svg",
            b'<?xml version="1.0"?>\n<!-- Generator: Adobe Illustrator -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG'
            b' 1.1//EN" "x.dtd">\n<svg><foreignObject><html:div>x</html:div></foreignObject></svg>',
            "(an SVG drawing, not a picture of pixels: convert it to PNG first)",
        ),
        (
            "photo.png.gz",
            b"\x1f\x8b\x08\x00" + b"\x00" * 40,
            "(gzip-compressed, not a picture: decompress it first)",
        ),
        (
            "photos.zip",
            b"PK\x03\x04" + b"\x00" * 40,
            "(a zip archive, not a picture: unzip it and give the pictures inside)",
        ),
        (
            "notes.png",
            "a red circle, in Korean 빨간 원\n\tsecond line\r\n".encode(),
            "(a text file, not a picture)",
        ),
    ],
)
def test_a_file_pillow_cannot_identify_says_what_it_is(tmp_path, name, data, says):
    """Each was 'unreadable image PATH (UnidentifiedImageError)': neither what is wrong nor what to do."""
    (tmp_path / name).write_bytes(data)
    for given in (tmp_path / name, io.BytesIO(data)):  # a path, and the bytes piped to describe -
        with pytest.raises(RnnkitError) as exc:
            load_image(given, 16)
        assert says in str(exc.value) and "\n" not in str(exc.value), str(exc.value)


def test_a_truncated_file_gives_pillows_reason(tmp_path):
    buf = io.BytesIO()
    _scene().save(buf, "PNG")
    (tmp_path / "cut.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(
        RnnkitError, match=r"unreadable image .*cut\.png \(OSError: image file is truncated\)$"
    ):
        load_image(tmp_path / "cut.png", 16)


def test_a_text_file_named_png_is_still_unreadable(tmp_path):
    (tmp_path / ".png").write_text("hello, this is text\n")
    with pytest.raises(RnnkitError, match=r"^unreadable image .*\.png \(a text file, not a picture\)$"):
        load_image(tmp_path / ".png", 16)
    # bytes Pillow cannot tell and that are no text still get Pillow's word: nothing is guessed
    (tmp_path / "noise.png").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(RnnkitError, match=r"^unreadable image .*noise\.png \(UnidentifiedImageError\)$"):
        load_image(tmp_path / "noise.png", 16)


def test_a_pattern_that_matched_nothing_is_named_as_one(tmp_path):
    """``describe photos/*.jpg`` of an empty folder: the shell passes the pattern on as typed."""
    with pytest.raises(
        RnnkitError, match=r"image not found: .*\*\.jpg \(a pattern that matched no file\?\)$"
    ):
        load_image(tmp_path / "*.jpg", 16)
    with pytest.raises(RnnkitError, match=r"image not found: .*plain\.jpg$"):  # no hint without one
        load_image(tmp_path / "plain.jpg", 16)


def test_a_link_to_nothing_in_a_folder_is_named_where_it_points(tmp_path):
    """Photos linked from a drive that is not mounted: a folder's links to nothing were left out in silence
    (a folder of only such links was "a folder with no image file in it"), and a link given by its path was
    "image not found" though ``ls`` lists it."""
    from rnnkit.caption.images import images_in

    photos = tmp_path / "photos"
    photos.mkdir()
    _scene().save(photos / "a.png")
    (photos / "b.jpg").symlink_to(tmp_path / "drive" / "b.jpg")
    (photos / "c.txt").symlink_to(tmp_path / "drive" / "c.txt")  # no image suffix: left out, named
    left_out = []
    assert images_in([photos], left_out) == [photos / "a.png", photos / "b.jpg"]
    assert left_out == [photos / "c.txt"]
    (photos / "a.png").unlink()
    assert images_in([photos]) == [photos / "b.jpg"]  # not "a folder with no image file in it"
    with pytest.raises(RnnkitError) as caught:
        load_image(photos / "b.jpg", 16)
    target = tmp_path / "drive" / "b.jpg"
    assert (
        str(caught.value)
        == f"image not found: {photos / 'b.jpg'} (a symbolic link to {target}, which does not exist)"
    )


def test_a_path_with_spaces_and_hangul_is_read(tmp_path):
    folder = tmp_path / "내 사진 폴더"
    folder.mkdir()
    _scene().save(folder / "고양이 사진.png")
    _scene().save(tmp_path / "plain.png")
    np.testing.assert_array_equal(
        load_image(folder / "고양이 사진.png", 16), load_image(tmp_path / "plain.png", 16)
    )


def _halves(mode: str, side: int) -> Image.Image:
    """A ``side`` square picture in ``mode`` whose left half is transparent or dark, right half bright."""
    if mode == "I;16":
        arr = np.zeros((side, side), dtype=np.uint16)
        arr[:, side // 2 :] = 60000
        return Image.fromarray(arr)
    img = Image.new("RGBA", (side, side), (0, 0, 0, 0))  # transparent black: white once composited
    img.paste((200, 0, 0, 255), (side // 2, 0, side, side))
    if mode == "P":
        return img.convert("P")  # palette with a transparent index
    return img.convert(mode)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "I;16", "1", "RGB"])
def test_a_huge_picture_is_shrunk_before_it_is_converted_and_reads_the_same(tmp_path, monkeypatch, mode):
    """Each conversion copied the whole picture: a 13000x13000 RGBA PNG of 3 MB took 3.6 GB to read.
    Above ``LARGE`` pixels (lowered here) the picture is box-averaged down first: the conversions and the
    resize see a small picture, and the pixels are those of the picture read whole."""
    from rnnkit.caption import images

    _halves(mode, 256).save(tmp_path / "big.png")
    whole = load_image(tmp_path / "big.png", 8).astype(int)
    seen: list[tuple[int, int]] = []
    resize = Image.Image.resize
    monkeypatch.setattr(
        Image.Image, "resize", lambda self, *a, **k: seen.append(self.size) or resize(self, *a, **k)
    )
    monkeypatch.setattr(images, "LARGE", 64 * 64)
    small = load_image(tmp_path / "big.png", 8).astype(int)
    assert seen == [(32, 32)], seen  # 4 pixels a side per output pixel, not 256
    assert np.abs(small - whole).max() <= 2, np.abs(small - whole).max()
    if mode in ("RGBA", "P"):
        assert small[:, :, 0].min() == 255  # transparent black is white: its hidden colour did not bleed in


def test_a_huge_photo_on_its_side_is_shrunk_and_turned_upright(tmp_path, monkeypatch):
    from rnnkit.caption import images

    upright = Image.new("RGB", (256, 128), (0, 0, 255))
    upright.paste((255, 0, 0), (0, 0, 128, 128))  # red left half, blue right half
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to view"
    upright.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "side.png", exif=exif.tobytes())
    monkeypatch.setattr(images, "LARGE", 64 * 64)
    assert load_image(tmp_path / "side.png", 8)[:, 4, 0].tolist() == [255, 0, 0]  # red on the left


# EXIF blocks of a photo damaged in two ways (found by mutating a good block): a byte of the TIFF header
# changed ("not a TIFF file"), and a tag whose value runs past the block (struct.error in Pillow)
BAD_HEADER = (
    b"Exif\x00\x00MM0*\x00\x00\x00\x08\x00\x02\x01\x0f\x00\x02\x00\x00\x00\x04Cam\x00\x01\x12\x00\x03\x00\x00"
    b"\x00\x01\x00\x06\x00\x80\x00\x00\x00\x00"
)
CUT_TAG = (
    b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x02\x01V\x00\x02\x00\x00\x00\x04Cam\x00\x01\x12\x00\x03\x00\x00"
    b"\x00\x01\x00\x068\x00\x00h\x00\x00"
)


@pytest.mark.parametrize(
    ("exif", "viewed"),
    [(BAD_HEADER, None), (CUT_TAG, Image.Transpose.ROTATE_270)],
    ids=["bad-header: as stored", "cut-tag: its orientation 6 still read"],
)
def test_a_damaged_exif_block_costs_no_picture(tmp_path, exif, viewed):
    """The picture was refused ('unreadable image (SyntaxError: not a TIFF file ...)'), or was a struct.error
    traceback (ImageOps.exif_transpose rewrote the block), for metadata a viewer passes over: it is read
    turned as the block's orientation says where that can be read, else as stored."""
    _scene().save(tmp_path / "damaged.png", exif=exif)
    (_scene() if viewed is None else _scene().transpose(viewed)).save(tmp_path / "viewed.png")
    np.testing.assert_array_equal(
        load_image(tmp_path / "damaged.png", 16), load_image(tmp_path / "viewed.png", 16)
    )


def test_a_photo_with_a_cut_exif_block_prints_no_python_warning(tmp_path):
    """JPEG's open reads the EXIF block: 'UserWarning: Corrupt EXIF data ...' came out as two lines of
    Python on stderr before the caption."""
    import warnings

    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Cam"
    _scene().save(tmp_path / "cut.jpg", exif=exif.tobytes()[:-5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        assert load_image(tmp_path / "cut.jpg", 16).shape == (3, 16, 16)


def test_a_damaged_tiff_prints_nothing_but_the_error(tmp_path):
    """Pillow logs 'More samples per pixel than can be decoded: 5000' at ERROR; with no handler, Python
    printed it on stderr itself. Run apart: pytest's own log capture would hide the stray line."""
    import struct
    import subprocess
    import sys

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "TIFF")  # little-endian, one IFD
    data = bytearray(buf.getvalue())
    ifd = struct.unpack("<I", data[4:8])[0]
    for k in range(struct.unpack("<H", data[ifd : ifd + 2])[0]):
        entry = ifd + 2 + 12 * k
        if struct.unpack("<H", data[entry : entry + 2])[0] == 277:  # SamplesPerPixel
            data[entry + 8 : entry + 10] = struct.pack("<H", 5000)
    (tmp_path / "damaged.tif").write_bytes(data)
    code = (
        "import sys\nfrom rnnkit.caption.images import load_image\nfrom rnnkit.utils.errors import RnnkitError\n"
        "try:\n    load_image(sys.argv[1], 8)\nexcept RnnkitError as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "damaged.tif")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("unreadable image ") and done.stderr == "", done.stderr


@pytest.mark.parametrize("mode", ["La", "RGBa"])
def test_a_premultiplied_image_in_memory_is_composited_as_its_plain_form(mode):
    """``Image.convert('La')`` gives one (Pillow's own resize makes them); ``to_rgb`` raised 'conversion
    from La to L not supported' for it, an unreadable-image error from ``Captioner.describe``."""
    from rnnkit.caption.images import to_rgb

    plain = Image.new(
        "LA" if mode == "La" else "RGBA", (8, 8), (200, 128) if mode == "La" else (200, 0, 0, 128)
    )
    got = np.asarray(to_rgb(plain.convert(mode), 4), dtype=int)
    want = np.asarray(to_rgb(plain, 4), dtype=int)
    assert np.abs(got - want).max() <= 1  # premultiplying rounds by one level at most
    assert got[0, 0, 0] > 200  # half-transparent onto white: light, not dark


def test_a_huge_picture_whose_mode_reduce_refuses_is_read_whole(tmp_path, monkeypatch):
    from rnnkit.caption import images

    _scene().save(tmp_path / "big.png")
    whole = load_image(tmp_path / "big.png", 4)

    def refuse(self, factor, box=None):
        raise ValueError("image has wrong mode")  # as Image.reduce says of BGR;24 and the like

    monkeypatch.setattr(Image.Image, "reduce", refuse)
    monkeypatch.setattr(images, "LARGE", 8 * 8)
    np.testing.assert_array_equal(load_image(tmp_path / "big.png", 4), whole)


def test_a_path_from_the_home_folder_is_read_as_a_shell_reads_it(tmp_path, monkeypatch):
    """``Captioner.describe("~/photo.png")`` was 'image not found: ~/photo.png'; the library's other
    paths (save_pretrained, load_series) expand ``~`` already."""
    monkeypatch.setenv("HOME", str(tmp_path))
    _scene().save(tmp_path / "photo.png")
    np.testing.assert_array_equal(load_image("~/photo.png", 16), load_image(tmp_path / "photo.png", 16))
