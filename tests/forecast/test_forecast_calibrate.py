"""Conformal calibration of the interval: order statistic, widening and narrowing, coverage."""

from __future__ import annotations

import numpy as np
import torch
from torch.testing import assert_close

from rnnkit.forecast.calibrate import apply_offsets, conformal_offsets, symmetric_pairs


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def test_pairs_of_levels():
    assert symmetric_pairs((0.1, 0.5, 0.9)) == [(0, 2)]
    assert symmetric_pairs((0.05, 0.25, 0.5, 0.75, 0.95)) == [(0, 4), (1, 3)]
    assert symmetric_pairs((0.5,)) == []


def test_offset_is_the_conformal_order_statistic():
    # raw interval [0, 0]; truths 1..9 -> scores 1..9; a = 0.2, rank ceil(10 * 0.8) = 8 -> offset 8
    pred = np.zeros((9, 1, 3))
    z = np.arange(1.0, 10.0)[:, None]
    offsets = conformal_offsets(pred, z, (0.1, 0.5, 0.9))
    assert_close(_t(offsets), _t([[8.0]]), rtol=0, atol=1e-5)  # plus float32's rounding of 9: 1e-6


def test_apply_widens_narrows_and_keeps_quantiles_sorted():
    pred = np.array([[[-1.0, 0.0, 1.0]]])  # (1, 1, 3)
    levels = (0.1, 0.5, 0.9)
    assert_close(_t(apply_offsets(pred, np.array([[0.5]]), levels)), _t([[[-1.5, 0.0, 1.5]]]), rtol=0, atol=0)
    assert_close(
        _t(apply_offsets(pred, np.array([[-0.5]]), levels)), _t([[[-0.5, 0.0, 0.5]]]), rtol=0, atol=0
    )
    # narrowing past the median must not leave the 10% quantile above the 90% one
    crossed = apply_offsets(pred, np.array([[-2.0]]), levels)
    assert (np.diff(crossed, axis=-1) >= 0).all()


def test_calibrated_interval_reaches_its_nominal_coverage_on_new_samples():
    rng = np.random.default_rng(0)
    levels = (0.1, 0.5, 0.9)
    raw = np.array([-0.5, 0.0, 0.5])  # too narrow for N(0, 1): covers 38%
    val_z = rng.standard_normal((4000, 1))
    test_z = rng.standard_normal((4000, 1))
    pred = np.broadcast_to(raw, (4000, 1, 3)).copy()
    offsets = conformal_offsets(pred, val_z, levels)
    cal = apply_offsets(pred, offsets, levels)
    coverage = float(np.mean((test_z >= cal[:, :, 0]) & (test_z <= cal[:, :, 2])))
    assert abs(coverage - 0.8) < 0.03, coverage
    assert abs(offsets[0, 0] - (1.2816 - 0.5)) < 0.1  # N(0,1)'s 90% quantile is 1.2816


def test_the_point_forecast_is_in_no_pair_of_an_uneven_list_of_levels():
    # 0.1, 0.5, 0.9, 0.95 once paired (0.5, 0.9) as a 40% interval: calibration moved the median
    assert symmetric_pairs((0.1, 0.5, 0.9, 0.95)) == [(0, 3)]
    assert symmetric_pairs((0.05, 0.1, 0.5, 0.9)) == [(0, 3)]
    assert symmetric_pairs((0.1, 0.5)) == []
    rng = np.random.default_rng(0)
    levels = (0.1, 0.5, 0.9, 0.95)
    pred = np.broadcast_to(np.array([-0.5, 0.3, 0.5, 0.7]), (500, 2, 4)).copy()
    offsets = conformal_offsets(pred, rng.standard_normal((500, 2)), levels)
    cal = apply_offsets(pred, offsets, levels)
    assert_close(_t(cal[:, :, 1]), _t(pred[:, :, 1]), rtol=0, atol=0)  # the median untouched
    assert (np.diff(cal, axis=-1) >= 0).all()


def test_narrowing_past_the_median_stops_at_it():
    pred = np.array([[[-1.0, 0.0, 3.0]]])  # an interval much wider above than below
    out = apply_offsets(pred, np.array([[-2.0]]), (0.1, 0.5, 0.9))  # lo -> 1.0, hi -> 1.0
    assert_close(_t(out), _t([[[0.0, 0.0, 1.0]]]), rtol=0, atol=0)  # sorting alone made the median 1.0


def test_calibration_covers_its_rank_of_validation_samples_at_every_step():
    # the offsets come from float32 network outputs and float32 scaled targets; the sample whose score
    # is the offset lies on the bound, and against its float64 value it fell outside on about half the
    # steps: 15 of 18 validation samples covered where the conformal rank promises 16
    rng = np.random.default_rng(0)
    n, horizon, levels = 18, 40, [0.1, 0.5, 0.9]
    truth = rng.normal(size=(n, horizon)) * 3  # float64, as the actual values are
    mid = rng.normal(size=(n, horizon, 1)).astype(np.float32)
    pred = np.concatenate([mid - 0.5, mid, mid + 0.5], axis=-1)  # (n, H, 3) float32
    offsets = conformal_offsets(pred.astype(np.float64), truth.astype(np.float32).astype(np.float64), levels)
    assert offsets.shape == (horizon, 1)  # one offset per step
    calibrated = apply_offsets(pred.astype(np.float64), offsets, levels)
    covered = ((truth >= calibrated[:, :, 0]) & (truth <= calibrated[:, :, 2])).sum(axis=0)  # (H,)
    assert covered.min() >= 16  # ceil((18 + 1) * 0.8)
    rounded = truth.astype(np.float32)
    plain = np.sort(np.maximum(pred[:, :, 0] - rounded, rounded - pred[:, :, 2]), axis=0)[15]  # (H,)
    assert np.all(np.abs(offsets[:, 0] - plain) < 1e-5)  # the margin is rounding, not a widening
