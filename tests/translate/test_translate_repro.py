"""Subword sampling repeats from the seed in any process, and draws what sentencepiece's sampler draws.

Sentencepiece's own sampler (``encode(..., enable_sampling=True)``) ignores
``set_random_generator_seed`` across processes (0.2.3): two ``translate train --subword-sampling``
runs with one seed trained on other pieces and ended with other weights. A test inside one pytest
process cannot see that, so the draws are compared between two fresh interpreters here.
"""

from __future__ import annotations

import collections
import random
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_translate import TINY_PAIRS

from rnnkit.translate.batches import PairDataset
from rnnkit.translate.tokenizer import Tokenizer

SENTENCES = [ko for _, ko in TINY_PAIRS] * 3

DRAW = """
import sys
from pathlib import Path
from rnnkit.translate.batches import PairDataset
from rnnkit.translate.tokenizer import Tokenizer
folder = Path(sys.argv[1])
src, tgt = (Tokenizer((folder / name).read_bytes()) for name in ("src.spm", "tgt.spm"))
pairs = [tuple(line.split("\\t")) for line in (folder / "pairs.tsv").read_text(encoding="utf-8").splitlines()]
data = PairDataset(pairs, src, tgt, sampling=0.1, seed=7)
data.set_epoch(1)
print(data.items)
"""


@pytest.fixture(scope="module")
def tokenizers() -> tuple[Tokenizer, Tokenizer]:
    return Tokenizer.train([en for en, _ in TINY_PAIRS], 40), Tokenizer.train(SENTENCES, 40)


def test_an_epochs_draws_repeat_in_another_process(tokenizers, tmp_path: Path):
    src, tgt = tokenizers
    (tmp_path / "src.spm").write_bytes(src.model_bytes)
    (tmp_path / "tgt.spm").write_bytes(tgt.model_bytes)
    (tmp_path / "pairs.tsv").write_text("\n".join(f"{en}\t{ko}" for en, ko in TINY_PAIRS), encoding="utf-8")
    runs = [
        subprocess.run(
            [sys.executable, "-c", DRAW, str(tmp_path)], capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    data = PairDataset(list(TINY_PAIRS), src, tgt, sampling=0.1, seed=7)
    data.set_epoch(1)
    assert runs[0].stdout == runs[1].stdout == f"{data.items}\n"
    assert data.items != PairDataset(list(TINY_PAIRS), src, tgt).items  # it did sample


def test_draws_follow_sentencepieces_distribution(tokenizers):
    """The frequencies of one sentence's segmentations match sentencepiece's sampler (20,000 draws each,
    within 0.03), and a very large alpha gives the best segmentation (an unknown run stays one piece).

    Sentencepiece's draws cannot be seeded across processes, so its side is random in every run: with
    20,000 draws the difference of two frequencies has a standard deviation of at most 0.005, and 0.03
    is six of them (4,000 draws and 0.04 would fail about once in a thousand runs, by chance)."""
    _, tok = tokenizers
    text = "저는 학생이에요."
    rng, draws = random.Random(0), 20_000
    ours = collections.Counter(tuple(tok.sample(text, 0.1, rng)) for _ in range(draws))
    theirs = collections.Counter(
        tuple(ids) for ids in tok.sp.encode([text] * draws, enable_sampling=True, alpha=0.1, nbest_size=-1)
    )
    assert len(theirs) > 2
    for ids, count in theirs.most_common(4):
        assert abs(ours[ids] - count) / draws < 0.03, tok.pieces(ids)
    for sentence in [*SENTENCES, "저는 鬱鬱 학생", ""]:
        assert tok.sample(sentence, 500.0, rng) == tok.encode(sentence)
