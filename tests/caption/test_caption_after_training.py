"""What a user reads after training a captioner (session 21's QA): the model card's commands run as
written, every printed metric is explained, and the describe figures name what they show."""

import re
import shlex
from pathlib import Path

import pytest
from helpers_caption import cli_trained

from rnnkit.cli import main

TINY = ["--epochs", "1", "--hidden", "16", "--embed", "8", "--channels", "16", "--device", "cpu"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny attention model, trained with --images given (as a Flickr8k user must)."""
    root = tmp_path_factory.mktemp("qa_s21")
    counts = {"train": 30, "val": 6, "test": 4, "heldout": 4}
    data, run = cli_trained(root, counts, 7, *TINY, "--images", str(root / "data"))
    return data, run


def test_the_model_cards_eval_command_runs_as_written(trained, capsys, monkeypatch):
    # the card said `rnnkit caption eval --model FOLDER`, which stops at "Missing option '--data'";
    # and it did not say how describe searches (beam 10, ...), which is what the user gets
    data, run = trained
    card = (run / "model" / "README.md").read_text()
    assert "search its captions as saved with it (beam 10, length penalty 3, located check 2)" in card
    command = re.search(r"`(rnnkit caption eval --model FOLDER[^`]*)`", card).group(1)
    assert "--data" in command and "--images" in command
    monkeypatch.chdir(Path.cwd())  # the card's paths are as given to train: from this folder
    args = shlex.split(command.replace("FOLDER", shlex.quote(str(run / "model"))))[1:]
    capsys.readouterr()
    assert main(args) == 0
    assert "verdict:" in capsys.readouterr().out


def test_describe_attention_rows_name_their_file_and_mark_the_unfamiliar(trained, figures, tmp_path, capsys):
    # every row of describe's attention figure was titled "image": of several files, which row was
    # which was left to count, and an unfamiliar image's maps were shown as if trusted
    import json

    import numpy as np
    from PIL import Image

    data, run = trained
    ramp = np.linspace(0, 255, 96).astype(np.uint8)
    photo = tmp_path / "holiday photo.png"  # a smooth colour gradient: nothing like a shapes scene
    Image.fromarray(np.stack([np.add.outer(ramp * 0, ramp), np.add.outer(ramp, ramp * 0), ramp[None].repeat(96, 0)], -1)).save(photo)  # fmt: skip
    scene = data / "images" / "test_00001.png"
    out = tmp_path / "d.json"
    args = [
        "caption",
        "describe",
        "--model",
        str(run),
        str(scene),
        str(photo),
        "--plot",
        str(tmp_path / "p.png"),
    ]
    assert main([*args, "--json", str(out)]) == 0
    flags = [d["unfamiliar"] for d in json.loads(out.read_text())["images"]]
    heads = [ax.get_title() for ax in figures["p_attention.png"].axes if ax.get_title().startswith("image")]
    assert [h.split("\n")[1] for h in heads] == ["test_00001.png", "holiday photo.png"]
    assert ["unfamiliar: likely wrong" in h for h in heads] == flags
    assert flags[1]  # the gradient is flagged, so the mark is shown at least once


def test_eval_explains_every_figure_it_prints(trained, capsys):
    # 'flagged unfamiliar', the 'most-frequent' rows and the '–' cells were printed with no line saying
    # what they are (and digits' 'length accuracy' likewise)
    data, run = trained
    assert main(["caption", "eval", "--model", str(run), "--data", str(data / "dataset.json")]) == 0
    out = capsys.readouterr().out
    table, legend = out.split("\nverdict: ")
    assert "flagged unfamiliar" in table and "most-frequent" in table and "–" in table
    explained = {line.split(": ")[0].strip() for line in legend.splitlines()[1:]}
    assert {"flagged unfamiliar", "most-frequent", "–", "BLEU-n"} <= explained
    assert "0 when no run of n words matches" in legend  # BLEU-3 0.000 beside BLEU-2 0.25 is explained


def test_digits_length_accuracy_is_explained():
    from rnnkit.caption.verdict import explained, split_scores

    scores = split_scores([["1", "2"], ["1"]], [[["1", "2"]], [["7"]]], [["1", "2"]], numbers=["12", "7"])
    assert "length accuracy" in scores and "length accuracy" in explained(list(scores))
