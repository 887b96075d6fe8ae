"""What a user reads after training a captioner (session 21's QA): the model card's commands run as
written, every printed metric is explained, and the describe figures name what they show."""

import re
import shlex
from pathlib import Path

import pytest
from helpers_caption import cli_trained

import rnnkit.utils.plotting
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
