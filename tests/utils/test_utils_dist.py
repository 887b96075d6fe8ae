"""Who writes under a launcher: ranks from the environment, and writers that only rank 0 runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import torch

from rnnkit.train.modelfile import save_model
from rnnkit.utils.atomic import atomic_folder, write_text_atomic
from rnnkit.utils.dist import is_main_process, local_rank, rank, world_size
from rnnkit.utils.plotting import save_figure, subplots

SRC = str(Path(__file__).resolve().parents[2] / "src")  # this checkout's rnnkit in the subprocesses


def _env(**launcher: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    return {**env, "PYTHONPATH": SRC, **launcher}


def test_ranks_from_the_launchers_environment():
    torchrun = {"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "4"}
    assert (rank(torchrun), local_rank(torchrun), world_size(torchrun)) == (3, 1, 4)
    assert not is_main_process(torchrun)
    mpi = {"OMPI_COMM_WORLD_RANK": "0", "OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_RANK": "0"}
    assert (rank(mpi), world_size(mpi), is_main_process(mpi)) == (0, 2, True)
    assert (rank({}), local_rank({}), world_size({}), is_main_process({})) == (0, 0, 1, True)
    assert rank({"RANK": "not a number"}) == 0


def test_the_first_process_of_the_second_node_is_not_the_main_one():
    """Two nodes, one process each: both are local rank 0, only the global rank 0 is the main one."""
    node0 = {"RANK": "0", "LOCAL_RANK": "0", "GROUP_RANK": "0", "WORLD_SIZE": "2"}
    node1 = {"RANK": "1", "LOCAL_RANK": "0", "GROUP_RANK": "1", "WORLD_SIZE": "2"}
    assert local_rank(node0) == local_rank(node1) == 0
    assert (is_main_process(node0), is_main_process(node1)) == (True, False)


def test_only_the_main_process_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("LOCAL_RANK", "0")  # the first process of the second node
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert write_text_atomic(tmp_path / "a.txt", "x") == tmp_path / "a.txt"
    with atomic_folder(tmp_path / "folder") as tmp:
        (tmp / "inside.txt").write_text("x")  # the block runs; its folder is thrown away
    save_model(tmp_path / "model", torch.nn.Linear(2, 1), {"application": "test"})
    fig, ax = subplots()
    ax.plot([0, 1])
    save_figure(fig, tmp_path / "plot.png")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv("RANK", "0")
    write_text_atomic(tmp_path / "a.txt", "x")
    assert (tmp_path / "a.txt").read_text() == "x"


def test_other_processes_print_nothing_to_stdout():
    code = "import sys; from rnnkit.cli import main; sys.exit(main(['--help']))"
    quiet = subprocess.run(
        [sys.executable, "-c", code], env=_env(RANK="1", WORLD_SIZE="2"), capture_output=True, text=True
    )
    loud = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True)
    assert quiet.returncode == loud.returncode == 0
    assert quiet.stdout == "" and "Usage" in loud.stdout


def test_dist_does_not_import_torch_distributed():
    code = "import sys, rnnkit.utils.dist as d; d.is_main_process(); print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
