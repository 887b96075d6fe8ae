"""Triton kernels: the recurrent part of one direction of one layer, forward and backward.

Dimension legend (time-major; every buffer is contiguous)::

    L   steps            N   batch            H   hidden size
    G   gate blocks: 1 (Simple RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n)
    K   gate tensors returned: 5 (LSTM: i, f, g, o, c), 3 (GRU: r, z, n)

The input projection ``xp = x @ W_ih^T + b`` (L, N, G*H) is one matrix product done by the caller
before the kernel; the kernels do only what must be sequential: ``h_{t-1} @ W_hh^T`` and the gate
arithmetic, step by step.

Work split. Program ``p`` owns hidden units ``j in [p*BLOCK_H, (p+1)*BLOCK_H)`` of every gate, for
all N rows (looped in BLOCK_N blocks). It reads the whole previous state ``h_{t-1}`` (N, H) and its
own slice of ``W_hh``: rows ``g*H + j`` for the forward pass (G tiles of (H, BLOCK_H)), the same rows
read as columns for the backward pass (``dh_{t-1} = dA_t @ W_hh``). With ``RESIDENT`` the slice is
loaded once, before the time loop, and stays on chip for the whole sequence (Persistent RNNs, Diamos
et al. 2016); otherwise it is re-read every step in BLOCK_K chunks (from L2, where it stays hot).

Step barrier. With ``SYNC`` one launch runs ``n_steps`` steps: after writing step t every program
increments a global counter and spins until all P programs have done so, so that step t+1 reads a
complete ``h_t``. All programs must be resident at once: the launcher never starts more programs
than the GPU has multiprocessors. A barrier that waits more than ``max_spins`` polls gives up (and
stops waiting at later steps) instead of hanging the GPU, and counts the time-out in ``sync[1]``,
which the launcher turns into an error. Without ``SYNC`` the caller launches one step at a time (the
per-step fallback, and the path used under ``TRITON_INTERPRET=1``, which runs programs one after
another and would spin forever at a barrier unless P == 1).

States are kept in float32 (``hs`` (L+1, N, H), ``cs`` (L+1, N, H); index 0 holds h0/c0); matrix
products take the weights' dtype and accumulate in float32.

For float16/bfloat16 the states are also written in that dtype (``hb``), so the product's operand
is read at half the bytes. The interpreter computes bfloat16 ``tl.dot`` wrongly (Triton 3.9), so on
the CPU bfloat16 weights arrive upcast to float32 (exactly): the same values the GPU multiplies,
accumulated in float32 as there.
"""

from __future__ import annotations

import triton
import triton.language as tl

MODE_RNN_TANH, MODE_RNN_RELU, MODE_LSTM, MODE_GRU = 0, 1, 2, 3
MODE_IDS = {"rnn_tanh": MODE_RNN_TANH, "rnn_relu": MODE_RNN_RELU, "lstm": MODE_LSTM, "gru": MODE_GRU}


def _fwd_kernel(
    xp_ptr,  # (L, N, G*H) input projection with folded biases, compute dtype
    bhn_ptr,  # (H,) float32: GRU's b_hn (stays inside r * (...)); unused otherwise
    w_ptr,  # (G*H, H) W_hh, compute dtype
    hs_ptr,  # (L+1, N, H) float32 states; hs[0] = h0
    hb_ptr,  # (L+1, N, H) the states in the weights' dtype (operand of h @ W_hh^T); hs itself for fp32/64
    cs_ptr,  # (L+1, N, H) float32 cell states (LSTM); cs[0] = c0
    out_ptr,  # (L, N, H) output dtype; zero at padded steps
    acts_ptr,  # (L, N, G, H) float32 gate activations saved for backward (LSTM, GRU)
    hn_ptr,  # (L, N, H) float32: GRU's W_hn h_{t-1} + b_hn, saved for backward
    gates_ptr,  # (L, N, K, H) output dtype, written with RETURN_GATES
    len_ptr,  # (N,) int32 valid steps per sequence
    sync_ptr,  # (2,) int32: step counter, barrier time-outs; zero at launch
    t0,  # first step of this launch
    n_steps,  # steps in this launch
    max_spins,  # polls before a barrier gives up (see launch.MAX_SPINS)
    N,
    H,
    MODE: tl.constexpr,
    G: tl.constexpr,
    K: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_H: tl.constexpr,
    BLOCK_K: tl.constexpr,
    RESIDENT: tl.constexpr,
    SYNC: tl.constexpr,
    SAVE: tl.constexpr,
    RETURN_GATES: tl.constexpr,
    PRECISION: tl.constexpr,
    STORE_HB: tl.constexpr,
):
    pid = tl.program_id(0)
    num_progs = tl.num_programs(0)
    offs_j = pid * BLOCK_H + tl.arange(0, BLOCK_H)  # (BLOCK_H,) hidden units owned here
    mask_j = offs_j < H
    offs_kk = tl.arange(0, BLOCK_K)
    GH = G * H
    wdt = w_ptr.dtype.element_ty
    adt = hs_ptr.dtype.element_ty  # accumulation/state dtype: float32 (float64 for float64 inputs)

    # W_hh^T tiles, element [k, j] = W_hh[g*H + j, k]: loaded once when RESIDENT
    w_mask = (offs_kk[:, None] < H) & mask_j[None, :]  # (BLOCK_K, BLOCK_H)
    w_off = offs_j[None, :] * H + offs_kk[:, None]
    w0 = tl.full((BLOCK_K, BLOCK_H), 0.0, wdt)
    w1 = tl.full((BLOCK_K, BLOCK_H), 0.0, wdt)
    w2 = tl.full((BLOCK_K, BLOCK_H), 0.0, wdt)
    w3 = tl.full((BLOCK_K, BLOCK_H), 0.0, wdt)
    if RESIDENT:
        w0 = tl.load(w_ptr + w_off, mask=w_mask, other=0.0)
        if G >= 3:
            w1 = tl.load(w_ptr + H * H + w_off, mask=w_mask, other=0.0)
            w2 = tl.load(w_ptr + 2 * H * H + w_off, mask=w_mask, other=0.0)
        if G == 4:
            w3 = tl.load(w_ptr + 3 * H * H + w_off, mask=w_mask, other=0.0)

    spin_limit = max_spins
    for s in range(0, n_steps):
        t = t0 + s
        for n0 in range(0, N, BLOCK_N):
            offs_n = n0 + tl.arange(0, BLOCK_N)  # (BLOCK_N,)
            mask_n = offs_n < N
            acc0 = tl.full((BLOCK_N, BLOCK_H), 0.0, adt)
            acc1 = tl.full((BLOCK_N, BLOCK_H), 0.0, adt)
            acc2 = tl.full((BLOCK_N, BLOCK_H), 0.0, adt)
            acc3 = tl.full((BLOCK_N, BLOCK_H), 0.0, adt)
            h_row = hb_ptr + t * N * H + offs_n[:, None] * H  # (BLOCK_N, 1)
            if RESIDENT:
                hp = tl.load(
                    h_row + offs_kk[None, :],
                    mask=mask_n[:, None] & (offs_kk[None, :] < H),
                    other=0.0,
                    cache_modifier=".cg",
                )  # (BLOCK_N, BLOCK_K)
                hp = hp.to(wdt)
                acc0 = tl.dot(hp, w0, acc0, input_precision=PRECISION, out_dtype=adt)
                if G >= 3:
                    acc1 = tl.dot(hp, w1, acc1, input_precision=PRECISION, out_dtype=adt)
                    acc2 = tl.dot(hp, w2, acc2, input_precision=PRECISION, out_dtype=adt)
                if G == 4:
                    acc3 = tl.dot(hp, w3, acc3, input_precision=PRECISION, out_dtype=adt)
            else:
                for k0 in range(0, H, BLOCK_K):
                    offs_k = k0 + offs_kk
                    hp = tl.load(
                        h_row + offs_k[None, :],
                        mask=mask_n[:, None] & (offs_k[None, :] < H),
                        other=0.0,
                        cache_modifier=".cg",
                    )  # (BLOCK_N, BLOCK_K)
                    hp = hp.to(wdt)
                    wm = (offs_k[:, None] < H) & mask_j[None, :]
                    wo = offs_j[None, :] * H + offs_k[:, None]
                    acc0 = tl.dot(
                        hp,
                        tl.load(w_ptr + wo, mask=wm, other=0.0),
                        acc0,
                        input_precision=PRECISION,
                        out_dtype=adt,
                    )
                    if G >= 3:
                        acc1 = tl.dot(
                            hp,
                            tl.load(w_ptr + H * H + wo, mask=wm, other=0.0),
                            acc1,
                            input_precision=PRECISION,
                            out_dtype=adt,
                        )
                        acc2 = tl.dot(
                            hp,
                            tl.load(w_ptr + 2 * H * H + wo, mask=wm, other=0.0),
                            acc2,
                            input_precision=PRECISION,
                            out_dtype=adt,
                        )
                    if G == 4:
                        acc3 = tl.dot(
                            hp,
                            tl.load(w_ptr + 3 * H * H + wo, mask=wm, other=0.0),
                            acc3,
                            input_precision=PRECISION,
                            out_dtype=adt,
                        )

            # gate arithmetic on this program's (BLOCK_N, BLOCK_H) tile
            m2 = mask_n[:, None] & mask_j[None, :]
            tile = offs_n[:, None] * H + offs_j[None, :]  # (BLOCK_N, BLOCK_H) offsets in an (N, H) plane
            xrow = xp_ptr + (t * N + offs_n[:, None]) * GH + offs_j[None, :]
            n_len = tl.load(len_ptr + offs_n, mask=mask_n, other=0)
            valid = (t < n_len)[:, None]  # (BLOCK_N, 1)
            h_prev = tl.load(hs_ptr + t * N * H + tile, mask=m2, other=0.0, cache_modifier=".cg")
            a0 = tl.load(xrow, mask=m2, other=0.0).to(adt) + acc0
            if MODE == 2:  # LSTM: c = f*c' + i*g ; h = o*tanh(c)
                a1 = tl.load(xrow + H, mask=m2, other=0.0).to(adt) + acc1
                a2 = tl.load(xrow + 2 * H, mask=m2, other=0.0).to(adt) + acc2
                a3 = tl.load(xrow + 3 * H, mask=m2, other=0.0).to(adt) + acc3
                g_i = 1.0 / (1.0 + tl.exp(-a0))
                g_f = 1.0 / (1.0 + tl.exp(-a1))
                g_g = 2.0 / (1.0 + tl.exp(-2.0 * a2)) - 1.0
                g_o = 1.0 / (1.0 + tl.exp(-a3))
                c_prev = tl.load(cs_ptr + t * N * H + tile, mask=m2, other=0.0)
                c = g_f * c_prev + g_i * g_g
                h = g_o * (2.0 / (1.0 + tl.exp(-2.0 * c)) - 1.0)
                tl.store(cs_ptr + (t + 1) * N * H + tile, tl.where(valid, c, c_prev), mask=m2)
                if SAVE:
                    arow = acts_ptr + (t * N + offs_n[:, None]) * GH + offs_j[None, :]
                    tl.store(arow, g_i, mask=m2)
                    tl.store(arow + H, g_f, mask=m2)
                    tl.store(arow + 2 * H, g_g, mask=m2)
                    tl.store(arow + 3 * H, g_o, mask=m2)
                if RETURN_GATES:
                    grow = gates_ptr + (t * N + offs_n[:, None]) * (K * H) + offs_j[None, :]
                    gdt = gates_ptr.dtype.element_ty
                    tl.store(grow, tl.where(valid, g_i, 0.0).to(gdt), mask=m2)
                    tl.store(grow + H, tl.where(valid, g_f, 0.0).to(gdt), mask=m2)
                    tl.store(grow + 2 * H, tl.where(valid, g_g, 0.0).to(gdt), mask=m2)
                    tl.store(grow + 3 * H, tl.where(valid, g_o, 0.0).to(gdt), mask=m2)
                    tl.store(grow + 4 * H, tl.where(valid, c, 0.0).to(gdt), mask=m2)
            elif MODE == 3:  # GRU: n = tanh(x_n + r*(W_hn h' + b_hn)) ; h = (1-z)*n + z*h'
                a1 = tl.load(xrow + H, mask=m2, other=0.0).to(adt) + acc1
                bhn = tl.load(bhn_ptr + offs_j, mask=mask_j, other=0.0)
                hn = acc2 + bhn[None, :]
                g_r = 1.0 / (1.0 + tl.exp(-a0))
                g_z = 1.0 / (1.0 + tl.exp(-a1))
                a2 = tl.load(xrow + 2 * H, mask=m2, other=0.0).to(adt) + g_r * hn
                g_n = 2.0 / (1.0 + tl.exp(-2.0 * a2)) - 1.0
                h = (1.0 - g_z) * g_n + g_z * h_prev
                if SAVE:
                    arow = acts_ptr + (t * N + offs_n[:, None]) * GH + offs_j[None, :]
                    tl.store(arow, g_r, mask=m2)
                    tl.store(arow + H, g_z, mask=m2)
                    tl.store(arow + 2 * H, g_n, mask=m2)
                    tl.store(hn_ptr + t * N * H + tile, hn, mask=m2)
                if RETURN_GATES:
                    grow = gates_ptr + (t * N + offs_n[:, None]) * (K * H) + offs_j[None, :]
                    gdt = gates_ptr.dtype.element_ty
                    tl.store(grow, tl.where(valid, g_r, 0.0).to(gdt), mask=m2)
                    tl.store(grow + H, tl.where(valid, g_z, 0.0).to(gdt), mask=m2)
                    tl.store(grow + 2 * H, tl.where(valid, g_n, 0.0).to(gdt), mask=m2)
            elif MODE == 1:  # Simple RNN, relu
                h = tl.maximum(a0, 0.0)
            else:  # Simple RNN, tanh
                h = 2.0 / (1.0 + tl.exp(-2.0 * a0)) - 1.0
            # padded steps keep the state and output zero
            h_keep = tl.where(valid, h, h_prev)
            tl.store(hs_ptr + (t + 1) * N * H + tile, h_keep, mask=m2)
            if STORE_HB:
                tl.store(hb_ptr + (t + 1) * N * H + tile, h_keep.to(hb_ptr.dtype.element_ty), mask=m2)
            tl.store(
                out_ptr + t * N * H + tile, tl.where(valid, h, 0.0).to(out_ptr.dtype.element_ty), mask=m2
            )

        if SYNC:  # grid-wide step barrier: every program has written h_t before anyone reads it
            tl.debug_barrier()
            tl.atomic_add(sync_ptr, 1, sem="release", scope="gpu")
            target = (s + 1) * num_progs
            seen = tl.atomic_add(sync_ptr, 0, sem="acquire", scope="gpu")
            spins = 0
            while (seen < target) & (spins < spin_limit):
                seen = tl.atomic_add(sync_ptr, 0, sem="acquire", scope="gpu")
                spins += 1
            if seen < target:  # gave up: count it for the host, and never wait again
                tl.atomic_add(sync_ptr + 1, 1)
                spin_limit = 0
            tl.debug_barrier()


def _bwd_kernel(
    dout_ptr,  # (L, N, H) gradient of out, any float dtype
    acts_ptr,  # (L, N, G, H) float32 saved activations (LSTM, GRU)
    hn_ptr,  # (L, N, H) float32 GRU's W_hn h' + b_hn
    hs_ptr,  # (L+1, N, H) float32 states
    cs_ptr,  # (L+1, N, H) float32 cell states (LSTM)
    w_ptr,  # (G*H, H) W_hh, compute dtype
    dgi_ptr,  # (L, N, G*H) compute dtype: gradient of the pre-activations, input side
    dgh_ptr,  # (L, N, G*H) compute dtype: same, recurrent side (differs from dgi for GRU only)
    dh_ptr,  # (N, H) float32 carried dL/dh not yet through W_hh; starts as dL/dh_n
    dc_ptr,  # (N, H) float32 carried dL/dc; starts as dL/dc_n (LSTM)
    len_ptr,  # (N,) int32
    sync_ptr,  # (2,) int32
    t0,  # first (largest) step of this launch; steps go down
    n_steps,
    max_spins,
    L,
    N,
    H,
    MODE: tl.constexpr,
    G: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_H: tl.constexpr,
    BLOCK_K: tl.constexpr,
    RESIDENT: tl.constexpr,
    SYNC: tl.constexpr,
    PRECISION: tl.constexpr,
):
    """Per step t (descending): dh = carry + dout_t + dA_{t+1} @ W_hh, then the gate derivatives.

    The carry holds what reaches h_t without passing through W_hh: 0 for LSTM/RNN (c has its own
    carry), z_{t+1} * dh_{t+1} for GRU, and the whole dh_{t+1} across a padded step (state copied).
    """
    pid = tl.program_id(0)
    num_progs = tl.num_programs(0)
    offs_j = pid * BLOCK_H + tl.arange(0, BLOCK_H)
    mask_j = offs_j < H
    offs_kk = tl.arange(0, BLOCK_K)
    GH = G * H
    wdt = w_ptr.dtype.element_ty
    adt = hs_ptr.dtype.element_ty  # accumulation/state dtype: float32 (float64 for float64 inputs)

    # W_hh tiles, element [k, j] = W_hh[g*H + k, j]
    w_mask = (offs_kk[:, None] < H) & mask_j[None, :]
    w_off = offs_kk[:, None] * H + offs_j[None, :]
    w0 = tl.full((BLOCK_K, BLOCK_H), 0.0, wdt)
    w1 = tl.full((BLOCK_K, BLOCK_H), 0.0, wdt)
    w2 = tl.full((BLOCK_K, BLOCK_H), 0.0, wdt)
    w3 = tl.full((BLOCK_K, BLOCK_H), 0.0, wdt)
    if RESIDENT:
        w0 = tl.load(w_ptr + w_off, mask=w_mask, other=0.0)
        if G >= 3:
            w1 = tl.load(w_ptr + H * H + w_off, mask=w_mask, other=0.0)
            w2 = tl.load(w_ptr + 2 * H * H + w_off, mask=w_mask, other=0.0)
        if G == 4:
            w3 = tl.load(w_ptr + 3 * H * H + w_off, mask=w_mask, other=0.0)

    spin_limit = max_spins
    for s in range(0, n_steps):
        t = t0 - s
        for n0 in range(0, N, BLOCK_N):
            offs_n = n0 + tl.arange(0, BLOCK_N)
            mask_n = offs_n < N
            rec = tl.full((BLOCK_N, BLOCK_H), 0.0, adt)
            if t + 1 < L:  # dh_t += dA_{t+1} @ W_hh (recurrent-side gate gradients of step t+1)
                d_row = dgh_ptr + ((t + 1) * N + offs_n[:, None]) * GH  # (BLOCK_N, 1)
                if RESIDENT:
                    dm = mask_n[:, None] & (offs_kk[None, :] < H)
                    da = tl.load(d_row + offs_kk[None, :], mask=dm, other=0.0, cache_modifier=".cg")
                    rec = tl.dot(da.to(wdt), w0, rec, input_precision=PRECISION, out_dtype=adt)
                    if G >= 3:
                        da = tl.load(d_row + H + offs_kk[None, :], mask=dm, other=0.0, cache_modifier=".cg")
                        rec = tl.dot(da.to(wdt), w1, rec, input_precision=PRECISION, out_dtype=adt)
                        da = tl.load(
                            d_row + 2 * H + offs_kk[None, :], mask=dm, other=0.0, cache_modifier=".cg"
                        )
                        rec = tl.dot(da.to(wdt), w2, rec, input_precision=PRECISION, out_dtype=adt)
                    if G == 4:
                        da = tl.load(
                            d_row + 3 * H + offs_kk[None, :], mask=dm, other=0.0, cache_modifier=".cg"
                        )
                        rec = tl.dot(da.to(wdt), w3, rec, input_precision=PRECISION, out_dtype=adt)
                else:
                    for g in range(0, G):
                        for k0 in range(0, H, BLOCK_K):
                            offs_k = k0 + offs_kk
                            dm = mask_n[:, None] & (offs_k[None, :] < H)
                            da = tl.load(
                                d_row + g * H + offs_k[None, :], mask=dm, other=0.0, cache_modifier=".cg"
                            )  # (BLOCK_N, BLOCK_K)
                            wm = (offs_k[:, None] < H) & mask_j[None, :]
                            wt = tl.load(
                                w_ptr + (g * H + offs_k[:, None]) * H + offs_j[None, :], mask=wm, other=0.0
                            )  # (BLOCK_K, BLOCK_H)
                            rec = tl.dot(da.to(wdt), wt, rec, input_precision=PRECISION, out_dtype=adt)

            m2 = mask_n[:, None] & mask_j[None, :]
            tile = offs_n[:, None] * H + offs_j[None, :]
            n_len = tl.load(len_ptr + offs_n, mask=mask_n, other=0)
            valid = (t < n_len)[:, None]
            carry = tl.load(dh_ptr + tile, mask=m2, other=0.0)
            dout = tl.load(dout_ptr + t * N * H + tile, mask=m2, other=0.0).to(adt)
            dh = carry + tl.where(valid, dout, 0.0) + rec
            arow = acts_ptr + (t * N + offs_n[:, None]) * GH + offs_j[None, :]
            girow = dgi_ptr + (t * N + offs_n[:, None]) * GH + offs_j[None, :]
            ghrow = dgh_ptr + (t * N + offs_n[:, None]) * GH + offs_j[None, :]
            ddt = dgi_ptr.dtype.element_ty
            new_carry = tl.where(valid, 0.0, dh)
            if MODE == 2:  # LSTM
                g_i = tl.load(arow, mask=m2, other=0.0)
                g_f = tl.load(arow + H, mask=m2, other=0.0)
                g_g = tl.load(arow + 2 * H, mask=m2, other=0.0)
                g_o = tl.load(arow + 3 * H, mask=m2, other=0.0)
                c = tl.load(cs_ptr + (t + 1) * N * H + tile, mask=m2, other=0.0)
                c_prev = tl.load(cs_ptr + t * N * H + tile, mask=m2, other=0.0)
                dc_in = tl.load(dc_ptr + tile, mask=m2, other=0.0)
                tc = 2.0 / (1.0 + tl.exp(-2.0 * c)) - 1.0
                dc = dc_in + dh * g_o * (1.0 - tc * tc)
                d0 = tl.where(valid, dc * g_g * g_i * (1.0 - g_i), 0.0)
                d1 = tl.where(valid, dc * c_prev * g_f * (1.0 - g_f), 0.0)
                d2 = tl.where(valid, dc * g_i * (1.0 - g_g * g_g), 0.0)
                d3 = tl.where(valid, dh * tc * g_o * (1.0 - g_o), 0.0)
                tl.store(dc_ptr + tile, tl.where(valid, dc * g_f, dc_in), mask=m2)
                tl.store(girow, d0.to(ddt), mask=m2)
                tl.store(girow + H, d1.to(ddt), mask=m2)
                tl.store(girow + 2 * H, d2.to(ddt), mask=m2)
                tl.store(girow + 3 * H, d3.to(ddt), mask=m2)
            elif MODE == 3:  # GRU
                g_r = tl.load(arow, mask=m2, other=0.0)
                g_z = tl.load(arow + H, mask=m2, other=0.0)
                g_n = tl.load(arow + 2 * H, mask=m2, other=0.0)
                hn = tl.load(hn_ptr + t * N * H + tile, mask=m2, other=0.0)
                h_prev = tl.load(hs_ptr + t * N * H + tile, mask=m2, other=0.0)
                dn = dh * (1.0 - g_z) * (1.0 - g_n * g_n)  # d pre-activation of n
                d0 = tl.where(valid, dn * hn * g_r * (1.0 - g_r), 0.0)
                d1 = tl.where(valid, dh * (h_prev - g_n) * g_z * (1.0 - g_z), 0.0)
                d2 = tl.where(valid, dn, 0.0)
                new_carry = tl.where(valid, dh * g_z, dh)
                tl.store(girow, d0.to(ddt), mask=m2)
                tl.store(girow + H, d1.to(ddt), mask=m2)
                tl.store(girow + 2 * H, d2.to(ddt), mask=m2)
                tl.store(ghrow, d0.to(ddt), mask=m2)
                tl.store(ghrow + H, d1.to(ddt), mask=m2)
                tl.store(ghrow + 2 * H, (d2 * g_r).to(ddt), mask=m2)
            else:  # Simple RNN: h is its own activation
                h = tl.load(hs_ptr + (t + 1) * N * H + tile, mask=m2, other=0.0)
                if MODE == 1:
                    d0 = tl.where(valid & (h > 0.0), dh, 0.0)
                else:
                    d0 = tl.where(valid, dh * (1.0 - h * h), 0.0)
                tl.store(girow, d0.to(ddt), mask=m2)
            tl.store(dh_ptr + tile, new_carry, mask=m2)

        if SYNC:
            tl.debug_barrier()
            tl.atomic_add(sync_ptr, 1, sem="release", scope="gpu")
            target = (s + 1) * num_progs
            seen = tl.atomic_add(sync_ptr, 0, sem="acquire", scope="gpu")
            spins = 0
            while (seen < target) & (spins < spin_limit):
                seen = tl.atomic_add(sync_ptr, 0, sem="acquire", scope="gpu")
                spins += 1
            if seen < target:  # gave up: count it for the host, and never wait again
                tl.atomic_add(sync_ptr + 1, 1)
                spin_limit = 0
            tl.debug_barrier()


def _interpreted(fn):
    """The kernel for the CPU interpreter, whatever TRITON_INTERPRET said when this module loaded.

    None where this Triton has no interpreter (CPU tensors are then refused by the backend).
    """
    try:
        from triton.runtime.interpreter import InterpretedFunction
    except ImportError:
        return None
    return InterpretedFunction(fn)


# step indices and counts change between launches: no value specialisation (one compile serves all)
fwd_kernel = triton.jit(_fwd_kernel, do_not_specialize=["t0", "n_steps", "max_spins"])
bwd_kernel = triton.jit(_bwd_kernel, do_not_specialize=["t0", "n_steps", "max_spins", "L"])
fwd_kernel_cpu = _interpreted(_fwd_kernel)
bwd_kernel_cpu = _interpreted(_bwd_kernel)
