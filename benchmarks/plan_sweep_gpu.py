"""Forward time of one benchmark case under other launch plans than ``make_plan``'s default.

The H200 run (docs/BENCHMARKS.md, "What bounds the misses") found the C2 LSTM forward bound by
latency at 12.5% occupancy with the default resident plan (8 warps, 255 registers). This times the
same call under resident and streamed plans with other reduction chunks and warp counts, medians of
``triton.testing.do_bench``, each checked against the default plan's output:

    python benchmarks/plan_sweep_gpu.py --size C2 --cell lstm --precision bf16     (on a CUDA machine)
"""

from __future__ import annotations

import torch

from gpu_case import GATES, SIZES, case_inputs, case_parser
from rnnkit.nn.backends.triton.function import triton_direction
from rnnkit.nn.backends.triton.launch import Plan, make_plan


def candidates(default: Plan, hidden: int) -> list[Plan]:
    """The default, then resident with 4 warps, then streamed chunks of 32 to 256 with 4 and 8 warps."""
    plans = [default, Plan(default.block_n, default.block_h, default.block_k, True, default.persistent, 4)]
    for block_k in (32, 64, 128, 256):
        if block_k < hidden:
            for warps in (4, 8):
                plans.append(Plan(16, default.block_h, block_k, False, default.persistent, warps))
    return list(dict.fromkeys(plans))


def main() -> None:
    from triton.testing import do_bench

    args = case_parser(__doc__.splitlines()[0], "bf16").parse_args()
    L, N, H = SIZES[args.size]
    G = GATES[args.cell]
    x, h0, c0, *w = case_inputs(args.size, args.cell, args.precision)
    dtype = x.dtype
    default = make_plan(N, H, G, dtype, x.device)
    with torch.no_grad():
        ref = triton_direction(args.cell, x, h0, c0, *w, None, False, False, plan=default)[0].float()
        print(f"{args.size} {args.cell} {args.precision}: L={L} N={N} H={H}; default {default}")
        for plan in candidates(default, H):
            try:
                out = triton_direction(args.cell, x, h0, c0, *w, None, False, False, plan=plan)[0].float()
                ms = do_bench(lambda plan=plan: triton_direction(args.cell, x, h0, c0, *w, None, False, False,
                                                                 plan=plan), warmup=10, rep=100,
                              return_mode="median")  # fmt: skip
                err = ((out - ref).abs().max() / ref.abs().max()).item()
                print(f"  {ms:8.2f} ms  err {err:.1e}  {plan}", flush=True)
            except Exception as e:  # a plan that does not compile or fit is a row, not the end of the sweep
                print(f"  failed: {type(e).__name__}: {str(e).splitlines()[0][:120]}  {plan}", flush=True)


if __name__ == "__main__":
    main()
