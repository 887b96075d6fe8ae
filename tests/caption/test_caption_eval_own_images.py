"""Session 22's QA of caption eval and of training on your own images: a precision of claims never
made is '– (0 claims)', not 0.000 ("always wrong"), in the table, the verdict and --json."""

import dataclasses
import json
import math
import re
import shlex

import pytest
from helpers_caption import cli_trained, own_captions

import rnnkit.caption.pipeline
from rnnkit.cli import main

TINY = ["--epochs", "1", "--hidden", "16", "--embed", "8", "--channels", "16", "--device", "cpu"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("qa_s22")
    return cli_trained(root, {"train": 24, "val": 4, "test": 4, "heldout": 4}, 5, *TINY)


def test_a_precision_of_no_claim_is_a_dash_with_its_claim_count():
    from rnnkit.caption.verdict import score_cell

    assert score_cell({"colour precision": 0.5, "colour claims": 4}, "colour precision") == "0.500"
    assert score_cell({"colour precision": 0.0, "colour claims": 4}, "colour precision") == "0.000"
    assert (
        score_cell({"colour precision": math.nan, "colour claims": 0}, "colour precision") == "– (0 claims)"
    )
    assert score_cell({"held-out named": math.nan}, "held-out named") == "–"
    assert score_cell({}, "flagged unfamiliar") == "–"


def test_eval_of_captions_that_name_nothing_says_0_claims_not_0_000(trained, monkeypatch, capsys, tmp_path):
    # a model that wrote 'a large' for every image was printed 'colour precision 0.000': always wrong,
    # of colours it never named
    data, run = trained
    real = rnnkit.caption.pipeline.caption_split

    def says_a_large(model, inputs, vocab, *args, **kwargs):
        ids = [vocab.index["a"], vocab.index["large"]]
        return [
            dataclasses.replace(h, ids=ids, attention=None)
            for h in real(model, inputs, vocab, *args, **kwargs)
        ]

    monkeypatch.setattr(rnnkit.caption.pipeline, "caption_split", says_a_large)
    capsys.readouterr()
    json_out = tmp_path / "scores.json"
    assert main(["caption", "eval", "--model", str(run), "--data", str(data / "dataset.json"),
                 "--json", str(json_out)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    table, legend = out.split("\nverdict: ")
    attributes = table.split("what the captions name")[1]
    model_row = next(line for line in attributes.splitlines() if line.startswith("test model"))
    # every precision is of no claim ('a large' names a size only outside a colour-shape phrase)
    assert model_row.count("– (0 claims)") == 6 and " 0.000  – " not in model_row
    verdict_line = legend.splitlines()[0]
    assert verdict_line.startswith("It names no colour or shape;") and "0 claims" in verdict_line
    assert "0%" not in verdict_line
    assert "a precision beside '0 claims'" in legend  # the legend explains the cell
    scores = json.loads(json_out.read_text())["splits"]["test"]["model"]
    assert scores["colour precision"] is None and scores["colour claims"] == 0
    assert scores["position precision"] is None and scores["position claims"] == 0
    assert scores["colour recall"] == 0.0  # recall is of what is drawn: 0 named, a true 0


def test_your_own_data_trains_warns_of_a_one_image_validation_and_the_cards_eval_runs(
    tmp_path, capsys, monkeypatch
):
    # the card said `caption eval ... --data captions.txt --images Images`, which stops at "split 'test'
    # not in captions.txt"; and "CIDEr-D 0.000 vs 0.000" on one validation image, where any caption
    # scores 0, was given as a finding on the model
    root = tmp_path
    own_captions(root, 3)  # no val split: of 3 images one is held out (of 20, since session 23, 4)
    monkeypatch.chdir(root)
    capsys.readouterr()
    args = ["--data", "captions.txt", "--images", "Images"]
    assert main(["caption", "train", *args, "--out", "run", *TINY, "--image-size", "32"]) == 0
    err = capsys.readouterr().err
    assert "rnnkit: warning: validation was one image, on which CIDEr-D is 0 for any caption" in err
    card = (root / "run" / "model" / "README.md").read_text()
    assert "Validation was one image, on which CIDEr-D is 0 for any caption" in card
    command = re.search(r"`(rnnkit caption eval --model FOLDER[^`]*)`", card).group(1)
    assert command.endswith("--split train") and "images it was trained on, which flatters it" in card
    # your own captions record no scene, so no located head: the card and eval named 'located check 2',
    # a weight that changes no caption of this model
    unused = "beam 10, length penalty 3, no located check (the model has no located head)"
    assert f"search its captions as saved with it ({unused})" in card
    assert main(shlex.split(command.replace("FOLDER", "run"))[1:]) == 0
    out = capsys.readouterr().out
    assert "verdict: " in out and out.startswith(f"decoding: {unused}\n")


def test_a_held_out_validation_image_that_is_unreadable_is_named(tmp_path, capsys):
    # 19 readable images of 20 stopped with "no readable images left in the train or validation split"
    from rnnkit.caption.datasets import load_captions
    from rnnkit.caption.pipeline import CaptionConfig, split_train_val

    captions, images = own_captions(tmp_path, 3)  # one held out (datasets.held_out_count)
    _, (held,) = split_train_val(load_captions(captions, images), CaptionConfig().seed)
    held.image.write_text("not an image")
    capsys.readouterr()
    assert main(["caption", "train", "--data", str(captions), "--images", str(images), "--out",
                 str(tmp_path / "run"), *TINY, "--image-size", "32"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        f"rnnkit: error: no readable image in the validation split: its one image was skipped ({held.image}), "
        "held out of train as the data has no val split; give the data a val split, or remove or repair "
        "the images skipped"
    )
    assert err[-2].startswith(f"skipped: unreadable image {held.image}")


def test_the_verdict_on_your_own_captions_compares_with_the_most_frequent_caption():
    # the verdict on data with no record of its images said only "No verdict ...", though the table
    # above it showed the model below the most frequent training caption
    from rnnkit.caption.verdict import verdict

    weak = verdict({"test": {"CIDEr-D": 0.378}}, most_frequent={"test": {"CIDEr-D": 0.694}})
    assert weak == (
        "No verdict on what the captions name: this data keeps no record of what is in the images; its "
        "captions do NOT beat the most frequent training caption, given for every image (CIDEr-D 0.378 vs "
        "0.694): it describes the pictures no better than one fixed sentence does."
    )
    good = verdict({"train": {"CIDEr-D": 2.5}}, most_frequent={"train": {"CIDEr-D": 1.0}})
    assert "its captions beat the most frequent training caption (CIDEr-D 2.500 vs 1.000)" in good
    assert good.endswith("images it was trained on, so they flatter it.")


def test_eval_of_a_file_of_test_captions_alone_says_there_is_no_baseline_to_judge_by(tmp_path, capsys):
    # test captions kept in a file of their own: no training caption to take the most frequent of, and
    # the verdict said only "No verdict on what the captions name", judging the captions by nothing
    own_captions(tmp_path, 12)
    args = ["--data", str(tmp_path / "captions.txt"), "--images", str(tmp_path / "Images")]
    assert main(["caption", "train", *args, "--out", str(tmp_path / "run"), *TINY, "--image-size", "32"]) == 0
    names = sorted(p.name for p in (tmp_path / "Images").iterdir())[:3]
    doc = {
        "images": [{"filename": n, "split": "test", "sentences": [{"raw": "a red circle"}]} for n in names]
    }
    (tmp_path / "test.json").write_text(json.dumps(doc))
    capsys.readouterr()
    data = ["--data", str(tmp_path / "test.json"), "--images", str(tmp_path / "Images")]
    assert main(["caption", "eval", "--model", str(tmp_path / "run"), *data]) == 0
    line = next(s for s in capsys.readouterr().out.splitlines() if s.startswith("verdict: "))
    assert line == (
        "verdict: No verdict on what the captions name: this data keeps no record of what is in the images; "
        "nor against the most frequent training caption: this captions file holds no training captions to "
        "find it in (score one file that holds both, the training captions as split train and these as split "
        "test, such as a Karpathy dataset.json)."
    )
    # the advice, followed as written, gives the verdict against the most frequent training caption (it said
    # to score the test split of the file trained on: Kaggle's captions.txt has none, "split 'test' not in
    # captions.txt; present: train")
    trained: dict[str, list[dict]] = {}
    for row in (tmp_path / "captions.txt").read_text().splitlines()[1:]:
        name, caption = row.split(",", 1)
        if name not in names:
            trained.setdefault(name, []).append({"raw": caption})
    doc["images"] += [{"filename": n, "split": "train", "sentences": s} for n, s in trained.items()]
    (tmp_path / "dataset.json").write_text(json.dumps(doc))
    data = ["--data", str(tmp_path / "dataset.json"), "--images", str(tmp_path / "Images")]
    assert main(["caption", "eval", "--model", str(tmp_path / "run"), *data]) == 0
    line = next(s for s in capsys.readouterr().out.splitlines() if s.startswith("verdict: "))
    assert "holds no training captions" not in line
    assert "CIDEr-D" in line and "the most frequent training caption" in line, line  # compared


def test_a_tie_at_zero_on_one_image_is_not_called_a_loss():
    # on data of one image CIDEr-D is 0 for any caption: the verdict said the model did NOT beat the
    # most frequent caption (0.000 vs 0.000), "no better than one fixed sentence"
    from rnnkit.caption.verdict import verdict

    line = verdict({"val": {"CIDEr-D": 0.0}}, most_frequent={"val": {"CIDEr-D": 0.0}})
    assert line == (
        "No verdict on what the captions name: this data keeps no record of what is in the images; CIDEr-D "
        "does not tell its captions from the most frequent training caption (both 0.000: where every "
        "image's references use the same words, as on one image, it is 0 for any caption)."
    )


def test_eval_of_your_own_data_gives_the_comparison_in_its_verdict(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    own_captions(tmp_path)
    args = ["--data", "captions.txt", "--images", "Images"]
    assert main(["caption", "train", *args, "--out", "run", *TINY, "--image-size", "32"]) == 0
    capsys.readouterr()
    assert main(["caption", "eval", "--model", "run", *args, "--split", "train"]) == 0
    line = next(s for s in capsys.readouterr().out.splitlines() if s.startswith("verdict: "))
    assert re.search(
        r"; (its captions (beat|do NOT beat)|CIDEr-D does not tell its captions from) the most frequent training caption",
        line,
    )


def test_images_linked_from_a_folder_named_in_bytes_not_utf8_are_trained_on(tmp_path, capsys):
    # Images/ holding links to the pictures on a disk whose folder name is not UTF-8 (an old Windows
    # archive's): the run's fingerprint of the images' real paths could not encode its lone surrogate, a
    # traceback before the first epoch
    import os

    captions, images = own_captions(tmp_path / "data", 6)
    real = tmp_path / os.fsdecode(b"fotos\xf1")
    real.mkdir()
    for picture in sorted(images.iterdir()):
        picture.rename(real / picture.name)
        picture.symlink_to(real / picture.name)
    (real / "img00.png").write_text("not an image")
    capsys.readouterr()
    assert main(["caption", "train", "--data", str(captions), "--images", str(images), "--out",
                 str(tmp_path / "run"), *TINY, "--image-size", "32"]) == 0  # fmt: skip
    assert (tmp_path / "run" / "model" / "config.json").is_file()
    assert f"skipped: unreadable image {images}/img00.png" in capsys.readouterr().err
    # given as --images itself: the picture skipped is named as typed, then the run is refused in one line
    # (rnnkit records the names it reads as UTF-8 text)
    assert main(["caption", "train", "--data", str(captions), "--images", str(real), "--out",
                 str(tmp_path / "run2"), *TINY, "--image-size", "32"]) == 2  # fmt: skip
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith(("skipped", "rnnkit"))]
    assert err[0] == f"skipped: unreadable image {tmp_path}/fotos\\xf1/img00.png (a text file, not a picture)"
    assert err[1].startswith("rnnkit: error: cannot write") and len(err) == 2
    # eval reads them so too (it records nothing)
    assert main(["caption", "eval", "--model", str(tmp_path / "run"), "--data", str(captions), "--images",
                 str(real), "--split", "train", "--device", "cpu"]) == 0  # fmt: skip
    assert f"skipped: unreadable image {tmp_path}/fotos\\xf1/img00.png (" in capsys.readouterr().err


def test_a_model_of_chinese_captions_writes_them_without_spaces(tmp_path, capsys):
    # the captions were read a character a word, and written a character and a space at a time (一 只 狗)
    from rnnkit.caption import Captioner
    from rnnkit.caption.datasets import caption_text

    captions, images = own_captions(tmp_path / "data", 6)
    names = sorted(p.name for p in images.iterdir())
    rows = [f"{name},{('一只红色的圆', '一个蓝色的方块')[k % 2]}" for k, name in enumerate(names)]
    captions.write_text("image,caption\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["caption", "train", "--data", str(captions), "--images", str(images), "--out",
                 str(tmp_path / "run"), *TINY, "--image-size", "32"]) == 0  # fmt: skip
    (found,) = Captioner.from_pretrained(tmp_path / "run", device="cpu").describe(images / names[0])
    assert found.words and found.caption == "".join(found.words)
    assert caption_text(["一", "只", "dog", "跑"]) == "一只 dog 跑"
    assert caption_text(["a", "red", "circle"]) == "a red circle"


def test_training_captions_longer_than_max_len_are_counted_as_they_are_cut(tmp_path, capsys):
    # a caption over 24 words was cut silently, the model taught to end it there; --max-len sets the limit
    captions, images = own_captions(tmp_path / "data", 6)  # 'a red circle', 'a circle that is red': 4 train
    args = ["caption", "train", "--data", str(captions), "--images", str(images), *TINY, "--image-size", "32"]
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "run"), "--max-len", "4"]) == 0
    err = capsys.readouterr().err
    assert "4 of the 8 training captions are longer than 4 words: cut after their first 4" in err
    config = json.loads((tmp_path / "run" / "model" / "config.json").read_text())
    assert config["max_len"] == 4 and config["caption"]["max_len"] == 4
    assert main([*args, "--out", str(tmp_path / "bad"), "--max-len", "0"]) == 2
    assert "--max-len" in capsys.readouterr().err


def test_a_limit_of_one_word_is_said_in_the_singular(tmp_path, capsys):
    captions, images = own_captions(tmp_path / "data", 6)
    args = ["caption", "train", "--data", str(captions), "--images", str(images), *TINY, "--image-size", "32"]
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "run"), "--max-len", "1"]) == 0
    err = capsys.readouterr().err
    assert "8 of the 8 training captions are longer than 1 word: cut after their first word," in err
