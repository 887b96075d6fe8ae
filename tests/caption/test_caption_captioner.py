"""The Python API: ``Captioner.from_pretrained(folder).describe(images, beam=3)`` in one call."""

from pathlib import Path

import numpy as np
import pytest
import torch
from helpers_caption import api_model_folder
from PIL import Image

from rnnkit.caption import Captioner, Description
from rnnkit.utils.errors import RnnkitError


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("api")
    api_model_folder(root, train=24, val=6, seed=1)
    return root


def test_describe_paths_arrays_and_pil_images_in_one_call(folder):
    cap = Captioner.from_pretrained(folder / "model", device="cpu")
    path = folder / "data" / "images" / "val_00000.png"
    array = np.asarray(Image.open(path).convert("RGB"))
    found = cap.describe([path, str(path), array, Image.open(path)], beam=3)
    assert len(found) == 4 and all(isinstance(d, Description) for d in found)
    assert len({d.caption for d in found}) == 1  # the same picture, however given
    d = found[0]
    assert d.caption == " ".join(d.words) and d.score <= 0
    assert d.attention is not None and d.attention.shape[1:] == (4, 4)  # 32x32 image: a 4x4 grid
    assert torch.allclose(d.attention.sum(dim=(1, 2)), torch.ones(len(d.attention)))
    assert d.ood_score is not None and d.ood_threshold > 0 and isinstance(d.unfamiliar, bool)
    assert cap.describe(path, beam=1)[0].to_json()["caption"] == cap.describe([path], beam=1)[0].caption


def test_attention_is_a_map_per_word_and_one_for_the_step_that_ended_the_caption_as_documented(folder):
    # the docs said (words, 8, 8), one map per word: a 7-word caption gave 8 maps (the <end> step's last)
    cap = Captioner.from_pretrained(folder / "model", device="cpu")
    paths = sorted((folder / "data" / "images").glob("val_*.png"))[:3]
    for beam in (1, 3):
        for d in cap.describe(paths, beam=beam):
            assert d.attention.shape[0] == len(d.words) + 1
    docs = (Path(__file__).parents[2] / "docs" / "caption.md").read_text(encoding="utf-8")
    assert "d.attention  # (len(d.words) + 1, 8, 8)" in docs and "one map per word" not in docs
    assert "(len(words) + 1, side, side)" in Description.__doc__


def test_describe_bad_input(folder):
    cap = Captioner.from_pretrained(folder / "model", device="cpu")
    with pytest.raises(RnnkitError, match="no image"):
        cap.describe([])
    with pytest.raises(RnnkitError, match="too small"):
        cap.describe(np.zeros((1, 1, 3), dtype=np.uint8))
    with pytest.raises(RnnkitError, match="uint8"):
        cap.describe(np.zeros((20, 20, 3), dtype=np.float32))
    # the Python argument is named, not the command line's --beam (this is no command line)
    with pytest.raises(RnnkitError, match=r"^beam must be at least 1, got 0$"):
        cap.describe(folder / "data" / "images" / "val_00000.png", beam=0)


def test_reprs_are_one_line_summaries(folder):
    # a notebook printing these got the whole network, and a page of attention weights per caption
    cap = Captioner.from_pretrained(folder / "model", device="cpu")
    assert repr(cap) == (
        f"Captioner(lstm + attention, {len(cap.vocab)} words, images 32 px, familiarity check on, device cpu)"
    )
    d = cap.describe(folder / "data" / "images" / "val_00000.png", beam=1)[0]
    text = repr(d)
    assert text.startswith(f"Description(caption={d.caption!r}, score=")
    assert f"attention=Tensor({len(d.attention)}, 4, 4)" in text and "\n" not in text
