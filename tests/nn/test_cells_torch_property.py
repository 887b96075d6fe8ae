"""Property test: ``rnnkit.RNNCell/LSTMCell/GRUCell`` in place of torch.nn's, over every option at once.

Drawn: sizes (0 included, which torch.nn's cells accept), the batch (0 included, or an unbatched
1-D input), ``bias``, the nonlinearity, the dtype (float64, float32, and bfloat16/float16, which
torch.nn runs on the CPU), a state given or not. Checked: the returned state's values, shapes and
dtypes, and the gradients of the input, the state and every parameter. Where torch.nn raises, rnnkit
must raise too. tests/nn/test_nn_cells.py keeps to fixed float32/float64 batches.
"""

from __future__ import annotations

import torch
from helpers_nn import assert_same_gradients
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import rnnkit

TOLERANCES = {
    torch.float64: {"rtol": 1e-7, "atol": 1e-9},
    torch.float32: {"rtol": 1e-4, "atol": 1e-5},
    torch.float16: {"rtol": 5e-3, "atol": 5e-3},
    torch.bfloat16: {"rtol": 3e-2, "atol": 3e-2},
}


def _outcome(call):
    try:
        return call()
    except Exception as exc:  # compared below: rnnkit must refuse what torch.nn refuses
        return exc


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["RNNCell", "LSTMCell", "GRUCell"]),
    input_size=st.integers(0, 3),
    hidden_size=st.integers(0, 4),
    N=st.integers(0, 3),
    unbatched=st.booleans(),
    bias=st.booleans(),
    nonlinearity=st.sampled_from(["tanh", "relu"]),
    dtype=st.sampled_from([torch.float64, torch.float32, torch.bfloat16, torch.float16]),
    give_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_a_torch_nn_cell_swapped_for_rnnkits_gives_the_same_step(
    kind, input_size, hidden_size, N, unbatched, bias, nonlinearity, dtype, give_state, seed
) -> None:
    kw = {"bias": bias, **({"nonlinearity": nonlinearity} if kind == "RNNCell" else {})}
    torch.manual_seed(seed)
    ours = getattr(rnnkit, kind)(input_size, hidden_size, **kw)
    theirs = getattr(nn, kind)(input_size, hidden_size, **kw)
    theirs.load_state_dict(ours.state_dict())
    ours, theirs = ours.to(dtype), theirs.to(dtype)
    batch = () if unbatched else (N,)
    grad = dtype in (torch.float64, torch.float32) and (unbatched or N > 0)
    x = torch.randn(batch + (input_size,), dtype=torch.float64).to(dtype)
    states = [torch.randn(batch + (hidden_size,), dtype=torch.float64).to(dtype) for _ in range(2)]
    states = states if kind == "LSTMCell" else states[:1]

    leaves, results = [], []
    for module in (ours, theirs):
        xs, hs = x.clone().requires_grad_(grad), [s.clone().requires_grad_(grad) for s in states]
        hx = None if not give_state else tuple(hs) if kind == "LSTMCell" else hs[0]
        results.append(_outcome(lambda module=module, xs=xs, hx=hx: module(xs, hx)))
        leaves.append([xs, *hs] if give_state else [xs])
    got, want = results
    if isinstance(want, Exception):
        assert isinstance(got, Exception), f"torch.nn raised {want!r}; rnnkit returned"
        return
    assert not isinstance(got, Exception), f"rnnkit raised {got!r}; torch.nn returned"
    got, want = (got if isinstance(got, tuple) else (got,)), (want if isinstance(want, tuple) else (want,))
    for a, b in zip(got, want, strict=True):
        assert (a.shape, a.dtype) == (b.shape, b.dtype)
        torch.testing.assert_close(a, b, **TOLERANCES[dtype])
    if not grad:
        return
    assert_same_gradients(got, want, leaves, ours, theirs, TOLERANCES[dtype])
