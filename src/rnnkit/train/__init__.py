"""The training engine and safe model files.

``rnnkit.train.modelfile`` is light (safetensors and JSON) and is what prediction commands import.
The engine (:class:`Trainer`, :class:`TrainConfig`) pulls in Hugging Face Accelerate, so it is loaded
only when first asked for: ``from rnnkit.train import Trainer``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Trainer", "TrainConfig", "FitResult"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from rnnkit.train import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'rnnkit.train' has no attribute {name!r}")
