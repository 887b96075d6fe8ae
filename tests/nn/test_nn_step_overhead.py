"""A layer stepped one time step per call (the torch tutorials' char-RNN loop, ``out, h = rnn(x_t, h)``):
what it builds once and keeps between calls must follow every change a torch user makes between two
calls (``.data`` swaps, a new Parameter, ``.double()``, ``.train()``/``.eval()``, ``dropout``, the
backend), every check must still name its error, and every number must be torch.nn's."""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

import rnnkit
from rnnkit.nn import validate
from rnnkit.nn.backends import reference

KINDS = ("RNN", "GRU", "LSTM")
ROOT = Path(__file__).resolve().parents[2]


def _pair(kind: str, **kw) -> tuple[nn.Module, nn.Module]:
    torch.manual_seed(0)
    theirs = getattr(nn, kind)(5, 7, **kw)
    mine = getattr(rnnkit, kind)(5, 7, **kw)
    mine.load_state_dict(theirs.state_dict())
    return theirs, mine


def _state(kind: str, *leading: int, dtype=torch.float32):
    h = torch.zeros(*leading, 7, dtype=dtype)
    return (h, h.clone()) if kind == "LSTM" else h


def _steps(module: nn.Module, xs: torch.Tensor, state) -> tuple[list[torch.Tensor], object]:
    outs = []
    for x in xs:
        out, state = module(x.unsqueeze(0), state)
        outs.append(out)
    return outs, state


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape", [(1, 3, 5), (1, 5)])  # batched and unbatched steps
def test_a_step_loop_gives_torch_nns_numbers_bit_for_bit(kind: str, shape) -> None:
    theirs, mine = _pair(kind)
    xs = torch.randn(6, *shape[1:])
    leading = (1,) if len(shape) == 2 else (1, shape[1])
    with torch.no_grad():
        want, want_state = _steps(theirs, xs, _state(kind, *leading))
        got, got_state = _steps(mine, xs, _state(kind, *leading))
    as_tuple = lambda state: state if isinstance(state, tuple) else (state,)  # noqa: E731
    for a, b in zip([*got, *as_tuple(got_state)], [*want, *as_tuple(want_state)], strict=True):
        assert torch.equal(a, b)


@pytest.mark.parametrize("kind", KINDS)
def test_a_weight_swapped_through_data_between_steps_is_still_named(kind: str) -> None:
    _, layer = _pair(kind)
    x, h = torch.randn(1, 1, 5), _state(kind, 1, 1)
    for _ in range(3):
        _, h = layer(x, h)
    layer.bias_hh_l0.data = torch.zeros(1)  # would broadcast silently
    with pytest.raises(RuntimeError, match=r"parameter bias_hh_l0 has shape \(1,\); expected \(\d+,\)"):
        layer(x, h)
    layer.bias_hh_l0.data = torch.zeros(layer.weight_hh_l0.shape[0])
    layer.weight_ih_l0.data = torch.zeros(layer.weight_ih_l0.shape[0], 6)
    with pytest.raises(
        RuntimeError, match=r"parameter weight_ih_l0 has shape \(\d+, 6\); expected \(\d+, 5\)"
    ):
        layer(x, h)


def test_a_parameter_assigned_between_steps_is_the_one_used() -> None:
    theirs, mine = _pair("GRU")
    x, h = torch.randn(1, 2, 5), torch.zeros(1, 2, 7)
    with torch.no_grad():
        mine(x, h)
        new = nn.Parameter(torch.randn_like(mine.weight_hh_l0))
        mine.weight_hh_l0 = new
        theirs.weight_hh_l0 = nn.Parameter(new.detach().clone())
        assert torch.equal(mine(x, h)[0], theirs(x, h)[0])


def test_a_parametrized_weight_is_read_at_every_step() -> None:
    from torch.nn.utils import parametrize

    class Scale(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.factor = 1.0

        def forward(self, w):
            return w * self.factor

    _, layer = _pair("RNN")
    x = torch.randn(1, 1, 5)
    with torch.no_grad():
        before = layer(x)[0]
        parametrize.register_parametrization(layer, "weight_ih_l0", Scale())
        assert torch.equal(layer(x)[0], before)
        layer.parametrizations.weight_ih_l0[0].factor = 0.0  # the input no longer counts
        assert torch.equal(layer(x)[0], layer(torch.zeros_like(x))[0])


@pytest.mark.parametrize("kind", KINDS)
def test_double_after_steps_runs_in_float64(kind: str) -> None:
    theirs, mine = _pair(kind)
    x = torch.randn(1, 1, 5)
    mine(x.float(), _state(kind, 1, 1))
    theirs.double(), mine.double()
    h = _state(kind, 1, 1, dtype=torch.float64)
    with torch.no_grad():
        out, _ = mine(x.double(), h)
        assert out.dtype == torch.float64
        assert torch.equal(out, theirs(x.double(), h)[0])
    with pytest.raises(ValueError, match="input is torch.float32 on cpu, but its weights are torch.float64"):
        mine(x.float(), h)


def test_train_and_eval_between_steps_switch_dropout() -> None:
    theirs, mine = _pair("LSTM", num_layers=2, dropout=0.5)
    x = torch.randn(1, 4, 5)
    with torch.no_grad():
        mine.eval(), mine(x)  # the settings of eval mode seen first
        mine.train()
        assert not torch.equal(mine(x)[0], mine(x)[0])  # dropout draws afresh
        torch.manual_seed(1)
        got = mine(x)[0]
        torch.manual_seed(1)
        assert torch.equal(got, theirs.train()(x)[0])
        mine.eval(), theirs.eval()
        assert torch.equal(mine(x)[0], mine(x)[0])
        assert torch.equal(mine(x)[0], theirs(x)[0])
        mine.dropout = 0.0  # set on the layer between calls, as torch.nn allows
        mine.train()
        assert torch.equal(mine(x)[0], theirs(x)[0])


def test_a_backend_set_between_steps_is_the_one_that_runs(monkeypatch) -> None:
    _, layer = _pair("GRU")
    x, h = torch.randn(1, 1, 5), torch.zeros(1, 1, 7)
    ran = []
    real = type(reference.BACKEND).forward
    monkeypatch.setattr(type(reference.BACKEND), "forward", lambda self, *a: ran.append(1) or real(self, *a))
    layer(x, h)
    assert ran == []  # auto on the CPU: the native kernel
    layer.backend = "reference"
    layer(x, h)
    assert ran == [1]
    layer.backend = "native"
    with pytest.raises(ValueError, match="backend 'native' cannot run this call"):
        layer(x, h, return_gates=True)


@pytest.mark.parametrize(
    ("kind", "state", "error", "message"),
    [
        (
            "RNN",
            lambda: torch.zeros(1, 2, 6),
            RuntimeError,
            r"h_0 has shape \(1, 2, 6\); expected \(1, 2, 7\)",
        ),
        ("RNN", lambda: torch.zeros(1, 2, 7, dtype=torch.float64), RuntimeError, "h_0 is torch.float64"),
        ("RNN", lambda: torch.zeros(1, 2, 7, device="meta"), RuntimeError, "h_0 is torch.float32 on meta"),
        ("RNN", lambda: (torch.zeros(1, 2, 7),), TypeError, "no cell state c_0"),
        ("GRU", lambda: torch.zeros(2, 1, 7), RuntimeError, r"expected \(1, 2, 7\)"),
        ("LSTM", lambda: torch.zeros(1, 2, 7), TypeError, "must be a pair"),
        ("LSTM", lambda: (torch.zeros(1, 2, 7), None), TypeError, "c_0 must be a tensor; got NoneType"),
        ("LSTM", lambda: (torch.zeros(1, 2, 7), torch.zeros(1, 2, 6)), RuntimeError, "c_0 has shape"),
        ("LSTM", lambda: [torch.zeros(1, 2, 7)] * 3, TypeError, "a list of 3"),
    ],
)
def test_a_bad_state_after_good_steps_gets_its_own_error(kind, state, error, message) -> None:
    _, layer = _pair(kind)
    x = torch.randn(1, 2, 5)
    good = _state(kind, 1, 2)
    for _ in range(2):
        _, good = layer(x, good)
    with pytest.raises(error, match=message):
        layer(x, state())


def test_a_state_autocast_returned_goes_back_in_and_one_on_another_dtype_is_named() -> None:
    _, layer = _pair("LSTM")
    x, h = torch.randn(1, 2, 5), _state("LSTM", 1, 2)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        for _ in range(3):
            out, h = layer(x, h)
    assert out.dtype == h[0].dtype == torch.bfloat16
    with pytest.raises(
        RuntimeError, match="initial state h_0 is torch.bfloat16 on cpu; expected torch.float32"
    ):
        layer(x, h)  # autocast is off again


def test_a_step_asks_autocast_once_and_builds_no_spec(monkeypatch) -> None:
    # the char-RNN loop calls the layer per character: 3 autocast queries (a getattr on torch.amp each),
    # a LayerSpec dataclass and 4 weight reads through nn.Module.__getattr__ were most of rnnkit's overhead
    from rnnkit.nn.backends import base

    _, layer = _pair("LSTM")
    x, h = torch.randn(1, 1, 5), _state("LSTM", 1, 1)
    layer(x, h)
    asked, specs, reads = [], [], []
    query, spec, getattr_ = validate.autocast_on, base.LayerSpec.__init__, nn.Module.__getattr__
    monkeypatch.setattr(validate, "autocast_on", lambda *a: asked.append(1) or query(*a))
    monkeypatch.setattr(base.LayerSpec, "__init__", lambda self, *a: specs.append(1) or spec(self, *a))
    monkeypatch.setattr(nn.Module, "__getattr__", lambda self, n: reads.append(n) or getattr_(self, n))
    with torch.no_grad():
        for _ in range(3):
            _, h = layer(x, h)
    assert (len(asked), specs, reads) == (3, [], [])


def test_a_pickled_or_copied_layer_carries_no_call_cache() -> None:
    _, layer = _pair("GRU")
    x = torch.randn(1, 1, 5)
    want = layer(x)[0]
    for twin in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
        assert not {"_spec_cache", "_shape_table"} & set(twin.__dict__)
        assert torch.equal(twin(x)[0], want)
        twin.double()
        assert twin(x.double())[0].dtype == torch.float64


def test_the_step_benchmark_prints_its_table() -> None:
    script = ROOT / "benchmarks" / "bench_step_overhead.py"
    done = subprocess.run(
        [sys.executable, str(script), "--calls", "8", "--rounds", "1"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()[2:]]
    assert [row[0] for row in rows] == list(KINDS)
    assert all(float(row[3]) > 0 for row in rows)


@pytest.mark.parametrize("kind", ["RNNCell", "GRUCell", "LSTMCell"])
def test_a_cell_step_asks_autocast_once_and_reads_no_weight_through_module_getattr(kind, monkeypatch) -> None:
    # a step read its weights nine times through nn.Module.__getattr__ and asked autocast 2-4 times
    cell = getattr(rnnkit, kind)(5, 7)
    x, h = torch.randn(2, 5), torch.zeros(2, 7)
    h = (h, h.clone()) if kind == "LSTMCell" else h
    asked, reads = [], []
    query, getattr_ = validate.autocast_on, nn.Module.__getattr__
    monkeypatch.setattr(validate, "autocast_on", lambda *a: asked.append(1) or query(*a))
    monkeypatch.setattr(nn.Module, "__getattr__", lambda self, n: reads.append(n) or getattr_(self, n))
    with torch.no_grad():
        for _ in range(3):
            h = cell(x, h)
    assert (len(asked), reads) == (3, [])


@pytest.mark.parametrize(
    ("state", "error", "message"),
    [
        (lambda: torch.zeros(2, 6), RuntimeError, r"state hx has shape \(2, 6\); expected \(2, 7\)"),
        (lambda: torch.zeros(2, 7, dtype=torch.float64), RuntimeError, "hx is torch.float64 on cpu"),
        (lambda: torch.zeros(2, 7, device="meta"), RuntimeError, "hx is torch.float32 on meta"),
        (lambda: torch.zeros(1, 2, 7), ValueError, "must be of rank 2"),
        (lambda: (torch.zeros(2, 7),), TypeError, "no cell state c"),
        (lambda: 0.0, TypeError, "hx must be a tensor; got float"),
    ],
)
def test_a_bad_cell_state_after_good_steps_gets_its_own_error(state, error, message) -> None:
    cell, x = rnnkit.GRUCell(5, 7), torch.randn(2, 5)
    h = torch.zeros(2, 7)
    for _ in range(2):
        h = cell(x, h)
    with pytest.raises(error, match=message):
        cell(x, state())


def test_a_cell_state_autocast_returned_goes_back_in_and_a_float32_one_is_cast() -> None:
    cell, x = rnnkit.LSTMCell(5, 7), torch.randn(2, 5)
    h = (torch.zeros(2, 7), torch.zeros(2, 7))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        for _ in range(3):
            h = cell(x, h)
        assert h[0].dtype == h[1].dtype == torch.bfloat16
        mixed = cell(x, (h[0].float(), h[1]))  # a float32 state is cast, as before the step's fast path
        assert torch.equal(mixed[0], cell(x, h)[0])
    with pytest.raises(RuntimeError, match="state h_0 is torch.bfloat16 on cpu; expected torch.float32"):
        cell(x, h)
