"""Shared test setup: deterministic, quiet, CPU, one intra-op thread.

The tests train tiny models. On a 2-core machine, two OpenMP threads spinning while they wait for each
other made a training step of a 64-unit RNN cost about 400 ms of CPU time against 6 ms with one thread
(measured while building the explain tests), so every test runs single-threaded; the setting is
reset before each test. Benchmarks, not tests, measure multi-threaded speed.
"""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_sessionstart(session: pytest.Session) -> None:
    import torch

    torch.set_num_threads(1)  # before session-scoped fixtures train their models


@pytest.fixture(autouse=True)
def _one_thread():
    """Every test starts single-threaded, whatever a previous test (e.g. a ``--threads`` option) set."""
    import torch

    torch.set_num_threads(1)
    yield
