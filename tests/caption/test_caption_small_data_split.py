"""Session 23's QA of training on a small captions file of your own: with no val split, 5% of 20 to 40
images was ONE validation image, on which CIDEr-D is 0 for any caption, so the epoch kept was chosen on
nothing. Now a handful is held out (at least 5 where the data allows), and the generated data sets and
the demo keep their split to the image."""

import json
import random
import re
from pathlib import Path

import pytest
from helpers_caption import own_captions

from rnnkit.caption.cli import TASK_COUNTS
from rnnkit.caption.datasets import CaptionData, ImageRecord, held_out_count
from rnnkit.caption.demo import _settings
from rnnkit.caption.pipeline import CaptionConfig, split_train_val
from rnnkit.cli import main

TINY = ["--epochs", "1", "--hidden", "16", "--embed", "8", "--channels", "16", "--device", "cpu"]


def _split_as_in_session_22(data: CaptionData, seed: int) -> tuple[list, list]:
    """The split before this session (5% of train, at least 1), to hold today's against."""
    train, val = data.split("train"), data.split("val")
    if not val:
        order = list(range(len(train)))
        random.Random(seed).shuffle(order)
        n_val = max(1, len(train) // 20)
        val = [train[i] for i in order[:n_val]]
        train = [train[i] for i in sorted(order[n_val:])]
    return train, val


def _records(counts: dict[str, int]) -> CaptionData:
    """Records named as the generators name their images (``train_00000.png``), one caption each."""
    records = [
        ImageRecord(Path(f"images/{split}_{i:05d}.png"), [["a", "red", "circle"]], split, f"{split}_{i:05d}")
        for split, n in counts.items()
        for i in range(n)
    ]
    return CaptionData(records, "dataset.json")


def _ids(records: list[ImageRecord]) -> list[str]:
    return [r.image_id for r in records]


@pytest.mark.parametrize(
    ("n_train", "held"),
    [(2, 1), (3, 1), (5, 1), (6, 2), (10, 2), (15, 3), (20, 4), (24, 4), (25, 5), (40, 5), (99, 5), (100, 5),
     (120, 6), (3000, 150), (4000, 200)],
)  # fmt: skip
def test_a_small_set_holds_out_a_handful_a_large_one_5_percent(n_train, held):
    assert held_out_count(n_train) == held


def test_5_percent_is_held_out_from_100_images_up_as_before_and_more_never_means_fewer():
    assert all(held_out_count(n) == n // 20 for n in range(100, 10_000))
    assert all(held_out_count(n + 1) >= held_out_count(n) for n in range(1, 200))
    assert all(n - held_out_count(n) >= 0.8 * n for n in range(10, 200))  # most of a small set trains


@pytest.mark.parametrize("with_val", [True, False], ids=["val split", "val held out of train"])
def test_the_generated_data_sets_and_the_demo_keep_their_split_image_for_image(with_val):
    # generate-data's defaults, the demo's and the quick demo's sizes: the same image ids in each split
    # as before (so no shipped or documented number moves); without their val split (--val 0), the
    # images held out of train are the same too (the quick demo's 48, a smoke run, always has its own)
    full_shapes, full_digits, *_ = _settings(False, 0, "cpu")
    quick_shapes, quick_digits, *_ = _settings(True, 0, "cpu")
    sizes = [*TASK_COUNTS.values(), full_shapes, full_digits]
    sizes += [quick_shapes, quick_digits] if with_val else []
    for counts in sizes:
        counts = {k: v for k, v in counts.items() if with_val or k != "val"}
        data = _records(counts)
        for seed in (CaptionConfig().seed, 1, 7):
            now, before = split_train_val(data, seed), _split_as_in_session_22(data, seed)
            assert [_ids(part) for part in now] == [_ids(part) for part in before], (counts, seed)


def test_training_on_24_images_of_your_own_validates_on_4_and_says_so(tmp_path, capsys, monkeypatch):
    # 24 images and no val split validated on one image: "validation CIDEr-D 0.000", the most frequent
    # caption 0.000 too, and a warning that the epoch could not be chosen
    own_captions(tmp_path, 24)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    args = ["caption", "train", "--data", "captions.txt", "--images", "Images", "--out", "run"]
    assert main([*args, *TINY, "--image-size", "32"]) == 0
    out, err = capsys.readouterr()
    assert "no val split: 4 of the 24 training images held out to validate on" in out
    assert re.search(r"validation CIDEr-D \d\.\d{3} on 4 image\(s\)", out)
    assert "validation was one image" not in err
    card = (tmp_path / "run" / "model" / "README.md").read_text()
    assert "**validation split: 4 images (held out of train: the data has no val split)**" in card
    assert "Validation was one image" not in card
    # the eval the card offers scores 'train', whose 4 held-out images the model never trained on
    assert "trained on, which flatters it (and the 4 of them held out to choose the epoch)" in card
    # on 4 images the words weigh something: the most frequent caption scores above 0 (on one, 0.000)
    baseline = re.search(r"most frequent caption\s*\|\s*([0-9.]+)", card)
    assert baseline is not None and float(baseline.group(1)) > 0, card
    training = json.loads((tmp_path / "run" / "model" / "config.json").read_text())["training"]
    assert training["train_images"] == 20


def test_a_val_split_you_give_is_kept_and_not_called_held_out(tmp_path, capsys):
    # the card's note is for images drawn from train only; a Karpathy file's own val split is as given
    from rnnkit.caption.shapes import generate

    dataset = generate(tmp_path / "data", {"train": 12, "val": 3}, image_size=32, seed=3)
    capsys.readouterr()
    assert main(["caption", "train", "--data", str(dataset), "--out", str(tmp_path / "run"), *TINY,
                 "--image-size", "32"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "no val split" not in out and "on 3 image(s)" in out
    card = (tmp_path / "run" / "model" / "README.md").read_text()
    assert "**validation split: 3 images**" in card
    assert "held out of train" not in card
