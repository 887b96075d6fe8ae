"""Data-parallel scaling of ``rnnkit.train.Trainer``: training throughput on 1 and 2 processes.

Each configuration is a fresh ``torchrun --standalone --nproc_per_node N`` launch of this script in
worker mode, training the same model (a GRU regressor from ``rnnkit.nn.make_layer``) on the same data
with the same global batch (every batch is split among the processes, see ``rnnkit.train.shard``):
``--epochs`` epochs of ``--items`` sequences. Throughput is training items per second over the epochs
after the first (start-up, process-group joins and first-touch allocation excluded), as the engine
measures them (``history[*]["seconds"]``, which excludes nothing else: the gradient all-reduce, the
loss reduction and validation are in). The launches alternate, round after round (1, 2, 1, 2, ...), so
load that drifts during the run hits both alike; the script prints the median per configuration and
the ratio of the medians.

    python benchmarks/bench_scale.py                          # CPU (gloo), 1 thread per process
    python benchmarks/bench_scale.py --device cuda --procs 1,2 --batch 256
    python benchmarks/bench_scale.py --device cuda --procs 1 --plain --batch 256   # 1 GPU vs cuDNN

On CPU each process gets one thread (``OMP_NUM_THREADS=1``), so 2 processes use 2 cores against 1.

``--plain`` adds, in every round, a reference without rnnkit: a plain single-process PyTorch loop
(no launcher, no Accelerate) over the same data, batches, optimizer (AdamW, lr 1e-3) and validation,
with ``torch.nn.GRU`` (cuDNN on a GPU) in place of rnnkit's GRU; timed the same way (epochs after the
first, validation included, the epoch ending on a host read of its loss). Its row's ratio, against the
first ``--procs`` entry, answers "what does 1 GPU through ``rnnkit.train`` cost against cuDNN
single-process training".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def worker(args: argparse.Namespace) -> None:
    """One launch: train and (process 0) write the per-epoch seconds to ``args.result``."""
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    from rnnkit.nn import make_layer
    from rnnkit.train import TrainConfig, Trainer

    class Regressor(nn.Module):
        """GRU over the sequence, a linear head on the last step: (N, L, F) -> (N, 1)."""

        def __init__(self) -> None:
            super().__init__()
            self.rnn = make_layer("gru", args.features, args.hidden, batch_first=True)
            self.head = nn.Linear(args.hidden, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out, _ = self.rnn(x)  # (N, L, H)
            return self.head(out[:, -1])  # (N, 1)

    torch.manual_seed(0)
    x = torch.randn(args.items, args.length, args.features)  # (N, L, F)
    y = x[:, :, 0].mean(dim=1, keepdim=True)  # (N, 1): a learnable target
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch, shuffle=True)
    val = DataLoader(TensorDataset(x[:64], y[:64]), batch_size=64)
    config = TrainConfig(epochs=args.epochs, lr=1e-3, patience=None, seed=0, device=args.device,
                         show_progress=False)  # fmt: skip
    trainer = Trainer(Regressor(), config, lambda m, b: F.mse_loss(m(b[0]), b[1]))
    fit = trainer.fit(loader, val)
    if trainer.is_main:
        seconds = [row["seconds"] for row in fit.history]
        doc = {"processes": trainer.accelerator.num_processes, "seconds": seconds, "loss": fit.history[-1]}
        Path(args.result).write_text(json.dumps(doc))


def plain_worker(args: argparse.Namespace) -> None:
    """The reference: a plain PyTorch loop with ``torch.nn.GRU`` (cuDNN on a GPU), one process."""
    import time

    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    class Regressor(nn.Module):
        """As in :func:`worker`, on ``torch.nn.GRU``: (N, L, F) -> (N, 1)."""

        def __init__(self) -> None:
            super().__init__()
            self.rnn = nn.GRU(args.features, args.hidden, batch_first=True)
            self.head = nn.Linear(args.hidden, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out, _ = self.rnn(x)  # (N, L, H)
            return self.head(out[:, -1])  # (N, 1)

    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else args.device)
    torch.manual_seed(0)
    x = torch.randn(args.items, args.length, args.features)  # (N, L, F)
    y = x[:, :, 0].mean(dim=1, keepdim=True)  # (N, 1)
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch, shuffle=True)
    val_x, val_y = x[:64].to(device), y[:64].to(device)
    model = Regressor().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    seconds = []
    for _ in range(args.epochs):
        t0 = time.monotonic()
        total = torch.zeros((), device=device)
        for xb, yb in loader:
            loss = F.mse_loss(model(xb.to(device)), yb.to(device))
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            total += loss.detach()
        with torch.no_grad():
            val = F.mse_loss(model(val_x), val_y)
        float(total), float(val)  # the host waits for the device, as the engine's epoch does
        seconds.append(time.monotonic() - t0)
    Path(args.result).write_text(json.dumps({"processes": "plain", "seconds": seconds}))


def launch(args: argparse.Namespace, procs: int, result: Path) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(procs),
           __file__, "--worker", "--result", str(result), *args.passthrough]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"launch with {procs} processes failed:\n{done.stderr[-3000:]}")
    return json.loads(result.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plain-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help="add a plain torch.nn.GRU (cuDNN) reference")
    parser.add_argument("--result", default="", help=argparse.SUPPRESS)
    parser.add_argument("--procs", default="1,2", help="process counts to compare (first = reference)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="threads per process")
    parser.add_argument("--items", type=int, default=2048)
    parser.add_argument("--length", type=int, default=32)
    parser.add_argument("--features", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--batch", type=int, default=64, help="global batch (split among processes)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.plain_worker:
        plain_worker(args)
        return
    keys = ("items", "length", "features", "hidden", "batch", "epochs", "device")
    args.passthrough = [f"--{k}={getattr(args, k)}" for k in keys]
    procs: list[int | str] = [int(p) for p in args.procs.split(",")]
    if args.plain:
        procs.append("plain")
    rates: dict[int | str, list[float]] = {p: [] for p in procs}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for p in procs:
                result = Path(tmp) / f"{r}-{p}.json"
                doc = launch(args, p, result) if p != "plain" else run_plain(args, result)
                timed = doc["seconds"][1:] or doc["seconds"]  # the first epoch warms up
                rates[p].append(args.items * len(timed) / sum(timed))
                print(f"round {r + 1}: {p} process(es): {rates[p][-1]:.0f} items/s", flush=True)
    base = statistics.median(rates[procs[0]])
    print(f"\n{'processes':>9}  {'items/s (median)':>16}  {'ratio':>6}")
    for p in procs:
        median = statistics.median(rates[p])
        print(f"{p:>9}  {median:>16.0f}  {median / base:>6.2f}")


def run_plain(args: argparse.Namespace, result: Path) -> dict:
    """The plain reference in a fresh process (no launcher), like the launches."""
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "PYTHONPATH": str(SRC)}
    cmd = [sys.executable, __file__, "--plain-worker", "--result", str(result), *args.passthrough]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the plain reference failed:\n{done.stderr[-3000:]}")
    return json.loads(result.read_text())


if __name__ == "__main__":
    main()
