"""De-duplication and the fixed, disjoint train/valid/test split.

Keys: a source sentence is compared by :func:`~rnnkit.translate.corpus_check.near_key` (case,
punctuation and English contractions ignored: ``I'm tired!`` is ``I am tired.``), a target sentence by
:func:`target_key` (case, punctuation and spaces ignored: ``피곤 해요`` is ``피곤해요.``).

1. **De-duplication**: a pair whose source key was already seen is dropped and counted, keeping the
   first in file order.
2. **Membership by a hash**: each pair gets ``h = sha256(f"{seed}:{source}") / 2**256`` in [0, 1)
   (source case-folded, spaces collapsed). ``h < test_frac`` is test, ``h < test_frac + valid_frac``
   valid, the rest train. A pair's split depends only on its own source sentence and the seed, not on
   the other pairs, the file order or the machine: **when the corpus grows, every earlier test and
   validation pair stays where it was** (new pairs join each split in proportion). A tiny corpus
   whose hashes leave a split empty gets the pair of lowest ``h`` from the largest other split.
3. **Disjointness**: a validation pair whose source or target key is a test pair's is dropped, and a
   training pair whose source or target key is a test or validation pair's is dropped, counted as
   ``collisions``: no test sentence, on either side, is ever trained on (``Thanks.``/``고마워요.`` in
   training would leak ``Thank you.``/``고마워요.`` in test).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rnnkit.translate.corpus import Pair
from rnnkit.translate.corpus_check import exact_key, near_key
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.wording import plural


@dataclass
class Splits:
    """Disjoint train, valid and test pairs, the duplicates removed before splitting, and the pairs
    dropped because they shared a sentence with a held-out split."""

    train: list[Pair]
    valid: list[Pair]
    test: list[Pair]
    duplicates: int = 0
    collisions: int = 0

    def summary(self) -> str:
        return (
            f"split {len(self.train)} train / {len(self.valid)} valid / {len(self.test)} test "
            f"({plural(self.duplicates, 'duplicate source')} removed, {plural(self.collisions, 'pair')} "
            "dropped for sharing a sentence with a held-out split)"
        )


FEW_HELD_OUT = 30  # below this many pairs one sentence moves a split's chrF by whole points


def few_held_out(valid: int, test: int) -> str | None:
    """A warning when a held-out split is too small for its scores to tell runs apart, or None."""
    if min(valid, test) >= FEW_HELD_OUT:
        return None
    return (
        f"only {valid} validation and {plural(test, 'test pair')}: one sentence moves their chrF by whole "
        "points, so the best epoch and the verdict are mostly chance; a bigger corpus (or larger --val and "
        "--test) gives steadier scores"
    )


def target_key(text: str) -> str:
    """Case-folded target without spaces or punctuation (Korean spacing varies)."""
    return re.sub(r"[\W_]+", "", exact_key(text))


def position(source: str, seed: int) -> float:
    """``h`` in [0, 1): where the pair of ``source`` falls (test below ``test_frac``, and so on)."""
    digest = hashlib.sha256(f"{seed}:{exact_key(source)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def dedup(pairs: list[Pair]) -> tuple[list[Pair], int]:
    """Keep the first pair for each source key; return the kept pairs and the number dropped."""
    seen: set[str] = set()
    kept: list[Pair] = []
    for pair in pairs:
        key = near_key(pair[0])
        if key in seen:
            continue
        seen.add(key)
        kept.append(pair)
    return kept, len(pairs) - len(kept)


def _fill_empty(parts: list[list[tuple[float, Pair]]]) -> None:
    """Give every empty part the lowest-``h`` pair of the largest other part (tiny corpora only)."""
    for part in parts:
        if not part:
            donor = max(parts, key=len)
            donor.sort()
            part.append(donor.pop(0))


def _without(pairs: list[Pair], held: list[Pair]) -> tuple[list[Pair], int]:
    """``pairs`` without those sharing a source or target key with ``held``, and how many were dropped."""
    sources = {near_key(s) for s, _ in held}
    targets = {target_key(t) for _, t in held}
    kept = [p for p in pairs if near_key(p[0]) not in sources and target_key(p[1]) not in targets]
    return kept, len(pairs) - len(kept)


def check_fractions(valid_frac: float, test_frac: float) -> None:
    """The validation and test shares leave training data: each in (0, 1), their sum below 1
    (``translate train`` checks ``--val`` and ``--test`` so before it reads the corpus)."""
    if not (0 < valid_frac < 1 and 0 < test_frac < 1 and valid_frac + test_frac < 1):
        raise RnnkitError(
            f"valid and test fractions must be in (0, 1) and sum below 1 (got {valid_frac}, {test_frac})"
        )


def split_pairs(pairs: list[Pair], seed: int = 0, valid_frac: float = 0.1, test_frac: float = 0.1) -> Splits:
    """De-duplicate, split by each source's hash, and drop pairs that share a sentence across splits.

    Args:
        pairs: (source, target) pairs.
        seed: changes which pairs land in which split.
        valid_frac, test_frac: the share of hash space (so about that share of the pairs) for each.

    Raises:
        RnnkitError: fewer than three unique pairs, or fractions that leave no training data.
    """
    check_fractions(valid_frac, test_frac)
    unique, duplicates = dedup(pairs)
    if len(unique) < 3:
        raise RnnkitError(
            f"the corpus has {plural(len(unique), 'unique pair')}; at least 3 are needed (train, valid, test)"
        )
    parts: list[list[tuple[float, Pair]]] = [[], [], []]  # test, valid, train
    for pair in unique:
        h = position(pair[0], seed)
        parts[0 if h < test_frac else 1 if h < test_frac + valid_frac else 2].append((h, pair))
    _fill_empty(parts)
    test, valid, train = ([p for _, p in part] for part in parts)
    valid, lost_valid = _without(valid, test)
    train, lost_train = _without(train, test + valid)
    if not valid or not train:
        raise RnnkitError("every validation or training pair shares a sentence with the test split")
    return Splits(
        train=train, valid=valid, test=test, duplicates=duplicates, collisions=lost_valid + lost_train
    )


def model_splits(pairs: list[Pair], config: dict, seed: int | None = None) -> Splits:
    """The split a trained model was made with, recomputed on ``pairs``: the seed and fractions saved
    in its ``config.json`` (``data.split``; ``translate train``'s defaults where absent), ``seed``
    overriding the saved seed. On the corpus it trained on this is its own train/valid/test split."""
    saved = config.get("data", {}).get("split", {})
    return split_pairs(
        pairs,
        seed=saved.get("seed", 0) if seed is None else seed,
        valid_frac=saved.get("valid_frac", 0.1),
        test_frac=saved.get("test_frac", 0.1),
    )
