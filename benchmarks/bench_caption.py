"""Captioning speed on CPU: images per second, and training time per epoch of the default model.

1. Captioning throughput (images/s) of the default model (small CNN + LSTM decoder, hidden 192),
   greedy and beam 3, with and without attention. Anchor, measured in the same run on the same
   weights: the same decoder stepping ``torch.nn.LSTMCell`` instead of ``rnnkit.nn.make_cell("lstm")``;
   the ratio shows what rnnkit's cell costs over torch's. Decoding always runs the full ``--max-len``
   steps (the ``<end>`` word is switched off: untrained, the model without attention said it first
   for every image), so the figures are a floor for real captions.
2. Beam 3, batch 1 against batch 64 (``--beam-batches``), images/s of the batched beam search
   and, with ``--before FILE`` (a ``decode.py`` from before batching, loaded as its own module), of
   the old one on the same weights in alternating rounds, with the share of identical captions.
   Models: the default one untrained, with and without attention (every beam runs ``--max-len``
   steps), and each trained ``--model DIR`` (captions stop at ``<end>``, so images leave the batch at
   different steps).
3. Training: seconds per epoch of the default model on ``--train-images`` generated scenes, with one
   CPU thread (rnnkit's default for captioning) against torch's default thread count (the anchor).
4. With ``--data`` (and ``--model``; parts 1-3 are skipped): each model's own saved decoding against
   greedy search on its test images (``--images`` of them), images/s at batches of 128 and 16.

Rounds alternate between variant and anchor so machine noise hits both alike; medians are printed.

    python benchmarks/bench_caption.py                       # defaults below
    python benchmarks/bench_caption.py --images 256 --rounds 5 --train-images 1000
    git show c6dc0bd:src/rnnkit/caption/decode.py > /tmp/decode_before.py   # per-image beam search
    python benchmarks/bench_caption.py --skip-throughput --skip-train --before /tmp/decode_before.py \
        --model runs/caption_results/model_lstm_attention
    python benchmarks/bench_caption.py --model runs/eval_caption/shapes/model \
        --data runs/eval_caption/shapes/data/dataset.json --images 300 --rounds 5
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from rnnkit.caption.decode import decode
from rnnkit.caption.pipeline import CaptionConfig, build_model, cpu_threads
from rnnkit.caption.vocab import END


def _images(n: int, size: int) -> torch.Tensor:
    from rnnkit.caption.shapes import render, sample_scene

    rng = random.Random(0)
    arrays = [torch.from_numpy(np.array(render(sample_scene(rng, size)))) for _ in range(n)]
    return torch.stack(arrays).permute(0, 3, 1, 2).contiguous()  # (N, 3, S, S) uint8


def _untrained(attention: bool) -> torch.nn.Module:
    """The default model, seeded, that never says ``<end>``, so every caption runs ``--max-len`` steps."""
    torch.manual_seed(0)
    model, _ = build_model(CaptionConfig(attention=attention), vocab_size=40)
    with torch.no_grad():
        model.decoder.out.bias[END] = -1e4
    return model.eval()


def _torch_cell_copy(model: torch.nn.Module) -> torch.nn.Module:
    """The same model whose decoder steps torch.nn.LSTMCell with identical weights."""
    twin = copy.deepcopy(model)
    cell = twin.decoder.cell
    ref = torch.nn.LSTMCell(cell.input_size, cell.hidden_size)
    ref.load_state_dict(cell.state_dict())
    twin.decoder.cell = ref
    return twin


@torch.no_grad()
def caption_seconds(
    model: torch.nn.Module, images: torch.Tensor, beam: int, max_len: int, batch: int = 64, search=decode
) -> float:
    """Seconds to caption ``images`` ``(N, 3, S, S)`` in batches of ``batch`` with ``search``."""
    model.eval()
    t0 = time.perf_counter()
    for i in range(0, len(images), batch):
        search(model.decoder, model.features(images[i : i + batch]), beam, max_len)
    return time.perf_counter() - t0


def _load_decode(path: Path):
    """The ``decode`` function of another version of ``rnnkit/caption/decode.py`` (same model API)."""
    spec = importlib.util.spec_from_file_location("rnnkit_caption_decode_before", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.decode


@torch.no_grad()
def _same_captions(model: torch.nn.Module, images: torch.Tensor, beam: int, max_len: int, before) -> float:
    """Share of images whose batched caption equals the old search's caption."""
    model.eval()
    feats = model.features(images)
    new = decode(model.decoder, feats, beam, max_len)
    old = before(model.decoder, feats, beam, max_len)
    return sum(a.ids == b.ids for a, b in zip(new, old, strict=True)) / len(images)


def beam_speed(args: argparse.Namespace) -> None:
    """Beam search images/s at each batch size, batched against ``--before`` when given."""
    from rnnkit.caption.captioner import Captioner

    before = _load_decode(args.before) if args.before else None
    models = []
    for attention in (False, True):
        model = _untrained(attention)
        models.append((f"untrained, attention {attention}", model, args.max_len, 64))
    for folder in args.model:
        cap = Captioner.from_pretrained(folder, device="cpu")
        assert cap.frozen is None, "--model: a model with the small CNN encoder (it reads pixels)"
        label = f"{Path(folder).name} ({cap.model.decoder.config.cell}, attention {cap.model.decoder.config.attention})"
        models.append((label, cap.model, cap.max_len, cap.config.reading_size()))
    beam = args.beam
    print(f"\nbeam {beam}: {args.images} images, {args.threads} thread(s), median of {args.rounds} rounds")
    print(
        "model                                          batch  batched img/s  before img/s  speed-up  same captions"
    )
    with cpu_threads(args.threads):
        for label, model, max_len, size in models:
            images = _images(args.images, size)
            same = _same_captions(model, images, beam, max_len, before) if before else float("nan")
            for batch in args.beam_batches:
                caption_seconds(model, images[:batch], beam, max_len, batch)  # warm-up
                if before:
                    caption_seconds(model, images[:batch], beam, max_len, batch, before)
                ours, theirs = [], []
                for _ in range(args.rounds):
                    ours.append(caption_seconds(model, images, beam, max_len, batch))
                    if before:
                        theirs.append(caption_seconds(model, images, beam, max_len, batch, before))
                a = statistics.median(ours)
                b = statistics.median(theirs) if theirs else float("nan")
                print(f"{label:45}  {batch:5}  {args.images / a:13.1f}  {args.images / b:12.1f}  "
                      f"{b / a:7.2f}x  {same:12.0%}")  # fmt: skip


def throughput(args: argparse.Namespace) -> None:
    images = _images(args.images, 64)
    print(f"captioning {args.images} images of 64x64, {args.max_len} steps, {args.threads} thread(s)")
    print("attention  search    rnnkit img/s  torch.nn img/s  ratio rnnkit/torch (time)")
    with cpu_threads(args.threads):
        for attention in (False, True):
            model = _untrained(attention)
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


def decoding_speed(args: argparse.Namespace) -> None:
    """Part 4: each trained ``--model`` under its own saved decoding (the seventh pass's default: beam 10,
    length penalty, located check) against greedy search (the anchor), on its own test images of
    ``--data``, in alternating rounds: images/s at ``eval``'s batches of 128 and ``describe``'s of 16."""
    from rnnkit.caption.datasets import read_karpathy
    from rnnkit.caption.decode import Decoding
    from rnnkit.caption.modelio import load_captioner
    from rnnkit.caption.pipeline import caption_split, prepare_split

    print(
        f"\ndecoding: the model's own against greedy, {args.threads} thread(s), median of {args.rounds} rounds"
    )
    print("model  decoding  batch  images/s  greedy images/s  ratio")
    for folder in args.model:
        cap = load_captioner(folder, device="cpu")
        inputs = prepare_split(read_karpathy(args.data).split("test"), cap.config).inputs[: args.images]
        own = cap.config.decoding()
        with cpu_threads(args.threads):
            for batch in (128, 16):
                times: dict[str, list[float]] = {"own": [], "greedy": []}
                caption_split(cap.model, inputs[:16], cap.vocab, own, cap.max_len, batch)  # warm-up
                for _ in range(args.rounds):
                    for name, decoding in (("own", own), ("greedy", Decoding())):
                        t0 = time.perf_counter()
                        caption_split(cap.model, inputs, cap.vocab, decoding, cap.max_len, batch)
                        times[name].append(time.perf_counter() - t0)
                a, b = statistics.median(times["own"]), statistics.median(times["greedy"])
                print(f"{Path(folder).name}  {own.describe()}  {batch}  {len(inputs) / a:.1f}  "
                      f"{len(inputs) / b:.1f}  {b / a:.3f}")  # fmt: skip


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
    parser.add_argument("--skip-throughput", action="store_true", help="Skip part 1 (rnnkit vs torch cell).")
    parser.add_argument("--skip-beam", action="store_true", help="Skip part 2 (beam search by batch size).")
    parser.add_argument("--beam", type=int, default=3)
    parser.add_argument("--beam-batches", type=int, nargs="+", default=[1, 64])
    parser.add_argument("--before", type=Path, help="An older rnnkit/caption/decode.py to time against.")
    parser.add_argument("--model", action="append", default=[], help="A trained caption model folder.")
    parser.add_argument("--data", help="With --model: its dataset; part 4 times the model's own decoding.")
    args = parser.parse_args()
    if args.data:
        decoding_speed(args)
        return
    if not args.skip_throughput:
        throughput(args)
    if not args.skip_beam:
        beam_speed(args)
    if not args.skip_train:
        train_epoch_seconds(args)


if __name__ == "__main__":
    main()
