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
