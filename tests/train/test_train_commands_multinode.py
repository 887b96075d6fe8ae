"""Two nodes on one machine: training commands under two-node launches, as docs/scale.md shows them.

Each "node" is its own launcher process (``torchrun --nnodes 2``, or ``accelerate launch
--num_machines 2``) with one process, started in its own working folder, which stands for the node's
local disk: the commands name their output by a relative path (``--out forecast``), so anything a
process writes lands in its own node's folder, while the data and the per-process records of
``ddp_commands_script.py`` are at absolute paths (the shared file system). Both nodes' processes have
``LOCAL_RANK`` 0 and only one has ``RANK`` 0: code that asked the local rank who writes would write
twice and print twice here. Checked, for ``forecast train`` and ``translate train``:

- node 0's folder holds the model, the run files and a complete checkpoint, with the random states
  of both processes (global rank 0 writes every file); node 1's folder stays empty;
- node 0's launcher printed each result table once, node 1's printed nothing;
- both processes end with identical weights and the same reduced history; the loss fell;
- the checkpoint node 0 holds resumes on one process (2 nodes x 1 process -> 1 process).

The c10d rendezvous (what docs/scale.md recommends for several nodes, and SLURM uses) runs in the
default suite; the static rendezvous (``--master_addr``), ``accelerate launch`` (its default static
rendezvous, and ``--rdzv_backend c10d``) and a node without the run folder on ``--resume`` run with
``-m slow``. Every launch uses a free port and a timeout, and kills its process groups when it fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from safetensors.torch import load_file
from test_train_commands_ddp import FORECAST, assert_weights, fit_record, sine_csv

from rnnkit.cli import main
from rnnkit.train.engine import Trainer
from rnnkit.utils.markers import find_model_folder

HERE = Path(__file__).parent
SRC = HERE.parent.parent / "src"
SCRIPT = HERE / "ddp_commands_script.py"
TIMEOUT_S = 300
GRACE_S = 60  # how long the other nodes may take to end once one failed
EPOCHS = 3

# the saved model is compared with the last epoch's replicas, so no end-of-run average
TRANSLATE = ["--cell", "gru", "--embed", "8", "--hidden", "16", "--vocab-size", "40", "--batch-size", "8",
             "--beam", "1", "--patience", "50", "--no-progress", "--device", "cpu", "--average-last", "0"]  # fmt: skip


def free_port() -> int:
    """A TCP port nothing listens on now (the kernel's choice for port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_commands(launcher: str, script: list[str]) -> list[list[str]]:
    """The launch line of node 0 and of node 1: docs/scale.md's two-node lines, one process per node,
    each running ``script`` (a script and its arguments, or ``-m rnnkit ...``).

    ``python -m torch.distributed.run`` is ``torchrun``, ``python -m accelerate.commands.launch`` is
    ``accelerate launch`` (run through this interpreter, so the test needs no scripts on PATH).
    """
    port = str(free_port())
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "2", "--nproc_per_node", "1"]
    if launcher == "c10d":
        rdzv = [
            "--rdzv_id",
            uuid.uuid4().hex[:12],
            "--rdzv_backend",
            "c10d",
            "--rdzv_endpoint",
            f"127.0.0.1:{port}",
        ]
        return [[*torchrun, *rdzv, *script] for _ in range(2)]
    if launcher == "static":
        return [[*torchrun, "--node_rank", str(node), "--master_addr", "127.0.0.1", "--master_port", port,
                 *script] for node in range(2)]  # fmt: skip
    accelerate = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_machines", "2",
                  "--num_processes", "2", "--main_process_ip", "127.0.0.1", "--main_process_port", port,
                  "--mixed_precision", "no", "--dynamo_backend", "no"]  # fmt: skip
    if launcher == "accelerate-c10d":
        accelerate += ["--rdzv_backend", "c10d"]
    return [[*accelerate, "--machine_rank", str(node), *script] for node in range(2)]


def launch_nodes(
    commands: list[list[str]], folders: list[Path], logs: Path, succeed: bool = True, grace_s: float = GRACE_S
) -> list[subprocess.CompletedProcess]:
    """Start every node's launcher at once (each in its folder), wait for all; kill what is left.

    Each launcher leads its own process group and writes its console to ``logs`` (outside the node
    folders, which must stay as the commands leave them). Once one launcher has failed, the others get
    ``grace_s`` to end too; after that, or after ``TIMEOUT_S`` in all, whatever still runs is killed
    with its workers, so nothing outlives the test. With ``succeed``, every launcher must exit 0.
    """
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)])}
    env.pop("CUDA_VISIBLE_DEVICES", None)
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "GROUP_RANK"):
        env.pop(name, None)  # a test run itself launched by torchrun must not leak its place
    logs.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    try:
        for node, (command, folder) in enumerate(zip(commands, folders, strict=True)):
            folder.mkdir(parents=True, exist_ok=True)
            with open(logs / f"node{node}.out", "w") as out, open(logs / f"node{node}.err", "w") as err:
                procs.append(subprocess.Popen(command, cwd=folder, env=env, stdout=out, stderr=err,
                                              start_new_session=True))  # fmt: skip
        deadline = time.monotonic() + TIMEOUT_S
        while any(proc.poll() is None for proc in procs) and time.monotonic() < deadline:
            if any(proc.poll() not in (None, 0) for proc in procs):
                deadline = min(deadline, time.monotonic() + grace_s)
            time.sleep(0.2)
    finally:
        for proc in procs:
            stop(proc)
    done = [
        subprocess.CompletedProcess(
            proc.args,
            proc.returncode,
            (logs / f"node{node}.out").read_text(),
            (logs / f"node{node}.err").read_text(),
        )  # fmt: skip
        for node, proc in enumerate(procs)
    ]
    if succeed:
        for node, finished in enumerate(done):
            assert finished.returncode == 0, (node, finished.stderr[-4000:])
    return done


def stop(proc: subprocess.Popen) -> None:
    """End ``proc`` and every process of its group (the launcher's workers), if it still runs."""
    if proc.poll() is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # any worker the exited launcher left behind
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is not None:
            return


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    sys.path.insert(0, str(HERE.parent / "translate"))
    from helpers_translate import write_anki

    return write_anki(tmp_path_factory.mktemp("corpus") / "tiny.tsv")


@pytest.mark.parametrize(
    "launcher",
    [
        "c10d",
        pytest.param("static", marks=pytest.mark.slow),
        pytest.param("accelerate", marks=pytest.mark.slow),
        pytest.param("accelerate-c10d", marks=pytest.mark.slow),
    ],
)
def test_two_nodes_write_once_and_agree(tmp_path, corpus, launcher, monkeypatch):
    data = sine_csv(tmp_path / "sine.csv")
    records = tmp_path / "records"  # the shared file system
    commands = {
        "forecast": ["forecast", "train", "--data", str(data), "--out", "forecast", *FORECAST],
        "translate": ["translate", "train", "--corpus", str(corpus), "--out", "translate", *TRANSLATE],
    }
    spec = {
        "out": str(records),
        "runs": [
            {"label": label, "argv": [*argv, "--epochs", str(EPOCHS)]} for label, argv in commands.items()
        ],
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    folders = [tmp_path / "node0", tmp_path / "node1"]
    script = [str(SCRIPT), str(tmp_path / "spec.json")]
    done = launch_nodes(node_commands(launcher, script), folders, tmp_path / "logs")

    # The launch had the two-node shape: 2 processes, each local rank 0 of its own node.
    places = [json.loads((records / f"process.rank{r}.json").read_text()) for r in (0, 1)]
    assert [p["LOCAL_RANK"] for p in places] == ["0", "0"] and {p["WORLD_SIZE"] for p in places} == {"2"}
    assert sorted(p["GROUP_RANK"] for p in places) == ["0", "1"], places
    # c10d numbers the nodes in the order they join; static ones as --node_rank/--machine_rank says.
    main_node = [f.resolve() for f in folders].index(Path(places[0]["cwd"]).resolve())
    assert launcher.endswith("c10d") or main_node == 0
    main_folder, other_folder = folders[main_node], folders[1 - main_node]
    main_out, other_out = done[main_node].stdout, done[1 - main_node].stdout

    # Global rank 0 alone wrote: the other node's disk is untouched, checkpoints included.
    assert files_under(other_folder) == [], files_under(other_folder)
    for label in commands:
        assert (records / f"{label}.rank0.status").read_text() == "0"
        assert (records / f"{label}.rank1.status").read_text() == "0"
        model, _ = find_model_folder(main_folder / label)
        weights0, history0 = fit_record(records, label, 0, 0)
        weights1, history1 = fit_record(records, label, 0, 1)
        assert_weights(weights0, weights1)  # DDP kept the replicas identical
        assert_weights(weights0, load_file(str(model / "model.safetensors")))
        strip = [
            [{k: v for k, v in row.items() if k != "seconds"} for row in h] for h in (history0, history1)
        ]
        assert strip[0] == strip[1]  # the reduced metrics, the same in both processes
        assert len(history0) == EPOCHS and history0[-1]["train_loss"] < history0[0]["train_loss"], history0
        # The run folder is OUT (or, before translate's --out became one, its sibling OUT.run).
        (checkpoint,) = main_folder.glob(f"{label}*/checkpoints/epoch-{EPOCHS:04d}")
        names = {p.name for p in checkpoint.iterdir()}
        assert {"random_states_0.pkl", "random_states_1.pkl", "trainer_state.json"} <= names, names
    # One printed table per command, on node 0's console only.
    assert main_out.count("forecaster ") == 1 and main_out.count("Verdict:") == 1, main_out
    assert other_out == "", other_out  # the launchers themselves print to stderr only

    if launcher != "c10d":
        return
    # 2 nodes x 1 process -> 1 process: the checkpoint on node 0's disk alone continues the run.
    histories: list[list[dict]] = []
    real_fit = Trainer.fit

    def recording_fit(self, *args, **kwargs):
        result = real_fit(self, *args, **kwargs)
        histories.append(result.history)
        return result

    monkeypatch.setattr(Trainer, "fit", recording_fit)
    monkeypatch.chdir(main_folder)
    assert main([*commands["forecast"], "--epochs", str(EPOCHS + 1), "--resume"]) == 0
    resumed = [{k: v for k, v in row.items() if k != "seconds"} for row in histories[0]]
    two_nodes = [
        {k: v for k, v in row.items() if k != "seconds"} for row in fit_record(records, "forecast", 0, 0)[1]
    ]
    assert len(resumed) == EPOCHS + 1 and resumed[:EPOCHS] == two_nodes
    assert resumed[-1]["train_loss"] < resumed[0]["train_loss"]


@pytest.mark.slow
def test_a_node_without_the_run_folder_fails_in_one_line(tmp_path, monkeypatch):
    """``--resume`` with the run on node 0's local disk only: the process on node 1 stops with one line
    saying the run folder must be shared, and node 1's launcher ends by itself. (Node 0's processes
    then wait for their peer, until torch's timeout or until killed, as here; docs/scale.md. The fast
    check of the message is in tests/utils/test_utils_runs.py.)"""
    data = sine_csv(tmp_path / "sine.csv")
    folders = [tmp_path / "node0", tmp_path / "node1"]
    argv = ["forecast", "train", "--data", str(data), "--out", "forecast", *FORECAST]
    folders[0].mkdir()
    monkeypatch.chdir(folders[0])
    assert main([*argv, "--epochs", "1"]) == 0  # a run that only node 0's disk holds
    monkeypatch.chdir(tmp_path)
    commands = node_commands("c10d", ["-m", "rnnkit", *argv, "--epochs", "2", "--resume"])
    done = launch_nodes(commands, folders, tmp_path / "logs", succeed=False, grace_s=5)
    node1 = done[1]
    assert node1.returncode == 1 and "death signal" not in node1.stderr, node1.stderr[-3000:]
    errors = [line for line in node1.stderr.splitlines() if line.startswith("rnnkit: error: ")]
    assert len(errors) == 1 and "nothing to resume: no checkpoint in forecast (seen from process" in errors[0]
    assert "on several nodes the run folder must be on a file system every node shares" in errors[0]
    assert files_under(folders[1]) == []  # nothing written on the node that lacked the run
