"""Length-bucketed batches: every pair once per epoch, similar lengths together, seeded by epoch."""

from __future__ import annotations

import random

from rnnkit.translate.batches import BucketBatchSampler


def lengths(n: int = 1000, seed: int = 0) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [(rng.randint(2, 40), rng.randint(2, 40)) for _ in range(n)]


def padding(lens, batches) -> int:
    """Target padding tokens the batches carry."""
    return sum(max(lens[i][0] for i in b) * len(b) - sum(lens[i][0] for i in b) for b in batches)


def test_every_pair_once_per_epoch_and_len_is_the_batch_count():
    lens = lengths(1003)
    sampler = BucketBatchSampler(lens, batch_size=16, seed=1, pool=10)
    batches = list(sampler)
    assert sorted(i for b in batches for i in b) == list(range(1003))
    assert len(batches) == len(sampler) and max(len(b) for b in batches) == 16


def test_buckets_pad_far_less_than_random_batches():
    lens = lengths()
    bucketed = BucketBatchSampler(lens, batch_size=32, seed=0).batches()
    order = list(range(len(lens)))
    random.Random(0).shuffle(order)
    plain = [order[i : i + 32] for i in range(0, len(order), 32)]
    assert padding(lens, bucketed) < padding(lens, plain) / 5


def test_order_depends_on_seed_and_epoch_only():
    lens = lengths(300)
    a, b = BucketBatchSampler(lens, 8, seed=3), BucketBatchSampler(lens, 8, seed=3)
    assert a.batches() == b.batches()
    a.set_epoch(1)
    assert a.batches() != b.batches()
    b.set_epoch(1)
    assert a.batches() == b.batches()
    assert BucketBatchSampler(lens, 8, seed=4).batches() != BucketBatchSampler(lens, 8, seed=3).batches()
