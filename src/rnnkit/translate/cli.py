"""``rnnkit translate train|eval|text``: thin click commands over the translate modules.

Only click and rnnkit.utils are imported at module level; ``text`` and ``eval`` never import the
training engine or Accelerate, so they start fast.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rnnkit.translate.options import (
    CHECK_FORMATS,
    PATH,
    corpus_options,
    decode_options,
    fit_options,
    join_options,
    model_options,
    run_settings,
    settings_from_model,
    stream_options,
)
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.limits import SIZES
from rnnkit.utils.options import (
    MODEL_IN_HELP,
    common_options,
    config_option,
    device_option,
    force_option,
    inference_options,
    json_option,
    out_option,
    plot_option,
    progress_option,
    resume_options,
    threads_option,
)
from rnnkit.utils.outputs import Output, claim_outputs
from rnnkit.utils.user_paths import UserPath
from rnnkit.utils.wording import plural

if TYPE_CHECKING:
    from rnnkit.translate.translator import Translator

CORPUS_KEYS = ("corpus", "fmt", "src_file", "tgt_file", "src_col", "tgt_col", "src_lang", "tgt_lang")


def _load(model_dir: Path | None, device: str) -> Translator:
    """The model; its config's ``src_lang``/``tgt_lang`` are read as ``--src-lang``/``--tgt-lang`` are
    (:meth:`~rnnkit.translate.translator.Translator.from_pretrained` does it for every caller)."""
    from rnnkit.translate.translator import Translator

    return Translator.from_pretrained(model_dir, device)


def _read(corpus, fmt, src_file, tgt_file, src_col, tgt_col, src_lang, tgt_lang):  # noqa: ANN001
    """Read the corpus and print what was read (and what was skipped)."""
    from rnnkit.translate.corpus import read_corpus

    pairs, report = read_corpus(corpus, fmt, src_lang, tgt_lang, src_col, tgt_col, src_file, tgt_file)
    click.echo(report.summary())
    return pairs, report


def _resolved(value: Any) -> Any:
    """A path made absolute (so a resumed run from another folder still matches); other values as they are."""
    return str(value.resolve()) if isinstance(value, Path) else value


class _CorpusCommand(click.Command):
    """A command reading ``--corpus``, which ``--data`` names too (hidden): given both, click kept the
    last in silence and trained on the other file than the one meant, so both are refused in one line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = args[: args.index("--")] if "--" in args else args  # after --, no option
        spelled = {arg.split("=", 1)[0] for arg in options}
        if {"--corpus", "--data"} <= spelled:
            raise click.UsageError("give --corpus or --data, not both", ctx)
        return super().parse_args(ctx, args)


class _TranslateGroup(click.Group):
    """``rnnkit translate "Hello."``, a sentence where the command goes, is shown ``translate text``: it
    was "No such command 'Hello.'", nothing saying which command translates; so are ``hello`` and
    ``good-morning``. A word close to a command's name keeps click's "Did you mean": ``txt`` (text), and
    ``check_corpus``, ``Train`` or ``CHECK-CORPUS`` too (its case and underscores aside), which were
    shown ``translate text "check_corpus"``. A sentence close to a name (``Rain.``, ``Text!``, ``Next``)
    is still shown ``translate text``, not "Did you mean 'train'?"."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            name = args[0] if args else ""
            if not name or name.startswith("-"):
                raise
            import difflib
            import shlex

            # a command's name mistyped: a word of letters, with '-' or '_', in one case, or a command's
            # name bar its case and underscores (Train); "Rain.", "Text!" or "Next" is a sentence
            normal = name.lower().replace("_", "-")
            if re.fullmatch(r"[A-Za-z_-]+", name) and (
                re.search(r"[-_]", name) or name.islower() or name.isupper() or normal in self.commands
            ):
                if difflib.get_close_matches(name, self.commands):  # click's own suggestion
                    raise
                close = difflib.get_close_matches(normal, self.commands, n=1)
                if close:
                    raise click.UsageError(
                        f"No such command {name!r}. Did you mean {close[0]!r}?", ctx
                    ) from None

            shown = shlex.quote(name) if re.search(r'["$`\\!]', name) else f'"{name}"'  # as a shell takes it
            raise click.UsageError(
                f"{name!r} is no translate command; to translate it: rnnkit translate text {shown}", ctx
            ) from None


@click.group(cls=_TranslateGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Sequence to sequence: translate sentences (English to Korean by default) with attention."""


@cli.command(cls=_CorpusCommand)
@corpus_options
@out_option(Path("runs/translate"))
@model_options
@fit_options
@stream_options
@resume_options(
    "Continue the run in the run folder from its newest checkpoint (same settings; under --lr-schedule "
    "constant or plateau --epochs may be raised to train longer)."
)
@progress_option()
@config_option(settings_from_model)
@force_option
@common_options
def train(out: Path, val: float, test: float, resume: bool, **kw: Any) -> None:
    """Train a translator and score it on the held-out test split.

    --out is the run folder: the model goes to OUT/model, checkpoints and the tokenizers beside it;
    after a crash or Ctrl-C, the same command with --resume continues from the newest checkpoint (under
    --lr-schedule constant or plateau, --epochs may also be raised to train longer; the default cosine
    decays over the run's own --epochs).
    """
    from rnnkit.train.checkpoint import hint_on_interrupt, latest_checkpoint
    from rnnkit.translate.resume_check import check_resumable
    from rnnkit.translate.split import check_fractions, split_pairs
    from rnnkit.translate.stream_batches import STATE_FOLDER
    from rnnkit.translate.stream_train import StreamOptions
    from rnnkit.translate.training import AVERAGE_FOLDER, RUN_FILES, TrainOptions, train_translator
    from rnnkit.utils.runs import claim_run, fingerprint

    stream_keys = ("steps_per_epoch", "shuffle_buffer", "held_out_max", "spm_sample")
    sopts = StreamOptions.from_options(kw.pop("stream"), {k: kw.pop(k) for k in stream_keys})
    # average/ and stream/ only when their options are on: a run without them neither writes nor deletes
    # a user's folder of that name, so --force keeps it rather than refusing it
    writes = (
        *RUN_FILES,
        *[f"{AVERAGE_FOLDER}/"] * bool(kw["average_last"]),
        *[f"{STATE_FOLDER}/"] * (sopts is not None),
    )
    run, model = claim_run(out, resume, "translate", [kw["corpus"], kw["src_file"], kw["tgt_file"]],
                           newest_checkpoint=latest_checkpoint, writes=writes)  # fmt: skip
    corpus = {k: kw.pop(k) for k in CORPUS_KEYS}
    opts = TrainOptions(**{k: kw[k] for k in TrainOptions.setting_names() if k in kw})
    source = "moses" if corpus["src_file"] else str(corpus["corpus"] or "bundled")
    given_split_seed = kw.pop("split_seed")
    split_seed = kw["seed"] if given_split_seed is None else given_split_seed
    settings = {  # what a resumed run must share with its start
        **{f"--{k.replace('_', '-')}": _resolved(v) for k, v in corpus.items() if k != "fmt"},
        "--format": corpus["fmt"],
        "--val": val,
        "--test": test,
        "--split-seed": given_split_seed,
        **run_settings(opts.flat()),
    }
    split_cfg = {"seed": split_seed, "valid_frac": val, "test_frac": test}
    # options that cannot train, nothing to resume, or another run's settings: said before the corpus is read
    opts.check()
    check_fractions(val, test)
    if sopts is not None:
        sopts.check(opts)
    check_resumable(run, {**settings, **(sopts.settings() if sopts else {})}, opts.lr_schedule)
    if sopts is not None:  # read as a stream, never whole (rnnkit.translate.stream_train)
        from rnnkit.translate.stream_train import scan_corpus, train_streamed

        stream, found = scan_corpus(corpus, split_seed, val, test, sopts)
        click.echo(found.summary())
        _note_greedy_mbr(opts.mbr, opts.beam, saved=True)  # once the input is read: training follows
        with hint_on_interrupt(run):
            result, _ = train_streamed(stream, found, opts, sopts, corpus["src_lang"], corpus["tgt_lang"],
                                       model, run, settings, {"data": {"corpus": source, "split": split_cfg}})  # fmt: skip
        _report(result, model, opts.vocab_size, len(found.valid))
        return
    pairs, report = _read(**corpus)
    splits = split_pairs(pairs, seed=split_seed, valid_frac=val, test_frac=test)
    click.echo(splits.summary())
    data = {
        "corpus": source,
        "split": split_cfg,
        "read": {"lines": report.lines, "pairs": report.pairs, "empty": report.empty,
                 "malformed": report.malformed, "duplicates": splits.duplicates},
    }  # fmt: skip
    settings["data as read"] = fingerprint(
        [[list(p) for p in part] for part in (splits.train, splits.valid, splits.test)]
    )
    _note_greedy_mbr(opts.mbr, opts.beam, saved=True)  # once the input is read: training follows
    with hint_on_interrupt(run):  # Ctrl-C: how to continue
        result = train_translator(splits, corpus["src_lang"], corpus["tgt_lang"], opts, out=model,
                                  extra_config={"data": data}, run=run, run_settings=settings)  # fmt: skip
    _report(result, model, opts.vocab_size, len(splits.valid))


def _report(result, out: Path, vocab_size: int, n_valid: int) -> None:  # noqa: ANN001 - a TrainOutcome
    """What training did: epochs, validation, vocabularies, averaging, the test scores, where the model is."""
    from rnnkit.translate.split import few_held_out
    from rnnkit.translate.training import cut_line, vocabulary_line

    # The epochs' own times: a resumed run's wall time covers only the epochs after the resume, and
    # "trained 3 epochs in 26.3s" was said of a run whose first two epochs took 65 s before a Ctrl-C.
    seconds = sum(row.get("seconds", 0.0) for row in result.history) or result.seconds
    click.echo(
        f"trained {plural(result.epochs_run, 'epoch')} in {seconds:.1f}s; best epoch {result.best_epoch} "
        f"(validation chrF {result.best_val_chrf:.2f}, greedy)"
    )
    t, cfg = result.translator, result.translator.config  # a corpus gives other vocabularies than asked
    sizes = [(cfg["src_lang"], t.src_tok.vocab_size), (cfg["tgt_lang"], t.tgt_tok.vocab_size)]
    click.echo(vocabulary_line(sizes, vocab_size))
    if result.cut_pairs:
        click.echo(f"rnnkit: warning: {cut_line(result.cut_pairs, t.max_src_len)}", err=True)
    if result.averaged is not None:
        a = result.averaged
        click.echo(
            f"average of the last {a['last_epochs']} epochs: validation chrF {a['val_chrf']:.2f} "
            f"({'kept' if a['kept'] else 'not kept'}; best epoch {a['best_epoch_val_chrf']:.2f})"
        )
    if warning := few_held_out(n_valid, result.test.n):  # beside the scores it is about
        click.echo(f"rnnkit: warning: {warning}", err=True)
    for line in result.test.lines():
        click.echo(line)
    click.echo(f"model: {out}")


class _TextOnlyCommand(click.Command):
    """A command that runs no torch, so it takes no --threads (README: "--threads when it computes"):
    a script that passes --threads to every command is told why, not just "No such option"."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            if exc.option_name != "--threads":
                raise
            raise click.UsageError(
                f"{ctx.command_path} takes no --threads: it only reads text and computes nothing with "
                "torch (--threads is for the commands that do); leave it out",
                ctx,
            ) from None


@cli.command(name="check-corpus", cls=_TextOnlyCommand)
@click.argument("file", type=PATH, required=False)
# --corpus (and --data), as train and eval name the file, taken too (hidden): typed here from a train
# command line, it was "No such option '--corpus'" with nothing saying that FILE is the corpus
@click.option("--corpus", "--data", "corpus", type=PATH, default=None, hidden=True,
              help="The corpus FILE, as train's --corpus.")  # fmt: skip
@click.option("--src-file", type=PATH, default=None, help="Moses English file, as train's (with --tgt-file).")
@click.option("--tgt-file", type=PATH, default=None,
              help="Moses Korean file, line-aligned with --src-file.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="auto", show_default=True,
              help="Corpus format, as train's --format (auto: by suffix).")  # fmt: skip
@click.option(
    "--src-col", default=None, help="English column or JSON key [default: en, or a column named English]."
)
@click.option(
    "--tgt-col", default=None, help="Korean column or JSON key [default: ko, or a column named Korean]."
)
@click.option("--show", type=click.IntRange(min=0), default=20, show_default=True, help="Problems to list.")
@click.option("--write-clean", type=UserPath(file_example="clean.tsv"), default=None,
              help="Also write the file without the flagged lines, in its own format "
                   "(comments, header and first duplicates kept).")  # fmt: skip
@force_option
def check_corpus(
    file: Path | None, corpus: Path | None, src_file: Path | None, tgt_file: Path | None, fmt: str,
    src_col: str | None, tgt_col: str | None, show: int, write_clean: Path | None,
) -> None:  # fmt: skip
    """Check a corpus for problems before training on it.

    An English-Korean corpus FILE is read as train reads --corpus (english<TAB>korean lines, a TSV or CSV
    with a header row, JSON Lines or a JSON array), or Moses files --src-file (English) and --tgt-file
    (Korean) as train reads them. Checked: duplicates, length ratios, scripts, registers, control
    characters.

    Exit status: 0 the corpus is clean; 1 it has problems, each named by its line; 2 bad input, said
    in one line on stderr: a missing or non-UTF-8 file, a missing column, or one without a single
    english-korean pair (its malformed lines are named first; another language pair is said so).
    """
    from rnnkit.translate.corpus_check import check_file, check_moses, clean_text

    if corpus is not None and file is not None:
        raise RnnkitError(f"give the corpus once: FILE {file} or --corpus {corpus}, not both")
    given = "FILE" if corpus is None else "--corpus"  # as typed, in what is said of it
    file = corpus if corpus is not None else file
    moses = _moses_to_check(file, src_file, tgt_file, fmt, src_col, tgt_col, write_clean, given)
    claim_outputs([Output.file("--write-clean", write_clean)], inputs=[file, src_file, tgt_file])
    report = check_moses(*moses) if moses else check_file(file, fmt, src_col, tgt_col)
    if not report.pairs:  # not a corpus at all: bad input, as an unreadable file is
        if report.problems:
            for line in report.lines(show):
                click.echo(line)
        raise RnnkitError(report.no_pairs())
    if report.not_korean():  # another language pair: its every line "wrong script" says nothing to do
        raise RnnkitError(report.not_korean())
    for line in report.lines(show):
        click.echo(line)
    if write_clean is not None and report.mostly_swapped:  # dropping every swapped line left no pair
        raise RnnkitError(f"--write-clean: nothing written: {report.swapped_hint()}; then check it again")
    if write_clean is not None:
        from rnnkit.utils.atomic import write_text_atomic

        text, kept = clean_text(file, report)
        write_text_atomic(write_clean, text)
        click.echo(f"wrote {plural(kept, 'clean pair')} to {write_clean}")
    if report.problems:
        raise click.exceptions.Exit(1)


def _moses_to_check(
    file: Path | None, src_file: Path | None, tgt_file: Path | None, fmt: str, src_col: str | None,
    tgt_col: str | None, write_clean: Path | None, given: str = "FILE",
) -> tuple[Path, Path] | None:  # fmt: skip
    """check-corpus's Moses files, (English, Korean), or None for one FILE; what cannot go with them is
    said in one line, as train says it, the one file named as ``given`` (FILE, or --corpus: 'give either
    FILE' was said to a user who had typed --corpus)."""
    if src_file is None and tgt_file is None:
        if file is None:
            raise RnnkitError("give the corpus FILE, or Moses files with --src-file and --tgt-file")
        return None
    if file is not None:
        raise RnnkitError(f"give either {given} or --src-file/--tgt-file, not both")
    if src_file is None or tgt_file is None:
        raise RnnkitError("moses corpora need both --src-file and --tgt-file")
    named = [n for n, v in (("--src-col", src_col), ("--tgt-col", tgt_col)) if v is not None]
    if fmt != "auto":
        named.append("--format")
    if named:
        raise RnnkitError(f"{', '.join(named)} name a one-file corpus's format and columns, not Moses files'")
    if write_clean is not None:
        raise RnnkitError(
            "--write-clean writes one file, and Moses files are two: drop the lines named in both files"
        )
    return src_file, tgt_file


def _model_input(model_dir: Path | None) -> Path:
    """The model folder a command reads, guarded as an input: the one given (``RUN/model`` for a run
    folder ``RUN``, so a file written beside the model in its run folder is no write into an input),
    else the shipped model's."""
    from rnnkit.translate.translator import SHIPPED
    from rnnkit.utils.markers import model_folder_in

    return SHIPPED if model_dir is None else model_folder_in(model_dir)


def _dash_as_stdin(sentences: tuple[str, ...], input_file: Path | None) -> tuple[str, ...]:
    """A lone ``-`` for SENTENCES is standard input, as for ``cat -`` (``text -`` printed ``-``, the
    dash copied as punctuation, and read nothing); beside other sentences or --input it is refused."""
    if "-" not in sentences:
        return sentences
    if len(sentences) == 1 and input_file is None:
        return ()
    raise RnnkitError(
        "'-' is standard input: give it alone (or as --input -), not beside sentences or --input"
    )


def _refuse_stdin_as(option: str, output: Path | None) -> None:
    """Standard input read from the very file an output names would be replaced by its translation
    (``text --output F --force < F``): refused, as an --input equal to --output is."""
    import os
    import stat

    if output is None or not output.exists():
        return
    try:
        read, written = os.fstat(sys.stdin.fileno()), os.stat(output)
    except (OSError, ValueError, AttributeError):  # no real standard input (a test's StringIO)
        return
    # a device (/dev/null as both, as under cron or `< /dev/null`) holds nothing to write over
    if os.path.samestat(read, written) and stat.S_ISREG(written.st_mode):
        raise RnnkitError(
            f"{option} {output} is the file on standard input; rnnkit never writes over what it reads"
        )


def _note_greedy_mbr(mbr: bool | None, beam: int | None, saved: bool = False) -> None:
    """``--mbr`` asked for with a beam of 1: greedy decoding has one hypothesis, none to choose among, so
    MBR is off; said, where ``--beam 1 --mbr`` decoded greedily without a word. ``saved``: the settings a
    model is saved with (translate train, average, ensemble), which it will decode with."""
    if mbr and beam == 1:
        doing = "the model saved decodes greedily" if saved else "decoding greedily"
        click.echo("rnnkit: note: --mbr chooses among the beam's hypotheses, and a beam of 1 (greedy) has "
                   f"one: {doing}, without MBR (give --beam 2 or more for it)", err=True)  # fmt: skip


def _note_saved_greedy_mbr(out: Path) -> None:
    """:func:`_note_greedy_mbr` of the decoding settings saved in the model folder ``out``."""
    decoding = json.loads((out / "config.json").read_text(encoding="utf-8")).get("decoding") or {}
    _note_greedy_mbr(decoding.get("mbr"), decoding.get("beam"), saved=True)


def _say_terminal_input() -> None:
    """Standard input about to be read from a terminal: a note says what it waits for, where
    ``rnnkit translate text`` alone sat silent (and looked hung)."""
    if sys.stdin is not None and sys.stdin.isatty():
        end = "Ctrl-Z then Enter" if sys.platform == "win32" else "Ctrl-D"
        click.echo(f"rnnkit: reading sentences from the terminal, one a line; {end} ends", err=True)


def _and(paths: tuple[Path, ...]) -> str:
    """``a, b and c``."""
    names = [str(p) for p in paths]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _decoding(**given: Any) -> dict[str, Any]:
    """The decoding settings given on the command line (the others stay the first model's)."""
    return {k: v for k, v in given.items() if v is not None}


@cli.command()
@join_options
@force_option
@threads_option()
def average(models: tuple[Path, ...], out: Path, fp16: bool, beam: int | None, mbr: bool | None) -> None:
    """Average the weights of MODELS into one model, --out.

    The MODELS share one architecture and the same tokenizers.

    Each of MODELS is a model folder, or a run folder (translate train --out) holding one as model/.
    Weight averaging suits models that began as one model (copies trained further from one folder);
    translate train --average-last averages a run's own last epochs, and separately trained runs are
    better joined with translate ensemble.

    One model has nothing to average: with --fp16, --fp32, --beam or --mbr/--no-mbr it is copied so
    changed (float16 weights, other saved decoding), and without them it is refused. One model given
    more than once (a run folder and its model/, a copy) is one model.
    """
    from rnnkit.translate.averaging import average_folders, repeats
    from rnnkit.translate.ensemble import read_members

    claim_outputs(
        [Output.whole("--out", out, "translate", "model")], inputs=[_model_input(m) for m in models]
    )
    ctx = click.get_current_context()
    changes = [name for name in ("fp16", "beam", "mbr") if ctx.get_parameter_source(name).name != "DEFAULT"]
    members = read_members(list(models))
    # M M, or M and its run folder, wrote a copy, "averaged 2 models", as if it had done something
    one = all(twin is not None for twin in repeats(members)[1:])
    same = "" if len(models) == 1 else f"{_and(models)} are one model (the same weights)"
    if one:
        for member in members:  # a folder that is no model says so first (RUN/average)
            member.check()
    if one and not changes:  # one model wrote a copy, "averaged 1 model"
        raise RnnkitError(
            f"nothing to average: {same + '; ' if same else ''}give two or more model folders (translate "
            "train --average-last averages a run's last epochs; --fp16 or --beam with one model saves a "
            "converted copy)"
        )
    if one and same:
        click.echo(f"rnnkit: note: {same}: nothing to average", err=True)
    given = models[:1] if one else models
    decoding = _decoding(beam=beam, mbr=mbr)
    average_folders(list(given), out, fp16=fp16, decoding=decoding, warn=_warn, members=members[: len(given)])
    if beam is not None or mbr is not None:  # --beam 1 --mbr, or --beam 1 of a model saved with MBR
        _note_saved_greedy_mbr(out)
    if one:
        said = {
            "fp16": f"float{16 if fp16 else 32} weights",
            "beam": f"beam {beam}",
            "mbr": f"MBR {'on' if mbr else 'off'}",
        }
        click.echo(f"copied {models[0]} with {', '.join(said[c] for c in changes)}: {out}")
        return
    click.echo(f"averaged {plural(len(models), 'model')}{' (fp16)' if fp16 else ''}: {out}")


@cli.command()
@join_options
@force_option
@threads_option()
def ensemble(models: tuple[Path, ...], out: Path, fp16: bool, beam: int | None, mbr: bool | None) -> None:
    """Join MODELS into one ensemble model.

    The ensemble averages the members' next-word probabilities at each step.

    The members may be separate runs (other --seed values or settings) but must share the tokenizers and
    the split: train them on the same corpus with the same --split-seed, --val, --test and --vocab-size.
    Decoding costs one member's time per member. Each of MODELS is a model folder or a run folder.
    """
    from rnnkit.translate.ensemble import ensemble_folders

    claim_outputs(
        [Output.whole("--out", out, "translate", "model")], inputs=[_model_input(m) for m in models]
    )
    ensemble_folders(list(models), out, fp16=fp16, decoding=_decoding(beam=beam, mbr=mbr), warn=_warn)
    if beam is not None or mbr is not None:
        _note_saved_greedy_mbr(out)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    n = len(config["ensemble"])  # an ensemble given as a member brings its members
    size = "" if n == len(models) else f" of {n} members"
    click.echo(f"joined {len(models)} models into an ensemble{size}{' (fp16)' if fp16 else ''}: {out}")


def _given(encoding: str) -> str | None:
    """``text``'s --encoding where one was given, else None: UTF-8, or UTF-16 or UTF-32 where --input
    or standard input opens with that byte-order mark (Windows Notepad's "Unicode"; LineReader reads it)."""
    given = click.get_current_context().get_parameter_source("encoding").name != "DEFAULT"
    return encoding if given else None


def _warn(message: str) -> None:
    click.echo(f"rnnkit: warning: {message}", err=True)


MODEL_HELP = f"{MODEL_IN_HELP[:-1]} [default: the shipped English-to-Korean model]."
BULK_LINES = 1000  # from here on, text notes that the model's MBR decoding is the slow one


@cli.command(name="eval", cls=_CorpusCommand)
@click.option("--model", "model_dir", type=UserPath(), default=None, help=MODEL_HELP)
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
@json_option("The scores.")
@progress_option()
@click.option(
    "--seed", type=int, default=None, help="Split seed [default: the model's, so test stays unseen]."
)
@force_option
@device_option()
@threads_option()
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
    no_repeat_ngram,
    coverage,
    mbr,
    spell_numbers,
    check_numbers,
    batch_size,
    max_len,
    show,
    json_out,
    show_progress,
    seed,
    device,
) -> None:
    """Score a model with chrF, BLEU and exact matches.

    The scores are shown beside the copy-the-source baseline's.
    """
    from rnnkit.translate.evaluation import evaluate_pairs
    from rnnkit.translate.split import model_splits

    claim_outputs(
        [Output.file("--json", json_out)], inputs=[_model_input(model_dir), corpus, src_file, tgt_file]
    )
    tr = _load(model_dir, device)
    cfg = tr.config
    langs = (cfg["src_lang"], cfg["tgt_lang"])  # read by _load as the options read the typed ones
    ctx = click.get_current_context()
    if ctx.get_parameter_source("src_lang").name == "DEFAULT":
        src_lang = langs[0]
    if ctx.get_parameter_source("tgt_lang").name == "DEFAULT":
        tgt_lang = langs[1]
    if (src_lang, tgt_lang) != langs:
        who = "the shipped model" if model_dir is None else f"the model {model_dir}"
        raise RnnkitError(f"{who} translates {langs[0]}->{langs[1]}, not {src_lang}->{tgt_lang}")
    given = corpus is not None or src_file is not None or tgt_file is not None
    _refuse_other_corpus(cfg, given, which)
    pairs, _ = _read(corpus, fmt, src_file, tgt_file, src_col, tgt_col, src_lang, tgt_lang)
    saved_seed = cfg.get("data", {}).get("split", {}).get("seed")
    if which != "all" and seed is not None and saved_seed is not None and seed != saved_seed:
        click.echo(f"rnnkit: warning: --seed {seed} is not the split seed the model was trained with "
                   f"({saved_seed}): these {which} pairs may include pairs it trained on", err=True)  # fmt: skip
    read = pairs
    if which != "all":
        try:
            s = model_splits(pairs, cfg, seed)
        except RnnkitError as exc:  # too few pairs to split: eval need not split them
            raise RnnkitError(f"{exc}; --split all scores every pair") from None
        n_read, pairs = len(pairs), s.test if which == "test" else s.valid
        if note := _split_of_another_corpus(cfg, corpus or src_file, which, len(pairs), n_read):
            click.echo(f"rnnkit: note: {note}", err=True)
    held_out = seed is None or seed == saved_seed  # else the warning above: these may hold training pairs
    seen, own = _trained_on(cfg, corpus or src_file, which if held_out else "all", pairs, read)
    if seen:
        hint = "; --split test scores the pairs it held out" if own else ""
        click.echo(f"rnnkit: note: the model trained on {seen} of the {plural(len(pairs), 'pair')} scored "
                   f"(their English is in its training split): the scores overstate how it translates new "
                   f"text{hint}", err=True)  # fmt: skip
    if max_len is not None:
        tr.max_len = max_len
    _note_greedy_mbr(mbr, tr.decoding()["beam"] if beam is None else beam)
    rep = evaluate_pairs(tr, pairs, tgt_lang, beam=beam, alpha=alpha, batch_size=batch_size,
                         show_progress=show_progress, no_repeat_ngram=no_repeat_ngram, coverage=coverage, mbr=mbr,
                         spell_numbers=spell_numbers, check_numbers=check_numbers, split={"valid": "validation", "all": "corpus"}.get(which, which))  # fmt: skip
    for line in rep.lines():
        click.echo(line)
    for t, ref in list(zip(rep.translations, rep.references, strict=True))[:show]:
        click.echo(f"  src: {t.source}\n  out: {t.text}\n  ref: {ref}")
    if json_out is not None:
        from rnnkit.utils import strict_json

        strict_json.write(json_out, {"split": which, **rep.as_dict(), "verdict": rep.verdict(),
                                     "trained_on": seen})  # fmt: skip


def _split_of_another_corpus(
    cfg: dict, given: Path | None, which: str, n_split: int, n_read: int
) -> str | None:
    """A corpus other than the model's own, scored on its test (or validation) split, is scored on a
    tenth of its pairs: the split is made of any corpus by each English sentence's hash. A user scoring
    the shipped model on their own 300 pairs was told "test pairs: 31" and nothing about the rest."""
    from rnnkit.translate.corpus import BUNDLED

    trained_on = str((cfg.get("data") or {}).get("corpus") or "bundled")
    if given is None or trained_on == "moses":
        return None
    if trained_on == "bundled" and given.resolve() == BUNDLED.resolve():
        return None
    if trained_on != "bundled" and Path(trained_on).name == given.name:
        return None
    model_corpus = "the bundled corpus" if trained_on == "bundled" else trained_on
    return (
        f"the model was trained on {model_corpus}, not {given}: its {which} split takes "
        f"{n_split} of the {n_read} pairs read from it; --split all scores them all"
    )


def _trained_on(
    cfg: dict, given: Path | None, which: str, scored: list, read: list
) -> tuple[int | None, bool]:
    """How many of the ``scored`` pairs the model trained on (their English in its training split; None
    where that cannot be known: a corpus of the user's, not at hand), and whether ``read`` is the model's
    own corpus. ``eval --split all`` of the model's own corpus is nine tenths training pairs, and a
    user's own pairs scored with the shipped model hold everyday sentences of the bundled corpus: both
    printed scores far above the model's on new text, with no word."""
    from rnnkit.translate.corpus import BUNDLED, read_anki
    from rnnkit.translate.corpus_check import near_key
    from rnnkit.translate.split import model_splits

    trained_on = str((cfg.get("data") or {}).get("corpus") or "bundled")
    if given is None or (trained_on == "bundled" and given.resolve() == BUNDLED.resolve()):
        own = trained_on == "bundled"
    else:
        own = trained_on not in ("bundled", "moses") and Path(trained_on).name == given.name
    if own and which != "all":
        return 0, own  # the model's own test or validation split: held out of training
    if own:
        corpus = read
    elif trained_on == "bundled":
        corpus = read_anki(BUNDLED)[0]
    else:
        return None, own
    try:
        train = model_splits(corpus, cfg).train  # the split it trained with, whatever --seed says
    except RnnkitError:  # too few pairs to split: none was held out of training
        train = corpus
    keys = {near_key(src) for src, _ in train}
    return sum(near_key(src) in keys for src, _ in scored), own


def _refuse_other_corpus(cfg: dict, given: bool, which: str) -> None:
    """Without a corpus, eval reads the bundled one: for a model trained on another, the bundled
    corpus' test split is not the one it held out (which was never scored), so that is refused."""
    trained_on = str((cfg.get("data") or {}).get("corpus") or "bundled")
    if given or which == "all" or trained_on == "bundled":
        return
    where = "--src-file and --tgt-file" if trained_on == "moses" else f"--corpus {trained_on}"
    raise RnnkitError(
        f"the model was trained on {trained_on}, not the bundled corpus: its {which} split is there "
        f"(give {where}), or score the bundled corpus whole with --split all"
    )


@cli.command()
@click.option("--model", "model_dir", type=UserPath(), default=None, help=MODEL_HELP)
@click.argument("sentences", nargs=-1)
@click.option(
    "--input",
    "input_file",
    type=UserPath(),
    default=None,
    help="File with one sentence per line ('-' for standard input).",
)
@click.option(
    "--output",
    type=UserPath(file_example="translations.txt"),
    default=None,
    help="Write translations here, one per line [default: standard output].",
)
@decode_options
@plot_option("The attention heatmap of the first sentence the model translates (decoded as printed).")
@click.option(
    "--n-best",
    type=click.IntRange(1, int(SIZES["beam"].hi)),
    default=1,
    show_default=True,
    help="Print each sentence, then its K best distinct translations, best first, each with the score the "
    "beam ranked it by (log-probability over the length penalty: nearer 0 is more likely). Under MBR the translation "
    "printed without --n-best is the one the beam's hypotheses agree with most, so it may rank lower or "
    "not be listed (--json keeps both). A smaller beam is "
    f"widened to K; a sentence with fewer distinct ones is decoded again with a beam up to {int(SIZES['beam'].hi)}, "
    "and a note says when it still has fewer.",
)
@click.option(
    "--as-typed",
    is_flag=True,
    help="Read each line exactly as typed, whole. By default an English line is read as the corpus writes "
    "English: sentence by sentence, in sentence case, with its final stop (i am a student -> I am a student.), "
    "and a name the model never learned is carried through one it knows (My name is John. -> 제 이름은 "
    "John이에요.).",
)
@json_option(
    "Every line's translation as printed, with its score, how it was read, the --n-best list and its "
    "warnings, and the decoding used (written when all lines are done)."
)
@progress_option(default=None, more="[default: on for more lines than --batch-size, given or in --input].")
@click.option(
    "--encoding",
    default="utf-8",
    show_default=False,  # "utf-8" would be untrue: the default also reads a UTF-16 or UTF-32 byte-order mark
    help="Encoding of --input or standard input (a Python codec name: utf-8, cp949, utf-16, ...), read as "
    "given [default: UTF-8, or UTF-16 or UTF-32 where the input opens with that byte-order mark, as "
    "Windows Notepad saves 'Unicode'].",
)
@force_option
@inference_options
def text(
    model_dir,
    sentences,
    input_file,
    output,
    beam,
    alpha,
    no_repeat_ngram,
    coverage,
    mbr,
    spell_numbers,
    check_numbers,
    batch_size,
    max_len,
    plot,
    n_best,
    as_typed,
    json_out,
    show_progress,
    encoding,
    device,
) -> None:
    """Translate SENTENCES, lines of --input, or standard input.

    Standard input is read when neither SENTENCES nor --input is given, or SENTENCES is a lone -.

    Lines are read and translated in batches as they arrive, each batch printed as soon as it is done,
    so a long input starts printing at once and Ctrl-C keeps what was printed.
    """
    import contextlib
    import io

    from rnnkit.translate.stream import WINDOW_BATCHES, batches_of, nonempty, translate_stream
    from rnnkit.utils.json_stream import streamed_json
    from rnnkit.utils.linestream import LineReader, split_lines
    from rnnkit.utils.progress import progress

    sentences = _dash_as_stdin(sentences, input_file)
    claim_outputs([Output.file("--output", output), Output.file("--plot", plot), Output.file("--json", json_out)],
                  inputs=[_model_input(model_dir), input_file])  # fmt: skip
    # only where standard input is read: sentences given as arguments leave it alone (`text "Hi."
    # --output F < F`, or under a job runner whose standard input is the log it writes, was refused)
    if not sentences and (input_file is None or str(input_file) == "-"):
        _refuse_stdin_as("--output", output)
        _refuse_stdin_as("--plot", plot)
        _refuse_stdin_as("--json", json_out)
    sentences = tuple(line for s in sentences for line in (split_lines(s) or [s]))  # one sentence a line
    if sentences and input_file is not None:
        raise RnnkitError("give sentences as arguments or --input, not both")
    if not sentences and (input_file is None or str(input_file) == "-") and sys.stdin is None:
        raise RnnkitError("standard input is closed: give SENTENCES or --input FILE")  # `<&-`: no traceback
    tr = _load(model_dir, device)
    if max_len is not None:
        tr.max_len = max_len
    if plot is not None and tr.model.cfg.attention == "none":
        raise RnnkitError("this model has no attention (--attention none): nothing to plot")

    decoding = dict(alpha=alpha, batch_size=batch_size, no_repeat_ngram=no_repeat_ngram, coverage=coverage,
                    mbr=mbr, spell_numbers=spell_numbers, check_numbers=check_numbers, as_typed=as_typed)  # fmt: skip
    slow = tr.decoding()["mbr"] and mbr is None and beam is None  # the model's own MBR, not asked for
    n_beam = tr.decoding()["beam"] if beam is None else beam
    if n_best > n_beam:  # K best need a beam of K: widened, and said, never silently
        whose = "the model's beam" if beam is None else "--beam"
        click.echo(f"rnnkit: note: --n-best {n_best} needs a beam of at least {n_best}: decoding with beam "
                   f"{n_best} instead of {whose} {n_beam}", err=True)  # fmt: skip
        beam = n_beam = n_best
    _note_greedy_mbr(mbr, n_beam)

    def best_of(t):  # noqa: ANN001, ANN202
        """The K best distinct texts of ``t``: two segmentations of one text are one entry, so a beam of
        K can hold fewer; the sentence is then decoded again with a wider beam (up to --beam's limit)."""
        alts = t.alternatives or []
        if not t.src_pieces and len(alts) < n_best:  # given back as typed: no beam ran, none to widen
            click.echo(f"rnnkit: note: {t.source!r} is given back as typed, not decoded (it has no words for "
                       f"the model): 1 translation, fewer than --n-best {n_best}", err=True)  # fmt: skip
            return alts
        wider = min(int(SIZES["beam"].hi), 2 * n_beam)
        if len(alts) < n_best and wider > n_beam:
            alts = tr.translate([t.source], beam=wider, n_best=n_best, **decoding)[0].alternatives or alts
        if len(alts) < n_best:
            click.echo(f"rnnkit: note: {t.source!r}: {plural(len(alts), 'distinct translation')} in a beam of "
                       f"{max(wider, n_beam)}, fewer than --n-best {n_best}", err=True)  # fmt: skip
        return alts

    def shown(t, alts: list[tuple[str, float]] | None) -> str:  # noqa: ANN001
        """A translation's output lines: the text, or with --n-best (``alts``) the source then
        "k. score<TAB>text" (the ranks right-aligned, so the scores stay in one column past rank 9)."""
        if alts is None:
            return t.text + "\n"
        width = len(str(len(alts)))
        return f"{t.source}\n" + "".join(
            f"  {k:>{width}}. {sc:8.3f}\t{alt}\n" for k, (alt, sc) in enumerate(alts, 1)
        )

    used = {
        **tr.decoding(),
        **_decoding(**{k: v for k, v in decoding.items() if k != "batch_size"}),
        "beam": n_beam,
    }
    used["mbr"] = used["mbr"] and n_beam > 1  # greedy has one hypothesis: no MBR choice
    used["spell_numbers"] = tr.spells_numbers(spell_numbers)  # as decoded: English sources only
    used["check_numbers"] = tr.checks_numbers(check_numbers)  # English to Korean only
    head = {"model": "shipped" if model_dir is None else str(model_dir), "src_lang": tr.config.get("src_lang"),
            "tgt_lang": tr.config.get("tgt_lang"), "decoding": {**used, "n_best": n_best}}  # fmt: skip
    with contextlib.ExitStack() as stack:
        n_lines, grow_to = 0, WINDOW_BATCHES * batch_size
        encoding = _given(encoding)
        if sentences and encoding is not None:  # it would do nothing: the shell gave them as text
            raise RnnkitError(
                "--encoding reads --input or standard input; sentences given as arguments are already "
                "text: drop --encoding, or put them in a file"
            )
        if sentences:
            batches = batches_of(list(sentences), batch_size)
            n_lines = len(sentences)
        elif input_file is not None and str(input_file) != "-":
            if input_file.is_dir():
                raise RnnkitError(f"--input {input_file} is a folder; give a text file, one sentence a line")
            if not input_file.exists():
                raise RnnkitError(f"input file not found: {input_file}")
            if input_file.is_file():  # a first pass counts the lines for the progress bar
                with input_file.open("rb") as f:
                    n_lines = sum(1 for _ in LineReader(f, encoding, str(input_file)).lines())
            # else a pipe (--input <(cmd)) or a device (/dev/null): read once, as standard input is
            f = stack.enter_context(input_file.open("rb"))
            batches = LineReader(f, encoding, str(input_file)).batches(batch_size, nonempty, grow_to)
        else:
            _say_terminal_input()
            # sys.stdin.buffer: the bytes, decoded by LineReader (a test's StringIO has no buffer)
            raw = getattr(sys.stdin, "buffer", None) or io.BytesIO(sys.stdin.read().encode("utf-8"))
            batches = LineReader(raw, encoding, "standard input").batches(batch_size, nonempty, grow_to)
        if show_progress is None:  # standard input: its length is unknown
            show_progress = n_lines > batch_size
        if slow and n_lines >= BULK_LINES:
            click.echo(
                f"rnnkit: note: {n_lines} lines with the model's MBR decoding (beam {tr.decoding()['beam']}): "
                "--no-mbr --beam 5 is about 5 times faster, at some cost in quality",
                err=True,
            )
        # counted in lines, what the user gave: windows grow from one batch to 16, so "1/8" after the
        # first said "about 40 s left" of a 5,000-line file that took minutes
        batches = progress(
            batches, "translating", total=n_lines or None, size=len, enabled=bool(show_progress)
        )
        if output is not None:
            from rnnkit.utils.atomic import atomic_path

            sink = stack.enter_context(stack.enter_context(atomic_path(output)).open("w", encoding="utf-8"))
            write = sink.write
        else:
            write = lambda text: click.echo(text, nl=False) or sys.stdout.flush()  # noqa: E731
        # --json: each line as printed, with its warnings, written as it goes (utils.json_stream): a file
        # of 100,000 lines held every line's entry until the end
        doc = stack.enter_context(streamed_json(json_out, head, "lines"))
        warnings: dict[int, list[str]] = {}

        def emit(t) -> None:  # noqa: ANN001 - a Translation
            """Print one line's translation (its n-best list decoded once, for the screen and --json alike)."""
            alts = None if n_best == 1 else best_of(t) if t.source.strip() else []
            write(shown(t, alts))
            doc.add({"line": doc.count + 1, **t.to_json(),
                     "alternatives": None if alts is None else [{"text": a, "score": s} for a, s in alts],
                     "warnings": warnings.pop(doc.count + 1, [])})  # fmt: skip

        def warn(message: str) -> None:
            """Say a line's warning on stderr, and keep it for that line's --json entry."""
            click.echo(f"rnnkit: warning: {message}", err=True)
            number, _, said = message.partition(": ")  # "line 3: ..." (rnnkit.translate.stream)
            if number.startswith("line ") and number[5:].isdigit():
                warnings.setdefault(int(number[5:]), []).append(said)

        first = translate_stream(
            tr,
            batches,
            emit,
            warn,
            attention=plot is not None,
            beam=beam,
            n_best=n_best,
            **decoding,
        )
        doc.finish()
    if plot is not None:
        from rnnkit.translate.plots import attention_heatmap
        from rnnkit.utils.plotting import save_figure

        if not first.src_pieces:  # every line copied, none decoded
            raise RnnkitError(
                f"--plot {plot}: no line was translated by the model (punctuation, numbers or an address "
                "alone is copied as typed), so there is no attention to plot"
            )
        if first.attention is None:  # too big to keep (Translator's MAX_ATTENTION_CELLS)
            raise RnnkitError(
                f"--plot {plot}: the first line translated, of {len(first.src_pieces)} source pieces, is too "
                "long to plot: put the sentence to plot on a line of its own"
            )
        title = f"{first.source} → {first.text}"
        if first.read_as is not None:  # the pieces are the text as read ("John" read as the corpus' "Junho")
            title += f" (the model read: {first.read_as})"
        try:
            figure = attention_heatmap(first.attention, first.src_pieces, first.tgt_pieces, title)
        except RnnkitError as exc:  # more pieces than a heatmap shows
            raise RnnkitError(
                f"--plot {plot}: {exc}; put the sentence to plot on a line of its own"
            ) from None
        save_figure(figure, plot)
        click.echo(f"attention plot: {plot}", err=True)
