"""Recurrent layers: parameters, input checks, lengths and packing, and backend dispatch.

One base class (:class:`RecurrentBase`) holds the parameters under torch.nn's names and turns each
call into ``Backend.forward(spec, x, hx, weights, lengths, return_gates)`` on a time-major input (with
``order=``, a packed input's batch order, only for a backend whose ``takes_order`` is True); the
backends (``rnnkit.nn.backends``) do the arithmetic. The public classes ``RNN``, ``LSTM`` and ``GRU``
(in :mod:`rnnkit.nn.modules`) only add their docstrings and return conventions.
"""

from __future__ import annotations

import math
import warnings

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from rnnkit.nn import flat_weights
from rnnkit.nn import validate as V
from rnnkit.nn.backends import check_backend_name, get_backend, select_backend
from rnnkit.nn.backends.base import LayerSpec, LayerWeights, has_forward_grad, is_exporting, is_vmapped
from rnnkit.nn.celltypes import TABLE, apply_forget_bias
from rnnkit.nn.quantization import QCONFIG
from rnnkit.utils.errors import InputTypeError, RnnkitError, ShapeError

RECURRENT_INITS = ("default", "identity", "orthogonal")
# plain attributes a layer fills at its first call and keeps while its settings stay (not state)
_CALL_CACHES = ("_spec_cache", "_shape_table")


class RecurrentBase(nn.Module):
    """Shared machinery of ``RNN``, ``LSTM`` and ``GRU``; see their docstrings for the contract."""

    kind = "RNN"
    # torch.ao.quantization's attribute: a conversion that leaves the layer in float says so
    qconfig = QCONFIG

    def __init__(
        self,
        cell_mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
        *,
        backend: str = "auto",
        recurrent_init: str = "default",
        check_finite: bool = False,
        proj_size: int = 0,
        forget_bias: float = 0.0,
    ) -> None:
        super().__init__()
        V.check_int(f"{self.kind} input_size", input_size, 1)
        V.check_int(f"{self.kind} hidden_size", hidden_size, 1)
        V.check_int(f"{self.kind} num_layers", num_layers, 1)
        for name, flag in (("bias", bias), ("batch_first", batch_first), ("bidirectional", bidirectional)):
            V.check_bool(f"{self.kind} {name}", flag)
        dropout = V.check_dropout(f"{self.kind} dropout", dropout)
        if dropout > 0 and num_layers == 1:
            # torch.nn's warning, word for word: dropout acts between layers only
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                stacklevel=3,
            )
        check_backend_name(backend)
        if recurrent_init not in RECURRENT_INITS:
            raise RnnkitError(
                f"unknown recurrent_init {recurrent_init!r}; known: {', '.join(RECURRENT_INITS)}"
            )
        # rnnkit's own name, the key of the cell-type table ("lstm", "rnn_relu", "mgu"), which the
        # layer reads; ``mode`` is torch.nn's spelling ("LSTM", "RNN_RELU"), for code written for it
        self.cell_mode = cell_mode
        self.mode = TABLE[cell_mode].torch_mode
        # plain ints (a NumPy size is taken, and stored as torch.nn's would be: JSON and torch.nn read it)
        self.input_size, self.hidden_size, self.num_layers = (
            int(input_size),
            int(hidden_size),
            int(num_layers),
        )
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.backend = backend
        self.recurrent_init = recurrent_init
        self.check_finite = check_finite
        V.check_int(f"{self.kind} proj_size", proj_size, 0)
        if proj_size and cell_mode != "lstm":
            raise RnnkitError(f"proj_size is only supported for LSTM, not {self.kind}; got {proj_size}")
        if proj_size >= hidden_size:
            raise RnnkitError(
                f"{self.kind} proj_size must be smaller than hidden_size {hidden_size}; got {proj_size}"
            )
        self.proj_size = int(proj_size)
        keeps_state = TABLE[cell_mode].keep_gate is not None and bias
        self.forget_bias = V.check_forget_bias(self.kind, forget_bias, keeps_state)

        kw = {"device": device, "dtype": dtype}
        shapes = self._parameter_shapes()
        for name, shape in shapes.items():
            self.register_parameter(name, nn.Parameter(torch.empty(shape, **kw)))
        self._flat_weights_names: list[str] = list(shapes)
        self.reset_parameters()

    # ----------------------------------------------------------------- parameters
    def _parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """Every parameter's torch.nn name and shape, in torch.nn's order (``_flat_weights_names``)."""
        G, H, D = TABLE[self.cell_mode].gate_blocks, self.hidden_size, 2 if self.bidirectional else 1
        P = self.proj_size or H  # the size of h (and of each direction's output)
        shapes: dict[str, tuple[int, ...]] = {}
        for layer in range(self.num_layers):
            layer_in = self.input_size if layer == 0 else D * P
            for direction in range(D):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                part = {"weight_ih": (G * H, layer_in), "weight_hh": (G * H, P)}
                if self.bias:
                    part.update(bias_ih=(G * H,), bias_hh=(G * H,))
                if self.proj_size:
                    part.update(weight_hr=(P, H))  # h_t = W_hr (o_t ⊙ tanh(c_t)), torch.nn's name
                shapes.update({base + suffix: shape for base, shape in part.items()})
        return shapes

    def _expected_shapes(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """:meth:`_parameter_shapes`, built once per configuration: checked at every call (a step-by-step
        sampling loop calls a layer per character), building the table cost a small layer's call 3%."""
        key = (self.cell_mode, self.input_size, self.hidden_size, self.num_layers, self.bidirectional,
               self.proj_size, self.bias)  # fmt: skip
        cached = self.__dict__.get("_shape_table")
        if cached is None or cached[0] != key:
            cached = (key, tuple(self._parameter_shapes().items()))
            self.__dict__["_shape_table"] = cached  # a plain attribute: not in state_dict
        return cached[1]

    def _check_weight_shapes(self, flat: list[Tensor]) -> None:
        """Each weight (``flat``, in ``_flat_weights_names`` order) must still have its shape: one
        replaced through ``.data`` or assignment (which, unlike ``load_state_dict``, checks nothing)
        would otherwise broadcast (a bias of one value) or be read past its end by torch's fused CPU
        kernel, both silently (torch.nn's LSTM does so). Checked at every call, as ``.data`` can change
        between any two."""
        if torch.jit.is_tracing():
            return  # jit.trace records sizes as tensors and warns for each comparison; the graph is fixed
        for (name, expected), weight in zip(self._expected_shapes(), flat, strict=True):
            if weight.shape != expected:
                raise ShapeError(
                    f"{self.kind} parameter {name} has shape {tuple(weight.shape)}; expected {expected} "
                    "(a parameter replaced by one of another size: load weights with load_state_dict)"
                )

    def reset_parameters(self) -> None:
        """torch.nn's ``U(-1/sqrt(H), 1/sqrt(H))`` for every parameter, then ``recurrent_init``.

        ``"identity"``: every ``H x H`` gate block of ``weight_hh`` becomes the identity and every bias
        zero (IRNN, Le et al. 2015, meant for ``RNN(nonlinearity="relu")``). ``"orthogonal"``: every
        gate block of ``weight_hh`` becomes a random orthogonal matrix (Saxe et al. 2014). Last,
        ``forget_bias`` is added to the keep gate's biases (:func:`rnnkit.nn.celltypes.apply_forget_bias`).
        """
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)
        self._init_recurrent()
        with torch.no_grad():
            for layer in self.layer_weights():
                apply_forget_bias(TABLE[self.cell_mode], layer[2], layer[3], self.forget_bias)

    def _init_recurrent(self) -> None:
        if self.recurrent_init == "default":
            return
        H = self.hidden_size
        with torch.no_grad():
            for name, weight in self.named_parameters():
                if name.startswith("weight_hh"):
                    for block in weight.split(H, dim=0):  # (H, H) per gate
                        if self.recurrent_init == "identity":
                            block.copy_(torch.eye(*block.shape, dtype=block.dtype, device=block.device))
                        else:
                            nn.init.orthogonal_(block)
                elif name.startswith("bias") and self.recurrent_init == "identity":
                    weight.zero_()

    def layer_weights(self) -> list[LayerWeights]:
        """``(w_ih, w_hh, b_ih, b_hh)`` per layer and direction, in torch.nn order, with ``w_hr``
        appended when ``proj_size > 0``."""
        return self._grouped(self._flat_parameters())

    def _flat_parameters(self) -> list[Tensor]:
        """The weights in ``_flat_weights_names`` order, read afresh at every call.

        From ``_parameters`` where they are there: ``self.weight_ih_l0`` misses the instance dict
        before ``nn.Module.__getattr__`` finds it, and a layer stepped once per character paid those
        misses at every call. Anything set in a parameter's place (a weight drop's plain tensor, a
        parametrization's property) is not in ``_parameters`` and is read through getattr."""
        params = self._parameters
        return [params[n] if n in params else getattr(self, n) for n in self._flat_weights_names]

    def _grouped(self, flat: list[Tensor]) -> list[LayerWeights]:
        """``flat`` (:meth:`_flat_parameters`) as :meth:`layer_weights` gives it, per layer and direction."""
        step = (4 if self.bias else 2) + (1 if self.proj_size else 0)
        weights: list[LayerWeights] = []
        for k in range(0, len(flat), step):
            w = flat[k : k + step]
            entry = (w[0], w[1], w[2], w[3]) if self.bias else (w[0], w[1], None, None)
            weights.append(entry + (w[-1],) if self.proj_size else entry)
        return weights

    @property
    def all_weights(self) -> list[list[nn.Parameter]]:
        """The parameters per layer and direction, as ``torch.nn.RNNBase.all_weights``."""
        return [[w for w in layer if w is not None] for layer in self.layer_weights()]

    @property
    def _all_weights(self) -> list[list[str]]:
        """The parameter names per layer and direction, as ``torch.nn.RNNBase._all_weights``."""
        step = (4 if self.bias else 2) + (1 if self.proj_size else 0)
        names = self._flat_weights_names
        return [names[k : k + step] for k in range(0, len(names), step)]

    @property
    def _flat_weights(self) -> list[Tensor | None]:
        """The weights the next call runs on, in ``_flat_weights_names`` order, as
        ``torch.nn.RNNBase._flat_weights``: the named attributes, read afresh, with any plain tensor
        assigned to this list in its parameter's place (:mod:`rnnkit.nn.flat_weights`)."""
        return flat_weights.in_use(self, flat_weights.attributes(self))

    @_flat_weights.setter
    def _flat_weights(self, weights: list[Tensor | None]) -> None:
        # torch.nn's forward reads this list, so code assigns it (refreshed after quantization, or
        # weights computed from the parameters by a LoRA adapter): rnnkit.nn.flat_weights says how
        flat_weights.assign(self, list(weights))

    def flatten_parameters(self) -> None:
        """On CUDA with cuDNN, make the parameters views of one flat buffer, as torch.nn does.

        cuDNN wants every weight in one contiguous chunk; without it the native backend copies the
        weights at every call (and torch warns once). The parameters stay the same objects, so
        optimizers holding them are unaffected. Anywhere else this is a no-op. Called after every
        ``.to()``/``.cuda()``, and a no-op for a cell type cuDNN does not have.
        """
        if TABLE[self.cell_mode].cudnn is None:
            return  # no cuDNN kernel (the MGU) runs these weights, so there is no layout to match
        weights = [getattr(self, name) for name in self._flat_weights_names]
        dtype = weights[0].dtype
        if not all(w.is_cuda and w.dtype == dtype and torch.backends.cudnn.is_acceptable(w) for w in weights):
            return
        if len({w.data_ptr() for w in weights}) != len(weights):
            return  # aliased parameters: keep the copying path, as torch.nn does
        from torch.backends.cudnn import rnn as cudnn_rnn

        with torch.cuda.device_of(weights[0]), torch.no_grad():
            if torch._use_cudnn_rnn_flatten_weight():
                torch._cudnn_rnn_flatten_weight(
                    weights, (4 if self.bias else 2) + (1 if self.proj_size else 0), self.input_size,
                    cudnn_rnn.get_cudnn_mode(self.mode), self.hidden_size, self.proj_size,
                    self.num_layers, self.batch_first, self.bidirectional,
                )  # fmt: skip

    def __getstate__(self) -> dict:
        # the per-call caches (_spec, _expected_shapes) are rebuilt at the first call: a pickled or
        # copied layer (torch.save of the module, copy.deepcopy) carries none, so loading one with
        # torch.load(weights_only=True) needs no allowance for rnnkit's LayerSpec
        state = super().__getstate__()
        for cache in _CALL_CACHES:
            state.pop(cache, None)
        # tensors assigned to _flat_weights do not travel either: torch.nn's copy reads its list
        # afresh from the named parameters at its first call
        state.pop(flat_weights.STAND_INS, None)
        return state

    def __setstate__(self, state: dict) -> None:
        # a whole module pickled (torch.save) before ``cell_mode`` existed holds rnnkit's name in
        # ``mode`` ("lstm"): move it, so such a file loads and runs as it did
        if "cell_mode" not in state and state.get("mode") in TABLE:
            state["cell_mode"] = state["mode"]
            state["mode"] = TABLE[state["mode"]].torch_mode
        super().__setstate__(state)

    def __prepare_scriptable__(self) -> nn.Module:
        # torch.jit.script calls this on every module of the tree before compiling: without it the
        # user saw TorchScript's parser stop, several lines deep, at some comprehension in this file
        twin = f", or script a torch.nn.{self.kind} given this layer's state_dict()"
        raise RnnkitError(
            f"torch.jit.script cannot compile rnnkit's {self.kind} layer: TorchScript does not accept the "
            "layers' Python; use torch.jit.trace, torch.export or torch.compile"
            + (twin if TABLE[self.cell_mode].cudnn is not None else "")
        )

    def _apply(self, fn, recurse=True):
        flat_weights.forget(self)  # moved or converted: torch.nn reads its list afresh
        result = super()._apply(fn, recurse)
        self.flatten_parameters()
        return result

    def extra_repr(self) -> str:
        parts = [f"{self.input_size}, {self.hidden_size}"]  # then torch.nn's order, proj_size first
        if self.proj_size:
            parts.append(f"proj_size={self.proj_size}")
        if self.num_layers != 1:
            parts.append(f"num_layers={self.num_layers}")
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            parts.append(f"nonlinearity={self.nonlinearity!r}")
        for name, default in (("bias", True), ("batch_first", False), ("dropout", 0.0)):
            if getattr(self, name) != default:
                parts.append(f"{name}={getattr(self, name)}")
        if self.bidirectional:
            parts.append("bidirectional=True")
        if self.backend != "auto":
            parts.append(f"backend={self.backend!r}")
        return ", ".join(parts)

    # ----------------------------------------------------------------- forward
    def _spec(self) -> LayerSpec:
        """The layer's settings for a backend, built when one of them changed since the last call
        (``.train()``/``.eval()``, a ``dropout`` set on the layer): building the frozen dataclass
        at every call cost a layer stepped once per character a tenth of torch.nn's whole call."""
        key = (self.cell_mode, self.input_size, self.hidden_size, self.num_layers, self.bias,
               self.bidirectional, self.dropout, self.training, self.proj_size)  # fmt: skip
        cached = self.__dict__.get("_spec_cache")
        if cached is None or cached[0] != key:
            cached = (key, LayerSpec(*key))
            self.__dict__["_spec_cache"] = cached  # a plain attribute: not in state_dict
        return cached[1]

    def _autocast(self, x: object) -> object:
        """``x`` in the dtype this layer runs in under autocast (:func:`rnnkit.nn.validate.to_autocast_dtype`)."""
        return V.to_autocast_dtype(x, self.weight_ih_l0)

    def _initial_state(self, hx: object, N: int, x: Tensor, unbatched: bool, cast: torch.dtype | None):
        """Check ``hx``; return None or ``(h0, c0)``, each ``(num_layers*D, N, H)`` (c0 None unless LSTM).

        ``cast`` is the autocast dtype of the call (None: autocast is off for ``x``'s device type)."""
        if hx is None:
            return None
        states = self._states_as_expected(hx, N, x, unbatched, cast)
        h0, c0 = states if states is not None else self._checked_states(hx, N, x, unbatched)
        if unbatched:
            h0 = h0.unsqueeze(1)
            c0 = c0.unsqueeze(1) if c0 is not None else None
        if self.check_finite:
            V.check_finite(self.kind, "initial state", h0)
            if c0 is not None:
                V.check_finite(self.kind, "initial state", c0)
        return h0, c0

    def _states_as_expected(self, hx: object, N: int, x: Tensor, unbatched: bool, cast: torch.dtype | None):
        """``(h0, c0)`` when ``hx`` is a state (or pair) of tensors that passes every check of
        :meth:`_checked_states` (shape, and ``x``'s dtype and device after autocast's cast); else None,
        and that method names what is wrong. The state a loop feeds back at every step is this case,
        decided without the words of the errors the full checks prepare."""
        H, P = self.hidden_size, self.proj_size or self.hidden_size
        leading = (self.num_layers * (2 if self.bidirectional else 1),) + (() if unbatched else (N,))
        if TABLE[self.cell_mode].has_cell_state:
            if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                return None
            h0 = self._state_as_expected(hx[0], leading + (P,), x, cast)
            c0 = self._state_as_expected(hx[1], leading + (H,), x, cast)
            return None if h0 is None or c0 is None else (h0, c0)
        h0 = self._state_as_expected(hx, leading + (H,), x, cast)
        return None if h0 is None else (h0, None)

    @staticmethod
    def _state_as_expected(state: object, expected: tuple[int, ...], x: Tensor, cast: torch.dtype | None):
        """``state`` cast as autocast would (it is on ``x``'s device, so ``cast`` holds for it), when it
        then has shape ``expected`` and ``x``'s dtype; else None."""
        if not isinstance(state, Tensor) or state.device != x.device:
            return None
        if cast is not None and state.is_floating_point():
            state = state.to(cast)
        return state if state.shape == expected and state.dtype == x.dtype else None

    def _checked_states(self, hx: object, N: int, x: Tensor, unbatched: bool):
        """``(h0, c0)`` from ``hx`` after every check, each failure its own error (c0 None unless LSTM)."""
        D = 2 if self.bidirectional else 1
        expected = (self.num_layers * D,) + (() if unbatched else (N,)) + (self.hidden_size,)
        batch = "" if unbatched else "N, "
        layout = f"(num_layers * num_directions, {batch}hidden_size)"
        if unbatched:
            layout += " for an unbatched input"
        elif self.batch_first:  # a state built batch-first, (N, layers, H), is the usual slip here
            layout += ": batch_first=True lays out the input and output, not the states"
        if TABLE[self.cell_mode].has_cell_state:
            if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                raise InputTypeError(
                    f"{self.kind} initial state must be a pair (h_0, c_0) of tensors; got {V.describe(hx)}"
                )
            expected_h = expected[:-1] + (self.proj_size or self.hidden_size,)
            layout_h = layout.replace("hidden_size", "proj_size") if self.proj_size else layout
            h0 = V.check_state(self.kind, "h_0", self._autocast(hx[0]), expected_h, x, layout_h)
            c0 = V.check_state(self.kind, "c_0", self._autocast(hx[1]), expected, x, layout)
        else:
            if isinstance(hx, (tuple, list)):  # an LSTM's (h_0, c_0) habit, or a state kept in a tuple
                raise InputTypeError(
                    f"{self.kind} initial state must be one tensor h_0 (the {self.kind} has no cell state "
                    f"c_0); got {V.describe(hx)}"
                )
            h0 = V.check_state(self.kind, "h_0", self._autocast(hx), expected, x, layout)
            c0 = None
        return h0, c0

    def _vmap_backend(self):
        """The backend under ``torch.func.vmap``: the reference, whose operations all have batching
        rules (torch's fused kernels have none, so torch.nn's layers fail there); ``auto`` picks it."""
        if self.backend not in ("auto", "reference"):
            raise RnnkitError(
                f"backend {self.backend!r} cannot run under torch.func.vmap (torch's fused kernels and "
                "rnnkit's Triton kernels have no batching rule); use backend='reference' or 'auto'"
            )
        return get_backend("reference")

    @staticmethod
    def _traced_packed(input: object) -> bool:
        """What ``torch.jit.trace`` makes of a PackedSequence given as an input: a tuple of its fields."""
        return (
            type(input) is tuple
            and len(input) == 4
            and all(part is None or isinstance(part, Tensor) for part in input)
        )

    def _checked_inputs(
        self,
        input: Tensor | PackedSequence,
        hx: object,
        lengths: object,
        enforce_sorted: bool,
        weight: Tensor,
    ):
        """The input checked and time-major ``(L, N, H_in)``, the initial state, the lengths (None for an
        empty batch), whether the input was unbatched, and whether the caller's layout is batch-first.
        ``weight`` is ``weight_ih_l0``, whose dtype and device the input must have."""
        if isinstance(input, PackedSequence) and torch.compiler.is_exporting():
            # torch stopped deep inside unpacking it ("data is not allocated yet"); torch.nn's too.
            # (A PackedSequence packed inside a model that jit.trace records runs as in torch.nn.)
            raise RnnkitError(
                f"{self.kind} cannot take a PackedSequence under torch.export (or torch.onnx.export, "
                "which uses it): its batch sizes are values a graph cannot hold; pass the padded batch "
                "and lengths= instead, which gives one graph for every length"
            )
        if torch.jit.is_tracing() and self._traced_packed(input):
            raise InputTypeError(
                f"{self.kind} got a plain tuple under torch.jit.trace, which is what it makes of a "
                "PackedSequence given as an input (torch.nn's layers cannot take it either): trace with "
                "the padded batch and lengths=, or pack inside the traced model"
            )
        if isinstance(input, PackedSequence):
            if lengths is not None:
                raise RnnkitError(f"{self.kind} got both a PackedSequence and lengths; pass one")
            V.check_packed(self.kind, input, self.input_size)  # before torch's padding trusts it
            x, lengths = pad_packed_sequence(input)  # (L, N, H_in), lengths in the original order
            batch_first = False
        else:
            x, batch_first = input, self.batch_first
        cast = V.autocast_dtype(x, weight)  # one query per call: it holds for x and states on its device
        if cast is not None and x.is_floating_point():
            x = x.to(cast)
        packed = isinstance(input, PackedSequence)
        V.check_input(self.kind, x, self.input_size, weight, cast is not None, batch_first, packed)
        unbatched = x.dim() == 2
        if unbatched:
            if lengths is not None:
                raise ShapeError(f"{self.kind} lengths need a batched (rank 3) input; got rank 2")
            x = x.unsqueeze(1)  # (L, 1, H_in)
        elif batch_first:
            x = x.transpose(0, 1)  # (L, N, H_in)
        L, N = x.shape[0], x.shape[1]
        state = self._initial_state(hx, N, x, unbatched, cast)
        if lengths is not None:
            lengths = V.check_lengths(self.kind, lengths, N, L, enforce_sorted, values=not is_exporting())
            if N == 0:
                lengths = None  # an empty batch has nothing to mask
        return x, state, lengths, unbatched, batch_first

    def _run(
        self,
        input: Tensor | PackedSequence,
        hx: object,
        lengths: object,
        return_gates: bool,
        enforce_sorted: bool,
    ):
        """Returns ``(out, h_n, c_n, gates)`` in the caller's layout, gates as a stacked tensor."""
        packed = input if isinstance(input, PackedSequence) else None
        if (
            (packed is not None or lengths is not None)
            and torch.compiler.is_compiling()
            and not is_exporting()
        ):
            # under torch.compile the lengths' values decide the checks and the shapes (packing), which
            # a graph cannot hold: the call runs eagerly, outside it, as Dynamo runs torch.nn's layers
            # (on every input), and in silence (Dynamo printed 20 lines on the range check's .item())
            # imported here, by a plain import statement: its torch.compiler.disable imports torch._dynamo
            # (1.8 s and 150 MB) that loading a model must not pay; under torch.compile it is imported already
            from rnnkit.nn.eager_layer import run_eagerly

            return run_eagerly(self, input, hx, lengths, return_gates, enforce_sorted)
        flat = flat_weights.in_use(self, self._flat_parameters())
        checked = V.quiet_under_trace(self._checked_inputs, input, hx, lengths, enforce_sorted, flat[0])
        x, state, lengths, unbatched, batch_first = checked
        if self.check_finite:  # the valid steps only: padding is never read
            steps = torch.arange(x.shape[0]).unsqueeze(1)
            valid = x if lengths is None else x[(steps < lengths).to(x.device)]
            V.check_finite(self.kind, "input", valid)

        self._check_weight_shapes(flat)
        # the order the packed batch runs in, as torch.nn runs its packed data: a PackedSequence's own
        # (sorted_indices), or the caller's with enforce_sorted=True; None: torch's sort of the lengths,
        # as the caller's pack_padded_sequence(enforce_sorted=False) gives. A backend that packs keeps a
        # given order rather than sorting again (torch.sort reorders ties from 17 sequences up), so
        # dropout draws torch.nn's masks also where ties are in another order (a PackedSequence built
        # by hand, or sorted by another key)
        order = None
        if packed is not None or (enforce_sorted and lengths is not None):
            order = packed.sorted_indices if packed is not None else None
            order = torch.arange(x.shape[1]) if order is None else order.cpu()
        spec, weights = self._spec(), self._grouped(flat)
        tensors = [x, *(state or ()), *flat]
        if lengths is not None and is_exporting():
            backend = get_backend("reference")  # masks, not packing: a graph that holds for any lengths
        elif is_vmapped(tensors):
            backend = self._vmap_backend()
        elif self.backend == "auto" and has_forward_grad(tensors):
            backend = get_backend("reference")  # forward-mode AD: the fused LSTM kernels have none
        else:
            backend = select_backend(self.backend, spec, x, lengths, return_gates)
        takes_packed = hasattr(backend, "forward_packed") and not return_gates  # it returns no gates
        if packed is not None and lengths is not None and takes_packed:
            # the packed data straight to a backend that takes it (native), as torch.nn runs it: the
            # padded x served the checks only (re-packing it and padding the output back cost a small
            # batch's call about as much again as torch.nn's whole call); x is cast as autocast casts it
            if packed.data.dtype != x.dtype:
                packed = packed._replace(data=packed.data.to(x.dtype))
            out, h_n, c_n = backend.forward_packed(spec, packed, state, weights)
            return out, h_n, c_n, None
        # order only to a backend that packs and says so (takes_order): one written to the contract
        # before it (docs/nn.md's forward(spec, x, hx, weights, lengths, return_gates)) still runs
        given = {"order": order} if order is not None and getattr(backend, "takes_order", False) else {}
        out, h_n, c_n, gates = backend.forward(
            spec, x, state, weights, lengths, return_gates, **given
        )  # out (L, N, D*H); gates (layers, L, N, K, D*H)

        if packed is not None:
            sorted_out = out.index_select(1, order.to(out.device))
            repacked = pack_padded_sequence(sorted_out, lengths[order], enforce_sorted=True)
            out = PackedSequence(
                repacked.data, repacked.batch_sizes, packed.sorted_indices, packed.unsorted_indices
            )
            if self.batch_first and gates is not None:
                # the gates are padded tensors: laid out as this layer's are for a padded input
                gates = gates.transpose(1, 2)  # (layers, N, L, K, D*H)
        elif unbatched:
            out, h_n = out.squeeze(1), h_n.squeeze(1)
            c_n = c_n.squeeze(1) if c_n is not None else None
            gates = gates.squeeze(2) if gates is not None else None
        elif batch_first:
            out = out.transpose(0, 1)  # (N, L, D*H)
            gates = gates.transpose(1, 2) if gates is not None else None  # (layers, N, L, K, D*H)
        return out, h_n, c_n, gates

    def forward(
        self,
        input: Tensor | PackedSequence,
        hx: Tensor | tuple[Tensor, Tensor] | None = None,
        lengths: Tensor | None = None,
        return_gates: bool = False,
        enforce_sorted: bool = False,
    ):
        """The layer over whole sequences, for every cell type (shapes: the docstring of ``RNN``,
        ``LSTM``, ``GRU`` or ``RecurrentLayer``).

        Returns ``(output, state)`` or, with ``return_gates``, ``(output, state, gates)``: ``state`` is
        ``h_n`` or ``(h_n, c_n)`` as the cell type has a cell state, ``gates`` its record's namedtuple
        of ``(num_layers, L, N, D*H)`` tensors (None for the Simple RNN, which has no gates).
        """
        record = TABLE[self.cell_mode]
        out, h_n, c_n, gates = self._run(input, hx, lengths, return_gates, enforce_sorted)
        state = (h_n, c_n) if record.has_cell_state else h_n
        if not return_gates:
            return out, state
        return out, state, record.gates(*gates.unbind(-2)) if record.gates is not None else None
