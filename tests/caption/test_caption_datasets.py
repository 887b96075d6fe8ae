"""Readers for Karpathy split JSON, COCO captions JSON and the Flickr8k token file."""

import json

import pytest
from PIL import Image

from rnnkit.caption.datasets import (
    detect_format,
    load_captions,
    read_coco,
    read_flickr8k,
    read_karpathy,
    tokenize,
    write_karpathy,
)
from rnnkit.utils.errors import RnnkitError


def _image(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), (10, 20, 30)).save(path)
    return path


def test_tokenize_lowercases_and_drops_punctuation():
    assert tokenize("A Dog, running!  Fast.") == ["a", "dog", ",", "running", "fast"]
    assert tokenize("  ...  ") == []


def test_karpathy_round_trip_and_restval(tmp_path):
    _image(tmp_path / "imgs" / "a.png")
    _image(tmp_path / "imgs" / "b.png")
    entries = [
        {"filename": "a.png", "split": "train", "captions": ["a red circle", "a circle"]},
        {"filename": "b.png", "split": "restval", "captions": ["a blue square"], "cocoid": 42},
    ]
    path = write_karpathy(tmp_path / "dataset.json", entries, dataset="shapes", filepath="imgs")
    raw = json.loads(path.read_text())
    assert raw["dataset"] == "shapes" and raw["images"][1]["sentids"] == [2]
    data = read_karpathy(path)
    assert [r.split for r in data.records] == ["train", "train"]  # restval counts as train
    assert data.records[0].captions == [["a", "red", "circle"], ["a", "circle"]]
    assert data.records[0].image == tmp_path / "imgs" / "a.png"
    assert data.records[1].image_id == "42"
    assert data.missing_images == 0 and data.empty_captions == 0


def test_karpathy_counts_missing_images_and_empty_captions(tmp_path):
    _image(tmp_path / "a.jpg")
    doc = {
        "images": [
            {"filename": "a.jpg", "split": "test",
             "sentences": [{"tokens": ["a", "dog"], "raw": "A dog."}, {"tokens": [], "raw": " . "}]},
            {"filename": "gone.jpg", "split": "test", "sentences": [{"tokens": ["x"]}, {"tokens": ["y"]}]},
        ]
    }  # fmt: skip
    (tmp_path / "dataset_flickr8k.json").write_text(json.dumps(doc))
    data = read_karpathy(tmp_path / "dataset_flickr8k.json")
    assert len(data.records) == 1 and data.records[0].captions == [["a", "dog"]]
    assert data.missing_images == 2 and data.empty_captions == 1
    assert "2 caption(s) of missing images, 1 empty" in data.summary()


def test_coco_reader(tmp_path):
    _image(tmp_path / "img" / "COCO_1.jpg")
    doc = {
        "images": [{"id": 1, "file_name": "COCO_1.jpg"}, {"id": 2, "file_name": "COCO_2.jpg"}],
        "annotations": [
            {"image_id": 1, "id": 10, "caption": "A man riding a horse."},
            {"image_id": 1, "id": 11, "caption": "   "},
            {"image_id": 2, "id": 12, "caption": "Missing image."},
            {"image_id": 3, "id": 13, "caption": "Unknown image id."},
        ],
    }
    (tmp_path / "captions_val2014.json").write_text(json.dumps(doc))
    data = read_coco(tmp_path / "captions_val2014.json", tmp_path / "img", split="test")
    assert len(data.records) == 1
    rec = data.records[0]
    assert (
        rec.captions == [["a", "man", "riding", "a", "horse"]] and rec.split == "test" and rec.image_id == "1"
    )
    # the unknown id is counted apart: no file of it is missing, the captions file does not list it
    assert (data.missing_images, data.unlisted_captions, data.empty_captions) == (1, 1, 1)
    assert "1 caption(s) of unlisted image ids" in data.summary()
    assert detect_format(tmp_path / "captions_val2014.json") == "coco"


def test_flickr8k_reader_with_split_files(tmp_path):
    for name in ("1.jpg", "2.jpg", "3.jpg"):
        _image(tmp_path / "Flicker8k_Dataset" / name)
    lines = ["1.jpg#0\tA dog runs .", "1.jpg#1\tA brown dog .", "2.jpg#0\tTwo kids play .", "3.jpg#0\t.",
             "4.jpg#0\tNo such image ."]  # fmt: skip
    token = tmp_path / "Flickr8k.token.txt"
    token.write_text("\n".join(lines) + "\n")
    (tmp_path / "Flickr_8k.trainImages.txt").write_text("1.jpg\n")
    (tmp_path / "Flickr_8k.devImages.txt").write_text("2.jpg\n")
    assert detect_format(token) == "flickr8k"
    data = load_captions(token, tmp_path / "Flicker8k_Dataset")
    by_id = {r.image_id: r for r in data.records}
    assert set(by_id) == {"1.jpg", "2.jpg"}  # 3.jpg has only an empty caption
    assert by_id["1.jpg"].captions == [["a", "dog", "runs"], ["a", "brown", "dog"]]
    assert by_id["1.jpg"].split == "train" and by_id["2.jpg"].split == "val"
    assert data.missing_images == 1 and data.empty_captions == 1


def test_flickr8k_bad_line(tmp_path):
    token = tmp_path / "t.txt"
    token.write_text("1.jpg#0\tfine\nno tab here\n")
    with pytest.raises(RnnkitError, match=r"t.txt:2"):
        read_flickr8k(token, tmp_path)


def test_format_errors(tmp_path):
    (tmp_path / "x.json").write_text('{"foo": 1}')
    with pytest.raises(RnnkitError, match="neither Karpathy"):
        load_captions(tmp_path / "x.json")
    (tmp_path / "y.txt").write_text("just text\n")
    with pytest.raises(RnnkitError, match="unknown captions format"):
        load_captions(tmp_path / "y.txt")
    (tmp_path / "z.json").write_text("{broken")
    with pytest.raises(RnnkitError, match="not valid JSON"):
        load_captions(tmp_path / "z.json")
    with pytest.raises(RnnkitError, match="not found"):
        load_captions(tmp_path / "missing.json")
    with pytest.raises(RnnkitError, match="unknown format"):
        load_captions(tmp_path / "x.json", fmt="csv")
    (tmp_path / "c.json").write_text('{"images": [], "annotations": []}')
    with pytest.raises(RnnkitError, match="--images"):
        load_captions(tmp_path / "c.json")


def test_no_usable_image_is_an_error(tmp_path):
    doc = {"images": [{"filename": "gone.png", "split": "train", "sentences": [{"tokens": ["a"]}]}]}
    (tmp_path / "d.json").write_text(json.dumps(doc))
    with pytest.raises(RnnkitError, match="no usable image"):
        read_karpathy(tmp_path / "d.json")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("k.json", '{"images": []}'),
        ("c.json", '{"images": [], "annotations": []}'),
        ("captions.txt", "image,caption\n"),
    ],
)
def test_a_captions_file_of_no_caption_says_so(tmp_path, name, text):
    """A header alone, or empty lists, was "no usable image (0 caption(s) point to missing images, 0 empty)"."""
    (tmp_path / name).write_text(text)
    with pytest.raises(RnnkitError) as caught:
        load_captions(tmp_path / name, tmp_path)
    assert str(caught.value) == f"{name}: no image with a caption in it (the file lists none)"
