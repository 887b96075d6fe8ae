"""The one table of cell types: names in step, backends declare their modes, forget_bias, and the MGU."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnkit.nn import TABLE, make_cell, make_layer
from rnnkit.nn.backends import get_backend, select_backend
from rnnkit.nn.backends.base import LayerSpec
from rnnkit.nn.names import CELL_TYPES
from rnnkit.utils.errors import RnnkitError

SRC = Path(__file__).resolve().parents[2] / "src" / "rnnkit"
F64 = {"dtype": torch.float64}


def test_names_module_is_torch_free_and_matches_the_table() -> None:
    code = "import sys; import rnnkit.nn.names as n; print('torch' in sys.modules, ','.join(n.CELL_TYPES))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", ",".join(CELL_TYPES)]
    assert tuple(dict.fromkeys(r.cell for r in TABLE.values())) == CELL_TYPES


def test_application_cell_choices_derive_from_the_names_module() -> None:
    from rnnkit.caption.cli import CELLS as caption_cells
    from rnnkit.translate.options import CELLS as translate_cells

    assert caption_cells == translate_cells == CELL_TYPES
    # no application keeps a copy of the list as a literal
    literal = re.compile(r"CELLS\s*=\s*\(\s*\"rnn\"")
    copies = [p for p in SRC.rglob("*.py") if literal.search(p.read_text())]
    assert copies == []


def test_every_record_is_complete() -> None:
    for mode, record in TABLE.items():
        assert record.mode == mode
        assert record.gate_blocks >= 1
        assert record.state_parts in (("h",), ("h", "c"))
        assert record.gate_outputs == len(record.gate_names)
        assert record.cudnn is None or hasattr(torch._VF, record.cudnn.lower())
        if record.keep_gate is not None:
            assert 0 <= record.keep_gate[0] < record.gate_blocks


@pytest.mark.parametrize("mode", list(TABLE))
def test_backends_declare_their_modes_and_auto_never_fails_where_reference_works(mode: str) -> None:
    reference, native = get_backend("reference"), get_backend("native")
    assert reference.modes == frozenset(TABLE)
    assert native.modes == {m for m, r in TABLE.items() if r.cudnn}
    x = torch.randn(4, 2, 3)
    for gates in (False, True):
        spec = LayerSpec(mode, 3, 5)
        chosen = select_backend("auto", spec, x, None, gates)
        assert mode in chosen.modes
    if mode not in native.modes:
        with pytest.raises(RnnkitError, match=f"does not implement cell mode '{mode}'"):
            select_backend("native", LayerSpec(mode, 3, 5), x, None, False)


def test_mgu_golden_value_by_hand() -> None:
    # H = 1, H_in = 1; rows W_f | W_h~. By hand (math, not torch):
    # f  = sigmoid(0.5*1 + 0.1 + 2.0*0.5 - 0.3) = sigmoid(1.3)      = 0.7858349830425586
    # h~ = tanh(-1.0*1 + 0.2 + 1.0*(f*0.5) + 0.4) = tanh(-0.4 + 0.5f) = -0.0070823900570072575
    # h  = (1 - f)*0.5 + f*h~                                        = 0.10151691860837161
    cell = make_cell("mgu", 1, 1, **F64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor([[0.5], [-1.0]]))
        cell.weight_hh.copy_(torch.tensor([[2.0], [1.0]]))
        cell.bias_ih.copy_(torch.tensor([0.1, 0.2]))
        cell.bias_hh.copy_(torch.tensor([-0.3, 0.4]))
    h, gates = cell(torch.tensor([[1.0]], **F64), torch.tensor([[0.5]], **F64), return_gates=True)
    torch.testing.assert_close(gates.forget, torch.tensor([[0.7858349830425586]], **F64))
    torch.testing.assert_close(gates.new, torch.tensor([[-0.0070823900570072575]], **F64))
    torch.testing.assert_close(h, torch.tensor([[0.10151691860837161]], **F64))


def test_mgu_gradcheck_cell_and_layer() -> None:
    torch.manual_seed(0)
    cell = make_cell("mgu", 3, 4, **F64)
    x = torch.randn(2, 3, **F64, requires_grad=True)
    h = torch.randn(2, 4, **F64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, h: cell(x, h), (x, h))
    layer = make_layer("mgu", 3, 4, num_layers=2, bidirectional=True, backend="reference", **F64)
    xs = torch.randn(5, 2, 3, **F64, requires_grad=True)
    lengths = torch.tensor([5, 3])
    assert torch.autograd.gradcheck(lambda xs: layer(xs, lengths=lengths)[0], (xs,))
    assert torch.autograd.gradgradcheck(lambda x, h: cell(x, h), (x, h))


@pytest.mark.parametrize("build", [make_cell, make_layer])
@pytest.mark.parametrize("cell", ["lstm", "gru", "mgu"])
def test_forget_bias_must_be_finite_and_may_be_a_numpy_number(build, cell: str) -> None:
    """NaN or infinity was written into the keep gate's biases, and every output was NaN (or the
    state frozen) with no error; a NumPy float32 was refused as 'not a number' (dropout takes it)."""
    for bad in (float("nan"), float("inf"), -float("inf"), np.float32("nan")):
        with pytest.raises(RnnkitError, match=r"forget_bias must be a finite number; got (nan|inf|-inf)$"):
            build(cell, 3, 4, forget_bias=bad)
    torch.manual_seed(3)
    want = build(cell, 3, 4, forget_bias=1.0).state_dict()
    torch.manual_seed(3)
    got = build(cell, 3, 4, forget_bias=np.float32(1.0))
    assert type(got.forget_bias) is float
    for name, value in got.state_dict().items():
        torch.testing.assert_close(value, want[name], rtol=0, atol=0)


def test_mgu_layer_equals_its_cell_stepped_by_hand() -> None:
    torch.manual_seed(1)
    layer = make_layer("mgu", 3, 4, **F64)
    cell = make_cell("mgu", 3, 4, **F64)
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})  # weight_ih_l0 -> weight_ih
    x = torch.randn(6, 2, 3, **F64)
    out, h_n = layer(x)
    h = torch.zeros(2, 4, **F64)
    for t in range(6):
        h = cell(x[t], h)
        torch.testing.assert_close(out[t], h)
    torch.testing.assert_close(h_n[0], h)


@pytest.mark.parametrize(("cell", "sign", "block"), [("lstm", 1.0, 1), ("gru", 1.0, 1), ("mgu", -1.0, 0)])
def test_forget_bias_moves_the_keep_gate_only(cell: str, sign: float, block: int) -> None:
    for build in (make_cell, make_layer):
        torch.manual_seed(3)
        plain = build(cell, 3, 4)
        torch.manual_seed(3)
        biased = build(cell, 3, 4, forget_bias=1.0)
        for name, value in plain.state_dict().items():
            diff = biased.state_dict()[name] - value
            if "bias" in name:
                want = torch.zeros_like(value)
                want[block * 4 : (block + 1) * 4] = sign * 0.5  # half in b_ih, half in b_hh
                torch.testing.assert_close(diff, want)
            else:
                assert not diff.any()
    with pytest.raises(RnnkitError, match="forget_bias needs a gate that keeps the state"):
        make_layer("rnn", 3, 4, forget_bias=1.0) if False else make_cell(
            "mgu", 3, 4, bias=False, forget_bias=1.0
        )
