"""The caption Python API as a notebook user meets it (QA, session 23): each wrong argument named in
one line that says what to pass instead, never Python's own error about another object."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from helpers_models import make_caption
from rnnkit.caption import Captioner
from rnnkit.utils.errors import RnnkitError


@pytest.fixture(scope="module")
def cap(tmp_path_factory) -> Captioner:
    return Captioner.from_pretrained(make_caption(tmp_path_factory.mktemp("cap") / "m"), device="cpu")


def test_decoding_that_is_no_decoding_is_a_type_error_naming_it(cap):
    # was: TypeError "str.replace() takes no keyword arguments"
    with pytest.raises(TypeError, match=r"^decoding must be a rnnkit\.caption\.decode\.Decoding, got str"):
        cap.describe(Image.new("RGB", (32, 32)), decoding="greedy")


def test_a_folder_says_how_to_give_its_images(cap, tmp_path):
    # was: "image path is a folder: X", where the command line describes a folder's images
    with pytest.raises(RnnkitError) as caught:
        cap.describe(tmp_path)
    assert str(caught.value) == (
        f"image path is a folder: {tmp_path}; give its images, e.g. sorted(Path({str(tmp_path)!r})"
        ".glob('*.png')) (rnnkit caption describe reads a folder's images)"
    )


def test_an_empty_path_is_named_empty(cap):
    # was: "image path is a folder: ."
    with pytest.raises(RnnkitError, match="^an image path is empty"):
        cap.describe("")


@pytest.mark.parametrize(
    "array, hint",
    [
        (np.zeros((3, 40, 40), np.uint8), r"channels first\? pass array\.transpose\(1, 2, 0\)$"),
        (np.zeros((2, 40, 40, 3), np.uint8), r"a batch of images\? pass list\(array\)$"),
    ],
)
def test_an_array_in_another_layout_says_how_to_pass_it(cap, array, hint):
    with pytest.raises(RnnkitError, match=hint):
        cap.describe(array)
    cap.describe(array.transpose(1, 2, 0) if array.ndim == 3 else list(array))  # as the hint says: read


def test_bytes_and_values_of_other_types_are_type_errors_saying_what_to_pass(cap):
    with pytest.raises(TypeError, match=r"io\.BytesIO\(data\)"):
        cap.describe(b"\x89PNG\r\n")
    with pytest.raises(TypeError, match="of type NoneType: give a path"):
        cap.describe(None)


def test_captioner_help_shows_loading_and_describing():
    doc = Captioner.__doc__ or ""
    assert ">>> cap = Captioner.from_pretrained(" in doc and ".describe(" in doc


def test_a_numpy_integer_batch_size_is_taken(cap):
    # was: "batch_size must be a whole number of at least 1, got np.int64(2)"; beam took one already
    assert len(cap.describe([Image.new("RGB", (32, 32))] * 3, batch_size=np.int64(2), beam=np.int64(1))) == 3


def test_a_float_pillow_image_of_0_to_1_values_is_refused_not_described_as_black(cap):
    ramp = np.linspace(0, 1, 40 * 40, dtype=np.float32).reshape(40, 40)
    with pytest.raises(RnnkitError, match=r"Pillow mode F\) with values in 0\.\.1.*multiply by 255"):
        cap.describe(Image.fromarray(ramp))  # was: read as near-black (values 0 and 1 of 255)
    assert len(cap.describe(Image.fromarray(ramp * 255))) == 1  # Pillow's own 0..255 scale: read
