"""Device choice shared by every command: ``auto`` picks CUDA when present, else CPU."""

from __future__ import annotations

import torch

from rnnkit.utils.dist import local_rank, world_size
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.options import DEVICE_CHOICES


def resolve_device(name: str = "auto") -> torch.device:
    """Turn ``auto|cpu|cuda[:k]`` into a ``torch.device``; asking for CUDA without a GPU is an error.

    Under a multi-process launch, ``auto`` and a bare ``cuda`` mean this process's own GPU on its node,
    ``cuda:<LOCAL_RANK mod GPUs>`` (the one Accelerate trains on), not ``cuda:0``: otherwise every
    process of a node would put what it loads or builds before training on the first GPU.
    """
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RnnkitError(
                "device 'cuda' was asked for, but no CUDA GPU is available (use 'cpu' or 'auto')"
            )
        if name == "cuda" and world_size() > 1:
            return torch.device("cuda", local_rank() % max(1, torch.cuda.device_count()))
        return torch.device(name)
    raise RnnkitError(f"unknown device {name!r}; choose one of: {', '.join(DEVICE_CHOICES)}")
