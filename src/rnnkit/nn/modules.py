"""The public layers ``RNN``, ``LSTM`` and ``GRU``: the docstrings are the specification.

They differ in their constructors and docstrings only: ``forward`` is one implementation for every cell
type (:meth:`rnnkit.nn.layers.RecurrentBase.forward`).
"""

from __future__ import annotations

import torch

from rnnkit.nn.cells import NONLINEARITIES
from rnnkit.nn.celltypes import TABLE, mode_of
from rnnkit.nn.layers import RecurrentBase
from rnnkit.utils.errors import RnnkitError


def _no_proj_size(kind: str, proj_size: object) -> None:
    """torch.nn's RNN and GRU refuse ``proj_size`` (any value, 0 included) with ``ValueError``."""
    if proj_size is not None:
        raise RnnkitError(f"proj_size is only supported for LSTM, not {kind}; got proj_size={proj_size!r}")


class RNN(RecurrentBase):
    r"""A multi-layer Elman (Simple) RNN.

    .. math::
        h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})

    (ReLU instead of tanh with ``nonlinearity="relu"``.) ``x_t`` is the input at step t for layer
    0 and the previous layer's output above it.

    Args:
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        num_layers: stacked recurrent layers; layer k > 0 reads the outputs of layer k-1. Default 1.
        nonlinearity: ``"tanh"`` (default) or ``"relu"``.
        bias: if False, no ``b_ih``/``b_hh``. Default True.
        batch_first: if True, input and output are ``(N, L, *)`` instead of ``(L, N, *)`` (states
            stay ``(num_layers * D, N, H)``). Default False.
        dropout: dropout probability in ``[0, 1]`` on the outputs of every layer but the last, in
            training mode (torch.nn warns when it is set with one layer; so does rnnkit). Default 0.
        bidirectional: if True, a second pass runs each sequence backwards (``D = 2``).
        device: where the parameters are created (as torch.nn). Default: torch's default device.
        dtype: the parameters' dtype (as torch.nn). Default: torch's default dtype.
        backend: (keyword only) ``"auto"`` (default), ``"reference"``, ``"native"`` or ``"triton"``; see below.
        recurrent_init: (keyword only) ``"default"`` (torch.nn's ``U(-1/sqrt(H), 1/sqrt(H))``), ``"identity"``
            (every gate block of ``weight_hh`` the identity, biases zero: IRNN, Le et al. 2015) or
            ``"orthogonal"`` (every gate block of ``weight_hh`` random orthogonal).
        check_finite: (keyword only) if True, NaN or infinite values in the input or initial state raise
            :class:`~rnnkit.utils.errors.RnnkitError`. Default False (the check costs a device sync).
        proj_size: (keyword only) not supported (LSTM only): giving it, any value, raises ``ValueError``,
            as torch.nn does.

    Backends: ``"reference"`` runs the equations step by step (any device, any option, gates);
    ``"native"`` calls torch's fused kernels (cuDNN, oneDNN/ATen) with the same weights and cannot
    return gates; ``"triton"`` runs rnnkit's GPU kernels. ``"auto"`` picks triton on CUDA where its
    measured policy prefers it, else native where it can run, else reference; it never fails where
    reference works. A backend asked for by name that cannot run the call raises RnnkitError.

    Raises: every error is an :class:`~rnnkit.utils.errors.RnnkitError` and also the exception
    torch.nn raises for the same mistake: ``TypeError`` for an argument of the wrong type (a non-int
    size, a non-bool ``bias``/``batch_first``/``bidirectional``), ``ValueError`` for a value out of
    range, an input of the wrong rank or dtype, ``RuntimeError`` for a wrong feature size, state
    shape or dtype, a tensor on another device, lengths or an empty sequence. An empty batch (``N = 0``) is fine, as in torch.nn.

    Inputs: input, hx, lengths, return_gates, enforce_sorted
        - **input** ``(L, N, H_in)``, ``(N, L, H_in)`` with batch_first, ``(L, H_in)`` unbatched, or a
          ``PackedSequence``.
        - **hx** ``(num_layers * D, N, H)``: initial state; zeros when omitted.
        - **lengths** 1-D integer tensor ``(N,)`` of true lengths in ``1..L`` for a padded batch.
        - **return_gates** accepted for symmetry; the Simple RNN has no gates, so ``None`` is
          returned in their place.
        - **enforce_sorted** if True, lengths must be in decreasing order.

    Outputs: output, h_n[, None]
        - **output** ``(L, N, D*H)`` (a PackedSequence for a PackedSequence input): the last layer's
          ``h_t`` for every step; zero at padded steps.
        - **h_n** ``(num_layers * D, N, H)``: the state after each sequence's last valid step.

    Shape legend::

        N = batch size        L = sequence length     D = 2 if bidirectional else 1
        H_in = input_size     H = hidden_size

    Attributes:
        weight_ih_l[k]: ``(H, H_in)`` for k = 0, else ``(H, D*H)``. weight_hh_l[k]: ``(H, H)``.
        bias_ih_l[k], bias_hh_l[k]: ``(H,)``. Reverse direction: the same with suffix ``_reverse``.

    Example::

        >>> import torch, rnnkit
        >>> rnn = rnnkit.RNN(10, 20, num_layers=2)
        >>> out, h_n = rnn(torch.randn(5, 3, 10))
        >>> out.shape, h_n.shape
        (torch.Size([5, 3, 20]), torch.Size([2, 3, 20]))
    """

    kind = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        backend: str = "auto",
        recurrent_init: str = "default",
        check_finite: bool = False,
        proj_size: object = None,
    ) -> None:
        _no_proj_size("RNN", proj_size)
        if nonlinearity not in NONLINEARITIES:
            raise RnnkitError(f"unknown nonlinearity {nonlinearity!r}; known: {', '.join(NONLINEARITIES)}")
        self.nonlinearity = nonlinearity
        super().__init__(
            f"rnn_{nonlinearity}",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device,
            dtype,
            backend=backend,
            recurrent_init=recurrent_init,
            check_finite=check_finite,
        )


class LSTM(RecurrentBase):
    r"""A multi-layer long short-term memory (LSTM) network.

    .. math::
        \begin{array}{ll}
        i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) & \text{input gate} \\
        f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) & \text{forget gate} \\
        g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) & \text{cell candidate} \\
        o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) & \text{output gate} \\
        c_t = f_t \odot c_{t-1} + i_t \odot g_t & \text{cell state (long-term memory)} \\
        h_t = o_t \odot \tanh(c_t)
        \end{array}

    ``x_t`` is the input at step t for layer 0 and the previous layer's output above it.

    Args:
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        num_layers: stacked recurrent layers; layer k > 0 reads the outputs of layer k-1. Default 1.
        bias: if False, no ``b_ih``/``b_hh``. Default True.
        batch_first: if True, input and output are ``(N, L, *)`` instead of ``(L, N, *)`` (states
            stay ``(num_layers * D, N, H)``). Default False.
        dropout: dropout probability in ``[0, 1]`` on the outputs of every layer but the last, in
            training mode (torch.nn warns when it is set with one layer; so does rnnkit). Default 0.
        bidirectional: if True, a second pass runs each sequence backwards (``D = 2``).
        proj_size: if > 0, an LSTM with projections (Sak et al. 2014), exactly as torch.nn's:
            ``h_t = W_hr (o_t ⊙ tanh(c_t))`` has ``P = proj_size < H`` features, so ``h_0``/``h_n``
            are ``(num_layers * D, N, P)``, the output ``(L, N, D*P)``, ``c`` stays ``H`` wide and the
            gates are reported before the projection. Runs on reference and native (triton declines it
            and ``auto`` falls back). Default 0.
        device: where the parameters are created (as torch.nn). Default: torch's default device.
        dtype: the parameters' dtype (as torch.nn). Default: torch's default dtype.
        backend: (keyword only) ``"auto"`` (default), ``"reference"``, ``"native"`` or ``"triton"``; see below.
        recurrent_init: (keyword only) ``"default"`` (torch.nn's ``U(-1/sqrt(H), 1/sqrt(H))``), ``"identity"``
            (every gate block of ``weight_hh`` the identity, biases zero: IRNN, Le et al. 2015) or
            ``"orthogonal"`` (every gate block of ``weight_hh`` random orthogonal).
        check_finite: (keyword only) if True, NaN or infinite values in the input or initial state raise
            :class:`~rnnkit.utils.errors.RnnkitError`. Default False (the check costs a device sync).
        forget_bias: (keyword only) added at initialisation to every layer's forget gate pre-activation,
            half in ``b_if`` and half in ``b_hf``; 1 keeps the cell state from the start (Gers et al.
            2000; Jozefowicz et al. 2015). Default 0 (torch.nn's initialisation).

    Backends: ``"reference"`` runs the equations step by step (any device, any option, gates);
    ``"native"`` calls torch's fused kernels (cuDNN, oneDNN/ATen) with the same weights and cannot
    return gates; ``"triton"`` runs rnnkit's GPU kernels. ``"auto"`` picks triton on CUDA where its
    measured policy prefers it, else native where it can run, else reference; it never fails where
    reference works. A backend asked for by name that cannot run the call raises RnnkitError.

    Raises: every error is an :class:`~rnnkit.utils.errors.RnnkitError` and also the exception
    torch.nn raises for the same mistake: ``TypeError`` for an argument of the wrong type (a non-int
    size, a non-bool ``bias``/``batch_first``/``bidirectional``), ``ValueError`` for a value out of
    range, an input of the wrong rank or dtype, ``RuntimeError`` for a wrong feature size, state
    shape or dtype, a tensor on another device, lengths or an empty sequence. An empty batch (``N = 0``) is fine, as in torch.nn.

    Inputs: input, (h_0, c_0), lengths, return_gates, enforce_sorted
        - **input** ``(L, N, H_in)``, ``(N, L, H_in)`` with batch_first, ``(L, H_in)`` unbatched, or a
          ``PackedSequence``.
        - **(h_0, c_0)** each ``(num_layers * D, N, H)``: initial states; zeros when omitted.
        - **lengths** 1-D integer tensor ``(N,)`` of true lengths in ``1..L`` for a padded batch.
        - **return_gates** if True, also return the gate activations (below).
        - **enforce_sorted** if True, lengths must be in decreasing order.

    Outputs: output, (h_n, c_n)[, gates]
        - **output** ``(L, N, D*H)`` (a PackedSequence for a PackedSequence input): the last layer's
          ``h_t`` for every step; zero at padded steps.
        - **h_n**, **c_n** ``(num_layers * D, N, H)``: the states after each sequence's last valid step.

        - **gates** (with ``return_gates=True``): a namedtuple ``(input, forget, cell, output, c)`` of tensors of shape
          ``(num_layers, L, N, D*H)`` (``(num_layers, N, L, D*H)`` with ``batch_first``;
          ``(num_layers, L, D*H)`` unbatched): every step's activation for every layer, forward
          direction in the first H columns, zero at padded steps. With a PackedSequence input
          they are padded, batch in the original order, laid out as for a padded input
          (``(num_layers, N, L, D*H)`` with batch_first).

    Shape legend::

        N = batch size        L = sequence length     D = 2 if bidirectional else 1
        H_in = input_size     H = hidden_size

    Attributes:
        weight_ih_l[k]: ``(4H, H_in)`` for k = 0, else ``(4H, D*H)``; rows ``W_ii|W_if|W_ig|W_io``.
        weight_hh_l[k]: ``(4H, H)``, same gate order. bias_ih_l[k], bias_hh_l[k]: ``(4H,)``.
        weight_hr_l[k]: ``(P, H)``, only when ``proj_size > 0`` (then ``weight_hh_l[k]`` is ``(4H, P)`` and
        ``weight_ih_l[k]`` for k > 0 is ``(4H, D*P)``). Reverse direction: the same with suffix ``_reverse``.

    Example::

        >>> import torch, rnnkit
        >>> lstm = rnnkit.LSTM(10, 20, bidirectional=True)
        >>> out, (h_n, c_n), gates = lstm(torch.randn(5, 3, 10), return_gates=True)
        >>> out.shape, h_n.shape, gates.forget.shape
        (torch.Size([5, 3, 40]), torch.Size([2, 3, 20]), torch.Size([1, 5, 3, 40]))
    """

    kind = "LSTM"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        backend: str = "auto",
        recurrent_init: str = "default",
        check_finite: bool = False,
        forget_bias: float = 0.0,
    ) -> None:
        super().__init__(
            "lstm",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device,
            dtype,
            backend=backend,
            recurrent_init=recurrent_init,
            check_finite=check_finite,
            proj_size=proj_size,
            forget_bias=forget_bias,
        )


class GRU(RecurrentBase):
    r"""A multi-layer gated recurrent unit (GRU) network (reset applied after the recurrent product).

    .. math::
        \begin{array}{ll}
        r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) & \text{reset gate} \\
        z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) & \text{update gate} \\
        n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})) & \text{new state} \\
        h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}
        \end{array}

    ``x_t`` is the input at step t for layer 0 and the previous layer's output above it.

    Args:
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        num_layers: stacked recurrent layers; layer k > 0 reads the outputs of layer k-1. Default 1.
        bias: if False, no ``b_ih``/``b_hh``. Default True.
        batch_first: if True, input and output are ``(N, L, *)`` instead of ``(L, N, *)`` (states
            stay ``(num_layers * D, N, H)``). Default False.
        dropout: dropout probability in ``[0, 1]`` on the outputs of every layer but the last, in
            training mode (torch.nn warns when it is set with one layer; so does rnnkit). Default 0.
        bidirectional: if True, a second pass runs each sequence backwards (``D = 2``).
        device: where the parameters are created (as torch.nn). Default: torch's default device.
        dtype: the parameters' dtype (as torch.nn). Default: torch's default dtype.
        backend: (keyword only) ``"auto"`` (default), ``"reference"``, ``"native"`` or ``"triton"``; see below.
        recurrent_init: (keyword only) ``"default"`` (torch.nn's ``U(-1/sqrt(H), 1/sqrt(H))``), ``"identity"``
            (every gate block of ``weight_hh`` the identity, biases zero: IRNN, Le et al. 2015) or
            ``"orthogonal"`` (every gate block of ``weight_hh`` random orthogonal).
        check_finite: (keyword only) if True, NaN or infinite values in the input or initial state raise
            :class:`~rnnkit.utils.errors.RnnkitError`. Default False (the check costs a device sync).
        forget_bias: (keyword only) added at initialisation to every layer's update gate pre-activation,
            half in ``b_iz`` and half in ``b_hz``: ``z`` near 1 keeps ``h_{t-1}``. Default 0.
        proj_size: (keyword only) not supported (LSTM only): giving it, any value, raises ``ValueError``,
            as torch.nn does.

    Backends: ``"reference"`` runs the equations step by step (any device, any option, gates);
    ``"native"`` calls torch's fused kernels (cuDNN, oneDNN/ATen) with the same weights and cannot
    return gates; ``"triton"`` runs rnnkit's GPU kernels. ``"auto"`` picks triton on CUDA where its
    measured policy prefers it, else native where it can run, else reference; it never fails where
    reference works. A backend asked for by name that cannot run the call raises RnnkitError.

    Raises: every error is an :class:`~rnnkit.utils.errors.RnnkitError` and also the exception
    torch.nn raises for the same mistake: ``TypeError`` for an argument of the wrong type (a non-int
    size, a non-bool ``bias``/``batch_first``/``bidirectional``), ``ValueError`` for a value out of
    range, an input of the wrong rank or dtype, ``RuntimeError`` for a wrong feature size, state
    shape or dtype, a tensor on another device, lengths or an empty sequence. An empty batch (``N = 0``) is fine, as in torch.nn.

    Inputs: input, hx, lengths, return_gates, enforce_sorted
        - **input** ``(L, N, H_in)``, ``(N, L, H_in)`` with batch_first, ``(L, H_in)`` unbatched, or a
          ``PackedSequence``.
        - **hx** ``(num_layers * D, N, H)``: initial state; zeros when omitted.
        - **lengths** 1-D integer tensor ``(N,)`` of true lengths in ``1..L`` for a padded batch.
        - **return_gates** if True, also return the gate activations (below).
        - **enforce_sorted** if True, lengths must be in decreasing order.

    Outputs: output, h_n[, gates]
        - **output** ``(L, N, D*H)`` (a PackedSequence for a PackedSequence input): the last layer's
          ``h_t`` for every step; zero at padded steps.
        - **h_n** ``(num_layers * D, N, H)``: the state after each sequence's last valid step.

        - **gates** (with ``return_gates=True``): a namedtuple ``(reset, update, new)`` of tensors of shape
          ``(num_layers, L, N, D*H)`` (``(num_layers, N, L, D*H)`` with ``batch_first``;
          ``(num_layers, L, D*H)`` unbatched): every step's activation for every layer, forward
          direction in the first H columns, zero at padded steps. With a PackedSequence input
          they are padded, batch in the original order, laid out as for a padded input
          (``(num_layers, N, L, D*H)`` with batch_first).

    Shape legend::

        N = batch size        L = sequence length     D = 2 if bidirectional else 1
        H_in = input_size     H = hidden_size

    Attributes:
        weight_ih_l[k]: ``(3H, H_in)`` for k = 0, else ``(3H, D*H)``; rows ``W_ir|W_iz|W_in``.
        weight_hh_l[k]: ``(3H, H)``, same gate order. bias_ih_l[k], bias_hh_l[k]: ``(3H,)``.
        Reverse direction: the same with suffix ``_reverse``.

    Example::

        >>> import torch, rnnkit
        >>> gru = rnnkit.GRU(10, 20, batch_first=True)
        >>> out, h_n, gates = gru(torch.randn(3, 5, 10), return_gates=True)
        >>> out.shape, h_n.shape, gates.update.shape
        (torch.Size([3, 5, 20]), torch.Size([1, 3, 20]), torch.Size([1, 3, 5, 20]))
    """

    kind = "GRU"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        backend: str = "auto",
        recurrent_init: str = "default",
        check_finite: bool = False,
        forget_bias: float = 0.0,
        proj_size: object = None,
    ) -> None:
        _no_proj_size("GRU", proj_size)
        super().__init__(
            "gru",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device,
            dtype,
            backend=backend,
            recurrent_init=recurrent_init,
            check_finite=check_finite,
            forget_bias=forget_bias,
        )


class RecurrentLayer(RecurrentBase):
    r"""A multi-layer network of any cell type of the table (:mod:`rnnkit.nn.celltypes`), by name.

    The cell types without a class of their own (the minimal gated unit, ``"mgu"``; Zhou et al. 2016)
    are built this way by :func:`rnnkit.nn.make_layer`. The step's equations are its function's
    docstring (:func:`rnnkit.nn.functional.mgu_step`); stacking, directions, dropout, lengths, packed
    input and gates work as for :class:`GRU`.

    Args:
        cell: a name of :data:`rnnkit.nn.names.CELL_TYPES`.
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        num_layers: stacked recurrent layers. Default 1.
        bias: if False, no ``b_ih``/``b_hh``. Default True.
        batch_first: if True, input and output are ``(N, L, *)``. Default False.
        dropout: dropout probability in ``[0, 1]`` between layers, in training mode. Default 0.
        bidirectional: if True, ``D = 2``. Default False.
        device: where the parameters are created. dtype: their dtype.
        nonlinearity: (keyword only) ``"tanh"`` or ``"relu"``, for ``cell="rnn"`` only (any other cell
            type given ``"relu"`` raises RnnkitError rather than ignore it).
        backend: (keyword only) ``"auto"``, ``"reference"``, ``"native"`` or ``"triton"``; a backend that
            does not implement the cell type (native and triton for the MGU) is skipped by ``auto``
            and raises RnnkitError when asked for by name.
        recurrent_init: (keyword only) ``"default"``, ``"identity"`` or ``"orthogonal"``.
        check_finite: (keyword only) NaN or infinite input or state raise. Default False.
        forget_bias: (keyword only) added at initialisation to the gate that keeps the state (sign
            included: the MGU's ``f`` near 1 replaces the state, so its bias is lowered). Default 0.
        proj_size: (keyword only) the LSTM's projection (as :class:`LSTM`); any other cell type
            refuses a non-zero value with RnnkitError (``ValueError``), as torch.nn's GRU does. Default 0.

    Inputs: input, hx, lengths, return_gates, enforce_sorted (as :class:`GRU`; the state is a pair
    ``(h_0, c_0)`` for a cell type with a cell state).

    Outputs: output, h_n[, gates] (``(h_n, c_n)`` with a cell state); gates: the record's namedtuple of
    ``(num_layers, L, N, D*H)`` tensors (the MGU's ``(forget, new)``).

    Attributes:
        weight_ih_l[k]: ``(G*H, H_in)`` for k = 0, else ``(G*H, D*H)``; weight_hh_l[k]: ``(G*H, H)``;
        bias_ih_l[k], bias_hh_l[k]: ``(G*H,)``; ``G`` the record's gate blocks (MGU: 2, ``W_f|W_h~``).

    Example::

        >>> import torch, rnnkit.nn
        >>> mgu = rnnkit.nn.make_layer("mgu", 10, 20, num_layers=2)
        >>> out, h_n, gates = mgu(torch.randn(5, 3, 10), return_gates=True)
        >>> out.shape, h_n.shape, gates.forget.shape
        (torch.Size([5, 3, 20]), torch.Size([2, 3, 20]), torch.Size([2, 5, 3, 20]))
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        nonlinearity: str = "tanh",
        backend: str = "auto",
        recurrent_init: str = "default",
        check_finite: bool = False,
        forget_bias: float = 0.0,
        proj_size: int = 0,
    ) -> None:
        cell_mode = mode_of(cell, nonlinearity)
        self.kind = TABLE[cell_mode].title
        if cell == "rnn":
            self.nonlinearity = nonlinearity
        super().__init__(
            cell_mode,
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype,
            backend=backend, recurrent_init=recurrent_init, check_finite=check_finite,
            forget_bias=forget_bias, proj_size=proj_size,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"{TABLE[self.cell_mode].cell!r}, " + super().extra_repr()
