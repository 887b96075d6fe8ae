"""The training engine and safe model files.

``rnnkit.train.modelfile`` is light (safetensors and JSON) and is what prediction commands import.
The engine (:class:`Trainer`, :class:`TrainConfig`, :class:`FitResult`) pulls in Hugging Face
Accelerate, so it is loaded only when first asked for: ``from rnnkit.train import Trainer``.
``make_loader`` (seeded, resumable shuffling) needs only torch.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Trainer", "TrainConfig", "FitResult", "Callback", "make_loader", "EpochShuffleSampler"]

_WHERE = {
    "Trainer": "rnnkit.train.engine",
    "TrainConfig": "rnnkit.train.config",
    "FitResult": "rnnkit.train.config",
    "Callback": "rnnkit.train.callbacks",
    "make_loader": "rnnkit.train.data",
    "EpochShuffleSampler": "rnnkit.train.data",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'rnnkit.train' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
