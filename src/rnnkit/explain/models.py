"""The recurrent variants that the explain tools compare, and the small models built from them.

The lecture's "problem of the basic RNN" and its remedies, as named variants:

| name       | cell | recurrence                                  | initialisation                    |
|------------|------|---------------------------------------------|-----------------------------------|
| ``rnn``      | RNN  | ``h_t = tanh(W_ih x_t + W_hh h_{t-1} + b)`` | torch default ``U(-1/sqrt(H), 1/sqrt(H))`` |
| ``rnn-relu`` | RNN  | ``h_t = relu(W_ih x_t + W_hh h_{t-1} + b)`` | torch default                     |
| ``irnn``     | RNN  | ReLU, as above                              | ``W_hh = I``, ``b = 0`` (Le et al. 2015) |
| ``lstm``     | LSTM | gates i, f, g, o and cell state (DESIGN.md) | torch default                     |
| ``gru``      | GRU  | gates r, z, n (DESIGN.md)                   | torch default                     |

Every model is built from :func:`rnnkit.nn.make_layer`, never from ``torch.nn.LSTM`` directly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from rnnkit.nn import make_layer
from rnnkit.utils.errors import RnnkitError


@dataclass(frozen=True)
class Variant:
    """A named recurrent layer configuration."""

    name: str
    cell: str  # "rnn" | "lstm" | "gru": the rnnkit.nn cell type
    nonlinearity: str = "tanh"  # Simple RNN only
    identity_init: bool = False  # IRNN: recurrent weights start as the identity, biases as zero
    description: str = ""

    @property
    def label(self) -> str:
        """The description as a sentence names the model: "Simple RNN (tanh)", "LSTM"."""
        head, _, detail = self.description.partition(", ")
        return f"{head} ({detail})" if detail else head


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("rnn", "rnn", description="Simple RNN, tanh"),
        Variant("rnn-relu", "rnn", nonlinearity="relu", description="Simple RNN, ReLU"),
        Variant("irnn", "rnn", "relu", identity_init=True, description="ReLU RNN, identity init (IRNN)"),
        Variant("lstm", "lstm", description="LSTM"),
        Variant("gru", "gru", description="GRU"),
    )
}


def get_variant(name: str) -> Variant:
    """The variant called ``name``; unknown names raise :class:`RnnkitError` listing the known ones."""
    if name not in VARIANTS:
        raise RnnkitError(f"unknown cell {name!r}; known: {', '.join(VARIANTS)}")
    return VARIANTS[name]


def parse_cells(text: str) -> list[str]:
    """``"rnn,lstm,gru"`` -> ``["rnn", "lstm", "gru"]``, each checked, duplicates dropped; an empty
    item (``rnn,,lstm``, a trailing comma) is refused, as :func:`parse_lengths` refuses one: a name
    left out by mistake is never passed over in silence."""
    names = [part.strip() for part in text.split(",")]
    if not any(names):
        raise RnnkitError(f"--cells needs at least one cell name; known: {', '.join(VARIANTS)}")
    if not all(names):
        raise RnnkitError(
            f"bad cell list {text!r}: an empty name between commas; expected names like rnn,lstm,gru"
        )
    for name in names:
        get_variant(name)
    return list(dict.fromkeys(names))


def parse_lengths(text: str, minimum: int = 2, why: str = "") -> list[int]:
    """``"50,100,200"`` -> ``[50, 100, 200]``; every entry must be an integer >= ``minimum`` (``why``, said
    after the minimum in the error: the reason it is higher than the option's own range). Sorted, each
    once: the table's rows then run from short to long, as the plot's axis does."""
    parts = [part.strip() for part in text.split(",")]
    if not parts or any(not p for p in parts):
        raise RnnkitError(f"bad length list {text!r}: expected comma-separated integers like 50,100,200")
    lengths = []
    for part in parts:
        try:
            value = int(part)
        except ValueError:
            raise RnnkitError(f"bad length {part!r} in {text!r}: not an integer") from None
        if value < minimum:
            raise RnnkitError(f"bad length {value} in {text!r}: must be at least {minimum}{why}")
        lengths.append(value)
    return sorted(set(lengths))


def make_variant_layer(name: str, input_size: int, hidden_size: int, **kwargs: object) -> nn.Module:
    """A layer (``rnnkit.RNN``/``LSTM``/``GRU``) for the variant ``name``; kwargs go to the layer.

    The IRNN is ``RNN(nonlinearity="relu", recurrent_init="identity")``: ``W_hh = I``, zero biases.
    """
    variant = get_variant(name)
    if variant.cell == "rnn":
        kwargs = {"nonlinearity": variant.nonlinearity, **kwargs}
    if variant.identity_init:
        kwargs = {"recurrent_init": "identity", **kwargs}
    return make_layer(variant.cell, input_size, hidden_size, **kwargs)


@dataclass
class TaskModelConfig:
    """A :class:`TaskModel`'s architecture: what its model folder's ``config.json`` records.

    Attributes:
        cell: a variant name from :data:`VARIANTS`.
        hidden_size: recurrent units ``H``.
        input_size: features per step (2 for the adding problem, ``COPY_SYMBOLS + 2`` for copy).
        output_size: read-out size (1 for regression, the number of classes for the copy task).
        per_step: read out every step (copy) instead of only the last one (adding).

    Only ``hidden_size`` is a training setting (``--hidden-size``): the cell is chosen per model
    (``--cells``, ``--cell``) and the other three follow from the task (:func:`rnnkit.explain.training.build_model`).
    """

    cell: str = "lstm"
    hidden_size: int = 64
    input_size: int = 2
    output_size: int = 1
    per_step: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TaskModel(nn.Module):
    """One recurrent layer and a linear read-out, for the memory tasks.

    Args:
        variant: a name from :data:`VARIANTS`.
        input_size: features per step.
        hidden_size: recurrent units ``H``.
        output_size: read-out size (1 for regression, the number of classes for the copy task).
        per_step: read out every step (copy) instead of only the last one (adding).

    Inputs: ``x`` ``(N, L, input_size)``, batch first.
    Outputs: ``(N,)`` when ``output_size == 1`` and not ``per_step``; ``(N, output_size)`` otherwise when
    not ``per_step``; ``(N, L, output_size)`` when ``per_step``.
    """

    def __init__(
        self, variant: str, input_size: int, hidden_size: int, output_size: int = 1, per_step: bool = False
    ) -> None:
        super().__init__()
        self.variant = variant
        self.per_step = per_step
        self.rnn = make_variant_layer(variant, input_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, output_size)
        # What it was trained for, kept when it is saved (set by the trainer's caller or on loading).
        self.task: str | None = None
        self.length: int | None = None
        self.card: str | None = None  # the model card of the folder it was loaded from
        # The training settings (rnnkit.explain.training.TrainSettings.flat()), saved in config.json so
        # that the folder is enough to train it again; None for a model built by hand or saved before.
        self.training_settings: dict[str, Any] | None = None

    @classmethod
    def from_config(cls, config: TaskModelConfig) -> TaskModel:
        """A fresh model of the architecture ``config``."""
        return cls(config.cell, config.input_size, config.hidden_size, config.output_size, config.per_step)

    @property
    def config(self) -> TaskModelConfig:
        """This model's architecture (the inverse of :meth:`from_config`)."""
        return TaskModelConfig(
            self.variant, self.rnn.hidden_size, self.rnn.input_size, self.head.out_features, self.per_step
        )

    @classmethod
    def from_pretrained(cls, name_or_path: str | Path, revision: str | None = None) -> TaskModel:
        """Read a model folder written by ``explain memory``/``gates`` or :meth:`save_pretrained`, or a
        Hugging Face Hub id ``owner/name`` (:mod:`rnnkit.utils.hub`); never unpickles."""
        from rnnkit.explain.gates import load_task_model
        from rnnkit.utils.hub import model_dir

        model, _ = load_task_model(model_dir(name_or_path, revision))
        return model

    def save_pretrained(self, folder: str | Path, task: str | None = None, length: int | None = None) -> Path:
        """Write this model as a model folder, whole or not at all; ``task`` and ``length`` default to
        what it was loaded with (a model built in Python must name them)."""
        from rnnkit.explain.gates import save_task_model

        task, length = task or self.task, length or self.length
        if task is None or length is None:
            raise RnnkitError("save_pretrained needs the task and sequence length this model was trained on")
        return save_task_model(folder, self, task, length, card=self.card)

    def extra_repr(self) -> str:
        """What it is, atop torch's module listing: ``task='adding', length=10, cell='irnn',
        hidden_size=64`` (the task and length once known: loaded, or set before saving). The variant is
        named because the listing shows only the layer (an IRNN and a ReLU RNN are both ``RNN``)."""
        trained = f"task={self.task!r}, length={self.length}, " if self.task is not None else ""
        per_step = ", per_step=True" if self.per_step else ""
        return f"{trained}cell={self.variant!r}, hidden_size={self.rnn.hidden_size}{per_step}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (N, L, H)
        if self.per_step:
            return self.head(out)  # (N, L, C)
        y = self.head(out[:, -1])  # (N, C)
        return y.squeeze(-1) if y.shape[-1] == 1 else y
