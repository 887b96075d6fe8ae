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


# --- subword sampling: each epoch's pieces drawn afresh, seeded by (seed, epoch) -------------------


def sampling_dataset(alpha: float = 0.2, seed: int = 0):
    from helpers_translate import TINY_PAIRS

    from rnnkit.translate.batches import PairDataset
    from rnnkit.translate.tokenizer import Tokenizer

    pairs = TINY_PAIRS * 4
    src = Tokenizer.train([p[0] for p in pairs], 60)
    tgt = Tokenizer.train([p[1] for p in pairs], 90)
    return PairDataset(pairs, src, tgt, sampling=alpha, seed=seed), src, tgt


def test_sampling_draws_other_pieces_of_the_same_text_each_epoch():
    ds, src, tgt = sampling_dataset()
    best = list(ds.items)
    ds.set_epoch(0)
    first = list(ds.items)
    ds.set_epoch(1)
    second = list(ds.items)
    assert first != best and second != first  # other segmentations...
    for (s, t), (s0, t0) in zip(second, best, strict=True):  # ...of the very same sentences
        assert src.decode(s) == src.decode(s0) and tgt.decode(t) == tgt.decode(t0)
        assert s[-1] == 3 and 3 not in t  # eos ends the source only
    pieces = [len(t) for _, t in first]
    assert sum(pieces) > sum(len(t) for _, t in best)  # sampled pieces are shorter on the whole


def test_sampling_repeats_for_a_seed_and_epoch_and_is_off_at_zero():
    a, _, _ = sampling_dataset(seed=3)
    b, _, _ = sampling_dataset(seed=3)
    a.set_epoch(2)
    b.set_epoch(5)
    b.set_epoch(2)  # another epoch in between: the draws depend on (seed, epoch) only
    assert a.items == b.items
    c, _, _ = sampling_dataset(seed=4)
    c.set_epoch(2)
    assert c.items != a.items
    off, _, _ = sampling_dataset(alpha=0.0)
    best = list(off.items)
    off.set_epoch(1)
    assert off.items == best


def test_the_bucket_sampler_tells_the_dataset_each_epoch():
    from rnnkit.translate.batches import make_loader

    ds, _, _ = sampling_dataset()
    loader = make_loader(ds, 8, shuffle=True, seed=0)
    loader.batch_sampler.set_epoch(1)
    epoch1 = list(ds.items)
    loader.batch_sampler.set_epoch(2)
    assert ds.epoch == 2 and ds.items != epoch1
    assert loader.batch_sampler.lengths == [
        (len(t), len(s)) for s, t in ds.items
    ]  # buckets of the drawn pieces
    assert sum(len(b[0]) for b in loader) == len(ds)  # every pair once, with its drawn pieces
