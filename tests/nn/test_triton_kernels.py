"""The Triton direction function against a plain float64 loop of the equations: outputs, final
states, gates and every gradient, over modes, launch plans, dtypes, lengths and direction.

On the CPU the kernels run under Triton's interpreter at small sizes; with a GPU the same checks run
real kernels at medium sizes (persistent multi-program launches with the grid barrier included).
Tolerances, relative to the largest reference magnitude of each tensor: float64 1e-9, float32 2e-5
(CPU) / 1e-4 (CUDA), float16 1e-2, bfloat16 5e-2 (8-bit mantissa products, accumulated in float32).
"""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("triton", reason="triton is not installed")

from rnnkit.nn.backends.base import reverse_index  # noqa: E402
from rnnkit.nn.backends.triton import launch  # noqa: E402
from rnnkit.nn.backends.triton.function import triton_direction  # noqa: E402
from rnnkit.nn.backends.triton.launch import Plan, make_plan  # noqa: E402
from rnnkit.utils.errors import RnnkitError  # noqa: E402

MODES = ("rnn_tanh", "rnn_relu", "lstm", "gru")
G = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}
TOL = {torch.float64: 1e-9, torch.float32: 2e-5, torch.float16: 1e-2, torch.bfloat16: 5e-2}
CUDA = torch.cuda.is_available()


@pytest.fixture(autouse=True)
def check_every_barrier(monkeypatch):
    """Every persistent launch checks that no grid barrier timed out (CUDA too)."""
    monkeypatch.setattr(launch, "CHECK_BARRIER", True)


def loop_direction(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths, reverse):
    """The equations of DESIGN.md, one step at a time (the specification the kernels must meet)."""
    L, N, _ = x.shape
    H = w_hh.shape[1]
    n_len = torch.full((N,), L) if lengths is None else lengths
    valid_all = torch.arange(L)[:, None] < n_len[None, :]  # (L, N)
    h, c = h0, c0
    outs, gates = [None] * L, [None] * L
    b_ih = torch.zeros(w_ih.shape[0], dtype=x.dtype) if b_ih is None else b_ih
    b_hh = torch.zeros(w_hh.shape[0], dtype=x.dtype) if b_hh is None else b_hh
    for t in range(L - 1, -1, -1) if reverse else range(L):
        valid = valid_all[t].to(x.device)[:, None]  # (N, 1)
        gi = x[t] @ w_ih.T + b_ih  # (N, G*H)
        gh = h @ w_hh.T + b_hh
        if mode == "lstm":
            i, f, g, o = (gi + gh).split(H, dim=1)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c_new = f * c + i * g
            h_new = o * torch.tanh(c_new)
            step_gates = torch.stack([i, f, g, o, c_new], dim=1)  # (N, 5, H)
            c = torch.where(valid, c_new, c)
        elif mode == "gru":
            xr, xz, xn = gi.split(H, dim=1)
            hr, hz, hn = gh.split(H, dim=1)
            r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
            n = torch.tanh(xn + r * hn)
            h_new = (1 - z) * n + z * h
            step_gates = torch.stack([r, z, n], dim=1)  # (N, 3, H)
        else:
            a = gi + gh
            h_new = torch.tanh(a) if mode == "rnn_tanh" else torch.relu(a)
            step_gates = None
        h = torch.where(valid, h_new, h)
        outs[t] = torch.where(valid, h_new, torch.zeros_like(h_new))
        if step_gates is not None:
            gates[t] = torch.where(valid[:, :, None], step_gates, torch.zeros_like(step_gates))
    gate_tensor = torch.stack(gates) if gates[0] is not None else None
    return torch.stack(outs), h, c if mode == "lstm" else None, gate_tensor


def make_inputs(mode, L, N, H_in, H, dtype, device, bias=True, seed=0):
    gen = torch.Generator().manual_seed(seed)

    def rand(*shape, scale=1.0):
        return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).to(device, dtype)

    k = 1.0 / H**0.5
    tensors = {
        "x": rand(L, N, H_in),
        "h0": rand(N, H, scale=0.5),
        "c0": rand(N, H, scale=0.5) if mode == "lstm" else None,
        "w_ih": rand(G[mode] * H, H_in, scale=k),
        "w_hh": rand(G[mode] * H, H, scale=k),
        "b_ih": rand(G[mode] * H, scale=k) if bias else None,
        "b_hh": rand(G[mode] * H, scale=k) if bias else None,
    }
    return {name: (t.requires_grad_() if t is not None else None) for name, t in tensors.items()}


def assert_matches(actual, expected, tol, what):
    scale = expected.abs().max().item() + 1e-12
    torch.testing.assert_close(
        actual.double(), expected.double(), rtol=tol, atol=tol * scale, msg=lambda m: f"{what}: {m}"
    )


def check_against_loop(mode, L, N, H_in, H, dtype, device, lengths=None, reverse=False, plan=None, bias=True):
    """Run both, compare outputs and states, then the gradients of a random projection of them."""
    inputs = make_inputs(mode, L, N, H_in, H, dtype, device, bias=bias)
    names = [n for n, t in inputs.items() if t is not None]
    # the reference runs in float64 on the same (rounded) values
    ref_inputs = {
        n: (t.detach().double().requires_grad_() if t is not None else None) for n, t in inputs.items()
    }
    args = ("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh")
    out, h_n, c_n, gates = triton_direction(
        mode, *(inputs[a] for a in args), lengths, reverse, True, plan=plan
    )
    r_out, r_h, r_c, r_gates = loop_direction(mode, *(ref_inputs[a] for a in args), lengths, reverse)
    tol = TOL[dtype] * (5 if device == "cuda" and dtype == torch.float32 else 1)
    assert out.dtype == dtype and h_n.dtype == dtype
    assert_matches(out, r_out, tol, "out")
    assert_matches(h_n, r_h, tol, "h_n")
    if mode == "lstm":
        assert_matches(c_n, r_c, tol, "c_n")
    else:
        assert c_n is None
    if r_gates is None:
        assert gates is None
    else:
        assert gates.shape == r_gates.shape
        assert_matches(gates, r_gates, tol, "gates")

    gen = torch.Generator().manual_seed(1)
    proj = [torch.randn(t.shape, generator=gen, dtype=torch.float64) for t in (r_out, r_h)]
    if mode == "lstm":
        proj.append(torch.randn(r_c.shape, generator=gen, dtype=torch.float64))
    outputs = [out, h_n] + ([c_n] if mode == "lstm" else [])
    r_outputs = [r_out, r_h] + ([r_c] if mode == "lstm" else [])
    loss = sum((o.double() * p.to(o.device)).sum() for o, p in zip(outputs, proj, strict=True))
    r_loss = sum((o * p.to(o.device)).sum() for o, p in zip(r_outputs, proj, strict=True))
    grads = torch.autograd.grad(loss, [inputs[n] for n in names])
    r_grads = torch.autograd.grad(r_loss, [ref_inputs[n] for n in names])
    same_precision = None
    if mode == "rnn_relu" and dtype in (torch.bfloat16, torch.float16):
        # ReLU's derivative jumps at 0 and its activations are unbounded: in 16-bit floats, rounding
        # flips the mask of a few units, and the flips compound over the steps. The same equations run
        # by torch in the same precision miss the float64 gradient as much (on an H200, bf16: 0.15 of the
        # largest value for grad x where the kernel misses by 0.11; benchmarks/relu_bf16_check.py). So
        # where the fixed tolerance fails, the kernel is held to torch's own error in that precision.
        lp_inputs = {
            n: (t.detach().clone().requires_grad_() if t is not None else None) for n, t in inputs.items()
        }
        lp_out, lp_h, _, _ = loop_direction(mode, *(lp_inputs[a] for a in args), lengths, reverse)
        lp_loss = sum((o.double() * p.to(o.device)).sum() for o, p in zip([lp_out, lp_h], proj, strict=True))
        same_precision = torch.autograd.grad(lp_loss, [lp_inputs[n] for n in names])
    for i, (name, g, r) in enumerate(zip(names, grads, r_grads, strict=True)):
        assert g.dtype == dtype, name
        if same_precision is not None and relative_error(g, r) <= 1.5 * relative_error(same_precision[i], r):
            continue
        assert_matches(g, r, tol, f"grad {name}")


def relative_error(actual, expected):
    """``max|actual - expected| / max|expected|``, in float64."""
    return ((actual.double() - expected).abs().max() / (expected.abs().max() + 1e-12)).item()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("reverse", [False, True])
def test_float64_single_program_persistent(mode, reverse):
    """Default CPU plan: one program owns every hidden unit; one launch runs all steps."""
    check_against_loop(mode, L=5, N=3, H_in=4, H=6, dtype=torch.float64, device="cpu", reverse=reverse)


@pytest.mark.parametrize("mode", MODES)
def test_lengths_reverse_float64(mode):
    """Padded steps never change the state; reverse starts at each sequence's own last step."""
    lengths = torch.tensor([5, 2, 4, 1])
    for reverse in (False, True):
        check_against_loop(
            mode, L=5, N=4, H_in=3, H=5, dtype=torch.float64, device="cpu", lengths=lengths, reverse=reverse
        )


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh"])
def test_split_hidden_units_per_step_launch(mode):
    """P > 1 programs (hidden units split in 16s) with one launch per step, W_hh re-read in chunks."""
    plan = Plan(block_n=16, block_h=16, block_k=16, resident=False, persistent=False)
    lengths = torch.tensor([4, 3])
    check_against_loop(
        mode, L=4, N=2, H_in=5, H=20, dtype=torch.float64, device="cpu", lengths=lengths, plan=plan
    )


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_streamed_weights_persistent_and_batch_tiles(mode):
    """One program, K-chunked W_hh (not resident), batch split over several BLOCK_N tiles."""
    plan = Plan(block_n=16, block_h=32, block_k=16, resident=False, persistent=True)
    check_against_loop(mode, L=3, N=18, H_in=3, H=20, dtype=torch.float64, device="cpu", plan=plan)


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_relu"])
def test_no_bias(mode):
    check_against_loop(mode, L=3, N=2, H_in=3, H=4, dtype=torch.float64, device="cpu", bias=False)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16])
@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh"])
def test_low_precision_dtypes(mode, dtype):
    """Matrix products in the input dtype, states and accumulation in float32."""
    lengths = torch.tensor([4, 2, 3])
    check_against_loop(mode, L=4, N=3, H_in=5, H=6, dtype=dtype, device="cpu", lengths=lengths, reverse=True)


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_gradcheck_float64(mode):
    """torch.autograd.gradcheck (fast mode) of the whole autograd Function, lengths included."""
    inputs = make_inputs(mode, L=3, N=2, H_in=2, H=3, dtype=torch.float64, device="cpu")
    lengths = torch.tensor([3, 2])
    args = [inputs[a] for a in ("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh")]

    def fn(*tensors):
        out, h_n, c_n, _ = triton_direction(mode, *tensors, lengths, False, False)
        return (out, h_n) if c_n is None else (out, h_n, c_n)

    assert torch.autograd.gradcheck(fn, args, fast_mode=True, atol=1e-7, rtol=1e-5)


def test_barrier_time_out_is_an_error_not_a_wrong_answer(monkeypatch):
    """Two programs in one persistent launch under the interpreter (which runs them one after the
    other) can never meet at the barrier: the wait gives up and the launch raises."""
    monkeypatch.setattr(launch, "MAX_SPINS", 5)
    plan = Plan(block_n=16, block_h=16, block_k=32, resident=True, persistent=True)
    inputs = make_inputs("gru", L=2, N=1, H_in=2, H=20, dtype=torch.float64, device="cpu")
    args = [inputs[a] for a in ("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh")]
    with pytest.raises(RuntimeError, match="grid-wide step barrier timed out"):
        triton_direction("gru", *args, None, False, False, plan=plan)


def test_a_resident_plan_shorter_than_the_hidden_size_is_refused():
    """Found on the H200: Plan(resident=True, block_k=32) at H = 768 ran and returned wrong outputs."""
    inputs = make_inputs("gru", 3, 2, 4, 40, torch.float64, "cpu")
    args = [inputs[a] for a in ("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh")]
    bad = Plan(block_n=16, block_h=16, block_k=32, resident=True, persistent=True)
    with pytest.raises(RnnkitError, match=r"a resident plan needs block_k >= 64 .*got 32"):
        triton_direction("gru", *args, None, False, False, plan=bad)


def test_reverse_index_is_an_involution_on_valid_steps():
    lengths = torch.tensor([4, 1, 3])
    idx = reverse_index(lengths, 4, torch.device("cpu"))
    expected = torch.tensor([[3, 0, 2], [2, 1, 1], [1, 2, 0], [0, 3, 3]])
    torch.testing.assert_close(idx, expected, rtol=0, atol=0)
    cols = torch.arange(3).unsqueeze(0)
    torch.testing.assert_close(idx[idx, cols], torch.arange(4)[:, None].expand(4, 3), rtol=0, atol=0)


def test_gates_are_not_differentiable_and_outputs_are():
    inputs = make_inputs("lstm", L=2, N=1, H_in=2, H=3, dtype=torch.float64, device="cpu")
    args = [inputs[a] for a in ("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh")]
    out, _, _, gates = triton_direction("lstm", *args, None, False, True)
    assert out.requires_grad
    assert not gates.requires_grad


CUDA_CASES = [(m, d) for m in ("lstm", "gru") for d in (torch.float32, torch.bfloat16, torch.float16)] + [
    ("rnn_tanh", torch.float32),
    ("rnn_relu", torch.bfloat16),
]


@pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU (real kernels)")
@pytest.mark.parametrize(("mode", "dtype"), CUDA_CASES)
def test_cuda_medium_default_plan(mode, dtype):
    """Real kernels, medium size: P = 13 programs meeting at the grid barrier every step."""
    gen = torch.Generator().manual_seed(2)
    lengths = torch.randint(1, 41, (24,), generator=gen)
    lengths[0] = 40
    for reverse in (False, True):
        check_against_loop(
            mode, L=40, N=24, H_in=48, H=200, dtype=dtype, device="cuda", lengths=lengths, reverse=reverse
        )


@pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU (real kernels)")
@pytest.mark.parametrize(
    "plan",
    [
        Plan(block_n=16, block_h=16, block_k=32, resident=False, persistent=True),
        Plan(block_n=32, block_h=32, block_k=256, resident=True, persistent=True, num_warps=8),
        Plan(block_n=16, block_h=16, block_k=64, resident=False, persistent=False),
    ],
)
def test_cuda_every_plan(plan):
    """Streamed and resident weights, persistent and per-step launches, on the same LSTM."""
    lengths = torch.randint(1, 31, (40,), generator=torch.Generator().manual_seed(3))
    check_against_loop(
        "lstm", L=30, N=40, H_in=64, H=160, dtype=torch.float32, device="cuda", lengths=lengths, plan=plan
    )


@pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU")
def test_cuda_default_plan_fits_the_chip():
    device = torch.device("cuda")
    n_sm = torch.cuda.get_device_properties(device).multi_processor_count
    for H in (128, 512, 768, 1024, 4096):
        plan = make_plan(16, H, 4, torch.bfloat16, device)
        assert plan.persistent == (plan.programs(H) <= n_sm)
