"""The caption vocabulary: words to ids and back, with four special tokens.

Ids 0-3 are ``<pad>`` (ignored by the loss), ``<start>`` (the first decoder input), ``<end>`` (the
model's stop word) and ``<unk>`` (words seen fewer than ``min_count`` times in training). Saved as JSON
in the model folder, so a model and its words never part.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence

import torch

from rnnkit.utils.errors import RnnkitError

PAD, START, END, UNK = 0, 1, 2, 3
SPECIALS = ("<pad>", "<start>", "<end>", "<unk>")


class Vocabulary:
    """Word <-> id map. Build with :meth:`build`; save with :meth:`to_json`."""

    def __init__(self, words: Sequence[str]) -> None:
        if tuple(words[:4]) != SPECIALS:
            raise RnnkitError("vocabulary must start with <pad> <start> <end> <unk>")
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise RnnkitError("vocabulary has repeated words")

    def __len__(self) -> int:
        return len(self.words)

    @classmethod
    def build(cls, captions: Iterable[Sequence[str]], min_count: int = 1) -> Vocabulary:
        """Words seen at least ``min_count`` times, most frequent first (ties alphabetical)."""
        counts = Counter(w for cap in captions for w in cap)
        if not counts:
            raise RnnkitError("cannot build a vocabulary: no caption words")
        kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        if not set(kept) - set(SPECIALS):  # a model of <pad> <start> <end> <unk> alone could say nothing
            top, seen = counts.most_common(1)[0]
            raise RnnkitError(
                f"no caption word is seen at least min_count={min_count} times (the commonest word, "
                f"{top!r}, {seen} times): lower min_count"
            )
        return cls(list(SPECIALS) + [w for w in kept if w not in SPECIALS])

    def encode(self, tokens: Sequence[str], max_len: int) -> list[int]:
        """``<start> w1 .. wk <end>`` padded with ``<pad>`` to ``max_len + 2`` ids (long captions cut)."""
        ids = [self.index.get(t, UNK) for t in tokens[:max_len]]
        ids = [START, *ids, END]
        return ids + [PAD] * (max_len + 2 - len(ids))

    def encode_batch(self, captions: Sequence[Sequence[str]], max_len: int) -> torch.Tensor:
        """Token lists to a ``(N, max_len + 2)`` long tensor."""
        return torch.tensor([self.encode(c, max_len) for c in captions], dtype=torch.long)

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Ids to words, stopping at ``<end>``, skipping ``<start>`` and ``<pad>``."""
        out = []
        for i in ids:
            i = int(i)
            if i == END:
                break
            if i in (PAD, START):  # a reference's padding; decoding never chooses them (caption.decode)
                continue
            out.append(self.words[i] if 0 <= i < len(self.words) else SPECIALS[UNK])
        return out

    def to_json(self) -> str:
        return json.dumps({"words": self.words}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        try:
            data = json.loads(text)
            words = data["words"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise RnnkitError("vocabulary file is not valid ({'words': [...]} expected)") from None
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise RnnkitError("vocabulary file is not valid (words must be strings)")
        return cls(words)
