"""Property test: ``rnnkit.RNN/LSTM/GRU`` in place of torch.nn's, over every option at once.

One drawn case swaps a torch.nn layer for rnnkit's with the same weights and checks what a user of
torch.nn sees: outputs and states (values, shapes, dtypes), a PackedSequence out for one in (either
``enforce_sorted``), and the gradients of the input, the initial state and every parameter. Drawn:
sizes (1 included), layers, ``bias``, ``batch_first``, ``bidirectional``, ``proj_size`` (LSTM),
``dropout`` (eval mode), the backend, the dtype (float64, float32, and bfloat16/float16, which torch.nn
runs on the CPU), an unbatched input, an empty batch, ``h_0``/``c_0`` given or not. Where torch.nn
raises, rnnkit must raise too. The narrower grids (tests/nn/test_nn_parity.py, test_nn_backends.py)
keep to padded inputs in float32/float64 without states or projections.
"""

from __future__ import annotations

import torch
from helpers_nn import assert_same_gradients
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

import rnnkit

TOLERANCES = {
    torch.float64: {"rtol": 1e-7, "atol": 1e-9},
    torch.float32: {"rtol": 1e-4, "atol": 1e-5},
    torch.float16: {"rtol": 5e-3, "atol": 5e-3},  # the reference backend rounds each step's sums
    torch.bfloat16: {"rtol": 3e-2, "atol": 3e-2},
}
GRAD_DTYPES = (torch.float64, torch.float32)


def _twins(mode: str, input_size: int, hidden_size: int, backend: str, dtype: torch.dtype, **kw):
    if mode == "lstm":
        ours, theirs = (
            rnnkit.LSTM(input_size, hidden_size, backend=backend, **kw),
            nn.LSTM(input_size, hidden_size, **kw),
        )
    elif mode == "gru":
        ours, theirs = (
            rnnkit.GRU(input_size, hidden_size, backend=backend, **kw),
            nn.GRU(input_size, hidden_size, **kw),
        )
    else:
        nl = mode.removeprefix("rnn_")
        ours = rnnkit.RNN(input_size, hidden_size, nonlinearity=nl, backend=backend, **kw)
        theirs = nn.RNN(input_size, hidden_size, nonlinearity=nl, **kw)
    theirs.load_state_dict(ours.state_dict())
    return ours.to(dtype).eval(), theirs.to(dtype).eval()


def _tensors(result) -> list[torch.Tensor]:
    out, state = result
    out = out.data if isinstance(out, PackedSequence) else out
    return [out, *(state if isinstance(state, tuple) else (state,))]


def _leaf(t: torch.Tensor, grad: bool) -> torch.Tensor:
    return t.clone().requires_grad_(grad)


@settings(max_examples=60, deadline=None)
@given(
    mode=st.sampled_from(["rnn_tanh", "rnn_relu", "lstm", "gru"]),
    L=st.integers(1, 4),
    N=st.integers(0, 3),
    input_size=st.integers(1, 3),
    hidden_size=st.integers(1, 4),
    num_layers=st.integers(1, 2),
    bias=st.booleans(),
    batch_first=st.booleans(),
    bidirectional=st.booleans(),
    proj=st.integers(0, 3),
    backend=st.sampled_from(["auto", "reference", "native"]),
    dtype=st.sampled_from([torch.float64, torch.float32, torch.bfloat16, torch.float16]),
    layout=st.sampled_from(["padded", "unbatched", "packed-sorted", "packed-unsorted"]),
    give_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_a_torch_nn_layer_swapped_for_rnnkits_gives_the_same_results(
    mode, L, N, input_size, hidden_size, num_layers, bias, batch_first, bidirectional, proj, backend, dtype,
    layout, give_state, seed,
) -> None:  # fmt: skip
    proj_size = proj % hidden_size if mode == "lstm" else 0
    opts = {
        "num_layers": num_layers,
        "bias": bias,
        "batch_first": batch_first,
        "bidirectional": bidirectional,
    }
    opts.update(dropout=0.5 if num_layers > 1 else 0.0, **({"proj_size": proj_size} if proj_size else {}))
    torch.manual_seed(seed)
    ours, theirs = _twins(mode, input_size, hidden_size, backend, dtype, **opts)
    if layout.startswith("packed") and N == 0:
        layout = "padded"  # a PackedSequence cannot be empty
    grad = dtype in GRAD_DTYPES and N > 0
    shape = (
        (L, input_size)
        if layout == "unbatched"
        else (N, L, input_size)
        if batch_first
        else (L, N, input_size)
    )
    x = torch.randn(shape, dtype=torch.float64).to(dtype)
    lengths = torch.randint(1, L + 1, (N,)).sort(descending=True).values
    lengths = lengths[torch.randperm(N)] if layout == "packed-unsorted" else lengths
    D = 2 if bidirectional else 1
    lead = (num_layers * D,) + (() if layout == "unbatched" else (N,))
    states = [torch.randn(lead + (proj_size or hidden_size,), dtype=torch.float64).to(dtype)]
    if mode == "lstm":
        states.append(torch.randn(lead + (hidden_size,), dtype=torch.float64).to(dtype))

    leaves, results = [], []
    for module in (ours, theirs):
        xs, hs = _leaf(x, grad), [_leaf(s, grad) for s in states]
        inp = xs
        if layout.startswith("packed"):
            inp = pack_padded_sequence(
                xs, lengths, batch_first=batch_first, enforce_sorted=layout == "packed-sorted"
            )
        hx = None if not give_state else tuple(hs) if mode == "lstm" else hs[0]
        try:
            results.append(module(inp, hx))
        except Exception as exc:  # compared below: rnnkit must refuse what torch.nn refuses
            results.append(exc)
        leaves.append([xs, *hs] if give_state else [xs])
    got, want = results
    if isinstance(want, Exception):
        assert isinstance(got, Exception), f"torch.nn raised {want!r}; rnnkit returned"
        return
    assert not isinstance(got, Exception), f"rnnkit raised {got!r}; torch.nn returned"
    if layout.startswith("packed"):
        for a, b in zip(got[0][1:], want[0][1:], strict=True):  # batch_sizes, sorted/unsorted indices
            assert (a is None and b is None) or torch.equal(a, b)
        padded = [pad_packed_sequence(r[0], batch_first=batch_first) for r in (got, want)]
        torch.testing.assert_close(padded[0][0], padded[1][0], **TOLERANCES[dtype])
    ours_t, theirs_t = _tensors(got), _tensors(want)
    for a, b in zip(ours_t, theirs_t, strict=True):
        assert (a.shape, a.dtype) == (b.shape, b.dtype)
        torch.testing.assert_close(a, b, **TOLERANCES[dtype])
    if not grad:
        return
    assert_same_gradients(ours_t, theirs_t, leaves, ours, theirs, TOLERANCES[dtype])
