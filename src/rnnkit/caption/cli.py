"""``rnnkit caption``: generate-data, train, eval, describe.

Thin functions: parse options, call ``shapes`` / ``datasets`` / ``pipeline`` / ``modelio``, print.
Heavy modules are imported inside the commands; ``describe`` never imports the training engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rnnkit.caption.config_schema import settings_from_model
from rnnkit.nn.names import CELL_TYPES
from rnnkit.utils import strict_json
from rnnkit.utils.atomic import not_a_folder
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import model_folder_in
from rnnkit.utils.options import (
    MODEL_IN_HELP,
    aliased,
    cell_option,
    common_options,
    config_option,
    force_option,
    inference_options,
    json_option,
    out_option,
    plot_option,
    progress_option,
    resume_options,
    seed_option,
    size_options,
    threads_option,
)
from rnnkit.utils.outputs import Output, check_inputs, claim_outputs
from rnnkit.utils.user_paths import UserPath
from rnnkit.utils.wording import as_typed, one_field

if TYPE_CHECKING:
    from rnnkit.caption.pipeline import CaptionConfig

CELLS = CELL_TYPES  # the one list, from the table of cell types (torch-free import)
METRIC_COLUMNS = ("BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "CIDEr-D", "ROUGE-L", "distinct")


def _data_options(func):
    func = click.option("--format", "fmt", type=click.Choice(["auto", "karpathy", "coco", "flickr8k"]),
                        default="auto", show_default=True,
                        help="Captions file format (flickr8k: the token file, or Kaggle's captions.txt)."
                        )(func)  # fmt: skip
    func = click.option("--images", type=UserPath(), default=None,
                        help="Image folder [default: beside the captions file, for Karpathy JSON].")(func)  # fmt: skip
    return click.option("--data", type=UserPath(), required=True, callback=_captions_file,
                        help="Captions file: Karpathy JSON (generate-data's OUT/dataset.json), COCO captions "
                             "JSON, Flickr8k token file or Kaggle's Flickr8k captions.txt (image,caption)."
                        )(func)  # fmt: skip


def _captions_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``--data`` names a file: a folder is refused up front, with the file to give when it holds one."""
    if value is not None and value.is_dir():
        inside, kaggle = value / "dataset.json", value / "captions.txt"
        if inside.is_file():
            hint = f"; did you mean --data {inside}?"
        elif kaggle.is_file():  # Kaggle's Flickr8k download: captions.txt beside Images/
            hint = f"; did you mean --data {kaggle} --images {value / 'Images'}?"
        else:
            hint = " (this folder holds no dataset.json)"
        raise click.BadParameter(
            f"{value} is a folder, not a captions file: give dataset.json (Karpathy JSON), a COCO captions JSON, "
            f"a Flickr8k token file or Kaggle's captions.txt{hint}",
            ctx,
            param,
        )
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Vector to sequence: describe images with Show and Tell / Show, Attend and Tell."""


TASK_COUNTS = {
    "shapes": {"train": 3000, "val": 300, "test": 300, "test_heldout": 300},
    "digits": {"train": 4000, "val": 500, "test": 1000},
}


def _count_help(what: str, split: str) -> str:
    """An image count's help with its default per --task, from :data:`TASK_COUNTS` (never retyped)."""
    counts = ", ".join(f"{task} {n[split]}" for task, n in TASK_COUNTS.items() if split in n)
    return f"{what} [default: {counts}]."


@cli.command("generate-data")
@click.option("--out", type=UserPath(), required=True,
              help="Dataset folder: dataset.json and images/ (digits: README.md too) are written into it; "
                   "nothing else there is touched.")  # fmt: skip
@click.option("--task", type=click.Choice(sorted(TASK_COUNTS)), default="shapes", show_default=True,
              help="shapes: drawn scenes of coloured shapes; digits: strings of 1-6 real handwritten "
                   "digits (UCI scans from scikit-learn, split by scan).")  # fmt: skip
# Counts of images to draw, not fractions held out (which --val and --test are everywhere else).
@aliased(
    "--train-images",
    "n_train",
    aliases=("--train",),
    type=int,
    default=None,
    help=_count_help("Training images", "train"),
)
@aliased(
    "--val-images",
    "n_val",
    aliases=("--val",),
    type=int,
    default=None,
    help=_count_help("Validation images", "val"),
)
@aliased(
    "--test-images",
    "n_test",
    aliases=("--test",),
    type=int,
    default=None,
    help=_count_help("Test images", "test"),
)
@aliased("--heldout-images", "n_heldout", aliases=("--heldout",), type=int, default=None,
         help=_count_help("shapes: test scenes with colour-shape pairs never seen in training", "test_heldout"))  # fmt: skip
@click.option("--image-size", type=int, default=64, show_default=True, help="Image side in pixels.")
@click.option("--captions", type=int, default=5, show_default=True, help="Captions per scene (shapes).")
@progress_option()
@force_option
@seed_option()
@threads_option()
def generate_data(
    out: Path, task: str, n_train: int | None, n_val: int | None, n_test: int | None, n_heldout: int | None,
    image_size: int, captions: int, show_progress: bool, seed: int,
) -> None:  # fmt: skip
    """Write a captioned dataset: shape scenes or digit strings.

    The captions go to OUT/dataset.json (Karpathy split JSON), the pictures to OUT/images/ as PNG.
    """
    counts = dict(TASK_COUNTS[task])
    for split, value in (("train", n_train), ("val", n_val), ("test", n_test), ("test_heldout", n_heldout)):
        if value is not None:
            if split not in counts:
                raise RnnkitError("--heldout-images applies to --task shapes only")
            counts[split] = value
    # Written into by name, never replaced whole: --force into a user's folder (or a training run) adds
    # the data set and keeps everything else (docs/reliability.md).
    claim_outputs([Output.entries("--out", out, "caption", "dataset")])
    if task == "digits":
        from rnnkit.caption.digits import generate_digits

        path = generate_digits(out, counts, image_size, seed, show_progress=show_progress)
    else:
        from rnnkit.caption.shapes import generate

        path = generate(out, counts, image_size, captions, seed, show_progress=show_progress)
    click.echo(f"dataset: {path} ({sum(counts.values())} images)")


DECODING = ("beam", "length_penalty", "located_check")  # the CaptionConfig settings of decode.Decoding


def check_ranges(settings: dict[str, Any], names: tuple[str, ...]) -> None:
    """One-line errors for the settings given (not None) outside the ranges a model folder's
    ``config.json`` may hold (``config_schema.CAPTION_SETTINGS``, where the ranges are written once)."""
    from rnnkit.caption.config_schema import CAPTION_SETTINGS

    for name in names:
        value, spec = settings.get(name), CAPTION_SETTINGS.optional[name]
        if value is not None and not spec.lo <= value <= spec.hi:
            raise RnnkitError(f"--{name.replace('_', '-')} must lie in {spec.lo:g}..{spec.hi:g}, got {value}")


def _setting_range(name: str) -> click.FloatRange:
    """The range of the caption setting ``name`` as a click type, from ``config_schema.CAPTION_SETTINGS``
    (the ranges a model's config.json may hold, written once): --help shows it, and a value outside it
    is refused before anything is read (``check_ranges`` still checks what --config or code gives)."""
    from rnnkit.caption.config_schema import CAPTION_SETTINGS

    spec = CAPTION_SETTINGS.optional[name]
    return click.FloatRange(spec.lo, spec.hi)


_DECODING_HELP = {  # option -> (type, help): how the captions of a model are searched (decode.Decoding)
    "--beam": (int, "Beam size (1: greedy)."),  # its range (1..64) comes from utils.limits.OPTION_LIMITS
    "--length-penalty": (_setting_range("length_penalty"),
                         "The beam ranks captions by log-probability / (length + 1)^P."),
    "--located-check": (_setting_range("located_check"), "Weight of the located check in the beam's ranking: each colour-shape phrase "
                               "a caption names must be seen together at one location (models trained with "
                               "--located-loss; 0: off)."),
}  # fmt: skip


# CaptionConfig's defaults of the train options left None (None: not given, so --config may set them),
# written here because importing CaptionConfig imports torch and --help stays cheap; a test compares them.
TRAIN_DEFAULTS = {"--attribute-loss": "1.0", "--located-loss": "1.0", "--attend-loss": "0.0",
                  "--repeat-loss": "0.0", "--word-dropout": "0.0", "--beam": "10", "--length-penalty": "3.0",
                  "--located-check": "2.0"}  # fmt: skip


def decoding_options(train: bool = False) -> Callable[[Callable], Callable]:
    """``--beam``, ``--length-penalty`` and ``--located-check``: saved with the model by ``train``
    (default: ``CaptionConfig``'s, :data:`TRAIN_DEFAULTS`), the model's own by default for the commands
    that caption images."""

    def tail(name: str) -> str:
        return (
            f" Saved with the model [default: {TRAIN_DEFAULTS[name]}]."
            if train
            else " [default: the model's]"
        )

    def add(f: Callable) -> Callable:
        for name, (kind, text) in reversed(_DECODING_HELP.items()):
            f = click.option(name, type=kind, default=None, help=text + tail(name))(f)
        return f

    return add


@cli.command()
@_data_options
@out_option(None)
@cell_option("lstm", CELL_TYPES)
@click.option("--attention/--no-attention", default=True, show_default=True, help="Soft attention.")
@click.option("--deep-output/--no-deep-output", default=True, show_default=True,
              help="The attended features vote on each word directly, beside the recurrent state (needs attention).")  # fmt: skip
@click.option("--inject", type=click.Choice(["init", "first"]), default="init", show_default=True,
              help="Image vector as the initial state or as the first input.")  # fmt: skip
@click.option("--encoder", type=click.Choice(["cnn", "efficientnet-lite0"]), default="cnn", show_default=True,
              help="Small CNN from scratch, or frozen pretrained EfficientNet-Lite0.")  # fmt: skip
@click.option(
    "--image-size",
    type=int,
    default=64,
    show_default=True,
    help="Image side in pixels the cnn encoder reads (a pretrained one has its own).",
)
@click.option("--epochs", type=int, default=25, show_default=True,
              help="Passes over the training images; the epoch with the best validation CIDEr-D is kept.")  # fmt: skip
@click.option("--lr-schedule", type=click.Choice(["constant", "cosine"]), default="cosine", show_default=True,
              help="Learning rate per epoch: constant, or cosine decay to 0 over --epochs.")  # fmt: skip
@click.option("--batch-size", type=int, default=32, show_default=True, help="Images per optimizer step.")
@click.option("--lr", type=float, default=1e-3, show_default=True, help="AdamW learning rate.")
@size_options(hidden_size=192, embed_size=64, more="Decoder.")
@click.option(
    "--max-train", type=int, default=None, help="Use only the first N training images [default: all]."
)
@click.option("--max-len", type=int, default=24, show_default=True,
              help="Longest caption in words: a longer training caption is cut there (how many are cut is "
                   "said), and no caption the model writes is longer.")  # fmt: skip
@click.option("--channels", type=click.IntRange(8, 4096), default=128, show_default=True,
              help="Output channels of the cnn encoder (a multiple of 8; its blocks use 1/8, 1/4, 1/2 and all of them).")  # fmt: skip
@click.option("--augment", type=click.Choice(["auto", "none", "elastic"]), default="auto", show_default=True,
              help="Random small rotations, scalings, shifts and elastic distortion of training images; "
                   "auto: on for handwriting (digit strings), off otherwise.")  # fmt: skip
@click.option("--attribute-loss", type=_setting_range("attribute_loss"), default=None,
              help="Weight of the encoder's auxiliary loss: predict which informative words the captions "
                   f"use (0: off) [default: {TRAIN_DEFAULTS['--attribute-loss']}].")  # fmt: skip
@click.option("--located-loss", type=_setting_range("located_loss"), default=None,
              help="Weight of a loss that tells each location of the encoder's grid which shape and colour "
                   "lie there, on data that records where each shape is (generated shapes; 0: off) "
                   f"[default: {TRAIN_DEFAULTS['--located-loss']}].")  # fmt: skip
@click.option("--attend-loss", type=_setting_range("attend_loss"), default=None,
              help="Weight of a loss that pulls the attention onto the shape a reference caption names "
                   "while the decoder predicts its kind word (generated shapes; 0: off) "
                   f"[default: {TRAIN_DEFAULTS['--attend-loss']}].")  # fmt: skip
@click.option("--repeat-loss", type=_setting_range("repeat_loss"), default=None,
              help="Weight of a loss against attending again, when the next shape is chosen, to shapes "
                   f"already named (generated shapes; 0: off) [default: {TRAIN_DEFAULTS['--repeat-loss']}].")  # fmt: skip
@click.option("--coverage/--no-coverage", default=False, show_default=True,
              help="The attention also reads how much each location has been attended so far.")  # fmt: skip
@click.option("--word-classes/--no-word-classes", default=False, show_default=True,
              help="Which shape word to say comes from the attended image alone, not from the words "
                   "before it (generated shapes; needs deep output).")  # fmt: skip
@click.option("--word-dropout", type=click.FloatRange(0.0, 1.0), default=None,
              help="Training only: probability that each previous-word input of the decoder is replaced by "
                   f"<unk>, so the next word must come from the image [default: {TRAIN_DEFAULTS['--word-dropout']}].")  # fmt: skip
@decoding_options(train=True)
@click.option("--cache-dir", type=UserPath(), default=Path("runs/cache/caption"),
              show_default=True, help="Feature cache of frozen encoders.")  # fmt: skip
@resume_options()
@progress_option()
@config_option(settings_from_model)
@force_option
@common_options
def train(
    data: Path, images: Path | None, fmt: str, out: Path, cache_dir: Path, resume: bool, show_progress: bool,
    **kw: Any,
) -> None:  # fmt: skip
    """Train a captioner and keep its best epoch.

    The epoch kept is the one with the best validation CIDEr-D.
    --out is the run folder: the model goes to OUT/model, checkpoints and the vocabulary beside it;
    after a crash or Ctrl-C, the same command with --resume continues from the newest checkpoint (and
    --epochs may be raised to train longer).
    """
    from rnnkit.caption.datasets import held_out_count, load_captions
    from rnnkit.caption.encoder import ENCODER_IMAGE_SIZE
    from rnnkit.caption.modelio import ONE_IMAGE_VALIDATION, save_captioner, train_card
    from rnnkit.caption.pipeline import RUN_VOCAB, train_captioner
    from rnnkit.train.checkpoint import hint_on_interrupt, latest_checkpoint
    from rnnkit.utils.device import resolve_device
    from rnnkit.utils.runs import claim_run

    resolve_device(kw["device"])
    cfg = train_config(kw)  # a wrong option is refused before any folder is touched
    if cfg.encoder in ENCODER_IMAGE_SIZE:  # a pretrained encoder: its features are cached
        check_cache_dir(cache_dir)
    run, model = claim_run(
        out,
        resume,
        "caption",
        inputs=[data, images],
        newest_checkpoint=latest_checkpoint,
        writes=(RUN_VOCAB,),
    )
    dataset = load_captions(data, images, fmt)
    check_inputs([Output.folder("--out", out, "caption", "run")], dataset.image_folders())
    click.echo(dataset.summary())
    n_train = len(dataset.split("train"))  # none: refused with the splits the file holds (split_train_val)
    if not dataset.split("val") and n_train:  # said before the epochs: how much is not trained on
        click.echo(
            f"no val split: {held_out_count(n_train)} of the {n_train} training images held out to "
            "validate on (seeded: 5%, but at least 5 and at most 1 in 5)"
        )
    where = {"--data": str(data.resolve()), "--images": None if images is None else str(images.resolve()),
             "--format": fmt}  # fmt: skip
    with hint_on_interrupt(run):  # Ctrl-C: how to continue
        result = train_captioner(dataset, cfg, run=run, cache_dir=cache_dir, show_progress=show_progress,
                                 log=lambda s: click.echo(s, err=True), run_settings=where)  # fmt: skip
        fit = result.fit
        skipped = len(result.train.problems) + len(result.val.problems)
        # training.data: the data set read, which caption train --config config.json reads again
        training = {"best_epoch": fit.best_epoch, "val_cider_d": fit.best_metric, "epochs_run": fit.epochs_run,
                    "seconds": round(fit.seconds, 1), "history": fit.history,
                    "train_images": len(result.train.records), "unreadable_images_skipped": skipped,
                    "data": {k[2:]: v for k, v in where.items()}}  # fmt: skip
        data_args = (
            *(("--images", str(images)) if images else ()),
            *(("--format", fmt) if fmt != "auto" else ()),
        )
        splits = {r.split for r in dataset.records}
        card = train_card(result, cfg, str(data), dataset.summary(), data_args, splits)
        save_captioner(
            model,
            result.model,
            result.vocab,
            cfg,
            result.max_len,
            {"training": training},
            result.ood,
            card=card,
        )
    click.echo(
        f"best epoch {fit.best_epoch}/{fit.epochs_run}: validation CIDEr-D {fit.best_metric:.3f} "
        f"on {len(result.val.records)} image(s) "
        f"({fit.seconds:.0f} s; {skipped} unreadable image(s) skipped)"
    )
    if len(result.val.records) == 1:
        click.echo(f"rnnkit: warning: {ONE_IMAGE_VALIDATION}", err=True)
    click.echo(f"model: {model}")


def check_cache_dir(cache_dir: Path | None) -> None:
    """Refuse a ``--cache-dir`` that is, or lies under, a file before any image is read: it failed only
    when the first features were written, after every picture was encoded (minutes for a large split)."""
    if cache_dir is None:
        return
    from rnnkit.utils.outputs import inside_package

    if inside_package(cache_dir):  # as every output: rnnkit's installed files are not a scratch folder
        raise RnnkitError(
            f"--cache-dir {cache_dir} is inside rnnkit's own installed package, whose files only installing "
            "rnnkit writes; choose another --cache-dir"
        )
    for path in (cache_dir, *cache_dir.parents):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                raise RnnkitError(f"--cache-dir {cache_dir}: {not_a_folder(path)}")
            return


def train_config(kw: dict[str, Any]) -> CaptionConfig:
    """The run's :class:`CaptionConfig` from ``caption train``'s options (and ``--config``), each checked;
    each option that names one of its settings goes to it whole (none is copied by hand)."""
    from rnnkit.caption.pipeline import CaptionConfig

    for name in ("channels", "epochs", "batch_size", "hidden_size", "embed_size"):
        if kw[name] < 1:
            raise RnnkitError(f"--{name.replace('_', '-')} must be at least 1, got {kw[name]}")
    if kw["lr"] <= 0:
        raise RnnkitError(f"--lr must be positive, got {kw['lr']}")
    if kw["channels"] > 4096:
        raise RnnkitError(f"--channels must be at most 4096, got {kw['channels']}")
    if (
        kw["encoder"] == "cnn" and kw["channels"] % 8
    ):  # before the data set is read, not when the model is built
        raise RnnkitError(
            f"--channels must be a multiple of 8 (the cnn encoder's blocks use 1/8, 1/4, 1/2 and all of them), "
            f"got {kw['channels']}"
        )
    settings = {k: kw[k] for k in CaptionConfig.setting_names() & set(kw)}
    if settings["deep_output"] and not settings["attention"]:
        settings["deep_output"] = False  # it reads the attended features: nothing to read without attention
    for name in ("attribute_loss", "located_loss", "attend_loss", "repeat_loss", "word_dropout", *DECODING):
        if settings[name] is None:  # not given: the CaptionConfig default
            del settings[name]
    check_ranges(settings, ("attribute_loss", "located_loss", "attend_loss", "repeat_loss", *DECODING))
    if (settings["coverage"] or settings["word_classes"]) and not settings["attention"]:
        raise RnnkitError("--coverage and --word-classes read the attention: drop --no-attention")
    if settings["word_classes"] and not settings["deep_output"]:
        raise RnnkitError(
            "--word-classes leaves the choice of shape to the deep output: drop --no-deep-output"
        )
    return CaptionConfig(**settings)


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[str, dict]]) -> bool:
    """Print the ``columns`` present in the first row's scores, in rnnkit's one table style; True when
    a cell is ``–`` (a score that does not apply, or a precision of no claim), which the legend then
    explains."""
    from rnnkit.caption.verdict import score_cell
    from rnnkit.utils.tables import format_table

    shown = [c for c in columns if c in rows[0][1]]
    if not shown:
        return False
    columns_of_cells = [[score_cell(scores, c) for _, scores in rows] for c in shown]
    # a '– (0 claims)' cell makes its column text, which the table left-aligns: padded here, so that
    # the column's numbers still line up on the right, as in every other column
    columns_of_cells = [
        [cell.rjust(max(len(c), *map(len, column))) for cell in column]
        for c, column in zip(shown, columns_of_cells, strict=True)
    ]
    cells = [[name, *row] for (name, _), row in zip(rows, zip(*columns_of_cells, strict=True), strict=True)]
    click.echo("\n" + format_table(["split / system", *shown], cells, title=title))
    return any(cell.strip().startswith("–") for row in cells for cell in row[1:])


@cli.command("eval")
@click.option("--model", "model_dir", type=UserPath(), required=True, help=MODEL_IN_HELP)
@_data_options
@click.option("--split", "splits", multiple=True,
              help="Split(s) to score (repeatable; named as the data's splits are read: validation or dev is "
                   "val, case ignored) [default: test, and test_heldout when present].")  # fmt: skip
@decoding_options()
@plot_option("The first 8 images of the first split with their captions (and PLOT_attention.png).")
@json_option("The scores.")
@click.option("--cache-dir", type=UserPath(), default=None,
              help="A pretrained encoder's feature cache (train's --cache-dir): a split encoded once is read "
                   "back [default: none, encoded every time].")  # fmt: skip
@progress_option()
@force_option
@inference_options
def evaluate(
    model_dir: Path, data: Path, images: Path | None, fmt: str, splits: tuple[str, ...], beam: int | None,
    length_penalty: float | None, located_check: float | None, plot: Path | None, json_out: Path | None,
    cache_dir: Path | None, show_progress: bool, device: str,
) -> None:  # fmt: skip
    """Score a model beside the most-frequent-caption baseline.

    The scores end with a verdict in plain words. Always: BLEU-1..4, CIDEr-D, ROUGE-L, distinct captions. Generated shapes data: precision and
    recall of the colours, shapes, sizes, positions and counts the captions name. Generated digits
    data: sequence and per-digit accuracy. With familiarity statistics in the model folder: the share
    of the split's images flagged as unlike the training data.
    """
    import json

    from rnnkit.caption.captioner import Captioner
    from rnnkit.caption.datasets import load_captions, split_name
    from rnnkit.caption.metrics import most_frequent_caption
    from rnnkit.caption.ood import pooled_features
    from rnnkit.caption.pipeline import caption_split, prepare_split
    from rnnkit.caption.verdict import (
        ATTRIBUTE_COLUMNS,
        NGRAM_COLUMNS,
        READING_COLUMNS,
        explained,
        split_scores,
        verdict,
    )
    from rnnkit.utils.atomic import write_text_atomic

    check_cache_dir(cache_dir)
    outputs = [*_plot_outputs(plot), Output.file("--json", json_out)]
    claim_outputs(outputs, inputs=[model_folder_in(model_dir), data, images])
    given = {"beam": beam, "length_penalty": length_penalty, "located_check": located_check}
    check_ranges(given, DECODING)  # before the model is read
    cap = Captioner.from_pretrained(model_dir, device)
    decoding = cap.config.decoding().replace(**given)  # the model's, with the options given
    click.echo(f"decoding: {decoding.describe(located=cap.model.located is not None)}")
    dataset = load_captions(data, images, fmt)
    check_inputs(outputs, dataset.image_folders())  # known once read: before anything is written
    refuse_dataset_images(outputs)  # another data set's images/ (this one's is an input, refused above)
    click.echo(dataset.summary())
    present = {r.split for r in dataset.records}
    # each split by the name the data's own are read under (--split validation is the file's
    # "validation", read as val), and scored once however often it is given
    asked: dict[str, str] = {}
    for name in splits:
        asked.setdefault(split_name(name), name)
    wanted = list(asked) or [s for s in ("test", "test_heldout") if s in present]
    missing = [s for s in wanted if s not in present]
    if not wanted or missing:
        # a COCO captions file is one split (its images land in train): name the option that scores it
        hint = f"; score one with --split {sorted(present)[0]}" if not splits else ""
        shown = asked.get(missing[0], missing[0]) if missing else "test"
        raise RnnkitError(f"split {shown!r} not in {data.name}; present: {', '.join(sorted(present))}{hint}")
    train_caps = [c for r in dataset.split("train") for c in r.captions]
    results: dict[str, dict] = {}
    rows = []
    for k, split in enumerate(wanted):
        part = prepare_split(dataset.split(split), cap.config, cap.frozen, cache_dir, show_progress)
        for problem in part.problems:
            click.echo(f"skipped: {as_typed(problem)}", err=True)  # photos\xf1/a.jpg, as typed
        if not part.records:
            raise RnnkitError(f"no readable image in split {split!r}")
        hyps = caption_split(cap.model, part.inputs, cap.vocab, decoding, cap.max_len)
        words = [cap.vocab.decode(h.ids) for h in hyps]
        scenes = [r.scene for r in part.records]
        numbers = [r.digits for r in part.records]
        scores = split_scores(words, part.refs, train_caps, scenes, numbers)
        if cap.ood is not None:
            flagged = cap.ood.flags(pooled_features(cap.model.features, part.inputs))
            scores["flagged unfamiliar"] = float(flagged.float().mean())
        results[split] = {"model": scores, "images": len(part.records), "skipped": len(part.problems)}
        rows.append((f"{split} model", scores))
        if train_caps:
            best = most_frequent_caption(train_caps)
            base = split_scores([best] * len(words), part.refs, train_caps, scenes, numbers)
            results[split]["most_frequent_caption"] = base
            rows.append((f"{split} most-frequent", base))
        if plot is not None and k == 0:
            _eval_plots(plot, part, hyps, words, cap.config.reading_size())
    dashes = [
        _table("n-gram scores", (*METRIC_COLUMNS, "flagged unfamiliar"), rows),
        _table("what the captions name (precision / recall per attribute)", ATTRIBUTE_COLUMNS, rows),
        _table("reading the numbers", READING_COLUMNS, rows),
    ]
    baselines = {s: r["most_frequent_caption"] for s, r in results.items() if "most_frequent_caption" in r}
    line = verdict({s: r["model"] for s, r in results.items()}, most_frequent=baselines)
    click.echo(f"\nverdict: {line}")
    # every figure printed is explained: the baseline's row and a "–" cell too
    legend = [
        *NGRAM_COLUMNS,
        *rows[0][1],
        *(["most-frequent"] if train_caps else []),
        *(["–"] if any(dashes) else []),
    ]
    for name, text in explained(legend).items():
        click.echo(f"  {name}: {text}")
    if json_out is not None:
        doc = {**asdict(decoding), "verdict": line, "splits": results}
        write_text_atomic(json_out, json.dumps(strict_json.nulls(doc), indent=2, allow_nan=False) + "\n")


def refuse_dataset_images(outputs: list[Output]) -> None:
    """Refuse, even with --force, a file output inside the ``images/`` folder of a data set folder
    rnnkit generated (``describe --plot shapes/images/grid.png``).

    Why: ``generate-data`` replaces that folder whole when the data set is made again, and it refuses
    (rather than delete) anything there its ``dataset.json`` does not list; a plot written there would
    only block the next data set, so it is refused where it is asked for.
    """
    from rnnkit.utils.markers import Mark, read_mark

    for output in outputs:
        if output.path is None:
            continue
        for folder in output.path.resolve().parents:
            if folder.name == "images" and read_mark(folder.parent) == Mark("caption", "dataset"):
                raise RnnkitError(
                    f"{output.option} {output.path} is inside {folder}, the images/ folder of an rnnkit "
                    "data set, which generate-data replaces whole: choose a place outside it"
                )


def _plot_outputs(plot: Path | None) -> list[Output]:
    """``--plot PLOT`` writes PLOT and, for a model with attention, PLOT_attention.png beside it."""
    if plot is None:
        return []
    return [Output.file("--plot", plot), Output.file("--plot", plot.with_name(plot.stem + "_attention.png"))]


def _eval_plots(plot: Path, part, hyps, words, size: int) -> None:
    """The first 8 images of ``part`` with their captions; ``size``: the side the model reads them at."""
    import torch

    from rnnkit.caption.datasets import caption_text
    from rnnkit.caption.images import load_images
    from rnnkit.caption.plots import attention_grid, caption_grid
    from rnnkit.utils.plotting import save_figure

    n = min(8, len(part.records))
    pixels = part.inputs[:n]
    if pixels.dtype != torch.uint8:  # a pretrained encoder's split holds its features: read the pictures
        pixels = load_images([r.image for r in part.records[:n]], size)[0]
    refs = [caption_text(r.captions[0]) for r in part.records[:n]]
    save_figure(caption_grid(pixels, [caption_text(w) for w in words[:n]], references=refs), plot)
    if hyps[0].attention is not None:
        path = plot.with_name(plot.stem + "_attention.png")
        save_figure(attention_grid(pixels[:4], words[:4], [h.attention for h in hyps[:4]]), path)


@cli.command()
@click.option("--model", "model_dir", type=UserPath(), required=True, help=MODEL_IN_HELP)
@click.argument("image", nargs=-1, type=UserPath(path_type=str))  # as typed: a URL keeps its //
@decoding_options()
@plot_option("The images with their captions (attention maps beside it when on).")
@json_option("Each image's caption, log-probability and familiarity (OOD) score.")
@progress_option(more="Of more than 16 images: counted in images.")
@force_option
@inference_options
def describe(
    model_dir: Path, image: tuple[str, ...], beam: int | None, length_penalty: float | None,
    located_check: float | None, plot: Path | None, json_out: Path | None, show_progress: bool, device: str,
) -> None:  # fmt: skip
    """Caption each IMAGE: one line each, path, tab, caption.

    A path holding a tab or a line break is JSON-quoted. A folder stands for the image files in it,
    and - for an image piped to standard input.

    An IMAGE that cannot be read (missing, damaged, not a picture, too small) is one line 'rnnkit:
    error: ...' on stderr; every other IMAGE is still described, and the exit status is 2 at the end
    (0 when all were described). --json lists the unreadable ones under "failed", each with its
    error; when none could be read, nothing is written.

    An image unlike the training images (its out-of-distribution score, the Mahalanobis distance of its
    encoder features from the training images', above the threshold calibrated on validation images)
    gets a warning on stderr: its caption is likely wrong.
    """

    import torch

    from rnnkit.caption.captioner import Captioner
    from rnnkit.caption.images import BY_SUFFIX, images_in, refuse_url
    from rnnkit.utils.dist import ERROR_PREFIX
    from rnnkit.utils.json_stream import streamed_json
    from rnnkit.utils.progress import progress

    for text in image:
        refuse_url(text)
    outputs = [*_plot_outputs(plot), Output.file("--json", json_out)]
    refuse_dataset_images(outputs)
    claim_outputs(outputs, inputs=[model_folder_in(model_dir), *image])
    left_out: list[Path] = []
    image = tuple(images_in(image, left_out))  # a folder: its images, by name
    files = (  # said as they were chosen: by suffix (a PNG without one was "not an image Pillow reads")
        "file(s) without an image suffix Pillow reads (.png, .jpg, ...)",
        f"; {BY_SUFFIX}",
    )
    for (kind, tail), paths in ((files, [p for p in left_out if not p.is_dir()]),
                                (("folder(s), which are not searched", ""), [p for p in left_out if p.is_dir()])):  # fmt: skip
        if paths:
            names = (as_typed(one_field(p.name)) for p in paths[:3])  # r\xfd.heic, as the error lines show it
            shown = ", ".join(names) + (", ..." if len(paths) > 3 else "")
            click.echo(f"rnnkit: note: left out {len(paths)} {kind}: {shown}{tail}", err=True)
    if not image:
        raise RnnkitError("no IMAGE given; usage: rnnkit caption describe --model DIR IMAGE...")
    given = {"beam": beam, "length_penalty": length_penalty, "located_check": located_check}
    check_ranges(given, DECODING)  # before the model is read
    cap = Captioner.from_pretrained(model_dir, device)
    decoding = cap.config.decoding().replace(**given)  # the model's, with the options given
    # Read, described and written a batch at a time (DESCRIBE_BATCH): a folder of 10,000 photos held
    # 1.5 GB of pixels when every image was read first, and every description (attention maps and all)
    # until the end. An unreadable one is one error line, said as its batch is read, and the others are
    # still described (as cat and grep go on past a file they cannot read), with exit status 2 after.
    # --json is written as it goes into a temporary file that replaces FILE at the end (utils.json_stream).
    items = _with_stdin(image)
    failed: list[tuple[Path, str]] = []  # small: a path and a line per unreadable picture
    first: list[tuple[Path, Any, torch.Tensor]] = []  # what --plot draws: the first PLOT_IMAGES only
    with streamed_json(json_out, asdict(decoding), "images") as doc:
        for i in progress(  # counted in images, what was given, not in batches
            range(0, len(items), DESCRIBE_BATCH),
            "describing",
            total=len(items),
            enabled=show_progress and len(items) > DESCRIBE_BATCH,  # --no-progress: the captions alone
            size=lambda start: len(items[start : start + DESCRIBE_BATCH]),
        ):
            pixels, read, problems = cap.read_each(items[i : i + DESCRIBE_BATCH])
            # a name's bytes that are not UTF-8 as typed (q\xfe.jpg), as the warnings show it: in --json its
            # lone surrogate refused the whole file, every picture described, for one unreadable picture
            problems = [as_typed(problem) for problem in problems]
            for problem in problems:
                click.echo(f"{ERROR_PREFIX}{problem}", err=True)
            unread = [i + j for j in range(len(items[i : i + DESCRIBE_BATCH])) if j not in read]
            failed += [(image[k], problem) for k, problem in zip(unread, problems, strict=True)]
            if not read:
                continue
            paths = [image[i + j] for j in read]
            found = cap.describe(pixels, decoding=decoding)
            _say_described(paths, found)
            for path, d in zip(paths, found, strict=True):
                doc.add({"image": as_typed(str(path)), **d.to_json()})  # p\xff.png: not UTF-8, as typed
            if plot is not None:  # copies: a view would keep its whole batch of pixels alive
                room = max(0, PLOT_IMAGES - len(first))
                first += [(p, d, x.clone()) for p, d, x in zip(paths[:room], found, pixels, strict=False)]
        if not doc.count:
            raise click.exceptions.Exit(2)  # nothing described: nothing written (its errors are said above)
        doc.finish({"failed": [{"image": as_typed(str(p)), "error": problem} for p, problem in failed]})
    if plot is not None:
        paths, found, shown = zip(*first, strict=True)
        _describe_plots(plot, torch.stack(shown), list(found), paths, doc.count)
    if failed:
        raise click.exceptions.Exit(2)


def _say_described(paths: list[Path], found: list) -> None:
    """One line per image, whatever its name holds (its bytes as they are, for the next program in a
    pipe), then a warning per unfamiliar image (stderr, its name as typed: ``p\\xff.png``)."""
    for path, d in zip(paths, found, strict=True):
        click.echo(f"{one_field(str(path))}\t{d.caption}")
    for path, d in zip(paths, found, strict=True):
        if d.unfamiliar:
            click.echo(
                f"rnnkit: warning: {one_field(as_typed(str(path)))} looks unlike the images this model was "
                "trained on "
                f"({_score_above(d.ood_score, d.ood_threshold)}); its caption is likely wrong",
                err=True,
            )


def _score_above(score: float, threshold: float) -> str:
    """``OOD score S > threshold T`` with the fewest decimals (at least one) that tell S from T: a score
    just above the threshold printed ``10.2 > threshold 10.2``."""
    for digits in range(1, 7):
        shown, bound = f"{score:.{digits}f}", f"{threshold:.{digits}f}"
        if float(shown) > float(bound):
            break
    return f"OOD score {shown} > threshold {bound}"


def _with_stdin(images: tuple[Path, ...]) -> list:
    """``images`` with ``-`` read from standard input (``convert photo.heic png:- | ... describe -``)."""
    import io
    import sys

    if images.count(Path("-")) > 1:
        raise RnnkitError("- (standard input) is given more than once: it holds one image")
    if Path("-") not in images or Path("-").exists():
        return list(images)  # a file named "-" in this folder is that file
    if sys.stdin is None or sys.stdin.isatty():
        raise RnnkitError(
            "- reads an image from standard input, but nothing is piped in (describe - < photo.png)"
        )
    data = io.BytesIO(sys.stdin.buffer.read())
    data.name = "-"  # what its errors call it: "unreadable image - (...)"
    return [data if p == Path("-") else p for p in images]


DESCRIBE_BATCH = 16  # images read and described at once by describe: its memory, whatever the folder holds

# --plot draws this many images at most: 200 made a 15,000-pixel-tall picture (and an attention figure
# of 28,000) in about a minute; the printed lines and --json keep every caption.
PLOT_IMAGES, PLOT_ATTENTION_IMAGES = 24, 8


def _describe_plots(plot: Path, pixels, found, paths: tuple[Path, ...], total: int) -> None:
    """``describe --plot``: the first images with their captions and file names (and the attention);
    ``pixels``, ``found`` and ``paths`` hold the first :data:`PLOT_IMAGES` of the ``total`` described."""
    from rnnkit.caption.plots import attention_grid, caption_grid
    from rnnkit.utils.plotting import save_figure

    attends = found[0].attention is not None
    n, k = min(PLOT_IMAGES, total), min(PLOT_ATTENTION_IMAGES, total)
    left_out = [f"the first {n} of {total} images"] if n < total else []
    left_out += [f"the attention of the first {k}"] if attends and k < total else []
    if left_out:
        click.echo(
            f"rnnkit: --plot draws {' and '.join(left_out)}; every caption is in the lines above", err=True
        )
    # the stderr warning travels with the picture: a caption of noise is not shown as if trusted
    titles = [d.caption + (" (unfamiliar image: likely wrong)" if d.unfamiliar else "") for d in found[:n]]
    save_figure(caption_grid(pixels[:n], titles, names=[p.name for p in paths[:n]]), plot)
    if attends:  # each row named, and marked as the caption grid marks it: rows were all called "image"
        names = [
            p.name + ("\nunfamiliar: likely wrong" if d.unfamiliar else "")
            for p, d in zip(paths[:k], found[:k], strict=True)
        ]
        fig = attention_grid(
            pixels[:k], [d.words for d in found[:k]], [d.attention.flatten(1) for d in found[:k]], names=names
        )
        save_figure(fig, plot.with_name(plot.stem + "_attention.png"))
