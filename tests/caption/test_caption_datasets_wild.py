"""Caption files as real downloads and other systems leave them: captions in other scripts, a token
file with a byte-order mark and CRLF, split lists naming files with spaces and Hangul, an image listed
twice, COCO captions of ids its images list lacks, names decomposed by macOS. Each is read right (the
captions and splits themselves are checked) or refused in one line."""

from __future__ import annotations

import codecs
import json
import unicodedata

import pytest
from PIL import Image

from rnnkit.caption.datasets import (
    _flickr_rows,
    caption_text,
    load_captions,
    read_coco,
    read_flickr8k,
    read_karpathy,
    tokenize,
)
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError


def _image(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), (10, 20, 30)).save(path)
    return path


def test_words_of_any_script_are_kept_whole():
    assert tokenize("A café in Zürich.") == ["a", "café", "in", "zürich"]
    assert tokenize("고양이가 소파에서 잔다.") == ["고양이가", "소파에서", "잔다"]
    assert tokenize(unicodedata.normalize("NFD", "Café")) == ["café"]  # a decomposed accent is one word
    assert tokenize("A dog's ball, red_ish!") == ["a", "dog's", "ball", ",", "red", "ish"]  # ASCII as before


def test_words_with_combining_marks_stay_whole_and_chinese_is_read_a_character_a_word(tmp_path):
    # a vowel sign (Hindi), a tone mark (Thai), harakat (Arabic) are marks, not letters to \w: each cut its
    # word in pieces (कुत्ता was कुत, त); Chinese and Japanese, written without spaces, were a whole
    # caption to a word, so a model trained on them could only repeat a training caption
    assert tokenize("एक काला कुत्ता घास पर दौड़ रहा है।") == [
        "एक",
        "काला",
        "कुत्ता",
        "घास",
        "पर",
        "दौड़",
        "रहा",
        "है",
    ]
    assert tokenize("ไม่มี ช่องว่าง") == ["ไม่มี", "ช่องว่าง"]
    assert tokenize("كَلْبٌ أَسْوَدُ") == ["كَلْبٌ", "أَسْوَدُ"]
    assert tokenize("一只黑狗，在跑。") == ["一", "只", "黑", "狗", ",", "在", "跑"]  # ， is the comma
    assert tokenize("黒い犬がA dogと走る") == ["黒", "い", "犬", "が", "a", "dog", "と", "走", "る"]
    assert tokenize("ジョン・スミス゠ー") == [
        "ジ",
        "ョ",
        "ン",
        "ス",
        "ミ",
        "ス",
        "ー",
    ]  # ・ and ゠: punctuation
    assert tokenize("고양이가 소파에서 잔다.") == ["고양이가", "소파에서", "잔다"]  # Korean has its spaces
    _image(tmp_path / "Images" / "a.jpg")
    (tmp_path / "captions.txt").write_text(
        "image,caption\na.jpg,一只狗在跑。\na.jpg,एक कुत्ता\n", encoding="utf-8"
    )
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert data.records[0].captions == [["一", "只", "狗", "在", "跑"], ["एक", "कुत्ता"]]


def test_a_mark_with_no_letter_before_it_is_no_word_and_every_script_s_comma_is_the_comma():
    # a phone types an invisible variation selector (U+FE0F) after ❤ and ☀: each was a word of its own, as
    # was an accent typed alone; Chinese ， and 、 and Arabic ، were dropped where the comma was kept
    assert tokenize("a dog ❤️ in the sun ☀️") == ["a", "dog", "in", "the", "sun"]
    assert tokenize("café \u0301 x \u0301y") == ["café", "x", "y"]
    assert tokenize("a family 👨\u200d👩\u200d👧 here") == ["a", "family", "here"]  # emoji's joiners
    assert tokenize("ホット・ドッグ") == ["ホ", "ッ", "ト", "ド", "ッ", "グ"]
    # a zero-width non-joiner inside a Persian word is part of it (می‌روم was two words)
    assert tokenize("سگ می\u200cرود") == ["سگ", "می\u200cرود"]
    assert tokenize("a, b，c、d ، e") == ["a", ",", "b", ",", "c", ",", "d", ",", "e"]
    assert caption_text(tokenize("一只黑狗，在跑")) == "一只黑狗,在跑"
    assert caption_text(tokenize("a dog, running")) == "a dog , running"  # as before


def test_half_and_full_width_forms_are_read_as_the_usual_letters():
    # half-width kana (old Japanese systems) kept each sound mark a word of its own, ﾄﾞ beside ド; Latin
    # typed full-width by a Japanese input method (ｄｏｇ) was a word beside dog
    assert tokenize("ﾎｯﾄﾄﾞｯｸﾞ") == tokenize("ホットドッグ") == ["ホ", "ッ", "ト", "ド", "ッ", "グ"]
    assert tokenize("Ａ ｄｏｇ！ ｾｰﾀｰ") == ["a", "dog", "セ", "ー", "タ", "ー"]
    assert tokenize("x² café") == ["x²", "café"]  # the rest is not read as NFKC would (x2)


def test_the_latin_ligatures_of_text_copied_from_a_pdf_are_read_as_their_letters():
    # a caption copied from a PDF holds ﬁ and ﬂ: ﬁsh was a word of its own beside fish
    assert tokenize("A ﬁsh, a ﬂag and a baﬄed oﬃcer") == tokenize("A fish, a flag and a baffled officer")
    assert tokenize("ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ") == ["ff", "fi", "fl", "ffi", "ffl", "st", "st"]


def test_an_apostrophe_typed_curly_is_the_straight_one_and_quotes_are_dropped(tmp_path):
    # a phone or word processor types dog’s (U+2019): it was cut into "dog" and "s", beside "dog's" typed
    # on a keyboard; a word in single quotes ('red') was a word of its own beside red
    assert tokenize("The dog’s ball, the dog's toy") == ["the", "dog's", "ball", ",", "the", "dog's", "toy"]
    assert tokenize("don’t donʼt don't") == ["don't"] * 3
    assert tokenize("a ‘red’ ball, a 'red' cup, the dogs' bowl") == [
        "a", "red", "ball", ",", "a", "red", "cup", ",", "the", "dogs", "bowl"
    ]  # fmt: skip
    _image(tmp_path / "Images" / "a.jpg")
    (tmp_path / "captions.txt").write_text("image,caption\na.jpg,The dog’s ‘red’ ball .\n", encoding="utf-8")
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert data.records[0].captions == [["the", "dog's", "red", "ball"]]


def test_flickr8k_with_a_byte_order_mark_crlf_and_names_with_spaces_and_hangul(tmp_path):
    names = ["1000268201_693b08cb0e.jpg", "my photo 1.jpg", "고양이 사진.jpg"]
    for name in names:
        _image(tmp_path / "Flicker8k_Dataset" / name)
    lines = [f"{n}#{k}\tA dog runs number {k} ." for n in names for k in range(5)]
    token = tmp_path / "Flickr8k.token.txt"
    token.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    (tmp_path / "Flickr_8k.trainImages.txt").write_bytes(f"\ufeff{names[0]}\r\n".encode())
    (tmp_path / "Flickr_8k.devImages.txt").write_text(f"{names[1]}\n")
    (tmp_path / "Flickr_8k.testImages.txt").write_text(f"{names[2]}\n\n")
    data = load_captions(token, tmp_path / "Flicker8k_Dataset")
    by_name = {r.image.name: r for r in data.records}
    assert {n: (r.split, len(r.captions)) for n, r in by_name.items()} == {
        names[0]: ("train", 5),
        names[1]: ("val", 5),
        names[2]: ("test", 5),
    }
    assert by_name[names[0]].captions[0] == ["a", "dog", "runs", "number", "0"]
    assert data.missing_images == 0


def test_karpathy_with_only_train_and_val_and_a_decomposed_file_name(tmp_path):
    name = "고양이.jpg"
    _image(tmp_path / unicodedata.normalize("NFD", name))  # as unzipped from a macOS archive
    _image(tmp_path / "b.jpg")
    doc = {
        "images": [
            {"filename": name, "split": "train", "sentences": [{"raw": "A cat sleeps."}]},
            {"filename": "b.jpg", "split": "val", "sentences": [{"raw": "A dog."}, {"raw": ""}]},
        ]
    }
    (tmp_path / "dataset.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    data = read_karpathy(tmp_path / "dataset.json")
    assert [(r.split, r.captions) for r in data.records] == [("train", [["a", "cat", "sleeps"]]), ("val", [["a", "dog"]])]  # fmt: skip
    assert data.missing_images == 0 and data.empty_captions == 1


def test_an_image_listed_twice_in_one_split_has_its_captions_merged(tmp_path):
    _image(tmp_path / "a.jpg")
    doc = {
        "images": [
            {"filename": "a.jpg", "split": "train", "sentences": [{"raw": "A red dog."}]},
            {"filename": "a.jpg", "split": "train", "sentences": [{"raw": "A dog."}]},
        ]
    }
    (tmp_path / "dataset.json").write_text(json.dumps(doc))
    data = read_karpathy(tmp_path / "dataset.json")
    assert len(data.records) == 1 and data.records[0].captions == [["a", "red", "dog"], ["a", "dog"]]


def test_an_image_listed_in_two_splits_is_refused(tmp_path, capsys):
    _image(tmp_path / "a.jpg")
    _image(tmp_path / "b.jpg")
    doc = {
        "images": [
            {"filename": "a.jpg", "split": "train", "sentences": [{"raw": "A red dog."}]},
            {"filename": "b.jpg", "split": "train", "sentences": [{"raw": "A cat."}]},
            {"filename": "a.jpg", "split": "test", "sentences": [{"raw": "A dog."}]},
        ]
    }
    (tmp_path / "dataset.json").write_text(json.dumps(doc))
    with pytest.raises(RnnkitError, match="image a.jpg is listed twice, in split 'train' and in 'test'"):
        read_karpathy(tmp_path / "dataset.json")
    code = main(["caption", "train", "--data", str(tmp_path / "dataset.json"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("rnnkit: error: ") and err.count("\n") == 1


def test_coco_unlisted_ids_are_counted_apart_and_a_twice_listed_id_is_refused(tmp_path):
    _image(tmp_path / "img" / "1.jpg")
    doc = {
        "images": [{"id": 1, "file_name": "1.jpg"}, {"id": 1, "file_name": "1.jpg"}, {"id": 2, "file_name": "2.jpg"}],
        "annotations": [
            {"image_id": 1, "caption": "A horse."},
            {"image_id": 2, "caption": "Gone."},
            {"image_id": 7, "caption": "Not listed."},
            {"image_id": 7, "caption": "Not listed either."},
        ],
    }  # fmt: skip
    (tmp_path / "c.json").write_text(json.dumps(doc))
    data = read_coco(tmp_path / "c.json", tmp_path / "img")
    assert [r.captions for r in data.records] == [[["a", "horse"]]]
    assert (data.missing_images, data.unlisted_captions) == (1, 2)
    doc["images"][1]["file_name"] = "other.jpg"
    (tmp_path / "c.json").write_text(json.dumps(doc))
    with pytest.raises(RnnkitError, match="image id 1 is listed twice, as '1.jpg' and 'other.jpg'"):
        read_coco(tmp_path / "c.json", tmp_path / "img")


def test_coco_captions_from_another_file_are_named_as_such(tmp_path):
    doc = {"images": [{"id": 1, "file_name": "1.jpg"}], "annotations": [{"image_id": 5, "caption": "A cat."}]}
    (tmp_path / "c.json").write_text(json.dumps(doc))
    with pytest.raises(RnnkitError, match="none of the 1 captions' image_id is in the file's 'images' list"):
        read_coco(tmp_path / "c.json", tmp_path)


def test_no_usable_image_names_where_it_looked(tmp_path):
    lines = ["1.jpg#0\tA dog .", "2.jpg#0\tA cat ."]
    (tmp_path / "Flickr8k.token.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(
        RnnkitError, match=r"no usable image \(2 caption.*looked for .*wrong/1.jpg, for one\)"
    ):
        read_flickr8k(tmp_path / "Flickr8k.token.txt", tmp_path / "wrong")


@pytest.mark.parametrize("fmt", ["auto", "karpathy"])
def test_json_saved_with_a_byte_order_mark_reads(tmp_path, fmt):
    _image(tmp_path / "a.jpg")
    doc = {"images": [{"filename": "a.jpg", "split": "train", "sentences": [{"raw": "A red dog."}]}]}
    (tmp_path / "dataset.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode())  # Windows Notepad
    data = load_captions(tmp_path / "dataset.json", fmt=fmt)
    assert [r.captions for r in data.records] == [[["a", "red", "dog"]]]
    coco = {
        "images": [{"id": 1, "file_name": "a.jpg"}],
        "annotations": [{"image_id": 1, "caption": "A cat."}],
    }
    (tmp_path / "c.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(coco).encode())
    assert [r.captions for r in load_captions(tmp_path / "c.json", tmp_path).records] == [[["a", "cat"]]]


def test_the_kaggle_flickr8k_captions_csv_reads(tmp_path):
    for name in ("1000268201_693b08cb0e.jpg", "1001773457_577c3a7d70.jpg"):
        _image(tmp_path / "Images" / name)
    lines = [
        "image,caption",
        "1000268201_693b08cb0e.jpg,A child in a pink dress is climbing up a set of stairs in an entry way .",
        '1000268201_693b08cb0e.jpg,"A girl, going into a wooden building ."',
        "1001773457_577c3a7d70.jpg,A black dog and a spotted dog are fighting",
        "1001773457_577c3a7d70.jpg, ",
    ]
    (tmp_path / "captions.txt").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    caps = {r.image.name: r.captions for r in data.records}
    assert caps["1000268201_693b08cb0e.jpg"][1] == [
        "a",
        "girl",
        ",",
        "going",
        "into",
        "a",
        "wooden",
        "building",
    ]
    assert len(caps["1000268201_693b08cb0e.jpg"]) == 2 and len(caps["1001773457_577c3a7d70.jpg"]) == 1
    assert data.empty_captions == 1 and {r.split for r in data.records} == {"train"}
    (tmp_path / "captions.txt").write_text("image,caption\nno comma here\n", encoding="utf-8")
    with pytest.raises(RnnkitError, match=r"captions.txt:2: expected 'NAME.jpg,caption'"):
        load_captions(tmp_path / "captions.txt", tmp_path / "Images")


@pytest.mark.parametrize("odd", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"])
def test_a_caption_holding_a_form_feed_nel_or_u2028_stays_one_caption(tmp_path, odd):
    # str.splitlines cut a line there: the token file's line became a caption and a line without
    # 'NAME.jpg#k<TAB>', refused; the Kaggle line's tail became a line without a comma, refused
    _image(tmp_path / "Images" / "a.jpg")
    token = tmp_path / "Flickr8k.token.txt"
    token.write_text(f"a.jpg#0\tA dog{odd}runs .\na.jpg#1\tA cat .\n", encoding="utf-8")
    data = load_captions(token, tmp_path / "Images")
    assert [r.captions for r in data.records] == [[["a", "dog", "runs"], ["a", "cat"]]]
    (tmp_path / "captions.txt").write_text(f"image,caption\na.jpg,A dog{odd}runs .\n", encoding="utf-8")
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert [r.captions for r in data.records] == [[["a", "dog", "runs"]]]


def test_a_split_list_naming_an_image_decomposed_keeps_it_in_its_split(tmp_path):
    # a split list made on a Mac (ls > Flickr_8k.testImages.txt) holds names decomposed (NFD) where the
    # token file holds them composed: the two did not match, and the test image was trained on as 'train'
    names = ("고양이.jpg", "café.jpg", "b.jpg")
    for name in names:
        _image(tmp_path / "Images" / name)
    rows = "".join(f"{name}#0\tA picture .\n" for name in names)
    (tmp_path / "Flickr8k.token.txt").write_text(rows, encoding="utf-8")
    listed = "".join(unicodedata.normalize("NFD", name) + "\n" for name in names[:2])
    (tmp_path / "Flickr_8k.testImages.txt").write_text(listed, encoding="utf-8")
    data = load_captions(tmp_path / "Flickr8k.token.txt", tmp_path / "Images")
    assert {r.image.name: r.split for r in data.records} == {
        names[0]: "test",
        names[1]: "test",
        "b.jpg": "train",
    }
    (tmp_path / "Flickr_8k.trainImages.txt").write_text(names[1] + "\n", encoding="utf-8")  # composed here
    with pytest.raises(RnnkitError, match=r"testImages.txt: image .* is also in the 'train' list"):
        load_captions(tmp_path / "Flickr8k.token.txt", tmp_path / "Images")


def test_a_split_list_name_holding_nel_is_one_name(tmp_path):
    name = "caf\x85.jpg"  # a name read from Windows-1252 bytes as Latin-1: the ellipsis is NEL
    _image(tmp_path / "Images" / name)
    (tmp_path / "Flickr8k.token.txt").write_text(f"{name}#0\tA dog .\n", encoding="utf-8")
    (tmp_path / "Flickr_8k.testImages.txt").write_text(f"{name}\n", encoding="utf-8")
    data = load_captions(tmp_path / "Flickr8k.token.txt", tmp_path / "Images")
    assert [(r.image.name, r.split) for r in data.records] == [(name, "test")]


def test_the_kaggle_header_after_blank_lines_is_still_the_header(tmp_path):
    # detect_format skipped leading blank lines and called it flickr8k; the reader took the header
    # only on line 1, so line 3 was refused as not 'NAME.jpg#k<TAB>caption'
    _image(tmp_path / "Images" / "a.jpg")
    (tmp_path / "captions.txt").write_text("\n\nimage,caption\na.jpg,A dog runs .\n", encoding="utf-8")
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert [r.captions for r in data.records] == [[["a", "dog", "runs"]]]


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_a_captions_file_whose_lines_end_at_cr_alone_is_told_by_its_format(tmp_path, end):
    # Excel for Mac's "CSV (Macintosh)" ends lines at \r alone, which the readers split at; format
    # detection split at \n only, took the whole file for its first line and refused it as of no format
    _image(tmp_path / "Images" / "a.jpg")
    _image(tmp_path / "Images" / "b.jpg")
    (tmp_path / "captions.txt").write_bytes(
        end.join(["image,caption", "a.jpg,A dog .", "b.jpg,A cat ."]).encode()
    )
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert {r.image.name: r.captions for r in data.records} == {
        "a.jpg": [["a", "dog"]],
        "b.jpg": [["a", "cat"]],
    }
    (tmp_path / "tokens.txt").write_bytes(end.join(["a.jpg#0\tA dog .", "b.jpg#0\tA cat ."]).encode())
    assert len(load_captions(tmp_path / "tokens.txt", tmp_path / "Images").records) == 2


def test_other_tools_names_for_the_validation_split_are_validated_on(tmp_path):
    entries = [
        ("a.jpg", "train"),
        ("b.jpg", "validation"),
        ("c.jpg", "Dev"),
        ("d.jpg", "valid"),
        ("e.jpg", "TEST"),
    ]
    for name, _ in entries:
        _image(tmp_path / name)
    doc = {"images": [{"filename": n, "split": s, "sentences": [{"raw": "A dog."}]} for n, s in entries]}
    (tmp_path / "dataset.json").write_text(json.dumps(doc))
    data = read_karpathy(tmp_path / "dataset.json")
    assert [r.split for r in data.records] == ["train", "val", "val", "val", "test"]


def test_training_and_testing_splits_are_train_and_test_and_a_file_without_train_says_its_splits(
    tmp_path, capsys
):
    # "training"/"testing" (as some tools write them) were splits of their own: "no images in the 'train'
    # split", after "no val split: 0 of the 0 training images held out", naming none of the file's splits
    data = tmp_path / "data"
    entries = [("a.jpg", "training"), ("b.jpg", "Testing"), ("c.jpg", "train2014")]
    for name, _ in entries:
        _image(data / name)
    doc = {"images": [{"filename": n, "split": s, "sentences": [{"raw": "A dog."}]} for n, s in entries]}
    (data / "dataset.json").write_text(json.dumps(doc))
    assert [r.split for r in read_karpathy(data / "dataset.json").records] == ["train", "test", "train2014"]
    doc["images"] = doc["images"][1:]
    (data / "dataset.json").write_text(json.dumps(doc))
    capsys.readouterr()
    assert (
        main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(tmp_path / "run")]) == 2
    )
    out, err = capsys.readouterr()
    assert "no val split" not in out
    assert err.strip() == (
        "rnnkit: error: dataset.json: no images in the 'train' split (its splits: 'test', 'train2014'); "
        "rnnkit trains on 'train', validates on 'val' and scores 'test'"
    )


def test_a_summary_says_where_it_looked_when_most_images_are_missing(tmp_path):
    # --images one folder too high (coco/ for coco/train2014/): a handful found, training would go on
    _image(tmp_path / "img" / "0.jpg")
    doc = {
        "images": [{"id": i, "file_name": f"{i}.jpg"} for i in range(5)],
        "annotations": [{"image_id": i, "caption": "A cat."} for i in range(5)],
    }
    (tmp_path / "c.json").write_text(json.dumps(doc))
    summary = read_coco(tmp_path / "c.json", tmp_path / "img").summary()
    assert f"most images are missing (looked for {tmp_path / 'img' / '1.jpg'}, for one)" in summary
    _image(tmp_path / "img" / "1.jpg")
    _image(tmp_path / "img" / "2.jpg")
    assert "most images are missing" not in read_coco(tmp_path / "c.json", tmp_path / "img").summary()


def test_a_summary_names_one_missing_image_when_a_few_are_missing(tmp_path):
    # "dropped: 1 caption(s) of missing images" of a file of many captions named none: which one?
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        _image(tmp_path / "Images" / name)
    lines = ["image,caption", *(f"{n}.jpg,A dog runs ." for n in "abc"), "gone.jpg,A cat sits ."]
    (tmp_path / "captions.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = load_captions(tmp_path / "captions.txt", tmp_path / "Images").summary()
    assert summary.endswith(
        f"dropped: 1 caption(s) of missing images (looked for {tmp_path / 'Images' / 'gone.jpg'}, for one), "
        "0 empty caption(s)"
    )


def test_too_few_readable_training_images_is_refused_before_training(tmp_path, capsys):
    # two images (one held out to validate) trained a whole run and only then failed, with nothing saved
    folder = tmp_path / "my images"
    folder.mkdir()
    for name, colour in (("a.png", "red"), ("b.png", "blue")):
        Image.new("RGB", (8, 8), colour).save(folder / name)
    (folder / "c.png").write_text("not an image")
    data = tmp_path / "captions.txt"
    data.write_text("image,caption\na.png,a red one\nb.png,a blue one\nc.png,a broken one\n")
    run = tmp_path / "run"
    code = main(["caption", "train", "--data", str(data), "--images", str(folder), "--out", str(run),
                 "--epochs", "1", "--channels", "8", "--hidden", "8", "--embed", "4", "--threads", "1"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("rnnkit: error: only 1 readable training image") and "at least 2" in err[-1]
    assert not any(line.startswith("epoch") for line in err)  # refused before the first epoch
    assert not (run / "checkpoints").exists()


def test_a_captions_csv_with_quoted_names_reads_as_csv(tmp_path):
    # a name holding a comma is quoted by every CSV writer (pandas, R's write.csv quotes every field):
    # it was split at its comma and looked for as `"a` (or `"b.jpg"`, quotes and all): dropped as missing
    for name in ("a, b.jpg", "b.jpg", 'say "hi".jpg'):
        _image(tmp_path / "Images" / name)
    lines = [
        '"image","caption"',
        '"a, b.jpg","A dog, running ."',
        '"b.jpg",A cat, sitting',
        '"say ""hi"".jpg",A bird',
    ]
    (tmp_path / "captions.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    caps = {r.image.name: r.captions for r in data.records}
    assert data.missing_images == 0
    assert caps == {
        "a, b.jpg": [["a", "dog", ",", "running"]],
        "b.jpg": [["a", "cat", ",", "sitting"]],
        'say "hi".jpg': [["a", "bird"]],
    }


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_utf16_or_utf32_captions_file_reads_by_its_mark(tmp_path, encoding):
    """Windows PowerShell's Out-File and Notepad's "Unicode" write UTF-16 with a byte-order mark, as
    translate reads a corpus, --input and standard input; caption refused it ("save it as UTF-8", and
    UTF-32-BE was "unknown captions format"). The mark is no part of the first name."""
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        _image(tmp_path / "Images" / name)

    def save(path, text):
        path.write_bytes(("\ufeff" + text).encode(encoding))  # the mark, then the text

    save(tmp_path / "captions.txt", 'image,caption\r\na.jpg,A dog runs .\r\nb.jpg,"Ein Hund, läuft"\r\n')
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert {r.image.name: r.captions for r in data.records} == {
        "a.jpg": [["a", "dog", "runs"]],
        "b.jpg": [["ein", "hund", ",", "läuft"]],
    }
    save(tmp_path / "tokens.txt", "a.jpg#0\tA dog .\nc.jpg#0\tA cat .\n")  # Flickr8k's own, a split list
    save(tmp_path / "Flickr_8k.testImages.txt", "c.jpg\n")
    data = load_captions(tmp_path / "tokens.txt", tmp_path / "Images")
    assert {r.image.name: r.split for r in data.records} == {"a.jpg": "train", "c.jpg": "test"}


def test_utf16_json_captions_read_by_their_mark(tmp_path):
    """As the text formats, and as json.loads reads bytes: it was "not UTF-8 text (byte 0)" with --format
    karpathy, "UTF-16 text ...: save it as UTF-8" without."""
    _image(tmp_path / "a.jpg")
    doc = {"images": [{"filename": "a.jpg", "split": "test", "sentences": [{"raw": "Ein Hund läuft ."}]}]}
    data = tmp_path / "dataset.json"
    data.write_bytes(json.dumps(doc, ensure_ascii=False).encode("utf-16"))
    for fmt in ("auto", "karpathy"):
        records = load_captions(data, tmp_path, fmt=fmt).records
        assert [(r.image.name, r.split, r.captions) for r in records] == [
            ("a.jpg", "test", [["ein", "hund", "läuft"]])
        ]


def test_a_quoted_caption_holding_line_breaks_is_one_caption(tmp_path):
    # pandas and R quote a caption holding a line break (a spreadsheet cell's Alt+Enter) and the record spans
    # lines; read a line at a time, the caption was cut at its break and its next line taken for a record:
    # "Second line" an image name, counted as missing, and the caption trained on cut short without a word
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        _image(tmp_path / "Images" / name)
    text = (
        "image,caption\n"
        'a.jpg,"A dog on a beach.\nSecond line, with a comma"\n'
        'b.jpg,"A cat\r\n\r\non a mat"\r\n'
        'c.jpg,"Stop" says the sign\n'  # on one line a quote closed mid-field is kept, as before
    )
    (tmp_path / "captions.txt").write_text(text, encoding="utf-8", newline="")
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert data.missing_images == 0
    assert {r.image.name: r.captions for r in data.records} == {
        "a.jpg": [["a", "dog", "on", "a", "beach", "second", "line", ",", "with", "a", "comma"]],
        "b.jpg": [["a", "cat", "on", "a", "mat"]],
        "c.jpg": [["stop", "says", "the", "sign"]],
    }


@pytest.mark.parametrize(
    "text, line",
    [
        ('image,caption\na.jpg,A dog\nb.jpg,"A cat\nc.jpg,A bird\n', 3),  # never closed
        ('image,caption\na.jpg,"A dog\nb.jpg,"A cat"\nc.jpg,A bird\n', 2),  # closed mid-line, a record later
        # closed at a later caption's end, valid CSV: the captions between were taken into the first, their
        # images neither trained on nor counted as missing
        ('image,caption\na.jpg,"Welcome home says the banner\nb.jpg,A dog\nc.jpg,A TV screen of 50"\n', 2),
        ('image,caption\nz.jpg,A bird\na.jpg,"Welcome home\nb.jpg,A dog\nc.jpg,A TV screen of 50"\n', 3),
    ],
)
def test_a_quote_opened_by_mistake_is_one_line_not_other_records_taken_into_a_caption(tmp_path, text, line):
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        _image(tmp_path / "Images" / name)
    (tmp_path / "captions.txt").write_text(text, encoding="utf-8")
    with pytest.raises(
        RnnkitError, match=rf"^\S*captions.txt:{line}: a quote \(\S\) opens a field on this line"
    ):
        load_captions(tmp_path / "captions.txt", tmp_path / "Images")


@pytest.mark.parametrize(
    "text, names",
    [
        # a later line starting with another record's name and a comma, in a file naming its images without
        # a suffix, is the caption's own words: 29f70c22 refused it as a record taken into the caption
        ('image,caption\n1,A dog\n2,"A scoreboard that shows\n3, 2 and a clock"\n3,A cat\n', ("1", "2", "3")),
        ('image,caption\ndog,"A brown\ndog, running"\ncat,A cat\n', ("dog", "cat")),
        # a file name is no record where the file's own names carry no image suffix
        ('image,caption\n1,"A screen showing\nphoto.jpg, a file icon"\n2,A cat\n', ("1", "2")),
        ('image,caption\na.jpg,"A dog\ndog, running on grass"\nb.jpg,A cat\n', ("a.jpg", "b.jpg")),
    ],
)
def test_a_caption_line_starting_with_a_name_without_a_suffix_is_the_captions_own(tmp_path, text, names):
    for name in names:
        _image(tmp_path / "Images" / f"{name}.png").replace(tmp_path / "Images" / name)  # "1": no suffix
    (tmp_path / "captions.txt").write_text(text, encoding="utf-8")
    data = load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert data.missing_images == 0
    assert sorted(r.image.name for r in data.records) == sorted(names)
    assert sum(len(r.captions) for r in data.records) == len(names)


def test_kaggle_records_stream_and_a_record_taken_into_a_caption_stops_before_the_last(tmp_path):
    # the records are yielded as read, not all read first (a list of them all was 3.6 times the peak memory
    # of a large file); the check that needs every name runs before the last record is yielded
    path = tmp_path / "captions.txt"
    rows = _flickr_rows(["image,caption", "a.jpg,A dog", "b.jpg,A cat", 'c.jpg,"A bird'], path)
    assert next(rows) == ("a.jpg", "A dog")  # before the quote never closed on line 4 is read
    with pytest.raises(RnnkitError, match=r"captions.txt:4: a quote"):
        next(rows)
    lines = ["image,caption", "z.jpg,A bird", 'a.jpg,"Welcome home', "b.jpg,A dog", 'c.jpg,A TV of 50"']
    rows = _flickr_rows(lines, path)
    assert next(rows) == ("z.jpg", "A bird")
    with pytest.raises(RnnkitError, match=r"captions.txt:3: a quote .* a record of its own for 'b.jpg'"):
        next(rows)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("mark", [b"", codecs.BOM_UTF8])
@pytest.mark.parametrize("last", ["a.jpg,Un chien au café .", "été.jpg,Un chien ."])
def test_a_captions_file_in_a_windows_code_page_names_the_line_to_fix(tmp_path, end, mark, last):
    # Excel's "CSV (Comma delimited)" saves Windows-1252: "captions.txt is not UTF-8 text" of 40,000
    # captions, with no line, left the one café to be found by hand. After UTF-8's byte-order mark the
    # byte was counted from the mark's end: 0x63 (the c three bytes before é) named, and line 2 when the
    # é starts line 3
    _image(tmp_path / "Images" / "a.jpg")
    lines = ["image,caption", "a.jpg,A dog runs .", last]
    (tmp_path / "captions.txt").write_bytes(mark + end.join(lines).encode("cp1252"))
    with pytest.raises(RnnkitError) as err:
        load_captions(tmp_path / "captions.txt", tmp_path / "Images")
    assert str(err.value) == (
        f"{tmp_path / 'captions.txt'}:3: not UTF-8 text (byte 0xe9): save the file as UTF-8 "
        "(Excel: Save As 'CSV UTF-8')"
    )


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_an_image_caption_file_of_semicolons_or_tabs_reads_as_of_commas(tmp_path, delimiter):
    # Excel saves CSV with semicolons where a comma is the decimal point (German, French Windows), and a
    # TSV has tabs: "image;caption" was "unknown captions format", and Excel there offers no commas
    for name in ("a.jpg", "b; c.jpg"):
        _image(tmp_path / "Images" / name)
    lines = [
        f"image{delimiter}caption",
        f"a.jpg{delimiter}A dog, running .",
        f'"b; c.jpg"{delimiter}"A cat{delimiter} sitting\non a mat"',
    ]
    (tmp_path / "captions.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    data = load_captions(tmp_path / "captions.csv", tmp_path / "Images")
    assert data.missing_images == 0
    assert {r.image.name: r.captions for r in data.records} == {
        "a.jpg": [["a", "dog", ",", "running"]],
        "b; c.jpg": [["a", "cat", "sitting", "on", "a", "mat"]],
    }
    (tmp_path / "captions.csv").write_text(f"image{delimiter}caption\nno delimiter here\n", encoding="utf-8")
    with pytest.raises(RnnkitError, match=r"captions.csv:2: expected 'NAME.jpg(;|\\t)caption'"):
        load_captions(tmp_path / "captions.csv", tmp_path / "Images")
