"""The baseline a skeptic asks for on digit strings: a per-position classifier of the captioner's size.

Reading a number is not obviously a sequence problem: with at most six digits, one can classify each
position independently. This model has the captioner's encoder (the same small CNN, trained from
scratch) and, instead of a recurrent decoder, an MLP on the flattened feature grid with one softmax per
position over ``0..9`` and ``blank``::

    v = [f_1; ...; f_L]                          (N, L*D)
    z = dropout(relu(W_1 v + b_1))               (N, H)
    p(position k) = softmax(W_2^k z + b_2^k)     (N, 6, 11)

``H`` is chosen so that the whole model has as many parameters as the captioner it is compared with.
Trained like the captioner (AdamW, same epochs and batch size, the same distortion of the training
images, the epoch with the best validation sequence accuracy kept); read out as the digits of the
non-blank positions, in order.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from rnnkit.caption.encoder import make_encoder

BLANK = 10


class PositionReader(nn.Module):
    """Encoder + MLP with one 11-way softmax per position. Inputs uint8 ``(N, 3, S, S)``; outputs
    logits ``(N, positions, 11)``."""

    def __init__(self, channels: int, locations: int, hidden: int, positions: int = 6, dropout: float = 0.2):
        super().__init__()
        self.encoder = make_encoder("cnn", channels)
        self.positions = positions
        self.head = nn.Sequential(
            nn.Linear(channels * locations, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, positions * 11),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(images).flatten(1)).view(len(images), self.positions, 11)


def hidden_for(params: int, channels: int, locations: int, positions: int = 6) -> int:
    """The MLP width that gives the whole model about ``params`` parameters."""
    encoder = sum(p.numel() for p in make_encoder("cnn", channels).parameters())
    per_unit = channels * locations + 1 + positions * 11
    return max(8, (params - encoder - positions * 11) // per_unit)


def targets(numbers: Sequence[str], positions: int = 6) -> torch.Tensor:
    """``"351"`` -> ``[3, 5, 1, blank, blank, blank]``, as ``(N, positions)`` long."""
    out = torch.full((len(numbers), positions), BLANK, dtype=torch.long)
    for i, number in enumerate(numbers):
        for k, ch in enumerate(number[:positions]):
            out[i, k] = int(ch)
    return out


def read_out(logits: torch.Tensor) -> list[list[str]]:
    """Logits ``(N, positions, 11)`` -> the digits of the non-blank positions, as token lists."""
    return [[str(c) for c in row if c != BLANK] for row in logits.argmax(dim=2).tolist()]


def train_position_reader(
    train_images: torch.Tensor,
    train_numbers: Sequence[str],
    val_images: torch.Tensor,
    val_numbers: Sequence[str],
    params: int,
    channels: int,
    locations: int,
    epochs: int,
    batch_size: int = 64,
    lr: float = 1e-3,
    seed: int = 0,
    augment: str = "none",
) -> PositionReader:
    """Train the baseline; returns the model of the epoch with the best validation sequence accuracy.

    ``augment="elastic"`` distorts the training images as the captioner's training does (``augment.py``).
    """
    from rnnkit.train import TrainConfig
    from rnnkit.train.recipe import fit_model
    from rnnkit.utils.seeding import seed_everything

    seed_everything(seed)
    model = PositionReader(channels, locations, hidden_for(params, channels, locations))
    train_set = torch.utils.data.TensorDataset(train_images, targets(train_numbers))
    loader = torch.utils.data.DataLoader(train_set, batch_size=batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(seed))  # fmt: skip
    val_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(val_images, targets(val_numbers)),
                                             batch_size=256)  # fmt: skip

    def loss(m: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        images, y = batch
        if augment == "elastic" and m.training:
            from rnnkit.caption.augment import distort

            images = distort(images)
        return nn.functional.cross_entropy(m(images).reshape(-1, 11), y.reshape(-1))

    def evaluate(m: nn.Module, batches) -> dict[str, float]:
        right = total = 0
        for images, y in batches:
            right += int((m(images).argmax(dim=2) == y).all(dim=1).sum())
            total += len(y)
        return {"sequence accuracy": right / max(total, 1)}

    cfg = TrainConfig(epochs=epochs, lr=lr, clip_norm=5.0, patience=None, monitor="sequence accuracy",
                      mode="max", seed=seed, device="cpu", show_progress=False)  # fmt: skip
    return fit_model(model, cfg, loss, loader, val_loader, evaluate).model.eval()
