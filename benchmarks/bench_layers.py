"""Layer speed: rnnkit's backends against torch.nn, same process, same weights, same inputs.

Sizes from ANCHORS.md (time-major, one layer, input size = hidden size)::

    C1  T=100  N=64  H=512     PyTorch's fastrnns defaults
    C3  T=1000 N=8   H=128     latency: time per step
    C4  T=100  N=64  H=1024    large (ANCHORS uses N=256; 64 on CPU)

For every size, cell and pass (``fwd``: forward under ``torch.no_grad``; ``fwdbwd``: forward and
backward of ``out.sum() + h_n.sum()``), the variants run round-robin (one call of each per round,
after warm-up rounds) so that a noisy, shared machine slows them alike; the median per variant is
printed with its ratio to torch.nn (the anchor, ``1.00``). ``gates/ref`` is reference with
``return_gates=True`` over the plain reference.

    python benchmarks/bench_layers.py                       # C1, C3, C4; all cells; 5 rounds
    python benchmarks/bench_layers.py --sizes C1 --cells lstm --repeats 3 --passes fwd
    python benchmarks/bench_layers.py --sizes 20x4x32 --device cuda   # any TxNxH, any device
    python benchmarks/bench_layers.py --threads 1 --clock process     # CPU time: for a busy machine
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import torch

import rnnkit

SIZES = {"C1": (100, 64, 512), "C3": (1000, 8, 128), "C4": (100, 64, 1024)}
TORCH_LAYERS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
RNNKIT_LAYERS = {"rnn": rnnkit.RNN, "lstm": rnnkit.LSTM, "gru": rnnkit.GRU}
VARIANTS = ("torch.nn", "auto", "native", "reference", "ref+gates")


def parse_size(name: str) -> tuple[int, int, int]:
    """``C1``/``C3``/``C4`` or ``TxNxH``."""
    if name in SIZES:
        return SIZES[name]
    T, N, H = (int(v) for v in name.lower().split("x"))
    return T, N, H


def make_call(module: torch.nn.Module, x: torch.Tensor, backward: bool, gates: bool) -> Callable[[], None]:
    """One timed unit: a forward (no grad) or a forward and backward; waits for the device."""
    kwargs = {"return_gates": True} if gates else {}
    sync = torch.cuda.synchronize if x.is_cuda else (lambda: None)

    def run() -> None:
        if backward:
            result = module(x, **kwargs)
            h = result[1][0] if isinstance(result[1], tuple) else result[1]
            (result[0].sum() + h.sum()).backward()
        else:
            with torch.no_grad():
                module(x, **kwargs)
        sync()

    return run


def bench_case(
    size: str, cell: str, backward: bool, repeats: int, warmup: int, device: str, clock=time.perf_counter
) -> dict[str, float]:
    """Median milliseconds per variant for one size, cell and pass."""
    T, N, H = parse_size(size)
    torch.manual_seed(0)
    anchor = TORCH_LAYERS[cell](H, H).to(device)
    x = torch.randn(T, N, H, device=device, requires_grad=backward)
    calls = {"torch.nn": make_call(anchor, x, backward, gates=False)}
    for variant in VARIANTS[1:]:
        backend = "reference" if variant == "ref+gates" else variant
        layer = RNNKIT_LAYERS[cell](H, H, backend=backend).to(device)
        layer.load_state_dict(anchor.state_dict())
        calls[variant] = make_call(layer, x, backward, gates=variant == "ref+gates")
    times: dict[str, list[float]] = {v: [] for v in calls}
    for round_ in range(warmup + repeats):
        for variant, call in calls.items():
            start = clock()
            call()
            elapsed = clock() - start
            if round_ >= warmup:
                times[variant].append(elapsed * 1000)
    return {v: statistics.median(ts) for v, ts in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="C1,C3,C4", help="comma list of C1, C3, C4")
    parser.add_argument("--cells", default="rnn,lstm,gru", help="comma list of rnn, lstm, gru")
    parser.add_argument("--passes", default="fwd,fwdbwd", help="comma list of fwd, fwdbwd")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds (median is reported)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument(
        "--clock",
        default="wall",
        choices=["wall", "process"],
        help="wall: elapsed time; process: CPU time of this process (steadier on a shared CPU machine)",
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    where = torch.cuda.get_device_name() if args.device.startswith("cuda") else platform.processor()
    print(
        f"# torch {torch.__version__}, {args.device}: {where or platform.machine()}, "
        f"{torch.get_num_threads()} threads, {args.clock} clock, "
        f"median of {args.repeats} rounds after {args.warmup} warm-up"
    )
    header = ["size", "cell", "pass", "torch.nn ms", "auto", "native", "reference", "ref+gates", "gates/ref"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size in args.sizes.split(","):
        for cell in args.cells.split(","):
            for pass_ in args.passes.split(","):
                clock = time.process_time if args.clock == "process" else time.perf_counter
                ms = bench_case(size, cell, pass_ == "fwdbwd", args.repeats, args.warmup, args.device, clock)
                base = ms["torch.nn"]
                ratios = [f"{ms[v] / base:.2f}x" for v in VARIANTS[1:]]
                row = [size, cell, pass_, f"{base:.1f}", *ratios, f"{ms['ref+gates'] / ms['reference']:.2f}x"]
                print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
