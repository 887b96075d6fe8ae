"""A user's own captions file, in each format: an image missing, a caption empty, an image listed twice,
and paths written on Windows (backslashes, drive letters)."""

import json

import pytest
from PIL import Image

from rnnkit.caption.datasets import load_captions
from rnnkit.utils.errors import RnnkitError


@pytest.fixture
def photos(tmp_path):
    """``photos/a.png``, ``photos/b.png`` and ``photos/2019/c.png``."""
    (tmp_path / "photos" / "2019").mkdir(parents=True)
    for name in ("a.png", "b.png", "2019/c.png"):
        Image.new("RGB", (8, 8), "red").save(tmp_path / "photos" / name)
    return tmp_path / "photos"


def _karpathy(path, entries):
    images = [
        {"filepath": fp, "filename": fn, "split": "train", "sentences": [{"raw": c} for c in caps]}
        for fp, fn, caps in entries
    ]
    path.write_text(json.dumps({"images": images}), encoding="utf-8")
    return path


def _coco(path, names, captions):
    doc = {
        "images": [{"id": i, "file_name": n} for i, n in enumerate(names)],
        "annotations": [{"image_id": i, "caption": c} for i, c in captions],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _tokens(path, rows):
    path.write_bytes("".join(f"{name}#{k}\t{text}\r\n" for k, (name, text) in enumerate(rows)).encode())
    return path


def _read(data, images):
    return {
        (r.image.relative_to(images).as_posix(), len(r.captions)) for r in load_captions(data, images).records
    }


def test_windows_backslash_paths_find_their_images_in_each_format(tmp_path, photos):
    """``photos\\2019\\c.png`` named no file here, and its captions were dropped as 'missing images'."""
    karpathy = _karpathy(tmp_path / "k.json", [("2019", "c.png", ["a red one"]), ("", "a.png", ["red"])])
    windows = _karpathy(tmp_path / "w.json", [(".\\2019", "c.png", ["a red one"]), ("", "a.png", ["red"])])
    assert _read(windows, photos) == _read(karpathy, photos) == {("2019/c.png", 1), ("a.png", 1)}
    coco = _coco(tmp_path / "c.json", ["2019\\c.png", "a.png"], [(0, "a red one"), (1, "red")])
    assert _read(coco, photos) == {("2019/c.png", 1), ("a.png", 1)}
    tokens = _tokens(tmp_path / "t.txt", [("2019\\c.png", "a red one"), ("a.png", "red")])
    data = load_captions(tokens, photos)
    assert {r.image.relative_to(photos).as_posix() for r in data.records} == {"2019/c.png", "a.png"}
    assert data.missing_images == 0


def test_the_same_image_by_slash_and_by_backslash_is_one_image(tmp_path, photos):
    tokens = _tokens(tmp_path / "t.txt", [("2019\\c.png", "a red one"), ("2019/c.png", "a red square")])
    (record,) = load_captions(tokens, photos).records
    assert record.captions == [["a", "red", "one"], ["a", "red", "square"]]


def test_a_name_holding_a_backslash_is_looked_for_as_it_is_first(tmp_path, photos):
    Image.new("RGB", (8, 8), "blue").save(photos / "odd\\name.png")  # a legal name here
    tokens = _tokens(tmp_path / "t.txt", [("odd\\name.png", "a blue one")])
    (record,) = load_captions(tokens, photos).records
    assert record.image == photos / "odd\\name.png"


def test_a_windows_drive_path_is_named_as_one(tmp_path, photos):
    """``C:\\Users\\me\\Pictures\\a.png`` can name no file here: the error says why, not only where."""
    tokens = _tokens(tmp_path / "t.txt", [("C:\\Users\\me\\Pictures\\a.png", "red")])
    with pytest.raises(RnnkitError, match=r"no usable image .*a Windows path with a drive letter") as exc:
        load_captions(tokens, photos)
    assert "\n" not in str(exc.value)
    rows = [("C:/Users/me/a.png", "red"), ("C:/Users/me/b.png", "red"), ("a.png", "red")]
    data = load_captions(_tokens(tmp_path / "m.txt", rows), photos)
    assert "most images are missing" in data.summary() and "drive letter" in data.summary()
    data = load_captions(
        _tokens(tmp_path / "n.txt", [("gone.png", "red"), ("x.png", "red"), ("a.png", "red")]), photos
    )
    assert "most images are missing" in data.summary() and "drive letter" not in data.summary()


def test_a_name_written_in_another_case_finds_its_one_image_in_each_format(tmp_path, photos):
    """A captions file written on Windows or macOS (disks that ignore case) naming ``A.PNG`` for ``a.png``:
    read there, its images were all missing here, "no usable image"."""
    karpathy = _karpathy(tmp_path / "k.json", [("2019", "C.PNG", ["a red one"]), ("", "A.png", ["red"])])
    assert _read(karpathy, photos) == {("2019/c.png", 1), ("a.png", 1)}
    coco = _coco(tmp_path / "c.json", ["2019\\C.png", "A.PNG"], [(0, "a red one"), (1, "red")])
    assert _read(coco, photos) == {("2019/c.png", 1), ("a.png", 1)}
    data = load_captions(_tokens(tmp_path / "t.txt", [("B.Png", "red"), ("gone.png", "blue")]), photos)
    assert [r.image for r in data.records] == [photos / "b.png"] and data.missing_images == 1


def test_a_name_in_another_case_of_two_files_is_missing_not_guessed(tmp_path, photos):
    Image.new("RGB", (8, 8), "blue").save(photos / "A.png")
    if (photos / "a.png").read_bytes() == (photos / "A.png").read_bytes():
        pytest.skip("this file system ignores case: a.png and A.png are one file")
    data = load_captions(_tokens(tmp_path / "t.txt", [("A.PNG", "red"), ("b.png", "blue")]), photos)
    assert [r.image for r in data.records] == [photos / "b.png"] and data.missing_images == 1
    data = load_captions(_tokens(tmp_path / "u.txt", [("A.png", "red"), ("a.png", "blue")]), photos)
    assert sorted(r.image.name for r in data.records) == ["A.png", "a.png"]  # each its own, as named


@pytest.mark.parametrize("fmt", ["karpathy", "coco", "flickr8k"])
def test_a_missing_image_an_empty_caption_and_a_duplicate_are_counted_not_trained_on(tmp_path, photos, fmt):
    if fmt == "karpathy":
        entries = [("", "a.png", ["red", ""]), ("", "gone.png", ["blue"]), ("", "a.png", ["a red one"])]
        data = _karpathy(tmp_path / "d.json", entries)
    elif fmt == "coco":
        data = _coco(
            tmp_path / "d.json",
            ["a.png", "gone.png"],
            [(0, "red"), (0, " . "), (1, "blue"), (0, "a red one")],
        )
    else:
        rows = [("a.png", "red"), ("a.png", ""), ("gone.png", "blue"), ("a.png", "a red one")]
        data = _tokens(tmp_path / "d.txt", rows)
    result = load_captions(data, photos)
    assert [(r.image.name, r.captions) for r in result.records] == [("a.png", [["red"], ["a", "red", "one"]])]
    assert (result.missing_images, result.empty_captions) == (1, 1)


def test_an_image_in_two_flickr8k_split_lists_is_one_line(tmp_path, photos):
    """The test list silently won over the train list: an image is in one split, as Karpathy files are."""
    tokens = _tokens(photos / "Flickr8k.token.txt", [("a.png", "red"), ("b.png", "red")])
    (photos / "Flickr_8k.trainImages.txt").write_text("a.png\nb.png\n")
    (photos / "Flickr_8k.testImages.txt").write_text("b.png\n")
    with pytest.raises(
        RnnkitError, match=r"^Flickr_8k\.testImages\.txt: image b\.png is also in the 'train' list"
    ):
        load_captions(tokens, photos)
    (photos / "Flickr_8k.testImages.txt").write_text("")  # disjoint lists: read as before
    assert {r.split for r in load_captions(tokens, photos).records} == {"train"}


def test_a_captions_file_and_image_folder_under_home_are_read_as_a_shell_reads_them(
    tmp_path, photos, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path))
    _tokens(tmp_path / "t.txt", [("a.png", "red")])
    (record,) = load_captions("~/t.txt", "~/photos").records
    assert record.image == photos / "a.png"


def test_coco_ids_written_as_numbers_in_one_list_and_text_in_the_other_are_one_id(tmp_path, photos):
    """Every caption was 'of an unlisted image id' and the file refused, for 42 against "42"."""
    doc = {
        "images": [{"id": 42, "file_name": "a.png"}, {"id": "7", "file_name": "b.png"}],
        "annotations": [{"image_id": "42", "caption": "red"}, {"image_id": 7, "caption": "a red one"}],
    }
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    data = load_captions(tmp_path / "c.json", photos)
    assert {(r.image.name, r.image_id) for r in data.records} == {("a.png", "42"), ("b.png", "7")}
    assert data.unlisted_captions == 0
    doc["images"].append({"id": "42", "file_name": "b.png"})  # the same id, as text, for another file
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(RnnkitError, match=r"image id '42' is listed twice, as 'a\.png' and 'b\.png'"):
        load_captions(tmp_path / "c.json", photos)


def test_karpathy_tokens_of_no_word_are_dropped(tmp_path, photos):
    # a script writing tokens as raw.split(" ") leaves "" at a double space and " " beside it: each was a
    # word of the vocabulary (captions printed with two spaces in a row); tokens of no word at all: the raw
    sentences = [
        {"tokens": ["A", "", "red", " ", "square "], "raw": "A  red  square "},
        {"tokens": ["", " "], "raw": "Red."},
    ]
    doc = {"images": [{"filename": "a.png", "split": "train", "sentences": sentences}]}
    (tmp_path / "k.json").write_text(json.dumps(doc), encoding="utf-8")
    (record,) = load_captions(tmp_path / "k.json", photos).records
    assert record.captions == [["a", "red", "square"], ["red"]]


def test_a_captions_file_without_images_names_the_picture_folder_beside_it(tmp_path):
    """Kaggle's captions.txt with its Images/ beside it, given without --images: the line was '--images (the
    image folder) is needed for the flickr8k format', and the user had to look up what to give."""
    from helpers_caption import own_captions

    captions, images = own_captions(tmp_path / "kaggle", 2)
    with pytest.raises(RnnkitError) as caught:
        load_captions(captions)
    assert str(caught.value) == (
        f"--images (the image folder) is needed for the flickr8k format; did you mean --images {images}?"
    )
    alone = tmp_path / "captions.txt"  # no picture folder beside it: what the option wants
    alone.write_bytes(captions.read_bytes())
    with pytest.raises(
        RnnkitError, match=r"flickr8k format: give the folder that holds its pictures \(--images DIR\)$"
    ):
        load_captions(alone)


@pytest.mark.parametrize(
    ("captions", "folders", "hint"),
    [
        # both of COCO's picture folders beside the file: it said train2014, first of the two it knows
        ("coco2/captions_val2014.json", ["coco2/train2014", "coco2/val2014"], "coco2/val2014"),
        # COCO's own layout, the captions in annotations/: no hint at all
        ("coco/annotations/captions_val2014.json", ["coco/train2014", "coco/val2014"], "coco/val2014"),
        ("coco/annotations/captions_train2014.json", ["coco/val2014", "coco/train2014"], "coco/train2014"),
        # COCO 2017: its folders were not known, beside the file or one level up
        ("coco/annotations/captions_val2017.json", ["coco/train2017", "coco/val2017"], "coco/val2017"),
        ("coco/annotations/captions_train2017.json", ["coco/val2017", "coco/train2017"], "coco/train2017"),
        ("c17/captions_val2017.json", ["c17/train2017", "c17/val2017"], "c17/val2017"),
    ],
)
def test_a_coco_file_without_images_names_the_folder_its_name_names(tmp_path, captions, folders, hint):
    """captions_val2014.json's pictures are in val2014/, beside the file or one level up (COCO's
    annotations/): the hint named train2014/ beside it, or, one level up, nothing."""
    for folder in folders:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / captions).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / captions).write_text(json.dumps({"images": [], "annotations": []}), encoding="utf-8")
    with pytest.raises(RnnkitError) as caught:
        load_captions(tmp_path / captions)
    assert str(caught.value) == (
        f"--images (the image folder) is needed for the coco format; did you mean --images {tmp_path / hint}?"
    )


def test_a_coco_file_given_from_inside_annotations_names_the_folder_one_level_up(tmp_path, monkeypatch):
    (tmp_path / "coco" / "val2017").mkdir(parents=True)
    (tmp_path / "coco" / "annotations").mkdir()
    (tmp_path / "coco" / "annotations" / "captions_val2017.json").write_text(
        json.dumps({"images": [], "annotations": []}), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path / "coco" / "annotations")
    with pytest.raises(RnnkitError, match=r"; did you mean --images \.\./val2017\?$"):
        load_captions("captions_val2017.json")


@pytest.mark.parametrize(
    ("captions", "folders"),
    [
        # a project's images/ beside the folder of a Kaggle captions.txt: not its pictures
        ("proj/flickr/captions.txt", ["proj/images"]),
        # from annotations/, only COCO's picture folders one level up
        ("proj/annotations/captions.txt", ["proj/Images"]),
        # and COCO's only from annotations/
        ("coco/json/captions_val2017.json", ["coco/val2017"]),
    ],
)
def test_no_folder_one_level_up_is_named_but_coco_s_from_annotations(tmp_path, captions, folders):
    """The hint looked one level up for every format and name: proj/flickr/captions.txt with an unrelated
    proj/images/ gave 'did you mean --images proj/images?'."""
    from helpers_caption import own_captions

    for folder in folders:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / captions).parent.mkdir(parents=True, exist_ok=True)
    if captions.endswith(".json"):
        (tmp_path / captions).write_text(json.dumps({"images": [], "annotations": []}), encoding="utf-8")
    else:
        made, _ = own_captions(tmp_path / "made", 2)
        (tmp_path / captions).write_bytes(made.read_bytes())
    with pytest.raises(
        RnnkitError, match=r"format: give the folder that holds its pictures \(--images DIR\)$"
    ):
        load_captions(tmp_path / captions)
