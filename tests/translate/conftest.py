"""Fixtures for the translate tests: a tiny corpus and one tiny trained model (session scoped)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_translate import TINY_TRAIN_ARGS, write_anki


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    return write_anki(tmp_path_factory.mktemp("corpus") / "tiny.tsv")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_corpus) -> Path:
    """The model folder of a 2-epoch GRU run trained through the command line (seconds on a CPU):
    ``OUT/model`` of ``translate train --out OUT``."""
    from rnnkit.cli import main

    out = tmp_path_factory.mktemp("model") / "tiny"
    code = main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(out), *TINY_TRAIN_ARGS])
    assert code == 0
    return out / "model"
