"""One benchmark case of ``bench_gpu.py`` under Nsight Compute: what bounds the Triton kernel there.

Warms up (compiles) the forward of one size / cell / precision, then runs it once between
``cudaProfilerStart`` and ``cudaProfilerStop``, so that ncu profiles only that call:

    ncu --profile-from-start off --section SpeedOfLight --section Occupancy --section LaunchStats \\
        --section WarpStateStats python3 benchmarks/profile_gpu_case.py --size C2 --cell lstm --precision fp16
"""

from __future__ import annotations

import torch

from gpu_case import SIZES, case_inputs, case_parser
from rnnkit.nn.backends.triton.function import triton_direction


def main() -> None:
    args = case_parser(__doc__.splitlines()[0], "fp16").parse_args()
    L, N, H = SIZES[args.size]
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = case_inputs(args.size, args.cell, args.precision)
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
