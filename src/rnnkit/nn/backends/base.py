"""The backend contract: what a backend receives, what it returns, and the stacking shared by all.

Every recurrent layer (``rnnkit.RNN/LSTM/GRU``) reduces its call to one
``Backend.forward(spec, x, hx, weights, lengths, return_gates)``, with ``order=`` added only for a backend
that packs and says so (:class:`PackingBackend`, ``takes_order = True``). A backend either implements the
whole stack itself (``native`` calls torch's fused kernels) or implements one *direction* of one
layer, a :data:`DirectionFn`, and lets :func:`run_stack` do stacking, bidirectional and dropout
(``reference`` and ``triton`` do this).

Dimension legend (all tensors here are time-major)::

    L      sequence length (steps)
    N      batch size
    H_in   input features of the layer (input_size for layer 0, D*H above it)
    H      hidden size
    D      directions: 2 if bidirectional else 1
    G      gate blocks in the weights: 1 (Simple RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n), 2 (MGU: f, h~)
    K      gate tensors returned per step: 5 (LSTM: input, forget, cell, output, c),
           3 (GRU: reset, update, new), 2 (MGU: forget, new), none for the Simple RNN

Per-direction function (the unit a kernel implements)::

    direction_fn(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths, reverse, return_gates)
        -> (out, h_n, c_n, gates)

    x        (L, N, H_in)
    h0, c0   (N, H); c0 is None unless mode == "lstm"
    w_ih     (G*H, H_in)     w_hh (G*H, H)     b_ih, b_hh (G*H,) or None   (torch.nn layout)
    lengths  None, or int64 (N,) on the CPU, every value in 1..L
    out      (L, N, H), zero at padded steps (t >= lengths[n])
    h_n, c_n (N, H): the state after each sequence's last valid step (c_n None unless LSTM)
    gates    None unless return_gates (and always None for the Simple RNN); else (L, N, K, H),
             zero at padded steps

With ``lengths``, padded steps never change the state (and :func:`run_stack` hands a direction
function zeros there, whatever the caller's padding held). ``reverse=True`` runs each sequence from its
own last valid step back to step 0 (as torch does for packed sequences) and writes step t's result
at position t.

Whole-stack call (``Backend.forward`` and :func:`run_stack`)::

    x        (L, N, H_in)
    hx       None (zeros) or (h0, c0): h0 (num_layers*D, N, H), c0 same shape or None (not LSTM)
    weights  list of (w_ih, w_hh, b_ih, b_hh), one per layer and direction in torch.nn order
             (l0, l0_reverse, l1, l1_reverse, ...); biases None when spec.bias is False
    returns  out (L, N, D*H), h_n (num_layers*D, N, H), c_n (same, or None unless LSTM),
             gates None or (num_layers, L, N, K, D*H) (forward direction in the first H columns)
    order    None, or int64 (N,) on the CPU: with lengths, the batch order the packed batch runs in
             (a PackedSequence's sorted_indices, or arange(N) for lengths with enforce_sorted=True), which
             a backend that packs keeps, as torch.nn does; None: it sorts as the caller's own
             pack_padded_sequence(enforce_sorted=False) does. Only dropout masks depend on it; the
             layers pass it only to a backend whose ``takes_order`` is True (one that packs, as native:
             :class:`PackingBackend`); a backend without the attribute counts as False, is called
             without ``order=``, and need not accept it

Packed call (optional, ``native``; a backend without the method is never asked for it)::

    forward_packed(spec, packed, hx, weights) -> (packed_out, h_n, c_n)

    packed      a PackedSequence as the caller gave it, after the layer's checks (its data
                (sum of lengths, H_in) in the layer's dtype, batch_sizes valid, indices permutations)
    hx, weights as for the whole-stack call (hx in the batch's original order)
    packed_out  PackedSequence of (sum of lengths, D*H) data with packed's batch_sizes and indices
    h_n, c_n    as for the whole-stack call, in the batch's original order

The layers call it instead of ``forward`` for a PackedSequence input when the backend has it and
``return_gates`` is False (no gates come back from it), so the kernel takes the packed data as
torch.nn's does, with no padding and repacking around it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import torch
import torch.autograd.forward_ad as forward_ad
import torch.nn.functional as F
from torch import Tensor

from rnnkit.nn.celltypes import TABLE

# gate blocks in the weight matrices and gate tensors returned per step, by mode (from the one table)
GATE_BLOCKS = {mode: record.gate_blocks for mode, record in TABLE.items()}
GATE_OUTPUTS = {mode: record.gate_outputs for mode, record in TABLE.items()}

LayerWeights = tuple[Tensor, ...]  # (w_ih, w_hh, b_ih | None, b_hh | None[, w_hr])
DirectionResult = tuple[Tensor, Tensor, Tensor | None, Tensor | None]
StackResult = tuple[Tensor, Tensor, Tensor | None, Tensor | None]
DirectionFn = Callable[..., DirectionResult]


def is_vmapped(tensors: Sequence[Tensor | None]) -> bool:
    """Whether any of ``tensors`` is batched by ``torch.func.vmap`` at the innermost transform (the
    function being vmapped is running). torch's fused RNN kernels have no batching rule there
    (``Batching rule not implemented for aten::lstm``, for torch.nn's layers too); the reference
    backend's operations all have one. Under ``grad`` inside ``vmap`` the fused op is decomposed and
    runs, so only the innermost wrapper counts."""
    functorch = getattr(torch._C, "_functorch", None)  # torch's C hooks of torch.func
    if functorch is None or functorch.maybe_current_level() is None:
        return False  # no function transform is active: the common case, decided at once
    return any(t is not None and functorch.is_batchedtensor(t) for t in tensors)


def has_forward_grad(tensors: Sequence[Tensor | None]) -> bool:
    """Whether any of ``tensors`` carries a forward-mode tangent (``torch.func.jvp``/``jacfwd``,
    ``torch.autograd.forward_ad``). torch's fused LSTM kernel has no forward-mode derivative
    (``mkldnn_rnn_layer`` on the CPU, so torch.nn.LSTM fails there); the reference backend's
    operations all have one."""
    functorch = getattr(torch._C, "_functorch", None)
    no_transform = functorch is not None and functorch.maybe_current_level() is None
    if no_transform and getattr(forward_ad, "_current_level", 0) < 0:
        return False  # neither a function transform nor a dual level is active: decided at once
    return any(t is not None and forward_ad.unpack_dual(t).tangent is not None for t in tensors)


def is_exporting() -> bool:
    """Whether the call is being captured into a graph (``torch.export``, the ONNX exporter or
    ``torch.jit.trace``). Then no Python decision may depend on tensor *values* (the graph must hold
    for other inputs): lengths are not range-checked, no full-length shortcut is taken, and padded
    batches go through the reference backend's masks instead of packing."""
    return torch.compiler.is_exporting() or torch.jit.is_tracing() or torch.onnx.is_in_onnx_export()


@dataclass(frozen=True)
class LayerSpec:
    """What a backend needs to know about a layer besides its tensors.

    Args:
        mode: a mode of :data:`rnnkit.nn.celltypes.TABLE` (``"rnn_tanh" | "rnn_relu" | "lstm" | "gru" | "mgu"``).
        input_size: features of the layer's input ``H_in``.
        hidden_size: ``H``.
        num_layers: stacked layers.
        bias: whether the weights include ``b_ih`` and ``b_hh``.
        bidirectional: ``D = 2`` when True.
        dropout: dropout probability on the outputs of every layer but the last.
        training: whether the module is in training mode (dropout active).
        proj_size: ``P``, LSTM only: when > 0, ``h_t = W_hr (o_t ⊙ tanh(c_t))`` has P features (the
            states ``h`` and every output are ``P`` wide, ``c`` stays ``H``) and each weight tuple has
            a fifth entry ``w_hr (P, H)``. 0: no projection.
    """

    mode: str
    input_size: int
    hidden_size: int
    num_layers: int = 1
    bias: bool = True
    bidirectional: bool = False
    dropout: float = 0.0
    training: bool = False
    proj_size: int = 0

    @property
    def state_size(self) -> int:
        """The size of ``h``: ``proj_size`` when the LSTM projects, else ``hidden_size``."""
        return self.proj_size or self.hidden_size

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def gate_blocks(self) -> int:
        """``G``: row blocks of ``w_ih``/``w_hh``."""
        return GATE_BLOCKS[self.mode]

    @property
    def gate_outputs(self) -> int:
        """``K``: gate tensors returned per step with ``return_gates`` (0 for the Simple RNN)."""
        return GATE_OUTPUTS[self.mode]


@runtime_checkable
class Backend(Protocol):
    """A way to run a whole recurrent stack. See the module docstring for shapes.

    ``takes_order`` is optional and no member here: a backend without it counts as ``takes_order =
    False`` and is never given ``order=`` (:class:`PackingBackend` declares both). So is
    ``forward_packed`` (see the module docstring and :class:`PackingBackend`)."""

    name: str
    modes: frozenset[str]  # the cell modes it implements; select_backend checks before dispatch

    def unsupported_reason(
        self, spec: LayerSpec, x: Tensor, lengths: Tensor | None, return_gates: bool
    ) -> str | None:
        """None when this backend can run the call; else a short reason (used in error messages)."""
        ...

    def forward(
        self,
        spec: LayerSpec,
        x: Tensor,
        hx: tuple[Tensor, Tensor | None] | None,
        weights: Sequence[LayerWeights],
        lengths: Tensor | None,
        return_gates: bool,
    ) -> StackResult:
        """Run the stack: ``(out, h_n, c_n, gates)``."""
        ...


@runtime_checkable
class PackingBackend(Backend, Protocol):
    """A backend that packs (``native``) and says so: ``takes_order = True``, and its ``forward`` takes
    ``order=`` (the batch order a packed input runs in; see the module docstring), so that dropout draws
    torch.nn's masks. The layers give ``order=`` to no other backend.

    ``runtime_checkable`` checks presence only: ``isinstance(b, PackingBackend)`` is true of any backend
    with a ``takes_order`` attribute and a ``forward``, ``takes_order = False`` and a ``forward`` without
    ``order=`` included. What decides is the value: the layers read ``takes_order`` and give ``order=``
    only where it is True.

    ``forward_packed(spec, packed, hx, weights) -> (packed_out, h_n, c_n)`` is optional and no member
    here (a Protocol member would be required by ``isinstance``): a backend that packs may also take a
    PackedSequence input as it came (shapes in the module docstring); the layers look for it with
    ``hasattr`` and call it only without ``return_gates``, as ``native`` has it."""

    takes_order: bool

    def forward(
        self,
        spec: LayerSpec,
        x: Tensor,
        hx: tuple[Tensor, Tensor | None] | None,
        weights: Sequence[LayerWeights],
        lengths: Tensor | None,
        return_gates: bool,
        order: Tensor | None = None,
    ) -> StackResult:
        """Run the stack as :meth:`Backend.forward`, a packed input in ``order`` when given."""
        ...


def reverse_index(lengths: Tensor, L: int, device: torch.device) -> Tensor:
    """Index ``(L, N)`` int64 that reverses each sequence within its length and leaves padding in place.

    ``idx[t, n] = lengths[n] - 1 - t`` for ``t < lengths[n]``, else ``t``: position t of the reverse
    direction reads step ``len_n - 1 - t``. It is its own inverse. (One function for every backend.)
    """
    t = torch.arange(L).unsqueeze(1)  # (L, 1)
    n_len = lengths.to(torch.int64).unsqueeze(0)  # (1, N)
    return torch.where(t < n_len, n_len - 1 - t, t).to(device)  # (L, N)


def run_stack(
    spec: LayerSpec,
    x: Tensor,
    hx: tuple[Tensor, Tensor | None] | None,
    weights: Sequence[LayerWeights],
    lengths: Tensor | None,
    return_gates: bool,
    direction_fn: DirectionFn,
) -> StackResult:
    """Stack ``num_layers`` layers of ``D`` directions on top of a per-direction function.

    Layer ``k`` reads the concatenated outputs of both directions of layer ``k-1``; dropout with
    probability ``spec.dropout`` is applied to every layer's output except the last one's, in
    training mode only (as torch.nn does). Shapes are in the module docstring.
    """
    L, N = x.shape[0], x.shape[1]
    H, D = spec.hidden_size, spec.num_directions
    is_lstm = TABLE[spec.mode].has_cell_state
    if hx is None:
        h0_all = x.new_zeros(spec.num_layers * D, N, spec.state_size)
        c0_all = x.new_zeros(spec.num_layers * D, N, H) if is_lstm else None
    else:
        h0_all, c0_all = hx
    want_gates = return_gates and spec.gate_outputs > 0
    if lengths is not None:
        # the padding is never read, as packing never reads it: NaN or inf there would pass the masks
        # (nan * 0 is nan) into the outputs or, through the backward, every weight's gradient. Layers
        # above the first read outputs, which are zero at padded steps.
        valid = (torch.arange(L).unsqueeze(1) < lengths).to(x.device).unsqueeze(2)  # (L, N, 1)
        x = torch.where(valid, x, 0.0)

    h_n: list[Tensor] = []
    c_n: list[Tensor] = []
    gates_per_layer: list[Tensor] = []
    layer_in = x  # (L, N, H_in)
    for layer in range(spec.num_layers):
        outs, layer_gates = [], []
        for direction in range(D):
            k = layer * D + direction
            w_ih, w_hh, b_ih, b_hh = weights[k][:4]
            c0 = c0_all[k] if c0_all is not None else None
            proj = {"w_hr": weights[k][4]} if spec.proj_size else {}  # only backends that project get it
            out, h, c, g = direction_fn(
                spec.mode, layer_in, h0_all[k], c0, w_ih, w_hh, b_ih, b_hh,
                lengths, direction == 1, want_gates, **proj,
            )  # fmt: skip
            outs.append(out)  # (L, N, H)
            h_n.append(h)  # (N, H)
            if c is not None:
                c_n.append(c)
            if g is not None:
                layer_gates.append(g)  # (L, N, K, H)
        layer_out = outs[0] if D == 1 else torch.cat(outs, dim=2)  # (L, N, D*H)
        if want_gates:
            gates_per_layer.append(layer_gates[0] if D == 1 else torch.cat(layer_gates, dim=3))
        if spec.dropout > 0 and spec.training and layer < spec.num_layers - 1:
            layer_out = F.dropout(layer_out, p=spec.dropout, training=True)
        layer_in = layer_out

    h_stack = torch.stack(h_n, dim=0)  # (num_layers*D, N, H)
    c_stack = torch.stack(c_n, dim=0) if is_lstm else None
    gates = None
    if want_gates:  # (layers, L, N, K, D*H); one layer needs no copy
        one = len(gates_per_layer) == 1
        gates = gates_per_layer[0].unsqueeze(0) if one else torch.stack(gates_per_layer, dim=0)
    # an invariant of the loop above; under jit.trace the sizes are traced, and comparing them warned
    assert torch.jit.is_tracing() or layer_in.shape[:2] == (L, N)
    return layer_in, h_stack, c_stack, gates
