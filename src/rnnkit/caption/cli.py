"""``rnnkit caption``: generate-data, train, eval, describe.

Thin functions: parse options, call ``shapes`` / ``datasets`` / ``pipeline`` / ``modelio``, print.
Heavy modules are imported inside the commands; ``describe`` never imports the training engine.
"""

from __future__ import annotations

from pathlib import Path

import click

from rnnkit.nn.names import CELL_TYPES
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.options import common_options, run_options

CELLS = CELL_TYPES  # the one list, from the table of cell types (torch-free import)
METRIC_COLUMNS = ("BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "CIDEr-D", "ROUGE-L", "distinct")


def _data_options(func):
    func = click.option("--format", "fmt", type=click.Choice(["auto", "karpathy", "coco", "flickr8k"]),
                        default="auto", show_default=True, help="Captions file format.")(func)  # fmt: skip
    func = click.option("--images", type=click.Path(path_type=Path), default=None,
                        help="Image folder (default: beside the captions file, for Karpathy JSON).")(func)  # fmt: skip
    return click.option("--data", type=click.Path(path_type=Path), required=True,
                        help="Captions file: Karpathy JSON, COCO captions JSON or Flickr8k token file.")(func)  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Vector to sequence: describe images with Show and Tell / Show, Attend and Tell."""


@cli.command("generate-data")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Dataset folder to create.")
@click.option("--train", "n_train", type=int, default=3000, show_default=True, help="Training scenes.")
@click.option("--val", "n_val", type=int, default=300, show_default=True, help="Validation scenes.")
@click.option("--test", "n_test", type=int, default=300, show_default=True, help="Test scenes (seen pairs).")
@click.option("--heldout", "n_heldout", type=int, default=300, show_default=True,
              help="Test scenes with colour-shape pairs never seen in training.")  # fmt: skip
@click.option("--image-size", type=int, default=64, show_default=True, help="Image side in pixels.")
@click.option("--captions", type=int, default=5, show_default=True, help="Captions per scene.")
@common_options
def generate_data(
    out: Path, n_train: int, n_val: int, n_test: int, n_heldout: int, image_size: int, captions: int,
    seed: int, device: str,
) -> None:  # fmt: skip
    """Draw captioned shape scenes and write them as Karpathy split JSON plus PNG images."""
    from rnnkit.caption.shapes import generate

    counts = {"train": n_train, "val": n_val, "test": n_test, "test_heldout": n_heldout}
    path = generate(out, counts, image_size, captions, seed, show_progress=True)
    click.echo(f"dataset: {path} ({sum(counts.values())} images)")


@cli.command()
@_data_options
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Model folder to write.")
@click.option("--cell", type=click.Choice(CELLS), default="lstm", show_default=True, help="Recurrent cell.")
@click.option("--attention/--no-attention", default=False, show_default=True, help="Soft attention.")
@click.option("--inject", type=click.Choice(["init", "first"]), default="init", show_default=True,
              help="Image vector as the initial state or as the first input.")  # fmt: skip
@click.option("--encoder", type=click.Choice(["cnn", "efficientnet-lite0"]), default="cnn", show_default=True,
              help="Small CNN from scratch, or frozen pretrained EfficientNet-Lite0.")  # fmt: skip
@click.option("--image-size", type=int, default=64, show_default=True, help="Side images are read at (cnn).")
@click.option("--epochs", type=int, default=20, show_default=True)
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--lr", type=float, default=1e-3, show_default=True)
@click.option("--hidden", type=int, default=192, show_default=True, help="Decoder hidden size.")
@click.option("--embed", type=int, default=64, show_default=True, help="Word embedding size.")
@click.option("--max-train", type=int, default=None, help="Use only the first N training images.")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=Path("runs/cache/caption"),
              show_default=True, help="Feature cache of frozen encoders.")  # fmt: skip
@run_options("OUT.run, beside the model folder")
@common_options
def train(
    data: Path, images: Path | None, fmt: str, out: Path, cell: str, attention: bool, inject: str,
    encoder: str, image_size: int, epochs: int, batch_size: int, lr: float, hidden: int, embed: int,
    max_train: int | None, cache_dir: Path, run_dir: Path | None, resume: bool, seed: int, device: str,
) -> None:  # fmt: skip
    """Train a captioner; keeps the epoch with the best validation CIDEr-D.

    Checkpoints and the vocabulary go to the run folder; after a crash or Ctrl-C, the same command with
    --resume continues from the newest checkpoint (and --epochs may be raised to train longer).
    """
    from rnnkit.caption.datasets import load_captions
    from rnnkit.caption.modelio import save_captioner
    from rnnkit.caption.pipeline import CaptionConfig, train_captioner
    from rnnkit.train.checkpoint import hint_on_interrupt
    from rnnkit.utils.device import resolve_device
    from rnnkit.utils.runs import RunFolder, sibling_run_dir

    resolve_device(device)
    run = RunFolder(run_dir if run_dir is not None else sibling_run_dir(out), resume=resume).outside(out)
    for name, value in (
        ("--epochs", epochs),
        ("--batch-size", batch_size),
        ("--hidden", hidden),
        ("--embed", embed),
    ):
        if value < 1:
            raise RnnkitError(f"{name} must be at least 1, got {value}")
    if lr <= 0:
        raise RnnkitError(f"--lr must be positive, got {lr}")
    cfg = CaptionConfig(cell=cell, attention=attention, inject=inject, encoder=encoder, image_size=image_size,
                        epochs=epochs, batch_size=batch_size, lr=lr, hidden_size=hidden, embed_dim=embed,
                        max_train=max_train, seed=seed, device=device)  # fmt: skip
    dataset = load_captions(data, images, fmt)
    click.echo(dataset.summary())
    where = {"--data": str(data.resolve()), "--images": None if images is None else str(images.resolve()),
             "--format": fmt}  # fmt: skip
    with hint_on_interrupt(run):  # Ctrl-C: how to continue
        result = train_captioner(dataset, cfg, run=run, cache_dir=cache_dir, show_progress=True,
                                 log=lambda s: click.echo(s, err=True), run_settings=where)  # fmt: skip
        fit = result.fit
        skipped = len(result.train.problems) + len(result.val.problems)
        training = {"best_epoch": fit.best_epoch, "val_cider_d": fit.best_metric, "epochs_run": fit.epochs_run,
                    "seconds": round(fit.seconds, 1), "history": fit.history,
                    "train_images": len(result.train.records), "unreadable_images_skipped": skipped}  # fmt: skip
        save_captioner(out, result.model, result.vocab, cfg, result.max_len, {"training": training})
    click.echo(
        f"best epoch {fit.best_epoch}/{fit.epochs_run}: validation CIDEr-D {fit.best_metric:.3f} "
        f"({fit.seconds:.0f} s; {skipped} unreadable image(s) skipped)"
    )
    click.echo(f"model: {out}")


GROUNDING_COLUMNS = ("shape precision", "shape recall", "held-out named")


def _format_row(name: str, scores: dict) -> list[str]:
    return [name] + [f"{scores[k]:.3f}" for k in METRIC_COLUMNS + GROUNDING_COLUMNS if k in scores]


@cli.command("eval")
@click.option("--model", "model_dir", type=click.Path(path_type=Path), required=True, help="Model folder.")
@_data_options
@click.option("--split", "splits", multiple=True,
              help="Split(s) to score (repeatable); default: test and test_heldout when present.")  # fmt: skip
@click.option("--beam", type=int, default=1, show_default=True, help="Beam size (1: greedy).")
@click.option("--plot", type=click.Path(path_type=Path), default=None,
              help="PNG grid of the first 8 images of the first split (and PLOT_attention.png).")  # fmt: skip
@click.option(
    "--json", "json_out", type=click.Path(path_type=Path), default=None, help="Write scores as JSON."
)
@common_options
def evaluate(
    model_dir: Path, data: Path, images: Path | None, fmt: str, splits: tuple[str, ...], beam: int,
    plot: Path | None, json_out: Path | None, seed: int, device: str,
) -> None:  # fmt: skip
    """Score a model (BLEU-1..4, CIDEr-D, ROUGE-L, distinct captions) beside the most-frequent-caption baseline."""
    import json

    from rnnkit.caption.datasets import load_captions
    from rnnkit.caption.metrics import most_frequent_caption
    from rnnkit.caption.modelio import load_captioner
    from rnnkit.caption.pipeline import baseline_scores, caption_split, prepare_split, score_split
    from rnnkit.caption.shapes import grounding
    from rnnkit.utils.atomic import write_text_atomic

    if beam < 1:
        raise RnnkitError(f"--beam must be at least 1, got {beam}")
    cap = load_captioner(model_dir, device)
    dataset = load_captions(data, images, fmt)
    click.echo(dataset.summary())
    present = {r.split for r in dataset.records}
    wanted = list(splits) or [s for s in ("test", "test_heldout") if s in present]
    missing = [s for s in wanted if s not in present]
    if not wanted or missing:
        raise RnnkitError(
            f"split {(missing or ['test'])[0]!r} not in {data.name}; present: {', '.join(sorted(present))}"
        )
    train_caps = [c for r in dataset.split("train") for c in r.captions]
    results: dict[str, dict] = {}
    rows = []
    for k, split in enumerate(wanted):
        part = prepare_split(dataset.split(split), cap.config, cap.frozen, show_progress=True)
        for problem in part.problems:
            click.echo(f"skipped: {problem}", err=True)
        if not part.records:
            raise RnnkitError(f"no readable image in split {split!r}")
        hyps = caption_split(cap.model, part.inputs, beam, cap.max_len)
        words = [cap.vocab.decode(h.ids) for h in hyps]
        scores = score_split(words, part.refs, train_caps)
        scenes = [r.scene for r in part.records]
        grounded = all(sc is not None for sc in scenes)  # generated shapes data: check what is named
        if grounded:
            scores.update(grounding(scenes, words))
        results[split] = {"model": scores, "images": len(part.records), "skipped": len(part.problems)}
        rows.append(_format_row(f"{split} model", scores))
        if train_caps:
            base = baseline_scores(part.refs, train_caps)
            if grounded:
                base.update(grounding(scenes, [most_frequent_caption(train_caps)] * len(scenes)))
            results[split]["most_frequent_caption"] = base
            rows.append(_format_row(f"{split} most-frequent", base))
        if plot is not None and k == 0:
            _eval_plots(plot, part, hyps, words)
    extra = GROUNDING_COLUMNS if all(GROUNDING_COLUMNS[0] in r["model"] for r in results.values()) else ()
    click.echo("\t".join(["split / system", *METRIC_COLUMNS, *extra]))
    for row in rows:
        click.echo("\t".join(row))
    if json_out is not None:
        write_text_atomic(json_out, json.dumps({"beam": beam, "splits": results}, indent=2) + "\n")


def _eval_plots(plot: Path, part, hyps, words) -> None:
    import torch

    from rnnkit.caption.plots import attention_grid, caption_grid

    n = min(8, len(part.records))
    if part.inputs.dtype != torch.uint8:
        return  # frozen encoders keep features, not pixels: no picture to draw
    caption_grid(part.inputs[:n], [" ".join(w) for w in words[:n]], plot,
                 references=[" ".join(r.captions[0]) for r in part.records[:n]])  # fmt: skip
    if hyps[0].attention is not None:
        path = plot.with_name(plot.stem + "_attention.png")
        attention_grid(part.inputs[:4], words[:4], [h.attention for h in hyps[:4]], path)


@cli.command()
@click.option("--model", "model_dir", type=click.Path(path_type=Path), required=True, help="Model folder.")
@click.argument("image", nargs=-1, type=click.Path(path_type=Path))
@click.option("--beam", type=int, default=3, show_default=True, help="Beam size (1: greedy).")
@click.option("--plot", type=click.Path(path_type=Path), default=None,
              help="PNG grid of the images with their captions (attention maps beside it when on).")  # fmt: skip
@common_options
def describe(
    model_dir: Path, image: tuple[Path, ...], beam: int, plot: Path | None, seed: int, device: str
) -> None:
    """Print a caption for each IMAGE (one line each: path, tab, caption)."""
    import numpy as np
    import torch

    from rnnkit.caption.decode import decode
    from rnnkit.caption.images import load_image
    from rnnkit.caption.modelio import load_captioner
    from rnnkit.utils.progress import progress
    from rnnkit.utils.threads import cpu_threads

    if not image:
        raise RnnkitError("no IMAGE given; usage: rnnkit caption describe --model DIR IMAGE...")
    if beam < 1:
        raise RnnkitError(f"--beam must be at least 1, got {beam}")
    cap = load_captioner(model_dir, device)
    size = cap.config.reading_size()
    pixels = torch.from_numpy(np.stack([load_image(p, size) for p in image]))  # (N, 3, S, S)
    hyps = []
    with cpu_threads(cap.config.threads):
        for i in progress(range(0, len(pixels), 16), "describing", enabled=len(pixels) > 16):
            hyps += decode(cap.model.decoder, cap.features(pixels[i : i + 16]), beam, cap.max_len)
    words = [cap.vocab.decode(h.ids) for h in hyps]
    for path, w in zip(image, words, strict=True):
        click.echo(f"{path}\t{' '.join(w)}")
    if plot is not None:
        from rnnkit.caption.plots import attention_grid, caption_grid

        caption_grid(pixels, [" ".join(w) for w in words], plot)
        if hyps[0].attention is not None:
            attention_grid(
                pixels, words, [h.attention for h in hyps], plot.with_name(plot.stem + "_attention.png")
            )
