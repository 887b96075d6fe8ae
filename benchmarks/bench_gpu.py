"""rnnkit's Triton kernels against torch.nn (cuDNN) on one GPU, in the same run.

For each size of ANCHORS.md (C1..C4), cell (LSTM, GRU, Simple RNN tanh) and precision (fp32 with
TF32 off, tf32, bf16, fp16) it times the forward pass (under ``torch.no_grad``) and forward+backward
(gradients of the input and every weight) of one layer, input size = hidden size, zero initial
state. Timings are medians of ``triton.testing.do_bench`` (CUDA events, after warm-up). Before timing
it checks that both agree: ``max|triton - cudnn| / max|cudnn|`` of the output and of the input
gradient is reported in the ``err`` columns.

The arithmetic floor is ANCHORS.md's: forward FLOPs ``2 L N (H_in + H) G H`` (G = 4, 3, 1) at the
card's matrix rate measured here (a 4096^3 product in that precision), times 3 for forward+backward;
``floor%`` is floor / measured time.

A global deadline (``--budget-s``) stops the sweep and writes what it has; sizes run in the order
C2, C3, C1, C4 (the targets first). Results go to ``--out`` as ``bench_gpu.json`` and
``bench_gpu.md`` and are printed; the last lines print the ``MEASURED`` table for
``rnnkit/nn/backends/triton/policy.py``.

    python benchmarks/bench_gpu.py --out "$OUT" --budget-s 240
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
from torch import nn

SIZES = {"C2": (1024, 16, 768), "C3": (1000, 8, 128), "C1": (100, 64, 512), "C4": (100, 256, 1024)}
CELLS = {"gru": ("gru", nn.GRU, 3), "lstm": ("lstm", nn.LSTM, 4), "rnn": ("rnn_tanh", nn.RNN, 1)}
PRECISIONS = ("bf16", "fp16", "fp32", "tf32")
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32, "tf32": torch.float32}


def set_precision(precision: str) -> torch.dtype:
    """TF32 on for ``tf32`` only (both matmuls and cuDNN), off otherwise."""
    torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
    torch.backends.cudnn.allow_tf32 = precision == "tf32"
    return DTYPES[precision]


def median_ms(fn, budget_ms: float = 150.0) -> float:
    from triton.testing import do_bench

    return float(do_bench(fn, warmup=25, rep=budget_ms, return_mode="median"))


def matrix_rates() -> dict[str, float]:
    """TFLOP/s of a 4096^3 product in each precision, measured now."""
    rates = {}
    n = 4096
    for precision in PRECISIONS:
        dtype = set_precision(precision)
        a = torch.randn(n, n, device="cuda", dtype=dtype)
        b = torch.randn(n, n, device="cuda", dtype=dtype)
        ms = median_ms(lambda a=a, b=b: a @ b, 100.0)
        rates[precision] = 2 * n**3 / (ms * 1e-3) / 1e12
    return rates


def rel_err(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.float() - b.float()).abs().max() / b.float().abs().max().clamp_min(1e-30))


def setup_case(size: str, cell: str, precision: str):
    """One layer of ``cell`` at ``size`` in ``precision``: both implementations on the same weights."""
    from rnnkit.nn.backends.base import LayerSpec
    from rnnkit.nn.backends.triton import BACKEND

    L, N, H = SIZES[size]
    mode, cls, G = CELLS[cell]
    dtype = set_precision(precision)
    torch.manual_seed(0)
    module = cls(H, H).cuda().to(dtype)
    params = list(module.parameters())
    weights = [(module.weight_ih_l0, module.weight_hh_l0, module.bias_ih_l0, module.bias_hh_l0)]
    spec = LayerSpec(mode, H, H)
    x = torch.randn(L, N, H, device="cuda", dtype=dtype, requires_grad=True)
    grad_out = torch.randn(L, N, H, device="cuda", dtype=dtype)

    def cudnn_out():
        return module(x)[0]

    def triton_out():
        return BACKEND.forward(spec, x, None, weights, None, False)[0]

    def fwd(run):
        def f():
            with torch.no_grad():
                run()

        return f

    def fwd_bwd(run):
        return lambda: torch.autograd.grad(run(), [x, *params], grad_out)

    return x, G, dtype, cudnn_out, triton_out, fwd, fwd_bwd


def _compile_case(case: tuple[str, str, str]) -> str | None:
    """Worker: compile (not run) the Triton kernels one case needs, into Triton's disk cache."""
    from rnnkit.nn.backends.triton import launch

    launch.WARMUP_ONLY = True
    try:
        _, _, _, _, triton_out, fwd, fwd_bwd = setup_case(*case)
        fwd(triton_out)()
        fwd_bwd(triton_out)()
    except Exception as exc:  # reported by the parent; the timed run will show the real failure
        return f"{case}: {type(exc).__name__}: {exc}"
    return None


def precompile(cases: list[tuple[str, str, str]], workers: int, timeout_s: float) -> None:
    """Compile every case's kernels in parallel processes (each compile is single-threaded).

    Gives up after ``timeout_s`` (a hung or crashed worker must not eat the benchmark's time); the
    timed run then compiles whatever is missing itself.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, wait

    started = time.monotonic()
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"))
    futures = [pool.submit(_compile_case, case) for case in cases]
    done, pending = wait(futures, timeout=timeout_s)
    pool.shutdown(wait=False, cancel_futures=True)
    print(f"precompiled {len(done)}/{len(cases)} cases in {time.monotonic() - started:.1f} s", flush=True)
    for future in done:
        error = future.exception() or future.result()
        if error:
            print("precompile:", error, flush=True)


def bench_one(size: str, cell: str, precision: str, rates: dict[str, float]) -> dict:
    from rnnkit.nn.backends.triton import make_plan

    L, N, H = SIZES[size]
    x, G, dtype, cudnn_out, triton_out, fwd, fwd_bwd = setup_case(size, cell, precision)
    from rnnkit.nn.backends.triton import launch

    launch.CHECK_BARRIER = True  # the checked run raises if a grid barrier timed out
    out_t, out_c = triton_out(), cudnn_out()
    grads_t = fwd_bwd(triton_out)()
    grads_c = fwd_bwd(cudnn_out)()
    launch.CHECK_BARRIER = False  # no host sync while timing
    row = {
        "size": size,
        "cell": cell,
        "precision": precision,
        "L": L,
        "N": N,
        "H": H,
        "err_out": rel_err(out_t, out_c),
        "err_dx": rel_err(grads_t[0], grads_c[0]),
        "err_dw_hh": rel_err(grads_t[2], grads_c[2]),
        "plan": repr(make_plan(N, H, G, dtype, x.device)),
    }
    del out_t, out_c, grads_t, grads_c
    row["cudnn_fwd_ms"] = median_ms(fwd(cudnn_out))
    row["triton_fwd_ms"] = median_ms(fwd(triton_out))
    row["cudnn_fwdbwd_ms"] = median_ms(fwd_bwd(cudnn_out))
    row["triton_fwdbwd_ms"] = median_ms(fwd_bwd(triton_out))
    flops = 2 * L * N * (H + H) * G * H
    floor_fwd = flops / (rates[precision] * 1e12) * 1e3
    row["floor_fwd_ms"], row["floor_fwdbwd_ms"] = floor_fwd, 3 * floor_fwd
    row["speedup_fwd"] = row["cudnn_fwd_ms"] / row["triton_fwd_ms"]
    row["speedup_fwdbwd"] = row["cudnn_fwdbwd_ms"] / row["triton_fwdbwd_ms"]
    return row


def to_markdown(rows: list[dict], header: dict) -> str:
    lines = [
        f"card: {header['card']}; driver {header['driver']}; torch {header['torch']}; triton {header['triton']}; "
        f"cuDNN {header['cudnn']}",
        "matrix rates measured (TFLOP/s): " + ", ".join(f"{k} {v:.0f}" for k, v in header["rates"].items()),
        "",
        "| size | cell | prec | cuDNN fwd | triton fwd | speed-up | cuDNN f+b | triton f+b | speed-up "
        "| floor% triton f+b | floor% cuDNN f+b | err out | err dx |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['size']} | {r['cell']} | {r['precision']} | failed: {r['error'][:120]} |")
            continue
        lines.append(
            f"| {r['size']} | {r['cell']} | {r['precision']} | {r['cudnn_fwd_ms']:.3g} | {r['triton_fwd_ms']:.3g} "
            f"| {r['speedup_fwd']:.2f}x | {r['cudnn_fwdbwd_ms']:.3g} | {r['triton_fwdbwd_ms']:.3g} "
            f"| {r['speedup_fwdbwd']:.2f}x | {100 * r['floor_fwdbwd_ms'] / r['triton_fwdbwd_ms']:.1f}% "
            f"| {100 * r['floor_fwdbwd_ms'] / r['cudnn_fwdbwd_ms']:.1f}% | {r['err_out']:.1e} | {r['err_dx']:.1e} |"
        )
    return "\n".join(lines) + "\n"


def policy_table(rows: list[dict]) -> str:
    entries = [
        f'    ("{r["size"]}", "{r["cell"]}", "{r["precision"]}"): ({r["speedup_fwd"]:.2f}, {r["speedup_fwdbwd"]:.2f}),'
        for r in rows
        if "error" not in r
    ]
    return "MEASURED = {\n" + "\n".join(entries) + "\n}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/bench_gpu"))
    parser.add_argument("--budget-s", type=float, default=240.0, help="stop starting new cases after this")
    parser.add_argument("--sizes", default="C2,C3,C1,C4")
    parser.add_argument("--cells", default="gru,lstm,rnn")
    parser.add_argument("--precisions", default="bf16,fp16,fp32,tf32")
    parser.add_argument("--workers", type=int, default=12, help="processes compiling kernels first (0: none)")
    parser.add_argument("--precompile-s", type=float, default=90.0, help="time limit of the parallel compile")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("bench_gpu.py needs a CUDA GPU")
    import subprocess

    import triton

    deadline = time.monotonic() + args.budget_s
    args.out.mkdir(parents=True, exist_ok=True)
    driver = subprocess.run(
        ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"], capture_output=True, text=True
    ).stdout.strip()
    header = {
        "card": torch.cuda.get_device_name(),
        "sms": torch.cuda.get_device_properties(0).multi_processor_count,
        "driver": driver,
        "torch": torch.__version__,
        "triton": triton.__version__,
        "cudnn": torch.backends.cudnn.version(),
        "rates": matrix_rates(),
    }
    print(json.dumps(header), flush=True)
    cases = [
        (size, cell, precision)
        for size in args.sizes.split(",")
        for cell in args.cells.split(",")
        for precision in args.precisions.split(",")
    ]
    if args.workers > 0:
        precompile(cases, args.workers, args.precompile_s)
    rows: list[dict] = []
    for size, cell, precision in cases:
        if time.monotonic() > deadline:
            print(f"deadline reached; skipping {size} {cell} {precision}", flush=True)
            continue
        started = time.monotonic()
        try:
            row = bench_one(size, cell, precision, header["rates"])
        except Exception as exc:  # a failing case is reported in the table, the sweep goes on
            row = {
                "size": size,
                "cell": cell,
                "precision": precision,
                "error": f"{type(exc).__name__}: {exc}",
            }
        row["case_s"] = time.monotonic() - started
        rows.append(row)
        print(json.dumps(row), flush=True)
        (args.out / "bench_gpu.json").write_text(json.dumps({"header": header, "rows": rows}, indent=1))
        torch.cuda.empty_cache()
    table = to_markdown(rows, header)
    (args.out / "bench_gpu.md").write_text(table + "\n" + policy_table(rows))
    print(table)
    print(policy_table(rows))


if __name__ == "__main__":
    main()
