"""Kill -9 at every rename of each training command (issue 10, item 12).

A first run leaves a model. A second run into the same folder is killed (SIGKILL: no clean-up runs) just
before its k-th rename, for every k. After each kill the model folder must load, as the old or the new
model (a reader restores a model left as ``.model.old``), and the next command writing there must
leave no temporary file or folder behind. Each kill is a fresh process (seconds each), so these are
marked slow; the fast subset is tests/utils/test_utils_leftovers.py, which kills a forked child at
every step of a model replacement.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rnnkit.train.modelfile import load_model
from rnnkit.utils.markers import read_mark
from rnnkit.utils.outputs import Output, claimed

SRC = str(Path(__file__).parents[1] / "src")

# Runs an rnnkit command and kills itself just before its K-th rename (os.replace anywhere, or the
# atomic exchange of a model folder); K=0 runs to the end and prints how many renames there were.
DRIVER = """
import os, sys
kill_at, only_exchange, args = int(sys.argv[1]), sys.argv[2] == "exchange", sys.argv[3:]
import rnnkit.utils.atomic as atomic
calls = [0]
def dying(real, counted=True):
    def call(*a, **kw):
        if counted:
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), 9)
        return real(*a, **kw)
    return call
os.replace = dying(os.replace, not only_exchange)
atomic.exchange = dying(atomic._libc_exchange)
from rnnkit.cli import main
code = main(args)
print("RENAMES", calls[0], flush=True)
sys.exit(code)
"""


def _run(
    kill_at: int, args: list[str], cwd: Path, only_exchange: bool = False
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    mode = "exchange" if only_exchange else "all"
    cmd = [sys.executable, "-c", DRIVER, str(kill_at), mode, *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _leftovers(root: Path) -> list[str]:
    pattern = re.compile(
        r"(\.rnnkit-\d+-.*\.tmp|^\..*\.old|^\.epoch-\d+\.tmp|\.rnnkit\.lock|^\.rnnkit\.lock)$"
    )
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if pattern.search(p.name))


def _forecast(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    args = [
        "forecast",
        "train",
        "--out",
        "run",
        "--epochs",
        "1",
        "--hidden",
        "4",
        "--quiet",
        "--device",
        "cpu",
    ]
    return args, tmp / "run" / "model", [Output.folder("--out", tmp / "run", "forecast", "run")]


def _translate(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    sys.path.insert(0, str(Path(__file__).parent / "translate"))
    from helpers_translate import TINY_TRAIN_ARGS, write_anki

    write_anki(tmp / "corpus.tsv")
    args = ["translate", "train", "--corpus", "corpus.tsv", "--out", "tr", *TINY_TRAIN_ARGS, "--epochs", "1"]
    outputs = [Output.whole("--out", tmp / "tr", "translate", "model"),
               Output.folder("--run-dir", tmp / "tr.run", "translate", "run")]  # fmt: skip
    return args, tmp / "tr", outputs


def _caption(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    from rnnkit.caption.shapes import generate

    generate(tmp / "shapes", {"train": 6, "val": 2}, 16, 1, 0)
    args = ["caption", "train", "--data", "shapes/dataset.json", "--out", "cap", "--epochs", "1", "--hidden", "8",
            "--embed", "8", "--image-size", "16", "--batch-size", "4", "--device", "cpu"]  # fmt: skip
    outputs = [Output.whole("--out", tmp / "cap", "caption", "model"),
               Output.folder("--run-dir", tmp / "cap.run", "caption", "run")]  # fmt: skip
    return args, tmp / "cap", outputs


def _gates(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    args = ["explain", "gates", "--length", "8", "--out", "g", "--device", "cpu", "--epochs", "1", "--train-size",
            "32", "--batch-size", "16", "--hidden", "4", "--test-size", "16"]  # fmt: skip
    return args, tmp / "g" / "model", [Output.folder("--out", tmp / "g", "explain", "gates")]


def _gradient_flow(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    args = ["explain", "gradient-flow", "--cells", "gru", "--length", "6", "--sequences", "2", "--out", "gf",
            "--device", "cpu", "--epochs", "1", "--train-size", "32", "--batch-size", "16", "--hidden", "4",
            "--test-size", "16"]  # fmt: skip
    model = tmp / "gf" / "jobs" / "adding-6-gru" / "model"
    return args, model, [Output.folder("--out", tmp / "gf", "explain", "gradient-flow")]


COMMANDS = {
    "forecast": _forecast,
    "translate": _translate,
    "caption": _caption,
    "gates": _gates,
    "gradient-flow": _gradient_flow,
}


def _check_after_kill(tmp: Path, model: Path, outputs: list[Output], step: int) -> str | None:
    """The model loads (old or new); the next writer tidies every leftover. Returns the model's bytes'
    tail (None where a fresh run had already cleared an earlier run's job model, as explain's do)."""
    if model.parent.name.startswith("adding-") and not model.exists() and not _old(model).exists():
        with claimed(outputs):
            pass
        assert _leftovers(tmp) == [], (step, _leftovers(tmp))
        return None
    mark = read_mark(model) if model.exists() else None
    loaded = load_model(model)  # restores a model left as .model.old
    assert loaded.config, step
    assert mark is None or mark.kind == "model"
    with claimed(outputs):  # what the next command writing there does first
        pass
    assert _leftovers(tmp) == [], (step, _leftovers(tmp))
    return (model / "model.safetensors").read_bytes().hex()[-64:]


def _old(model: Path) -> Path:
    return model.with_name(f".{model.name}.old")


def _sweep(tmp: Path, name: str, steps: range | None, only_exchange: bool = False) -> None:
    args, model, outputs = COMMANDS[name](tmp)
    first = _run(0, args, tmp)
    assert first.returncode == 0, first.stderr[-2000:]
    old = (model / "model.safetensors").read_bytes().hex()[-64:]
    again = [*args, "--seed", "1"]  # another model, so old and new can be told apart
    count = int(re.search(r"RENAMES (\d+)", _run(0, again, tmp, only_exchange).stdout).group(1))
    new = (model / "model.safetensors").read_bytes().hex()[-64:]
    assert new != old
    seen = set()
    for step in steps or range(1, count + 1):
        killed = _run(step, again, tmp, only_exchange)
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr[-2000:])
        seen.add(_check_after_kill(tmp, model, outputs, step))
    assert seen - {None} <= {old, new}


@pytest.mark.slow
def test_forecast_train_killed_at_the_model_replacement(tmp_path):
    _sweep(tmp_path, "forecast", range(1, 2), only_exchange=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_killed_at_every_rename(tmp_path, name):
    _sweep(tmp_path, name, None)
