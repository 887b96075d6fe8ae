"""What the gates of a trained LSTM (or GRU) do over one sequence of the adding problem.

An LSTM step (DESIGN.md) is ``c_t = f_t * c_{t-1} + i_t * g_t``, ``h_t = o_t * tanh(c_t)``. On the adding
problem a working LSTM should keep its forget gate ``f_t`` near 1 (hold the first marked number) and
open its input gate ``i_t`` on the two marked steps (write the number into the cell state ``c_t``).
:func:`gate_traces` reads every gate with ``return_gates=True`` from :mod:`rnnkit.nn`, and
:func:`gate_statistics` measures those two claims over a test set.

Model folders (:func:`save_task_model`, :func:`load_task_model`) hold a
:class:`~rnnkit.explain.models.TaskModel` with ``config.json`` keys ``application="explain"``,
``task``, ``length``, the architecture (``cell``, ``hidden_size``, ``input_size``, ``output_size``,
``per_step``) and, since issue 15, the ``training`` settings that made it.

Shapes: ``N`` sequences, ``L`` steps, ``H`` hidden units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from rnnkit.explain.memory_tasks import check_task
from rnnkit.explain.models import TaskModel, get_variant
from rnnkit.utils.errors import RnnkitError

if TYPE_CHECKING:
    from rnnkit.train.modelcard import ModelCard

# cell -> the panels to draw: (gate field name, label), top to bottom.
GATE_PANELS: dict[str, tuple[tuple[str, str], ...]] = {
    "lstm": (
        ("forget", "forget gate f_t"),
        ("input", "input gate i_t"),
        ("output", "output gate o_t"),
        ("c", "cell state c_t"),
    ),
    "gru": (
        ("update", "update gate z_t (keep old h)"),
        ("reset", "reset gate r_t"),
        ("new", "candidate n_t"),
    ),
}
GATE_CELLS = tuple(GATE_PANELS)


def check_gate_cell(cell: str) -> str:
    """``cell`` if it has gates to show, else :class:`RnnkitError` listing the ones that do."""
    if cell not in GATE_PANELS:
        raise RnnkitError(f"cell {cell!r} has no gates to show; choose one of: {', '.join(GATE_CELLS)}")
    return cell


@torch.no_grad()
def gate_traces(model: TaskModel, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Every gate of ``model``'s recurrent layer over the sequences ``x`` ``(N, L, F)``.

    Outputs:
        ``{name: (N, L, H)}`` for the names of :data:`GATE_PANELS` for the model's cell, plus ``"h"``
        (the hidden state).
    """
    cell = check_gate_cell(get_variant(model.variant).cell)
    device = next(model.parameters()).device
    out, _, gates = model.rnn(x.to(device), return_gates=True)  # out (N, L, H)
    traces = {name: getattr(gates, name)[0].cpu() for name, _ in GATE_PANELS[cell]}  # (N, L, H) each
    traces["h"] = out.cpu()
    return traces


HOLDING_FORGET = 0.9  # a unit whose mean forget gate exceeds this keeps its cell state for ~10+ steps

# Gate values (sequences x steps x units) one pass of the statistics may hold. They read 512 test
# sequences; in one pass that was 1.3 GB at --length 400 and some 13 GB at --length 1000
# --hidden-size 256, more than many GPUs have. The default (L=100, H=64) still takes one pass.
STATS_ELEMENTS = 4 * 1024 * 1024


@dataclass
class UnitMeans:
    """Per-unit means of one gate, ``(H,)`` each, in float64: over every step, over the marked steps
    and over the others."""

    all: torch.Tensor
    marked: torch.Tensor
    other: torch.Tensor


def unit_means(
    model: TaskModel, x: torch.Tensor, names: tuple[str, ...], max_elements: int = STATS_ELEMENTS
) -> dict[str, UnitMeans]:
    """:class:`UnitMeans` of the gates ``names`` over adding-problem inputs ``x`` ``(N, L, 2)``.

    Sums in float64 over chunks of sequences of at most ``max_elements`` gate values each (one
    sequence at least), so memory does not grow with ``N``.
    """
    _, length, _ = x.shape
    per_sequence = length * model.rnn.hidden_size
    sums: dict[str, list[torch.Tensor]] = {}
    marked_count = other_count = 0
    for chunk in x.split(max(1, max_elements // per_sequence)):  # (n, L, 2)
        traces = gate_traces(model, chunk)
        marked = chunk[..., 1].bool()  # (n, L)
        marked_count += int(marked.sum())
        other_count += int((~marked).sum())
        for name in names:
            values = traces[name].double()  # (n, L, H)
            parts = (values.sum(dim=(0, 1)), values[marked].sum(dim=0), values[~marked].sum(dim=0))
            sums[name] = (
                [a + b for a, b in zip(sums[name], parts, strict=True)] if name in sums else list(parts)
            )
    total = marked_count + other_count
    return {
        name: UnitMeans(s[0] / total, s[1] / marked_count, s[2] / other_count) for name, s in sums.items()
    }


NO_OTHER_STEP = "none (every step is marked)"


def every_step_marked(marked: float, other: float) -> bool:
    """A mean over the marked steps but none over the others: at length 2 both steps are marked (one in
    each half), and the mean over no step is NaN. (A diverged model's NaN is NaN on the marked ones too.)"""
    return math.isfinite(marked) and math.isnan(other)


def _other(marked: float, value: float) -> object:
    """A figure about the unmarked steps, or the words saying there are none (the table printed nan)."""
    return NO_OTHER_STEP if every_step_marked(marked, value) else value


@dataclass
class GateStatistics:
    """Gate activations of an LSTM over a test set of the adding problem.

    A trained LSTM typically gives the job of remembering to a few units, so means over all units hide
    it; the per-unit figures show it.

    Attributes:
        forget_mean: mean ``f_t`` over all steps, units and sequences.
        forget_top: the largest per-unit mean ``f_t`` (the most persistent unit).
        holding_units: how many units have a mean ``f_t`` above :data:`HOLDING_FORGET`, of ``units``.
        input_marked, input_unmarked: mean ``i_t`` on the two marked steps and on all other steps.
        input_rise: the largest per-unit ``mean i_t (marked) - mean i_t (unmarked)``.
        output_mean: mean ``o_t``.
    """

    forget_mean: float
    forget_top: float
    holding_units: int
    units: int
    input_marked: float
    input_unmarked: float
    input_rise: float
    output_mean: float

    def rows(self) -> list[tuple[str, object]]:
        return [
            ("forget gate, mean over all units", self.forget_mean),
            ("forget gate, most persistent unit", self.forget_top),
            (f"units with mean forget gate > {HOLDING_FORGET}", f"{self.holding_units} of {self.units}"),
            ("input gate, marked steps", self.input_marked),
            ("input gate, other steps", _other(self.input_marked, self.input_unmarked)),
            (
                "input gate, largest rise on marked steps (one unit)",
                _other(self.input_marked, self.input_rise),
            ),
            ("output gate, mean", self.output_mean),
        ]


def gate_statistics(model: TaskModel, x: torch.Tensor) -> GateStatistics:
    """:class:`GateStatistics` of an LSTM over adding-problem inputs ``x`` ``(N, L, 2)``."""
    if get_variant(model.variant).cell != "lstm":
        raise RnnkitError("gate statistics are defined for the LSTM only")
    means = unit_means(model, x, ("forget", "input", "output"))
    forget = means["forget"].all  # (H,) per-unit mean
    i_marked, i_other = means["input"].marked, means["input"].other  # (H,) each
    return GateStatistics(
        forget_mean=float(forget.mean()),
        forget_top=float(forget.max()),
        holding_units=int((forget > HOLDING_FORGET).sum()),
        units=int(forget.shape[0]),
        input_marked=float(i_marked.mean()),
        input_unmarked=float(i_other.mean()),
        input_rise=float((i_marked - i_other).max()),
        output_mean=float(means["output"].all.mean()),
    )


HOLDING_UPDATE = 0.9  # a GRU unit whose mean update gate exceeds this keeps its old state, as LSTM's f_t


@dataclass
class UpdateGateStatistics:
    """Gate activations of a GRU over a test set of the adding problem: the update gate ``z_t`` is the
    GRU's keep-or-replace switch (``h_t = (1 - z_t) n_t + z_t h_{t-1}``), near 1 to keep the old state.

    Attributes:
        update_mean: mean ``z_t`` over all steps, units and sequences.
        update_top: the largest per-unit mean ``z_t`` (the most persistent unit).
        holding_units: how many units have a mean ``z_t`` above :data:`HOLDING_UPDATE`, of ``units``.
        update_marked, update_unmarked: mean ``z_t`` on the two marked steps and on all other steps.
        update_drop: the largest per-unit ``mean z_t (unmarked) - mean z_t (marked)``: how far one unit
            lets the new candidate in on the marked steps.
        reset_mean: mean ``r_t``.
    """

    update_mean: float
    update_top: float
    holding_units: int
    units: int
    update_marked: float
    update_unmarked: float
    update_drop: float
    reset_mean: float

    def rows(self) -> list[tuple[str, object]]:
        return [
            ("update gate, mean over all units", self.update_mean),
            ("update gate, most persistent unit", self.update_top),
            (f"units with mean update gate > {HOLDING_UPDATE}", f"{self.holding_units} of {self.units}"),
            ("update gate, marked steps", self.update_marked),
            ("update gate, other steps", _other(self.update_marked, self.update_unmarked)),
            (
                "update gate, largest drop on marked steps (one unit)",
                _other(self.update_marked, self.update_drop),
            ),
            ("reset gate, mean", self.reset_mean),
        ]


def update_gate_statistics(model: TaskModel, x: torch.Tensor) -> UpdateGateStatistics:
    """:class:`UpdateGateStatistics` of a GRU over adding-problem inputs ``x`` ``(N, L, 2)``."""
    if get_variant(model.variant).cell != "gru":
        raise RnnkitError("update gate statistics are defined for the GRU only")
    means = unit_means(model, x, ("update", "reset"))
    update = means["update"].all  # (H,) per-unit mean
    z_marked, z_other = means["update"].marked, means["update"].other  # (H,) each
    return UpdateGateStatistics(
        update_mean=float(update.mean()),
        update_top=float(update.max()),
        holding_units=int((update > HOLDING_UPDATE).sum()),
        units=int(update.shape[0]),
        update_marked=float(z_marked.mean()),
        update_unmarked=float(z_other.mean()),
        update_drop=float((z_other - z_marked).max()),
        reset_mean=float(means["reset"].all.mean()),
    )


def save_task_model(
    folder: str | Path, model: TaskModel, task: str, length: int, card: ModelCard | str | None = None
) -> Path:
    """Write ``model`` as a model folder (atomically) that :func:`load_task_model` reads back;
    ``card``: its model card (:class:`~rnnkit.train.modelcard.ModelCard` or text, see ``save_model``).

    ``config.json`` holds the architecture (:class:`~rnnkit.explain.models.TaskModelConfig`), the task
    and length, and, for a model that :func:`~rnnkit.explain.training.train_on_task` trained, its
    ``training`` settings: with them the folder is enough to train it again (``--config``).
    """
    from rnnkit.train.modelfile import save_model

    config = {"application": "explain", "task": task, "length": length, **model.config.to_dict()}
    if model.training_settings is not None:
        config["training"] = dict(model.training_settings)
    return save_model(folder, model, config, card=card)


def load_task_model(folder: str | Path) -> tuple[TaskModel, dict]:
    """Read a model folder written by :func:`save_task_model`; one-line errors for a bad folder."""
    from rnnkit.explain.config_schema import EXPLAIN_CONFIG
    from rnnkit.train.modelfile import load_model_with, load_weights, read_card
    from rnnkit.utils.config_keys import renamed_keys

    # folders written before one vocabulary say hidden. The card is read with the weights, inside
    # load_model_with's repeated reads, from the model folder found: read after the load, a save in
    # between gave the old weights the new model's card, and of a run folder RUN it read RUN/README.md.
    loaded, card = load_model_with(
        folder, lambda mf: read_card(mf.path), "explain", EXPLAIN_CONFIG, renamed_keys
    )
    cfg = loaded.config
    try:
        cell, task, cfg["length"] = str(cfg["cell"]), str(cfg["task"]), int(cfg["length"])
        hidden, input_size = int(cfg["hidden_size"]), int(cfg["input_size"])
        output_size, per_step = int(cfg["output_size"]), bool(cfg["per_step"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RnnkitError(f"{folder}: config.json lacks a valid {exc} entry for an explain model") from None
    get_variant(cell)
    check_task(task)
    build = lambda: TaskModel(cell, input_size, hidden, output_size, per_step=per_step)  # noqa: E731
    model = load_weights(build, loaded.state_dict, source=str(folder))
    model.task, model.length, model.card = task, cfg["length"], card
    model.training_settings = cfg.get("training")  # absent in folders saved before it was recorded
    return model, cfg
