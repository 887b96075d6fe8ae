"""Reference cells: one step of the Simple RNN, LSTM and GRU in plain PyTorch.

Parameter names, shapes, gate order and initialisation are torch.nn's (``weight_ih (G*H, H_in)``,
``weight_hh (G*H, H)``, ``bias_ih``, ``bias_hh (G*H,)``, all drawn from ``U(-1/sqrt(H), 1/sqrt(H))``),
so ``load_state_dict`` works both ways with ``torch.nn.RNNCell/LSTMCell/GRUCell``. The step itself is
in :mod:`rnnkit.nn.functional`, shared with the layers' reference backend.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from rnnkit.nn import functional as RF
from rnnkit.nn.celltypes import TABLE, apply_forget_bias, mode_of
from rnnkit.nn.functional import GRUGates, LSTMGates
from rnnkit.nn.quantization import QCONFIG
from rnnkit.nn.validate import (
    autocast_dtype,
    check_forget_bias,
    check_int,
    conversion_hint,
    describe,
    not_a_tensor,
    quiet_under_trace,
    to_autocast_dtype,
)
from rnnkit.utils.errors import DtypeError, InputTypeError, RnnkitError, ShapeError

NONLINEARITIES = ("tanh", "relu")
WEIGHT_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
CellWeights = tuple[Tensor, Tensor, Tensor | None, Tensor | None]


class _CellBase(nn.Module):
    """Parameters and input checks shared by the three cells."""

    cell_mode = "rnn_tanh"  # the key of the cell-type table (torch.nn's cells have no ``mode``)
    kind = "RNNCell"
    # torch.ao.quantization's attribute: a conversion that leaves the cell in float says so
    qconfig = QCONFIG

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device=None,
        dtype=None,
        forget_bias: float = 0.0,
    ) -> None:
        super().__init__()
        self.record = TABLE[self.cell_mode]
        # torch.nn's cells accept 0 for both sizes (an empty state is a valid, if useless, cell)
        check_int(f"{self.kind} input_size", input_size, 0)
        check_int(f"{self.kind} hidden_size", hidden_size, 0)
        # no type check on bias here: torch.nn's cells take any truthy value (its own tests pass
        # RNNCell(10, 20, "relu"), whose third argument is bias), unlike its layers
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)  # a NumPy size as a plain int
        self.bias = bias
        keeps_state = self.record.keep_gate is not None and bool(bias)
        self.forget_bias = check_forget_bias(self.kind, forget_bias, keeps_state)
        kw = {"device": device, "dtype": dtype}
        G, H = self.record.gate_blocks, hidden_size
        self.weight_ih = nn.Parameter(torch.empty(G * H, input_size, **kw))
        self.weight_hh = nn.Parameter(torch.empty(G * H, H, **kw))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(G * H, **kw))
            self.bias_hh = nn.Parameter(torch.empty(G * H, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch.nn's initialisation: every parameter from ``U(-1/sqrt(H), 1/sqrt(H))``; then
        ``forget_bias`` added to the keep gate's biases (:func:`rnnkit.nn.celltypes.apply_forget_bias`)."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)
        with torch.no_grad():
            apply_forget_bias(self.record, self.bias_ih, self.bias_hh, self.forget_bias)

    def extra_repr(self) -> str:
        # torch.nn's RNNCellBase.extra_repr: bias shown unless it is True, nonlinearity unless tanh
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.cell_mode == "rnn_relu":  # RNNCell(..., nonlinearity="relu") or make_cell("rnn", ...)
            s += ", nonlinearity=relu"
        return s

    def __getstate__(self) -> dict:
        # the cell-type record (its step function, gates class) is looked up again on loading: a cell
        # saved whole (torch.save) then loads with torch.load(weights_only=True) given only the cell's
        # class, as torch.nn's does; it asked for rnnkit's CellType, then for every function it holds
        state = super().__getstate__()
        state.pop("record", None)
        return state

    def __setstate__(self, state: dict) -> None:
        # a cell pickled (torch.save) before ``cell_mode`` existed holds it as ``mode``: move it
        if "mode" in state and "cell_mode" not in state:
            state["cell_mode"] = state.pop("mode")
        super().__setstate__(state)
        self.record = TABLE[self.cell_mode]  # the class's mode (LSTMCell, GRUCell) or the saved one

    def __prepare_scriptable__(self) -> nn.Module:
        # torch.jit.script calls this on every module of the tree before compiling: without it the
        # user saw TorchScript stop, several lines deep, at an attribute it cannot type (``record``)
        twin = f", or script a torch.nn.{self.kind} given this cell's state_dict()"
        raise RnnkitError(
            f"torch.jit.script cannot compile rnnkit's {self.kind}: TorchScript does not accept the "
            "cells' Python; use torch.jit.trace, torch.export or torch.compile"
            + (twin if self.record.cudnn is not None else "")
        )

    def _weights(self) -> CellWeights:
        """``(weight_ih, weight_hh, bias_ih, bias_hh)``, read once per step.

        From ``_parameters`` (a plain tensor set in a parameter's place, as by a weight drop, through
        getattr): ``self.weight_ih`` misses the instance dict before ``nn.Module.__getattr__`` finds it,
        and a step read its weights nine times that way, as much as a fifth of a small cell's step."""
        params = self._parameters
        w_ih, w_hh, b_ih, b_hh = (params[n] if n in params else getattr(self, n) for n in WEIGHT_NAMES)
        return w_ih, w_hh, b_ih, b_hh

    def _check_weight_shapes(self, weights: CellWeights | None = None) -> None:
        """Each weight (``weights``, :meth:`_weights` when not given) must still have its shape: a bias
        replaced through ``.data`` by one of another size would broadcast silently (as in torch.nn's
        cells); ``load_state_dict`` checks, ``.data`` not."""
        if torch.jit.is_tracing():
            return  # jit.trace records sizes as tensors and warns for each comparison; the graph is fixed
        GH = self.record.gate_blocks * self.hidden_size
        shapes = ((GH, self.input_size), (GH, self.hidden_size), (GH,), (GH,))
        for name, shape, weight in zip(WEIGHT_NAMES, shapes, weights or self._weights(), strict=True):
            if weight is not None and weight.shape != shape:  # None: bias=False
                raise ShapeError(
                    f"{self.kind} parameter {name} has shape {tuple(weight.shape)}; expected {shape} "
                    "(a parameter replaced by one of another size: load weights with load_state_dict)"
                )

    def _batched(self, x: Tensor, weights: CellWeights) -> tuple[Tensor, bool]:
        """Check ``x`` is ``(N, H_in)`` or ``(H_in,)`` (and ``weights``, :meth:`_weights`, their
        shapes); return it batched and whether it was not."""
        self._check_weight_shapes(weights)
        x = quiet_under_trace(self._checked_input, x, weights[0])
        unbatched = x.dim() == 1
        return (x.unsqueeze(0) if unbatched else x), unbatched

    def _checked_input(self, x: Tensor, weight_ih: Tensor) -> Tensor:
        """``x`` checked (type, rank, size, and ``weight_ih``'s dtype and device), in the autocast dtype
        where autocast is on."""
        if not isinstance(x, Tensor):
            raise not_a_tensor(self.kind, x, "a tensor")
        if x.dim() not in (1, 2):
            raise RnnkitError(
                f"{self.kind} expects input of rank 2 (N, H_in) or 1 (H_in); got shape {tuple(x.shape)}"
            )
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"{self.kind} expects input feature size {self.input_size}; got {x.shape[-1]}")
        cast = autocast_dtype(x, weight_ih)  # one query: under autocast any floating input runs in its dtype
        if cast is not None and x.is_floating_point():
            x = x.to(cast)
        dtype_ok = x.dtype == weight_ih.dtype or (cast is not None and x.is_floating_point())
        if not dtype_ok or x.device != weight_ih.device:  # torch.nn: RuntimeError
            raise DtypeError(
                f"{self.kind} input is {x.dtype} on {x.device}, but its weights are "
                f"{weight_ih.dtype} on {weight_ih.device}; {conversion_hint(x, weight_ih)}"
            )
        return x

    def _pair(self, hx: object) -> tuple[object, object]:
        """``(h_0, c_0)`` of a cell with a cell state: ``(None, None)`` for ``hx=None`` (both zero), else
        the two parts of a pair of tensors. A pair holding None is refused, as torch.nn's cells and
        rnnkit's layers refuse it: a zero state in place of one the caller forgot to carry would be a
        silent wrong answer."""
        if hx is None:
            return None, None
        if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise InputTypeError(
                f"{self.kind} state must be a pair (h_0, c_0) of tensors; got {describe(hx)}"
            )
        for name, part in zip(("h_0", "c_0"), hx, strict=True):
            if part is None:
                raise InputTypeError(f"{self.kind} state {name} must be a tensor; got NoneType")
        return hx[0], hx[1]

    def _state(self, state: Tensor | None, x: Tensor, unbatched: bool, name: str) -> Tensor:
        """A zero state when ``state`` is None, else ``state`` checked to be ``(N, H)`` (or ``(H,)``)."""
        if state is None:
            return x.new_zeros(x.shape[0], self.hidden_size)
        state = quiet_under_trace(self._checked_state, state, x, unbatched, name)
        return state.unsqueeze(0) if unbatched else state

    def _checked_state(self, state: object, x: Tensor, unbatched: bool, name: str) -> Tensor:
        """``state`` checked against the batched input ``x`` (type, shape, dtype and device)."""
        expected = (self.hidden_size,) if unbatched else (x.shape[0], self.hidden_size)
        if (
            isinstance(state, Tensor)
            and state.dtype == x.dtype
            and state.device == x.device
            and state.shape == expected
        ):
            # the state a loop feeds back: every check below passes and autocast's cast (to x's dtype,
            # which x has) changes nothing, so it is taken without asking autocast again
            return state
        # under autocast, a state a step returned (in the autocast dtype) goes back in
        state = to_autocast_dtype(state, self._weights()[0])
        if isinstance(state, (tuple, list)) and not self.record.has_cell_state:  # an LSTM's (h, c) habit
            raise InputTypeError(
                f"{self.kind} state {name} must be one tensor (the {self.kind} has no cell state c); "
                f"got {describe(state)}"
            )
        if not isinstance(state, Tensor):
            raise InputTypeError(f"{self.kind} state {name} must be a tensor; got {type(state).__name__}")
        if state.dim() not in (1, 2):  # torch.nn raises ValueError for the rank, RuntimeError for sizes
            raise RnnkitError(
                f"{self.kind} state {name} must be of rank 2 (N, H) or 1 (H); got shape {tuple(state.shape)}"
            )
        if tuple(state.shape) != expected:
            raise ShapeError(f"{self.kind} state {name} has shape {tuple(state.shape)}; expected {expected}")
        if state.dtype != x.dtype or state.device != x.device:  # torch.nn: RuntimeError (the matmul's)
            raise DtypeError(
                f"{self.kind} state {name} is {state.dtype} on {state.device}; expected {x.dtype} on {x.device}"
            )
        return state

    def _input_projection(self, x: Tensor, weights: CellWeights) -> Tensor:
        w_ih, _, b_ih, b_hh = weights
        return RF.input_projection(x, w_ih, b_ih, b_hh, self.record.fold_hh_bias)


class RNNCell(_CellBase):
    r"""An Elman (Simple) RNN cell: one step.

    .. math::
        h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})

    (ReLU instead of tanh with ``nonlinearity="relu"``.)

    Args:
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        bias: if False, no ``b_ih``/``b_hh``. Default True.
        nonlinearity: ``"tanh"`` or ``"relu"``. Default ``"tanh"``.

    Inputs: input, hx, return_gates
        - **input** ``(N, H_in)`` or ``(H_in,)``.
        - **hx** ``(N, H)`` or ``(H,)``; zeros when omitted.
        - **return_gates** accepted for symmetry with the other cells (code written for any cell type
          from :func:`rnnkit.nn.make_cell`); the Simple RNN has no gates, so ``None`` is returned in
          their place, as :class:`~rnnkit.nn.modules.RNN` does.

    Outputs: h'[, None]
        - **h'** ``(N, H)`` or ``(H,)``: the next hidden state.

    Shape legend: ``N`` batch, ``H_in`` input_size, ``H`` hidden_size.

    Attributes:
        weight_ih: ``(H, H_in)``. weight_hh: ``(H, H)``. bias_ih, bias_hh: ``(H,)``.
        All initialised from ``U(-1/sqrt(H), 1/sqrt(H))`` as in torch.nn.

    Example::

        >>> import torch, rnnkit
        >>> cell = rnnkit.RNNCell(10, 20)
        >>> cell(torch.randn(3, 10)).shape
        torch.Size([3, 20])
    """

    kind = "RNNCell"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device=None,
        dtype=None,
    ) -> None:
        if nonlinearity not in NONLINEARITIES:
            raise RnnkitError(f"unknown nonlinearity {nonlinearity!r}; known: {', '.join(NONLINEARITIES)}")
        self.nonlinearity = nonlinearity
        self.cell_mode = f"rnn_{nonlinearity}"
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None, return_gates: bool = False):
        weights = self._weights()
        x, unbatched = self._batched(input, weights)  # (N, H_in)
        h = self._state(hx, x, unbatched, "hx")  # (N, H)
        gx = self._input_projection(x, weights)  # (N, H)
        h = RF.rnn_step(gx, h, weights[1], relu=self.nonlinearity == "relu")  # (N, H)
        h = h.squeeze(0) if unbatched else h
        return (h, None) if return_gates else h


class LSTMCell(_CellBase):
    r"""A long short-term memory (LSTM) cell: one step.

    .. math::
        \begin{array}{ll}
        i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) & \text{input gate} \\
        f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) & \text{forget gate} \\
        g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) & \text{cell candidate} \\
        o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) & \text{output gate} \\
        c_t = f_t \odot c_{t-1} + i_t \odot g_t & \text{cell state} \\
        h_t = o_t \odot \tanh(c_t)
        \end{array}

    Args:
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden and cell states ``H``.
        bias: if False, no ``b_ih``/``b_hh``. Default True.
        device, dtype: where and in which dtype the parameters are created, as torch.nn.
        forget_bias: (keyword only) added at initialisation to the forget gate's pre-activation, half
            in ``b_if`` and half in ``b_hf``; 1 keeps the cell state from the start (Gers et al. 2000;
            Jozefowicz et al. 2015). Default 0 (torch.nn's initialisation).

    Inputs: input, (h_0, c_0), return_gates
        - **input** ``(N, H_in)`` or ``(H_in,)``.
        - **(h_0, c_0)** each ``(N, H)`` or ``(H,)``; zeros when omitted.
        - **return_gates** if True, also return :class:`LSTMGates` ``(input, forget, cell, output, c)``,
          each ``(N, H)``.

    Outputs: (h_1, c_1)[, gates]
        - **h_1**, **c_1** ``(N, H)`` or ``(H,)``: the next hidden and cell states.

    Shape legend: ``N`` batch, ``H_in`` input_size, ``H`` hidden_size.

    Attributes:
        weight_ih: ``(4H, H_in)``, rows ``W_ii|W_if|W_ig|W_io``. weight_hh: ``(4H, H)``, same order.
        bias_ih, bias_hh: ``(4H,)``. All from ``U(-1/sqrt(H), 1/sqrt(H))`` as in torch.nn.

    Example::

        >>> import torch, rnnkit
        >>> cell = rnnkit.LSTMCell(10, 20)
        >>> h, c = cell(torch.randn(3, 10))
        >>> h.shape, c.shape
        (torch.Size([3, 20]), torch.Size([3, 20]))
    """

    cell_mode = "lstm"
    kind = "LSTMCell"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device=None,
        dtype=None,
        *,
        forget_bias: float = 0.0,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, device, dtype, forget_bias)

    def forward(
        self,
        input: Tensor,
        hx: tuple[Tensor, Tensor] | None = None,
        return_gates: bool = False,
    ):
        weights = self._weights()
        x, unbatched = self._batched(input, weights)  # (N, H_in)
        h0, c0 = self._pair(hx)
        h = self._state(h0, x, unbatched, "h_0")  # (N, H)
        c = self._state(c0, x, unbatched, "c_0")  # (N, H)
        gx = self._input_projection(x, weights)  # (N, 4H)
        h, c, gates = RF.lstm_step(gx, h, c, weights[1])
        if unbatched:
            h, c = h.squeeze(0), c.squeeze(0)
            gates = LSTMGates(*(g.squeeze(0) for g in gates))
        return ((h, c), gates) if return_gates else (h, c)


class GRUCell(_CellBase):
    r"""A gated recurrent unit (GRU) cell: one step (reset applied after the recurrent product).

    .. math::
        \begin{array}{ll}
        r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) & \text{reset gate} \\
        z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) & \text{update gate} \\
        n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})) & \text{new state} \\
        h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}
        \end{array}

    Args:
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        bias: if False, no ``b_ih``/``b_hh``. Default True.
        device, dtype: where and in which dtype the parameters are created, as torch.nn.
        forget_bias: (keyword only) added at initialisation to the update gate's pre-activation, half
            in ``b_iz`` and half in ``b_hz``: ``z`` near 1 keeps ``h_{t-1}``. Default 0.

    Inputs: input, hx, return_gates
        - **input** ``(N, H_in)`` or ``(H_in,)``.
        - **hx** ``(N, H)`` or ``(H,)``; zeros when omitted.
        - **return_gates** if True, also return :class:`GRUGates` ``(reset, update, new)``, each
          ``(N, H)``.

    Outputs: h'[, gates]
        - **h'** ``(N, H)`` or ``(H,)``: the next hidden state.

    Shape legend: ``N`` batch, ``H_in`` input_size, ``H`` hidden_size.

    Attributes:
        weight_ih: ``(3H, H_in)``, rows ``W_ir|W_iz|W_in``. weight_hh: ``(3H, H)``, same order.
        bias_ih, bias_hh: ``(3H,)``. All from ``U(-1/sqrt(H), 1/sqrt(H))`` as in torch.nn.

    Example::

        >>> import torch, rnnkit
        >>> cell = rnnkit.GRUCell(10, 20)
        >>> cell(torch.randn(3, 10)).shape
        torch.Size([3, 20])
    """

    cell_mode = "gru"
    kind = "GRUCell"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device=None,
        dtype=None,
        *,
        forget_bias: float = 0.0,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, device, dtype, forget_bias)

    def forward(self, input: Tensor, hx: Tensor | None = None, return_gates: bool = False):
        weights = self._weights()
        x, unbatched = self._batched(input, weights)  # (N, H_in)
        h = self._state(hx, x, unbatched, "hx")  # (N, H)
        gx = self._input_projection(x, weights)  # (N, 3H)
        h, gates = RF.gru_step(gx, h, weights[1], weights[3])
        if unbatched:
            h = h.squeeze(0)
            gates = GRUGates(*(g.squeeze(0) for g in gates))
        return (h, gates) if return_gates else h


class RecurrentCell(_CellBase):
    r"""Any cell type of the table (:mod:`rnnkit.nn.celltypes`) by name: one step.

    The cells without a class of their own (the minimal gated unit, ``"mgu"``) are built this way by
    :func:`rnnkit.nn.make_cell`; the equations are the step function's docstring
    (:func:`rnnkit.nn.functional.mgu_step` for the MGU).

    Args:
        cell: a name of :data:`rnnkit.nn.names.CELL_TYPES`.
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        bias: if False, no ``b_ih``/``b_hh``. Default True.
        device, dtype: where and in which dtype the parameters are created, as torch.nn.
        nonlinearity: ``"tanh"`` or ``"relu"``, for ``cell="rnn"`` only (any other cell type given
            ``"relu"`` raises RnnkitError rather than ignore it).
        forget_bias: added at initialisation to the pre-activation of the gate that keeps the state
            (sign included: the MGU's ``f`` near 1 replaces the state, so it is lowered). Default 0.

    Inputs: input, hx, return_gates
        - **input** ``(N, H_in)`` or ``(H_in,)``.
        - **hx** ``(N, H)`` or ``(H,)``, or a pair ``(h_0, c_0)`` for a cell with a cell state;
          zeros when omitted.
        - **return_gates** if True, also return the gates (the record's namedtuple), each ``(N, H)``.

    Outputs: h'[, gates] (or (h', c')[, gates])

    Attributes:
        weight_ih: ``(G*H, H_in)``. weight_hh: ``(G*H, H)``. bias_ih, bias_hh: ``(G*H,)``, ``G`` the
        record's gate blocks (2 for the MGU: rows ``W_f|W_h~``).

    Example::

        >>> import torch, rnnkit.nn
        >>> cell = rnnkit.nn.make_cell("mgu", 10, 20)
        >>> cell(torch.randn(3, 10)).shape
        torch.Size([3, 20])
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device=None,
        dtype=None,
        *,
        nonlinearity: str = "tanh",
        forget_bias: float = 0.0,
    ) -> None:
        self.cell_mode = mode_of(cell, nonlinearity)
        self.kind = TABLE[self.cell_mode].title + "Cell"
        super().__init__(input_size, hidden_size, bias, device, dtype, forget_bias)

    def extra_repr(self) -> str:
        return f"{self.record.cell!r}, " + super().extra_repr()

    def forward(self, input: Tensor, hx=None, return_gates: bool = False):
        weights = self._weights()
        x, unbatched = self._batched(input, weights)  # (N, H_in)
        two = self.record.has_cell_state
        h0, c0 = self._pair(hx) if two else (hx, None)
        h = self._state(h0, x, unbatched, "h_0")  # (N, H)
        c = self._state(c0, x, unbatched, "c_0") if two else None
        h, c, gates = self.record.step(self._input_projection(x, weights), h, c, weights[1], weights[3])
        if unbatched:
            h = h.squeeze(0)
            c = c.squeeze(0) if c is not None else None
            gates = type(gates)(*(g.squeeze(0) for g in gates)) if gates is not None else None
        state = (h, c) if two else h
        return (state, gates) if return_gates else state
