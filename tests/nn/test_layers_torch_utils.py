"""torch's utilities around a layer, against torch.nn on the same code: ``clip_grad_norm_``,
second-order gradients through ``torch.func.functional_call`` (MAML's inner step), a state dict
through ``torch.save``/``torch.load(weights_only=True)`` both ways, ``to(memory_format=...)``,
``share_memory()`` and ``nn.DataParallel`` on the CPU. (vmap over stacked weights, pruning and
whole-module copies: ``test_nn_dropin.py``.)"""

from __future__ import annotations

import io

import pytest
import torch
from helpers_nn import MODES, make_pair
from torch import nn
from torch.func import functional_call

# (mode, options): every torch.nn layer kind, the projected LSTM included
KINDS = [(mode, {}) for mode in MODES] + [("lstm", {"proj_size": 2})]
IDS = [*MODES, "lstm_proj"]


def _loss(layer: nn.Module, weights: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    out, state = functional_call(layer, weights, (x,))
    h = state[0] if isinstance(state, tuple) else state
    return out.pow(2).mean() + h.sum()


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
@pytest.mark.parametrize(("mode", "kw"), KINDS, ids=IDS)
def test_maml_second_order_gradient_through_functional_call_as_torch_nn(
    mode: str, kw: dict, backend: str
) -> None:
    """One inner step on weights computed from the parameters (create_graph), then the outer
    gradient through it: a gradient of a gradient, on every backend."""
    torch.manual_seed(0)
    ours, theirs = make_pair(mode, 3, 4, backend=backend, num_layers=2, **kw)
    x = torch.randn(5, 2, 3)
    outer = {}
    for name, layer in (("ours", ours), ("theirs", theirs)):
        params = dict(layer.named_parameters())
        inner = torch.autograd.grad(_loss(layer, params, x), list(params.values()), create_graph=True)
        fast = {n: w - 0.1 * g for (n, w), g in zip(params.items(), inner, strict=True)}
        outer[name] = torch.autograd.grad(_loss(layer, fast, x), list(params.values()))
    for a, b in zip(outer["ours"], outer["theirs"], strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("mode", "kw"), KINDS, ids=IDS)
def test_clip_grad_norm_sees_and_clips_the_same_gradients(mode: str, kw: dict) -> None:
    torch.manual_seed(1)
    ours, theirs = make_pair(mode, 3, 4, num_layers=2, bidirectional=True, **kw)
    x = torch.randn(5, 2, 3)
    totals = []
    for layer in (ours, theirs):
        layer(x)[0].pow(2).sum().backward()
        totals.append(nn.utils.clip_grad_norm_(layer.parameters(), max_norm=0.5))
    torch.testing.assert_close(totals[0], totals[1])
    assert totals[0] > 0.5  # so clipping did something
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad)


@pytest.mark.parametrize(("mode", "kw"), KINDS, ids=IDS)
def test_state_dict_through_a_weights_only_file_both_ways(mode: str, kw: dict) -> None:
    torch.manual_seed(2)
    ours, theirs = make_pair(mode, 3, 4, num_layers=2, bidirectional=True, **kw)
    fresh_ours, fresh_theirs = make_pair(mode, 3, 4, num_layers=2, bidirectional=True, **kw)
    for source, target in ((ours, fresh_theirs), (theirs, fresh_ours)):
        buffer = io.BytesIO()
        torch.save(source.state_dict(), buffer)
        buffer.seek(0)
        target.load_state_dict(torch.load(buffer, weights_only=True))
    x = torch.randn(5, 2, 3)
    torch.testing.assert_close(fresh_theirs(x)[0], ours(x)[0])
    torch.testing.assert_close(fresh_ours(x)[0], ours(x)[0])


@pytest.mark.parametrize(("mode", "kw"), KINDS, ids=IDS)
def test_memory_format_share_memory_and_data_parallel_on_the_cpu(mode: str, kw: dict) -> None:
    torch.manual_seed(3)
    ours, theirs = make_pair(mode, 3, 4, num_layers=2, batch_first=True, **kw)
    x = torch.randn(2, 5, 3)
    want = theirs(x)[0]
    for memory_format in (torch.channels_last, torch.contiguous_format, torch.preserve_format):
        ours.to(memory_format=memory_format)  # 2-D weights: torch leaves them as they are
        theirs.to(memory_format=memory_format)
    ours.share_memory()
    assert all(p.is_shared() for p in ours.parameters())
    torch.testing.assert_close(ours(x)[0], want, rtol=0, atol=1e-6)
    parallel = nn.DataParallel(ours)  # no GPU: it calls the module
    torch.testing.assert_close(parallel(x)[0], want, rtol=0, atol=1e-6)
