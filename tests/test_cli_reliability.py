"""Locks, write errors and Ctrl-C at the command line (issue 10, items 2, 7 and 14)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnnkit.cli import main

SRC = str(Path(__file__).parents[1] / "src")


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    return subprocess.Popen([sys.executable, "-m", "rnnkit", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _wait_for_lock(path: Path, proc: subprocess.Popen) -> dict:
    """The lock's contents once ``proc`` holds it. The wait is long (3 minutes, polled every 50 ms, so a
    quick start is not slowed): on a loaded 2-core machine a child importing torch took more than the
    30 s allowed before ("the first run never took its lock")."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            info = json.loads(path.read_text())
            if info.get("pid") == proc.pid:
                return info
        except (OSError, ValueError):
            pass
        assert proc.poll() is None, "the first run ended before it was seen holding its lock"
        time.sleep(0.05)
    raise AssertionError("the first run never took its lock")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["forecast", "train", "--out", "run", "--epochs", "100000", "--quiet", "--device", "cpu"],
                     marks=pytest.mark.slow),
        ["explain", "memory", "--out", "run", "--epochs", "1000", "--lengths", "10", "--cells", "gru",
         "--device", "cpu"],
    ],
    ids=["forecast", "explain"],
)  # fmt: skip
def test_a_second_writer_of_a_run_folder_is_refused_naming_the_first(
    tmp_path, monkeypatch, one_line_error, args
):
    monkeypatch.chdir(tmp_path)
    first = _start(args, tmp_path)
    try:
        info = _wait_for_lock(tmp_path / "run" / ".rnnkit.lock", first)
        assert main([*args, "--resume"]) == 2
        one_line_error(
            f"--out run is in use by pid {first.pid} on {info['host']}", f"`rnnkit {' '.join(args)}`"
        )
        assert main(args) == 2  # a fresh run is refused as well
        one_line_error("is in use by pid")
    finally:
        first.kill()
        first.wait()


def test_write_error_during_a_command_is_one_line_and_leaves_no_temporary(
    tmp_path, monkeypatch, one_line_error
):
    monkeypatch.chdir(tmp_path)
    real = os.replace

    def read_only(src, dst):
        if str(dst).endswith("predictions.csv"):
            raise OSError(errno.EROFS, "Read-only file system", str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", read_only)
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
    assert main(args) == 2
    one_line_error("cannot write run/predictions.csv: Read-only file system")
    assert not [p for p in tmp_path.rglob("*") if ".rnnkit-" in p.name or p.name.endswith(".lock")]


def test_os_error_reaching_the_top_is_one_line(capsys, monkeypatch):
    _app_that_raises(monkeypatch, OSError(errno.ENOSPC, "No space left on device", "out/x.bin"))
    assert main(["boom"]) == 2
    assert capsys.readouterr().err == "rnnkit: error: cannot write out/x.bin: No space left on device\n"
    _app_that_raises(monkeypatch, PermissionError(errno.EACCES, "Permission denied", "/etc/x"))
    assert main(["boom"]) == 2
    assert capsys.readouterr().err == "rnnkit: error: /etc/x: Permission denied\n"


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_leaves_no_temporary(tmp_path):
    """A real short write: the file size limit makes every write past 64 KiB fail with EFBIG."""
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))\n"
        "from rnnkit.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    args = [
        "forecast",
        "train",
        "--out",
        "run",
        "--epochs",
        "1",
        "--hidden",
        "64",
        "--quiet",
        "--device",
        "cpu",
    ]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    err = done.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error: cannot write"), err
    assert "File too large" in err[0] or "could not be written in full" in err[0]
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp") or p.name.endswith(".lock")]


def _app_that_raises(monkeypatch, exc: BaseException) -> None:
    import click

    from rnnkit import cli

    @click.command()
    def boom() -> None:
        raise exc

    monkeypatch.setattr(cli.root, "commands", {**cli.root.commands, "boom": boom})


def test_ctrl_c_is_one_line_without_a_blank_line_before_it(capsys, monkeypatch):
    _app_that_raises(monkeypatch, KeyboardInterrupt())
    assert main(["boom"]) == 130
    assert capsys.readouterr().err == "rnnkit: interrupted\n"


def test_ctrl_c_while_the_command_line_is_imported_is_one_line(capsys, ctrl_c_in_cli_import):
    """A Ctrl-C in the first moments lands in an import; the console script still answers in one line."""
    from rnnkit import _entry

    assert _entry.main() == 130
    assert capsys.readouterr().err == "rnnkit: interrupted\n"


def test_console_script_and_module_enter_through_the_guard():
    import tomllib

    scripts = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["rnnkit"] == "rnnkit._entry:main"
    assert "from rnnkit._entry import main" in (Path(SRC) / "rnnkit" / "__main__.py").read_text()


def test_a_damaged_weight_snapshot_of_translate_averaging_refuses_the_resume(
    tmp_path, capsys, one_line_error
):
    """translate train keeps the last epochs' weights in OUT/average for --average-last; a damaged one is
    one line on --resume (it was a safetensors traceback), never a silently different average."""
    words = {"cat": "고양이", "dog": "개", "tree": "나무", "house": "집", "water": "물", "book": "책"}
    pairs = [f"the {a} and {b}\t{x} {y}" for a, x in words.items() for b, y in words.items()]
    (tmp_path / "c.tsv").write_text("\n".join(pairs) + "\n", encoding="utf-8")
    args = ["translate", "train", "--corpus", str(tmp_path / "c.tsv"), "--out", str(tmp_path / "run"),
            "--embed-size", "8", "--hidden-size", "8", "--vocab-size", "40", "--epochs", "1",
            "--beam", "1", "--average-last", "2", "--no-progress", "--device", "cpu"]  # fmt: skip
    assert main(args) == 0
    snapshot = tmp_path / "run" / "average" / "epoch-0001.safetensors"
    snapshot.write_bytes(snapshot.read_bytes()[:100])
    capsys.readouterr()
    assert main([*args, "--resume"]) == 2
    one_line_error(f"cannot resume: {snapshot} is damaged", "start over with --force instead of --resume")


def test_device_cuda_without_a_gpu_is_refused_before_a_fresh_run_clears_the_old_one(
    tmp_path, monkeypatch, one_line_error
):
    """Found by the engine, --device cuda came after a fresh run had cleared the run folder's checkpoints
    and metrics.csv: a refused command lost the previous run's resumable state."""
    import torch

    monkeypatch.chdir(tmp_path)
    args = ["forecast", "train", "--out", "run", "--epochs", "1", "--hidden-size", "4", "--quiet"]
    assert main([*args, "--device", "cpu"]) == 0
    before = {p: p.read_bytes() for p in Path("run").rglob("*") if p.is_file()}
    assert any(p.parts[1] == "checkpoints" for p in before) and Path("run/metrics.csv") in before
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert main([*args, "--device", "cuda", "--force"]) == 2  # --force: a fresh run over the finished one
    one_line_error("--device cuda was asked for, but no CUDA GPU is available")
    assert {p: p.read_bytes() for p in Path("run").rglob("*") if p.is_file()} == before
