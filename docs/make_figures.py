"""Make every figure of the Korean lecture chapters (docs/ko/) by running rnnkit's own commands.

Each figure is the PNG that one documented ``rnnkit`` command writes, run with small, fast settings and
copied to ``docs/figures/``, or (:class:`NotebookFigure`) a plot that a chapter's English notebook draws
when it runs; nothing is drawn by hand, so a chapter's figure is exactly what a reader gets by typing
the command printed beside it or by running the notebook. The settings are chosen to finish in a few minutes on one
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


@dataclass(frozen=True)
class NotebookFigure:
    """A plot a notebook draws: the ``image``-th PNG output (from 1, in cell order) of ``notebook``."""

    name: str
    notebook: str  # under docs/notebooks/en/
    image: int = 1


SHAPES = "caption generate-data --out {W}/shapes --train-images 1200 --val-images 100 --test-images 100 --heldout-images 100"

FIGURE_LIST: tuple[Figure | NotebookFigure, ...] = (
    NotebookFigure("sequence_order", "00-sequence-data.ipynb"),  # 00: the same prices, in order and shuffled
    NotebookFigure("rnn_memory_trace", "02-simple-rnn.ipynb"),  # 02: one input, then how long it lasts
    NotebookFigure("lstm_forget_gate", "04-lstm.ipynb"),  # 04: the cell state under fixed forget gates
    NotebookFigure("gru_update_gate", "05-gru.ipynb"),  # 05: the hidden state under fixed update gates
    # 03: the vanishing gradient, and the remedies ReLU, identity initialisation (IRNN) and gates.
    Figure(
        "gradient_flow",
        (
            "explain gradient-flow --cells rnn,rnn-relu,irnn,lstm,gru --length 50 --hidden-size 32 "
            "--epochs 3 --train-size 1024 --sequences 4 --out {W}/flow",
        ),
        "flow/gradient_flow.png",
    ),
    # 04: inside a trained LSTM: forget, input and output gates and the cell state.
    Figure(
        "lstm_gates",
        (
            "explain gates --cell lstm --length 30 --hidden-size 64 --epochs 12 --train-size 4096 --lr 0.01 "
            "--out {W}/lstm",
        ),
        "lstm/gates.png",
    ),
    # 05: the GRU's update and reset gates on the same task.
    Figure(
        "gru_gates",
        (
            "explain gates --cell gru --length 30 --hidden-size 64 --epochs 12 --train-size 4096 --lr 0.01 "
            "--out {W}/gru",
        ),
        "gru/gates.png",
    ),
    # 01: sequence -> vector, 4 days of prices in, day 5 out.
    Figure(
        "forecast",
        ("forecast train --data ibm --epochs 8 --no-progress --out {W}/forecast",),
        "forecast/forecast.png",
    ),
    # 01: sequence -> sequence, English in, Korean out, with the attention of each output piece.
    Figure(
        "translate_attention",
        # The translator that ships with rnnkit (no --model), with its own decoding (MBR over beam 24):
        # two runs in an ensemble; the plot shows their mean attention.
        ("translate text --plot {W}/attention.png 'My brother lives in Seoul.'",),
        "attention.png",
    ),
    # 01: vector -> sequence, one image in, its caption out.
    Figure(
        "caption_grid",
        (
            SHAPES,
            "caption train --data {W}/shapes/dataset.json --out {W}/caption --attention --epochs 8",
            "caption eval --model {W}/caption --data {W}/shapes/dataset.json --split test "
            "--plot {W}/captions.png",
        ),
        "captions.png",
    ),
)


def notebook_png(figure: NotebookFigure, work: Path) -> Path:
    """Run the notebook in ``work`` (a fresh kernel, one thread) and write its ``image``-th PNG there."""
    import base64

    import nbclient
    import nbformat

    os.environ.update({"OMP_NUM_THREADS": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"})
    print(f"$ (run docs/notebooks/en/{figure.notebook})", flush=True)
    nb = nbformat.read(ROOT / "docs" / "notebooks" / "en" / figure.notebook, as_version=4)
    work.mkdir(parents=True, exist_ok=True)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    client.execute()
    images = [
        o["data"]["image/png"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    if len(images) < figure.image:
        raise SystemExit(
            f"{figure.notebook} drew {len(images)} images; {figure.name} wants number {figure.image}"
        )
    path = work / f"{figure.name}.png"
    path.write_bytes(base64.b64decode(images[figure.image - 1]))
    return path


def run_figure(figure: Figure | NotebookFigure, work: Path) -> Path:
    """Run ``figure``'s commands in ``work`` and copy its PNG to :data:`FIGURES`; return the copy."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT / "src")}
    if isinstance(figure, NotebookFigure):
        os.environ["PYTHONPATH"] = env["PYTHONPATH"]  # the kernel imports this checkout's rnnkit
        return _copy(figure, notebook_png(figure, work))
    for command in figure.commands:
        argv = [sys.executable, "-m", "rnnkit", *shlex.split(command.format(W=work)), "--threads", "1"]
        print("$ rnnkit " + command.format(W="WORK"), flush=True)
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return _copy(figure, work / figure.produces)


def _copy(figure: Figure | NotebookFigure, source: Path) -> Path:
    """Copy ``source`` to ``docs/figures/NAME.png`` unless it is over :data:`MAX_BYTES`."""
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
