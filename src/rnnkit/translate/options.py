"""Command-line options of ``rnnkit translate``, declared once and shared by its commands.

Parameter names match :class:`~rnnkit.translate.training.TrainOptions` fields (``--hidden-size`` is
``hidden_size``), so the train command passes them through unchanged. Only click is imported here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from rnnkit.nn.names import CELL_TYPES
from rnnkit.utils.options import aliased, cell_option, size_options, split_options
from rnnkit.utils.user_paths import UserPath

FORMATS = ("auto", "anki", "moses", "tsv", "csv", "jsonl")  # == rnnkit.translate.corpus.FORMATS
CHECK_FORMATS = tuple(f for f in FORMATS if f != "moses")  # check-corpus reads one file
CELLS = CELL_TYPES  # the one list, from the table of cell types (torch-free import)
ATTENTIONS = ("none", "bahdanau", "luong")  # == rnnkit.nn.attention.ATTENTION_TYPES
LR_SCHEDULES = ("constant", "plateau", "cosine")  # == rnnkit.train.config.LR_SCHEDULES

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
PATH = UserPath()
POSITIVE = click.IntRange(min=1)


def _opt(*decls: str, **kw: Any) -> Decorator:
    kw.setdefault("show_default", "default" in kw and kw["default"] is not None)
    return click.option(*decls, **kw)


def _apply(options: list[Decorator]) -> Decorator:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for opt in reversed(options):
            func = opt(func)
        return func

    return decorate


def _language_code(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--src-lang``/``--tgt-lang`` as the code the rest of rnnkit compares
    (:func:`rnnkit.translate.language_codes.language_code`: ``KO``, ``kor``, ``Korean``, ``ko-KR``: ``ko``).

    Korean is ``ko`` and nothing else to the corpus checks (a swapped or non-Korean side), to BLEU's
    tokeniser (characters, not 13a words) and to the number check: ``--tgt-lang KO`` (or ``ko-KR``)
    trained a Korean model with all of them off, its config.json saying ``KO``, and an empty code or a
    pasted path named no language at all. Such a value is one line, before the corpus is read.
    """
    if value is None:
        return None
    from rnnkit.translate.language_codes import language_code
    from rnnkit.utils.limits import short_repr

    code = language_code(value)
    if code is None:
        raise click.BadParameter(
            f"{short_repr(value)} is not a language code: two or three letters (en, ko, ja), a region after "
            "a hyphen (pt-BR)"
        )
    return code


corpus_options = _apply([
    # --data, the name forecast and caption give the file they read, is taken too (hidden): typed here
    # it was "No such option '--data'. Did you mean '--alpha'?"
    aliased("--corpus", "corpus", aliases=("--data",), type=PATH, default=None,
            help="Corpus file [default: the bundled English-Korean corpus]."),
    _opt("--format", "fmt", type=click.Choice(FORMATS), default="auto", help="Corpus format (auto: by suffix)."),
    _opt("--src-file", type=PATH, default=None, help="Moses source file (with --tgt-file)."),
    _opt("--tgt-file", type=PATH, default=None, help="Moses target file, line-aligned with --src-file."),
    _opt("--src-col", default=None, help="Source column or JSON key [default: --src-lang]."),
    _opt("--tgt-col", default=None, help="Target column or JSON key [default: --tgt-lang]."),
    _opt("--src-lang", default="en", callback=_language_code, help="Source language code (en, ko, ja...)."),
    _opt("--tgt-lang", default="ko", callback=_language_code, help="Target language code (en, ko, ja...)."),
])  # fmt: skip

# == rnnkit.translate.translator.SHIPPED (not imported: it imports torch, and --help must start fast)
SHIPPED_CONFIG = Path(__file__).parent / "pretrained" / "en_ko" / "config.json"


def _shipped_decoding() -> dict[str, Any]:
    """The shipped model's saved decoding settings, read for --help; {} when they cannot be read."""
    import json

    try:
        decoding = json.loads(SHIPPED_CONFIG.read_text(encoding="utf-8")).get("decoding")
    except (OSError, ValueError, AttributeError):
        return {}
    return decoding if isinstance(decoding, dict) else {}


SHIPPED_DECODING = _shipped_decoding()


def _default(key: str, fallback: Any = None) -> str:
    """``[default: the model's own; the shipped model's: VALUE]``: a decoding option's default in
    --help, with the shipped model's value read from its config (no number when it cannot be read)."""
    value = SHIPPED_DECODING.get(key, fallback) if SHIPPED_DECODING else None
    if key == "beam" and SHIPPED_DECODING.get("mbr") and value is not None:
        value = f"MBR over beam {value}"
    elif isinstance(value, bool):
        value = "on" if value else "off"
    elif isinstance(value, float):
        value = f"{value:g}"
    shipped = "" if value is None else f"; the shipped model's: {value}"
    return f"[default: the model's own{shipped}]"


decode_options = _apply([
    _opt("--beam", type=POSITIVE, default=None,
         help=f"Beam size; 1 is greedy decoding {_default('beam')}."),
    _opt("--alpha", type=float, default=None,
         help=f"Length normalisation ((5+len)/6)^alpha; 0: raw log-prob {_default('alpha')}."),
    _opt("--no-repeat-ngram", type=click.IntRange(min=0), default=None,
         help=f"Never repeat an n-gram of this size in an output; 0: off {_default('no_repeat_ngram')}."),
    _opt("--coverage", type=click.FloatRange(min=0), default=None,
         help=f"GNMT coverage penalty weight in beam search; 0: off {_default('coverage')}."),
    _opt("--mbr/--no-mbr", default=None,
         help="Output the beam hypothesis the others agree with most (minimum Bayes risk, chrF) instead "
         f"of the most probable one {_default('mbr')}."),
    _opt("--spell-numbers/--keep-numbers", default=None,
         help="Spell an English source's digits out first (3:30 -> three thirty), for a model trained on "
         f"numbers written in words, as the bundled corpus writes them {_default('spell_numbers')}."),
    _opt("--check-numbers/--no-check-numbers", default=None,
         help="English to Korean: prefer the beam hypotheses that say the source's typed numbers, and warn "
         f"about a number the translation does not say {_default('check_numbers', True)}."),
    _opt("--batch-size", type=POSITIVE, default=64, help="Sentences decoded together."),
    _opt("--max-len", type=POSITIVE, default=None, help="Most output tokens [default: the model's; <= 2 x source + 10]."),
])  # fmt: skip

model_options = _apply([
    cell_option("gru", CELL_TYPES, more="Encoder and decoder."),
    size_options(num_layers=1, more="Encoder and decoder."),
    size_options(embed_size=128, hidden_size=256),
    _opt("--bidirectional/--unidirectional", default=True, help="Encoder direction."),
    _opt("--attention", type=click.Choice(ATTENTIONS), default="bahdanau", help="Attention over the encoder."),
    _opt("--luong-score", type=click.Choice(("dot", "general")), default="general", help="Score of luong."),
    _opt("--input-feeding/--no-input-feeding", default=True, help="Feed the last attentional state back in."),
    _opt("--dropout", type=float, default=0.2,
         help="Dropout on the embeddings, between layers and before the output layer."),
    _opt("--tie-embeddings/--no-tie-embeddings", default=False,
         help="Share the decoder's embedding matrix with its output layer."),
    _opt("--vocab-size", type=click.IntRange(min=8), default=8000,
         help="sentencepiece vocabulary per language (raised to cover every character seen)."),
])  # fmt: skip

fit_options = _apply([
    _opt("--epochs", type=POSITIVE, default=25,
         help="Most epochs (--patience may stop sooner; with --stream an epoch is --steps-per-epoch batches)."),
    _opt("--batch-size", type=POSITIVE, default=64, help="Sentence pairs per optimizer step."),
    _opt("--lr", type=float, default=2e-3, help="AdamW learning rate."),
    _opt("--lr-schedule", type=click.Choice(LR_SCHEDULES), default="cosine",
         help="Per-epoch rate: constant; plateau (times --lr-factor after --lr-patience epochs without a "
         "better validation chrF); cosine (down to 0 over --epochs)."),
    _opt("--lr-factor", type=float, default=0.5, help="plateau: the rate is multiplied by this."),
    _opt("--lr-patience", type=click.IntRange(min=0), default=2, help="plateau: epochs without improvement."),
    _opt("--patience", type=POSITIVE, default=10,
         help="Stop after this many epochs without a better validation chrF (flat for the first few)."),
    _opt("--teacher-forcing", type=float, default=1.0,
         help="Probability of feeding the reference token (else the model's own guess)."),
    _opt("--label-smoothing", type=float, default=0.1, help="Label smoothing of the training loss."),
    _opt("--subword-sampling", type=float, default=0.0, metavar="ALPHA",
         help="Draw each epoch's sentencepiece segmentations of the training pairs (subword "
         "regularisation; smaller ALPHA: more varied pieces); 0: off."),
    _opt("--max-src-len", type=click.IntRange(min=2), default=128,
         help="Source tokens kept; longer input is truncated (with a warning at translation time)."),
    split_options(val=0.1, test=0.1, more="Pairs, split at random by --split-seed."),
    _opt("--split-seed", type=int, default=None,
         help="Seed of the train/validation/test split. Runs with one --split-seed and other --seed values "
         "share the split and tokenizers but not their initial weights: ensemble members. [default: --seed]"),
    _opt("--bucket/--no-bucket", default=True, help="Batch pairs of similar length (less padding)."),
    _opt("--average-last", type=click.IntRange(min=0), default=5,
         help="Average the weights of the last N epochs; kept when validation chrF is no worse. 0: off."),
    _opt("--beam", type=POSITIVE, default=5, help="Beam size for the final test (saved with the model)."),
    _opt("--alpha", type=float, default=1.0, help="Length normalisation of the beam (saved with the model)."),
    _opt("--no-repeat-ngram", type=click.IntRange(min=0), default=3,
         help="Block repeated n-grams of this size when decoding; 0: off (saved with the model)."),
    _opt("--coverage", type=click.FloatRange(min=0), default=0.0,
         help="Coverage penalty weight of the beam; 0: off (saved with the model)."),
    _opt("--mbr/--no-mbr", default=False,
         help="Minimum-Bayes-risk choice among the beam's hypotheses (saved with the model)."),
    _opt("--spell-numbers/--keep-numbers", default=None,
         help="Spell English digits out before translating (saved with the model; default: when the "
         "training sources write numbers in words far more often than in digits, as the bundled corpus does)."),
])  # fmt: skip

# translate average and translate ensemble: model folders in, one model folder out.
join_options = _apply([
    click.argument("models", nargs=-1, required=True, type=PATH),
    _opt("--out", type=PATH, required=True, help="Model folder to write (whole or not at all)."),
    _opt("--fp16/--fp32", default=False,
         help="Store the weights in float16, half the size, or in float32 (--fp32, the default, also when "
         "the models given are float16)."),
    _opt("--beam", type=POSITIVE, default=None, help="Beam size saved with the model [default: the first model's]."),
    _opt("--mbr/--no-mbr", default=None,
         help="Save minimum-Bayes-risk decoding with the model [default: the first model's]."),
])  # fmt: skip

# --stream (issue 20, item 3): the corpus is read as a stream; defaults in rnnkit.translate.stream_train.
stream_options = _apply([
    _opt("--stream", is_flag=True, default=False,
         help="Read the corpus file as a stream, never whole (corpora bigger than memory; anki, tsv, csv or jsonl)."),
    _opt("--steps-per-epoch", type=POSITIVE, default=None,
         help="--stream: batches per epoch (validation and a checkpoint after each) [default: 1000]."),
    _opt("--shuffle-buffer", type=POSITIVE, default=None,
         help="--stream: pairs read, shuffled and length-bucketed together; bounds memory [default: 10000]."),
    _opt("--held-out-max", type=POSITIVE, default=None,
         help="--stream: most validation and most test pairs kept (lowest hash first) [default: 2000]."),
    _opt("--spm-sample", type=POSITIVE, default=None,
         help="--stream: training pairs sampled (reservoir) to train sentencepiece on [default: 20000]."),
])  # fmt: skip

# The TrainOptions fields that need not match when a run is resumed (where and how it runs; the final
# test's decoding). Every field's option is --field-name.
NOT_IN_RUN = (
    "device",
    "show_progress",
    "beam",
    "alpha",
    "no_repeat_ngram",
    "coverage",
    "mbr",
    "average_last",
)


def run_settings(options: dict[str, Any]) -> dict[str, Any]:
    """``{option name: value}`` of the TrainOptions fields a resumed run must share with its start."""
    return {f"--{k.replace('_', '-')}": v for k, v in options.items() if k not in NOT_IN_RUN}


def settings_from_model(config: dict[str, Any]) -> dict[str, Any]:
    """The ``translate train`` settings that trained the model of ``config`` (its ``config.json``).

    The architecture comes from ``model``, the training settings from ``training``, the split from
    ``data.split``; a corpus read from a file is named again (a bundled one is the default). Keys that
    are no option (results, vocabulary sizes) are left out by the caller.
    """
    data = config.get("data") or {}
    split = data.get("split") or {}
    settings: dict[str, Any] = {**(config.get("training") or {}), **(config.get("model") or {})}
    settings.update({k: config[k] for k in ("src_lang", "tgt_lang") if k in config})
    settings.update({"val": split.get("valid_frac"), "test": split.get("test_frac")})
    if settings.get("seed") is not None and settings["seed"] != split.get("seed"):  # --split-seed was given
        settings["split_seed"] = split.get("seed")
    else:
        settings["seed"] = split.get("seed")
    if data.get("corpus") not in (None, "bundled", "moses"):
        settings["corpus"] = data["corpus"]
    return {k: v for k, v in settings.items() if v is not None}
