"""Windows, targets, splits and scalers: the alignment and no-leakage guarantees."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from torch.testing import assert_close

from rnnkit.forecast.data import Series, load_series
from rnnkit.forecast.prepare import prepare
from rnnkit.forecast.windows import (
    Scaler,
    Split,
    cumulative_targets,
    gather_windows,
    step_inputs,
    to_price,
    window_ends,
)
from rnnkit.utils.errors import RnnkitError


def _series(values: np.ndarray, name: str = "s") -> Series:
    values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    dates = pd.date_range("2021-01-01", periods=len(values), freq="D")
    return Series(name, dates, values, [f"c{i}" for i in range(values.shape[1])])


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def test_window_of_days_1_to_4_predicts_day_5_in_prices_mode():
    # day d holds the value d (days 1..20 are rows 0..19)
    days = np.arange(1.0, 21.0)
    ends = window_ends(len(days), window=4, horizon=1, kind="prices")
    x = gather_windows(step_inputs(days[:, None], "prices"), ends, 4)  # (N, 4, 1)
    z = cumulative_targets(days, ends, 1, "prices")  # (N, 1)
    assert_close(_t(x[0, :, 0]), _t([1.0, 2.0, 3.0, 4.0]), rtol=0, atol=0)
    assert_close(_t(z[0]), _t([5.0]), rtol=0, atol=0)  # day 5, never day 4
    # every sample: the target is the day after the last input day
    assert_close(_t(z[:, 0]), _t(x[:, -1, 0] + 1.0), rtol=0, atol=0)


def test_returns_mode_targets_the_next_day_relative_to_the_last_seen_day():
    prices = np.array([10.0, 11.0, 12.1, 13.31, 14.641, 16.1051, 17.0, 15.0])
    ends = window_ends(len(prices), window=4, horizon=1, kind="returns")
    assert ends[0] == 4  # returns need the day before the window: rows 1..4 are the first window
    x = gather_windows(step_inputs(prices[:, None], "returns"), ends, 4)
    z = cumulative_targets(prices, ends, 1, "returns")
    assert_close(_t(x[0, :, 0]), _t(prices[1:5] / prices[0:4] - 1), rtol=1e-12, atol=1e-12)
    assert_close(_t(z[0]), _t([prices[5] / prices[4] - 1]), rtol=1e-12, atol=1e-12)


def test_prepared_windows_keep_the_alignment_after_scaling():
    days = np.arange(1.0, 61.0)
    prep = prepare(_series(days), window=4, horizon=1, predict="prices", val=0.1, test=0.2)
    first = prep.in_scaler.inverse(prep.x[0].astype(np.float64))  # (4, 1)
    assert_close(_t(first[:, 0]), _t([1.0, 2.0, 3.0, 4.0]), rtol=1e-5, atol=1e-5)
    assert_close(_t(prep.z[0]), _t([5.0]), rtol=0, atol=0)
    assert_close(_t(prep.actual(prep.test)[:, 0]), _t(days[-12:]), rtol=0, atol=0)


def test_differences_mode_targets_the_change_from_the_last_seen_day_whatever_its_sign():
    values = np.array([-2.0, 0.0, 1.5, -0.5, -3.0, 2.0, 2.5, -1.0])
    ends = window_ends(len(values), window=4, horizon=2, kind="differences")
    assert ends[0] == 4  # like returns, a difference needs the day before the window
    x = gather_windows(step_inputs(values[:, None], "differences"), ends, 4)
    z = cumulative_targets(values, ends, 2, "differences")
    assert_close(_t(x[0, :, 0]), _t(values[1:5] - values[0:4]), rtol=0, atol=0)
    assert_close(_t(z[0]), _t([values[5] - values[4], values[6] - values[4]]), rtol=0, atol=0)
    positive = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])  # positive, but differences, not log-ratios
    assert_close(
        _t(step_inputs(positive[:, None], "differences")[1:, 0]), _t(np.diff(positive)), rtol=0, atol=0
    )
    prep = prepare(_series(np.linspace(-5.0, 5.0, 100)), 4, 1, "differences", val=0.1, test=0.2)
    assert_close(_t(prep.z[:, 0]), _t(np.full(len(prep.z), 10.0 / 99)), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", ["returns", "log-returns", "differences", "prices"])
def test_to_price_inverts_the_cumulative_targets(kind):
    y = np.array([5.0, 6.0, 4.0, 8.0, 9.0, 7.5, 10.0])
    ends = np.array([1, 2, 3])
    z = cumulative_targets(y, ends, 3, kind)  # (3, 3)
    back = to_price(z, y[ends], kind)
    assert_close(_t(back), _t(y[ends[:, None] + np.arange(1, 4)]), rtol=1e-12, atol=1e-12)


def test_split_masks_never_share_a_target_between_parts():
    split = Split.by_fraction(100, val=0.1, test=0.2)
    assert (split.train_end, split.val_end) == (70, 80)
    ends = window_ends(100, window=5, horizon=3, kind="prices")
    train, val, test = split.masks(ends, 3)
    assert not (train & val).any() and not (val & test).any() and not (train & test).any()
    assert (ends[train] + 3 < 70).all()
    assert (ends[val] + 1 >= 70).all() and (ends[val] + 3 < 80).all()
    assert (ends[test] + 1 >= 80).all()
    assert int(test.sum()) == 20 - 3 + 1


def test_scalers_are_fitted_on_training_rows_only():
    rng = np.random.default_rng(1)
    y = 50 + np.cumsum(rng.standard_normal(200))
    changed = y.copy()
    changed[150:] = 500.0 + 20.0 * rng.standard_normal(50)  # the validation and test rows change wildly
    for kind in ("returns", "prices"):
        a = prepare(_series(y), 4, 1, kind, val=0.1, test=0.2)
        b = prepare(_series(changed), 4, 1, kind, val=0.1, test=0.2)
        assert a.split.train_end == 140
        assert_close(_t(a.in_scaler.mean), _t(b.in_scaler.mean), rtol=0, atol=0)
        assert_close(_t(a.in_scaler.std), _t(b.in_scaler.std), rtol=0, atol=0)
        assert_close(_t(a.out_scaler.mean), _t(b.out_scaler.mean), rtol=0, atol=0)
        assert_close(_t(a.out_scaler.std), _t(b.out_scaler.std), rtol=0, atol=0)
        assert not np.allclose(a.z[a.test], b.z[b.test])  # the test part did change


def test_scaler_round_trip_and_constant_column():
    x = np.array([[1.0, 3.0], [2.0, 3.0], [3.0, 3.0]])
    s = Scaler.fit(x)
    assert_close(_t(s.std), _t([np.std([1.0, 2.0, 3.0]), 1.0]), rtol=1e-12, atol=0)
    assert_close(_t(s.inverse(s.transform(x))), _t(x), rtol=1e-12, atol=1e-12)
    again = Scaler.from_dict(s.to_dict())
    assert_close(_t(again.mean), _t(s.mean), rtol=0, atol=0)


def test_too_short_series_and_non_positive_returns_are_errors():
    with pytest.raises(RnnkitError, match="series too short"):
        prepare(_series(np.arange(1.0, 15.0)), 4, 1, "prices", val=0.1, test=0.2)
    with pytest.raises(RnnkitError, match="use --predict differences or --predict prices"):
        prepare(_series(np.linspace(-1.0, 1.0, 100)), 4, 1, "returns")
    with pytest.raises(RnnkitError, match="--window and --horizon"):
        window_ends(100, 0, 1, "prices")


def test_a_series_too_short_says_what_to_do():
    # the message ended at "need at least 13 rows before any test set", naming no way out
    def short(rows: int) -> str:
        frame = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=rows), "y": np.arange(rows) + 1.0})
        with pytest.raises(RnnkitError) as info:
            prepare(load_series(frame), 4, 1, "prices")
        return str(info.value)

    assert short(12).endswith(
        "need at least 13 rows before any test set; give more rows, or a shorter --window"
    )
    # what --window 1 would need (10) is not what --window 4 needs: the fewest rows for these settings
    assert short(5).endswith("need at least 13 rows before any test set; give at least 17 rows")


def test_the_rows_a_short_series_is_told_to_give_are_enough():
    # "need at least 14 rows ...; give at least 13 rows" (13 was what --window 1 needs, not --window 2)
    def rows(n: int) -> Series:
        return load_series(
            pd.DataFrame({"date": pd.date_range("2024-01-01", periods=n), "y": np.arange(n) + 1.0})
        )

    def message(n: int, window: int, horizon: int) -> str:
        with pytest.raises(RnnkitError) as info:
            prepare(rows(n), window, horizon, "returns")
        return str(info.value)

    said = message(10, 2, 3)
    assert "need at least 14 rows" in said and said.endswith("give at least 26 rows")
    prepare(rows(26), 2, 3, "returns")  # 26 are enough
    with pytest.raises(RnnkitError):
        prepare(rows(25), 2, 3, "returns")
    # a validation part shorter than the horizon: no window lengthens it, so none is suggested
    said = message(25, 2, 3)
    assert said.endswith(
        "its validation part, 2 rows, is shorter than --horizon 3: give at least 26 rows, or a larger --val"
    )
    assert "--window" not in said.split("; need")[1]


def test_a_series_too_short_with_val_0_is_not_asked_for_a_validation_window():
    # "leave 7 training, 0 validation and 3 test windows ...; need at least 8, 1 and 1" at --val 0
    series = load_series(
        pd.DataFrame({"date": pd.date_range("2024-01-01", periods=14), "y": np.arange(14.0) + 1})
    )
    with pytest.raises(RnnkitError) as info:
        prepare(series, 4, 1, "prices", val=0.0, test=0.2)
    assert (
        "which leave 7 training and 3 test windows for --window 4 --horizon 1; need at least 8 and 1;"
        in str(info.value)
    ), str(info.value)


def test_a_series_short_of_training_rows_under_a_large_val_and_test_is_told_how_many_rows():
    # --val 0.4 --test 0.5 leave a tenth of the rows to train on: 'give more rows' without a number,
    # since the search for the fewest rows stopped where the validation and test parts fit
    def rows(n: int) -> Series:
        return load_series(
            pd.DataFrame({"date": pd.date_range("2024-01-01", periods=n), "y": np.arange(n) + 1.0})
        )

    with pytest.raises(RnnkitError) as info:
        prepare(rows(30), 4, 1, "prices", val=0.4, test=0.5)
    assert str(info.value).endswith("need at least 8, 1 and 1; give at least 113 rows"), str(info.value)
    prepare(rows(113), 4, 1, "prices", val=0.4, test=0.5)  # 113 are enough
    with pytest.raises(RnnkitError):
        prepare(rows(112), 4, 1, "prices", val=0.4, test=0.5)


def test_an_exploded_log_return_is_inf_without_a_numpy_warning():
    # the linear AR's log-returns after a level jump printed "RuntimeWarning: overflow encountered in exp"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        prices = to_price(np.array([[1000.0], [0.1]]), np.array([100.0, 100.0]), "log-returns")
    assert np.isinf(prices[0, 0]) and prices[1, 0] == pytest.approx(100 * np.exp(0.1))


def test_a_constant_column_of_huge_values_scales_to_small_numbers():
    # the mean of 100 values of 5e303 is off by about 6e287; scaled by std 1 that overflowed float32
    s = Scaler.fit(np.full((100, 1), 5e303))
    scaled = s.transform(np.full((3, 1), 5e303))
    assert np.isfinite(scaled.astype(np.float32)).all() and np.abs(scaled).max() < 1.0
    assert Scaler.fit(np.full((5, 1), 100.0)).std[0] == 1.0  # ordinary constants: std 1, as before


def test_the_fewest_rows_are_found_at_once_where_a_tiny_val_asks_for_many(monkeypatch):
    # --horizon 300 --val 0.001: the search tried every row count from 313 up, each costing its rows
    # (about 300,000 counts: minutes); now it starts where every part can first fit, stops at 100,000
    from rnnkit.forecast import prepare as module

    fits, tried = module._fits, []

    def counted(n: int, *args) -> bool:
        tried.append(n)
        if len(tried) > 5_000:
            raise AssertionError(f"searched {len(tried)} row counts")
        return fits(n, *args)

    monkeypatch.setattr(module, "_fits", counted)
    # 1,490 rows hold the test part's 300, but from 500 rows the validation part is 1 row or more, and it
    # holds the horizon only from about 300,000 rows: beyond the search
    assert module._fewest_rows(4, 300, "prices", (0.001, 0.2), need_test=True) is None
    # below 500 rows the validation part rounds to none, which fits: 498 rows hold a test part of 100
    assert module._fewest_rows(4, 100, "prices", (0.001, 0.2), need_test=True) == 498
    for horizon, val in ((100, 0.001), (30, 0.05), (3, 0.1)):
        fewest = module._fewest_rows(4, horizon, "prices", (val, 0.2), need_test=True)
        assert fits(fewest, 4, horizon, "prices", Split.by_fraction(fewest, val, 0.2), True)
        assert not any(  # the fewest: no count below it fits
            fits(n, 4, horizon, "prices", Split.by_fraction(n, val, 0.2), True) for n in range(1, fewest)
        )


@pytest.mark.parametrize("size", [1e-15, 1e-297])
def test_a_series_of_tiny_values_keeps_its_own_spread(size):
    # an absolute floor of 1e-12 on the spread made a series of 1e-15 'constant': scaled by 1, every
    # value was about 0, and the model forecast about 1e-4 for it
    x = 100 + np.cumsum(np.random.default_rng(0).normal(size=(200, 2)), axis=0)
    assert_close(Scaler.fit(x * size).transform(x * size), Scaler.fit(x).transform(x), rtol=1e-9, atol=1e-9)
    assert Scaler.fit(np.full((5, 1), 3e-15)).std[0] == pytest.approx(3e-15)  # a tiny constant: its own size


def test_a_tiny_series_trains_and_forecasts_in_its_own_units(tmp_path):
    from rnnkit.forecast.api import Forecaster

    days = pd.date_range("2020-01-01", periods=80, freq="D")
    walk = 100 + np.cumsum(np.random.default_rng(1).normal(size=80))
    forecasts = {}
    for size in (1.0, 1e-15):
        path = tmp_path / f"s{size}.csv"
        pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), "x": [repr(float(v)) for v in walk * size]}).to_csv(
            path, index=False
        )
        model = Forecaster(epochs=1, hidden_size=4, device="cpu", predict="prices", seed=0).fit(str(path))
        forecasts[size] = model.predict(str(path))["forecast"].to_numpy(dtype=float)
    assert_close(forecasts[1e-15], forecasts[1.0] * 1e-15, rtol=1e-5, atol=0.0)
