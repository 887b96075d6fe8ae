"""The time ``translate train`` says it trained for is the epochs' time, a resumed run's earlier epochs
included: "trained 3 epochs in 26.3s" was said of a run resumed after two epochs that took 65 s, the
wall time of the call that trained the third alone."""

from __future__ import annotations

import csv
import re

from helpers_translate import TINY_TRAIN_ARGS, write_anki

from rnnkit.cli import main


def test_a_resumed_run_says_the_time_of_all_its_epochs(tmp_path, capsys):
    corpus = write_anki(tmp_path / "c.tsv")
    args = ["translate", "train", "--corpus", str(corpus), *TINY_TRAIN_ARGS, "--lr-schedule", "constant"]
    args += ["--average-last", "0", "--out", str(tmp_path / "run")]
    assert main([*args, "--epochs", "1"]) == 0
    capsys.readouterr()
    assert main([*args, "--epochs", "3", "--resume"]) == 0
    said = re.search(r"trained 3 epochs in ([\d.]+)s;", capsys.readouterr().out)
    with open(tmp_path / "run" / "metrics.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [row["epoch"] for row in rows] == ["1", "2", "3"]
    assert said is not None and said.group(1) == f"{sum(float(row['seconds']) for row in rows):.1f}"
