"""torch's dynamic quantization on models holding rnnkit's modules (rnnkit.nn.quantization): never a
silent float model. torch's converters pick torch.nn's classes only, so a model ported from torch.nn
to rnnkit and quantized as before stayed in float without a word; now it warns, and rnnkit's mapping
quantizes the layers and cells into exactly what torch makes of their torch.nn twins."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn
from torch.ao.quantization import quantize_dynamic
from torch.nn.utils import parametrizations

import rnnkit
import rnnkit.nn
from rnnkit.nn.quantization import dynamic_quant_mapping
from rnnkit.utils.errors import RnnkitError

# (rnnkit's class, torch.nn's, constructor arguments, an input): every class torch quantizes dynamically
KINDS = [
    (rnnkit.LSTM, nn.LSTM, (3, 8, 2), {"bidirectional": True}, (5, 2, 3)),
    (rnnkit.GRU, nn.GRU, (3, 8, 2), {"batch_first": True}, (2, 5, 3)),
    (rnnkit.LSTMCell, nn.LSTMCell, (3, 8), {}, (2, 3)),
    (rnnkit.GRUCell, nn.GRUCell, (3, 8), {}, (2, 3)),
    (rnnkit.RNNCell, nn.RNNCell, (3, 8), {"nonlinearity": "relu"}, (2, 3)),
]
IDS = [kind[0].__name__ for kind in KINDS]


def _first(result) -> torch.Tensor:
    """The output of a layer (``(out, state)``) or the new state of a cell (``h`` or ``(h, c)``)."""
    return result[0] if isinstance(result, tuple) else result


def _rnnkit_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "rnnkit" in str(w.message)]


@pytest.mark.filterwarnings("ignore:.*quantiz:UserWarning:torch")  # torch's own pointers to torchao
@pytest.mark.parametrize(("ours", "theirs", "args", "kw", "shape"), KINDS, ids=IDS)
def test_torchs_usual_call_warns_that_it_left_the_module_in_float(ours, theirs, args, kw, shape) -> None:
    """The tutorial's call, torch.nn's classes named (or none: torch's default names them too)."""
    model = nn.Sequential(ours(*args, **kw), nn.Linear(8, 2))
    for spec in ({theirs, nn.Linear}, None):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            quantized = quantize_dynamic(model, spec, dtype=torch.qint8)
        assert type(quantized[0]) is ours  # still float, as before: now it says so, once
        assert type(quantized[1]) is not nn.Linear
        [message] = _rnnkit_warnings(caught)
        assert message.startswith(f"torch.ao.quantization left rnnkit's {ours.__name__} in float")
        assert f"name rnnkit.{ours.__name__} in qconfig_spec" in message
        assert not hasattr(quantized[0], "qconfig") and not hasattr(model[0], "qconfig")


@pytest.mark.filterwarnings("ignore:.*quantiz:UserWarning:torch")
@pytest.mark.parametrize(("ours", "theirs", "args", "kw", "shape"), KINDS, ids=IDS)
def test_the_mapping_quantizes_as_torch_quantizes_the_torch_nn_twin(ours, theirs, args, kw, shape) -> None:
    torch.manual_seed(0)
    layer = ours(*args, **kw)
    twin = theirs(*args, **kw)
    twin.load_state_dict(layer.state_dict())
    x = torch.randn(*shape)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quantized = quantize_dynamic(
            nn.Sequential(layer), {ours}, dtype=torch.qint8, mapping=dynamic_quant_mapping()
        )
    assert _rnnkit_warnings(caught) == []
    want = quantize_dynamic(nn.Sequential(twin), {theirs}, dtype=torch.qint8)[0]
    assert type(quantized[0]) is type(want) and type(want).__module__.startswith("torch.ao.nn.quantized")
    torch.testing.assert_close(_first(quantized[0](x)), _first(want(x)), rtol=0, atol=0)
    torch.testing.assert_close(_first(quantized[0](x)), _first(layer(x)), rtol=0, atol=0.05)
    assert type(layer) is ours and not hasattr(layer, "qconfig")  # the model quantized was a copy


@pytest.mark.filterwarnings("ignore:.*quantiz:UserWarning:torch")
def test_the_mapping_quantizes_the_weights_the_layer_runs_on() -> None:
    """A parametrized weight is quantized as computed (weight_norm's, its magnitude tripled), not as
    its stored ``original`` tensors: the quantized layer computes what the float one did."""
    torch.manual_seed(1)
    layer = rnnkit.LSTM(3, 8)
    x = torch.randn(5, 2, 3)
    plain = layer(x)[0]
    parametrizations.weight_norm(layer, "weight_hh_l0")
    with torch.no_grad():
        layer.parametrizations.weight_hh_l0.original0.mul_(3)
    want = layer(x)[0]
    assert (want - plain).abs().max() > 0.1
    quantized = quantize_dynamic(nn.Sequential(layer), {rnnkit.LSTM}, mapping=dynamic_quant_mapping())[0]
    torch.testing.assert_close(quantized(x)[0], want, rtol=0, atol=0.05)


@pytest.mark.filterwarnings("ignore:.*quantiz:UserWarning:torch")
def test_a_projected_lstm_is_refused_where_torch_makes_a_module_that_fails() -> None:
    model = nn.Sequential(rnnkit.LSTM(3, 8, proj_size=2))
    with pytest.raises(RnnkitError, match="quantized LSTM has no projection: proj_size must be 0"):
        quantize_dynamic(model, {rnnkit.LSTM}, mapping=dynamic_quant_mapping())
    broken = quantize_dynamic(nn.Sequential(nn.LSTM(3, 8, proj_size=2)), {nn.LSTM})[0]
    with pytest.raises(RuntimeError):  # torch's own: converted without a word, fails at its first call
        broken(torch.randn(5, 2, 3))


@pytest.mark.filterwarnings("ignore:.*quantiz:UserWarning:torch")
def test_modules_torch_has_no_quantized_twin_of_stay_float_in_silence_as_torch_nn_rnn() -> None:
    model = nn.Sequential(rnnkit.RNN(3, 8), rnnkit.nn.make_layer("mgu", 8, 8), nn.RNN(8, 8))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quantized = quantize_dynamic(model, None, mapping=dynamic_quant_mapping())
    assert [type(m) for m in quantized] == [type(m) for m in model]
    assert _rnnkit_warnings(caught) == []


@pytest.mark.filterwarnings("ignore:.*quantiz:UserWarning:torch")
def test_a_layer_passed_as_the_model_itself_is_not_swapped_as_in_torch_and_warns() -> None:
    assert type(quantize_dynamic(nn.LSTM(3, 8), {nn.LSTM})) is nn.LSTM  # torch swaps submodules only
    with pytest.warns(UserWarning, match=r"^torch.ao.quantization left rnnkit's LSTM in float"):
        left = quantize_dynamic(rnnkit.LSTM(3, 8), {rnnkit.LSTM}, mapping=dynamic_quant_mapping())
    assert type(left) is rnnkit.LSTM
