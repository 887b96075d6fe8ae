"""Metric values against hand-computed ones."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.testing import assert_close

from rnnkit.forecast.metrics import (
    direction_accuracy,
    fmt,
    mae,
    mape,
    mase,
    naive_scale,
    rmse,
    score,
    smape,
)

ACTUAL = np.array([10.0, 12.0, 11.0])
PRED = np.array([11.0, 11.0, 11.0])
LAST = np.array([10.0, 11.0, 12.0])


def _close(a: float, b: float) -> None:
    assert_close(
        torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64), rtol=1e-12, atol=1e-12
    )


def test_hand_computed_values():
    _close(mae(ACTUAL, PRED), 2.0 / 3.0)
    _close(rmse(ACTUAL, PRED), math.sqrt(2.0 / 3.0))
    _close(mape(ACTUAL, PRED), 100.0 * (1 / 10 + 1 / 12 + 0) / 3)
    _close(smape(ACTUAL, PRED), 100.0 * (2 / 21 + 2 / 23 + 0) / 3)
    # in-sample naive scale: mean(|2-1|, |4-2|) = 1.5
    _close(naive_scale(np.array([1.0, 2.0, 4.0])), 1.5)
    _close(mase(ACTUAL, PRED, 1.5), (2.0 / 3.0) / 1.5)
    # moves: actual-last = [0, +1, -1] (first not counted); called: [+1, 0, -1] -> miss, hit
    _close(direction_accuracy(ACTUAL, PRED, LAST), 0.5)


def test_naive_calls_no_direction_and_score_collects_everything():
    assert math.isnan(direction_accuracy(ACTUAL, LAST, LAST))
    row = score(ACTUAL, PRED, LAST, 1.5)
    assert set(row) == {"MAE", "RMSE", "MAPE", "sMAPE", "MASE", "dir_acc"}
    _close(row["MASE"], (2.0 / 3.0) / 1.5)
    assert fmt(float("nan")) == "-" and fmt(0.5, "dir_acc") == "50.0%" and fmt(1.23456) == "1.235"


def test_zero_actuals_do_not_divide_by_zero():
    assert math.isnan(mape(np.zeros(3), np.ones(3)))
    _close(mape(np.array([0.0, 2.0]), np.array([1.0, 3.0])), 50.0)
    assert math.isnan(smape(np.zeros(2), np.zeros(2)))


def test_rmse_of_tiny_errors_is_not_zero():
    # errors near 1e-299 have squares that underflow to 0: a series in tiny units printed RMSE 0
    from rnnkit.forecast.metrics import rmse

    actual, pred = np.array([1e-299, 2e-299]), np.array([2e-299, 4e-299])
    assert rmse(actual, pred) == pytest.approx(rmse(actual * 1e299, pred * 1e299) * 1e-299, rel=1e-12, abs=0)
