"""Parametrized recurrent weights, against torch.nn on the same code: ``register_parametrization``
(orthogonal, a symmetric one of our own), saving and loading the parametrized state dict,
``remove_parametrizations``, and torch's old hooks ``torch.nn.utils.weight_norm``/``spectral_norm``.
(weight_norm, spectral_norm and pruning together, with hooks: ``test_nn_dropin.py``.)"""

from __future__ import annotations

import io
import warnings

import pytest
import torch
from helpers_nn import MODES, make_pair
from torch import nn
from torch.nn.utils import parametrizations, parametrize

import rnnkit


class Symmetric(nn.Module):
    """``W = triu(X) + triu(X, 1)^T``: the parametrization of torch's tutorial, for a square weight."""

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X.triu() + X.triu(1).transpose(-1, -2)


def _outputs(result) -> list[torch.Tensor]:
    out, state = result
    return [out, *(state if isinstance(state, tuple) else (state,))]


def _assert_same_run(ours: nn.Module, theirs: nn.Module, x: torch.Tensor) -> None:
    """Outputs, states and every parameter's gradient (the parametrizations' originals included)."""
    mine, want = ours(x), theirs(x)
    for a, b in zip(_outputs(mine), _outputs(want), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    sum(t.sum() for t in _outputs(mine)).backward()
    sum(t.sum() for t in _outputs(want)).backward()
    named = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(named)
    for name, weight in ours.named_parameters():
        torch.testing.assert_close(weight.grad, named[name].grad, rtol=0, atol=1e-5, msg=name)


def _through_file(state: dict) -> dict:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


@pytest.mark.parametrize("backend", ["reference", "native"])
@pytest.mark.parametrize("mode", MODES)
def test_orthogonal_recurrent_weight_runs_saves_and_removes_as_torch_nn(mode: str, backend: str) -> None:
    torch.manual_seed(0)
    ours, theirs = make_pair(mode, 3, 4, backend=backend, num_layers=2)
    for layer in (ours, theirs):
        parametrizations.orthogonal(layer, "weight_hh_l1")
    theirs.load_state_dict(_through_file(ours.state_dict()))  # the parametrized keys, both ways
    x = torch.randn(5, 2, 3)
    _assert_same_run(ours, theirs, x)
    weight = ours.weight_hh_l1  # (G*H, H): orthonormal columns, as asked
    torch.testing.assert_close(weight.T @ weight, torch.eye(4), rtol=0, atol=1e-5)

    reloaded, _ = make_pair(mode, 3, 4, backend=backend, num_layers=2)
    parametrizations.orthogonal(reloaded, "weight_hh_l1")
    reloaded.load_state_dict(_through_file(theirs.state_dict()))
    torch.testing.assert_close(reloaded(x)[0], theirs(x)[0], rtol=0, atol=1e-6)

    for layer in (ours, theirs):
        parametrize.remove_parametrizations(layer, "weight_hh_l1")
        layer.zero_grad()
    assert not parametrize.is_parametrized(ours) and isinstance(ours.weight_hh_l1, nn.Parameter)
    torch.testing.assert_close(ours.weight_hh_l1, weight.detach())
    _assert_same_run(ours, theirs, x)  # names in torch.nn's order again (the removed one last, as there)


@pytest.mark.parametrize("backend", ["reference", "native"])
def test_the_parametrized_weight_is_the_one_used_and_cached_as_torch_nn(backend: str) -> None:
    torch.manual_seed(1)
    ours, theirs = make_pair("rnn_tanh", 3, 4, backend=backend)
    for layer in (ours, theirs):
        parametrize.register_parametrization(layer, "weight_hh_l0", Symmetric())
    x = torch.randn(5, 2, 3)
    _assert_same_run(ours, theirs, x)
    before = ours(x)[0]
    with torch.no_grad():
        ours.parametrizations.weight_hh_l0.original.triu_(1)  # the diagonal goes: W changes
        theirs.parametrizations.weight_hh_l0.original.triu_(1)
    after = ours(x)[0]
    assert (after - before).abs().max() > 1e-3
    with parametrize.cached():
        torch.testing.assert_close(ours(x)[0], after, rtol=0, atol=0)
        torch.testing.assert_close(ours(x)[0], theirs(x)[0], rtol=0, atol=1e-6)


@pytest.mark.parametrize("backend", ["reference", "native"])
@pytest.mark.parametrize("mode", MODES)
def test_old_weight_norm_and_spectral_norm_hooks_run_warn_and_remove_as_torch_nn(
    mode: str, backend: str
) -> None:
    """torch.nn.utils.weight_norm/spectral_norm (before parametrizations): torch warns for the first
    that it is deprecated, for any module; rnnkit's layers get the same warning, and no other."""
    torch.manual_seed(2)
    ours, theirs = make_pair(mode, 3, 4, backend=backend, bidirectional=True)
    seen = {}
    for name, layer in (("ours", ours), ("theirs", theirs)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.nn.utils.weight_norm(layer, "weight_hh_l0_reverse")
            torch.nn.utils.spectral_norm(layer, "weight_ih_l0")
            layer(torch.randn(5, 2, 3))
        seen[name] = [(w.category, str(w.message)) for w in caught if "oneDNN" not in str(w.message)]
    assert seen["ours"] == seen["theirs"] and seen["ours"][0][0] is FutureWarning
    theirs.load_state_dict(ours.state_dict())  # the hooks' g, v, orig and u, v buffers
    x = torch.randn(5, 2, 3)
    _assert_same_run(ours, theirs, x)
    for layer in (ours, theirs):
        torch.nn.utils.remove_weight_norm(layer, "weight_hh_l0_reverse")
        torch.nn.utils.remove_spectral_norm(layer, "weight_ih_l0")
        layer.zero_grad()
    _assert_same_run(ours.eval(), theirs.eval(), x)


@pytest.mark.parametrize(
    ("ours_cls", "theirs_cls"),
    [(rnnkit.RNNCell, nn.RNNCell), (rnnkit.LSTMCell, nn.LSTMCell), (rnnkit.GRUCell, nn.GRUCell)],
)
def test_cells_take_parametrizations_and_old_hooks_as_torch_nn(ours_cls, theirs_cls) -> None:
    torch.manual_seed(3)
    ours, theirs = ours_cls(3, 4), theirs_cls(3, 4)
    theirs.load_state_dict(ours.state_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch's, checked above
        for cell in (ours, theirs):
            parametrizations.orthogonal(cell, "weight_hh")
            torch.nn.utils.weight_norm(cell, "weight_ih")
    theirs.load_state_dict(_through_file(ours.state_dict()))
    x = torch.randn(2, 3)
    mine, want = ours(x), theirs(x)
    mine, want = (mine, want) if isinstance(mine, tuple) else ((mine,), (want,))
    for a, b in zip(mine, want, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    sum(t.sum() for t in mine).backward()
    sum(t.sum() for t in want).backward()
    for (name, a), b in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, rtol=0, atol=1e-6, msg=name)


class Counted(nn.Module):
    """The identity, counting its evaluations."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return X


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
def test_a_parametrization_is_computed_once_per_call_where_torch_nn_computes_it_several_times(
    backend: str,
) -> None:
    """On purpose (docs/nn.md): torch.nn's refresh of its weight list reads each parametrized name
    several times per call; rnnkit reads it once, however many steps. A stateful parametrization
    (spectral_norm's power iteration in training mode) therefore steps once per call here; under
    ``parametrize.cached()`` torch.nn computes it once too, and the two agree exactly."""
    torch.manual_seed(4)
    ours, theirs = make_pair("gru", 3, 4, backend=backend, num_layers=2)
    counters = {"ours": Counted(), "theirs": Counted()}
    parametrize.register_parametrization(ours, "weight_hh_l0", counters["ours"])
    parametrize.register_parametrization(theirs, "weight_hh_l0", counters["theirs"])
    for counter in counters.values():
        counter.calls = 0  # registering computes it once, to check its shape
    x = torch.randn(5, 2, 3)
    for _ in range(3):
        ours(x), theirs(x)
    assert counters["ours"].calls == 3 and counters["theirs"].calls > 3

    ours, theirs = make_pair("gru", 3, 4, backend=backend, bidirectional=True)
    for layer in (ours, theirs):
        parametrizations.spectral_norm(layer, "weight_hh_l0_reverse")
    theirs.load_state_dict(ours.state_dict())  # the same power-iteration start
    for _ in range(3):
        with parametrize.cached():
            mine, want = ours(x), theirs(x)
        mine[0].sum().backward()
        want[0].sum().backward()
    torch.testing.assert_close(mine[0], want[0], rtol=0, atol=1e-6)
    u = [layer.parametrizations.weight_hh_l0_reverse[0]._u for layer in (ours, theirs)]
    torch.testing.assert_close(u[0], u[1], rtol=0, atol=1e-6)
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, rtol=0, atol=1e-5)
