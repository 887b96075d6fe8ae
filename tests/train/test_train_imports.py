"""Prediction commands never import the training stack (Accelerate, the engine)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CHECK = """
import json, sys
import rnnkit, rnnkit.train, rnnkit.train.modelfile, rnnkit.cli
from rnnkit.train import make_loader
heavy = ["accelerate", "rnnkit.train.engine", "rnnkit.train.checkpoint", "lightning", "pytorch_lightning"]
light = {name: name in sys.modules for name in heavy}
rnnkit.train.Trainer  # the engine loads on first use; Accelerate waits until a Trainer is built
lazy = {name: name in sys.modules for name in ("rnnkit.train.engine", "accelerate")}
print(json.dumps([light, lazy]))
"""


def test_light_imports_leave_the_training_stack_out():
    # One fresh interpreter (torch's import dominates the cost) checks both stages.
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    light, lazy = json.loads(done.stdout.strip().splitlines()[-1])
    assert light == dict.fromkeys(light, False)
    assert lazy == {"rnnkit.train.engine": True, "accelerate": False}


def test_unknown_attribute_is_an_attribute_error():
    import rnnkit.train

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        rnnkit.train.Nope  # noqa: B018


def test_module_help_runs():
    # Start-up time is measured in docs/train.md (a clock is no test on a shared machine).
    done = subprocess.run(
        [sys.executable, "-m", "rnnkit", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and "demo" in done.stdout
