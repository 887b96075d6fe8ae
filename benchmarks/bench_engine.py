"""Per-step overhead of ``rnnkit.train.Trainer`` over a bare PyTorch loop on the same model and data.

The anchor is the plainest loop there is, measured in the same process::

    for x, y in loader:
        loss = mse(model(x), y); optimizer.zero_grad(); loss.backward(); optimizer.step()

The Trainer runs the same model (an LSTM regressor built from ``rnnkit.nn.make_layer``), the same
batches (same batch size, same number of steps) and the same AdamW. Both are timed per epoch; the two
alternate, round after round, so machine noise hits both alike; the script prints medians and the
ratio Trainer / bare (target: at most 1.10). Variants: the Trainer with gradient clipping, with the
progress display on, and with a run folder (metrics CSV + checkpoint after every epoch).

    python benchmarks/bench_engine.py                 # CPU, defaults below
    python benchmarks/bench_engine.py --device cuda --rounds 7
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
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


def bare_epoch(
    model: nn.Module, opt: torch.optim.Optimizer, loader: DataLoader, device: torch.device
) -> float:
    """One epoch of the bare loop; returns seconds (synchronised on GPU)."""
    t0 = time.perf_counter()
    for x, y in loader:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        loss = F.mse_loss(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def trainer_epochs(
    dataset: TensorDataset, args: argparse.Namespace, epochs: int, **config: object
) -> list[float]:
    """Seconds of each epoch of a Trainer run (from its history; no validation, so train only)."""
    torch.manual_seed(0)
    model = Regressor(args.features, args.hidden)
    cfg = TrainConfig(epochs=epochs, lr=1e-3, patience=None, device=args.device, **config)  # type: ignore[arg-type]
    trainer = Trainer(model, cfg, loss_fn)
    loader = DataLoader(dataset, batch_size=args.batch, shuffle=True)
    result = trainer.fit(loader)
    if trainer.device.type == "cuda":
        torch.cuda.synchronize()
    return [row["seconds"] for row in result.history]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each variant")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per round (after 1 warm-up)")
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

    variants = {
        "trainer": {"clip_norm": None, "show_progress": False},
        "trainer+clip": {"clip_norm": 1.0, "show_progress": False},
        "trainer+progress": {"clip_norm": None, "show_progress": True},
    }
    times: dict[str, list[float]] = {"bare": [], **{k: [] for k in variants}, "trainer+run_dir": []}
    for _ in range(args.rounds):
        torch.manual_seed(0)
        model = Regressor(args.features, args.hidden).to(device)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        loader = DataLoader(dataset, batch_size=args.batch, shuffle=True)
        bare_epoch(model, opt, loader, device)  # warm-up
        times["bare"] += [bare_epoch(model, opt, loader, device) for _ in range(args.epochs)]
        for name, cfg in variants.items():
            times[name] += trainer_epochs(dataset, args, args.epochs + 1, **cfg)[1:]
        with tempfile.TemporaryDirectory() as tmp:
            run_cfg = {"clip_norm": None, "show_progress": False, "run_dir": Path(tmp)}
            times["trainer+run_dir"] += trainer_epochs(dataset, args, args.epochs + 1, **run_cfg)[1:]

    bare = statistics.median(times["bare"])
    print(
        f"device {device}, torch {torch.__version__}, threads {torch.get_num_threads()}; "
        f"LSTM {args.features}->{args.hidden}, batch {args.batch}, length {args.length}, "
        f"{args.steps} steps/epoch, {args.rounds} rounds x {args.epochs} epochs"
    )
    print(f"{'variant':<18}{'median s/epoch':>16}{'ms/step':>10}{'ratio':>8}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<18}{med:>16.4f}{1000 * med / args.steps:>10.3f}{med / bare:>8.3f}")


if __name__ == "__main__":
    main()
