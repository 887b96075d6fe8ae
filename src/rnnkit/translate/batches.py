"""Sentence pairs to padded id tensors for training and validation, in length-bucketed batches.

A batch is ``(src (N, S), src_len (N,), tgt_in (N, T), tgt_out (N, T))`` where ``tgt_in`` is bos +
target and ``tgt_out`` is target + eos (the next token at each position), padded with 0.

Length buckets: the decoder steps ``T`` times for a batch whatever its sentences' lengths, so a batch
mixing a 3-token and a 30-token target pays 30 steps for both. :class:`BucketBatchSampler` shuffles
the pairs, cuts the shuffled list into pools of ``pool`` batches, sorts each pool by length, cuts it
into batches and shuffles the batches: each batch holds pairs of similar length (little padding), and
the order still changes every epoch. The order depends only on (seed, epoch), so a resumed run sees
the batches a straight run would.

Subword sampling (``sampling > 0``): each epoch the training pairs are segmented afresh, every
sentence drawn from its tokenizer's distribution over segmentations (:meth:`Tokenizer.encode_batch`),
with the draws seeded by (seed, epoch), so a resumed run sees the same pieces too. The same sentence
then reaches the model as ``▁학생이에요`` in one epoch and ``▁학생`` ``이에요`` in another: on a small corpus
this is data augmentation that teaches the pieces' parts (Kudo 2018). The length buckets sort by the
drawn lengths (sorting by the best segmentation's would pad a sampled epoch's targets 30% more).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import torch
from torch.utils.data import DataLoader, Dataset

from rnnkit.train.data import epoch_seed
from rnnkit.translate.corpus import Pair
from rnnkit.translate.tokenizer import BOS, EOS, PAD, Tokenizer


class PairDataset(Dataset):
    """Tokenized pairs: source ids + eos, target ids (both cut to ``max_len`` tokens).

    Args:
        pairs: (source, target) texts.
        src_tok, tgt_tok: the tokenizers.
        max_len: most tokens kept per side.
        sampling: subword sampling's alpha; 0 keeps the one best segmentation. With sampling,
            :meth:`set_epoch` draws the epoch's segmentations.
        seed: with the epoch, fixes the draws.
    """

    def __init__(
        self,
        pairs: list[Pair],
        src_tok: Tokenizer,
        tgt_tok: Tokenizer,
        max_len: int = 128,
        sampling: float = 0.0,
        seed: int = 0,
    ):
        self.pairs, self.src_tok, self.tgt_tok = pairs, src_tok, tgt_tok
        self.max_len, self.sampling, self.seed = max_len, sampling, seed
        self.epoch: int | None = None  # the epoch whose draws ``items`` hold; None: the best segmentation
        self.items = self._encode(0.0)

    def _encode(self, alpha: float, rng: random.Random | None = None) -> list[tuple[list[int], list[int]]]:
        srcs = self.src_tok.encode_batch([p[0] for p in self.pairs], sample_alpha=alpha, rng=rng)
        tgts = self.tgt_tok.encode_batch([p[1] for p in self.pairs], sample_alpha=alpha, rng=rng)
        cut = self.max_len - 1
        return [(s[:cut] + [EOS], t[:cut]) for s, t in zip(srcs, tgts, strict=True)]

    def set_epoch(self, epoch: int) -> None:
        """Draw epoch ``epoch``'s segmentations (with sampling; a no-op without, or when already drawn)."""
        if self.sampling <= 0 or epoch == self.epoch:
            return
        rng = random.Random(epoch_seed(self.seed, epoch))
        self.items, self.epoch = self._encode(self.sampling, rng), epoch

    def lengths(self) -> list[tuple[int, int]]:
        """(target, source) length of each pair: the bucket sampler's sort key."""
        return [(len(t), len(s)) for s, t in self.items]

    def draw(self, epoch: int) -> list[tuple[int, int]]:
        """:meth:`set_epoch`, then the epoch's lengths (so buckets group the pieces actually drawn)."""
        self.set_epoch(epoch)
        return self.lengths()

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> tuple[list[int], list[int]]:
        return self.items[i]


def pairs_over(pairs: list[Pair], src_tok: Tokenizer, tgt_tok: Tokenizer, max_len: int) -> int:
    """How many pairs :class:`PairDataset` cuts: a side longer than ``max_len - 1`` pieces (a paragraph
    aligned as one line), trained on its first pieces only, the target as if it ended there."""
    srcs = src_tok.encode_batch([p[0] for p in pairs])
    tgts = tgt_tok.encode_batch([p[1] for p in pairs])
    return sum(len(s) > max_len - 1 or len(t) > max_len - 1 for s, t in zip(srcs, tgts, strict=True))


def collate(items: list[tuple[list[int], list[int]]]) -> tuple[torch.Tensor, ...]:
    """Pad a list of (source, target) id lists into the four batch tensors."""
    n = len(items)
    s_max = max(len(s) for s, _ in items)
    t_max = max(len(t) for _, t in items) + 1
    src = torch.full((n, s_max), PAD, dtype=torch.long)
    tgt_in = torch.full((n, t_max), PAD, dtype=torch.long)
    tgt_out = torch.full((n, t_max), PAD, dtype=torch.long)
    src_len = torch.tensor([len(s) for s, _ in items], dtype=torch.long)
    for i, (s, t) in enumerate(items):
        src[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        tgt_in[i, : len(t) + 1] = torch.tensor([BOS] + t, dtype=torch.long)
        tgt_out[i, : len(t) + 1] = torch.tensor(t + [EOS], dtype=torch.long)
    return src, src_len, tgt_in, tgt_out


class BucketBatchSampler:
    """Index batches of similar length, reshuffled each epoch (``set_epoch``), deterministic per seed.

    Args:
        lengths: a sort key per item (here: (target length, source length)).
        batch_size: items per batch (the last batch of a pool may be smaller).
        seed: with the epoch, fixes the order.
        pool: batches per sorted pool; larger pools pad less but shuffle less.
    """

    def __init__(
        self,
        lengths: list[tuple[int, int]],
        batch_size: int,
        seed: int = 0,
        pool: int = 50,
        on_epoch: Callable[[int], list[tuple[int, int]]] | None = None,
    ) -> None:
        self.lengths, self.batch_size, self.seed, self.pool = lengths, batch_size, seed, pool
        self.on_epoch = on_epoch  # told every new epoch; returns the epoch's lengths (drawn segmentations)
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        if self.on_epoch is not None:
            self.lengths = self.on_epoch(epoch)

    def batches(self) -> list[list[int]]:
        gen = torch.Generator().manual_seed(self.seed * 100_003 + self.epoch)
        order = torch.randperm(len(self.lengths), generator=gen).tolist()
        span, bs = self.batch_size * self.pool, self.batch_size
        out: list[list[int]] = []
        for start in range(0, len(order), span):
            chunk = sorted(order[start : start + span], key=lambda i: self.lengths[i])
            out += [chunk[k : k + bs] for k in range(0, len(chunk), bs)]
        return [out[i] for i in torch.randperm(len(out), generator=gen).tolist()]

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self.batches())

    def __len__(self) -> int:
        span = self.batch_size * self.pool
        full, rest = divmod(len(self.lengths), span)
        return full * self.pool + -(-rest // self.batch_size)


def make_loader(
    dataset: PairDataset, batch_size: int, shuffle: bool, seed: int = 0, bucket: bool = True
) -> DataLoader:
    """Training batches: length-bucketed (or plainly shuffled with ``bucket=False``), seeded; in order
    without ``shuffle``. A sampling dataset draws its segmentations whenever the bucket sampler starts
    an epoch (the engine calls ``set_epoch`` before each); sampling needs ``bucket``
    (:meth:`TrainOptions.check` says so)."""
    if shuffle and bucket:
        draw = dataset.draw if dataset.sampling > 0 else None  # the best segmentation never changes
        sampler = BucketBatchSampler(dataset.lengths(), batch_size, seed=seed, on_epoch=draw)
        return DataLoader(dataset, batch_sampler=sampler, collate_fn=collate)
    gen = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, collate_fn=collate, generator=gen)
