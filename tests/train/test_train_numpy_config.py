"""A model folder's config may hold NumPy scalars (a setting read from an array: ``np.int64(16)``): it is
written as the plain numbers they hold. ``json`` refused them, so ``save_pretrained`` and
``save_captioner`` failed after the whole training ("Object of type int64 is not JSON serializable")."""

from __future__ import annotations

import json

import numpy as np
import torch

from rnnkit.train.modelfile import save_model
from rnnkit.utils.strict_json import nulls


def test_numpy_scalars_are_written_as_plain_numbers(tmp_path):
    config = {"application": "test", "hidden_size": np.int64(16), "lr": np.float32(0.5), "bias": np.bool_(True),
              "sizes": [np.int32(3), 4], "nested": {"nan": np.float64("nan")}}  # fmt: skip
    folder = save_model(tmp_path / "m", {"w": torch.zeros(2)}, config)
    saved = json.loads((folder / "config.json").read_text())
    assert (saved["hidden_size"], saved["lr"], saved["bias"], saved["sizes"]) == (16, 0.5, True, [3, 4])
    assert saved["nested"]["nan"] is None  # a NumPy NaN is null, as a Python one is
    assert type(nulls(np.int64(2))) is int and nulls(np.arange(3)) is not None  # an array is left alone


def test_option_bundles_keep_numpy_settings_as_python_values():
    """translate's TrainOptions(dropout=np.float32(0.1), num_layers=2) kept the NumPy float, and building
    the model, after the tokenizers were trained, refused it: 'GRU dropout must be a number in [0, 1]'."""
    from rnnkit.caption.pipeline import CaptionConfig
    from rnnkit.translate.training import TrainOptions

    options = TrainOptions(dropout=np.float32(0.1), num_layers=np.int64(2), lr=np.float32(0.01))
    assert (type(options.dropout), type(options.num_layers)) == (float, int)
    assert (options.dropout, options.lr) == (0.1, 0.01)  # the numbers typed, not float32's 0.10000000149...
    assert type(CaptionConfig(hidden_size=np.int32(16)).hidden_size) is int
