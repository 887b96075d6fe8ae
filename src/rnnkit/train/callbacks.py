"""Callbacks: a user's own code at fixed points of :meth:`rnnkit.train.Trainer.fit`.

Subclass :class:`Callback` and override what you need::

    class StopAtLoss(Callback):
        def on_epoch_end(self, trainer, metrics):
            return metrics["val_loss"] < 0.01      # True asks the trainer to stop after this epoch

    Trainer(model, config, loss_fn, callbacks=[StopAtLoss()]).fit(train, valid)

A stop asked for by a callback is recorded like early stopping (the best weights are restored, and a
resumed run does not train further). Every process calls its callbacks; write files only where
``trainer.is_main``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rnnkit.train.config import FitResult


class Callback:
    """No-op hooks; override any of them."""

    def on_fit_start(self, trainer: Any) -> None:
        """Before the first epoch (after a resumed run's state is loaded)."""

    def on_epoch_end(self, trainer: Any, metrics: dict[str, float]) -> bool | None:
        """After each epoch, with its row (``epoch``, ``train_loss``, validation metrics, ``lr``,
        ``seconds``); return True to stop training after this epoch."""
        return None

    def on_fit_end(self, trainer: Any, result: FitResult) -> None:
        """After training, with the model holding the best weights."""
