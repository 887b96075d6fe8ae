"""Why gates matter: the lecture's "problem of the basic RNN", measured and plotted.

- :mod:`rnnkit.explain.gradient_flow`: ``||dh_T/dh_t||`` and ``||dL/dx_t||`` over time (vanishing gradient).
- :mod:`rnnkit.explain.memory_tasks`: the adding problem and the copy task, with their trivial baselines.
- :mod:`rnnkit.explain.models`: the compared variants (``rnn``, ``rnn-relu``, ``irnn``, ``lstm``, ``gru``).
- :mod:`rnnkit.explain.training`: ``TrainSettings`` (model config + shared fit options + split sizes)
  and the recipe that trains a variant on a task with :mod:`rnnkit.train`; test error.
- :mod:`rnnkit.explain.gates`: LSTM/GRU gate activations over a sequence; explain model folders.
- :mod:`rnnkit.explain.config_schema`: a model folder's ``config.json``, checked; the settings that
  trained it, for ``--config``.
- :mod:`rnnkit.explain.plots`, :mod:`rnnkit.explain.runs`: PNGs, and the jobs end to end.
- :mod:`rnnkit.explain.resume`: the run folder of ``memory`` and ``gradient-flow`` (``--resume``).
- :mod:`rnnkit.explain.cli`: ``rnnkit explain gradient-flow | memory | gates``; ``demo``: the demo section.

``from rnnkit.explain import TaskModel`` gives the trained task model (``rnnkit.load`` returns one for an
explain model folder), as ``rnnkit.forecast`` gives its Forecaster; loaded only when asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TaskModel"]


def __getattr__(name: str) -> Any:
    # Lazy, so that ``rnnkit explain --help`` (which imports this package first) stays light.
    if name == "TaskModel":
        from rnnkit.explain.models import TaskModel

        return TaskModel
    raise AttributeError(f"module 'rnnkit.explain' has no attribute {name!r}")
