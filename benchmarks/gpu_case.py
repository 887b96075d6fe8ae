"""One benchmark case of ANCHORS.md on the GPU, for the scripts that study a single case
(``profile_gpu_case.py``, ``plan_sweep_gpu.py``): its command-line options and its inputs.

A case is a size (``L, N, H``; input size = hidden size), a cell and a precision; the inputs are the
arguments of ``rnnkit.nn.backends.triton.function.triton_direction`` after the mode: ``x (L, N, H)``,
``h0 (N, H)``, ``c0`` (LSTM only), ``w_ih, w_hh (G·H, H)``, ``b_ih, b_hh (G·H,)``, scaled as torch.nn
initialises them (``1/sqrt(H)``), seeded.
"""

from __future__ import annotations

import argparse

import torch

SIZES = {"C2": (1024, 16, 768), "C3": (1000, 8, 128), "C1": (100, 64, 512), "C4": (100, 256, 1024)}
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1}
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def case_parser(description: str, precision: str) -> argparse.ArgumentParser:
    """``--size``, ``--cell`` and ``--precision`` (default ``precision``)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--size", default="C2", choices=SIZES)
    p.add_argument("--cell", default="lstm", choices=GATES)
    p.add_argument("--precision", default=precision, choices=DTYPES)
    return p


def case_inputs(
    size: str, cell: str, precision: str, device: str = "cuda"
) -> tuple[torch.Tensor | None, ...]:
    """``(x, h0, c0, w_ih, w_hh, b_ih, b_hh)`` of the case, on ``device``."""
    L, N, H = SIZES[size]
    dtype, G = DTYPES[precision], GATES[cell]
    g = torch.Generator(device=device).manual_seed(0)

    def rand(*shape, scale=1.0):
        return (torch.randn(*shape, generator=g, device=device) * scale).to(dtype)

    k = H**-0.5
    x, h0 = rand(L, N, H), rand(N, H, scale=0.5)
    c0 = rand(N, H, scale=0.5) if cell == "lstm" else None
    return (
        x,
        h0,
        c0,
        rand(G * H, H, scale=k),
        rand(G * H, H, scale=k),
        rand(G * H, scale=k),
        rand(G * H, scale=k),
    )
