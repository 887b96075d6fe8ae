"""``Captioner.describe`` as a demanding user calls it: Pillow images of every mode, NumPy arrays and
torch tensors of every common layout and element type, paths, URLs and bytes. Each is read as its
file would be (the same pixels, so the same caption), or refused in one line naming the fix; never a
silent wrong answer (a channels-first array read as channels-last, an 8-bit picture in mode I read
as black)."""

import io
import json

import numpy as np
import pytest
import torch
from helpers_caption import api_model_folder
from PIL import Image

from rnnkit.caption import Captioner
from rnnkit.caption.images import load_image
from rnnkit.caption.inputs import from_memory
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError

SIZE = 32  # the tiny model's reading size


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return api_model_folder(tmp_path_factory.mktemp("inputs"), train=16, val=4, seed=11)


@pytest.fixture(scope="module")
def cap(folder):
    return Captioner.from_pretrained(folder, device="cpu")


@pytest.fixture(scope="module")
def rgb():
    return np.random.default_rng(4).integers(0, 256, size=(20, 24, 3), dtype=np.uint8)  # (H, W, 3)


def _file(tmp_path, img: Image.Image, name: str) -> np.ndarray:
    img.save(tmp_path / name)
    return load_image(tmp_path / name, SIZE)


def _modes(rgb: np.ndarray) -> dict:
    img = Image.fromarray(rgb)
    gray16 = (rgb[:, :, 0].astype(np.uint16) * 257).astype(np.uint16)
    palette = img.convert("P")
    clear = palette.copy()
    clear.info["transparency"] = 0
    return {
        "1.png": img.convert("1"),
        "L.png": img.convert("L"),
        "LA.png": img.convert("RGBA").convert("LA"),
        "P.png": palette,
        "Pt.png": clear,
        "RGB.png": img,
        "RGBA.png": Image.fromarray(np.dstack([rgb, rgb[:, :, 1]])),
        "CMYK.tiff": img.convert("CMYK"),
        "I16.png": Image.fromarray(gray16),
        "I.tiff": Image.fromarray(gray16.astype(np.int32)),
        "F.tiff": img.convert("F"),
    }


@pytest.mark.parametrize("name", sorted(_modes(np.zeros((4, 4, 3), np.uint8))))
def test_a_pillow_image_of_every_mode_reads_as_its_file(tmp_path, rgb, name):
    img = _modes(rgb)[name]
    np.testing.assert_array_equal(from_memory(img, SIZE), _file(tmp_path, img, name))


def test_an_8_bit_picture_in_mode_i_is_refused_not_read_as_black(tmp_path, rgb):
    # convert("I") keeps 0..255, which the 16-bit scale of I files (round(v / 257)) read as black
    img = Image.fromarray(rgb).convert("I")
    with pytest.raises(RnnkitError, match=r"mode I with values in 0\.\.255 .* pass img\.convert\('L'\)"):
        from_memory(img, SIZE)
    with pytest.raises(RnnkitError, match=r"mode I;16 with values in 0\.\.255"):
        from_memory(Image.fromarray(rgb[:, :, 0].astype(np.uint16)), SIZE)
    np.testing.assert_array_equal(
        from_memory(img.convert("L"), SIZE), _file(tmp_path, img.convert("L"), "L.png")
    )
    dark = Image.fromarray(np.full((8, 8), 200, dtype=np.uint16))  # a file's values are its own: read
    dark.save(tmp_path / "dark.png")
    with Image.open(tmp_path / "dark.png") as opened:
        assert from_memory(opened, SIZE).max() == 1


def test_arrays_of_every_layout_read_as_their_files(tmp_path, rgb):
    gray, rgba = rgb[:, :, 0], np.dstack([rgb, rgb[:, :, 1]])
    np.testing.assert_array_equal(from_memory(gray, SIZE), _file(tmp_path, Image.fromarray(gray), "g.png"))
    np.testing.assert_array_equal(from_memory(gray[:, :, None], SIZE), from_memory(gray, SIZE))
    np.testing.assert_array_equal(from_memory(rgb, SIZE), _file(tmp_path, Image.fromarray(rgb), "c.png"))
    np.testing.assert_array_equal(from_memory(rgba, SIZE), _file(tmp_path, Image.fromarray(rgba), "a.png"))
    mask = gray > 128  # bool: False black, True white, as Pillow reads a bool array (mode 1)
    np.testing.assert_array_equal(from_memory(mask, SIZE), _file(tmp_path, Image.fromarray(mask), "m.png"))


@pytest.mark.parametrize(
    "make, says",
    [
        (lambda a: a / 255.0, r"got float64 \(20, 24, 3\); floats are not guessed at.*multiply by 255"),
        (lambda a: a.astype(np.float32), r"got float32 \(20, 24, 3\); floats are not guessed at"),
        (
            lambda a: a.transpose(2, 0, 1),
            r"got uint8 \(3, 20, 24\); channels first\? pass array\.transpose\(1, 2, 0\)",
        ),
        (
            lambda a: a.astype(np.int64),
            r"got int64 \(20, 24, 3\); values in 0\.\.255: pass array\.astype\(numpy\.uint8\)",
        ),
        (lambda a: a.astype(np.int32) * 200, r"got int32 .*16-bit values: pass \(array / 257\)"),
        (
            lambda a: a.astype(np.int16) - 128,
            r"got int16 .*its values lie in -128\.\.127: scale them to 0\.\.255",
        ),
        (lambda a: a[None], r"got uint8 \(1, 20, 24, 3\); a batch of images\? pass list\(array\)"),
        (
            lambda a: a[:4, :, :].transpose(0, 1, 2)[:, :, [0, 1, 2, 0]],
            r"\(4, 24, 4\) reads as 4 rows of 24 RGBA pixels",
        ),
        (lambda a: np.array(["a.png", "b.png"]), r"several paths\? give them as a list"),
    ],
    ids=[
        "float-0..1",
        "float-0..255",
        "chw",
        "int64",
        "int32-16bit",
        "int16-negative",
        "batch",
        "4xWx4",
        "str",
    ],
)
def test_an_array_that_could_be_misread_is_refused_with_its_fix(cap, rgb, make, says):
    with pytest.raises(ValueError, match=says):
        cap.describe(make(rgb))


def test_tensors_channels_first_read_as_the_arrays(cap, rgb):
    gray, rgba = rgb[:, :, 0], np.dstack([rgb, rgb[:, :, 1]])
    chw = torch.from_numpy(rgb).permute(2, 0, 1)
    torch.testing.assert_close(cap.pixels(chw), cap.pixels(rgb), rtol=0, atol=0)
    torch.testing.assert_close(
        cap.pixels(torch.from_numpy(gray)[None]), cap.pixels(gray), rtol=0, atol=0
    )  # (1, H, W)
    torch.testing.assert_close(cap.pixels(torch.from_numpy(gray)), cap.pixels(gray), rtol=0, atol=0)  # (H, W)
    rgba_chw = torch.from_numpy(rgba).permute(2, 0, 1)  # (4, H, W), as read_image gives a PNG with alpha
    torch.testing.assert_close(cap.pixels(rgba_chw), cap.pixels(rgba), rtol=0, atol=0)
    mask = torch.from_numpy(gray > 128)
    torch.testing.assert_close(cap.pixels(mask), cap.pixels(gray > 128), rtol=0, atol=0)
    batch = torch.stack([torch.from_numpy(gray)[None]] * 2)  # (2, 1, H, W)
    torch.testing.assert_close(cap.pixels(batch), cap.pixels([gray, gray]), rtol=0, atol=0)


def test_a_tensor_of_four_rows_or_four_columns_of_rgba_is_read_channels_first(cap, rgb):
    # a tensor (4, 4, W), 4 rows of RGBA, was refused as "an image array (4, W, 4)" with an array's fixes
    # (PIL.Image.fromarray(array)): its channels are first, and channels last it would have W of them
    rgba = np.dstack([rgb, rgb[:, :, 1]])[:4]  # (4, 24, 4)
    torch.testing.assert_close(
        cap.pixels(torch.from_numpy(rgba).permute(2, 0, 1)), cap.pixels(Image.fromarray(rgba)), rtol=0, atol=0
    )
    # a tensor (4, H, 4) is RGBA of H rows of 4 pixels, channels first as every tensor is (it was
    # refused for a while, and a batch of them with one picture's fix), alone and in a batch
    narrow = np.ascontiguousarray(np.dstack([rgb, rgb[:, :, 1]])[:, :4])  # (20, 4, 4): 4 columns
    tensor = torch.from_numpy(narrow).permute(2, 0, 1)  # (4, 20, 4)
    torch.testing.assert_close(cap.pixels(tensor), cap.pixels(Image.fromarray(narrow)), rtol=0, atol=0)
    torch.testing.assert_close(
        cap.pixels(torch.stack([tensor, tensor]))[1], cap.pixels(tensor)[0], rtol=0, atol=0
    )


@pytest.mark.parametrize(
    "make, says",
    [
        (lambda t: t.float() / 255, r"got float32 \(3, 20, 24\); floats are not guessed at"),
        (
            lambda t: t.permute(1, 2, 0),
            r"got uint8 \(20, 24, 3\); channels last\? pass tensor\.permute\(2, 0, 1\)$",
        ),
        (
            lambda t: t.permute(1, 2, 0)[None],
            r"\(N, C, H, W\) .*got uint8 \(1, 20, 24, 3\); channels last\? pass tensor\.permute\(0, 3, 1, 2\)$",
        ),
        (lambda t: t.long(), r"got int64 \(3, 20, 24\); values in 0\.\.255: pass tensor\.to\(torch\.uint8\)"),
        (lambda t: t[None].float(), r"\(N, C, H, W\) with C 1, 3 or 4, got float32 \(1, 3, 20, 24\)"),
        (lambda t: [t[None]], r"a batch of images in a list\? pass the batch itself"),
    ],
    ids=["float", "hwc", "nhwc", "int64", "batch-float", "batch-in-list"],
)
def test_a_tensor_that_could_be_misread_is_refused_with_its_fix(cap, rgb, make, says):
    with pytest.raises(ValueError, match=says):
        cap.describe(make(torch.from_numpy(rgb).permute(2, 0, 1)))


@pytest.mark.parametrize(
    "url", ["https://example.com/cat.png", "http://x.org/a.jpg", "file:///tmp/a.png", "s3://b/k.png"]
)
def test_a_url_is_said_to_be_one(cap, url):
    # 'image not found: https:/example.com/cat.png' (a path, one slash lost) did not say why
    with pytest.raises(RnnkitError, match=rf"^{url} is a URL: rnnkit reads image files, not URLs"):
        cap.describe(url)
    with pytest.raises(RnnkitError, match=r"^image not found: C:/photo\.png"):  # a Windows path is none
        cap.describe("C:/photo.png")


def test_a_url_on_the_command_line_is_said_to_be_one(folder, capsys):
    assert main(["caption", "describe", "--model", str(folder), "https://example.com/cat.png"]) == 2
    # as typed: it was 'https:/example.com/cat.png', a Path's one slash of two
    assert capsys.readouterr().err.startswith(
        "rnnkit: error: https://example.com/cat.png is a URL: rnnkit reads image files, not URLs"
    )
    assert main(["caption", "describe", "--model", str(folder), "data:image/png;base64,iVBORw0KGgo"]) == 2
    # the shell's way, not Python's io.BytesIO(base64.b64decode(...)) told on the command line
    assert capsys.readouterr().err == (
        "rnnkit: error: data:image/png;base64,iVBORw0KGgo is a data URL: rnnkit reads image files, not "
        'URLs; give its picture as standard input: echo "${URL#*,}" | base64 -d | rnnkit caption describe '
        "--model MODEL -\n"
    )


def test_describe_json_records_an_image_name_that_is_not_utf8_as_typed(folder, rgb, tmp_path, capfd):
    # every picture was described, then no JSON at all: 'it records p\xff.png, a name with bytes that
    # are not UTF-8', status 2
    import os

    name = tmp_path / os.fsdecode(b"p\xff.png")
    Image.fromarray(rgb).save(name, format="PNG")
    out = tmp_path / "out.json"
    assert main(["caption", "describe", "--model", str(folder), str(name), "--json", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [entry["image"] for entry in doc["images"]] == [f"{tmp_path}/p\\xff.png"]
    out, err = capfd.readouterr()  # the file descriptors: the name's byte goes out as it is
    assert out.count("\n") == 1 and out.split("\t")[0].endswith(".png")  # its caption line
    assert "\udcff" not in err  # a warning of an unfamiliar picture names it as typed, p\xff.png


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_a_files_bytes_are_refused_with_the_wrapper_that_reads_them(cap, tmp_path, rgb, kind):
    # a memoryview was taken for a list of 1,528 numbers: 'image 1 of 1528: cannot read an image from a int'
    Image.fromarray(rgb).save(tmp_path / "p.png")
    data = (tmp_path / "p.png").read_bytes()
    for value in (kind(data), [tmp_path / "p.png", kind(data)]):
        with pytest.raises(TypeError, match=r"a file's contents\? wrap them as io\.BytesIO\(data\)"):
            cap.describe(value)
    torch.testing.assert_close(cap.pixels(io.BytesIO(data)), cap.pixels(tmp_path / "p.png"), rtol=0, atol=0)


def test_a_list_may_mix_every_kind_and_each_reads_as_the_file(cap, tmp_path, rgb):
    path = tmp_path / "p.png"
    Image.fromarray(rgb).save(path)
    with Image.open(path) as opened:
        opened.load()
        given = [path, str(path), opened, Image.fromarray(rgb), rgb, torch.from_numpy(rgb).permute(2, 0, 1),
                 io.BytesIO(path.read_bytes())]  # fmt: skip
        pixels = cap.pixels(given)
    assert pixels.shape == (len(given), 3, SIZE, SIZE)
    for k in range(1, len(given)):
        torch.testing.assert_close(pixels[k], pixels[0], rtol=0, atol=0)
    with pytest.raises(TypeError, match=r"^image 2 of 2: cannot read an image from a list: give a path"):
        cap.describe([path, [path]])


class Upload:
    """A web framework's upload (Flask's FileStorage): ``read`` and ``filename``, no ``seek``."""

    def __init__(self, data: bytes, filename: str) -> None:
        self._data, self.filename = data, filename

    def read(self, size: int = -1) -> bytes:
        data, self._data = self._data, b""
        return data


def test_any_path_like_and_any_readable_object_is_read_as_its_file(cap, tmp_path, rgb):
    # an os.DirEntry was 'cannot read an image from a DirEntry'; an upload without seek, the same
    import os

    path = tmp_path / "p.png"
    Image.fromarray(rgb).save(path)
    (entry,) = os.scandir(tmp_path)
    expected = cap.pixels(path)
    torch.testing.assert_close(cap.pixels(entry), expected, rtol=0, atol=0)
    torch.testing.assert_close(
        cap.pixels([entry, Upload(path.read_bytes(), "p.png")]), torch.cat([expected] * 2)
    )
    with pytest.raises(RnnkitError, match=r"^unreadable image broken\.png \("):  # named by its file name
        cap.describe(Upload(b"not a picture", "broken.png"))


def test_an_upload_read_as_text_names_the_mode_to_open_it_in(cap):
    class TextUpload(Upload):
        def read(self, size: int = -1) -> str:  # type: ignore[override]
            return "x"

    # it was TypeError: a bytes-like object is required, not 'str' (io.BytesIO's words)
    with pytest.raises(
        TypeError,
        match=r"^cannot read an image from up\.png: its read\(\) gave str, not bytes; open it in binary mode \('rb'\)$",
    ):
        cap.describe(TextUpload(b"", "up.png"))


def test_a_long_list_is_read_a_batch_at_a_time(cap, tmp_path, rgb, monkeypatch):
    # describe read every picture before the first was encoded: 10,000 photo paths held 1.5 GB of pixels
    path = tmp_path / "p.png"
    Image.fromarray(rgb).save(path)
    reads, read_at_encoding = [], []
    read, features = Captioner._read, Captioner.features
    monkeypatch.setattr(Captioner, "_read", lambda self, *a: reads.append(1) or read(self, *a))
    monkeypatch.setattr(
        Captioner, "features", lambda self, x: read_at_encoding.append(len(reads)) or features(self, x)
    )
    found = cap.describe([path] * 5, beam=1, batch_size=2)
    assert read_at_encoding == [2, 4, 5] and len(found) == 5
    assert len({d.caption for d in found}) == 1
    with pytest.raises(
        RnnkitError, match=r"^image 4 of 5: an image array must be uint8"
    ):  # its place in all 5
        cap.describe([path, path, path, rgb.astype(np.float32), path], beam=1, batch_size=2)


def test_a_data_url_is_said_to_be_one_in_a_short_line_with_the_call_that_reads_it(cap, tmp_path, rgb):
    # its 2,000 characters were the error line ('image not found: data:image/png;base64,iVBOR...'), or,
    # with no '/' in its base64, Python's 'File name too long' with all of them
    import base64

    Image.fromarray(rgb).save(tmp_path / "p.png")
    encoded = base64.b64encode((tmp_path / "p.png").read_bytes()).decode()
    for url in ("data:image/png;base64," + encoded, "data:image/png;base64," + "A" * 3000):
        with pytest.raises(RnnkitError, match=r"^data:image/png;base64,\S{50,}\.\.\. is a data URL") as err:
            cap.describe(url)
        assert len(str(err.value)) < 250
    url = "data:image/png;base64," + encoded
    hinted = io.BytesIO(base64.b64decode(url.split(",", 1)[1]))  # the call the error names
    torch.testing.assert_close(cap.pixels(hinted), cap.pixels(tmp_path / "p.png"), rtol=0, atol=0)
