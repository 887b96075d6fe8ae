"""Reference cells: gradcheck, parity and state dicts both ways with torch.nn cells, golden values."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import rnnkit
from rnnkit.nn import GRUGates, LSTMGates, make_cell
from rnnkit.utils.errors import RnnkitError

CELLS = {
    "rnn_tanh": (lambda i, h, **kw: rnnkit.RNNCell(i, h, **kw), lambda i, h, **kw: nn.RNNCell(i, h, **kw)),
    "rnn_relu": (
        lambda i, h, **kw: rnnkit.RNNCell(i, h, nonlinearity="relu", **kw),
        lambda i, h, **kw: nn.RNNCell(i, h, nonlinearity="relu", **kw),
    ),
    "lstm": (rnnkit.LSTMCell, nn.LSTMCell),
    "gru": (rnnkit.GRUCell, nn.GRUCell),
}
F64 = {"rtol": 1e-7, "atol": 1e-9}


def _state(kind: str, N: int, H: int, dtype=torch.float64):
    if kind == "lstm":
        return (torch.randn(N, H, dtype=dtype), torch.randn(N, H, dtype=dtype))
    return torch.randn(N, H, dtype=dtype)


@pytest.mark.parametrize("kind", CELLS)
@pytest.mark.parametrize("bias", [True, False])
def test_gradcheck_float64(kind: str, bias: bool) -> None:
    """Analytic gradients of input, state and every parameter match finite differences."""
    torch.manual_seed(0)
    cell = CELLS[kind][0](3, 4, bias=bias).double()
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    if kind == "rnn_relu":
        x = (x + 0.5).detach().requires_grad_(True)  # keep pre-activations away from the ReLU kink
    state = _state(kind, 2, 4)
    states = state if isinstance(state, tuple) else (state,)
    states = tuple(s.requires_grad_(True) for s in states)
    params = tuple(cell.parameters())

    def step(x, *rest):
        hs, ps = rest[: len(states)], rest[len(states) :]
        named = dict(zip([n for n, _ in cell.named_parameters()], ps, strict=True))
        out = torch.func.functional_call(cell, named, (x, hs if kind == "lstm" else hs[0]))
        return out if isinstance(out, tuple) else (out,)

    assert torch.autograd.gradcheck(step, (x, *states, *params), eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("kind", CELLS)
@pytest.mark.parametrize("bias", [True, False])
def test_matches_torch_cell_and_state_dict_both_ways(kind: str, bias: bool) -> None:
    torch.manual_seed(1)
    ours_cls, theirs_cls = CELLS[kind]
    ours, theirs = ours_cls(5, 6, bias=bias).double(), theirs_cls(5, 6, bias=bias).double()
    assert ours.state_dict().keys() == theirs.state_dict().keys()
    for name, param in ours.state_dict().items():
        assert param.shape == theirs.state_dict()[name].shape, name
    ours.load_state_dict(theirs.state_dict())  # torch.nn -> rnnkit
    x, state = torch.randn(4, 5, dtype=torch.float64), _state(kind, 4, 6)
    got, want = ours(x, state), theirs(x, state)
    torch.testing.assert_close(got, want, **F64)
    theirs2 = theirs_cls(5, 6, bias=bias).double()
    theirs2.load_state_dict(ours.state_dict())  # rnnkit -> torch.nn
    torch.testing.assert_close(theirs2(x, state), want, **F64)
    # unbatched input, like torch.nn
    one = state[0][0] if isinstance(state, tuple) else state[0]
    one = (state[0][0], state[1][0]) if isinstance(state, tuple) else one
    torch.testing.assert_close(ours(x[0], one), theirs(x[0], one), **F64)


def _constant_cell(kind: str) -> nn.Module:
    """A cell with every weight 0.1 and every bias 0.05, input size 2, hidden size 2."""
    cell = make_cell(kind.split("_")[0], 2, 2, **({"nonlinearity": "relu"} if kind == "rnn_relu" else {}))
    cell = cell.double()  # fill in float64, so 0.1 is 0.1 to 16 digits
    with torch.no_grad():
        cell.weight_ih.fill_(0.1)
        cell.weight_hh.fill_(0.1)
        cell.bias_ih.fill_(0.05)
        cell.bias_hh.fill_(0.05)
    return cell


def test_golden_rnn() -> None:
    """x = (1, 2), h = (0.5, -0.5): pre = 0.1*3 + 0.1*0 + 0.1 = 0.4 -> h' = tanh(0.4) = 0.379949."""
    h = _constant_cell("rnn_tanh")(
        torch.tensor([[1.0, 2.0]], dtype=torch.float64), torch.tensor([[0.5, -0.5]], dtype=torch.float64)
    )
    torch.testing.assert_close(h, torch.full((1, 2), 0.37994896225522495, dtype=torch.float64), **F64)
    assert math.isclose(0.37994896225522495, math.tanh(0.4), rel_tol=1e-15)
    h = _constant_cell("rnn_relu")(torch.tensor([[1.0, 2.0]], dtype=torch.float64))
    torch.testing.assert_close(h, torch.full((1, 2), 0.4, dtype=torch.float64), **F64)


def test_golden_lstm() -> None:
    """x = (1, 2), h = 0, c = (1, -1): every pre-activation is 0.1*3 + 0.1 = 0.4.

    i = f = o = σ(0.4) = 0.598688, g = tanh(0.4) = 0.379949,
    c' = f*c + i*g = (0.826158, -0.371217), h' = o * tanh(c') = (0.406154, -0.212567).
    """
    cell = _constant_cell("lstm")
    x = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    c = torch.tensor([[1.0, -1.0]], dtype=torch.float64)
    (h1, c1), gates = cell(x, (torch.zeros(1, 2, dtype=torch.float64), c), return_gates=True)
    assert isinstance(gates, LSTMGates)
    torch.testing.assert_close(gates.input, torch.full((1, 2), 0.598687660112452, dtype=torch.float64), **F64)
    torch.testing.assert_close(
        gates.cell, torch.full((1, 2), 0.37994896225522495, dtype=torch.float64), **F64
    )
    torch.testing.assert_close(
        c1,
        torch.tensor([[0.8261584152871869, -0.3712169049377171]], dtype=torch.float64),
        rtol=1e-10,
        atol=1e-12,
    )
    torch.testing.assert_close(
        h1,
        torch.tensor([[0.40615441537483654, -0.21256744711206949]], dtype=torch.float64),
        rtol=1e-10,
        atol=1e-12,
    )


def test_golden_gru() -> None:
    """x = (1, 2), h = (1, 1): r = z = σ(0.3 + 0.05 + 0.2 + 0.05) = σ(0.6) = 0.645656,
    n = tanh(0.35 + r*0.25) = tanh(0.511414) = 0.471046, h' = (1-z)*n + z*1 = 0.812569."""
    cell = _constant_cell("gru")
    h1, gates = cell(
        torch.tensor([[1.0, 2.0]], dtype=torch.float64),
        torch.ones(1, 2, dtype=torch.float64),
        return_gates=True,
    )
    assert isinstance(gates, GRUGates)
    torch.testing.assert_close(
        gates.reset, torch.full((1, 2), 0.6456563062257954, dtype=torch.float64), **F64
    )
    torch.testing.assert_close(
        gates.new, torch.full((1, 2), 0.4710462463949444, dtype=torch.float64), rtol=1e-10, atol=1e-12
    )
    torch.testing.assert_close(
        h1, torch.full((1, 2), 0.8125685731118542, dtype=torch.float64), rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_bad_cell_input(kind: str) -> None:
    cell = make_cell(kind, 3, 4)
    with pytest.raises(RnnkitError, match="rank 2"):
        cell(torch.randn(2, 2, 3))
    with pytest.raises(RnnkitError, match="feature size 3"):
        cell(torch.randn(2, 5))
    bad_state = torch.zeros(3, 4)
    with pytest.raises(RnnkitError, match=r"shape \(3, 4\); expected \(2, 4\)"):
        cell(torch.randn(2, 3), (bad_state, bad_state) if kind == "lstm" else bad_state)
    with pytest.raises(RnnkitError, match="unknown cell 'lstmm'; known: rnn, lstm, gru"):
        make_cell("lstmm", 3, 4)
    with pytest.raises(RnnkitError, match="hidden_size must be a non-negative integer; got -1"):
        make_cell(kind, 3, -1)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((5, 7), {}),
        ((5, 7, True, "relu"), {}),  # the audit's case: nonlinearity=relu was dropped
        ((5, 7), {"nonlinearity": "relu", "bias": False}),
        ((5, 7, False), {}),
        ((5, 7, "relu"), {}),  # torch's own tests pass this: "relu" is the bias argument
        ((5, 7), {"nonlinearity": "tanh"}),
    ],
)
def test_rnncell_repr_matches_torch(args, kwargs) -> None:
    assert repr(rnnkit.RNNCell(*args, **kwargs)) == repr(nn.RNNCell(*args, **kwargs))


@pytest.mark.parametrize(("ours", "theirs"), [(rnnkit.LSTMCell, nn.LSTMCell), (rnnkit.GRUCell, nn.GRUCell)])
def test_gated_cell_repr_matches_torch(ours, theirs) -> None:
    for args in ((5, 7), (5, 7, False)):
        assert repr(ours(*args)) == repr(theirs(*args))


def test_made_relu_cell_shows_its_nonlinearity() -> None:
    assert repr(make_cell("rnn", 5, 7, nonlinearity="relu")) == "RNNCell(5, 7, nonlinearity=relu)"
    assert repr(make_cell("mgu", 5, 7)) == "RecurrentCell('mgu', 5, 7)"


@pytest.mark.parametrize("kind", [*CELLS, "mgu"])
def test_cells_step_after_step_under_autocast(kind: str) -> None:
    """A decoder loop under mixed precision feeds each step's state back in: every cell runs in the
    autocast dtype (as rnnkit's layers do), so the second step takes the first's bfloat16 state.
    Before, RNNCell/LSTMCell/GRUCell refused it (DtypeError) and GRUCell's first step failed inside
    ``torch.lerp`` (float32 zeros against bfloat16 gates). Values within bfloat16 of torch.nn's
    float32 cell (the MGU, which torch.nn lacks, against its own float32 run)."""
    torch.manual_seed(9)
    if kind == "mgu":
        ours, twin = make_cell("mgu", 3, 4), make_cell("mgu", 3, 4)
    else:
        ours, twin = CELLS[kind][0](3, 4), CELLS[kind][1](3, 4)
    twin.load_state_dict(ours.state_dict())
    xs = torch.randn(3, 2, 3, requires_grad=True)
    state = want = None
    for x in xs:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            state = ours(x, state)
        want = twin(x, want)
    parts, want_parts = (state, want) if kind == "lstm" else ((state,), (want,))
    for got, expected in zip(parts, want_parts, strict=True):
        assert got.dtype == torch.bfloat16
        torch.testing.assert_close(got.float(), expected, rtol=0, atol=3e-2)
    parts[0].float().sum().backward()
    assert xs.grad is not None and ours.weight_hh.grad.dtype == torch.float32
    with torch.autocast("cpu", dtype=torch.bfloat16):  # a float32 state goes in too
        assert ours(xs[0].detach(), want) is not None
