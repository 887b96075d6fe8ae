"""``torch_twin(module)``: the torch.nn module that computes what an rnnkit layer or cell computes.

Code written for torch.nn's classes (``torch.jit.script``, torch's quantization, a type check)
does not take rnnkit's, which are not subclasses of them; it takes the twin. The twin holds the
weights the module's calls run on, read through its attributes: a parametrized or pruned weight as
computed, a tensor assigned to ``_flat_weights`` (``load_state_dict(module.state_dict())`` fails on
a parametrized module's keys, and would copy a pruned weight's unpruned original).
"""

from __future__ import annotations

import torch
from torch import nn

from rnnkit.nn.layers import RecurrentBase
from rnnkit.utils.errors import RnnkitError

CELL_WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def torch_twin(module: nn.Module) -> nn.Module:
    """A new ``torch.nn.RNN/LSTM/GRU`` (or ``RNNCell/LSTMCell/GRUCell``) with ``module``'s options,
    training mode, device, dtype and the weights its calls run on (copies: the twin trains apart).

    ``module``: an rnnkit layer or cell of a cell type torch.nn has; the MGU has none and raises
    :class:`~rnnkit.utils.errors.RnnkitError`.
    """
    twin_class = getattr(nn, module.kind, None)
    if twin_class is None or not isinstance(twin_class, type):
        raise RnnkitError(f"torch.nn has no {module.kind}: an rnnkit {module.kind} has no torch.nn twin")
    layer = isinstance(module, RecurrentBase)
    names = (
        module._flat_weights_names if layer else [n for n in CELL_WEIGHTS if getattr(module, n) is not None]
    )
    weights = module._flat_weights if layer else [getattr(module, n) for n in names]
    options = {"bias": module.bias, "device": weights[0].device, "dtype": weights[0].dtype}
    if layer:
        options.update(num_layers=module.num_layers, batch_first=module.batch_first, dropout=module.dropout)
        options["bidirectional"] = module.bidirectional
        if module.proj_size:
            options["proj_size"] = module.proj_size
    if module.cell_mode == "rnn_relu":
        options["nonlinearity"] = "relu"
    twin = twin_class(module.input_size, module.hidden_size, **options)
    with torch.no_grad():
        for name, weight in zip(names, weights, strict=True):
            getattr(twin, name).copy_(weight)
    return twin.train(module.training)
