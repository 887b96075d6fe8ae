"""Per-step overhead of ``rnnkit.train.Trainer`` over a bare PyTorch loop on the same model and data.

The anchor is the plainest loop there is, measured in the same process::

    for x, y in loader:
        loss = mse(model(x), y); optimizer.zero_grad(); loss.backward(); optimizer.step()

The Trainer runs the same model (an LSTM regressor built from ``rnnkit.nn.make_layer``), the same
batches (same batch size, same number of steps) and the same AdamW. Each variant is timed over whole
runs of a few epochs (``Trainer.fit`` included end to end); the variants alternate, round after round,
so machine noise hits them alike; the script prints medians per epoch and ratios to the anchor
(target: at most 1.10). Variants: clipping (against a bare loop that clips too), the progress display,
and a run folder (metrics CSV and a checkpoint after every epoch: a per-epoch, not per-step, cost).

    python benchmarks/bench_engine.py                 # CPU, defaults below
    python benchmarks/bench_engine.py --device cuda --rounds 7
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from rnnkit.nn import make_layer
from rnnkit.train import TrainConfig, Trainer
from rnnkit.utils.device import resolve_device


class Regressor(nn.Module):
    """LSTM over the sequence, a linear head on the last step: (N, L, F) -> (N, 1)."""

    def __init__(self, features: int, hidden: int) -> None:
        super().__init__()
        self.rnn = make_layer("lstm", features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (N, L, H)
        return self.head(out[:, -1])  # (N, 1)


def loss_fn(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    x, y = batch
    return F.mse_loss(model(x), y)


def bare_run(dataset: TensorDataset, args: argparse.Namespace, epochs: int, clip: bool = False) -> float:
    """Seconds for ``epochs`` epochs of the bare loop (model and loader built outside the clock)."""
    device = resolve_device(args.device)
    torch.manual_seed(0)
    model = Regressor(args.features, args.hidden).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(dataset, batch_size=args.batch, shuffle=True)
    t0 = time.perf_counter()
    for _ in range(epochs):
        for x, y in loader:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            loss = F.mse_loss(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def trainer_run(dataset: TensorDataset, args: argparse.Namespace, epochs: int, **config: object) -> float:
    """Seconds for ``Trainer.fit`` over ``epochs`` epochs (model and Trainer built outside the clock).

    The clock covers everything ``fit`` does: preparing the loader, the steps, the loss reduction,
    and, with a run folder, the metrics CSV and a checkpoint after every epoch.
    """
    torch.manual_seed(0)
    model = Regressor(args.features, args.hidden)
    cfg = TrainConfig(epochs=epochs, lr=1e-3, patience=None, device=args.device, **config)  # type: ignore[arg-type]
    trainer = Trainer(model, cfg, loss_fn)
    loader = DataLoader(dataset, batch_size=args.batch, shuffle=True)
    t0 = time.perf_counter()
    trainer.fit(loader)
    if trainer.device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each variant")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per timed run")
    parser.add_argument("--steps", type=int, default=50, help="optimizer steps per epoch")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=50)
    parser.add_argument("--features", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=64)
    args = parser.parse_args()
    device = resolve_device(args.device)

    g = torch.Generator().manual_seed(0)
    n = args.steps * args.batch
    x = torch.randn(n, args.length, args.features, generator=g)  # (N, L, F)
    y = x[:, -5:, :2].sum(dim=(1, 2)).unsqueeze(1)  # (N, 1)
    dataset = TensorDataset(x, y)

    quiet = {"show_progress": False}
    variants: dict[str, Callable[[], float]] = {
        "bare": lambda: bare_run(dataset, args, args.epochs),
        "trainer": lambda: trainer_run(dataset, args, args.epochs, clip_norm=None, **quiet),
        "bare+clip": lambda: bare_run(dataset, args, args.epochs, clip=True),
        "trainer+clip": lambda: trainer_run(dataset, args, args.epochs, clip_norm=1.0, **quiet),
        "trainer+progress": lambda: trainer_run(
            dataset, args, args.epochs, clip_norm=None, show_progress=True
        ),
    }
    anchors = {
        "trainer": "bare",
        "bare+clip": "bare",
        "trainer+clip": "bare+clip",
        "trainer+progress": "bare",
    }
    for run in variants.values():  # warm-up: allocator, kernels, lazy imports
        run()

    def with_run_dir() -> float:
        with tempfile.TemporaryDirectory() as tmp:
            return trainer_run(dataset, args, args.epochs, clip_norm=None, run_dir=Path(tmp), **quiet)

    variants["trainer+run_dir"] = with_run_dir
    anchors["trainer+run_dir"] = "bare"
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for r in range(args.rounds):
        # Rotate the order every round, so no variant always runs first (or right after another).
        for name in names[r % len(names) :] + names[: r % len(names)]:
            times[name].append(variants[name]() / args.epochs)

    print(
        f"device {device}, torch {torch.__version__}, threads {torch.get_num_threads()}; "
        f"LSTM {args.features}->{args.hidden}, batch {args.batch}, length {args.length}, "
        f"{args.steps} steps/epoch, {args.rounds} rounds x {args.epochs} epochs"
    )
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{'variant':<18}{'median s/epoch':>16}{'ms/step':>10}{'ratio':>8}  against")
    for name, med in medians.items():
        anchor = anchors.get(name, name)
        print(
            f"{name:<18}{med:>16.4f}{1000 * med / args.steps:>10.3f}{med / medians[anchor]:>8.3f}  {anchor}"
        )


if __name__ == "__main__":
    main()
