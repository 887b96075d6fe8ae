"""De-duplication and the seeded train/valid/test split.

A pair whose source sentence (case-folded, whitespace collapsed) was already seen is a duplicate and is
dropped, counted: the same source in train and test would leak the answer.

The split orders the pairs by ``sha256(f"{seed}:{source}")`` and takes the first ``n_test`` as test, the
next ``n_valid`` as valid and the rest as train. It depends only on the seed and the sentences (not on
the file order or Python's hash seed), so it repeats on every machine, and a pair added to a growing
corpus moves few others between splits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rnnkit.translate.corpus import Pair
from rnnkit.utils.errors import RnnkitError


@dataclass
class Splits:
    """Disjoint train, valid and test pairs, and how many duplicates were removed before splitting."""

    train: list[Pair]
    valid: list[Pair]
    test: list[Pair]
    duplicates: int = 0

    def summary(self) -> str:
        return (
            f"split {len(self.train)} train / {len(self.valid)} valid / {len(self.test)} test "
            f"({self.duplicates} duplicate sources removed)"
        )


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def dedup(pairs: list[Pair]) -> tuple[list[Pair], int]:
    """Keep the first pair for each source sentence; return the kept pairs and the number dropped."""
    seen: set[str] = set()
    kept: list[Pair] = []
    for pair in pairs:
        key = _key(pair[0])
        if key in seen:
            continue
        seen.add(key)
        kept.append(pair)
    return kept, len(pairs) - len(kept)


def split_pairs(pairs: list[Pair], seed: int = 0, valid_frac: float = 0.1, test_frac: float = 0.1) -> Splits:
    """De-duplicate, then split by a seeded hash of the source sentence.

    Args:
        pairs: (source, target) pairs.
        seed: changes which pairs land in which split.
        valid_frac, test_frac: fractions of the de-duplicated pairs (each at least one pair).

    Raises:
        RnnkitError: fewer than three unique pairs, or fractions that leave no training data.
    """
    if not (0 < valid_frac < 1 and 0 < test_frac < 1 and valid_frac + test_frac < 1):
        raise RnnkitError(
            f"valid and test fractions must be in (0, 1) and sum below 1 (got {valid_frac}, {test_frac})"
        )
    unique, duplicates = dedup(pairs)
    n = len(unique)
    if n < 3:
        raise RnnkitError(f"the corpus has {n} unique pairs; at least 3 are needed (train, valid, test)")
    n_test = max(1, round(n * test_frac))
    n_valid = max(1, round(n * valid_frac))
    if n_test + n_valid >= n:
        n_test, n_valid = 1, 1

    def rank(pair: Pair) -> str:
        return hashlib.sha256(f"{seed}:{_key(pair[0])}".encode()).hexdigest()

    ordered = sorted(unique, key=rank)
    test, valid, train = ordered[:n_test], ordered[n_test : n_test + n_valid], ordered[n_test + n_valid :]
    return Splits(train=train, valid=valid, test=test, duplicates=duplicates)
