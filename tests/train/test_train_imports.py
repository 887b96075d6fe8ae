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
print(json.dumps({name: name in sys.modules for name in heavy}))
"""


def test_light_imports_leave_the_training_stack_out():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == dict.fromkeys(loaded, False)


def test_engine_names_load_lazily():
    code = "import sys, rnnkit.train as t; t.Trainer; print('rnnkit.train.engine' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


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
