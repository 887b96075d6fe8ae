"""Sentence pairs to padded id tensors for training and validation.

A batch is ``(src (N, S), src_len (N,), tgt_in (N, T), tgt_out (N, T))`` where ``tgt_in`` is bos +
target and ``tgt_out`` is target + eos (the next token at each position), padded with 0.
"""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, Dataset

from rnnkit.translate.corpus import Pair
from rnnkit.translate.tokenizer import BOS, EOS, PAD, Tokenizer


class PairDataset(Dataset):
    """Tokenized pairs: source ids + eos, target ids (both cut to ``max_len`` tokens)."""

    def __init__(self, pairs: list[Pair], src_tok: Tokenizer, tgt_tok: Tokenizer, max_len: int = 128):
        srcs = src_tok.encode_batch([p[0] for p in pairs])
        tgts = tgt_tok.encode_batch([p[1] for p in pairs])
        self.items = [(s[: max_len - 1] + [EOS], t[: max_len - 1]) for s, t in zip(srcs, tgts, strict=True)]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> tuple[list[int], list[int]]:
        return self.items[i]


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


def make_loader(dataset: PairDataset, batch_size: int, shuffle: bool, seed: int = 0) -> DataLoader:
    """A DataLoader with a seeded shuffle (the same batches on every run with the same seed)."""
    gen = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, collate_fn=collate, generator=gen)
