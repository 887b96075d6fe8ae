"""Seeding that makes a CPU run repeat bit for bit."""

from __future__ import annotations

import random

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) from one integer.

    The environment is left alone: ``PYTHONHASHSEED`` acts only when Python starts, so setting it here
    changed nothing in this process and leaked into every process the user started after. No model
    depends on the order of a set or dict of strings (docs/train.md, "Reproducibility").
    """
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
