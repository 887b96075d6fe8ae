"""Captioning speed on CPU: images per second, and training time per epoch of the default model.

1. Captioning throughput (images/s) of the default model (small CNN + LSTM decoder, hidden 192),
   greedy and beam 3, with and without attention. Anchor, measured in the same run on the same
   weights: the same decoder stepping ``torch.nn.LSTMCell`` instead of ``rnnkit.nn.make_cell("lstm")``;
   the ratio shows what rnnkit's cell costs over torch's. Decoding always runs the full ``--max-len``
   steps (untrained weights rarely emit ``<end>``), so the figures are a floor for real captions.
2. Training: seconds per epoch of the default model on ``--train-images`` generated scenes, with one
   CPU thread (rnnkit's default for captioning) against torch's default thread count (the anchor).

Rounds alternate between variant and anchor so machine noise hits both alike; medians are printed.

    python benchmarks/bench_caption.py                       # defaults below
    python benchmarks/bench_caption.py --images 256 --rounds 5 --train-images 1000
"""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from rnnkit.caption.decode import decode
from rnnkit.caption.pipeline import CaptionConfig, build_model, cpu_threads


def _images(n: int, size: int) -> torch.Tensor:
    from rnnkit.caption.shapes import render, sample_scene

    rng = random.Random(0)
    arrays = [torch.from_numpy(np.array(render(sample_scene(rng, size)))) for _ in range(n)]
    return torch.stack(arrays).permute(0, 3, 1, 2).contiguous()  # (N, 3, S, S) uint8


def _torch_cell_copy(model: torch.nn.Module) -> torch.nn.Module:
    """The same model whose decoder steps torch.nn.LSTMCell with identical weights."""
    twin = copy.deepcopy(model)
    cell = twin.decoder.cell
    ref = torch.nn.LSTMCell(cell.input_size, cell.hidden_size)
    ref.load_state_dict(cell.state_dict())
    twin.decoder.cell = ref
    return twin


@torch.no_grad()
def caption_seconds(model: torch.nn.Module, images: torch.Tensor, beam: int, max_len: int) -> float:
    model.eval()
    t0 = time.perf_counter()
    for i in range(0, len(images), 64):
        decode(model.decoder, model.features(images[i : i + 64]), beam, max_len)
    return time.perf_counter() - t0


def throughput(args: argparse.Namespace) -> None:
    images = _images(args.images, 64)
    print(f"captioning {args.images} images of 64x64, {args.max_len} steps, {args.threads} thread(s)")
    print("attention  search    rnnkit img/s  torch.nn img/s  ratio rnnkit/torch (time)")
    with cpu_threads(args.threads):
        for attention in (False, True):
            torch.manual_seed(0)
            model, _ = build_model(CaptionConfig(attention=attention), vocab_size=40)
            anchor = _torch_cell_copy(model)
            for beam in (1, 3):
                caption_seconds(model, images[:8], beam, 4)  # warm-up
                caption_seconds(anchor, images[:8], beam, 4)
                ours, theirs = [], []
                for _ in range(args.rounds):
                    ours.append(caption_seconds(model, images, beam, args.max_len))
                    theirs.append(caption_seconds(anchor, images, beam, args.max_len))
                a, b = statistics.median(ours), statistics.median(theirs)
                name = "greedy" if beam == 1 else f"beam {beam}"
                print(
                    f"{str(attention):9}  {name:8}  {args.images / a:12.1f}  {args.images / b:14.1f}  {a / b:.2f}"
                )


def train_epoch_seconds(args: argparse.Namespace) -> None:
    from rnnkit.caption.datasets import read_karpathy
    from rnnkit.caption.pipeline import train_captioner
    from rnnkit.caption.shapes import generate

    with tempfile.TemporaryDirectory() as tmp:
        counts = {"train": args.train_images, "val": 50}
        data = read_karpathy(generate(Path(tmp) / "d", counts, seed=0))
        default_threads = torch.get_num_threads()
        print(f"\ntraining one epoch of the default model on {args.train_images} images (+50 validation)")
        one, many = [], []
        for _ in range(args.train_rounds):
            for threads, out in ((1, one), (None, many)):
                cfg = CaptionConfig(epochs=1, device="cpu", threads=threads)
                out.append(train_captioner(data, cfg).fit.seconds)
        a, b = statistics.median(one), statistics.median(many)
        print(f"1 thread: {a:.1f} s/epoch; torch default ({default_threads} threads): {b:.1f} s/epoch; "
              f"ratio 1-thread/default {a / b:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=128)
    parser.add_argument("--max-len", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--train-images", type=int, default=600)
    parser.add_argument("--train-rounds", type=int, default=1)
    parser.add_argument("--skip-train", action="store_true")
    args = parser.parse_args()
    throughput(args)
    if not args.skip_train:
        train_epoch_seconds(args)


if __name__ == "__main__":
    main()
