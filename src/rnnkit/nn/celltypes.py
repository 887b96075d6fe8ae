"""One table of cell types: each mode is one record, and everything else reads it.

A record says how many gate blocks the weights have (``G``: rows ``G*H`` of ``weight_ih``/``weight_hh``),
which gate tensors a step returns (and under what names), which state parts it carries (``h`` or
``h, c``), the step function itself, whether ``b_hh`` can be folded into the input projection, which
gate keeps the previous state (for ``forget_bias``), and torch's fused-kernel name (``None`` when
torch has no kernel for it). The layers, cells, reference backend and backend registry all read it;
adding a cell type is one record here, its step in :mod:`rnnkit.nn.functional` and its name in
:mod:`rnnkit.nn.names` (see docs/nn.md, "Adding a cell type").

Uniform step signature (``gx`` = the input projection of this step, see
:func:`rnnkit.nn.functional.input_projection`)::

    step(gx (N, G*H), h (N, P), c (N, H) | None, w_hh (G*H, P), b_hh (G*H,) | None, w_hr (P, H) | None)
        -> h_t (N, P), c_t (N, H) | None, gates (a namedtuple of (N, H) tensors) | None

``P = H`` except for a projected LSTM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import Tensor

from rnnkit.nn import functional as RF
from rnnkit.nn.names import CELL_TYPES
from rnnkit.utils.errors import RnnkitError

Step = Callable[..., tuple]  # (h_t, c_t | None, gates | None)


@dataclass(frozen=True)
class CellType:
    """One mode of one cell type.

    Args:
        mode: the backend-level name (``"rnn_tanh"``, ``"lstm"``, ...).
        cell: the user-level name in :data:`rnnkit.nn.names.CELL_TYPES` (``"rnn"`` has two modes).
        title: the class-like name used in messages (``"LSTM"``).
        gate_blocks: ``G``, row blocks of the weight matrices.
        gates: the namedtuple type a step returns its gates in, or None (Simple RNN).
        state_parts: ``("h",)`` or ``("h", "c")``.
        step: the step function (signature in the module docstring).
        fold_hh_bias: whether ``b_hh`` is added once in the input projection (False when it sits
            inside a gate product, as GRU's ``r ⊙ (W_hn h + b_hn)``).
        keep_gate: ``(block, sign)`` of the gate that keeps the previous state, for ``forget_bias``
            (LSTM forget gate ``f``: ``(1, +1)``; GRU update gate ``z``: ``(1, +1)``; MGU, where ``f``
            near 1 replaces the state: ``(0, -1)``); None when there is none.
        cudnn: torch's fused kernel (``torch._VF.<name lowered>``, cuDNN's mode), or None.
    """

    mode: str
    cell: str
    title: str
    gate_blocks: int
    gates: type | None
    state_parts: tuple[str, ...]
    step: Step
    fold_hh_bias: bool
    keep_gate: tuple[int, float] | None
    cudnn: str | None

    @property
    def gate_names(self) -> tuple[str, ...]:
        """The gate tensors a step returns, in order (empty for the Simple RNN)."""
        return tuple(self.gates._fields) if self.gates is not None else ()

    @property
    def gate_outputs(self) -> int:
        """``K``: gate tensors per step with ``return_gates``."""
        return len(self.gate_names)

    @property
    def has_cell_state(self) -> bool:
        return "c" in self.state_parts

    @property
    def torch_mode(self) -> str:
        """The mode as torch.nn spells it (``RNNBase.mode``: ``"RNN_TANH"``, ``"LSTM"``, ...): the fused
        kernel's name, or the title for a cell type torch.nn lacks (``"MGU"``)."""
        return self.cudnn or self.title.upper()


def _rnn_tanh(gx, h, c, w_hh, b_hh, w_hr=None):
    return RF.rnn_step(gx, h, w_hh), None, None


def _rnn_relu(gx, h, c, w_hh, b_hh, w_hr=None):
    return RF.rnn_step(gx, h, w_hh, relu=True), None, None


def _lstm(gx, h, c, w_hh, b_hh, w_hr=None):
    return RF.lstm_step(gx, h, c, w_hh, w_hr)


def _gru(gx, h, c, w_hh, b_hh, w_hr=None):
    h, gates = RF.gru_step(gx, h, w_hh, b_hh)
    return h, None, gates


def _mgu(gx, h, c, w_hh, b_hh, w_hr=None):
    h, gates = RF.mgu_step(gx, h, w_hh, b_hh)
    return h, None, gates


_H, _HC = ("h",), ("h", "c")
TABLE: dict[str, CellType] = {
    r.mode: r
    for r in (
        CellType("rnn_tanh", "rnn", "RNN", 1, None, _H, _rnn_tanh, True, None, "RNN_TANH"),
        CellType("rnn_relu", "rnn", "RNN", 1, None, _H, _rnn_relu, True, None, "RNN_RELU"),
        CellType("lstm", "lstm", "LSTM", 4, RF.LSTMGates, _HC, _lstm, True, (1, 1.0), "LSTM"),
        CellType("gru", "gru", "GRU", 3, RF.GRUGates, _H, _gru, False, (1, 1.0), "GRU"),
        CellType("mgu", "mgu", "MGU", 2, RF.MGUGates, _H, _mgu, False, (0, -1.0), None),
    )
}
MODES: tuple[str, ...] = tuple(TABLE)


def cell_type(mode: str) -> CellType:
    """The record of ``mode``; an unknown mode raises RnnkitError listing the known ones."""
    if mode not in TABLE:
        raise RnnkitError(f"unknown cell mode {mode!r}; known: {', '.join(MODES)}")
    return TABLE[mode]


def mode_of(cell: str, nonlinearity: str = "tanh") -> str:
    """The mode of a user-level cell name (``"rnn"`` -> ``"rnn_tanh"``/``"rnn_relu"``).

    Only the Simple RNN has a choice of nonlinearity: any other cell type given one other than the
    default is refused, not built with its own activations as if the argument had been heard."""
    if cell not in CELL_TYPES:
        raise RnnkitError(f"unknown cell {cell!r}; known: {', '.join(CELL_TYPES)}")
    if cell == "rnn":
        known = [mode.removeprefix("rnn_") for mode, record in TABLE.items() if record.cell == "rnn"]
        if nonlinearity not in known:
            raise RnnkitError(f"unknown nonlinearity {nonlinearity!r}; known: {', '.join(known)}")
        return f"rnn_{nonlinearity}"
    if nonlinearity != "tanh":
        raise RnnkitError(
            f"nonlinearity is a choice of the Simple RNN (cell 'rnn') only; the {TABLE[cell].title} "
            f"has fixed activations; got nonlinearity={nonlinearity!r}"
        )
    return cell


def apply_forget_bias(record: CellType, bias_ih: Tensor | None, bias_hh: Tensor | None, value: float) -> None:
    """Add ``value`` to the pre-activation of the gate that keeps the previous state, half in ``b_ih``
    and half in ``b_hh`` (they add up), with the gate's sign (in place, no grad).

    Why: a keep gate starting near σ(1) ≈ 0.73 instead of 0.5 lets information survive many steps from
    the first update (Gers et al. 2000; Jozefowicz et al. 2015 recommend 1 for the LSTM).
    """
    if value == 0:
        return
    if record.keep_gate is None:
        raise RnnkitError(f"{record.title} has no gate that keeps the previous state; forget_bias must be 0")
    block, sign = record.keep_gate
    for bias in (bias_ih, bias_hh):
        if bias is None:
            continue
        H = bias.shape[0] // record.gate_blocks
        bias.data[block * H : (block + 1) * H] += sign * value / 2
