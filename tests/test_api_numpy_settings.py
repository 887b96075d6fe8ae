"""Settings given as a notebook has them (QA, session 23): NumPy scalars and arrays, a pandas Index, a
tracker's name as a string. Each is kept as the plain Python value it stands for, so it reaches
config.json and the checkpoints as that number, never fails after training and is never refused."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from rnnkit.caption.pipeline import CaptionConfig
from rnnkit.forecast import Forecaster
from rnnkit.train.config import TrainConfig
from rnnkit.utils import strict_json


def frame(rows: int = 60) -> pd.DataFrame:
    values = 100 + np.cumsum(np.random.default_rng(0).normal(size=rows))
    return pd.DataFrame(
        {"date": pd.date_range("2020-01-01", periods=rows, freq="D"), "Close": values, "Volume": values * 2}
    )


def test_a_numpy_float_is_the_number_that_was_typed_and_json_takes_every_numpy_scalar():
    assert strict_json.plain(np.float32(0.01)) == 0.01  # not 0.009999999776482582
    assert type(strict_json.plain(np.float32(0.01))) is float and strict_json.plain(np.float16(0.1)) == 0.1
    assert strict_json.plain(np.bool_(True)) is True and type(strict_json.plain(np.int32(3))) is int
    # was: TypeError "Object of type float32 is not JSON serializable" (a checkpoint's state)
    text = strict_json.dumps({"factor": np.float32(0.5), "on": np.bool_(False), "inf": np.float32("inf")})
    assert strict_json.loads(text) == {"factor": 0.5, "on": False, "inf": float("inf")}


def test_train_config_keeps_plain_values_and_a_tracker_given_by_name():
    cfg = TrainConfig(lr=np.float32(0.01), epochs=np.int32(2), resume=np.bool_(False), log_with="csv")
    assert (cfg.lr, cfg.epochs, cfg.resume) == (0.01, 2, False)
    assert (type(cfg.lr), type(cfg.epochs), type(cfg.resume)) == (float, int, bool)
    assert cfg.log_with == ("csv",)  # was: "unknown tracker 'c'" (the string read letter by letter)
    cfg.validate()


def test_a_numpy_schedule_factor_reaches_the_checkpoint(tmp_path):
    # was: the first epoch trained, then its checkpoint failed: the plateau scheduler's state held
    # np.float32(0.5) ("Object of type float32 is not JSON serializable")
    from rnnkit.train.engine import Trainer

    torch.manual_seed(0)
    data = TensorDataset(torch.randn(16, 3), torch.randn(16, 1))
    cfg = TrainConfig(epochs=2, lr_schedule="plateau", lr_factor=np.float32(0.5), patience=None,
                      run_dir=tmp_path, device="cpu", show_progress=False)  # fmt: skip
    trainer = Trainer(nn.Linear(3, 1), cfg, lambda model, batch: F.mse_loss(model(batch[0]), batch[1]))
    assert trainer.fit(DataLoader(data, batch_size=8), DataLoader(data, batch_size=8)).epochs_run == 2
    state = json.loads(next(tmp_path.glob("checkpoints/*/trainer_state.json")).read_text())
    assert state["scheduler"]["factor"] == 0.5


def test_forecaster_takes_numpy_settings_and_an_index_of_features():
    fc = Forecaster(
        val=np.float32(0.2),
        dropout=np.float32(0.1),
        num_layers=2,
        quantiles=np.array([0.1, 0.9], dtype=np.float32),
        calibrate=np.bool_(False),
        dayfirst=np.False_,  # was: "dayfirst must be True, False or None (got np.False_)"
        features=pd.Index(["Volume"]),  # df.columns[2:]; was: "features must be column names"
        target="Close",
    )
    assert (fc.val, fc.hyper.dropout, fc.hyper.quantiles) == (0.2, 0.1, (0.1, 0.5, 0.9))
    assert (type(fc.val), type(fc.hyper.dropout), fc.hyper.calibrate) == (float, float, False)
    assert fc.dayfirst is False and fc.features == ("Volume",)
    fc.val = np.float64(0.25)  # set afterwards: kept plain too
    assert type(fc.val) is float


def test_forecaster_numpy_dropout_and_rate_train_and_are_saved_as_typed(tmp_path):
    # was: fit refused its own dropout ("LSTM dropout must be a number in [0, 1]; got np.float32(0.1)"),
    # and a np.float32 lr was saved as 0.009999999776482582
    fc = Forecaster(window=4, epochs=1, ensemble=1, threads=1, hidden_size=8, num_layers=2,
                    dropout=np.float32(0.1), lr=np.float32(0.01), target="Close")  # fmt: skip
    config = json.loads((fc.fit(frame()).save_pretrained(tmp_path / "m") / "config.json").read_text())
    assert config["dropout"] == 0.1 and config["info"]["api"]["lr"] == 0.01
    assert Forecaster.from_pretrained(tmp_path / "m").hyper.lr == 0.01


def test_caption_config_keeps_plain_values():
    cfg = CaptionConfig(dropout=np.float32(0.1), lr=np.float32(0.01), beam=np.int32(3), word_classes=np.True_)
    flat = cfg.to_dict()
    assert (flat["dropout"], flat["lr"], flat["beam"], flat["word_classes"]) == (0.1, 0.01, 3, True)
    assert [type(flat[k]) for k in ("dropout", "lr", "beam", "word_classes")] == [float, float, int, bool]
