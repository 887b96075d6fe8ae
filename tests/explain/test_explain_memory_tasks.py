"""The adding problem and the copy task: layout, targets and trivial baselines."""

import math

import pytest
import torch

from rnnkit.explain.memory_tasks import (
    adding_baseline,
    adding_problem,
    check_task,
    copy_baseline,
    copy_task,
    expected_copy_cross_entropy,
    make_task,
)
from rnnkit.utils.errors import RnnkitError


def test_adding_target_is_the_sum_of_the_two_marked_numbers():
    data = adding_problem(500, 30, torch.Generator().manual_seed(0))
    assert data.x.shape == (500, 30, 2) and data.y.shape == (500,)
    marks = data.x[..., 1]
    assert torch.equal(marks.sum(dim=1), torch.full((500,), 2.0))  # exactly two marks each
    assert set(marks.unique().tolist()) == {0.0, 1.0}
    for n in range(500):
        a, b = marks[n].nonzero().flatten().tolist()
        assert a < 15 <= b  # one mark in each half
        torch.testing.assert_close(data.y[n], data.x[n, a, 0] + data.x[n, b, 0], rtol=0, atol=1e-6)
    values = data.x[..., 0]
    assert float(values.min()) >= 0.0 and float(values.max()) < 1.0


def test_adding_marks_cover_both_halves():
    data = adding_problem(4000, 10, torch.Generator().manual_seed(1))
    positions = data.x[..., 1].nonzero()[:, 1]
    assert set(positions.tolist()) == set(range(10))  # every step can be marked


def test_adding_baseline_is_mse_of_predicting_one():
    y = torch.tensor([0.5, 1.0, 1.5, 2.0])
    torch.testing.assert_close(adding_baseline(y), (0.25 + 0 + 0.25 + 1.0) / 4, rtol=0, atol=1e-7)
    big = adding_problem(20000, 20, torch.Generator().manual_seed(2))
    # Var(U + U') = 2/12 for independent uniforms; the sampling error at n=20000 is about 0.002.
    assert adding_baseline(big.y) == pytest.approx(1 / 6, abs=0.01)


def test_copy_task_layout():
    delay, symbols, alphabet = 7, 4, 5
    data = copy_task(50, delay, symbols, alphabet, torch.Generator().manual_seed(3))
    length = delay + 2 * symbols
    assert data.x.shape == (50, length, alphabet + 2) and data.y.shape == (50, length)
    inputs = data.x.argmax(-1)  # (N, L) class indices of the one-hot inputs
    torch.testing.assert_close(data.x.sum(-1), torch.ones(50, length))  # one-hot
    payload = inputs[:, :symbols]
    assert int(payload.min()) >= 1 and int(payload.max()) <= alphabet
    assert torch.equal(inputs[:, symbols + delay - 1], torch.full((50,), alphabet + 1))  # delimiter
    rest = torch.cat([inputs[:, symbols : symbols + delay - 1], inputs[:, symbols + delay :]], dim=1)
    assert int(rest.abs().sum()) == 0  # blanks everywhere else
    assert torch.equal(data.y[:, -symbols:], payload)  # the target repeats the payload at the end
    assert int(data.y[:, :-symbols].abs().sum()) == 0


def test_copy_baseline_does_not_read_the_test_answers():
    """QA (explain memory --task copy --test-size 1 / 16): fitted per step to the test targets, the
    'memoryless' baseline knew the answers of a small test set: one sequence gave cross-entropy 0 and
    recall accuracy 1.0, sixteen 0.23 against the 0.125 of chance."""
    one = copy_task(1, 3, generator=torch.Generator().manual_seed(0))
    sixteen = copy_task(16, 3, generator=torch.Generator().manual_seed(0))
    for data in (one, sixteen):
        base = copy_baseline(data.y)
        # Blanks where the layout says so, then 1/8 for each symbol: 10 log 8 over the 23 steps.
        assert base.cross_entropy == pytest.approx(10 * math.log(8) / 23, rel=1e-9)
        assert base.recall_accuracy == pytest.approx(1 / 8)
    two = torch.tensor([[0, 0, 1, 2], [0, 0, 1, 3]])  # 2 symbols of an alphabet of 4, delay 0
    assert copy_baseline(two, symbols=2, alphabet=4).cross_entropy == pytest.approx(2 * math.log(4) / 4)


def test_copy_baseline_is_what_the_test_frequencies_tend_to():
    # On a large test set, the guess fitted to each recall step's own symbol frequencies (what the
    # baseline was) comes to the same numbers: it knows nothing more than the uniform draw there.
    data = copy_task(20000, 20, generator=torch.Generator().manual_seed(4))
    recall = data.y[:, -10:]  # (N, S)
    freq = torch.stack([torch.bincount(recall[:, s], minlength=9)[1:] for s in range(10)]) / 20000  # (S, K)
    fitted = float(-(freq * freq.log()).sum() / data.y.shape[1])
    base = copy_baseline(data.y)
    assert base.cross_entropy == pytest.approx(fitted, rel=0.01)
    assert base.cross_entropy == pytest.approx(expected_copy_cross_entropy(20), rel=1e-9)
    assert base.recall_accuracy == pytest.approx(float(freq.max(dim=1).values.mean()), abs=0.01)


def test_make_task_dispatches_and_rejects_bad_input():
    assert make_task("adding", 3, 6).x.shape == (3, 6, 2)
    assert make_task("copy", 3, 6).x.shape == (3, 6 + 20, 10)
    with pytest.raises(RnnkitError, match="unknown task 'sorting'; known: adding, copy"):
        check_task("sorting")
    with pytest.raises(RnnkitError, match="length >= 2"):
        adding_problem(3, 1)
    with pytest.raises(RnnkitError, match="delay >= 1"):
        copy_task(3, 0)
