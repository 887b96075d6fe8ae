"""Each ``rnnkit caption`` command end to end on tiny data, and bad input."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_caption import cli_trained
from PIL import Image

from helpers_models import assert_model_card
from rnnkit.cli import main

TINY_TRAIN = ["--epochs", "2", "--hidden", "24", "--embed", "12", "--batch-size", "16", "--device", "cpu"]


def _one_line_error(capsys, *needles):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error:"), err
    for needle in needles:
        assert needle in err[0], err[0]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny dataset and an attention model trained on it (shared by the tests of this file)."""
    root = tmp_path_factory.mktemp("caption")
    counts = {"train": 40, "val": 8, "test": 6, "heldout": 6}
    data, run = cli_trained(
        root, counts, 3, "--attention", "--cell", "gru", *TINY_TRAIN, "--word-dropout", "0.3"
    )
    return root, data, run / "model"


def test_train_writes_a_model_card(trained):
    _, _, model = trained
    card = assert_model_card(model, "caption train", "most frequent caption")
    assert "validation split: " in card and "caption eval" in card


def test_train_declares_everything_it_writes_in_its_run_folder(trained):
    """Each entry is checked before any work, and --force never writes over a user's entry of its name."""
    import os

    from rnnkit.caption.pipeline import RUN_VOCAB
    from rnnkit.utils.runs import RUN_ENTRIES

    run = trained[2].parent
    assert set(os.listdir(run)) == {
        ".rnnkit",
        "model",
        RUN_VOCAB,
        *(name.rstrip("/") for name in RUN_ENTRIES),
    }


def test_generate_train_outputs(trained):
    root, data, model = trained
    doc = json.loads((data / "dataset.json").read_text())
    assert len(doc["images"]) == 60 and len(list((data / "images").glob("*.png"))) == 60
    # and the run's token, which pairs images/ with this dataset.json (a run killed between the two)
    assert (data / "images" / ".generation").read_text().strip() == doc["generation"]
    assert len(list((data / "images").iterdir())) == 61
    config = json.loads((model / "config.json").read_text())
    assert config["application"] == "caption" and config["decoder"]["cell"] == "gru"
    assert config["decoder"]["attention"] is True
    assert config["training"]["epochs_run"] == 2 and (model / "vocab.json").is_file()


def test_out_is_the_run_folder_and_every_reader_takes_it_or_its_model(trained, capsys):
    """``train --out R`` writes the model to R/model beside the checkpoints; ``describe --model R`` and
    ``--model R/model`` caption alike, and ``rnnkit.load(R)`` is the captioner."""
    import rnnkit
    from rnnkit.caption.captioner import Captioner

    _, data, model = trained
    run = model.parent
    assert {"model", "checkpoints", "metrics.csv", "run.json", "vocab.json"} <= {
        p.name for p in run.iterdir()
    }
    images = [str(data / "images" / "val_00000.png"), str(data / "images" / "val_00001.png")]
    outputs = []
    for folder in (run, model):
        capsys.readouterr()
        assert main(["caption", "describe", "--model", str(folder), *images, "--beam", "2"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 2
    loaded = rnnkit.load(run, device="cpu")
    assert (
        isinstance(loaded, Captioner)
        and loaded.vocab.words == Captioner.from_pretrained(model, "cpu").vocab.words
    )


def test_eval_prints_model_and_baseline(trained, capsys, tmp_path):
    root, data, model = trained
    capsys.readouterr()
    code = main(["caption", "eval", "--model", str(model), "--data", str(data / "dataset.json"), "--beam", "2",
                 "--plot", str(tmp_path / "grid.png"), "--json", str(tmp_path / "scores.json")])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "test model" in out and "test_heldout most-frequent" in out
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert set(scores["splits"]) == {"test", "test_heldout"}
    for split in scores["splits"].values():
        assert split["images"] == 6
        assert 0 <= split["model"]["BLEU-1"] <= 1 and 0 < split["model"]["distinct"] <= 1
        # every image gets the same caption: the baseline's distinct share is 1/6
        assert split["most_frequent_caption"]["distinct"] == pytest.approx(1 / 6)
    assert (tmp_path / "grid.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "grid_attention.png").is_file()


def test_describe_prints_one_caption_per_image(trained, capsys, tmp_path):
    root, data, model = trained
    gray = tmp_path / "gray.png"
    Image.new("L", (300, 200), 128).save(gray)  # grayscale and another size: converted and resized
    images = [str(data / "images" / "test_00000.png"), str(gray)]
    capsys.readouterr()
    code = main(["caption", "describe", "--model", str(model), *images, "--beam", "3", "--plot",
                 str(tmp_path / "d.png")])  # fmt: skip
    assert code == 0
    lines = capsys.readouterr().out.splitlines()  # not stripped: a 2-epoch model may write an empty caption
    assert [line.split("\t")[0] for line in lines] == images
    assert all(len(line.split("\t")) == 2 for line in lines)
    assert (tmp_path / "d.png").is_file() and (tmp_path / "d_attention.png").is_file()


def test_describe_does_not_import_the_training_engine(trained):
    root, data, model = trained
    code = (
        "import sys; from rnnkit.cli import main; "
        f"rc = main(['caption', 'describe', '--model', {str(model)!r}, {str(data / 'images' / 'val_00000.png')!r}]); "
        "bad = [m for m in ('accelerate', 'rnnkit.train.engine') if m in sys.modules]; "
        "print('BAD', bad) if bad else None; sys.exit(rc or bool(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_help_of_every_command(capsys):
    for command in ("generate-data", "train", "eval", "describe"):
        assert main(["caption", command, "--help"]) == 0
        out = capsys.readouterr().out
        # --seed only where something is drawn at random (issue 15): not when scoring or describing
        assert ("--seed" in out) == (command in ("generate-data", "train")) and "--threads" in out


def test_describe_bad_inputs(trained, capsys, tmp_path):
    root, data, model = trained
    junk = tmp_path / "junk.jpg"
    junk.write_text("not an image")
    plot = tmp_path / "p.png"
    assert main(["caption", "describe", "--model", str(model), str(junk), "--plot", str(plot)]) == 2
    _one_line_error(capsys, "unreadable image", "junk.jpg")
    assert not plot.exists()
    assert main(["caption", "describe", "--model", str(model), str(tmp_path / "none.png")]) == 2
    _one_line_error(capsys, "image not found")
    assert main(["caption", "describe", "--model", str(model)]) == 2
    _one_line_error(capsys, "no IMAGE")
    assert main(["caption", "describe", "--model", str(tmp_path / "nomodel"), str(junk)]) == 2
    _one_line_error(capsys, "model folder not found")
    (tmp_path / "vocab.json").write_text("{}")
    (tmp_path / "config.json").write_text(json.dumps({"application": "forecast"}))
    (tmp_path / "model.safetensors").write_bytes(b"")
    assert main(["caption", "describe", "--model", str(tmp_path), str(junk)]) == 2
    _one_line_error(capsys, "'forecast' model")


def test_train_bad_inputs_leave_no_model(trained, capsys, tmp_path):
    root, data, model = trained
    out = tmp_path / "m"
    # captions that reference missing images only: reported, and nothing usable remains
    doc = {"images": [{"filename": "gone.png", "split": "train", "sentences": [{"tokens": ["a"]}]}]}
    (tmp_path / "missing.json").write_text(json.dumps(doc))
    assert main(["caption", "train", "--data", str(tmp_path / "missing.json"), "--out", str(out)]) == 2
    _one_line_error(capsys, "no usable image", "1 caption(s) point to missing images")
    assert main(["caption", "train", "--data", str(tmp_path / "nope.json"), "--out", str(out)]) == 2
    _one_line_error(capsys, "not found")
    assert (
        main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(out), "--cell", "tcn"])
        == 2
    )
    _one_line_error(capsys, "--cell")
    assert (
        main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(out), "--epochs", "0"])
        == 2
    )
    _one_line_error(capsys, "--epochs")
    assert main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(out), "--word-dropout",
                 "1.5"]) == 2  # fmt: skip
    _one_line_error(capsys, "--word-dropout")
    # every training image unreadable: skipped and counted, then a clear error
    bad = tmp_path / "bad"
    (bad / "imgs").mkdir(parents=True)
    entries = []
    for k in range(3):
        (bad / "imgs" / f"{k}.png").write_text("garbage")
        entries.append({"filename": f"{k}.png", "split": "train", "sentences": [{"tokens": ["a", "b"]}]})
    (bad / "d.json").write_text(json.dumps({"images": entries}))
    assert main(["caption", "train", "--data", str(bad / "d.json"), "--images", str(bad / "imgs"), "--out",
                 str(out), "--device", "cpu"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    # the split that is empty, and why (the third image is held out to validate)
    assert err[-1] == (
        "rnnkit: error: no readable image in the training split: both its images were skipped; remove or "
        "repair them"
    )
    assert sum(line.startswith("skipped: unreadable image") for line in err) == 3
    assert not out.exists() and not any(Path(tmp_path).glob(".m.*"))


def test_eval_and_generate_bad_inputs(trained, capsys, tmp_path):
    root, data, model = trained
    assert main(["caption", "eval", "--model", str(model), "--data", str(data / "dataset.json"), "--split",
                 "Holdout"]) == 2  # fmt: skip
    _one_line_error(capsys, "split 'Holdout' not in dataset.json")  # as typed
    assert (
        main(["caption", "eval", "--model", str(model), "--data", str(data / "dataset.json"), "--beam", "0"])
        == 2
    )
    _one_line_error(capsys, "--beam")
    out = tmp_path / "d"
    assert main(["caption", "generate-data", "--out", str(out), "--image-size", "2"]) == 2
    _one_line_error(capsys, "--image-size")
    assert not out.exists()


@pytest.mark.parametrize("names", [["val", "val"], ["validation", "VAL"]])
def test_eval_reads_a_split_by_the_names_of_the_data_and_scores_it_once(trained, capsys, tmp_path, names):
    """--split validation (the data's own word for val, read as val) was refused as not present, and a
    split given twice was scored twice, its rows printed twice."""
    _, data, model = trained
    scores = tmp_path / "scores.json"
    given = [arg for name in names for arg in ("--split", name)]
    assert main(["caption", "eval", "--model", str(model), "--data", str(data / "dataset.json"), *given,
                 "--json", str(scores)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert out.count("\nval model ") == 2, out  # one row in each table: n-gram scores, attributes
    assert out.count("\nval most-frequent ") == 2, out
    assert list(json.loads(scores.read_text())["splits"]) == ["val"]


def test_describe_json_carries_the_familiarity_score_and_warns(trained, capsys, tmp_path):
    """The wiring: scores in the JSON, a warning exactly when a score passes the model's threshold.
    (How well the score separates photos from training-like images: benchmarks/eval_caption.py.)"""
    import shutil

    root, data, model = trained
    stats = json.loads((model / "ood.json").read_text())
    assert stats["threshold"] > 0 and len(stats["mean"]) == len(stats["precision"])
    images = [str(data / "images" / "val_00001.png"), str(data / "images" / "test_00002.png")]
    strict, lenient = tmp_path / "strict", tmp_path / "lenient"
    for folder, threshold in ((strict, 0.0), (lenient, 1e9)):
        shutil.copytree(model, folder)
        (folder / "ood.json").write_text(json.dumps({**stats, "threshold": threshold}))
    capsys.readouterr()
    out = tmp_path / "d.json"
    assert main(["caption", "describe", "--model", str(strict), *images, "--json", str(out)]) == 0
    captured = capsys.readouterr()
    rows = json.loads(out.read_text())["images"]
    assert [r["image"] for r in rows] == images and all(r["unfamiliar"] and r["ood_score"] > 0 for r in rows)
    assert (
        captured.err.count("rnnkit: warning: ") == 2
        and captured.err.count("looks unlike the images this model") == 2
    )
    assert len(captured.out.strip().splitlines()) == 2  # the captions are still printed
    # the second run replaces the first one's JSON: an existing output file needs --force (docs/reliability.md)
    assert main(["caption", "describe", "--model", str(lenient), *images, "--json", str(out), "--force"]) == 0
    assert "looks unlike" not in capsys.readouterr().err
    assert not any(r["unfamiliar"] for r in json.loads(out.read_text())["images"])
    (strict / "ood.json").write_text("{not json")
    assert main(["caption", "describe", "--model", str(strict), *images]) == 2
    _one_line_error(capsys, "ood.json")


def test_the_warning_tells_a_score_just_above_the_threshold_from_it(trained, capsys, tmp_path):
    """A score just above the threshold was printed as ``OOD score 10.2 > threshold 10.2``."""
    import re
    import shutil

    root, data, model = trained
    image, out = str(data / "images" / "val_00001.png"), tmp_path / "d.json"
    assert main(["caption", "describe", "--model", str(model), image, "--json", str(out)]) == 0
    (score,) = [r["ood_score"] for r in json.loads(out.read_text())["images"]]
    stats = json.loads((model / "ood.json").read_text())
    shutil.copytree(model, tmp_path / "near")
    threshold = score - 1e-4
    assert f"{threshold:.1f}" == f"{score:.1f}"  # what the warning showed: the same number on both sides
    (tmp_path / "near" / "ood.json").write_text(json.dumps({**stats, "threshold": threshold}))
    capsys.readouterr()
    assert main(["caption", "describe", "--model", str(tmp_path / "near"), image]) == 0
    shown = re.search(r"OOD score ([0-9.]+) > threshold ([0-9.]+)\)", capsys.readouterr().err)
    assert shown is not None and float(shown[1]) > float(shown[2]), shown


def test_describe_plot_marks_unfamiliar_images(trained, capsys, tmp_path, monkeypatch):
    """The stderr warning travels with the picture: the plot's caption of an unfamiliar image says so."""
    import shutil

    import rnnkit.utils.plotting

    root, data, model = trained
    stats = json.loads((model / "ood.json").read_text())
    titles = {}
    monkeypatch.setattr(
        rnnkit.utils.plotting,
        "save_figure",
        lambda fig, path: titles.setdefault(path.name, [ax.get_title(loc="left") for ax in fig.axes]),
    )
    image = str(data / "images" / "val_00001.png")
    for name, threshold in (("strict", 0.0), ("lenient", 1e9)):
        shutil.copytree(model, tmp_path / name)
        (tmp_path / name / "ood.json").write_text(json.dumps({**stats, "threshold": threshold}))
        plot = tmp_path / f"{name}.png"
        assert main(["caption", "describe", "--model", str(tmp_path / name), image, "--plot", str(plot)]) == 0
    capsys.readouterr()
    assert titles["strict.png"][0].replace("\n", " ").endswith("(unfamiliar image: likely wrong)")
    assert "unfamiliar" not in titles["lenient.png"][0]


def test_describe_awkward_images(trained, capsys, tmp_path):
    root, data, model = trained
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes((data / "images" / "test_00000.png").read_bytes()[:60])  # a truncated PNG
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (1, 1), (200, 10, 10)).save(tiny)
    text = tmp_path / "notes.png"
    text.write_text("a text file given as an image\n")
    for path, needle in ((corrupt, "unreadable image"), (tiny, "too small"), (text, "unreadable image")):
        assert main(["caption", "describe", "--model", str(model), str(path)]) == 2
        _one_line_error(capsys, needle, path.name)
    huge = tmp_path / "huge.png"
    Image.new("RGB", (8000, 8000), (30, 30, 30)).save(huge)  # 64 megapixels: read, shrunk, described
    assert main(["caption", "describe", "--model", str(model), str(huge)]) == 0
    assert capsys.readouterr().out.startswith(str(huge) + "\t")


def test_digits_task_end_to_end(tmp_path, capsys):
    data = tmp_path / "digits"
    assert main(["caption", "generate-data", "--task", "digits", "--out", str(data), "--train", "40", "--val", "8",
                 "--test", "8"]) == 0  # fmt: skip
    model = tmp_path / "m"
    assert (
        main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(model), *TINY_TRAIN])
        == 0
    )
    capsys.readouterr()
    assert main(["caption", "eval", "--model", str(model), "--data", str(data / "dataset.json"), "--json",
                 str(tmp_path / "s.json")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "reading the numbers" in out and "verdict:" in out
    scores = json.loads((tmp_path / "s.json").read_text())["splits"]["test"]
    assert 0 <= scores["model"]["sequence accuracy"] <= scores["model"]["length accuracy"] + 1e-9
    assert "digit accuracy" in scores["most_frequent_caption"]
    assert main(["caption", "describe", "--model", str(model), str(data / "images" / "test_00000.png")]) == 0
    assert (
        main(["caption", "generate-data", "--task", "digits", "--out", str(tmp_path / "x"), "--heldout", "3"])
        == 2
    )
    _one_line_error(capsys, "--heldout")


def test_retraining_from_a_model_config_json_and_old_key_names(trained, tmp_path, capsys):
    """Issue 15: config.json is enough to train again; folders that say embed_dim still load."""
    import shutil

    from rnnkit.caption.modelio import load_captioner

    _, data, model = trained
    again = tmp_path / "again"
    assert main(["caption", "train", "--config", str(model / "config.json"), "--out", str(again),
                 "--no-progress"]) == 0  # the data set too comes from config.json  # fmt: skip
    first, second = (json.loads((d / "config.json").read_text()) for d in (model, again / "model"))
    assert second["caption"] == first["caption"] and first["caption"]["hidden_size"] == 24
    assert second["decoder"] == first["decoder"]
    assert first["caption"]["word_dropout"] == first["decoder"]["word_dropout"] == 0.3  # --word-dropout kept
    old = tmp_path / "old"
    shutil.copytree(model, old)
    config = json.loads((old / "config.json").read_text())
    config["caption"]["embed_dim"] = config["caption"].pop("embed_size")
    assert config["caption"].pop("located_loss") == 1.0  # the default since the sixth pass
    (old / "config.json").write_text(json.dumps(config))
    assert load_captioner(old, "cpu").config.embed_size == 12
    # a model from before the located loss was trained without it, and is retrained without it
    from rnnkit.caption.config_schema import settings_from_model

    assert load_captioner(old, "cpu").config.located_loss == 0.0
    assert settings_from_model(config)["located_loss"] == 0.0
    assert settings_from_model(first)["located_loss"] == 1.0


def test_sixth_pass_options_train_save_and_describe(trained, capsys, tmp_path):
    """The where-to-look and located losses, coverage and word classes: trained, saved, read back, beam search."""
    _, data, _ = trained
    run = tmp_path / "run"
    code = main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(run), *TINY_TRAIN,
                 "--image-size", "32", "--located-loss", "1", "--attend-loss", "1", "--coverage",
                 "--word-classes"])  # fmt: skip
    assert code == 0
    saved = json.loads((run / "model" / "config.json").read_text())["caption"]
    assert (
        saved["coverage"] and saved["word_classes"] and saved["located_loss"] == saved["attend_loss"] == 1.0
    )
    from rnnkit.caption.modelio import load_captioner
    from rnnkit.caption.shapes import KINDS

    decoder = load_captioner(run / "model", "cpu").model.decoder
    vocab = json.loads((run / "model" / "vocab.json").read_text())["words"]
    kinds = [vocab.index(k) for k in KINDS if k in vocab]
    pool = decoder.class_pool  # the shape words' class came back with the weights
    assert len(kinds) > 1 and float(pool[kinds[0], kinds[-1]]) == pytest.approx(1 / len(kinds))
    capsys.readouterr()
    image = str(data / "images" / "test_00000.png")
    assert main(["caption", "describe", "--model", str(run / "model"), image, "--beam", "3"]) == 0
    assert capsys.readouterr().out.startswith(image)


def test_the_decoding_and_the_located_head_are_saved_with_the_model(trained, capsys, tmp_path):
    """Seventh pass: beam, length penalty and located check saved in config.json (the defaults, or the
    train options), the located head's weights in model.safetensors; eval and describe use them unless
    told otherwise, and say which."""
    import shutil

    from safetensors import safe_open

    from rnnkit.caption.modelio import load_captioner

    _, data, model = trained
    saved = json.loads((model / "config.json").read_text())["caption"]
    assert (saved["beam"], saved["length_penalty"], saved["located_check"]) == (10, 3.0, 2.0)
    with safe_open(str(model / "model.safetensors"), "pt") as f:
        assert {"located.score.kind.weight", "located.score.colour.weight"} <= set(f.keys())
    cap = load_captioner(model, "cpu")
    assert cap.model.located is not None and cap.config.decoding().beam == 10
    capsys.readouterr()
    out = tmp_path / "e.json"
    assert main(["caption", "eval", "--model", str(model), "--data", str(data / "dataset.json"),
                 "--length-penalty", "0.5", "--json", str(out)]) == 0  # fmt: skip
    assert "decoding: beam 10, length penalty 0.5, located check 2" in capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert (doc["beam"], doc["length_penalty"], doc["located_check"]) == (10, 0.5, 2.0)
    # a model folder from before the saved decoding: greedy, as caption eval scored it then
    old = tmp_path / "old"
    shutil.copytree(model, old)
    config = json.loads((old / "config.json").read_text())
    for name in ("beam", "length_penalty", "located_check"):
        del config["caption"][name]
    (old / "config.json").write_text(json.dumps(config))
    assert load_captioner(old, "cpu").config.decoding().describe() == "greedy"
    # train options
    run = tmp_path / "run"
    assert main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(run), *TINY_TRAIN,
                 "--epochs", "1", "--image-size", "32", "--located-loss", "0", "--beam", "4",
                 "--length-penalty", "1", "--located-check", "0.5", "--no-progress"]) == 0  # fmt: skip
    saved = json.loads((run / "model" / "config.json").read_text())["caption"]
    assert (saved["beam"], saved["length_penalty"], saved["located_check"]) == (4, 1.0, 0.5)
    assert load_captioner(run / "model", "cpu").model.located is None  # no located loss: no head


@pytest.mark.parametrize(
    "option, value",
    [("--beam", "0"), ("--beam", "65"), ("--length-penalty", "-1"), ("--located-check", "101")],
)
def test_decoding_options_out_of_range_are_one_line_errors(trained, capsys, tmp_path, option, value):
    _, data, model = trained
    image = str(data / "images" / "test_00000.png")
    assert main(["caption", "describe", "--model", str(model), image, option, value]) == 2
    _one_line_error(capsys, option)
    assert main(["caption", "eval", "--model", str(model), "--data", str(data / "dataset.json"), option,
                 value]) == 2  # fmt: skip
    _one_line_error(capsys, option)
    out = tmp_path / "never"
    assert main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(out), *TINY_TRAIN,
                 option, value]) == 2  # fmt: skip
    _one_line_error(capsys, option)
    assert not out.exists()


def test_describe_takes_a_folder_as_its_image_files(trained, capsys, tmp_path):
    """``caption describe --model M photos/`` said 'image path is a folder'; it describes the images in
    it, by name, leaving out other files and hidden ones."""
    root, data, model = trained
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("b.png", "a.PNG"):
        shutil.copy(data / "images" / "test_00000.png", photos / name)
    (photos / "notes.txt").write_text("not an image")
    shutil.copy(data / "images" / "test_00001.png", photos / ".hidden.png")
    (photos / "sub.png").mkdir()  # a folder named like an image is no image
    capsys.readouterr()
    assert main(["caption", "describe", "--model", str(model), str(photos)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(photos / "a.PNG"), str(photos / "b.png")]
    # the files left out are named on stderr: an iPhone's .HEIC photos were dropped without a word
    assert (
        "rnnkit: note: left out 1 file(s) without an image suffix Pillow reads (.png, .jpg, ...): notes.txt;"
        in captured.err
    )
    # and the folders in it, not searched: a photos/2019/ beside a cover picture was left out in silence
    assert "rnnkit: note: left out 1 folder(s), which are not searched: sub.png" in captured.err
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.md").write_text("no pictures")
    assert main(["caption", "describe", "--model", str(model), str(empty)]) == 2
    _one_line_error(
        capsys,
        "is a folder with no image file in it",
        "none of its 1 file(s) has an image suffix Pillow reads, such as readme.md",
    )
    (empty / "2019").mkdir()
    assert main(["caption", "describe", "--model", str(model), str(empty)]) == 2
    _one_line_error(capsys, "the folders in it are not searched: give them, such as", str(empty / "2019"))


def test_a_picture_with_no_suffix_left_out_of_a_folder_is_said_to_lack_one_not_to_be_unreadable(
    trained, capsys, tmp_path
):
    # a PNG saved without a suffix (a download named by its id) was left out as "not an image Pillow reads",
    # which nothing had checked: a folder's files are chosen by suffix; given by its path it is read
    root, data, model = trained
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(data / "images" / "test_00000.png", photos / "a.png")
    shutil.copy(data / "images" / "test_00001.png", photos / "scan")
    capsys.readouterr()
    assert main(["caption", "describe", "--model", str(model), str(photos)]) == 0
    err = capsys.readouterr().err
    assert (
        "rnnkit: note: left out 1 file(s) without an image suffix Pillow reads (.png, .jpg, ...): scan; a "
        "folder's files are chosen by suffix, not opened: give one by its path to read it anyway\n"
    ) in err
    assert "not images Pillow reads" not in err
    assert main(["caption", "describe", "--model", str(model), str(photos / "scan")]) == 0
    assert capsys.readouterr().out.startswith(f"{photos / 'scan'}\t")
    (photos / "a.png").unlink()
    assert main(["caption", "describe", "--model", str(model), str(photos)]) == 2
    _one_line_error(
        capsys, "none of its 1 file(s) has an image suffix Pillow reads, such as scan (a folder's"
    )


def test_eval_on_a_coco_file_names_the_split_to_score(trained, capsys, tmp_path):
    """A COCO captions file is one split, read as train: eval said only that 'test' is not in it."""
    root, data, model = trained
    images = tmp_path / "val2014"
    images.mkdir()
    shutil.copy(data / "images" / "test_00000.png", images / "COCO_1.png")
    doc = {"images": [{"id": 1, "file_name": "COCO_1.png"}],
           "annotations": [{"image_id": 1, "id": 10, "caption": "a red circle"}]}  # fmt: skip
    (tmp_path / "captions_val2014.json").write_text(json.dumps(doc))
    capsys.readouterr()
    args = ["caption", "eval", "--model", str(model), "--data", str(tmp_path / "captions_val2014.json")]
    assert main([*args, "--images", str(images)]) == 2
    _one_line_error(
        capsys, "split 'test' not in captions_val2014.json; present: train", "score one with --split train"
    )


def test_describe_keeps_one_line_per_image_whatever_its_name_holds(trained, capsys, tmp_path):
    """A file name with a tab or a line break broke describe's one-line-per-image output."""
    root, data, model = trained
    odd = tmp_path / "a\tb\nc.png"
    shutil.copy(data / "images" / "test_00000.png", odd)
    plain = tmp_path / "plain name.png"
    shutil.copy(data / "images" / "test_00000.png", plain)
    capsys.readouterr()
    assert main(["caption", "describe", "--model", str(model), str(odd), str(plain)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.count("\t") == 1 for line in lines), lines
    assert json.loads(lines[0].split("\t")[0]) == str(odd)  # JSON-quoted: read back exactly
    assert lines[1].split("\t")[0] == str(plain)  # an ordinary name stays as it is


def test_a_run_folder_loads_with_its_models_familiarity_check_and_card(trained):
    # load_model finds RUN/model, but ood.json and the card were read from RUN itself: the familiarity
    # check was off and the card missing, in silence, for a loader given RUN
    from rnnkit.caption.modelio import load_captioner

    _, _, model = trained
    by_model = load_captioner(model, device="cpu")
    by_run = load_captioner(model.parent, device="cpu")  # as rnnkit.load's and serve's loaders may call it
    assert by_model.ood is not None and by_run.ood is not None
    assert by_run.card is not None and by_run.card == by_model.card
