"""Seeded loaders: the order depends on (seed, epoch) only, covers every item once, and resumes."""

import pytest
import torch
from torch.utils.data import TensorDataset

from rnnkit.train import EpochShuffleSampler, make_loader
from rnnkit.utils.errors import RnnkitError


def _order(loader) -> list[int]:
    return torch.cat([batch[0] for batch in loader]).tolist()


def _data(n: int = 10) -> TensorDataset:
    return TensorDataset(torch.arange(n))


def test_shuffle_is_a_permutation_that_repeats_per_seed_and_epoch():
    a = make_loader(_data(), 3, shuffle=True, seed=7)
    b = make_loader(_data(), 3, shuffle=True, seed=7)
    first_a, second_a = _order(a), _order(a)
    assert sorted(first_a) == list(range(10))
    assert first_a != second_a  # each pass reshuffles
    assert (_order(b), _order(b)) == (first_a, second_a)
    c = make_loader(_data(), 3, shuffle=True, seed=8)
    assert _order(c) != first_a


def test_set_epoch_jumps_to_an_epoch_like_a_resumed_run():
    a = make_loader(_data(), 4, shuffle=True, seed=3)
    orders = [_order(a) for _ in range(3)]
    b = make_loader(_data(), 4, shuffle=True, seed=3)
    b.sampler.set_epoch(2)
    assert _order(b) == orders[2]


def test_global_random_state_does_not_matter():
    torch.manual_seed(0)
    first = _order(make_loader(_data(), 5, shuffle=True, seed=1))
    torch.manual_seed(99)
    torch.rand(10)
    assert _order(make_loader(_data(), 5, shuffle=True, seed=1)) == first


def test_no_shuffle_keeps_order_and_drop_last():
    assert _order(make_loader(_data(), 4)) == list(range(10))
    assert _order(make_loader(_data(), 4, drop_last=True)) == list(range(8))


def test_sampler_len():
    assert len(EpochShuffleSampler(5, seed=0)) == 5


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((_data(), 0), {}, "batch size must be at least 1"),
        ((TensorDataset(torch.zeros(0)), 2), {}, "dataset is empty"),
        ((_data(), 2), {"sampler": None}, "sets 'sampler' itself"),
    ],
)
def test_bad_arguments(args, kwargs, message):
    with pytest.raises(RnnkitError, match=message):
        make_loader(*args, **kwargs)
