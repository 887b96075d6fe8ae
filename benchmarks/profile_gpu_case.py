"""One benchmark case of ``bench_gpu.py`` under Nsight Compute: what bounds the Triton kernel there.

Warms up (compiles) the forward of one size / cell / precision, then runs it once between
``cudaProfilerStart`` and ``cudaProfilerStop``, so that ncu profiles only that call:

    ncu --profile-from-start off --section SpeedOfLight --section Occupancy --section LaunchStats \\
        --section WarpStateStats python3 benchmarks/profile_gpu_case.py --size C2 --cell lstm --precision fp16
"""

from __future__ import annotations

import argparse

import torch

from rnnkit.nn.backends.triton.function import triton_direction

SIZES = {"C2": (1024, 16, 768), "C3": (1000, 8, 128), "C1": (100, 64, 512), "C4": (100, 256, 1024)}
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1}
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="C2", choices=SIZES)
    p.add_argument("--cell", default="lstm", choices=GATES)
    p.add_argument("--precision", default="fp16", choices=DTYPES)
    args = p.parse_args()
    L, N, H = SIZES[args.size]
    dtype, G = DTYPES[args.precision], GATES[args.cell]
    g = torch.Generator(device="cuda").manual_seed(0)

    def rand(*shape, scale=1.0):
        return (torch.randn(*shape, generator=g, device="cuda") * scale).to(dtype)

    k = H**-0.5
    x, h0 = rand(L, N, H), rand(N, H, scale=0.5)
    c0 = rand(N, H, scale=0.5) if args.cell == "lstm" else None
    w_ih, w_hh = rand(G * H, H, scale=k), rand(G * H, H, scale=k)
    b_ih, b_hh = rand(G * H, scale=k), rand(G * H, scale=k)
    with torch.no_grad():
        for _ in range(3):
            triton_direction(args.cell, x, h0, c0, w_ih, w_hh, b_ih, b_hh, None, False, False)
        torch.cuda.synchronize()
        torch.cuda.cudart().cudaProfilerStart()
        triton_direction(args.cell, x, h0, c0, w_ih, w_hh, b_ih, b_hh, None, False, False)
        torch.cuda.synchronize()
        torch.cuda.cudart().cudaProfilerStop()
    print(f"profiled {args.size} {args.cell} {args.precision}: L={L} N={N} H={H}")


if __name__ == "__main__":
    main()
