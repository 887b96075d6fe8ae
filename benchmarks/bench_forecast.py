"""Forecast speed: training time of the default model and ``rnnkit forecast predict`` latency.

Each figure is printed beside an anchor measured in the same run, as a ratio:

- training: ``rnnkit.forecast`` (Trainer on Accelerate, quantile LSTM, early stopping) against a plain
  PyTorch loop of the same model size (``torch.nn.LSTM`` + linear head, AdamW, same batches, same
  number of epochs as rnnkit ran). Both on one thread, both in this process after a warm-up.
- predict: the ``rnnkit forecast predict`` command in a fresh process against ``python -c "import
  torch"`` in a fresh process (the floor for any command that uses torch); ``import torch, pandas``
  (pandas reads the CSV) is printed too.

Wall times are medians; CPU times (user + sys) are given too, because on a shared machine the wall
time includes waiting for a core.

    python benchmarks/bench_forecast.py [--repeats 3] [--data ibm]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_rnnkit_training(data: str, seed: int) -> tuple[float, float, int]:
    """(wall s, cpu s, epochs run) for the default model on ``data``, data loading included."""
    from rnnkit.forecast.data import load_series
    from rnnkit.forecast.fit import train_forecaster
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.forecast.prepare import prepare

    t0, c0 = time.perf_counter(), _cpu_self()
    prep = prepare(load_series(data), 4, 1, "returns")
    _, fit = train_forecaster(prep, Hyper(), seed=seed, device="cpu", show_progress=False)
    return time.perf_counter() - t0, _cpu_self() - c0, fit.epochs_run


def time_plain_loop(data: str, epochs: int, seed: int) -> tuple[float, float]:
    """(wall s, cpu s): the same model size trained by a bare PyTorch loop, for ``epochs`` epochs."""
    from rnnkit.forecast.data import load_series
    from rnnkit.forecast.prepare import prepare

    t0, c0 = time.perf_counter(), _cpu_self()
    prep = prepare(load_series(data), 4, 1, "returns")
    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(prep.x.shape[-1], 32, batch_first=True)
    head = torch.nn.Linear(32, 3)
    params = [*lstm.parameters(), *head.parameters()]
    opt = torch.optim.AdamW(params, lr=3e-3)
    q = torch.tensor([0.1, 0.5, 0.9])
    x = torch.from_numpy(prep.x[prep.train])
    z = torch.from_numpy(prep.z_scaled[prep.train])
    xv, zv = torch.from_numpy(prep.x[prep.val]), torch.from_numpy(prep.z_scaled[prep.val])
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=gen).split(128):
            out, _ = lstm(x[idx])
            err = z[idx] - head(out[:, -1])  # (B, 3)
            loss = torch.maximum(q * err, (q - 1) * err).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
        with torch.no_grad():
            out, _ = lstm(xv)
            err = zv - head(out[:, -1])
            float(torch.maximum(q * err, (q - 1) * err).mean())
    return time.perf_counter() - t0, _cpu_self() - c0


def time_command(argv: list[str]) -> tuple[float, float]:
    """(wall s, cpu s) of one fresh process."""
    c0 = _cpu_children()
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - t0, _cpu_children() - c0


def median_pair(runs: list[tuple[float, ...]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", default="ibm")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"python {platform.python_version()}, torch {torch.__version__}"
    )

    time_rnnkit_training(args.data, seed=0)  # warm-up: imports, first allocations
    ours = [time_rnnkit_training(args.data, seed=s) for s in range(args.repeats)]
    epochs = int(np.median([r[2] for r in ours]))
    plain = [time_plain_loop(args.data, epochs, seed=s) for s in range(args.repeats)]
    ow, oc = median_pair(ours)
    pw, pc = median_pair(plain)
    print(f"\ntraining the default model on {args.data} (median of {args.repeats}, {epochs} epochs):")
    print(f"  rnnkit forecast      wall {ow:6.2f} s  cpu {oc:6.2f} s")
    print(f"  plain PyTorch loop   wall {pw:6.2f} s  cpu {pc:6.2f} s")
    print(f"  ratio rnnkit / plain wall {ow / pw:6.2f}    cpu {oc / pc:6.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "run"
        rnnkit = [sys.executable, "-m", "rnnkit"]
        subprocess.run(
            [*rnnkit, "forecast", "train", "--data", args.data, "--out", str(model), "--quiet"],
            check=True,
            capture_output=True,
        )
        predict = [
            *rnnkit,
            "forecast",
            "predict",
            "--model",
            str(model / "model"),
            "--data",
            args.data,
            "--quiet",
        ]
        floor = [sys.executable, "-c", "import torch"]
        floor_pd = [sys.executable, "-c", "import torch, pandas"]
        time_command(predict)  # warm-up: file system caches
        n = max(args.repeats, 5)
        pred = [time_command(predict) for _ in range(n)]
        base = [time_command(floor) for _ in range(n)]
        base_pd = [time_command(floor_pd) for _ in range(n)]
    rw, rc = median_pair(pred)
    bw, bc = median_pair(base)
    pw2, pc2 = median_pair(base_pd)
    print(f"\nrnnkit forecast predict, fresh process (median of {len(pred)}):")
    print(f"  rnnkit forecast predict  wall {rw:6.2f} s  cpu {rc:6.2f} s")
    print(f"  python -c 'import torch' wall {bw:6.2f} s  cpu {bc:6.2f} s")
    print(f"  ... 'import torch, pandas' wall {pw2:6.2f} s  cpu {pc2:6.2f} s")
    print(f"  ratio predict / import   wall {rw / bw:6.2f}    cpu {rc / bc:6.2f}")


if __name__ == "__main__":
    main()
