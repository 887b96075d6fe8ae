"""Digit strings from real handwriting: split by scan, captions true of the scans, reading scores."""

import json

import numpy as np
import pytest

from rnnkit.caption.digits import generate_digits, load_scans, reading_scores, render_digits, split_scans
from rnnkit.utils.errors import RnnkitError


def test_scans_split_by_scan_with_every_digit_in_every_split():
    _, labels = load_scans()
    pools = split_scans(labels, seed=0)
    train, val, test = (set(pools[s]) for s in ("train", "val", "test"))
    assert not train & test and not train & val and not val & test
    assert len(train | val | test) == len(labels) == 1797
    for pool in pools.values():
        assert set(labels[sorted(pool)]) == set(range(10))
    assert split_scans(labels, seed=0) == pools and split_scans(labels, seed=1) != pools


def test_generated_images_use_only_their_splits_scans(tmp_path):
    path = generate_digits(tmp_path / "d", {"train": 30, "val": 5, "test": 10}, image_size=64, seed=4)
    doc = json.loads(path.read_text())
    _, labels = load_scans()
    pools = split_scans(labels, seed=4)
    for entry in doc["images"]:
        assert set(entry["scans"]) <= set(pools[entry["split"]])
        assert entry["digits"] == "".join(str(labels[j]) for j in entry["scans"])
        assert entry["sentences"][0]["tokens"] == list(entry["digits"])
        assert 1 <= len(entry["digits"]) <= 6
    assert "CC BY 4.0" in (tmp_path / "d" / "README.md").read_text()
    again = generate_digits(tmp_path / "e", {"train": 30, "val": 5, "test": 10}, image_size=64, seed=4)
    assert (tmp_path / "d" / "images" / "test_00003.png").read_bytes() == (
        tmp_path / "e" / "images" / "test_00003.png"
    ).read_bytes()
    assert json.loads(again.read_text())["images"] == doc["images"]


def test_render_draws_dark_ink_on_light_paper():
    import random

    scans, _ = load_scans()
    img = np.asarray(render_digits(scans[:6], 64, random.Random(0)))
    assert img.shape == (64, 64, 3) and img.max() >= 230 and img.min() <= 60
    with pytest.raises(RnnkitError, match="do not fit"):
        render_digits(scans[:7], 32, random.Random(0))


def test_reading_scores():
    s = reading_scores(["351", "42", "7"], [["3", "5", "1"], ["4"], ["7", "7"]])
    assert s["sequence accuracy"] == pytest.approx(1 / 3)
    assert s["digit accuracy"] == pytest.approx((3 + 1 + 1) / (3 + 2 + 2))
    assert s["length accuracy"] == pytest.approx(1 / 3)
    assert reading_scores(["12"], [["twelve"]])["digit accuracy"] == 0.0
    with pytest.raises(RnnkitError):
        reading_scores(["1"], [])


def test_bad_digit_arguments(tmp_path):
    with pytest.raises(RnnkitError, match="test_heldout"):
        generate_digits(tmp_path / "x", {"test_heldout": 3})
    with pytest.raises(RnnkitError, match="--image-size"):
        generate_digits(tmp_path / "x", {"train": 3}, image_size=16)
    assert not (tmp_path / "x").exists()
