"""``--aux-steps K``: train on H+K steps ahead, keep the first H (rnnkit.forecast.auxsteps)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import torch
from torch.testing import assert_close

from rnnkit.forecast.auxsteps import extend, training_samples
from rnnkit.forecast.data import Series
from rnnkit.forecast.fit import train_forecaster
from rnnkit.forecast.forecaster import Hyper, TrainedModel
from rnnkit.forecast.model import ForecastNet
from rnnkit.forecast.prepare import prepare


def _series(n: int = 200) -> Series:
    rng = np.random.default_rng(2)
    t = np.arange(n)
    values = (20 + 3 * np.sin(t / 4.0) + 0.3 * rng.standard_normal(n))[:, None]
    return Series("wave", pd.date_range("2020-01-01", periods=n, freq="D"), values, ["y"])


def test_keep_steps_cuts_the_head_and_leaves_the_kept_forecasts_unchanged():
    torch.manual_seed(0)
    net = ForecastNet(1, 6, horizon=4, quantiles=(0.1, 0.5, 0.9)).eval()
    x = torch.randn(5, 7, 1)
    full = net(x)  # (5, 4, 3)
    net.keep_steps(2)
    assert net.horizon == 2 and net.head.out_features == 6
    assert_close(net(x), full[:, :2])


def test_extended_targets_keep_the_split_the_inputs_and_the_first_steps_scaling():
    prep = prepare(_series(), 6, 1, "prices")
    longer = extend(prep, 3)
    assert longer is not None and longer.horizon == 4 and longer.split == prep.split
    np.testing.assert_array_equal(longer.in_scaler.mean, prep.in_scaler.mean)
    np.testing.assert_array_equal(longer.out_scaler.mean[:1], prep.out_scaler.mean)
    np.testing.assert_array_equal(longer.out_scaler.std[:1], prep.out_scaler.std)
    # the same windows, and step 1 scaled as the forecaster scales it, on every common sample
    common = np.isin(prep.ends, longer.ends)
    at = np.searchsorted(longer.ends, prep.ends[common])
    np.testing.assert_array_equal(longer.x[at], prep.x[common])
    np.testing.assert_allclose(longer.z_scaled[at, 0], prep.z_scaled[common, 0], rtol=1e-6)
    # training targets stay inside the training rows: step H+K of the last training sample too
    assert longer.ends[longer.train].max() + 4 < prep.split.train_end + 1
    assert extend(prep, 0) is prep


def test_a_series_too_short_for_the_extra_steps_trains_without_them_and_says_so():
    prep = prepare(_series(40), 4, 1, "prices", val=0.1, test=0.2)
    fit_prep, note = training_samples(prep, [prep], 20)
    assert fit_prep is prep and "--aux-steps 20 not used" in note
    fc, _ = train_forecaster(
        prep, Hyper(epochs=2, hidden_size=4, aux_steps=20), device="cpu", show_progress=False
    )
    assert "not used" in fc.info["aux_steps"]


def test_training_with_aux_steps_gives_an_ordinary_h_step_model(tmp_path):
    prep = prepare(_series(), 6, 1, "prices")
    kw = dict(device="cpu", show_progress=False, seed=0)
    plain, _ = train_forecaster(prep, Hyper(epochs=3, hidden_size=4, aux_steps=0), **kw)
    aux, result = train_forecaster(prep, Hyper(epochs=3, hidden_size=4, aux_steps=2), **kw)
    x = prep.x[prep.test]
    assert aux.model.horizon == 1 and aux.predict_z(x).shape == (len(x), 1, 3)
    assert not np.allclose(aux.predict_z(x), plain.predict_z(x))  # the extra steps changed the training
    assert "val_point" in result.history[0]
    aux.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["horizon"] == 1 and len(config["target_scaler"]["mean"]) == 1
    np.testing.assert_array_equal(TrainedModel.load(tmp_path / "m").predict_z(x), aux.predict_z(x))


def test_a_global_model_extends_each_series_on_its_own_scaling():
    """Many series: each is extended on its own split and scalers, then the samples are pooled."""
    from rnnkit.forecast.prepare import pooled_prepared

    big = _series(180)
    small = Series("small", big.dates, big.values / 100.0, ["y"])
    preps = [prepare(s, 5, 1, "prices") for s in (big, small)]
    fit_prep, note = training_samples(pooled_prepared(preps), preps, 3)
    assert note is None and fit_prep.horizon == 4
    longer = [extend(p, 3) for p in preps]
    assert len(fit_prep.x) == sum(len(p.x) for p in longer)
    # the small series' step-1 targets are scaled by its own scaler: on the same scale as the big one's
    n_big = len(longer[0].x)
    np.testing.assert_allclose(fit_prep.z_scaled[n_big:, 0], longer[1].z_scaled[:, 0])
    np.testing.assert_allclose(longer[1].out_scaler.mean[:1], preps[1].out_scaler.mean)


def test_the_api_trains_a_global_ensemble_with_aux_steps_and_reloads_it(tmp_path):
    from helpers_forecast import price_frame

    from rnnkit.forecast import Forecaster

    a = price_frame(150, seed=1).assign(symbol="AAA")
    b = price_frame(150, seed=2).assign(symbol="BBB")
    b["Adj Close"] = b["Adj Close"] / 100.0
    frame = pd.concat([a, b])[["symbol", "Date", "Adj Close"]]
    kw = dict(id_column="symbol", window=4, epochs=2, hidden_size=4, device="cpu")
    fc = Forecaster(aux_steps=2, ensemble=2, **kw).fit(frame)
    out = fc.predict(frame)
    ratio = out.set_index("symbol")["forecast"] / frame.groupby("symbol")["Adj Close"].last()
    assert np.all(np.abs(ratio - 1) < 0.2)  # each series in its own units
    fc.save_pretrained(tmp_path / "m")
    pd.testing.assert_frame_equal(Forecaster.from_pretrained(tmp_path / "m").predict(frame), out)
