"""The backend registry and contract: names, the auto policy, a backend slotting in without
touching the layers, property tests over shapes, and the docstring examples."""

from __future__ import annotations

import doctest

import pytest
import torch
from helpers_nn import MODES, make_pair
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import pack_padded_sequence

import rnnkit
import rnnkit.nn.cells
import rnnkit.nn.modules
from rnnkit.nn import backends
from rnnkit.nn.backends import LayerSpec, get_backend, run_stack, select_backend
from rnnkit.nn.backends.base import Backend
from rnnkit.nn.backends.reference import reference_direction
from rnnkit.utils.errors import RnnkitError


def test_registry_names_and_protocol() -> None:
    for name in ("reference", "native"):
        backend = get_backend(name)
        assert backend.name == name and isinstance(backend, Backend)
    with pytest.raises(RnnkitError, match="unknown backend 'fast'; known: reference, native, triton"):
        get_backend("fast")


def test_spec_counts() -> None:
    assert LayerSpec("lstm", 3, 4).gate_blocks == 4 and LayerSpec("lstm", 3, 4).gate_outputs == 5
    assert LayerSpec("gru", 3, 4, bidirectional=True).num_directions == 2
    assert LayerSpec("rnn_relu", 3, 4).gate_outputs == 0


class CountingBackend:
    """A new backend built only from the contract: the reference direction, counted."""

    name = "counting"
    modes = frozenset(("rnn_tanh", "rnn_relu", "lstm", "gru"))  # the contract: declare the modes

    def __init__(self) -> None:
        self.directions = 0

    def unsupported_reason(self, spec, x, lengths, return_gates):
        return None

    def forward(self, spec, x, hx, weights, lengths, return_gates):  # the contract: no order= (takes_order)
        def direction(*args):
            self.directions += 1
            return reference_direction(*args)

        return run_stack(spec, x, hx, weights, lengths, return_gates, direction)


def test_a_backend_slots_in_without_touching_the_layers(monkeypatch) -> None:
    counting = CountingBackend()
    monkeypatch.setattr(backends, "get_backend", lambda name: counting)
    lstm = rnnkit.LSTM(3, 4, num_layers=2, bidirectional=True, backend="native")
    ref = rnnkit.LSTM(3, 4, num_layers=2, bidirectional=True, backend="reference")
    ref.load_state_dict(lstm.state_dict())
    x = torch.randn(5, 2, 3)
    out, (h, c), gates = lstm(x, return_gates=True)
    assert counting.directions == 4  # 2 layers x 2 directions
    monkeypatch.undo()
    want, (wh, wc), wgates = ref(x, return_gates=True)
    torch.testing.assert_close(out, want)
    torch.testing.assert_close(gates.c, wgates.c)


def test_a_backend_without_order_runs_packed_inputs_too(monkeypatch) -> None:
    """ba2dc455 passed order= on every call: a backend written to docs/nn.md's contract failed with
    TypeError (unexpected keyword argument 'order'), on plain inputs as on packed ones."""
    counting = CountingBackend()
    monkeypatch.setattr(backends, "get_backend", lambda name: counting)
    gru = rnnkit.GRU(3, 4, backend="native")
    ref = rnnkit.GRU(3, 4, backend="reference")
    ref.load_state_dict(gru.state_dict())
    x = torch.randn(5, 3, 3)
    packed = pack_padded_sequence(x, torch.tensor([2, 5, 3]), enforce_sorted=False)
    for inputs in (packed, x):
        out, h = gru(inputs)
        assert counting.directions > 0
        counting.directions = 0
        want, wh = ref(inputs)
        torch.testing.assert_close(h, wh)


def test_the_contract_declares_order_only_for_a_backend_that_packs() -> None:
    """Since 08ed6422 order= goes only to a backend with takes_order True; the Protocol still required
    forward(..., return_gates, order=None) and declared no takes_order (base.py's docstring said the same)."""
    import inspect

    from rnnkit.nn.backends.base import PackingBackend

    contract = list(inspect.signature(Backend.forward).parameters)
    assert contract == list(inspect.signature(CountingBackend.forward).parameters)  # no order
    assert "order" in inspect.signature(PackingBackend.forward).parameters
    assert "takes_order" in PackingBackend.__annotations__
    native, reference = get_backend("native"), get_backend("reference")
    assert native.takes_order is True and not hasattr(reference, "takes_order")
    assert isinstance(reference, Backend)

    class SaysNo(CountingBackend):
        takes_order = False

    # runtime_checkable checks presence only, as PackingBackend's docstring says: the value decides
    assert isinstance(SaysNo(), PackingBackend) and "checks presence only" in (PackingBackend.__doc__ or "")
    assert isinstance(CountingBackend(), Backend)  # written to the contract, without takes_order
    assert "return_gates, order" not in (backends.base.__doc__ or "") + (rnnkit.nn.layers.__doc__ or "")


def test_auto_never_fails_where_reference_works() -> None:
    for mode in MODES:
        for gates in (False, True):
            spec, x = LayerSpec(mode, 3, 4), torch.randn(2, 1, 3)
            backend = select_backend("auto", spec, x, torch.tensor([2]), gates)
            assert backend.unsupported_reason(spec, x, torch.tensor([2]), gates) is None


@settings(max_examples=25, deadline=None)
@given(
    mode=st.sampled_from(MODES),
    L=st.integers(1, 4),
    N=st.integers(1, 3),
    H_in=st.integers(1, 3),
    H=st.integers(1, 3),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    use_lengths=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_reference_and_native_match_torch_nn_over_shapes(
    mode, L, N, H_in, H, layers, bidirectional, use_lengths, seed
) -> None:
    """Any shape, size 1 included: both backends agree with torch.nn on outputs and states."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(L, N, H_in, generator=gen, dtype=torch.float64)
    lengths = torch.randint(1, L + 1, (N,), generator=gen) if use_lengths else None
    for backend in ("reference", "native"):
        ours, theirs = make_pair(
            mode, H_in, H, backend=backend, num_layers=layers, bidirectional=bidirectional
        )
        ours, theirs = ours.double(), theirs.double()
        out, state = ours(x, lengths=lengths)
        if lengths is None:
            want, want_state = theirs(x)
        else:
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
            want, want_state = theirs(packed)
            want, _ = torch.nn.utils.rnn.pad_packed_sequence(want, total_length=L)
        torch.testing.assert_close(out, want, rtol=1e-7, atol=1e-9)
        for a, b in zip(
            state if isinstance(state, tuple) else (state,),
            want_state if isinstance(want_state, tuple) else (want_state,),
            strict=True,
        ):
            torch.testing.assert_close(a, b, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("module", [rnnkit, rnnkit.nn.cells, rnnkit.nn.modules])
def test_docstring_examples_run(module) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


def test_docstring_examples_run_in_a_fresh_interpreter() -> None:
    # doctest.testmod runs them where rnnkit.nn is already imported; a reader's `import rnnkit` alone
    # does not bind rnnkit.nn, so each example must import what it uses (its docstring is read with ast)
    import subprocess
    import sys

    script = """
import ast, doctest, sys
for path in sys.argv[1:]:
    for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node):
            for name in [m for m in sys.modules if m == "rnnkit" or m.startswith("rnnkit.")]:
                del sys.modules[name]  # each example starts from a fresh `import rnnkit`
            test = doctest.DocTestParser().get_doctest(ast.get_docstring(node), {}, node.name, path, 0)
            runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
            runner.run(test)
            assert runner.failures == 0, (path, node.name)
"""
    paths = [rnnkit.nn.cells.__file__, rnnkit.nn.modules.__file__]
    result = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
