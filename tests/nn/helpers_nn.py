"""Shared helpers for the rnnkit.nn tests: twin modules, runs with gradients, backend skips."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnkit
from rnnkit.nn.backends import get_backend
from rnnkit.nn.backends.base import LayerSpec
from rnnkit.nn.layers import RecurrentBase
from rnnkit.utils.errors import RnnkitError

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
MODES = ("rnn_tanh", "rnn_relu", "lstm", "gru")

# dtype -> tolerances used for every parity comparison
TOLERANCES = {torch.float64: {"rtol": 1e-7, "atol": 1e-9}, torch.float32: {"rtol": 1e-4, "atol": 1e-5}}


def make_pair(mode: str, input_size: int, hidden_size: int, backend: str = "auto", **opts):
    """An rnnkit layer and a torch.nn layer of the same kind with the same weights."""
    if mode.startswith("rnn"):
        nonlinearity = mode.split("_")[1]
        ours = rnnkit.RNN(input_size, hidden_size, nonlinearity=nonlinearity, backend=backend, **opts)
        theirs = nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, **opts)
    else:
        ours = {"lstm": rnnkit.LSTM, "gru": rnnkit.GRU}[mode](
            input_size, hidden_size, backend=backend, **opts
        )
        theirs = {"lstm": nn.LSTM, "gru": nn.GRU}[mode](input_size, hidden_size, **opts)
    theirs.load_state_dict(ours.state_dict())
    return ours, theirs


def skip_unless_runnable(backend: str, mode: str, x: torch.Tensor, lengths, return_gates: bool, **spec_kw):
    """pytest.skip (with the reason) when ``backend`` is missing or cannot run this call.

    Triton on the CPU (its interpreter, with TRITON_INTERPRET=1) is skipped here: it takes minutes
    over this grid, and tests/nn/test_triton_*.py covers it on small cases.
    """
    if backend == "triton" and x.device.type == "cpu":
        pytest.skip("triton on the CPU runs in Triton's interpreter; covered by tests/nn/test_triton_*.py")
    try:
        impl = get_backend(backend)
    except RnnkitError as exc:
        pytest.skip(str(exc))
    spec = LayerSpec(mode, x.shape[-1], **spec_kw)
    reason = impl.unsupported_reason(spec, x, lengths, return_gates)
    if reason is not None:
        pytest.skip(f"{backend}: {reason}")


def run_with_grads(module: nn.Module, x: torch.Tensor, hx, lengths, batch_first: bool, seed: int = 1):
    """Forward and backward of a fixed random projection of every output.

    Returns a dict of named tensors: ``out``, ``h_n``, ``c_n`` (LSTM), and the gradients of ``x``, of
    every initial state and of every parameter. ``lengths`` with a torch.nn module goes through
    packing, as torch.nn requires.
    """
    x = x.detach().clone().requires_grad_(True)
    if hx is not None:
        hx = (
            tuple(h.detach().clone().requires_grad_(True) for h in hx)
            if isinstance(hx, tuple)
            else (hx.detach().clone().requires_grad_(True))
        )
    module.zero_grad(set_to_none=True)
    L = x.shape[1] if batch_first else x.shape[0]
    if isinstance(module, RecurrentBase):
        out, state = module(x, hx, lengths=lengths)
    elif lengths is not None:
        packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
        out, state = module(packed, hx)
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=L)
    else:
        out, state = module(x, hx)
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    gen = torch.Generator().manual_seed(seed)
    loss = (out * torch.randn(out.shape, generator=gen, dtype=out.dtype).to(out.device)).sum()
    loss = loss + (h_n * torch.randn(h_n.shape, generator=gen, dtype=out.dtype).to(out.device)).sum()
    if c_n is not None:
        loss = loss + (c_n * torch.randn(c_n.shape, generator=gen, dtype=out.dtype).to(out.device)).sum()
    loss.backward()
    result = {"out": out.detach(), "h_n": h_n.detach(), "grad_x": x.grad}
    if c_n is not None:
        result["c_n"] = c_n.detach()
    if hx is not None:
        states = hx if isinstance(hx, tuple) else (hx,)
        for k, h in enumerate(states):
            result[f"grad_hx{k}"] = h.grad
    for name, param in module.named_parameters():
        result[f"grad_{name}"] = param.grad
    return result


def assert_same(ours: dict, theirs: dict, dtype: torch.dtype) -> None:
    """Every named tensor agrees within the dtype's tolerances (and the names match)."""
    assert ours.keys() == theirs.keys()
    for name in ours:
        assert ours[name] is not None, name
        torch.testing.assert_close(
            ours[name], theirs[name], **TOLERANCES[dtype], msg=lambda m, n=name: f"{n}: {m}"
        )


def assert_same_gradients(got, want, leaves, ours: nn.Module, theirs: nn.Module, tolerance: dict) -> None:
    """Backpropagate the same random weights through rnnkit's outputs ``got`` and torch.nn's ``want``
    (lists of tensors), then compare the gradients of the inputs ``leaves`` (``[ours, theirs]``, each a
    list of leaf tensors) and of every parameter, named in a failure."""
    weights = [torch.randn_like(t) for t in want]
    torch.autograd.backward(list(got), weights)
    torch.autograd.backward(list(want), weights)
    for a, b in zip(*leaves, strict=True):
        torch.testing.assert_close(a.grad, b.grad, **tolerance)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, **tolerance, msg=lambda m, name=name: f"{name}: {m}")


class WithLengths(nn.Module):
    """The layer called with ``lengths`` as a graph input (export, ONNX and trace take tensors only)."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor, lengths: torch.Tensor):
        return self.layer(x, lengths=lengths)
