"""check_packed's index checks at a few and at many sequences (e6337ecb's review): Python lists check a
few indices fastest, tensor operations many (lists cost a tenth of torch.nn's GRU call at 1024
sequences). Both ways refuse the same bad indices in the same words and let torch's own through."""

from __future__ import annotations

import pytest
import torch
from torch.nn.utils.rnn import PackedSequence, pack_sequence

import rnnkit
from rnnkit.nn import validate
from rnnkit.utils.errors import ShapeError


def _packed(n: int) -> PackedSequence:
    torch.manual_seed(0)
    return pack_sequence([torch.randn(1 + i % 5, 3) for i in range(n)], enforce_sorted=False)


SIZES = [3, 300]  # below and above LIST_CHECK_BELOW: lists, then tensors


def test_the_sizes_take_both_ways() -> None:
    assert SIZES[0] < validate.LIST_CHECK_BELOW <= SIZES[1]


@pytest.mark.parametrize("n", SIZES)
def test_torch_s_own_indices_pass_in_any_integer_dtype(n: int) -> None:
    ps = _packed(n)
    validate.check_packed("GRU", ps, 3)
    wide = ps._replace(sorted_indices=ps.sorted_indices.int(), unsorted_indices=ps.unsorted_indices.int())
    validate.check_packed("GRU", wide, 3)
    out, h = rnnkit.GRU(3, 4)(ps)
    assert h.shape == (1, n, 4) and torch.equal(out.unsorted_indices, ps.unsorted_indices)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("field", ["sorted_indices", "unsorted_indices"])
def test_a_repeated_index_is_no_permutation(n: int, field: str) -> None:
    ps = _packed(n)
    bad = getattr(ps, field).clone()
    bad[1] = bad[0]
    with pytest.raises(
        ShapeError,
        match=rf"GRU expects a PackedSequence's {field} to be a permutation of 0\.\.{n - 1}; got \[",
    ):
        rnnkit.GRU(3, 4)(ps._replace(**{field: bad}))


@pytest.mark.parametrize("n", SIZES)
def test_an_index_out_of_range_is_no_permutation(n: int) -> None:
    ps = _packed(n)
    bad = ps.sorted_indices.clone()
    bad[bad == 0] = n
    with pytest.raises(ShapeError, match="sorted_indices to be a permutation"):
        validate.check_packed("GRU", ps._replace(sorted_indices=bad), 3)


@pytest.mark.parametrize("n", SIZES)
def test_permutations_not_each_other_s_inverse_are_refused(n: int) -> None:
    ps = _packed(n)
    swapped = ps.unsorted_indices.clone()
    swapped[[0, 1]] = swapped[[1, 0]]  # still a permutation, no longer the inverse
    with pytest.raises(
        ShapeError, match="unsorted_indices to be the inverse of its sorted_indices .* got \\["
    ):
        rnnkit.GRU(3, 4)(ps._replace(unsorted_indices=swapped))
