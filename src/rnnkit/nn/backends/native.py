"""The native backend: torch's fused recurrent kernels, fed rnnkit's own weights.

``torch._VF.lstm/gru/rnn_tanh/rnn_relu`` are the functions ``torch.nn.LSTM/GRU/RNN`` call: cuDNN on
NVIDIA GPUs, oneDNN (LSTM inference) or ATen's loop elsewhere. rnnkit's weights have torch.nn's
names, shapes and gate order, so the flat weight list ``[w_ih, w_hh, b_ih, b_hh] * (layers * D)`` is
exactly what those kernels expect. Variable lengths go through packing, as in torch.nn; a
PackedSequence input goes to the kernel as it is (``forward_packed``), as torch.nn runs it.

Cannot run: ``return_gates=True`` for the LSTM and GRU (the fused kernels keep their gate activations
to themselves). Use ``backend="reference"`` (or ``"auto"``, which falls back to it) for gates.

Under ``torch.compile`` the kernel runs outside the graph (a graph break), as ``torch.nn``'s layers do:
torch cannot compile its own fused LSTM (on the CPU, AOT autograd fails on ``mkldnn_rnn_layer``; torch.nn
never meets it because Dynamo graph-breaks on ``nn.LSTM``). ``torch.export`` still captures the kernel.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from rnnkit.nn.backends.base import LayerSpec, LayerWeights, StackResult, is_exporting
from rnnkit.nn.celltypes import TABLE
from rnnkit.nn.graph_break import outside_graph

# torch's kernel per mode, for the modes the table gives a cuDNN name (torch._VF.lstm, ...)
_KERNELS = {mode: getattr(torch._VF, r.cudnn.lower()) for mode, r in TABLE.items() if r.cudnn is not None}


def _outside_graph(kernel, *args):
    """``kernel(*args)`` run eagerly while ``torch.compile`` traces the caller (a graph break)."""
    return kernel(*args)


# the reason is what fullgraph=True shows (its own hint, "Remove the torch.compiler.disable call",
# is no help to a user of the layer)
_outside_graph = outside_graph(
    _outside_graph,
    "rnnkit's native backend runs torch's fused recurrent kernel outside the compiled graph, "
    "as torch.nn's layers do (Dynamo cannot trace it); for fullgraph=True build the layer with "
    "backend='reference'",
)


def _call(kernel, *args):
    """``kernel(*args)``; under ``torch.compile`` (not ``torch.export``) outside the graph, as torch.nn."""
    if torch.compiler.is_compiling() and not is_exporting():
        return _outside_graph(kernel, *args)
    return kernel(*args)


class NativeBackend:
    """torch's fused kernels (cuDNN / oneDNN / ATen) with rnnkit's weights."""

    name = "native"
    modes = frozenset(_KERNELS)
    takes_order = True  # it packs: the layers give it a packed input's order (base.py's contract)

    def unsupported_reason(
        self, spec: LayerSpec, x: Tensor, lengths: Tensor | None, return_gates: bool
    ) -> str | None:
        if return_gates and spec.gate_outputs > 0:
            return "torch's fused kernels do not return gate activations (use 'reference' or 'auto')"
        return None

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
        L, N = x.shape[0], x.shape[1]
        D, H = spec.num_directions, spec.hidden_size
        flat = [w for layer in weights for w in layer if w is not None]
        if hx is None:
            h0 = x.new_zeros(spec.num_layers * D, N, spec.state_size)
            c0 = x.new_zeros(spec.num_layers * D, N, H) if TABLE[spec.mode].has_cell_state else None
        else:
            h0, c0 = hx
        kernel = _KERNELS[spec.mode]
        is_lstm = TABLE[spec.mode].has_cell_state
        # the order of the batch only decides which sequence meets which dropout mask
        draws_masks = spec.training and spec.dropout > 0 and spec.num_layers > 1
        if lengths is not None and int(lengths.min()) == L and not draws_masks:
            lengths = None  # every sequence is full: packing would only cost time
        if lengths is None:
            state = (h0, c0) if is_lstm else h0
            result = _call(
                kernel, x, state, flat, spec.bias, spec.num_layers, spec.dropout,
                spec.training, spec.bidirectional, False,
            )  # fmt: skip
            out = result[0]  # (L, N, D*H)
            h_n = result[1]
            c_n = result[2] if is_lstm else None
            return out, h_n, c_n, None

        if order is None:  # the same call, so the same sort, as the caller's own pack
            packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        else:  # the given order kept, as torch.nn runs a PackedSequence (torch.sort reorders ties)
            sorted_x = x.index_select(1, order.to(x.device))
            packed = pack_padded_sequence(sorted_x, lengths[order], enforce_sorted=True)
            packed = PackedSequence(packed.data, packed.batch_sizes, order.to(x.device), None)
        order, unorder = packed.sorted_indices, packed.unsorted_indices
        h0 = h0.index_select(1, order)  # states follow the sorted batch
        state = (h0, c0.index_select(1, order)) if is_lstm else h0
        result = _call(
            kernel, packed.data, packed.batch_sizes, state, flat, spec.bias, spec.num_layers,
            spec.dropout, spec.training, spec.bidirectional,
        )  # fmt: skip
        out_packed = PackedSequence(result[0], packed.batch_sizes, order, unorder)
        out, _ = pad_packed_sequence(out_packed, total_length=L)  # (L, N, D*H), zero-padded
        h_n = result[1].index_select(1, unorder)
        c_n = result[2].index_select(1, unorder) if is_lstm else None
        return out, h_n, c_n, None

    def forward_packed(
        self,
        spec: LayerSpec,
        packed: PackedSequence,
        hx: tuple[Tensor, Tensor | None] | None,
        weights: Sequence[LayerWeights],
    ) -> tuple[PackedSequence, Tensor, Tensor | None]:
        """A checked PackedSequence run as torch.nn runs it: its data and batch sizes straight to the
        kernel, the states permuted by its ``sorted_indices`` and back, the output packed as it came.

        ``hx``: None (zeros) or ``(h0, c0)`` in the batch's original order, as for :meth:`forward`.
        Returns ``(output, h_n, c_n)``. The layers call this for a PackedSequence input instead of
        :meth:`forward`, whose packing of the padded batch and padding of the output back cost a small
        batch's call about as much again as torch.nn's whole call."""
        data, batch_sizes = packed.data, packed.batch_sizes
        order, unorder = packed.sorted_indices, packed.unsorted_indices
        is_lstm = TABLE[spec.mode].has_cell_state
        if hx is None:
            N, layers = int(batch_sizes[0]), spec.num_layers * spec.num_directions
            h0 = data.new_zeros(layers, N, spec.state_size)
            c0 = data.new_zeros(layers, N, spec.hidden_size) if is_lstm else None
        else:
            h0, c0 = hx
            if order is not None:  # states follow the sorted batch
                h0 = h0.index_select(1, order)
                c0 = c0.index_select(1, order) if is_lstm else None
        flat = [w for layer in weights for w in layer if w is not None]
        result = _call(
            _KERNELS[spec.mode], data, batch_sizes, (h0, c0) if is_lstm else h0, flat, spec.bias,
            spec.num_layers, spec.dropout, spec.training, spec.bidirectional,
        )  # fmt: skip
        h_n, c_n = result[1], result[2] if is_lstm else None
        if unorder is not None:
            h_n = h_n.index_select(1, unorder)
            c_n = c_n.index_select(1, unorder) if is_lstm else None
        return PackedSequence(result[0], batch_sizes, order, unorder), h_n, c_n


BACKEND = NativeBackend()
