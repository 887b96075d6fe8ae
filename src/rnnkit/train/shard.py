"""Data parallelism by splitting every batch: each of W processes trains on its 1/W of each batch.

Under a multi-process launch the :class:`~rnnkit.train.Trainer` passes every training batch through
:func:`shard_batch`: the batch of ``N`` items (dimension 0 of every tensor in it) is cut into ``W``
contiguous shards of ``ceil(N/W)`` or ``floor(N/W)`` items (``torch.tensor_split``), and process ``r``
keeps shard ``r``. DDP then averages the gradients of the ``W`` shard losses. When ``W`` divides
``N`` and the loss is a mean over items,

    mean_r (1/(N/W)) sum_{i in shard r} grad l_i  =  (1/N) sum_i grad l_i,

the gradient of the whole batch: ``--batch 64`` means 64 items per optimisation step on one process
or on eight, every process sees the same sequence of batches (the order depends on the seed and the
epoch only), and a run resumed on another number of processes continues the same optimisation (equal
up to floating-point rounding). When ``W`` does not divide ``N`` the shards differ by one item and
each counts as much as the others in the average, which weighs items unevenly; the Trainer warns once.

Every process must take part in every step (DDP all-reduces the gradients step by step), so a batch
with fewer items than processes, such as a short last batch, is skipped by all of them alike.

A batch is a tensor or any nesting of tuples, lists and dicts of them; tensors whose dimension 0 is
not the batch's size (and non-tensors) are passed on whole.

>>> import torch
>>> x, y = torch.arange(10).reshape(5, 2), torch.arange(5)
>>> [b[1].tolist() for b in (shard_batch((x, y), r, 2) for r in (0, 1))]
[[0, 1, 2], [3, 4]]
>>> shard_batch((x[:1], y[:1]), 1, 2) is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import torch


def batch_size_of(batch: Any) -> int | None:
    """Dimension 0 of the first tensor in ``batch`` (depth first); None when it holds no tensor."""
    if isinstance(batch, torch.Tensor):
        return int(batch.shape[0]) if batch.dim() > 0 else None
    if isinstance(batch, dict):
        batch = list(batch.values())
    if isinstance(batch, list | tuple):
        for part in batch:
            n = batch_size_of(part)
            if n is not None:
                return n
    return None


def _cut(batch: Any, n: int, rank: int, world: int) -> Any:
    if isinstance(batch, torch.Tensor):
        if batch.dim() > 0 and batch.shape[0] == n:
            return torch.tensor_split(batch, world)[rank]
        return batch
    if isinstance(batch, dict):
        return {k: _cut(v, n, rank, world) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # a namedtuple keeps its type
        return type(batch)(*(_cut(v, n, rank, world) for v in batch))
    if isinstance(batch, list | tuple):
        return type(batch)(_cut(v, n, rank, world) for v in batch)
    return batch


def shard_batch(batch: Any, rank: int, world: int) -> Any:
    """Process ``rank``'s share of ``batch`` among ``world`` processes; None when it gets no items.

    Raises:
        ValueError: a batch without a tensor to split.
    """
    if world == 1:
        return batch
    n = batch_size_of(batch)
    if n is None:
        raise ValueError("a training batch holds no tensor to split among the processes")
    if n < world:
        return None
    return _cut(batch, n, rank, world)


class ShardedBatches:
    """Iterate ``batches`` giving process ``rank`` its shard of each; skip batches too small to split.

    ``len()`` is the length of ``batches`` (an upper bound when a short batch is skipped).
    ``first`` (optional) sees the first whole batch of each pass, before it is cut.
    """

    def __init__(
        self, batches: Iterable, rank: int, world: int, first: Callable[[Any], None] | None = None
    ) -> None:
        self.batches = batches
        self.rank = rank
        self.world = world
        self.first = first

    def __len__(self) -> int:
        return len(self.batches)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        for i, batch in enumerate(self.batches):
            if i == 0 and self.first is not None:
                self.first(batch)
            shard = shard_batch(batch, self.rank, self.world)
            if shard is not None:
                yield shard


def uneven_warning(batch: Any, world: int) -> str | None:
    """The warning to give when ``world`` processes do not divide ``batch`` evenly (else None)."""
    n = batch_size_of(batch)
    if world == 1 or n is None or n % world == 0:
        return None
    if n < world:  # not "shards of 0 and 1 items": such a batch is not trained on at all
        return (
            f"{world} processes cannot split a batch of {n} items (each needs at least one), so such "
            f"batches are skipped; choose a batch size that is a multiple of {world}"
        )
    return (
        f"{world} processes do not divide the batch of {n} items: shards of {n // world} and "
        f"{n // world + 1} items count alike in the averaged gradient; choose a batch size that is "
        f"a multiple of {world}"
    )
