"""One direction of one recurrent layer as a ``torch.autograd.Function`` on the Triton kernels.

Forward (dimension legend in :mod:`.kernels`)::

    xp = x @ W_ih^T + b                     one matrix product for all steps       (L, N, G*H)
    h_t, c_t, gates_t = step(xp_t, h_{t-1} @ W_hh^T, c_{t-1})    the kernel, t = 0 .. L-1

where ``b = b_ih + b_hh`` except GRU's ``b_hn``, which stays inside ``r * (W_hn h + b_hn)``.

Backward: the kernel walks the steps down and writes ``dA`` (L, N, G*H), the gradient of the gate
pre-activations; everything else is a few large matrix products::

    dx = dA_in @ W_ih          dW_ih = dA_in^T @ x          db_ih = sum dA_in
    dW_hh = dA_rec^T @ h_prev  db_hh = sum dA_rec           dh0 = carry + dA_rec[0] @ W_hh

(``dA_rec == dA_in`` except for GRU's n gate, whose recurrent side is scaled by r.)

``reverse=True`` gathers each sequence's valid steps in reverse order, runs forward, and gathers
back, so step t's result lands at position t and padded steps stay zero (as torch's packed
sequences do). The gate tensors returned with ``return_gates`` are written by the kernel and are
not differentiable.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnnkit.nn.backends.base import reverse_index
from rnnkit.nn.backends.triton import launch
from rnnkit.nn.backends.triton.kernels import MODE_GRU, MODE_IDS, MODE_LSTM
from rnnkit.nn.celltypes import TABLE

GATE_BLOCKS = {m: TABLE[m].gate_blocks for m in ("rnn_tanh", "rnn_relu", "lstm", "gru")}
HALF = (torch.float16, torch.bfloat16)
GATE_OUTPUTS = {m: TABLE[m].gate_outputs for m in GATE_BLOCKS}


def _input_bias(mode: str, b_ih: Tensor | None, b_hh: Tensor | None, H: int) -> Tensor | None:
    """The bias folded into ``xp``: b_ih + b_hh (GRU: b_hh's n block excluded)."""
    if b_ih is None:
        return None
    if mode == "gru":
        return b_ih + torch.cat([b_hh[: 2 * H], torch.zeros_like(b_hh[2 * H :])])
    return b_ih + b_hh


class TritonDirection(torch.autograd.Function):
    """``(x, h0, c0, W_ih, W_hh, b_ih, b_hh) -> (out, h_n, c_n, gates)`` for one direction, forward in time.

    ``c_n`` and ``gates`` are empty tensors when the mode has none (the caller maps them to None).
    """

    @staticmethod
    def forward(ctx, mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, lens, return_gates, plan, grad_mode):
        L, N, H_in = x.shape
        H = w_hh.shape[1]
        G, K = GATE_BLOCKS[mode], GATE_OUTPUTS[mode]
        mode_id = MODE_IDS[mode]
        dev = x.device
        f32 = torch.float64 if x.dtype == torch.float64 else torch.float32  # state dtype
        x2 = x.reshape(L * N, H_in)
        bias = _input_bias(mode, b_ih, b_hh, H)
        xp = x2 @ w_ih.t() if bias is None else torch.addmm(bias, x2, w_ih.t())  # (L*N, G*H)
        if mode == "gru" and b_hh is not None:
            bhn = b_hh[2 * H :].to(f32).contiguous()  # (H,)
        else:
            bhn = torch.zeros(H, dtype=f32, device=dev)
        hs = torch.empty(L + 1, N, H, dtype=f32, device=dev)
        hs[0] = h0
        # the states again in the matmul dtype, the operand of h @ W_hh^T (fp32/fp64: hs itself)
        hb = torch.empty(L + 1, N, H, dtype=x.dtype, device=dev) if x.dtype in HALF else hs
        if hb is not hs:
            hb[0] = h0
        is_lstm = mode_id == MODE_LSTM
        cs = torch.empty(L + 1 if is_lstm else 1, N, H, dtype=f32, device=dev)
        if is_lstm:
            cs[0] = c0
        # save activations for backward only when autograd records this call (not under no_grad)
        save = grad_mode and any(ctx.needs_input_grad)
        gated = mode_id in (MODE_LSTM, MODE_GRU)
        acts = torch.empty(L if save and gated else 1, N, G, H, dtype=f32, device=dev)
        hn = torch.empty(L if save and mode_id == MODE_GRU else 1, N, H, dtype=f32, device=dev)
        out = torch.empty(L, N, H, dtype=x.dtype, device=dev)
        gates = torch.empty(L if return_gates and K else 0, N, max(K, 1), H, dtype=x.dtype, device=dev)
        launch.run_with_fallback(
            launch.launch_forward, plan, w_hh.dtype, mode_id, G, K, xp, bhn, w_hh.contiguous(), hs, hb, cs, out, acts, hn, gates, lens,
            save, bool(return_gates and K),
        )  # fmt: skip
        h_n = hs[L].to(x.dtype)
        c_n = cs[L].to(x.dtype) if is_lstm else x.new_empty(0)
        if not (return_gates and K):
            gates = x.new_empty(0)
        ctx.mark_non_differentiable(gates)
        if save:
            ctx.save_for_backward(x, w_ih, w_hh, hs, hb, cs, acts, hn, lens)
        ctx.mode, ctx.plan, ctx.has_bias = mode, plan, b_ih is not None
        return out, h_n, c_n, gates

    @staticmethod
    def backward(ctx, d_out, d_hn, d_cn, d_gates):
        x, w_ih, w_hh, hs, hb, cs, acts, hn, lens = ctx.saved_tensors
        mode = ctx.mode
        mode_id = MODE_IDS[mode]
        L, N, H_in = x.shape
        H = w_hh.shape[1]
        G = GATE_BLOCKS[mode]
        dtype = w_hh.dtype
        sdt = hs.dtype  # state dtype (float32, float64 for float64 inputs)
        dh = d_hn.to(sdt).contiguous().clone()  # (N, H) carried gradient
        dc = d_cn.to(sdt).contiguous().clone() if mode_id == MODE_LSTM else dh.new_empty(1)
        dgi = torch.empty(L, N, G * H, dtype=dtype, device=x.device)
        dgh = torch.empty_like(dgi) if mode_id == MODE_GRU else dgi
        launch.run_with_fallback(
            launch.launch_backward, ctx.plan, w_hh.dtype, mode_id, G, d_out.contiguous(), acts, hn, hs, cs, w_hh.contiguous(), dgi, dgh, dh, dc,
            lens,
        )  # fmt: skip
        a_in = dgi.reshape(L * N, G * H)
        a_rec = dgh.reshape(L * N, G * H)
        dx = (a_in @ w_ih).reshape(L, N, H_in) if ctx.needs_input_grad[1] else None
        dh0 = (dh + (dgh[0] @ w_hh).to(sdt)).to(dtype) if ctx.needs_input_grad[2] else None
        dc0 = dc.to(dtype) if mode_id == MODE_LSTM and ctx.needs_input_grad[3] else None
        dw_ih = a_in.t() @ x.reshape(L * N, H_in) if ctx.needs_input_grad[4] else None
        dw_hh = a_rec.t() @ hb[:L].reshape(L * N, H).to(dtype) if ctx.needs_input_grad[5] else None
        db_ih = db_hh = None
        if ctx.has_bias:
            db_ih = a_in.to(sdt).sum(0).to(dtype)
            db_hh = db_ih if a_rec is a_in else a_rec.to(sdt).sum(0).to(dtype)
        return None, dx, dh0, dc0, dw_ih, dw_hh, db_ih, db_hh, None, None, None, None


def triton_direction(
    mode: str,
    x: Tensor,
    h0: Tensor,
    c0: Tensor | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
    lengths: Tensor | None,
    reverse: bool,
    return_gates: bool,
    plan: launch.Plan | None = None,
) -> tuple[Tensor, Tensor, Tensor | None, Tensor | None]:
    """The backend contract's ``direction_fn`` on the Triton kernels (shapes in ``backends/base.py``).

    ``plan`` overrides the default launch plan (tests use it to exercise every kernel path).
    """
    L, N, _ = x.shape
    H = w_hh.shape[1]
    if plan is None:
        plan = launch.make_plan(N, H, GATE_BLOCKS[mode], w_hh.dtype, x.device)
    plan.check(H)
    if lengths is None:
        lens = torch.full((N,), L, dtype=torch.int32, device=x.device)
    else:
        lens = lengths.to(device=x.device, dtype=torch.int32)
    if reverse:
        if lengths is None:
            x = x.flip(0)
        else:
            idx = reverse_index(lengths, L, x.device)
            cols = torch.arange(N, device=x.device).unsqueeze(0)  # (1, N)
            x = x[idx, cols]  # (L, N, H_in)
    c0_arg = c0 if mode == "lstm" else None
    out, h_n, c_n, gates = TritonDirection.apply(
        mode,
        x.contiguous(),
        h0,
        c0_arg,
        w_ih,
        w_hh,
        b_ih,
        b_hh,
        lens,
        return_gates,
        plan,
        torch.is_grad_enabled(),
    )
    if reverse:
        if lengths is None:
            out = out.flip(0)
            gates = gates.flip(0) if gates.numel() else gates
        else:
            out = out[idx, cols]
            gates = gates[idx, cols] if gates.numel() else gates
    return out, h_n, c_n if mode == "lstm" else None, gates if gates.numel() else None
