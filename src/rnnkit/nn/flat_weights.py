"""torch.nn's ``_flat_weights`` list on rnnkit's layers: what assigning it does.

torch.nn's ``RNNBase.forward`` reads the weights from the list ``_flat_weights``, so code written for it
assigns that list: to refresh it after changing weights (quantization helpers, weight drop), or to run
the layer on weights computed from the parameters (a LoRA adapter or weight noise refreshes it with
``W + B @ A`` before every call, and the parameters stay as they are). rnnkit keeps no such list (every
call reads the named parameters), so an assignment is taken apart here:

- a tensor that already is the attribute of its name changes nothing;
- an ``nn.Parameter``, or any tensor where no parameter of that name is registered (a weight drop's
  plain attribute), becomes the attribute of its name;
- a plain tensor where a parameter is registered (``nn.Module`` refuses to set it) stands in for that
  parameter in the calls, which stays registered, unchanged, in ``parameters()`` and ``state_dict()``,
  as in torch.nn. As torch.nn's list, it holds until a weight is set by name (torch.nn then reads
  every name afresh, so every stand-in goes), or the module is moved or converted (``.to()``,
  ``.double()``), or the list is assigned again; a copy (``copy.deepcopy``, pickle) has none.
"""

from __future__ import annotations

from torch import Tensor, nn

from rnnkit.utils.errors import RnnkitError

# the plain attribute (not state_dict) that holds the stand-ins: (attributes when assigned, {index: tensor})
STAND_INS = "_flat_weights_stand_ins"


def attributes(layer: nn.Module) -> list[Tensor | None]:
    """The attributes named in ``layer._flat_weights_names`` (None for a name not set), stand-ins aside."""
    return [getattr(layer, name, None) for name in layer._flat_weights_names]


def assign(layer: nn.Module, weights: list[Tensor | None]) -> None:
    """Assign torch.nn's list ``weights`` (one per ``layer._flat_weights_names``) to ``layer``, as the
    module docstring says."""
    names, current = layer._flat_weights_names, attributes(layer)
    if len(weights) != len(names):
        raise RnnkitError(
            f"{layer.kind} _flat_weights takes {len(names)} tensors ({', '.join(names)}); got {len(weights)}"
        )
    stand_ins: dict[int, Tensor] = {}
    for index, (name, weight) in enumerate(zip(names, weights, strict=True)):
        if weight is None or weight is current[index]:
            continue
        if name in layer._parameters and not isinstance(weight, nn.Parameter):
            stand_ins[index] = weight
        else:
            setattr(layer, name, weight)
    layer.__dict__.pop(STAND_INS, None)
    if stand_ins:
        layer.__dict__[STAND_INS] = (tuple(attributes(layer)), stand_ins)


def in_use(layer: nn.Module, flat: list[Tensor | None]) -> list[Tensor | None]:
    """The weights a call runs on: ``flat`` (the named attributes, in ``_flat_weights_names`` order)
    with the stand-ins of the last assignment of ``_flat_weights`` in place, while every attribute is
    still the one it was then (a weight set by name since drops them all, as torch.nn's list does)."""
    held = layer.__dict__.get(STAND_INS)
    if held is None:
        return flat
    then, stand_ins = held
    if any(now is not before for now, before in zip(flat, then, strict=True)):
        del layer.__dict__[STAND_INS]
        return flat
    return [stand_ins.get(index, weight) for index, weight in enumerate(flat)]


def forget(layer: nn.Module) -> None:
    """Drop the stand-ins: the module was moved or converted, and torch.nn reads its list afresh then."""
    layer.__dict__.pop(STAND_INS, None)
