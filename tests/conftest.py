"""Shared test setup: deterministic, quiet, CPU, one intra-op thread.

The tests train tiny models. On a 2-core machine, two OpenMP threads spinning while they wait for each
other made a training step of a 64-unit RNN cost about 400 ms of CPU time against 6 ms with one thread
(measured while building the explain tests), so every test runs single-threaded; the setting is
reset before each test. Benchmarks, not tests, measure multi-threaded speed.
"""

import os
import shutil

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


@pytest.fixture
def one_line_error(capsys):
    """``check(*needles)``: stderr is exactly one ``rnnkit: error: ...`` line holding every needle."""

    def check(*needles: str) -> str:
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("rnnkit: error: "), err
        for needle in needles:
            assert needle in err[0], err[0]
        return err[0]

    return check


@pytest.fixture
def ctrl_c_in_epoch(monkeypatch):
    """``ctrl_c_in_epoch(n)``: the next training run is interrupted part-way through its epoch ``n``
    (one batch drawn, then ``KeyboardInterrupt``), as a user's Ctrl-C would; returns an undo."""
    from rnnkit.train.engine import Trainer

    real = Trainer._train_epoch

    def patch(n: int):
        def interrupted(self, loader, epoch):
            if epoch == n:
                next(iter(loader))  # part of the epoch has run
                raise KeyboardInterrupt
            return real(self, loader, epoch)

        monkeypatch.setattr(Trainer, "_train_epoch", interrupted)
        return lambda: monkeypatch.setattr(Trainer, "_train_epoch", real)

    return patch


@pytest.fixture
def ctrl_c_in_cli_import(monkeypatch):
    """The next ``import rnnkit.cli`` raises ``KeyboardInterrupt``: a Ctrl-C in the first moments of a
    command, while the console script imports its command line."""
    import sys

    class Interrupting:
        def find_spec(self, name, path=None, target=None):
            if name == "rnnkit.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "rnnkit.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])


@pytest.fixture
def home(tmp_path, monkeypatch):
    """HOME is a fresh folder, and the current folder another one (where a `~` folder would appear)."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    return home


@pytest.fixture
def disk_events(monkeypatch) -> list[tuple[str, ...]]:
    """What reaches the disk, in order: ("fsync", path), ("replace", src, dst), ("rmtree", path): the
    fsync tests of utils.atomic and of checkpoints (Linux: a descriptor's path is read in /proc)."""
    import rnnkit.utils.atomic

    seen: list[tuple[str, ...]] = []
    real_fsync, real_replace, real_rmtree = os.fsync, os.replace, shutil.rmtree

    def fsync(fd):
        seen.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst, *args, **kwargs):
        seen.append(("replace", os.path.abspath(src), os.path.abspath(dst)))
        real_replace(src, dst, *args, **kwargs)

    def rmtree(path, *args, **kwargs):
        if os.path.exists(path):
            seen.append(("rmtree", os.path.abspath(path)))
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(rnnkit.utils.atomic.shutil, "rmtree", rmtree)
    return seen
