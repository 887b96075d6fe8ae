"""``import rnnkit`` then ``rnnkit.nn.make_layer(...)`` or ``rnnkit.forecast.Forecaster``, as the docs
write them, in a fresh interpreter: the subpackages are imported on first use."""

from __future__ import annotations

import subprocess
import sys


def test_subpackages_are_reachable_from_a_bare_import():
    code = (
        "import sys, rnnkit\n"
        "assert 'torch' not in sys.modules  # importing rnnkit stays light\n"
        "layer = rnnkit.nn.make_layer('mgu', 4, 5)\n"
        "assert rnnkit.forecast.Forecaster.__name__ == 'Forecaster'\n"
        "assert 'nn' in dir(rnnkit)\n"
        "try:\n"
        "    rnnkit.nope\n"
        "except AttributeError as exc:\n"
        "    assert 'nope' in str(exc)\n"
        "else:\n"
        "    raise SystemExit('rnnkit.nope did not raise')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
