"""A PackedSequence that torch's packing could not have made is refused with one ShapeError.

torch's ``pad_packed_sequence``, which the layers pad a packed input with for their checks, trusts
the batch sizes: sizes that go up again (``[2, 1, 2]``, built by hand) made it write past its buffer
and Python aborted (``free(): invalid next size``), where torch.nn's layers raise ``RuntimeError``.
Those cases run in a subprocess, so that an abort fails the test rather than killing pytest. A
PackedSequence of 1-D data (an ``(L, N)`` batch packed without its feature axis) was blamed on the
feature size or on lengths never passed; it now says what the data should be, as torch.nn's
``RuntimeError``. And a backend's ``forward_packed`` is never asked for gates, which it cannot return.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

import rnnkit
from rnnkit.nn import backends
from rnnkit.nn.backends import get_backend
from rnnkit.utils.errors import RnnkitError, ShapeError

LAYERS = {"rnn": (rnnkit.RNN, nn.RNN), "lstm": (rnnkit.LSTM, nn.LSTM), "gru": (rnnkit.GRU, nn.GRU)}

# (name, PackedSequence(...) arguments as Python source, words the message must contain)
MALFORMED = [
    (
        "sizes go up again",
        "torch.randn(5, 3), torch.tensor([2, 1, 2])",
        ("never to increase", "got 2 at step 2"),
    ),
    ("sizes go up", "torch.randn(3, 3), torch.tensor([1, 2])", ("never to increase", "got 2 at step 1")),
    ("a size of 0", "torch.randn(2, 3), torch.tensor([2, 0])", ("at least 1", "got 0 at step 1")),
    ("rows over the sum", "torch.randn(6, 3), torch.tensor([2, 2])", ("sum to (4)", "(6, 3)")),
    ("rows under the sum", "torch.randn(3, 3), torch.tensor([2, 2])", ("sum to (4)", "(3, 3)")),
    ("no steps", "torch.randn(0, 3), torch.tensor([], dtype=torch.int64)", ("at least one step",)),
    ("int32 sizes", "torch.randn(3, 3), torch.tensor([2, 1], dtype=torch.int32)", ("int64", "int32")),
    ("2-D sizes", "torch.randn(3, 3), torch.tensor([[2, 1]])", ("1-D int64", "(1, 2)")),
    (
        "repeated index",
        "torch.randn(3, 3), torch.tensor([2, 1]), torch.tensor([0, 0])",
        ("permutation", "[0, 0]"),
    ),
    (
        "index out of range",
        "torch.randn(3, 3), torch.tensor([2, 1]), torch.tensor([0, 5]), torch.tensor([0, 1])",
        ("permutation", "[0, 5]"),
    ),
    ("short indices", "torch.randn(3, 3), torch.tensor([2, 1]), torch.tensor([0])", ("2 values", "(1,)")),
    (
        "indices not inverse",
        "torch.randn(3, 3), torch.tensor([2, 1]), torch.tensor([1, 0]), torch.tensor([0, 1])",
        ("inverse of its sorted_indices",),
    ),
    (
        "unsorted alone",
        "torch.randn(3, 3), torch.tensor([2, 1]), None, torch.tensor([1, 0])",
        ("both or neither",),
    ),
]

# each case on each layer and backend in one child process: one import of torch, and an abort there
# (rc 134) fails the test with the lines printed before it instead of killing pytest
SCRIPT = """
import sys, torch, rnnkit
from torch.nn.utils.rnn import PackedSequence
from rnnkit.utils.errors import ShapeError
for args in sys.argv[1:]:
    for backend in ("native", "reference"):
        for kind in ("GRU", "LSTM", "RNN"):
            layer = getattr(rnnkit, kind)(3, 4, backend=backend)
            try:
                layer(PackedSequence(*eval(args)))
            except ShapeError as error:
                assert isinstance(error, RuntimeError)
                print(kind, backend, "ShapeError:", error, flush=True)
            else:
                print(kind, backend, "ran", flush=True)
"""


def test_a_malformed_packed_sequence_raises_and_python_lives() -> None:
    cases = [args for _, args, _ in MALFORMED]
    done = subprocess.run([sys.executable, "-c", SCRIPT, *cases], capture_output=True, text=True, timeout=300)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, (done.returncode, lines[-3:], done.stderr[-500:])
    assert len(lines) == 6 * len(MALFORMED)
    for at, (case, _, words) in enumerate(MALFORMED):
        for line in lines[6 * at : 6 * at + 6]:
            kind, backend, said = line.split(" ", 2)
            assert said.startswith(f"ShapeError: {kind} expects"), (case, line)
            for word in words:
                assert word in said, (case, line)


def test_a_packed_sequence_torch_makes_still_runs_as_torch_nn() -> None:
    torch.manual_seed(0)
    x, lengths = torch.randn(4, 3, 3), torch.tensor([2, 4, 1])
    packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
    for kind in LAYERS:
        ours_cls, theirs_cls = LAYERS[kind]
        theirs = theirs_cls(3, 4)
        ours = ours_cls(3, 4)
        ours.load_state_dict(theirs.state_dict())
        out, _ = ours(packed)
        want, _ = theirs(packed)
        torch.testing.assert_close(out.data, want.data)
        assert torch.equal(out.batch_sizes, want.batch_sizes)


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("input_size", [1, 3])
def test_packed_data_without_a_feature_axis_says_so(kind: str, input_size: int) -> None:
    """It said 'expects input feature size 1; got 3' (3, the batch) or 'lengths need a batched (rank 3)
    input; got rank 2' (no lengths were passed)."""
    packed = pack_padded_sequence(torch.randn(5, 3), torch.tensor([5, 4, 2]))  # data (11,)
    ours_cls, theirs_cls = LAYERS[kind]
    with pytest.raises(Exception) as theirs:
        theirs_cls(input_size, 4)(packed)
    with pytest.raises(ShapeError) as ours:
        ours_cls(input_size, 4)(packed)
    assert isinstance(ours.value, type(theirs.value)) and isinstance(ours.value, RuntimeError)
    message = str(ours.value)
    assert "\n" not in message
    assert f"data of shape (sum of lengths, {input_size}), 2-D; got a tensor of shape (11,)" in message
    assert "x.unsqueeze(-1)" in message
    assert "lengths" not in message.replace("sum of lengths", "")


def test_packed_data_of_rank_3_names_its_shape() -> None:
    packed = PackedSequence(torch.randn(5, 2, 3), torch.tensor([2, 2, 1]))
    with pytest.raises(ShapeError, match=r"2-D; got a tensor of shape \(5, 2, 3\)$"):
        rnnkit.GRU(3, 4)(packed)


class GatesAndPacked:
    """A backend that runs every call (gates included) through the reference, and has a
    ``forward_packed`` that returns no gates: the layers must not call it for return_gates."""

    name = "gates-and-packed"
    modes = frozenset(("rnn_tanh", "rnn_relu", "lstm", "gru"))

    def __init__(self) -> None:
        self.reference = get_backend("reference")
        self.packed_calls = 0

    def unsupported_reason(self, spec, x, lengths, return_gates):
        return None

    def forward(self, spec, x, hx, weights, lengths, return_gates):
        return self.reference.forward(spec, x, hx, weights, lengths, return_gates)

    def forward_packed(self, spec, packed, hx, weights):
        self.packed_calls += 1
        return get_backend("native").forward_packed(spec, packed, hx, weights)


def test_forward_packed_is_not_asked_for_gates(monkeypatch) -> None:
    """layers.py sent a packed input to any backend with forward_packed, return_gates or not: the
    gates came back None (safe only because native refuses gates, so auto never picked it)."""
    backend = GatesAndPacked()
    monkeypatch.setattr(backends, "get_backend", lambda name: backend)
    lstm = rnnkit.LSTM(3, 4, backend="native")
    packed = pack_padded_sequence(torch.randn(4, 2, 3), torch.tensor([4, 2]))
    out, _, gates = lstm(packed, return_gates=True)
    assert gates is not None and backend.packed_calls == 0
    assert tuple(gates.c.shape) == (1, 4, 2, 4)
    lstm(packed)  # without gates the packed data goes to forward_packed, as native's does
    assert backend.packed_calls == 1
    monkeypatch.undo()
    reference = rnnkit.LSTM(3, 4, backend="reference")
    reference.load_state_dict(lstm.state_dict())
    want, _, want_gates = reference(packed, return_gates=True)
    torch.testing.assert_close(out.data, want.data)
    torch.testing.assert_close(gates.c, want_gates.c)


def test_the_contract_names_forward_packed() -> None:
    from rnnkit.nn.backends import base

    assert "forward_packed(spec, packed, hx, weights) -> (packed_out, h_n, c_n)" in (base.__doc__ or "")
    assert "forward_packed" in (base.PackingBackend.__doc__ or "")
    assert "forward_packed" not in base.PackingBackend.__annotations__  # optional: no Protocol member
    assert issubclass(ShapeError, RnnkitError)
