"""Experiment tracking: which trackers a training command logs to (``--log-with``).

The training engine logs every epoch's metrics through Accelerate's trackers (TensorBoard, Weights &
Biases, MLflow, ... whichever is installed); rnnkit's own ``metrics.csv`` in the run folder is always
written, so ``csv`` needs no tracker. Like the thread policy, the command line records the choice here
for the command's lifetime, and :class:`rnnkit.train.TrainConfig` with ``log_with=None`` follows it, so
every training command honours ``--log-with`` without each application passing it along.
"""

from __future__ import annotations

TRACKERS = ("csv", "tensorboard", "wandb", "mlflow", "comet_ml", "aim", "clearml", "dvclive")
"""Names ``--log-with`` accepts: ``csv`` is rnnkit's metrics.csv; the others are Accelerate's trackers."""

# What to install per tracker (Accelerate's own is_<name>_available says whether it is there): without
# it Accelerate only warns and trains without logging, so a missing one is refused in one line instead.
_PACKAGES = {"tensorboard": "tensorboard", "wandb": "wandb", "mlflow": "mlflow", "comet_ml": "comet-ml",
             "aim": "aim", "clearml": "clearml", "dvclive": "dvclive"}  # fmt: skip

_chosen: tuple[str, ...] = ()


def check_installed(names: tuple[str, ...]) -> None:
    """Raise a one-line :class:`~rnnkit.utils.errors.RnnkitError` for a tracker whose package is missing."""
    wanted = [name for name in names if name in _PACKAGES]
    if not wanted:
        return  # csv alone, or nothing: Accelerate (and torch) need not be imported to say so
    import accelerate.utils

    from rnnkit.utils.errors import RnnkitError

    for name in wanted:
        if not getattr(accelerate.utils, f"is_{name}_available")():
            package = _PACKAGES[name]
            raise RnnkitError(
                f"--log-with {name} needs the {package} package, which is not installed: pip install {package}"
            )


def choose_trackers(names: tuple[str, ...]) -> tuple[str, ...]:
    """Record the command line's trackers; return the previous choice."""
    global _chosen
    previous, _chosen = _chosen, tuple(names)
    return previous


def chosen_trackers() -> tuple[str, ...]:
    return _chosen


def accelerate_trackers(names: tuple[str, ...]) -> list[str]:
    """The names Accelerate must start (``csv`` is rnnkit's own metrics.csv, always written)."""
    from rnnkit.utils.errors import RnnkitError

    unknown = [n for n in names if n not in TRACKERS]
    if unknown:
        raise RnnkitError(f"unknown tracker {unknown[0]!r}; known: {', '.join(TRACKERS)}")
    check_installed(names)
    return [n for n in dict.fromkeys(names) if n != "csv"]
