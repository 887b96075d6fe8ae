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
    """A 2-epoch GRU model trained through the command line (seconds on a CPU)."""
    from rnnkit.cli import main

    out = tmp_path_factory.mktemp("model") / "tiny"
    code = main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(out), *TINY_TRAIN_ARGS])
    assert code == 0
    return out
