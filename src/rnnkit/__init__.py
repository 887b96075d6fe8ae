"""rnnkit: recurrent neural networks on sequence data.

Simple RNN, LSTM and GRU written from their equations, with fused backends behind the same modules,
and pipelines for the three sequence shapes: forecast (sequence to vector), translate (sequence to
sequence) and caption (vector to sequence), beside explain (why gates matter). ``rnnkit.load(folder)``
gives back any model those commands saved.

>>> import torch, rnnkit
>>> lstm = rnnkit.LSTM(8, 16)
>>> out, (h, c) = lstm(torch.randn(5, 3, 8))
>>> tuple(out.shape), tuple(h.shape)
((5, 3, 16), (1, 3, 16))
"""

from __future__ import annotations

import os
from typing import Any

__version__ = "0.1.0"


def load(name_or_path: str | os.PathLike, device: str | None = None, revision: str | None = None) -> Any:
    """Any rnnkit model folder (or Hugging Face Hub id ``owner/name``) as its application's object.

    ``rnnkit.load("runs/ibm")`` gives a :class:`rnnkit.forecast.Forecaster`, a translate model folder a
    ``Translator``, a caption one a ``Captioner``, an explain one a ``TaskModel``; each has
    ``from_pretrained`` and ``save_pretrained``. Never unpickles; a folder rnnkit cannot load is a
    one-line :class:`rnnkit.utils.errors.RnnkitError` naming the file that is wrong. Details:
    :mod:`rnnkit.loading`.

    Args:
        name_or_path: a model folder, a training command's run folder (``--out``, holding ``model/``),
            or a Hub id ``owner/name`` (tried only when no such local folder exists; downloaded once).
        device: ``"cpu"``, ``"cuda"``, ``"cuda:k"``, ``"auto"``, a ``torch.device`` or an int (a CUDA
            index); None: the application's own default.
        revision: a branch, tag or commit of a Hub repository (ignored for a folder).
    """
    from rnnkit.loading import load as load_folder

    return load_folder(name_or_path, device=device, revision=revision)


# The layers are imported on first use (PEP 562), so that ``rnnkit --help`` and the command line's
# option parsing do not pay for importing torch.
_NN_NAMES = ("RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "LSTMGates", "GRUGates")


# Subpackages are imported on first use too: ``import rnnkit; rnnkit.nn.make_layer(...)`` and
# ``rnnkit.forecast.Forecaster`` work without importing them first, as the docs write them.
_SUBPACKAGES = ("nn", "forecast", "translate", "caption", "explain", "train", "utils")


def __getattr__(name: str) -> Any:
    if name in _NN_NAMES:
        import rnnkit.nn

        return getattr(rnnkit.nn, name)
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"rnnkit.{name}")
    raise AttributeError(f"module 'rnnkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    # What tab completion offers: the public API and the subpackages, once each (an imported subpackage
    # is also a global), and the module's dunders; not the helpers this file imports (os, Any).
    dunders = [name for name in globals() if name.startswith("__") and name.endswith("__")]
    return sorted({*__all__, *_SUBPACKAGES, *dunders})


__all__ = [
    "RNN",
    "LSTM",
    "GRU",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "LSTMGates",
    "GRUGates",
    "load",
    "__version__",
]
