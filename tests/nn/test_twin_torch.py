"""``rnnkit.nn.twin.torch_twin``: the torch.nn module computing what an rnnkit layer or cell computes,
for every class torch.nn has, with the weights the module runs on (parametrized, pruned)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils import parametrizations, prune

import rnnkit
import rnnkit.nn
from rnnkit.nn.twin import torch_twin
from rnnkit.utils.errors import RnnkitError

LAYERS = {
    "RNN relu": lambda: rnnkit.RNN(3, 4, 2, nonlinearity="relu", bidirectional=True),
    "LSTM proj": lambda: rnnkit.LSTM(3, 4, 2, batch_first=True, proj_size=2, dropout=0.5),
    "GRU no bias": lambda: rnnkit.GRU(3, 4, bias=False, bidirectional=True),
    "GRU by name": lambda: rnnkit.nn.RecurrentLayer("gru", 3, 4),
    "RNNCell relu": lambda: rnnkit.RNNCell(3, 4, nonlinearity="relu"),
    "LSTMCell": lambda: rnnkit.LSTMCell(3, 4),
    "GRUCell no bias": lambda: rnnkit.GRUCell(3, 4, bias=False),
}


def _tensors(result) -> list[torch.Tensor]:
    if not isinstance(result, tuple):
        return [result]
    flat = []
    for part in result:
        flat.extend(part if isinstance(part, tuple) else (part,))
    return flat


@pytest.mark.parametrize("name", list(LAYERS))
def test_the_twin_is_torch_nns_and_computes_the_same(name: str) -> None:
    torch.manual_seed(0)
    module = LAYERS[name]().eval()
    twin = torch_twin(module)
    assert type(twin) is getattr(nn, module.kind) and not twin.training
    x = torch.randn(5, 2, 3) if hasattr(module, "num_layers") else torch.randn(2, 3)
    for a, b in zip(_tensors(twin(x)), _tensors(module(x)), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    options = ("input_size", "hidden_size", "bias", "num_layers", "batch_first", "dropout", "bidirectional")
    for option in (*options, "proj_size", "nonlinearity"):
        if hasattr(twin, option) and hasattr(module, option):
            assert getattr(twin, option) == getattr(module, option), option


def test_the_twin_holds_the_weights_the_layer_runs_on() -> None:
    """A parametrized and a pruned weight as computed (``load_state_dict(module.state_dict())`` fails
    on the one and copies the other's unpruned original)."""
    torch.manual_seed(1)
    layer = rnnkit.LSTM(3, 4)
    parametrizations.weight_norm(layer, "weight_hh_l0")
    with torch.no_grad():
        layer.parametrizations.weight_hh_l0.original0.mul_(3)
    prune.l1_unstructured(layer, "weight_ih_l0", amount=0.5)
    twin = torch_twin(layer)
    x = torch.randn(5, 2, 3)
    torch.testing.assert_close(twin(x)[0], layer(x)[0], rtol=0, atol=1e-6)
    assert all(p.is_leaf and p.requires_grad for p in twin.parameters())  # plain trainable parameters


def test_the_mgu_has_no_twin_and_says_so() -> None:
    for module in (rnnkit.nn.make_layer("mgu", 3, 4), rnnkit.nn.make_cell("mgu", 3, 4)):
        with pytest.raises(
            RnnkitError, match=r"^torch.nn has no MGU(Cell)?: an rnnkit MGU(Cell)? has no torch.nn twin$"
        ):
            torch_twin(module)
