"""``_flat_weights`` assigned plain tensors, as code written for torch.nn does (LoRA, weight noise).

torch.nn's forward reads that list, so a plain tensor put there (``W + B @ A``, ``0.5 * W``) runs in
its parameter's place while the parameter stays registered and unchanged. rnnkit's layers used to pass
each tensor to ``setattr``, which ``nn.Module`` refuses for a registered parameter (``TypeError:
cannot assign 'torch.FloatTensor' as parameter``).
"""

from __future__ import annotations

import copy
import pickle

import pytest
import torch
from torch import nn

import rnnkit

TWINS = [
    (rnnkit.LSTM, nn.LSTM, {"num_layers": 2, "bidirectional": True}),
    (rnnkit.LSTM, nn.LSTM, {"proj_size": 2, "bias": False}),
    (rnnkit.GRU, nn.GRU, {"batch_first": True}),
    (rnnkit.RNN, nn.RNN, {"nonlinearity": "relu", "num_layers": 2}),
]
IDS = ["lstm-2-bidir", "lstm-proj-nobias", "gru-bf", "rnn-relu-2"]


def _twins(ours_cls, theirs_cls, kw: dict, backend: str = "auto"):
    torch.manual_seed(0)
    theirs = theirs_cls(3, 4, dtype=torch.float64, **kw)
    ours = ours_cls(3, 4, dtype=torch.float64, backend=backend, **kw)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def _state(module: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    out, state = module(x)
    return [out, *(state if isinstance(state, tuple) else (state,))]


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
@pytest.mark.parametrize(("ours_cls", "theirs_cls", "kw"), TWINS, ids=IDS)
def test_plain_tensors_in_flat_weights_run_in_the_parameters_place_as_in_torch_nn(
    ours_cls, theirs_cls, kw: dict, backend: str
) -> None:
    ours, theirs = _twins(ours_cls, theirs_cls, kw, backend)
    before = dict(ours.named_parameters())
    for module in (ours, theirs):
        module._flat_weights = [0.5 * w for w in module._flat_weights]  # weight noise, say
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    got, want = _state(ours, x), _state(theirs, x)
    for a, b in zip(got, want, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
    # the parameters stay registered, the same objects, with their values
    assert dict(ours.named_parameters()) == before
    torch.testing.assert_close(ours.state_dict(), theirs.state_dict())
    # the gradient reaches them through the stand-ins, as in torch.nn
    sum(t.sum() for t in got).backward()
    sum(t.sum() for t in want).backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-10, atol=1e-12, msg=name)


class LoRA(nn.Module):
    """A rank-1 adapter of every ``weight_hh`` that refreshes ``_flat_weights`` before each call."""

    def __init__(self, rnn: nn.Module) -> None:
        super().__init__()
        self.rnn = rnn
        self.a = nn.ParameterDict()
        self.b = nn.ParameterDict()
        torch.manual_seed(1)
        for name in rnn._flat_weights_names:
            if name.startswith("weight_hh"):
                rows, cols = getattr(rnn, name).shape
                self.a[name] = nn.Parameter(torch.randn(1, cols, dtype=torch.float64))
                self.b[name] = nn.Parameter(torch.randn(rows, 1, dtype=torch.float64) / 10)

    def forward(self, x: torch.Tensor):
        self.rnn._flat_weights = [
            getattr(self.rnn, n) + self.b[n] @ self.a[n] if n in self.a else getattr(self.rnn, n)
            for n in self.rnn._flat_weights_names
        ]
        return self.rnn(x)


@pytest.mark.parametrize(("ours_cls", "theirs_cls", "kw"), TWINS, ids=IDS)
def test_a_lora_adapter_that_refreshes_flat_weights_trains_as_with_torch_nn(ours_cls, theirs_cls, kw) -> None:
    ours, theirs = _twins(ours_cls, theirs_cls, kw)
    ours_lora, theirs_lora = LoRA(ours), LoRA(theirs)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    for _ in range(2):  # a second call refreshes the list again
        got, want = _state(ours_lora, x), _state(theirs_lora, x)
        for a, b in zip(got, want, strict=True):
            torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
    sum(t.sum() for t in got).backward()
    sum(t.sum() for t in want).backward()
    for (name, p), q in zip(ours_lora.named_parameters(), theirs_lora.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-10, atol=1e-12, msg=name)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda m: setattr(m, "bias_hh_l0", nn.Parameter(m.bias_hh_l0.detach() + 1)), id="set-by-name"
        ),
        pytest.param(lambda m: m.double(), id="converted"),
        pytest.param(
            lambda m: setattr(m, "_flat_weights", [getattr(m, n) for n in m._flat_weights_names]),
            id="reassigned",
        ),
    ],
)
def test_stand_ins_go_when_torch_nn_reads_its_list_afresh(change) -> None:
    ours, theirs = _twins(rnnkit.GRU, nn.GRU, {})
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    for module in (ours, theirs):
        module._flat_weights = [2 * w.detach() for w in module._flat_weights]
        change(module)
    for a, b in zip(_state(ours, x), _state(theirs, x), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
    assert all(a is b for a, b in zip(ours._flat_weights, ours.parameters(), strict=True))


@pytest.mark.parametrize(
    "copy_of", [copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))], ids=["deepcopy", "pickle"]
)
def test_a_copy_runs_on_the_parameters_as_torch_nns_copy_does(copy_of) -> None:
    ours, theirs = _twins(rnnkit.LSTM, nn.LSTM, {"proj_size": 2})
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    copies = []
    for module in (ours, theirs):
        module._flat_weights = [2 * w.detach() for w in module._flat_weights]
        copies.append(copy_of(module))
    for a, b in zip(_state(copies[0], x), _state(copies[1], x), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
    for a, b in zip(_state(ours, x), _state(theirs, x), strict=True):  # the originals keep theirs
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_a_stand_in_of_another_shape_is_refused_naming_the_parameter() -> None:
    ours = rnnkit.LSTM(3, 4)
    ours._flat_weights = [
        w[:1] if n == "weight_hh_l0" else w
        for n, w in zip(ours._flat_weights_names, ours._flat_weights, strict=True)
    ]
    with pytest.raises(RuntimeError, match=r"weight_hh_l0 has shape \(1, 4\); expected \(16, 4\)"):
        ours(torch.randn(2, 1, 3))
