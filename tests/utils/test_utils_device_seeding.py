"""Device resolution and seeding."""

import random

import numpy as np
import pytest
import torch

from rnnkit.utils.device import resolve_device
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.seeding import seed_everything


def test_auto_and_cpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    assert resolve_device("cpu") == torch.device("cpu")


def test_cuda_without_gpu_is_a_one_line_error():
    if torch.cuda.is_available():
        pytest.skip("a GPU is present, so asking for CUDA is valid here")
    with pytest.raises(RnnkitError, match="no CUDA GPU") as info:
        resolve_device("cuda")
    assert "\n" not in str(info.value)


def test_unknown_device_lists_choices():
    with pytest.raises(RnnkitError, match="auto, cpu, cuda"):
        resolve_device("tpu")


def test_rnnkit_error_is_a_value_error():
    assert issubclass(RnnkitError, ValueError)


def _draw() -> tuple[float, float, torch.Tensor]:
    return random.random(), float(np.random.rand()), torch.rand(4)


def test_seed_everything_repeats_python_numpy_torch():
    seed_everything(123)
    first = _draw()
    seed_everything(123)
    second = _draw()
    assert first[:2] == second[:2]
    torch.testing.assert_close(first[2], second[2], rtol=0, atol=0)
    seed_everything(124)
    third = _draw()
    assert third[0] != first[0] and not torch.equal(third[2], first[2])


def test_cuda_under_a_launch_is_the_local_ranks_gpu(monkeypatch):
    """Each process of a node gets its own GPU (LOCAL_RANK), not GPU 0; RANK does not choose it."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 4)
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert resolve_device("cuda") == torch.device("cuda")  # one process: the current GPU
    # node 1 of 2, 4 processes per node: global rank 6 is local rank 2
    monkeypatch.setenv("RANK", "6")
    monkeypatch.setenv("LOCAL_RANK", "2")
    monkeypatch.setenv("WORLD_SIZE", "8")
    assert resolve_device("cuda") == resolve_device("auto") == torch.device("cuda", 2)
    assert resolve_device("cuda:3") == torch.device("cuda", 3)  # an explicit index is kept
    monkeypatch.setenv("LOCAL_RANK", "5")  # more processes than GPUs on the node: wrap around
    assert resolve_device("cuda") == torch.device("cuda", 1)


def test_seeding_leaves_the_environment_alone(monkeypatch):
    """seed_everything set PYTHONHASHSEED, which acts only at start-up: it changed nothing here and
    leaked into every process the user started after."""
    import os

    from rnnkit.utils.seeding import seed_everything

    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    before = dict(os.environ)
    seed_everything(3)
    assert dict(os.environ) == before
