"""Reproducibility beyond the main process: random augmentations in ``DataLoader`` worker processes."""

from __future__ import annotations

import pytest
import torch
from helpers_train import assert_same_weights, fresh_model, mse, regression_data, weights
from torch.utils.data import DataLoader, Dataset

from rnnkit.train import TrainConfig, Trainer, make_loader


class NoisyRegression(Dataset):
    """``regression_data`` with noise added where a worker reads each item: a random augmentation."""

    def __init__(self) -> None:
        self.data = regression_data()

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = self.data[i]
        return x + 0.1 * torch.randn(x.shape), y  # (L, 2), (1,)


def _fit(epochs: int, run_dir, shuffle: bool, resume: bool = False, plain: bool = False):
    model = fresh_model(0)
    if plain:  # the user's own loader, with a generator of its own (which the workers' seeds come from)
        generator = torch.Generator().manual_seed(0)
        loader = DataLoader(
            NoisyRegression(), batch_size=8, shuffle=shuffle, num_workers=1, generator=generator
        )
    else:
        loader = make_loader(NoisyRegression(), batch_size=8, shuffle=shuffle, seed=0, num_workers=1)
    config = TrainConfig(epochs=epochs, lr=1e-2, patience=None, device="cpu", show_progress=False,
                         run_dir=run_dir, resume=resume, seed=0)  # fmt: skip
    result = Trainer(model, config, mse).fit(loader)
    return weights(model), [row["train_loss"] for row in result.history]


@pytest.mark.parametrize(("shuffle", "plain"), [(True, False), (False, False), (True, True)])
def test_worker_augmentations_resume_as_an_unbroken_run(tmp_path, shuffle, plain):
    """Before, the workers' seeds came from a generator seeded once per loader, so the first epoch
    after a resume drew epoch 1's augmentations again and the weights parted from the straight run's."""
    straight, straight_losses = _fit(3, tmp_path / "straight", shuffle, plain=plain)
    _fit(1, tmp_path / "broken", shuffle, plain=plain)
    resumed, resumed_losses = _fit(3, tmp_path / "broken", shuffle, resume=True, plain=plain)
    assert resumed_losses == straight_losses
    assert_same_weights(straight, resumed)


def test_worker_augmentations_differ_between_epochs_and_repeat_outside_the_trainer():
    def draws() -> list[torch.Tensor]:
        loader = make_loader(NoisyRegression(), batch_size=48, shuffle=False, seed=3, num_workers=1)
        return [next(iter(loader))[0] for _ in range(2)]  # each pass is the next epoch

    first, second = draws(), draws()
    assert not torch.equal(first[0], first[1])
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
