"""Device choice shared by every command: ``auto`` picks CUDA when present, else CPU."""

from __future__ import annotations

import torch

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.options import DEVICE_CHOICES


def resolve_device(name: str = "auto") -> torch.device:
    """Turn ``auto|cpu|cuda[:k]`` into a ``torch.device``; asking for CUDA without a GPU is an error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RnnkitError("--device cuda was asked for, but no CUDA GPU is available")
        return torch.device(name)
    raise RnnkitError(f"unknown device {name!r}; choose one of: {', '.join(DEVICE_CHOICES)}")
