"""``rnnkit translate train|eval|text``: thin click commands over the translate modules.

Only click and rnnkit.utils are imported at module level; ``text`` and ``eval`` never import the
training engine or Accelerate, so they start fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.options import common_options, device_option

FORMATS = ("auto", "anki", "moses", "tsv", "csv", "jsonl")  # == rnnkit.translate.corpus.FORMATS
CELLS = ("rnn", "lstm", "gru")
ATTENTIONS = ("none", "bahdanau", "luong")


def corpus_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Where the sentence pairs come from and which way they are translated."""
    opts = [
        click.option(
            "--corpus",
            type=click.Path(path_type=Path),
            default=None,
            help="Corpus file (default: the bundled English-Korean corpus).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="auto",
            show_default=True,
            help="Corpus format; auto guesses from the suffix and header.",
        ),
        click.option(
            "--src-file",
            type=click.Path(path_type=Path),
            default=None,
            help="Moses source file (with --tgt-file).",
        ),
        click.option(
            "--tgt-file",
            type=click.Path(path_type=Path),
            default=None,
            help="Moses target file, line-aligned with --src-file.",
        ),
        click.option("--src-col", default=None, help="Source column or JSON key (default: --src-lang)."),
        click.option("--tgt-col", default=None, help="Target column or JSON key (default: --tgt-lang)."),
        click.option("--src-lang", default="en", show_default=True, help="Source language code."),
        click.option("--tgt-lang", default="ko", show_default=True, help="Target language code."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def decode_options(func: Callable[..., Any]) -> Callable[..., Any]:
    opts = [
        click.option(
            "--beam",
            type=click.IntRange(min=1),
            default=5,
            show_default=True,
            help="Beam size; 1 is greedy decoding.",
        ),
        click.option(
            "--alpha",
            type=float,
            default=1.0,
            show_default=True,
            help="Length normalisation ((5+len)/6)^alpha; 0 ranks by raw log-probability.",
        ),
        click.option(
            "--batch-size",
            type=click.IntRange(min=1),
            default=64,
            show_default=True,
            help="Sentences decoded together.",
        ),
        click.option(
            "--max-len",
            type=click.IntRange(min=1),
            default=None,
            help="Most output tokens (default: the model's, and at most 2 x source + 10).",
        ),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def _read(corpus, fmt, src_file, tgt_file, src_col, tgt_col, src_lang, tgt_lang):
    from rnnkit.translate.corpus import read_corpus

    pairs, report = read_corpus(corpus, fmt, src_lang, tgt_lang, src_col, tgt_col, src_file, tgt_file)
    click.echo(report.summary())
    return pairs, report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Sequence to sequence: translate sentences (English to Korean by default) with attention."""


@cli.command()
@corpus_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("runs/translate/model"),
    show_default=True,
    help="Model folder to write (whole or not at all).",
)
@click.option("--cell", type=click.Choice(CELLS), default="lstm", show_default=True, help="Recurrent cell.")
@click.option(
    "--layers", type=click.IntRange(min=1), default=1, show_default=True, help="Layers (encoder and decoder)."
)
@click.option("--embed", type=click.IntRange(min=1), default=128, show_default=True, help="Embedding size.")
@click.option("--hidden", type=click.IntRange(min=2), default=256, show_default=True, help="Hidden size.")
@click.option("--bidirectional/--unidirectional", default=True, show_default=True, help="Encoder direction.")
@click.option(
    "--attention",
    type=click.Choice(ATTENTIONS),
    default="bahdanau",
    show_default=True,
    help="Attention over the encoder outputs.",
)
@click.option(
    "--luong-score",
    type=click.Choice(("dot", "general")),
    default="general",
    show_default=True,
    help="Score for --attention luong.",
)
@click.option(
    "--input-feeding/--no-input-feeding",
    default=True,
    show_default=True,
    help="Feed the last attentional state back into the decoder.",
)
@click.option("--dropout", type=float, default=0.2, show_default=True, help="Dropout rate.")
@click.option(
    "--vocab-size",
    type=click.IntRange(min=8),
    default=1000,
    show_default=True,
    help="sentencepiece vocabulary per language (raised to cover every character seen).",
)
@click.option("--epochs", type=click.IntRange(min=1), default=25, show_default=True, help="Most epochs.")
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=64, show_default=True, help="Pairs per step."
)
@click.option("--lr", type=float, default=2e-3, show_default=True, help="AdamW learning rate.")
@click.option(
    "--patience",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Stop after this many epochs without a better validation chrF (it is flat for the first few epochs).",
)
@click.option(
    "--teacher-forcing",
    type=float,
    default=1.0,
    show_default=True,
    help="Probability of feeding the reference token (else the model's own guess).",
)
@click.option("--label-smoothing", type=float, default=0.1, show_default=True, help="Label smoothing.")
@click.option(
    "--max-src-len",
    type=click.IntRange(min=2),
    default=128,
    show_default=True,
    help="Source tokens kept; longer input is truncated (with a warning at translation time).",
)
@click.option(
    "--valid-frac", type=float, default=0.1, show_default=True, help="Share of pairs for validation."
)
@click.option("--test-frac", type=float, default=0.1, show_default=True, help="Share of pairs for the test.")
@click.option(
    "--beam", type=click.IntRange(min=1), default=5, show_default=True, help="Beam for the final test."
)
@click.option("--progress/--no-progress", "show_progress", default=True, help="Show a progress bar.")
@common_options
def train(
    corpus,
    fmt,
    src_file,
    tgt_file,
    src_col,
    tgt_col,
    src_lang,
    tgt_lang,
    out,
    cell,
    layers,
    embed,
    hidden,
    bidirectional,
    attention,
    luong_score,
    input_feeding,
    dropout,
    vocab_size,
    epochs,
    batch_size,
    lr,
    patience,
    teacher_forcing,
    label_smoothing,
    max_src_len,
    valid_frac,
    test_frac,
    beam,
    show_progress,
    seed,
    device,
) -> None:
    """Train a translator on a corpus and score it on the held-out test split."""
    from rnnkit.translate.split import split_pairs
    from rnnkit.translate.training import TrainOptions, train_translator

    pairs, report = _read(corpus, fmt, src_file, tgt_file, src_col, tgt_col, src_lang, tgt_lang)
    splits = split_pairs(pairs, seed=seed, valid_frac=valid_frac, test_frac=test_frac)
    click.echo(splits.summary())
    opts = TrainOptions(
        cell=cell,
        embed_size=embed,
        hidden_size=hidden,
        num_layers=layers,
        bidirectional=bidirectional,
        attention=attention,
        luong_score=luong_score,
        input_feeding=input_feeding,
        dropout=dropout,
        vocab_size=vocab_size,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        patience=patience,
        teacher_forcing=teacher_forcing,
        label_smoothing=label_smoothing,
        max_src_len=max_src_len,
        beam=beam,
        seed=seed,
        device=device,
        show_progress=show_progress,
    )
    data = {
        "corpus": str(corpus) if corpus else ("moses" if src_file else "bundled"),
        "split": {"seed": seed, "valid_frac": valid_frac, "test_frac": test_frac},
        "read": {
            "lines": report.lines,
            "pairs": report.pairs,
            "empty": report.empty,
            "malformed": report.malformed,
            "duplicates": splits.duplicates,
        },
    }
    result = train_translator(splits, src_lang, tgt_lang, opts, out=out, extra_config={"data": data})
    click.echo(
        f"trained {result.epochs_run} epochs in {result.seconds:.1f}s; best epoch {result.best_epoch} "
        f"(validation chrF {result.best_val_chrf:.2f}, greedy)"
    )
    for line in result.test.lines():
        click.echo(line)
    click.echo(f"model: {out}")


@cli.command(name="eval")
@click.option("--model", "model_dir", type=click.Path(path_type=Path), required=True, help="Model folder.")
@corpus_options
@click.option(
    "--split",
    "which",
    type=click.Choice(("test", "valid", "all")),
    default="test",
    show_default=True,
    help="Pairs to score: the model's held-out test split, validation, or the whole corpus.",
)
@decode_options
@click.option(
    "--show", type=click.IntRange(min=0), default=5, show_default=True, help="Example translations to print."
)
@click.option(
    "--json-out", type=click.Path(path_type=Path), default=None, help="Also write the scores as JSON."
)
@click.option("--progress/--no-progress", "show_progress", default=True, help="Show a progress bar.")
@click.option(
    "--seed", type=int, default=None, help="Split seed (default: the model's, so test stays unseen)."
)
@device_option()
def eval_cmd(
    model_dir,
    corpus,
    fmt,
    src_file,
    tgt_file,
    src_col,
    tgt_col,
    src_lang,
    tgt_lang,
    which,
    beam,
    alpha,
    batch_size,
    max_len,
    show,
    json_out,
    show_progress,
    seed,
    device,
) -> None:
    """Score a model with chrF and BLEU beside the copy-the-source baseline."""
    from rnnkit.translate.evaluation import evaluate_pairs
    from rnnkit.translate.split import split_pairs
    from rnnkit.translate.translator import Translator

    tr = Translator.load(model_dir, device)
    cfg = tr.config
    langs = (cfg.get("src_lang"), cfg.get("tgt_lang"))
    ctx = click.get_current_context()
    if ctx.get_parameter_source("src_lang").name == "DEFAULT":
        src_lang = langs[0]
    if ctx.get_parameter_source("tgt_lang").name == "DEFAULT":
        tgt_lang = langs[1]
    if (src_lang, tgt_lang) != langs:
        raise RnnkitError(f"{model_dir} translates {langs[0]}->{langs[1]}, not {src_lang}->{tgt_lang}")
    pairs, _ = _read(corpus, fmt, src_file, tgt_file, src_col, tgt_col, src_lang, tgt_lang)
    if which != "all":
        split_cfg = cfg.get("data", {}).get("split", {})
        s = split_pairs(
            pairs,
            seed=split_cfg.get("seed", 0) if seed is None else seed,
            valid_frac=split_cfg.get("valid_frac", 0.1),
            test_frac=split_cfg.get("test_frac", 0.1),
        )
        pairs = s.test if which == "test" else s.valid
    if max_len is not None:
        tr.max_len = max_len
    rep = evaluate_pairs(
        tr, pairs, tgt_lang, beam=beam, alpha=alpha, batch_size=batch_size, show_progress=show_progress
    )
    click.echo(f"{which} split of {len(pairs)} pairs")
    for line in rep.lines():
        click.echo(line)
    for t, ref in list(zip(rep.translations, rep.references, strict=True))[:show]:
        click.echo(f"  src: {t.source}\n  out: {t.text}\n  ref: {ref}")
    if json_out is not None:
        from rnnkit.utils.atomic import write_text_atomic

        write_text_atomic(
            json_out, json.dumps({"split": which, **rep.as_dict()}, indent=2, ensure_ascii=False)
        )


@cli.command()
@click.option("--model", "model_dir", type=click.Path(path_type=Path), required=True, help="Model folder.")
@click.argument("sentences", nargs=-1)
@click.option(
    "--input",
    "input_file",
    type=click.Path(path_type=Path),
    default=None,
    help="File with one sentence per line ('-' for standard input).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write translations here, one per line (default: standard output).",
)
@decode_options
@click.option(
    "--attention-plot",
    type=click.Path(path_type=Path),
    default=None,
    help="PNG heatmap of the attention for the first sentence.",
)
@click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Show a progress bar (default: when there is more than one batch).",
)
@common_options
def text(
    model_dir,
    sentences,
    input_file,
    output,
    beam,
    alpha,
    batch_size,
    max_len,
    attention_plot,
    show_progress,
    seed,
    device,
) -> None:
    """Translate SENTENCES, or lines of --input, or standard input when neither is given."""
    import torch

    from rnnkit.translate.translator import Translator

    torch.manual_seed(seed)
    if sentences and input_file is not None:
        raise RnnkitError("give sentences as arguments or --input, not both")
    if sentences:
        lines = list(sentences)
    elif input_file is not None and str(input_file) != "-":
        if not input_file.is_file():
            raise RnnkitError(f"input file not found: {input_file}")
        try:
            lines = input_file.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise RnnkitError(f"{input_file} is not UTF-8 text") from None
    else:
        lines = sys.stdin.read().splitlines()
    if not any(line.strip() for line in lines):
        raise RnnkitError("no text to translate")
    tr = Translator.load(model_dir, device)
    if max_len is not None:
        tr.max_len = max_len
    if attention_plot is not None and tr.model.cfg.attention == "none":
        raise RnnkitError("this model has no attention (--attention none): nothing to plot")
    if show_progress is None:
        show_progress = len(lines) > batch_size
    out = tr.translate(
        lines,
        beam=beam,
        alpha=alpha,
        batch_size=batch_size,
        attention=attention_plot is not None,
        show_progress=show_progress,
    )
    for i, t in enumerate(out, start=1):
        if t.truncated:
            click.echo(
                f"rnnkit: warning: line {i}: longer than {tr.max_src_len} tokens; "
                f"translated its first {tr.max_src_len}",
                err=True,
            )
    if output is not None:
        from rnnkit.utils.atomic import write_text_atomic

        write_text_atomic(output, "".join(t.text + "\n" for t in out))
    else:
        for t in out:
            click.echo(t.text)
    if attention_plot is not None:
        first = next(t for t in out if t.source.strip())
        from rnnkit.translate.plots import attention_heatmap

        attention_heatmap(
            first.attention,
            first.src_pieces,
            first.tgt_pieces,
            attention_plot,
            title=f"{first.source} → {first.text}",
        )
        click.echo(f"attention plot: {attention_plot}", err=True)
