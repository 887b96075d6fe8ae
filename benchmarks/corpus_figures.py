"""The figures of ``src/rnnkit/translate/data/CORPUS.md`` ("Statistics"), computed from the committed
corpus file: pairs, English length histogram and bands, Korean lengths, sentence types, negatives and
future forms, vocabulary sizes, and the split sizes with the shipped model's fractions and the
command line's defaults.

    python benchmarks/corpus_figures.py
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

HANGUL = re.compile(r"[\uac00-\ud7a3]")  # syllables only (corpus_check's pattern also takes loose jamo)
# a negative: not, never, no, nothing ..., or any n't contraction
NEGATIVE = re.compile(r"\b(not|never|no|nobody|nothing|nowhere|neither|nor)\b|n't\b", re.I)
FUTURE = re.compile(r"\b(will|going to)\b|'ll\b", re.I)
BANDS = ((2, 5), (6, 10), (11, 15), (16, 20), (21, 25))


def main() -> None:
    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.split import split_pairs

    pairs, report = read_corpus()
    print(report.summary())
    english = [len(source.split()) for source, _ in pairs]
    lengths = Counter(english)
    print("English words per sentence:", ", ".join(f"{k}: {v:,}" for k, v in sorted(lengths.items())))
    for low, high in BANDS:
        n = sum(v for k, v in lengths.items() if low <= k <= high)
        print(f"  {low}-{high} words: {n:,} ({100 * n / len(pairs):.1f}%)")
    print(
        f"  mean {statistics.mean(english):.1f}, median {statistics.median(english):g}, {sum(english):,} in all"
    )
    korean = [len(target.split()) for _, target in pairs]
    syllables = [len(HANGUL.findall(target)) for _, target in pairs]
    print(f"Korean: mean {statistics.mean(korean):.1f} words (어절), median {statistics.median(korean):g}; "
          f"mean {statistics.mean(syllables):.1f} Hangul syllables, longest {max(syllables)}")  # fmt: skip
    questions = sum(source.endswith("?") for source, _ in pairs)
    exclamations = sum(source.endswith("!") for source, _ in pairs)
    negatives = sum(bool(NEGATIVE.search(source)) for source, _ in pairs)
    futures = sum(bool(FUTURE.search(source)) for source, _ in pairs)
    print(f"{questions:,} questions, {exclamations:,} exclamations; {negatives:,} with a negative, "
          f"{futures:,} with a future form")  # fmt: skip
    words = {w for source, _ in pairs for w in re.sub(r"[^\w' -]", " ", source.lower()).split()}
    eojeol = {w for _, target in pairs for w in target.split()}
    hangul = {c for _, target in pairs for c in HANGUL.findall(target)}
    print(f"vocabulary: {len(words):,} English words (lower-cased, punctuation stripped), "
          f"{len(eojeol):,} Korean 어절, {len(hangul):,} Hangul syllables")  # fmt: skip
    for frac in (0.05, 0.1):
        print(f"split, seed 0, {frac:.0%} test and validation: {split_pairs(pairs, 0, frac, frac).summary()}")


if __name__ == "__main__":
    main()
