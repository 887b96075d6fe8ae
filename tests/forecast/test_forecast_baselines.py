"""Baselines and the season decision."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from torch.testing import assert_close

from rnnkit.forecast.baselines import (
    LinearAR,
    choose_season,
    detect_season,
    naive,
    season_candidate,
    seasonal_naive,
)
from rnnkit.utils.errors import RnnkitError


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def test_naive_repeats_the_last_seen_value():
    y = np.arange(10.0) * 2
    out = naive(y, np.array([3, 5]), 3)
    assert_close(_t(out), _t([[6.0, 6.0, 6.0], [10.0, 10.0, 10.0]]), rtol=0, atol=0)


def test_seasonal_naive_takes_the_same_point_of_the_last_season():
    y = np.arange(20.0)
    # season 3, end row 10: steps 1..4 -> rows 8, 9, 10, 8 (h=4 goes two seasons back)
    out = seasonal_naive(y, np.array([10]), 4, 3)
    assert_close(_t(out), _t([[8.0, 9.0, 10.0, 8.0]]), rtol=0, atol=0)


def test_linear_ar_recovers_a_noise_free_autoregression():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 3, 1))
    z = 0.5 * x[:, 0, 0] - 0.25 * x[:, 1, 0] + 2.0 * x[:, 2, 0] + 0.1
    ar = LinearAR.fit(x, z[:, None])
    assert_close(_t(ar.coef[:, 0]), _t([0.5, -0.25, 2.0, 0.1]), rtol=1e-9, atol=1e-9)
    assert_close(_t(ar.predict(x[:5])[:, 0]), _t(z[:5]), rtol=1e-9, atol=1e-9)


def test_season_candidates_come_from_the_date_spacing():
    assert season_candidate(pd.bdate_range("2020-01-01", periods=50)) == 5
    assert season_candidate(pd.date_range("2020-01-01", periods=50, freq="D")) == 7
    assert season_candidate(pd.date_range("2020-01-01", periods=50, freq="5min")) == 288
    assert season_candidate(pd.date_range("2020-01-01", periods=50, freq="MS")) == 12
    assert season_candidate(pd.date_range("2020-01-01", periods=50, freq="YS")) is None


def test_detect_season_accepts_a_seasonal_series_and_rejects_a_random_walk():
    rng = np.random.default_rng(0)
    dates = pd.date_range("2000-01-01", periods=240, freq="MS")
    seasonal = 10 + 3 * np.sin(2 * np.pi * np.arange(240) / 12) + 0.1 * rng.standard_normal(240)
    m, reason = detect_season(dates, seasonal)
    assert m == 12 and "season 12" in reason
    walk = np.cumsum(rng.standard_normal(240))
    m, reason = detect_season(dates, walk)
    assert m is None and "autocorrelation" in reason


def test_choose_season_overrides():
    dates = pd.date_range("2000-01-01", periods=100, freq="D")
    y = np.arange(100.0)
    assert choose_season(0, dates, y)[0] is None
    assert choose_season(7, dates, y)[0] == 7
    with pytest.raises(RnnkitError, match="--season"):
        choose_season(1, dates, y)


def test_the_linear_ar_fits_huge_values_as_their_scaled_copy():
    # beyond 1e150 the fit divides by a power of two: same slopes, the intercept scaled back
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4, 1)).cumsum(axis=1) + 3.0
    z = x[:, -1, :] * 0.8 + 0.5
    small = LinearAR.fit(x, z)
    big = LinearAR.fit(x * 2.0**1000, z * 2.0**1000)
    np.testing.assert_allclose(big.coef[:-1], small.coef[:-1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(big.coef[-1] / 2.0**1000, small.coef[-1], rtol=1e-9)
    np.testing.assert_allclose(big.predict(x * 2.0**1000) / 2.0**1000, small.predict(x), rtol=1e-9)


def test_a_linear_ar_least_squares_cannot_solve_is_one_line(monkeypatch):
    def no_convergence(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge in Linear Least Squares")

    monkeypatch.setattr(np.linalg, "lstsq", no_convergence)
    with pytest.raises(RnnkitError, match="linear AR baseline cannot be fitted.*rescale the column"):
        LinearAR.fit(np.ones((10, 3, 1)), np.ones((10, 1)))


def test_a_season_reason_never_says_minus_zero():
    """The demo's report said 'autocorrelation of changes at lag 5 is -0.00 < 0.2' for an IBM part."""
    from rnnkit.forecast.baselines import lag_autocorrelation

    dates = pd.bdate_range("2000-01-03", periods=200)
    for seed in range(200):  # a walk whose lag-5 autocorrelation of changes rounds to zero from below
        walk = np.cumsum(np.random.default_rng(seed).standard_normal(200))
        if -0.005 < lag_autocorrelation(np.diff(walk), 5) < 0:
            break
    else:
        pytest.fail("no walk of the 200 has an autocorrelation in (-0.005, 0)")
    assert detect_season(dates, walk) == (
        None,
        "no season: autocorrelation of changes at lag 5 is 0.00 < 0.2",
    )


def test_the_autocorrelation_of_tiny_values_is_as_at_unit_size():
    # values near 1e-297 have squares that underflow to 0: the season check printed 'nan < 0.2'
    from rnnkit.forecast.baselines import lag_autocorrelation

    x = np.sin(np.arange(60) * 2 * np.pi / 7) + np.random.default_rng(0).normal(0, 0.1, 60)
    assert lag_autocorrelation(x * 1e-297, 7) == pytest.approx(lag_autocorrelation(x, 7), rel=1e-9, abs=0)
