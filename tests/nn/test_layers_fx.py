"""torch.fx.symbolic_trace on a model holding rnnkit's layers or cells. torch.nn's are leaves of its
graph (torch.fx keeps every torch.nn module whole); rnnkit's are traced into, where their checks read
the input's shape, so they stop: with one message saying how to make them leaves, not "expects a
tensor input; got Proxy" for the tensor the user passed. As leaves, the graph runs as the model."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import rnnkit
import rnnkit.nn
from rnnkit.utils.errors import InputTypeError

MODULES = {
    "LSTM": (lambda: rnnkit.LSTM(3, 4, batch_first=True), lambda: nn.LSTM(3, 4, batch_first=True)),
    "GRUCell": (lambda: rnnkit.GRUCell(3, 4), lambda: nn.GRUCell(3, 4)),
    "MGU": (lambda: rnnkit.nn.make_layer("mgu", 3, 4, batch_first=True), None),
}


class Head(nn.Module):
    """A recurrent module then a linear read-out: the shape of most models."""

    def __init__(self, recurrent: nn.Module) -> None:
        super().__init__()
        self.recurrent, self.out = recurrent, nn.Linear(4, 2)
        self.layer = hasattr(recurrent, "num_layers")  # a layer returns (out, state); a GRU cell h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.recurrent(x)
        return self.out(h[0] if self.layer else h)


class KeepsRecurrentWhole(torch.fx.Tracer):
    """torch's rule (torch.nn's modules are leaves) extended to rnnkit's, as docs/nn.md says."""

    def is_leaf_module(self, m: nn.Module, qualified_name: str) -> bool:
        return m.__module__.startswith("rnnkit.nn") or super().is_leaf_module(m, qualified_name)


@pytest.mark.parametrize("name", list(MODULES))
def test_symbolic_trace_says_how_to_keep_rnnkits_module_whole_and_then_runs(name: str) -> None:
    ours, theirs = MODULES[name]
    torch.manual_seed(0)
    model = Head(ours())
    kind = model.recurrent.kind
    with pytest.raises(
        InputTypeError, match=rf"^torch.fx.symbolic_trace cannot trace into rnnkit's {kind} .*is_leaf_module"
    ):
        torch.fx.symbolic_trace(model)
    if theirs is not None:
        torch.fx.symbolic_trace(Head(theirs()))  # torch.nn's: a leaf, by default
    graph = torch.fx.GraphModule(model, KeepsRecurrentWhole().trace(model))
    x = torch.randn(2, 5, 3) if name != "GRUCell" else torch.randn(2, 3)
    torch.testing.assert_close(graph(x), model(x), rtol=0, atol=0)
    assert any(node.op == "call_module" and node.target == "recurrent" for node in graph.graph.nodes)


def test_a_non_tensor_input_is_still_named_as_before() -> None:
    with pytest.raises(InputTypeError, match=r"^LSTM expects a tensor or PackedSequence input; got list$"):
        rnnkit.LSTM(3, 4)([[1.0, 2.0, 3.0]])
    with pytest.raises(InputTypeError, match=r"^LSTMCell expects a tensor input; got list$"):
        rnnkit.LSTMCell(3, 4)([1.0, 2.0, 3.0])
