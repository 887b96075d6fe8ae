"""A Forecaster takes the devices torch users pass (session 23): ``torch.device("cpu")`` and ``None`` were
refused, and ``from_pretrained(folder, device=torch.device("cpu"))`` blamed the folder ("config.json
holds a setting that is out of range"); ``"cuda:1"`` was refused where Translator takes it."""

from __future__ import annotations

import pytest
import torch
from helpers_forecast import price_frame

import rnnkit
from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError

TINY = {"window": 5, "epochs": 1, "hidden_size": 4, "threads": 1}


@pytest.mark.parametrize(
    ("device", "kept"),
    [
        (torch.device("cpu"), "cpu"),
        (None, "auto"),
        (torch.device("cuda", 1), "cuda:1"),
        (1, "cuda:1"),
        ("cuda:0", "cuda:0"),
        ("cpu:0", "cpu:0"),  # as torch takes it (the one CPU); refused before
    ],
)
def test_a_forecaster_keeps_a_device_as_its_name(device, kept):
    assert Forecaster(device=device, **TINY).device == kept
    fc = Forecaster(**TINY)
    fc.device = device  # set after construction: the same reading
    assert fc.device == kept


@pytest.mark.parametrize(
    ("device", "said"),
    [
        ("gpu", "^unknown device 'gpu'; choose one of: auto, cpu, cuda, or cuda:k \\(the GPU of index k\\)$"),
        (2.5, "not float"),
        # the message's placeholder is no device: it was taken, and failed only at fit
        ("cuda:k", "^unknown device 'cuda:k'; choose one of: "),
        ("cuda:", "^unknown device 'cuda:'; choose one of: "),
    ],
)
def test_a_device_that_is_none_of_those_is_one_line_naming_device(device, said):
    with pytest.raises(RnnkitError, match=said):
        Forecaster(device=device, **TINY)


def test_from_pretrained_takes_a_torch_device_and_blames_a_bad_one_on_the_caller(tmp_path):
    folder = Forecaster(device="cpu", **TINY).fit(price_frame(120)).save_pretrained(tmp_path / "m")
    assert Forecaster.from_pretrained(folder, device=torch.device("cpu")).device == "cpu"
    assert Forecaster.from_pretrained(folder, device=None).device == "auto"
    assert isinstance(rnnkit.load(folder, device=torch.device("cpu")), Forecaster)
    with pytest.raises(RnnkitError) as info:
        Forecaster.from_pretrained(folder, device="gpu")
    assert "config.json" not in str(info.value) and "unknown device 'gpu'" in str(info.value)


def test_numpy_integer_settings_are_kept_as_ints_and_the_model_saves(tmp_path):
    """Settings read from an array (np.int64) were kept as they were and save_pretrained failed in
    json: 'Object of type int64 is not JSON serializable', after the whole fit."""
    import json

    import numpy as np

    fc = Forecaster(window=np.int64(5), horizon=np.int64(1), epochs=np.int64(1), hidden_size=np.int64(4))
    fc.window = np.int32(5)  # set after construction: the same reading
    assert type(fc.window) is int and type(fc.hyper.hidden_size) is int and type(fc.hyper.epochs) is int
    folder = fc.fit(price_frame(120)).save_pretrained(tmp_path / "m")
    assert json.loads((folder / "config.json").read_text())["window"] == 5
