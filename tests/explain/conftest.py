"""Explain tests train tiny models: one intra-op thread is fastest for them and immune to a busy machine.

With two OpenMP threads on a loaded 2-core machine, a training step of a 64-unit RNN was measured at
about 400 ms of CPU time (threads spinning while they wait for each other) against 6 ms with one.
The previous setting is restored after each test.
"""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
