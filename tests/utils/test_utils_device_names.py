"""One device parser for every application (``rnnkit.utils.device.check_device_name``): ``rnnkit.load``
with a device that is none said it four ways (forecast had a parser of its own, "device must be one
of ..."), and ``"cpu:0"``, a device torch takes, was refused everywhere."""

from __future__ import annotations

import pytest
import torch

import rnnkit
from helpers_models import make_caption, make_explain, make_forecast, make_translate
from rnnkit.forecast import Forecaster
from rnnkit.utils.device import resolve_device
from rnnkit.utils.errors import RnnkitError

MAKERS = [make_forecast, make_translate, make_caption, make_explain]
SAID = "unknown device 'bogus'; choose one of: auto, cpu, cuda, or cuda:k (the GPU of index k)"


@pytest.mark.parametrize("make", MAKERS, ids=lambda m: m.__name__)
def test_rnnkit_load_says_a_bad_device_alike_for_every_application(tmp_path, make):
    with pytest.raises(RnnkitError) as info:
        rnnkit.load(make(tmp_path / "m"), device="bogus")
    assert str(info.value) == SAID


@pytest.mark.parametrize("make", MAKERS, ids=lambda m: m.__name__)
def test_cpu_with_an_index_loads_as_torch_takes_it(tmp_path, make):
    model = rnnkit.load(make(tmp_path / "m"), device="cpu:0")
    if isinstance(model, Forecaster):  # a Forecaster holds its TrainedModel, which holds the module
        module = model.model_.model
    else:
        module = model if isinstance(model, torch.nn.Module) else model.model
    assert next(module.parameters()).device == torch.device("cpu")


def test_a_forecaster_takes_cpu_0_and_refuses_what_torch_refuses():
    from rnnkit.utils.device import check_device_name

    assert Forecaster(device="cpu:0").device == "cpu:0"
    assert resolve_device("cpu:0") == torch.device("cpu")
    for bad in ("cpu:", "cpu:-1", "cpux", "cuda:k", "cuda:", "gpu"):
        with pytest.raises(RnnkitError, match=f"^unknown device {bad!r}; choose one of: "):
            check_device_name(bad)
        with pytest.raises(RnnkitError, match=f"^unknown device {bad!r}; choose one of: "):
            Forecaster(device=bad)
