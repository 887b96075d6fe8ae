"""Kill -9 at every rename of each training command (issue 10, item 12).

A first run leaves a model. A second run into the same folder is killed (SIGKILL: no clean-up runs) just
before its k-th rename, for every k. After each kill the model folder must load, as the old or the new
model (a reader restores a model left as ``.model.rnnkit-old``), and the next command writing there must
leave no temporary file or folder behind. Each run is a child forked from one process that has imported
rnnkit already, so a kill costs only the command's own (tiny) run; still dozens of runs per command, so
these are marked slow. The fast subset is tests/utils/test_utils_leftovers.py, which kills a forked child
at every step of a model replacement.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rnnkit.train.modelfile import load_model
from rnnkit.utils.leftovers import old_name
from rnnkit.utils.markers import read_mark
from rnnkit.utils.outputs import Output, claimed

SRC = str(Path(__file__).parents[1] / "src")

# A "zygote": imports rnnkit and the application once, then for each request forks a child that runs the
# command and kills itself (SIGKILL) just before its K-th rename (os.replace anywhere, or the atomic
# exchange of a model folder); K=0 runs to the end and reports how many renames there were. Forking
# from a process that has already imported torch keeps each kill to the command's own run time.
ZYGOTE = """
import importlib, json, os, sys
os.chdir(sys.argv[1])
import rnnkit.utils.atomic as atomic
from rnnkit.cli import main
for name in sys.argv[2:]:
    importlib.import_module(name)
print("ready", flush=True)
for line in sys.stdin:
    request = json.loads(line)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        log = os.open("child.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(log, 1)
        os.dup2(log, 2)
        calls = [0]
        def dying(real, counted=True):
            def call(*a, **kw):
                if counted:
                    calls[0] += 1
                    if calls[0] == request["kill_at"]:
                        os.kill(os.getpid(), 9)
                return real(*a, **kw)
            return call
        os.replace = dying(os.replace, not request["only_exchange"])
        atomic.exchange = dying(atomic._libc_exchange)
        code = main(request["args"])
        os.write(w, str(calls[0]).encode())
        os._exit(code)
    os.close(w)
    renames = os.read(r, 64).decode()
    os.close(r)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"code": os.waitstatus_to_exitcode(status), "renames": int(renames or 0)}), flush=True)
"""

HEAVY = [
    "torch",
    "accelerate",
    "pandas",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "rnnkit.train.engine",
]


class Zygote:
    """A process that runs rnnkit commands in forked children, each killed at a chosen rename."""

    def __init__(self, cwd: Path, modules: list[str]) -> None:
        env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE, str(cwd), *HEAVY, *modules], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert self.proc.stdout.readline().strip() == "ready"
        self.cwd = cwd

    def run(self, args: list[str], kill_at: int = 0, only_exchange: bool = False) -> dict:
        request = {"args": args, "kill_at": kill_at, "only_exchange": only_exchange}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def log(self) -> str:
        path = self.cwd / "child.log"
        return path.read_text()[-2000:] if path.exists() else ""

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _leftovers(root: Path) -> list[str]:
    pattern = re.compile(
        r"(\.rnnkit-\d+-.*\.tmp|^\..*\.rnnkit-old|^\.epoch-\d+\.tmp|\.rnnkit\.lock|^\.rnnkit\.lock)$"
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
    return args, tmp / "run" / "model", [Output.folder("--out", tmp / "run", "forecast", "run"),
                                         Output.whole("--out", tmp / "run" / "model", "forecast", "model")]  # fmt: skip


def _translate(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    sys.path.insert(0, str(Path(__file__).parent / "translate"))
    from helpers_translate import TINY_TRAIN_ARGS, write_anki

    write_anki(tmp / "corpus.tsv")
    args = ["translate", "train", "--corpus", "corpus.tsv", "--out", "tr", *TINY_TRAIN_ARGS, "--epochs", "1"]
    outputs = [Output.folder("--out", tmp / "tr", "translate", "run"),
               Output.whole("--out", tmp / "tr" / "model", "translate", "model")]  # fmt: skip
    return args, tmp / "tr" / "model", outputs


def _caption(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    from rnnkit.caption.shapes import generate

    generate(tmp / "shapes", {"train": 6, "val": 2}, 16, 1, 0)
    args = ["caption", "train", "--data", "shapes/dataset.json", "--out", "cap", "--epochs", "1", "--hidden", "8",
            "--embed", "8", "--image-size", "16", "--batch-size", "4", "--device", "cpu"]  # fmt: skip
    outputs = [Output.folder("--out", tmp / "cap", "caption", "run"),
               Output.whole("--out", tmp / "cap" / "model", "caption", "model")]  # fmt: skip
    return args, tmp / "cap" / "model", outputs


def _gates(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    args = ["explain", "gates", "--length", "8", "--out", "g", "--device", "cpu", "--epochs", "1", "--train-size",
            "32", "--batch-size", "16", "--hidden", "4", "--test-size", "16"]  # fmt: skip
    # the model folder too, as the command claims it (its lock file is left by a kill during the save)
    outputs = [Output.folder("--out", tmp / "g", "explain", "gates"),
               Output.whole("--out", tmp / "g" / "model", "explain", "model")]  # fmt: skip
    return args, tmp / "g" / "model", outputs


def _gradient_flow(tmp: Path) -> tuple[list[str], Path, list[Output]]:
    args = ["explain", "gradient-flow", "--cells", "gru", "--length", "6", "--sequences", "2", "--out", "gf",
            "--device", "cpu", "--epochs", "1", "--train-size", "32", "--batch-size", "16", "--hidden", "4",
            "--test-size", "16"]  # fmt: skip
    model = tmp / "gf" / "jobs" / "adding-6-gru" / "model"
    return args, model, [Output.folder("--out", tmp / "gf", "explain", "gradient-flow")]


COMMANDS = {
    "forecast": (_forecast, ["rnnkit.forecast.cli", "rnnkit.forecast.pipeline"]),
    "translate": (_translate, ["rnnkit.translate.cli", "rnnkit.translate.training"]),
    "caption": (_caption, ["rnnkit.caption.cli", "rnnkit.caption.pipeline"]),
    "gates": (_gates, ["rnnkit.explain.cli", "rnnkit.explain.runs"]),
    "gradient-flow": (_gradient_flow, ["rnnkit.explain.cli", "rnnkit.explain.runs"]),
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
    loaded = load_model(model)  # restores a model left as .model.rnnkit-old
    assert loaded.config, step
    assert mark is None or mark.kind == "model"
    with claimed(outputs):  # what the next command writing there does first
        pass
    assert _leftovers(tmp) == [], (step, _leftovers(tmp))
    return (model / "model.safetensors").read_bytes().hex()[-64:]


def _old(model: Path) -> Path:
    return model.with_name(old_name(model.name))


def _sweep(tmp: Path, name: str, steps: range | None, only_exchange: bool = False) -> None:
    make, modules = COMMANDS[name]
    args, model, outputs = make(tmp)
    zygote = Zygote(tmp, modules)
    try:
        first = zygote.run(args)
        assert first["code"] == 0, zygote.log()
        old = (model / "model.safetensors").read_bytes().hex()[-64:]
        # Another model, so old and new can be told apart; --force because a run killed after a checkpoint
        # is unfinished, and a fresh run over it is refused without (tests/forecast/test_forecast_resume.py).
        again = [*args, "--seed", "1", "--force"]
        count = zygote.run(again, only_exchange=only_exchange)["renames"]
        new = (model / "model.safetensors").read_bytes().hex()[-64:]
        assert new != old and count > 0
        seen = set()
        for step in steps or range(1, count + 1):
            killed = zygote.run(again, step, only_exchange)
            assert killed["code"] == -signal.SIGKILL, (step, zygote.log())
            seen.add(_check_after_kill(tmp, model, outputs, step))
        assert seen - {None} <= {old, new}
    finally:
        zygote.close()


@pytest.mark.slow
def test_forecast_train_killed_at_the_model_replacement(tmp_path):
    _sweep(tmp_path, "forecast", range(1, 2), only_exchange=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_killed_at_every_rename(tmp_path, name):
    _sweep(tmp_path, name, None)
