"""``Captioner.describe`` on every kind of input the docs name: each read as the file of it would be,
or refused in one line (never resized another way, never guessed at)."""

import numpy as np
import pytest
import torch
from helpers_caption import api_model_folder
from PIL import Image

from rnnkit.caption import Captioner
from rnnkit.caption.decode import Decoding
from rnnkit.utils.errors import RnnkitError


@pytest.fixture(scope="module")
def cap(tmp_path_factory):
    folder = api_model_folder(tmp_path_factory.mktemp("api_inputs"), train=16, val=4, seed=3)
    return Captioner.from_pretrained(folder, device="cpu")


@pytest.fixture
def photo(tmp_path):
    """A 97x75 picture with fine detail (where resizing methods differ) and its PNG file."""
    rng = np.random.default_rng(0)
    array = rng.integers(0, 256, size=(75, 97, 3), dtype=np.uint8)
    path = tmp_path / "photo.png"
    Image.fromarray(array).save(path)
    return array, path


def chw(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(array.copy()).permute(2, 0, 1)  # (3, H, W)


def test_a_tensor_of_another_size_is_read_as_its_file_is(cap, photo):
    # a (N, 3, H, W) tensor was resized by torch (no antialiasing), its file by Pillow: the same
    # picture got other pixels, another familiarity score, and could get another caption
    array, path = photo
    from_file = cap.pixels(path)
    torch.testing.assert_close(cap.pixels(chw(array)[None]), from_file, rtol=0, atol=0)
    torch.testing.assert_close(cap.pixels(chw(array)), from_file, rtol=0, atol=0)  # one (3, H, W) image
    a, b = cap.describe(chw(array)[None], beam=1)[0], cap.describe(path, beam=1)[0]
    assert (a.caption, a.ood_score) == (b.caption, b.ood_score)


def test_a_list_may_mix_tensors_with_paths_arrays_and_pillow_images(cap, photo):
    array, path = photo
    pixels = cap.pixels([path, chw(array), array, Image.open(path)])
    assert pixels.shape == (4, 3, 32, 32)
    for k in range(1, 4):
        torch.testing.assert_close(pixels[k], pixels[0], rtol=0, atol=0)


def test_a_tensor_at_the_model_size_is_taken_as_it_is(cap):
    images = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8)
    assert torch.equal(cap.pixels(images), images)


def test_a_tiny_tensor_is_refused_like_a_tiny_file(cap):
    with pytest.raises(RnnkitError, match=r"too small to describe: image is 1x1 pixels"):
        cap.describe(torch.zeros(1, 3, 1, 1, dtype=torch.uint8))


def test_float_images_are_refused_with_their_dtype_and_the_fix(cap):
    # the shape was right, and the message showed only the shape: the dtype was the problem
    with pytest.raises(
        RnnkitError,
        match=r"uint8 \(N, C, H, W\) with C 1, 3 or 4, got float32 \(1, 3, 32, 32\).*multiply by 255",
    ):
        cap.describe(torch.rand(1, 3, 32, 32))
    with pytest.raises(RnnkitError, match=r"got float64 \(20, 20, 3\).*multiply by 255"):
        cap.describe(np.random.default_rng(0).random((20, 20, 3)))
    with pytest.raises(
        RnnkitError, match=r"got uint8 \(1, 32, 32, 3\); channels last\? pass tensor.permute\(0, 3, 1, 2\)$"
    ):
        cap.describe(torch.zeros(1, 32, 32, 3, dtype=torch.uint8))  # channels last: refused, not misread


def test_one_channel_array_is_grayscale(cap):
    gray = np.random.default_rng(1).integers(0, 256, size=(40, 50), dtype=np.uint8)
    torch.testing.assert_close(cap.pixels(gray[:, :, None]), cap.pixels(gray), rtol=0, atol=0)


@pytest.mark.parametrize("value", [b"\x89PNG\r\n", None, 5, {"a": "b.png"}])
def test_what_is_no_image_is_named(cap, value):
    # bytes read as a list of ints ('cannot read an image from a int'); None and 5 said 'no image given'
    with pytest.raises(
        RnnkitError, match=rf"^cannot read images from a value of type {type(value).__name__}: "
    ):
        cap.describe(value)


def test_an_empty_tensor_is_no_image(cap):
    with pytest.raises(RnnkitError, match="no image given"):
        cap.describe(torch.zeros(0, 3, 32, 32, dtype=torch.uint8))


def test_batch_size_below_one_is_refused(cap, photo):
    with pytest.raises(RnnkitError, match=r"^batch_size must be a whole number of at least 1, got 0$"):
        cap.describe(photo[1], batch_size=0)  # was a ValueError traceback from range()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"beam": 2.5}, r"^beam must be a whole number, got 2\.5$"),  # was a TypeError from topk
        ({"beam": "3"}, r"^beam must be a whole number, got '3'$"),
        ({"beam": 1000}, r"^beam must lie in 1\.\.64, got 1000$"),
        (
            {"decoding": Decoding(beam=3, located_check=float("nan"))},
            r"^located_check must lie in 0\.\.100, got nan$",
        ),
        (
            {"decoding": Decoding(beam=3, length_penalty=-1.0)},
            r"^length_penalty must lie in 0\.\.10, got -1\.0$",
        ),
    ],
)
def test_decoding_settings_are_checked_as_the_options_are(cap, photo, kwargs, message):
    # the command line refuses --beam 1000 or --length-penalty -1; the Python API searched with them (a
    # NaN weight ranked the beam by NaN) or failed with a traceback
    with pytest.raises(RnnkitError, match=message):
        cap.describe(photo[1], **kwargs)


def test_a_pillow_image_of_a_truncated_or_closed_file_is_one_line_naming_it(cap, photo):
    # Image.open reads pixels lazily: a truncated file's Pillow image failed inside describe with
    # Pillow's own OSError, one used after its `with` block with a bare AssertionError, and one closed
    # by hand with a ValueError
    _, path = photo
    truncated = path.with_name("truncated.png")
    truncated.write_bytes(path.read_bytes()[:300])
    with pytest.raises(RnnkitError, match=r"unreadable image .*truncated\.png \(OSError"):
        cap.describe(Image.open(truncated))
    with Image.open(path) as image:
        pass
    with pytest.raises(RnnkitError, match=r"unreadable image .*photo\.png \(its pixels were never loaded"):
        cap.describe(image)
    image = Image.open(path)
    image.close()
    with pytest.raises(RnnkitError, match=r"unreadable image .*photo\.png \(ValueError: Operation on closed"):
        cap.describe(image)
    assert len(cap.describe(Image.open(path))) == 1  # an open one is read


def test_a_16_bit_array_is_told_the_scale_its_file_is_read_on(cap, tmp_path):
    scan = np.full((16, 16), 30000, dtype=np.uint16)
    with pytest.raises(RnnkitError, match=r"got uint16 \(16, 16\); 16-bit values: pass \(array / 257\)"):
        cap.describe(scan)
    Image.fromarray(scan).save(tmp_path / "scan.png")  # the hint's array reads as the 16-bit file does
    hinted = (scan / 257).round().astype(np.uint8)
    assert cap.describe(hinted)[0].caption == cap.describe(tmp_path / "scan.png")[0].caption
    np.testing.assert_array_equal(cap.pixels(hinted), cap.pixels(tmp_path / "scan.png"))
