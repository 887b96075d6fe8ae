"""The schema of an explain task model's ``config.json`` (``explain gates --model``), checked before the
model is built; sizes bounded by :data:`rnnkit.utils.limits.SIZES`. And the reverse way: the settings
that trained a model, from its ``config.json``, for ``--config`` (:func:`settings_from_model`).

Light: no torch (the command line reads it when its options are declared).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rnnkit.utils.limits import SIZES
from rnnkit.utils.schema import Bool, Int, Obj, Str

# The training settings (rnnkit.explain.training.TrainSettings.flat()); absent in older folders. Their
# values are checked when they are used (--config runs them through the command's options).
TRAINING = Obj(required={})

EXPLAIN_CONFIG = Obj(
    required={
        "cell": Str(max_len=32),
        "task": Str(max_len=32),
        "length": Int.of(SIZES["seq_len"]),
        "hidden_size": Int.of(SIZES["hidden"]),
        "input_size": Int.of(SIZES["features"]),
        "output_size": Int.of(SIZES["features"]),
        "per_step": Bool(),
    },
    optional={"training": TRAINING},
)


# Training settings that no explain command has an option for; a model trained with other values (from
# Python) cannot be trained again from the command line, and --config says so instead of ignoring them.
NO_OPTION = ("val_size", "clip_norm", "lr_schedule", "lr_factor", "lr_patience")


def settings_from_model(command: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The ``--config`` reader of ``explain <command>``: a model folder's ``config.json`` -> the settings
    that trained it, named as that command's options (``--cell``/``--cells``, ``--length``/``--lengths``,
    ``--task``, ``--hidden-size``, the training options and ``--seed``).

    ``gates`` and ``gradient-flow`` train on the adding problem, so a copy-task model is refused; a
    setting the command has no option for must have its default value; a folder saved before its
    training settings were recorded is refused (it cannot say how it was trained).
    """

    def read(config: dict[str, Any]) -> dict[str, Any]:
        from rnnkit.explain.training import TrainSettings
        from rnnkit.utils.config_keys import renamed_keys
        from rnnkit.utils.errors import RnnkitError

        config = renamed_keys(config)  # folders written before one vocabulary say hidden
        training = config.get("training")
        if not isinstance(training, dict):
            raise RnnkitError(
                "this explain model's config.json has no training settings (saved before rnnkit "
                "recorded them): give the settings as options instead"
            )
        task, cell, length = config.get("task"), config.get("cell"), config.get("length")
        if command != "memory" and task != "adding":
            raise RnnkitError(
                f"explain {command} trains on the adding task; this model was trained on {task!r}"
            )
        defaults = TrainSettings().flat()
        optionless = NO_OPTION + (() if command == "memory" else ("patience",))
        for key in optionless:
            if training.get(key, defaults[key]) != defaults[key]:
                raise RnnkitError(
                    f"this model was trained with {key}={training[key]!r}, which explain {command} has no "
                    "option for; train it again from Python (rnnkit.explain.training.train_on_task)"
                )
        settings = {k: v for k, v in training.items() if k not in optionless}
        settings.update(task=task, cell=cell, cells=cell, length=length, lengths=str(length))
        return settings

    return read
