"""Two nodes on one machine: training commands under two-node launches, as docs/scale.md shows them.

Each "node" is its own launcher process (``torchrun --nnodes 2``, or ``accelerate launch
--num_machines 2``) with one process, started in its own working folder, which stands for the node's
local disk: the commands name their output by a relative path (``--out out``), so anything a
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
default suite; the static rendezvous (``--master_addr``) and ``accelerate launch`` run with
``-m slow``. Every launch uses free ports, a timeout, and kills its process groups when it fails.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
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
EPOCHS = 3

TRANSLATE = ["--cell", "gru", "--embed", "8", "--hidden", "16", "--vocab-size", "40", "--batch-size", "8",
             "--beam", "1", "--patience", "50", "--no-progress", "--device", "cpu"]  # fmt: skip


def free_port() -> int:
    """A TCP port nothing listens on now (the kernel's choice for port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_commands(launcher: str, spec: Path) -> list[list[str]]:
    """The launch line of node 0 and of node 1: docs/scale.md's two-node lines, one process per node.

    ``python -m torch.distributed.run`` is ``torchrun``, ``python -m accelerate.commands.launch`` is
    ``accelerate launch`` (run through this interpreter, so the test needs no scripts on PATH).
    """
    port = str(free_port())
    script = [str(SCRIPT), str(spec)]
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
    return [[*accelerate, "--machine_rank", str(node), *script] for node in range(2)]


def launch_nodes(commands: list[list[str]], folders: list[Path]) -> list[subprocess.CompletedProcess]:
    """Start every node's launcher at once (each in its folder), wait for all; kill all on a failure.

    Each launcher leads its own process group, so a timeout or an error ends it with every worker it
    started; nothing outlives the test.
    """
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)])}
    env.pop("CUDA_VISIBLE_DEVICES", None)
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "GROUP_RANK"):
        env.pop(name, None)  # a test run itself launched by torchrun must not leak its place
    procs: list[subprocess.Popen] = []
    done: list[subprocess.CompletedProcess] = []
    try:
        for command, folder in zip(commands, folders, strict=True):
            folder.mkdir(parents=True, exist_ok=True)
            procs.append(subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, start_new_session=True))  # fmt: skip
        for proc in procs:
            out, err = proc.communicate(timeout=TIMEOUT_S)
            done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    try:
                        os.killpg(proc.pid, sig)
                        proc.wait(timeout=10)
                        break
                    except ProcessLookupError:
                        break
                    except subprocess.TimeoutExpired:
                        continue
    for node, finished in enumerate(done):
        assert finished.returncode == 0, (node, finished.stderr[-4000:])
    return done


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
    done = launch_nodes(node_commands(launcher, tmp_path / "spec.json"), folders)

    # The launch had the two-node shape: 2 processes, each local rank 0 of its own node.
    places = [json.loads((records / f"process.rank{r}.json").read_text()) for r in (0, 1)]
    assert [p["LOCAL_RANK"] for p in places] == ["0", "0"] and {p["WORLD_SIZE"] for p in places} == {"2"}
    assert sorted(p["GROUP_RANK"] for p in places) == ["0", "1"], places
    # c10d numbers the nodes in the order they join; the others as --node_rank/--machine_rank says.
    main_node = [f.resolve() for f in folders].index(Path(places[0]["cwd"]).resolve())
    assert launcher == "c10d" or main_node == 0
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
