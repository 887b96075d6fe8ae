"""Device choice shared by every command: ``auto`` picks CUDA when present, else CPU."""

from __future__ import annotations

import torch

from rnnkit.utils.dist import local_rank, world_size
from rnnkit.utils.errors import InputTypeError, RnnkitError
from rnnkit.utils.options import DEVICE_CHOICES
from rnnkit.utils.whole import is_whole


def resolve_device(name: str | torch.device | int | None = "auto") -> torch.device:
    """Turn ``auto|cpu|cuda[:k]`` into a ``torch.device``; asking for CUDA without a GPU is an error.

    What torch users pass is taken as well: ``cpu:k`` (the one CPU, as torch reads it), a ``torch.device``
    (``cpu`` or ``cuda[:k]``), an int ``k``
    (a CUDA index, as ``torch.device(k)`` reads it) and None (``auto``). Any other type is an
    :class:`~rnnkit.utils.errors.InputTypeError` (a ``TypeError``) naming ``device``.

    Under a multi-process launch, ``auto`` and a bare ``cuda`` mean this process's own GPU on its node,
    ``cuda:<LOCAL_RANK mod GPUs>`` (the one Accelerate trains on), not ``cuda:0``: otherwise every
    process of a node would put what it loads or builds before training on the first GPU.
    """
    name = check_device_name(name)
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(name)
    if device.type == "cpu":
        return torch.device("cpu")
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise RnnkitError(
                "device 'cuda' was asked for, but no CUDA GPU is available (use 'cpu' or 'auto')"
            )
        count = torch.cuda.device_count()
        if device.index is None and world_size() > 1:
            return torch.device("cuda", local_rank() % max(1, count))
        if device.index is not None and device.index >= count:  # else torch's 'invalid device ordinal' later
            raise RnnkitError(
                f"device {name!r} was asked for, but this machine has {count} CUDA GPU(s): cuda:0 to cuda:{count - 1}"
            )
        return device
    raise _unknown(name)


def check_device_name(device: object) -> str:
    """``device``'s name (:func:`device_name`) once it names a device :func:`resolve_device` takes: ``auto``,
    ``cpu`` (or ``cpu:k``, as torch reads it: the one CPU), ``cuda`` or ``cuda:k``; else one line naming it.

    Only the name is checked, not that the GPU is there: a setting kept for later (a Forecaster built on a
    laptop to fit on a GPU machine) is checked here when it is set, and :func:`resolve_device` says whether
    the GPU exists when the device is used. One parser for both, so every application says it alike.
    """
    name = device_name(device)
    if name in ("auto", "cpu", "cuda"):
        return name
    if name.startswith(("cpu", "cuda")):
        try:
            parsed = torch.device(name)
        except RuntimeError:  # 'cudax', 'cuda:one': torch's multi-line parse error says nothing of --device
            raise _unknown(name) from None
        if parsed.type in ("cpu", "cuda"):
            return name
    raise _unknown(name)


def _unknown(name: str) -> RnnkitError:
    return RnnkitError(
        f"unknown device {name!r}; choose one of: {', '.join(DEVICE_CHOICES)}, or cuda:k (the GPU of index k)"
    )


def device_name(device: object) -> str:
    """``device`` as the name :func:`resolve_device` reads, and a setting that keeps a device can store:
    a ``torch.device`` by its own name (``cuda:1``; ``cpu`` without the index torch allows it, which
    names no other CPU), an int as torch reads it (the CUDA index), None as ``auto``, a str as it is."""
    if device is None:
        return "auto"
    if isinstance(device, torch.device):
        return "cpu" if device.type == "cpu" else str(device)  # torch.device("cpu", 0) was 'unknown device'
    if is_whole(device):  # a CUDA index (True is an int to Python, and no GPU index)
        if device < 0:
            raise RnnkitError(f"device {device} is not a CUDA index (an int device is cuda:k, k >= 0)")
        return f"cuda:{int(device)}"
    if isinstance(device, str):
        return device
    raise InputTypeError(
        f"device must be 'auto', 'cpu', 'cuda', 'cuda:k', a torch.device or an int (a CUDA index), "
        f"not {type(device).__name__}"
    )
