"""De-duplication and the seeded split: deterministic, disjoint, complete."""

from __future__ import annotations

import pytest

from rnnkit.translate.split import dedup, split_pairs
from rnnkit.utils.errors import RnnkitError

PAIRS = [(f"sentence number {i}.", f"문장 {i}") for i in range(200)]


def test_split_is_deterministic_disjoint_and_complete():
    a = split_pairs(PAIRS, seed=3)
    b = split_pairs(list(reversed(PAIRS)), seed=3)  # file order does not matter
    assert (sorted(a.train), sorted(a.valid), sorted(a.test)) == (
        sorted(b.train),
        sorted(b.valid),
        sorted(b.test),
    )
    assert (len(a.train), len(a.valid), len(a.test)) == (160, 20, 20)
    train, valid, test = ({p[0] for p in s} for s in (a.train, a.valid, a.test))
    assert not (train & valid) and not (train & test) and not (valid & test)
    assert train | valid | test == {p[0] for p in PAIRS}
    assert {p[0] for p in split_pairs(PAIRS, seed=4).test} != test


def test_dedup_by_source_counts_duplicates():
    pairs = [("Hello.", "안녕."), ("hello. ", "안녕하세요."), ("Bye.", "잘 가."), ("Bye.", "잘 가.")]
    kept, dropped = dedup(pairs)
    assert kept == [("Hello.", "안녕."), ("Bye.", "잘 가.")] and dropped == 2
    s = split_pairs(pairs + [("A.", "가."), ("B.", "나.")], seed=0)
    assert s.duplicates == 2 and len(s.train) + len(s.valid) + len(s.test) == 4
    assert "2 duplicate" in s.summary()


def test_too_small_or_bad_fractions():
    with pytest.raises(RnnkitError, match="at least 3"):
        split_pairs(PAIRS[:2])
    with pytest.raises(RnnkitError, match="fractions"):
        split_pairs(PAIRS, valid_frac=0.6, test_frac=0.5)
    tiny = split_pairs(PAIRS[:3])
    assert (len(tiny.train), len(tiny.valid), len(tiny.test)) == (1, 1, 1)
