"""Make every figure of the Korean lecture chapters (docs/ko/) by running rnnkit's own commands.

Each figure is the PNG that one documented ``rnnkit`` command writes, run with small, fast settings and
copied to ``docs/figures/``; nothing is drawn by hand, so a chapter's figure is exactly what a reader
gets by typing the command printed beside it. The settings are chosen to finish in a few minutes on one
CPU thread, not for the best models (docs/RESULTS.md has those, at full size).

Usage::

    OMP_NUM_THREADS=1 python docs/make_figures.py             # all figures
    OMP_NUM_THREADS=1 python docs/make_figures.py gradient_flow lstm_gates   # some of them

The work folders (models, data) go to a temporary directory removed afterwards; ``--keep DIR`` keeps
them there instead. A figure over :data:`MAX_BYTES` is an error: the docs stay small.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures"
MAX_BYTES = 300_000


@dataclass(frozen=True)
class Figure:
    """One figure: the commands that make it (``{W}`` is the work folder) and the PNG they write."""

    name: str
    commands: tuple[str, ...]
    produces: str  # path of the PNG under the work folder


SHAPES = "caption generate-data --out {W}/shapes --train 600 --val 60 --test 60 --heldout 60"

FIGURE_LIST: tuple[Figure, ...] = (
    # 03: the vanishing gradient, and the remedies ReLU, identity initialisation (IRNN) and gates.
    Figure(
        "gradient_flow",
        (
            "explain gradient-flow --cells rnn,rnn-relu,irnn,lstm,gru --length 50 --hidden 32 "
            "--epochs 3 --train-size 1024 --sequences 4 --out {W}/flow",
        ),
        "flow/gradient_flow.png",
    ),
    # 03: who can remember: the adding problem, test error by length.
    Figure(
        "memory",
        (
            "explain memory --task adding --lengths 10,30 --cells rnn,irnn,lstm,gru --hidden 32 "
            "--epochs 6 --train-size 2048 --out {W}/memory",
        ),
        "memory/memory.png",
    ),
    # 04: inside a trained LSTM: forget, input and output gates and the cell state.
    Figure(
        "lstm_gates",
        (
            "explain gates --cell lstm --length 30 --hidden 64 --epochs 12 --train-size 4096 --lr 0.01 "
            "--out {W}/lstm",
        ),
        "lstm/gates.png",
    ),
    # 05: the GRU's update and reset gates on the same task.
    Figure(
        "gru_gates",
        (
            "explain gates --cell gru --length 30 --hidden 64 --epochs 12 --train-size 4096 --lr 0.01 "
            "--out {W}/gru",
        ),
        "gru/gates.png",
    ),
    # 01: sequence -> vector, 4 days of prices in, day 5 out.
    Figure(
        "forecast",
        ("forecast train --data ibm --epochs 8 --quiet --out {W}/forecast",),
        "forecast/forecast.png",
    ),
    # 01: sequence -> sequence, English in, Korean out, with the attention of each output piece.
    Figure(
        "translate_attention",
        (
            "translate train --cell gru --embed 64 --hidden 128 --epochs 18 --lr 3e-3 --beam 1 "
            "--no-progress --out {W}/translate",
            "translate text --model {W}/translate --beam 1 --attention-plot {W}/attention.png "
            "'I am a student.'",
        ),
        "attention.png",
    ),
    # 01: vector -> sequence, one image in, its caption out.
    Figure(
        "caption_grid",
        (
            SHAPES,
            "caption train --data {W}/shapes/dataset.json --out {W}/caption --attention --epochs 6",
            "caption eval --model {W}/caption --data {W}/shapes/dataset.json --split test "
            "--plot {W}/captions.png",
        ),
        "captions.png",
    ),
)


def run_figure(figure: Figure, work: Path) -> Path:
    """Run ``figure``'s commands in ``work`` and copy its PNG to :data:`FIGURES`; return the copy."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT / "src")}
    for command in figure.commands:
        argv = [sys.executable, "-m", "rnnkit", *shlex.split(command.format(W=work)), "--threads", "1"]
        print("$ rnnkit " + command.format(W="WORK"), flush=True)
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    source = work / figure.produces
    target = FIGURES / f"{figure.name}.png"
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{figure.name}: {size} bytes, over the {MAX_BYTES} byte limit for docs figures")
    FIGURES.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="figures to make (default: all): " +
                        ", ".join(f.name for f in FIGURE_LIST))  # fmt: skip
    parser.add_argument("--keep", type=Path, default=None, help="keep the work folders here")
    args = parser.parse_args(argv)
    known = {f.name: f for f in FIGURE_LIST}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown figure {', '.join(unknown)}; known: {', '.join(known)}")
    chosen = [known[n] for n in args.names] if args.names else list(FIGURE_LIST)
    with tempfile.TemporaryDirectory(prefix="rnnkit-figures-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for figure in chosen:
            wall = time.monotonic()
            target = run_figure(figure, work / figure.name)
            print(f"  -> {target.relative_to(ROOT)} ({target.stat().st_size // 1000} KB, "
                  f"{time.monotonic() - wall:.0f} s wall)", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
