"""Training: the batch iterator, the unconditional start, training without a validation part."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch.testing import assert_close

from rnnkit.forecast.data import Series
from rnnkit.forecast.fit import ShuffledBatches, train_forecaster
from rnnkit.forecast.forecaster import Hyper
from rnnkit.forecast.model import ForecastNet
from rnnkit.forecast.prepare import prepare


def test_shuffled_batches_cover_every_sample_once_per_pass_and_repeat_by_seed():
    x = np.arange(10, dtype=np.float32).reshape(10, 1, 1)
    z = np.arange(10, dtype=np.float32).reshape(10, 1)
    batches = ShuffledBatches(x, z, batch_size=4, seed=3)
    assert len(batches) == 3
    first = torch.cat([xb[:, 0, 0] for xb, _ in batches])
    second = torch.cat([xb[:, 0, 0] for xb, _ in batches])
    assert sorted(first.tolist()) == list(range(10)) and sorted(second.tolist()) == list(range(10))
    assert not torch.equal(first, second)  # a new order every pass
    again = torch.cat([xb[:, 0, 0] for xb, _ in ShuffledBatches(x, z, batch_size=4, seed=3)])
    assert torch.equal(first, again)
    for xb, zb in ShuffledBatches(x, z, batch_size=4, seed=3):
        assert_close(xb[:, 0, 0], zb[:, 0], rtol=0, atol=0)  # inputs and targets stay paired


def test_start_from_gives_the_same_quantiles_for_every_window():
    torch.manual_seed(0)
    net = ForecastNet(2, 8, horizon=2, quantiles=(0.1, 0.5, 0.9)).eval()
    start = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.5, 2.0]])  # (H, Q)
    net.start_from(start)
    out = net(torch.randn(5, 4, 2))
    assert_close(out, start.expand(5, 2, 3), rtol=0, atol=0)


def test_training_without_a_validation_part_watches_the_training_loss():
    rng = np.random.default_rng(0)
    values = (50 + np.cumsum(rng.standard_normal(120)))[:, None]
    series = Series("s", pd.date_range("2020-01-01", periods=120, freq="D"), values, ["y"])
    prep = prepare(series, 4, 1, "returns", val=0.0, test=0.2)
    assert not prep.val.any()
    fc, result = train_forecaster(prep, Hyper(epochs=2, hidden_size=4), device="cpu", show_progress=False)
    assert result.epochs_run == 2 and "val_point" not in result.history[0]
    assert fc.predict_z(prep.x[prep.test]).shape == (int(prep.test.sum()), 1, 3)
