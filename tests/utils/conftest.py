"""Fixtures shared by the tests of rnnkit.utils."""

from __future__ import annotations

import pytest

# the environment torchrun gives the second process of a two-process launch
LAUNCH = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500", "TORCHELASTIC_RUN_ID": "r1",
          "TORCHELASTIC_RESTART_COUNT": "0", "WORLD_SIZE": "2", "LOCAL_RANK": "1", "RANK": "1"}  # fmt: skip


@pytest.fixture
def process_1(monkeypatch):
    """This test runs as process 1 of a torchrun launch."""
    for name, value in LAUNCH.items():
        monkeypatch.setenv(name, value)
