"""The cells under torch's export tools and an LSTM's state habit, as the layers behave
(tests/nn/test_nn_tutorials.py): torch.jit.script refused in one line naming what works, jit.trace
without tracer warnings from rnnkit's own checks, and a pair of states given to a cell without a cell
state named as such."""

import warnings

import pytest
import torch

import rnnkit
import rnnkit.nn
from rnnkit.utils.errors import InputTypeError, RnnkitError

CELLS = {
    "RNNCell": lambda: rnnkit.RNNCell(4, 6),
    "LSTMCell": lambda: rnnkit.LSTMCell(4, 6),
    "GRUCell": lambda: rnnkit.GRUCell(4, 6),
    "MGUCell": lambda: rnnkit.nn.make_cell("mgu", 4, 6),
}


@pytest.mark.parametrize("kind", CELLS)
def test_jit_script_of_a_cell_says_why_in_one_line(kind):
    with pytest.raises(RnnkitError) as caught:
        torch.jit.script(CELLS[kind]())
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"torch.jit.script cannot compile rnnkit's {kind}:")
    assert "torch.jit.trace, torch.export or torch.compile" in message
    assert (f"torch.nn.{kind}" in message) == (kind != "MGUCell")  # torch.nn has no MGU to script


def _trace_warnings(module, inputs):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        traced = torch.jit.trace(module, inputs, check_trace=False)
    return traced, [w for w in seen if issubclass(w.category, torch.jit.TracerWarning)]


@pytest.mark.parametrize("kind", CELLS)
def test_jit_trace_of_a_cell_gives_no_tracer_warning_and_runs_another_batch(kind):
    cell = CELLS[kind]()
    state = torch.zeros(3, 6)
    two = kind == "LSTMCell"
    traced, tracer_warnings = _trace_warnings(cell, (torch.randn(3, 4), (state, state) if two else state))
    assert tracer_warnings == []
    x, h = torch.randn(5, 4), torch.zeros(5, 6)
    got = traced(x, (h, h) if two else h)
    want = cell(x, (h, h) if two else h)
    torch.testing.assert_close(got, want)


def test_jit_trace_of_a_layer_with_lengths_gives_no_tracer_warning():
    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = rnnkit.LSTM(4, 6, batch_first=True)

        def forward(self, x, lengths):
            return self.lstm(x, lengths=lengths)[0]

    _, tracer_warnings = _trace_warnings(Model(), (torch.randn(3, 5, 4), torch.tensor([5, 3, 2])))
    assert tracer_warnings == []


@pytest.mark.parametrize("kind", ["RNNCell", "GRUCell", "MGUCell"])
@pytest.mark.parametrize("pair", [tuple, list])
def test_a_pair_of_states_to_a_cell_without_a_cell_state_says_it_takes_one_tensor(kind, pair):
    cell = CELLS[kind]()
    with pytest.raises(
        InputTypeError, match=rf"must be one tensor \(the {kind} has no cell state c\); got a"
    ):
        cell(torch.randn(3, 4), pair([torch.zeros(3, 6), torch.zeros(3, 6)]))
