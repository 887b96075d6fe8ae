"""``import rnnkit`` then ``rnnkit.nn.make_layer(...)`` or ``rnnkit.forecast.Forecaster``, as the docs
write them, in a fresh interpreter: the subpackages are imported on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _in_a_fresh_interpreter(code: str) -> None:
    """Run ``code`` in a new Python process (nothing of rnnkit imported yet); its asserts must hold."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


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
    _in_a_fresh_interpreter(code)


def test_dir_lists_the_public_api_once_and_nothing_private():
    code = (
        "import rnnkit, rnnkit.nn, rnnkit.utils\n"  # imported subpackages are globals of rnnkit too
        "names = dir(rnnkit)\n"
        "assert len(names) == len(set(names)), names\n"
        "public = [n for n in names if not n.startswith('__')]\n"
        "expected = sorted({*rnnkit.__all__, 'nn', 'forecast', 'translate', 'caption', 'explain', 'train', 'utils'} - {'__version__'})\n"
        "assert public == expected, public\n"
        "assert '__version__' in names and '__doc__' in names\n"
        "for name in rnnkit.__all__:\n"
        "    getattr(rnnkit, name)\n"
    )
    _in_a_fresh_interpreter(code)


def test_help_on_rnnkit_load_explains_every_argument():
    import rnnkit

    doc = rnnkit.load.__doc__
    for said in ("name_or_path:", "run folder", "device:", "revision:", "RnnkitError", "never unpickles"):
        assert said.lower() in doc.lower(), said
    assert "rnnkit.load(folder)" in rnnkit.__doc__ and "explain" in rnnkit.__doc__


def test_each_application_gives_its_object_at_package_level():
    """forecast, translate and caption exported theirs; rnnkit.explain.TaskModel did not exist."""
    from rnnkit.explain import TaskModel
    from rnnkit.explain.models import TaskModel as inner

    assert TaskModel is inner
    import rnnkit.explain

    assert rnnkit.explain.__all__ == ["TaskModel"]
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        rnnkit.explain.Nope  # noqa: B018
