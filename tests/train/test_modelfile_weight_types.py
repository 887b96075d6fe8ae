"""A model folder whose ``model.safetensors`` holds an integer or bool tensor where the model has a floating
weight (its SHA-256 in ``config.json`` updated, as :func:`save_model` does) is refused in one line naming
the tensor: ``load_state_dict`` cast it into 0/1 or whole-number weights in silence."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from rnnkit.train.modelfile import load_model, load_weights, save_model
from rnnkit.utils.errors import RnnkitError


@pytest.mark.parametrize("dtype", [torch.int32, torch.bool, torch.int64])
@pytest.mark.parametrize("built", [True, False], ids=["builder", "module"])
def test_a_non_floating_tensor_for_a_floating_weight_is_named(tmp_path, dtype, built):
    state = nn.Linear(3, 2).state_dict()
    state["weight"] = torch.ones(2, 3).to(dtype)
    folder = save_model(tmp_path / "m", state, {"application": "test"})
    loaded = load_model(folder)  # the hash matches: the file is as saved
    model = (lambda: nn.Linear(3, 2)) if built else nn.Linear(3, 2)
    name = str(dtype).removeprefix("torch.")
    with pytest.raises(RnnkitError, match=rf"^{folder}: weight weight is of type {name}, not floating point"):
        load_weights(model, loaded.state_dict, folder)


def test_integer_buffers_of_the_model_and_half_weights_load(tmp_path):
    """BatchNorm's num_batches_tracked is an int64 buffer of the model itself; float16 weights are floating."""
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    state = {k: v.half() if v.is_floating_point() else v for k, v in net.state_dict().items()}
    folder = save_model(tmp_path / "m", state, {"application": "test"})
    loaded = load_model(folder)
    assert loaded.state_dict["1.num_batches_tracked"].dtype == torch.int64
    model = load_weights(lambda: nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)), loaded.state_dict, folder)
    assert torch.equal(model[0].weight, state["0.weight"].float())
