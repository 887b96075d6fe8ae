"""Is the bf16 rnn_relu gradient mismatch of the CUDA test the kernel's or bf16's?

Same inputs as ``test_cuda_medium_default_plan[rnn_relu-bf16]``; errors against the float64 loop for
(a) rnnkit's Triton kernel in bf16, (b) the same step-by-step loop run in bf16 (torch ops, no
rnnkit kernel). If (b) shows errors of the same size, the mismatch is bf16 rounding flipping ReLU's
mask near 0, not a kernel bug.     python benchmarks/relu_bf16_check.py   (on a CUDA machine)
"""

import sys

import torch

sys.path.insert(0, "tests/nn")
from test_triton_kernels import loop_direction, make_inputs, triton_direction  # noqa: E402

ARGS = ("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh")


def grads(fn, inputs, lengths, reverse, proj):
    names = [n for n, t in inputs.items() if t is not None]
    out = fn(*(inputs[a] for a in ARGS), lengths, reverse)
    loss = (out[0].double() * proj[0]).sum() + (out[1].double() * proj[1]).sum()
    return dict(zip(names, torch.autograd.grad(loss, [inputs[n] for n in names]), strict=True))


def main():
    gen = torch.Generator().manual_seed(2)
    lengths = torch.randint(1, 41, (24,), generator=gen)
    lengths[0] = 40
    for reverse in (False, True):
        base = make_inputs("rnn_relu", 40, 24, 48, 200, torch.bfloat16, "cuda")
        fresh = {n: (t.detach().clone().requires_grad_() if t is not None else None) for n, t in base.items()}
        ref = {n: (t.detach().double().requires_grad_() if t is not None else None) for n, t in base.items()}
        g = torch.Generator().manual_seed(1)
        proj = [
            torch.randn(40, 24, 200, generator=g, dtype=torch.float64).cuda(),
            torch.randn(1, 24, 200, generator=g, dtype=torch.float64).cuda(),
        ]
        tri = grads(lambda *a: triton_direction("rnn_relu", *a, True)[:2], base, lengths, reverse, proj)
        loop = grads(lambda *a: loop_direction("rnn_relu", *a)[:2], fresh, lengths, reverse, proj)
        r = grads(lambda *a: loop_direction("rnn_relu", *a)[:2], ref, lengths, reverse, proj)
        for name in r:
            scale = r[name].abs().max().item()
            print(
                f"reverse={reverse} grad {name}: max err/scale triton-bf16 {error(tri[name], r[name], scale)}, "
                f"torch-loop-bf16 {error(loop[name], r[name], scale)}"
            )


def error(actual, expected, scale):
    """``max|actual - expected| / scale``, and how many elements miss the test's tolerance (0.05)."""
    diff = (actual.double() - expected).abs()
    bad = int((diff > 0.05 * scale + 0.05 * expected.abs()).sum())
    return f"{diff.max().item() / scale:.3f} ({bad} bad)"


if __name__ == "__main__":
    main()
