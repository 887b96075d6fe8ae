"""The outside evaluation sets (``benchmarks/data/outside*_en_ko.tsv``) and the corpus pairs written after them.

An outside set is sentences written by someone who did not write the corpus, scored by
``benchmarks/eval_outside.py``. Pairs added to the corpus after a set was written must not copy it:
group j (the pairs after the first 44,609) shares no English (normalised) and no Korean sentence with
either set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import near_key
from rnnkit.translate.split import target_key

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
SETS = [DATA / "outside_en_ko.tsv", DATA / "outside_conversation_en_ko.tsv"]
BEFORE_GROUP_J = 44609  # pairs in the corpus when the conversation set was written


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_outside_set_is_sixty_clean_pairs_with_a_licence(path: Path) -> None:
    pairs, report = read_corpus(path, fmt="anki")
    assert len(pairs) == 60 and report.malformed == 0
    assert len({near_key(e) for e, _ in pairs}) == 60  # no sentence twice
    assert "CC0-1.0" in path.read_text(encoding="utf-8").split("\n", 3)[2]
    for english, korean in pairs:
        assert 2 <= len(english.split()) <= 10 or path.name == "outside_en_ko.tsv"
        assert korean.rstrip(".?!").endswith(("요", "죠")), korean


def test_group_j_copies_no_outside_sentence() -> None:
    corpus, _ = read_corpus()
    group_j = corpus[BEFORE_GROUP_J:]
    assert len(group_j) > 2000
    outside = [pair for path in SETS for pair in read_corpus(path, fmt="anki")[0]]
    english = {near_key(e) for e, _ in outside}
    korean = {target_key(k) for _, k in outside}
    assert not [e for e, k in group_j if near_key(e) in english or target_key(k) in korean]
