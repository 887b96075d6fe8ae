"""One pass over a streamed corpus: the held-out splits, a tokenizer sample, and the training filter.

The split is today's fixed hash split (:func:`rnnkit.translate.split.position`), computed per line:
a pair whose ``h = sha256(seed:source)`` falls below ``test_frac`` is test, below ``test_frac +
valid_frac`` validation, else training. Nothing else about the corpus is needed to place a line, so a
streamed run and a whole-file run put every pair in the same split.

Memory stays bounded whatever the corpus size:

- **Held-out sets.** Each keeps at most ``held_max`` pairs, those of lowest ``h`` (a bounded heap),
  so they are the same whatever the file order. Held-out pairs beyond the cap are neither scored nor
  trained on (their ``h`` still marks them held out).
- **Tokenizer sample.** A reservoir sample (Vitter's algorithm R, seeded) of ``sample_size``
  training pairs: every training pair is equally likely to be in it, and sentencepiece trains on it.
- **Disjointness.** As in whole-file mode, a validation pair sharing a source or target key with a
  kept test pair is dropped, and a training pair sharing one with a kept held-out pair is skipped
  (:meth:`StreamSplit.is_train`), so no scored sentence, on either side, is ever trained on.

Not done in stream mode: removing duplicate training sources (that needs a set growing with the
corpus). The held-out sets keep one pair per source, as whole-file mode does (they are in memory).
"""

from __future__ import annotations

import hashlib
import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from rnnkit.translate.corpus import Pair, lacks_korean, refuse_no_korean, swapped_message
from rnnkit.translate.corpus_check import near_key
from rnnkit.translate.corpus_records import EMPTY, MALFORMED
from rnnkit.translate.corpus_text import korean_side
from rnnkit.translate.split import Splits, check_fractions, position, target_key
from rnnkit.translate.stream_corpus import PairStream, Record
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.wording import plural

_SKIPPED_SHOWN = 5  # unusable lines named in the summary, as a corpus read whole names them


class _Lowest:
    """The ``k`` items of lowest ``h`` seen so far (a max-heap of ``(-h, n, pair)``), one per source:
    a pair whose source (normalised, as whole-file mode compares them) is already kept is a duplicate,
    counted and left out, so a corpus of repeated lines is not scored on each sentence many times."""

    def __init__(self, k: int) -> None:
        self.k, self.heap, self.n, self.duplicates = k, [], 0, 0
        self.kept: set[str] = set()  # near_key of every kept source

    def add(self, h: float, pair: Pair) -> None:
        self.n += 1
        key = near_key(pair[0])
        if key in self.kept:
            self.duplicates += 1
            return
        item = (-h, self.n, pair)
        if len(self.heap) < self.k:
            heapq.heappush(self.heap, item)
        elif item > self.heap[0]:  # lower h than the highest kept
            self.kept.discard(near_key(heapq.heapreplace(self.heap, item)[2][0]))
        else:
            return
        self.kept.add(key)

    def pairs(self) -> list[Pair]:
        """The kept pairs, in order of ``h`` (a fixed order, whatever the file's)."""
        return [p for _, _, p in sorted(self.heap, key=lambda it: -it[0])]


@dataclass
class StreamSplit:
    """What one pass found: the held-out sets, the tokenizer sample, counts and the file's digest."""

    valid: list[Pair]
    test: list[Pair]
    sample: list[Pair]
    seed: int
    held_below: float  # h below this is held out (test_frac + valid_frac)
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    skipped: list[str] = field(default_factory=list)  # the first unusable lines, ``line N: why``
    _sources: set[str] = field(default_factory=set, repr=False)
    _targets: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        held = self.valid + self.test
        self._sources = {near_key(s) for s, _ in held}
        self._targets = {target_key(t) for _, t in held}
        self.sample = [p for p in self.sample if self.is_train(p)]

    def is_train(self, pair: Pair) -> bool:
        """True when ``pair`` may be trained on: its hash is in the training range and neither side
        matches a kept held-out sentence."""
        if position(pair[0], self.seed) < self.held_below:
            return False
        return near_key(pair[0]) not in self._sources and target_key(pair[1]) not in self._targets

    def splits(self) -> Splits:
        """The held-out pairs with the tokenizer sample as ``train`` (what the tokenizers learn from)."""
        return Splits(train=self.sample, valid=self.valid, test=self.test)

    def summary(self) -> str:
        c = self.counts
        return (
            f"streamed {c['pairs']} pairs from {c['lines']} lines ({c['unusable']} unusable): "
            f"{c['train']} train / {len(self.valid)} valid / {len(self.test)} test kept "
            f"({c['held_unused']} held-out pairs over --held-out-max left out, "
            f"{c.get('held_duplicates', 0)} repeating a held-out source); "
            f"tokenizers trained on a sample of {len(self.sample)} training pairs"
            + ("; skipped " + "; ".join(self.skipped) if self.skipped else "")
        )


def scan(
    stream: PairStream,
    seed: int = 0,
    valid_frac: float = 0.1,
    test_frac: float = 0.1,
    held_max: int = 2000,
    sample_size: int = 20000,
) -> StreamSplit:
    """Read ``stream`` once and return its :class:`StreamSplit` (memory: ``2 * held_max + sample_size``
    pairs).

    Raises:
        RnnkitError: fractions out of range, no usable pair, or an empty training or held-out split.
    """
    check_fractions(valid_frac, test_frac)
    test, valid = _Lowest(held_max), _Lowest(held_max)
    rng, sample, n_train = random.Random(seed), [], 0
    digest, counts = hashlib.sha256(), {"lines": stream.start_line, "pairs": 0, "unusable": 0}
    skipped: list[str] = []  # the first blank or malformed lines, with the whole-file reader's reasons
    swapped_before = stream.swapped
    ko_side, without_korean = korean_side(stream.src_lang, stream.tgt_lang), 0
    for rec in _records(stream, digest):
        counts["lines"] = rec.position[1]  # the file's lines so far, the header's among them
        if rec.pair is None:
            counts["unusable"] += 1
            if rec.kind in (EMPTY, MALFORMED) and len(skipped) < _SKIPPED_SHOWN:
                skipped.append(f"line {rec.line_no}: {rec.why}")
            continue
        counts["pairs"] += 1
        without_korean += lacks_korean(rec.pair, ko_side)
        h = position(rec.pair[0], seed)
        if h < test_frac:
            test.add(h, rec.pair)
        elif h < test_frac + valid_frac:
            valid.add(h, rec.pair)
        else:
            n_train += 1
            if len(sample) < sample_size:
                sample.append(rec.pair)
            elif (j := rng.randrange(n_train)) < sample_size:
                sample[j] = rec.pair
    swapped = stream.swapped - swapped_before
    if swapped > counts["pairs"]:  # as a corpus read whole is refused: the languages the other way round
        raise RnnkitError(
            swapped_message(
                str(stream.path), swapped, counts["pairs"], stream.fmt, stream.src_lang, stream.tgt_lang
            )
        )
    refuse_no_korean(str(stream.path), without_korean, counts["pairs"], stream.src_lang, stream.tgt_lang)
    if counts["pairs"] == 0:
        why = f"; {skipped[0]}" if skipped else ""  # as a corpus read whole says it
        raise RnnkitError(
            f"no usable sentence pairs in {stream.path} ({plural(counts['lines'], 'line')}{why})"
        )
    if not test.heap or not valid.heap or not n_train:
        raise RnnkitError(
            f"{stream.path}: {n_train} train / {valid.n} valid / {test.n} test pairs by the hash split; "
            "stream mode needs pairs in each (a bigger corpus, or other --val/--test)"
        )
    test_pairs = test.pairs()
    valid_pairs = _without(valid.pairs(), test_pairs)
    if not valid_pairs:
        raise RnnkitError("every validation pair shares a sentence with the test split")
    counts["train"] = n_train
    counts["held_duplicates"] = test.duplicates + valid.duplicates
    counts["held_unused"] = test.n + valid.n - len(test_pairs) - len(valid.heap) - counts["held_duplicates"]
    return StreamSplit(valid=valid_pairs, test=test_pairs, sample=sample, seed=seed,
                       held_below=test_frac + valid_frac, counts=counts, sha256=digest.hexdigest(),
                       skipped=skipped)  # fmt: skip


def _records(stream: PairStream, digest) -> Iterator[Record]:  # noqa: ANN001 - a hashlib object
    """The stream's records, feeding the file's bytes (header included) to ``digest`` as they pass."""
    with open(stream.path, "rb") as f:
        digest.update(f.read(stream.start))
    yield from stream.records(tap=digest.update)


def _without(pairs: list[Pair], held: list[Pair]) -> list[Pair]:
    sources = {near_key(s) for s, _ in held}
    targets = {target_key(t) for _, t in held}
    return [p for p in pairs if near_key(p[0]) not in sources and target_key(p[1]) not in targets]
