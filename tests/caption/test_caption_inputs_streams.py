"""Open files given to ``Captioner.describe`` in a list: one that cannot be read is named by its file
name, or, a stream of no name (``io.BytesIO``), by its place in the list, as an array or an image made
in memory is. It was 'unreadable image image (UnidentifiedImageError)', which said not which of them,
and named the stream 'image' in a sentence about an image."""

import io

import numpy as np
import pytest
from helpers_caption import api_model_folder
from PIL import Image

from rnnkit.caption import Captioner
from rnnkit.utils.errors import RnnkitError


@pytest.fixture(scope="module")
def cap(tmp_path_factory):
    return Captioner.from_pretrained(
        api_model_folder(tmp_path_factory.mktemp("streams"), train=8, val=2, seed=3), device="cpu"
    )


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "p.png"
    Image.fromarray(np.random.default_rng(2).integers(0, 256, (20, 24, 3), dtype=np.uint8)).save(path)
    return path


def test_a_stream_of_no_name_is_named_by_its_place(cap, picture):
    good = picture.read_bytes()
    with pytest.raises(RnnkitError, match=r"^image 3 of 3: unreadable image \(an empty file"):
        cap.describe([io.BytesIO(good), picture, io.BytesIO(b"")])
    _, kept, problems = cap.read_each([io.BytesIO(b"not a picture"), io.BytesIO(good)])
    assert kept == [1] and problems[0].startswith("image 1 of 2: unreadable image"), problems


def test_a_file_with_a_name_is_named_by_it(cap, picture, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    with open(broken, "rb") as f, pytest.raises(RnnkitError, match=rf"^unreadable image {broken} \("):
        cap.describe([picture, f])
    with pytest.raises(
        RnnkitError, match=r"^unreadable image \(a text file, not a picture\)$"
    ):  # alone: no place to say
        cap.describe(io.BytesIO(b"not a picture"))
