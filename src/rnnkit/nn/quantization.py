"""torch's dynamic quantization (``torch.ao.quantization.quantize_dynamic``) and rnnkit's modules.

torch's converters pick modules by their exact class (``torch.nn.LSTM``, ``GRU``, ``LSTMCell``,
``GRUCell``, ``RNNCell``) and swap them through a mapping. rnnkit's classes are not torch.nn's, so
by default they were passed by and stayed in float, without a word, in a model its user believed
quantized. Two parts:

- :func:`dynamic_quant_mapping`: torch's default mapping plus rnnkit's ``LSTM``, ``GRU``,
  ``LSTMCell``, ``GRUCell`` and ``RNNCell``, each converted into torch's dynamically quantized module
  through a torch.nn twin that holds the weights the module runs on::

      quantized = torch.ao.quantization.quantize_dynamic(
          model, {nn.Linear, rnnkit.LSTM}, dtype=torch.qint8, mapping=dynamic_quant_mapping()
      )

  The quantized module is torch's: torch.nn's calling convention (a ``PackedSequence`` for variable
  lengths; no ``lengths=``, ``return_gates`` or ``backend``).
- :data:`QCONFIG`, the ``qconfig`` attribute of rnnkit's layers and cells. torch's conversion sets
  ``qconfig`` on every module of the model and deletes it from every module still there at the end
  (``convert(..., remove_qconfig=True)``, what ``quantize_dynamic`` does); one of those five classes
  still there was left in float, and says so in one warning. The Simple RNN layer and the MGU have no
  quantized counterpart in torch: they stay in float in silence, as ``torch.nn.RNN`` does.
"""

from __future__ import annotations

import warnings

from torch import nn

from rnnkit.utils.errors import RnnkitError


def _quantizable() -> tuple[type, ...]:
    """rnnkit's classes that torch has a dynamically quantized twin of (imported late: this module is
    imported by the layers and cells themselves)."""
    from rnnkit.nn.cells import GRUCell, LSTMCell, RNNCell
    from rnnkit.nn.modules import GRU, LSTM

    return (LSTM, GRU, LSTMCell, GRUCell, RNNCell)


class ThroughTorchTwin:
    """A value of :func:`dynamic_quant_mapping`: torch calls ``from_float`` on each module it swaps."""

    @classmethod
    def from_float(cls, mod: nn.Module, use_precomputed_fake_quant: bool = False) -> nn.Module:
        """torch's dynamically quantized module of ``mod``'s kind, made from its torch.nn twin."""
        from torch.ao.nn.quantized import dynamic

        from rnnkit.nn.twin import torch_twin

        if getattr(mod, "proj_size", 0):
            # torch converts its own projected LSTM into a module that fails at its first call
            raise RnnkitError("torch's dynamically quantized LSTM has no projection: proj_size must be 0")
        twin = torch_twin(mod)
        twin.qconfig = mod.qconfig
        quantized = getattr(dynamic, mod.kind)
        return quantized.from_float(twin, use_precomputed_fake_quant=use_precomputed_fake_quant)


def dynamic_quant_mapping() -> dict[type, type]:
    """torch's default mapping for ``quantize_dynamic`` plus rnnkit's ``LSTM``, ``GRU``, ``LSTMCell``,
    ``GRUCell`` and ``RNNCell`` (:class:`ThroughTorchTwin`). Name rnnkit's classes in ``qconfig_spec``
    too: torch quantizes the classes named there (by default torch.nn's)."""
    from torch.ao.quantization import get_default_dynamic_quant_module_mappings

    return {**get_default_dynamic_quant_module_mappings(), **dict.fromkeys(_quantizable(), ThroughTorchTwin)}


def _get(module: nn.Module):
    try:
        return module.__dict__["_qconfig"]
    except KeyError:  # as a module that was never given one: hasattr(module, "qconfig") is False
        raise AttributeError(f"{type(module).__name__!r} object has no attribute 'qconfig'") from None


def _set(module: nn.Module, value) -> None:
    module.__dict__["_qconfig"] = value


def _delete(module: nn.Module) -> None:
    module.__dict__.pop("_qconfig", None)
    if isinstance(module, _quantizable()):
        warnings.warn(
            f"torch.ao.quantization left rnnkit's {module.kind} in float: torch's converters swap torch.nn's "
            f"classes only; to quantize it, name rnnkit.{module.kind} in qconfig_spec and pass "
            "mapping=rnnkit.nn.quantization.dynamic_quant_mapping()",
            UserWarning,
            stacklevel=3,
        )


# the ``qconfig`` attribute of rnnkit's layers and cells: stored as any attribute, and its deletion
# at the end of a conversion (the module was not swapped) says so
QCONFIG = property(_get, _set, _delete, doc="torch.ao.quantization's qconfig (see rnnkit.nn.quantization).")
