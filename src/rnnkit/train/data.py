"""Seeded data loading: shuffling that repeats bit for bit and survives a resume.

A plain ``DataLoader(shuffle=True)`` draws its order from the global random state, so the order of
epoch 5 depends on everything that consumed random numbers before it. :class:`EpochShuffleSampler`
instead derives each epoch's order from ``(seed, epoch)`` alone: two runs with the same seed see the same
batches, a run resumed at epoch 5 sees exactly the batches an unbroken run sees, and every process of a
distributed run agrees on the order before Accelerate gives each its share.

>>> import torch
>>> from torch.utils.data import TensorDataset
>>> loader = make_loader(TensorDataset(torch.arange(6.0)), batch_size=4, shuffle=True, seed=0)
>>> [tuple(b[0].shape) for b in loader]
[(4,), (2,)]
"""

from __future__ import annotations

from collections.abc import Iterator, Sized
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from rnnkit.utils.errors import RnnkitError

EPOCH_STRIDE = 1_000_003  # a prime, so (seed, epoch) pairs rarely collide
WORKER_SALT = 0x9E3779B9  # worker seeds: not the permutation's seed of the same epoch


def epoch_seed(seed: int, epoch: int) -> int:
    """The seed of epoch ``epoch`` of a run seeded ``seed``: ``seed + EPOCH_STRIDE * epoch``, so
    neighbouring seeds do not share an epoch's draws. A resumed run gets what a straight one did."""
    return int(seed) + EPOCH_STRIDE * int(epoch)


def worker_seed(seed: int, epoch: int) -> int:
    """The seed a loader's generator takes before epoch ``epoch``, from which a ``DataLoader`` draws its
    worker processes' seeds: not the shuffling's seed of the same epoch (:func:`epoch_seed`)."""
    return epoch_seed(seed, epoch) ^ WORKER_SALT


class EpochShuffleSampler(Sampler[int]):
    """A random permutation of ``range(n)`` that depends only on ``seed`` and the epoch.

    The permutation of epoch ``e`` is ``torch.randperm(n, generator=Generator().manual_seed(seed + e))``
    (the seed is offset by a large odd constant per epoch so neighbouring seeds do not share orders).
    :meth:`set_epoch` picks the epoch (the :class:`~rnnkit.train.Trainer` calls it before every epoch,
    as ``DistributedSampler`` users do); without it each new iteration moves to the next epoch.

    Args:
        n: number of items.
        seed: the base seed.
        workers: the loader's generator, from which a ``DataLoader`` draws its worker processes' seeds
            when an epoch's iteration starts; kept seeded from ``(seed, epoch)`` too, so that a worker's
            random augmentations in a resumed run are those of an unbroken one (a generator left to run
            on would hand the first epoch after a resume the seeds of epoch 1).
    """

    def __init__(self, n: int, seed: int = 0, workers: torch.Generator | None = None) -> None:
        self.n = int(n)
        self.seed = int(seed)
        self.workers = workers
        self.set_epoch(0)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)
        if self.workers is not None:  # read before __iter__ runs, so seeded for the epoch about to start
            self.workers.manual_seed(worker_seed(self.seed, self.epoch))

    def __len__(self) -> int:
        return self.n

    def _order(self) -> list[int]:
        generator = torch.Generator().manual_seed(epoch_seed(self.seed, self.epoch))
        return torch.randperm(self.n, generator=generator).tolist()

    def __iter__(self) -> Iterator[int]:
        order = self._order()
        self.set_epoch(self.epoch + 1)  # a loader used outside the Trainer still reshuffles each pass
        yield from order


class EpochSequentialSampler(EpochShuffleSampler):
    """``range(n)`` in order, counting epochs like :class:`EpochShuffleSampler` (for its ``workers``)."""

    def _order(self) -> list[int]:
        return list(range(self.n))


def make_loader(
    dataset: Dataset,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
    drop_last: bool = False,
    **kwargs: Any,
) -> DataLoader:
    """A ``DataLoader`` whose shuffling is seeded per epoch (see :class:`EpochShuffleSampler`).

    Args:
        dataset: a map-style dataset (with ``len``).
        batch_size: items per batch (at least 1).
        shuffle: reshuffle every epoch, reproducibly from ``seed``.
        seed: the shuffling seed.
        drop_last: drop the last incomplete batch.
        kwargs: passed on to ``DataLoader`` (``collate_fn``, ``num_workers``, ...); worker processes
            are seeded from ``(seed, epoch)``, so their random augmentations repeat, across a resume
            too. Not under ``persistent_workers=True``: such workers are started once and carry their
            random state from epoch to epoch, which a checkpoint does not hold.
    """
    if batch_size < 1:
        raise RnnkitError(f"batch size must be at least 1, got {batch_size}")
    if not isinstance(dataset, Sized):
        raise RnnkitError("make_loader needs a dataset with a length (a map-style dataset)")
    if len(dataset) == 0:
        raise RnnkitError("the dataset is empty: no batches to train on")
    for bad in ("shuffle", "sampler", "batch_sampler", "generator"):
        if bad in kwargs:
            raise RnnkitError(f"make_loader sets {bad!r} itself; pass shuffle= and seed= instead")
    # The generator seeds worker processes (and nothing else here), keeping them off the global state;
    # the sampler reseeds it from (seed, epoch) before each epoch.
    generator = torch.Generator()
    order = EpochShuffleSampler if shuffle else EpochSequentialSampler
    return DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=order(len(dataset), seed, workers=generator),
        drop_last=drop_last,
        generator=generator,
        **kwargs,
    )
