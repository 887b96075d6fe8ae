"""``rnnkit translate train`` refuses options that cannot train before it reads the corpus: --val and
--test that leave no training data, --subword-sampling with --no-bucket or with --stream (each was said
only after the whole corpus was read and split, or streamed through once)."""

from __future__ import annotations

import pytest

import rnnkit.translate.corpus as corpus_module
import rnnkit.translate.stream_train as stream_train
from rnnkit.cli import main


def never_read(*args, **kwargs):
    raise AssertionError("the corpus was read before the options were checked")


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--val", "0.6", "--test", "0.6"],
            "valid and test fractions must be in (0, 1) and sum below 1 (got 0.6, 0.6)",
        ),
        (["--val", "0"], "valid and test fractions must be in (0, 1) and sum below 1 (got 0.0, 0.1)"),
        (
            ["--stream", "--test", "1"],
            "valid and test fractions must be in (0, 1) and sum below 1 (got 0.1, 1.0)",
        ),
        (
            ["--subword-sampling", "0.2", "--no-bucket"],
            "--subword-sampling draws each epoch's pieces with the length buckets: drop --no-bucket",
        ),
        (["--stream", "--subword-sampling", "0.2"], "--subword-sampling is not available with --stream"),
    ],
    ids=["fractions", "no-validation", "stream-fractions", "sampling-no-bucket", "sampling-stream"],
)
def test_options_that_cannot_train_are_refused_before_reading(tmp_path, capsys, monkeypatch, options, said):
    monkeypatch.setattr(corpus_module, "read_corpus", never_read)
    monkeypatch.setattr(stream_train, "scan_corpus", never_read)
    out = tmp_path / "run"
    assert main(["translate", "train", "--out", str(out), "--no-progress", "--threads", "1", *options]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: {said}\n"
    assert not (out / "run.json").exists()
