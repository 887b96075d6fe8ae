"""Train a translator: tokenizers on the training split, the model on rnnkit's Trainer, validation
that decodes.

Validation runs greedy decoding on the valid split every epoch and reports ``val_chrf`` beside the
teacher-forced ``val_loss``; early stopping and the kept weights follow ``val_chrf`` (higher is
better), because a model can lower teacher-forced loss while its free-running output gets worse.

:func:`train_translator` runs the recipe's steps: :func:`prepare_tokenizers` (seed, begin or resume the
run, the tokenizers), :func:`build_translator`, :func:`fit_translator` (on
:func:`rnnkit.train.recipe.fit_model`, then checkpoint averaging) and :func:`save_translator`.
"""

from __future__ import annotations

import shutil
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

from rnnkit.train.options import Composed, FitOptions
from rnnkit.train.recipe import Fitted, LossFn
from rnnkit.translate.batches import pairs_over
from rnnkit.translate.evaluation import EvalReport, evaluate_pairs
from rnnkit.translate.metrics import score
from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig
from rnnkit.translate.numbers import corpus_spells_numbers, english_only
from rnnkit.translate.resume_check import CORPUS_PATHS, explain_cosine, explain_sha256, saved_settings
from rnnkit.translate.resume_check import may_differ as resume_may_differ
from rnnkit.translate.split import Splits
from rnnkit.translate.tokenizer import PAD, Tokenizer
from rnnkit.translate.translator import SRC_SPM, TGT_SPM, Translator
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import RunFolder
from rnnkit.utils.threads import on_policy_threads
from rnnkit.utils.wording import plural

AVERAGE_FOLDER = "average"  # a run's last epochs' weights, averaged at the end (--average-last)
# What every run writes in its run folder besides rnnkit.utils.runs.RUN_ENTRIES and its model; translate
# train declares them to its --out claim, checked before any work, with AVERAGE_FOLDER when
# --average-last is on (a fresh run deletes it whole, which --force into a user's folder would have done
# to theirs; with --average-last 0 it is neither written nor deleted: _AverageStore) and a streamed
# run's state folder with --stream.
RUN_FILES = (SRC_SPM, TGT_SPM)

if TYPE_CHECKING:
    from rnnkit.train.modelcard import ModelCard


def _model() -> Seq2SeqConfig:
    # The vocabulary sizes come from the tokenizers, trained on the training split (build_translator).
    return Seq2SeqConfig(src_vocab=0, tgt_vocab=0, cell="gru")


def _fit() -> FitOptions:
    return FitOptions(epochs=25, batch_size=64, lr=2e-3, lr_schedule="cosine", patience=10)


@dataclass(init=False)
class TrainOptions(Composed):
    """Everything ``rnnkit translate train`` can set besides the corpus (defaults = the default model):
    the model's :class:`~rnnkit.translate.model.Seq2SeqConfig`, the shared
    :class:`~rnnkit.train.options.FitOptions`, and the settings only translation has.

    Built and read flat as well (``TrainOptions(hidden_size=64, epochs=3).lr``), see
    :class:`~rnnkit.train.options.Composed`. The defaults are the shipped model's recipe, chosen on
    validation chrF of the bundled corpus (docs/RESULTS.md, "Fifth look"): a GRU, 25 epochs of
    cosine decay, sentencepiece vocabularies of up to 8000 pieces (1000 made the Korean side close to
    character level: one piece per syllable), the average of the last 5 epochs when it is no worse,
    and beam search that blocks repeated 3-grams.
    """

    PARTS = ("model", "fit")
    NOT_SETTINGS = ("src_vocab", "tgt_vocab")

    model: Seq2SeqConfig = field(default_factory=_model)
    fit: FitOptions = field(default_factory=_fit)
    vocab_size: int = 8000
    teacher_forcing: float = 1.0
    label_smoothing: float = 0.1
    subword_sampling: float = 0.0
    max_src_len: int = 128
    max_len: int = 100
    bucket: bool = True
    average_last: int = 5
    beam: int = 5
    alpha: float = 1.0
    no_repeat_ngram: int = 3
    coverage: float = 0.0
    mbr: bool = False
    spell_numbers: bool | None = None  # None: decided from the training sources (build_translator)

    def check(self) -> TrainOptions:
        self.model.check()  # the architecture too, before the run folder gets its first file
        if not 0.0 <= self.teacher_forcing <= 1.0:
            raise RnnkitError(f"--teacher-forcing must be in [0, 1] (got {self.teacher_forcing})")
        if not 0.0 <= self.label_smoothing < 1.0:
            raise RnnkitError(f"--label-smoothing must be in [0, 1) (got {self.label_smoothing})")
        if self.epochs < 1 or self.batch_size < 1:
            raise RnnkitError("--epochs and --batch-size must be at least 1")
        if self.max_src_len < 2 or self.max_len < 1:
            raise RnnkitError("--max-src-len must be at least 2 and --max-len at least 1")
        if self.average_last < 0 or self.no_repeat_ngram < 0 or self.coverage < 0:
            raise RnnkitError("--average-last, --no-repeat-ngram and --coverage must not be negative")
        if not 0.0 <= self.subword_sampling <= 10.0:
            raise RnnkitError(f"--subword-sampling must be in [0, 10] (got {self.subword_sampling})")
        if self.subword_sampling > 0 and not self.bucket:
            raise RnnkitError(
                "--subword-sampling draws each epoch's pieces with the length buckets: drop --no-bucket"
            )
        return self

    def decoding(self) -> dict:
        """The decoding saved with the model (``config.json`` ``decoding``): what text and eval use."""
        return {"beam": self.beam, "alpha": self.alpha, "no_repeat_ngram": self.no_repeat_ngram,
                "coverage": self.coverage, "mbr": self.mbr, "spell_numbers": bool(self.spell_numbers)}  # fmt: skip


@dataclass
class TrainOutcome:
    """What :func:`train_translator` returns."""

    translator: Translator
    best_epoch: int
    best_val_chrf: float
    epochs_run: int
    seconds: float
    test: EvalReport
    history: list[dict] = field(default_factory=list)
    averaged: dict | None = None  # checkpoint averaging: epochs, validation chrF, whether it was kept
    cut_pairs: int | None = (
        None  # training pairs over --max-src-len pieces, cut (None: not counted, --stream)
    )


def vocabulary_line(sizes: list[tuple[str, int]], asked: int) -> str:
    """The tokenizers' sizes beside ``--vocab-size``, and why they differ from it: every character seen
    is a piece (Korean has hundreds of syllables), and a small corpus gives fewer. One wording whatever
    the sizes, so the line reads the same on every corpus (docs/translate.md shows it)."""
    said = ", ".join(f"{n} {lang} pieces" for lang, n in sizes)
    return (
        f"vocabularies: {said} (--vocab-size {asked}: raised to hold every character seen in training, "
        "fewer where the training split holds no more)"
    )


def cut_line(cut: int, max_src_len: int) -> str:
    """The training pairs cut to the length limit, and what to do, in one line."""
    return (
        f"{plural(cut, 'training pair')} longer than --max-src-len {max_src_len} pieces on a side "
        f"{'was' if cut == 1 else 'were'} cut to it (the target trained as if it ended there): split such "
        "lines into sentences, or raise --max-src-len"
    )


class _AverageStore:
    """The weights of the last ``k`` epochs, kept in memory and, with a run folder, in
    ``average/epoch-NNNN.safetensors`` there, so a resumed run averages the same epochs as a straight one.
    """

    def __init__(self, k: int, run: RunFolder | None) -> None:
        from rnnkit.train.checkpoint import latest_checkpoint

        self.k, self.run = k, run
        self.kept: deque = deque(maxlen=max(k, 1))
        self.epoch = 0
        if not k or run is None:
            return
        folder = run.path / AVERAGE_FOLDER
        if not run.resume:
            shutil.rmtree(folder, ignore_errors=True)
            return
        latest = latest_checkpoint(run.path)
        self.epoch = int(latest.name.split("-")[-1]) if latest is not None else 0
        from safetensors import SafetensorError
        from safetensors.torch import load

        for path in sorted(folder.glob("epoch-*.safetensors")):
            if int(path.stem.split("-")[-1]) > self.epoch:  # evaluated, but its checkpoint never written
                path.unlink()
                continue
            try:
                self.kept.append(load(path.read_bytes()))
            except (OSError, SafetensorError) as exc:
                reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
                raise RnnkitError(
                    f"cannot resume: {path} is damaged ({reason}); start over with --force instead of --resume"
                ) from None

    def add(self, model: torch.nn.Module) -> None:
        """Keep ``model``'s weights as those of the next epoch (a no-op when averaging is off)."""
        if not self.k:
            return
        self.epoch += 1
        state = {k: v.detach().to("cpu", copy=True).contiguous() for k, v in model.state_dict().items()}
        self.kept.append(state)
        if self.run is not None:
            from safetensors.torch import save

            self.run.write_file(f"{AVERAGE_FOLDER}/epoch-{self.epoch:04d}.safetensors", save(state))
            old = self.run.path / AVERAGE_FOLDER / f"epoch-{self.epoch - self.k:04d}.safetensors"
            old.unlink(missing_ok=True)

    def states(self) -> list[dict]:
        return list(self.kept) if self.k else []


def _try_average(model: torch.nn.Module, states: list[dict], best_chrf: float, valid_chrf) -> dict | None:
    """Average the last epochs' weights; keep the average in ``model`` when its validation chrF is at
    least the best single epoch's, else restore the best epoch. Returns what was done (or None)."""
    from rnnkit.translate.averaging import average_states

    if len(states) < 2:
        return None
    best = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(average_states(states))
    chrf = valid_chrf(model)
    kept = chrf >= best_chrf
    if not kept:
        model.load_state_dict(best)
    return {"last_epochs": len(states), "val_chrf": chrf, "best_epoch_val_chrf": best_chrf, "kept": kept}


@on_policy_threads
def train_translator(
    splits: Splits,
    src_lang: str,
    tgt_lang: str,
    opts: TrainOptions,
    out: Path | None = None,
    extra_config: dict | None = None,
    run: RunFolder | None = None,
    run_settings: dict | None = None,
    train_batches: Callable[[Tokenizer, Tokenizer], Iterable] | None = None,
) -> TrainOutcome:
    """Train on ``splits.train``, validate by decoding ``splits.valid``, score ``splits.test``.

    When ``out`` is given the model folder is written there, whole or not at all. With ``run`` the
    engine keeps ``metrics.csv`` and checkpoints in the run folder, beside the tokenizers and
    ``run.json`` with ``run_settings`` (what must match on resume: the command line passes its options
    and a fingerprint of the splits); ``run.resume`` continues from the newest checkpoint with the
    run's own tokenizers, or names the setting that differs. ``train_batches(src_tok, tgt_tok)``, when
    given, makes the training batches instead of ``splits.train`` (``--stream``, where ``splits.train``
    is only the sample the tokenizers learn from).

    The recipe's steps: :func:`prepare_tokenizers`, :func:`build_translator`, :func:`fit_translator`,
    :func:`save_translator`.
    """
    opts.check()
    if opts.spell_numbers:  # before the run folder gets its tokenizers
        english_only(src_lang)
    src_tok, tgt_tok = prepare_tokenizers(splits, opts, run, run_settings)
    cut = None if train_batches is not None else pairs_over(splits.train, src_tok, tgt_tok, opts.max_src_len)
    model, config = build_translator(opts, src_tok, tgt_tok, src_lang, tgt_lang, [s for s, _ in splits.train])
    fitted, averaged = fit_translator(
        model, config, splits, (src_tok, tgt_tok), tgt_lang, opts, run, train_batches=train_batches
    )
    translator = Translator(fitted.model, src_tok, tgt_tok, config, fitted.device)
    test = evaluate_pairs(translator, splits.test, tgt_lang, **translator.decoding())
    fit = fitted.result
    outcome = TrainOutcome(
        translator=translator,
        best_epoch=fit.best_epoch,
        best_val_chrf=float(fit.best_metric),
        epochs_run=fit.epochs_run,
        seconds=fit.seconds,
        test=test,
        history=fit.history,
        averaged=averaged,
        cut_pairs=cut,
    )
    if out is not None:
        save_translator(out, outcome, opts, splits, extra_config)
    return outcome


def prepare_tokenizers(
    splits: Splits, opts: TrainOptions, run: RunFolder | None, run_settings: dict | None
) -> tuple[Tokenizer, Tokenizer]:
    """Seed, begin the run, and the tokenizers: trained on the training split, or a resumed run's own.

    A fresh run writes its tokenizers to the run folder, so that ``--resume`` never trains them again.
    """
    from rnnkit.train.checkpoint import begin_run
    from rnnkit.train.recipe import start_run

    # --epochs may be raised to train longer, except under cosine, whose length is the saved run's.
    may_differ = resume_may_differ(opts.lr_schedule)
    if run is not None and run.resume:  # the run's own tokenizers, never trained again
        saved, now = saved_settings(run), run_settings or {}
        may_differ = resume_may_differ(opts.lr_schedule, saved, now)  # a path only with the same data
        explain_sha256(
            lambda: explain_cosine(
                lambda: start_run(run, now, opts.seed, may_differ=may_differ), opts.lr_schedule
            ),
            saved,
            now,
        )
        run.record(now, [k for k in CORPUS_PATHS if k in may_differ])  # a moved corpus: its path now
        return (
            Tokenizer(run.read_file(SRC_SPM), str(run.path / SRC_SPM)),
            Tokenizer(run.read_file(TGT_SPM), str(run.path / TGT_SPM)),
        )
    start_run(None, {}, opts.seed)
    src_tok = Tokenizer.train([p[0] for p in splits.train], opts.vocab_size)
    tgt_tok = Tokenizer.train([p[1] for p in splits.train], opts.vocab_size)
    if run is not None:  # begun once the tokenizers exist: a run folder never lacks them
        begin_run(run, run_settings or {}, may_differ=may_differ)
        run.write_file(SRC_SPM, src_tok.model_bytes)
        run.write_file(TGT_SPM, tgt_tok.model_bytes)
    return src_tok, tgt_tok


def build_translator(
    opts: TrainOptions,
    src_tok: Tokenizer,
    tgt_tok: Tokenizer,
    src_lang: str,
    tgt_lang: str,
    train_sources: Iterable[str] = (),
) -> tuple[Seq2Seq, dict]:
    """The model of ``opts`` for these vocabularies, and the config it is saved with. With
    ``opts.spell_numbers`` None, an English model spells digits out when its training sources write
    numbers in words (:func:`~rnnkit.translate.numbers.corpus_spells_numbers`)."""
    cfg = replace(opts.model, src_vocab=src_tok.vocab_size, tgt_vocab=tgt_tok.vocab_size).check()
    config = {
        "application": "translate",
        "src_lang": src_lang,
        "tgt_lang": tgt_lang,
        "max_src_len": opts.max_src_len,
        "max_len": opts.max_len,
        "model": cfg.to_dict(),
        "decoding": opts.decoding(),
    }
    if opts.spell_numbers is None:
        config["decoding"]["spell_numbers"] = src_lang == "en" and corpus_spells_numbers(train_sources)
    return Seq2Seq(cfg), config


def fit_translator(
    model: Seq2Seq,
    config: dict,
    splits: Splits,
    tokenizers: tuple[Tokenizer, Tokenizer],
    tgt_lang: str,
    opts: TrainOptions,
    run: RunFolder | None,
    train_batches: Callable[[Tokenizer, Tokenizer], Iterable] | None = None,
) -> tuple[Fitted, dict | None]:
    """Fit on the training split (or the batches ``train_batches`` makes), keeping the epoch of the
    best validation chrF (greedy decoding); then, with ``opts.average_last``, the average of the last
    epochs when it is no worse."""
    from rnnkit.train.recipe import fit_model
    from rnnkit.translate.batches import PairDataset, make_loader

    src_tok, tgt_tok = tokenizers
    valid_ds = PairDataset(splits.valid, src_tok, tgt_tok, opts.max_src_len)
    if train_batches is not None:
        train_loader = train_batches(src_tok, tgt_tok)
    else:
        train_ds = PairDataset(
            splits.train, src_tok, tgt_tok, opts.max_src_len, sampling=opts.subword_sampling, seed=opts.seed
        )
        train_loader = make_loader(
            train_ds, opts.batch_size, shuffle=True, seed=opts.seed, bucket=opts.bucket
        )
    valid_loader = make_loader(valid_ds, opts.batch_size, shuffle=False)
    loss_fn = _loss_fn(opts)
    valid_chrf = _valid_chrf(splits, src_tok, tgt_tok, config, tgt_lang)
    recent = _AverageStore(opts.average_last, run)  # the last epochs' weights, for checkpoint averaging

    def evaluate(m: torch.nn.Module, loader) -> dict[str, float]:
        total, count = 0.0, 0
        for batch in loader:
            total += float(loss_fn(m, batch)) * batch[0].shape[0]
            count += batch[0].shape[0]
        recent.add(m)
        return {"val_loss": total / max(count, 1), "val_chrf": valid_chrf(m)}

    train_config = opts.fit.train_config(monitor="val_chrf", mode="max")
    fitted = fit_model(model, train_config, loss_fn, train_loader, valid_loader, evaluate, run=run)
    averaged = _try_average(fitted.model, recent.states(), float(fitted.result.best_metric), valid_chrf)
    return fitted, averaged


def _loss_fn(opts: TrainOptions) -> LossFn:
    """Cross-entropy of the next target token (label-smoothed and partly free-running in training)."""

    def loss_fn(m: torch.nn.Module, batch) -> torch.Tensor:
        src, src_len, tgt_in, tgt_out = batch
        ratio = opts.teacher_forcing if m.training else 1.0
        logits = m(src, src_len, tgt_in, teacher_forcing=ratio)  # (N, T, V)
        return F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            tgt_out.reshape(-1),
            ignore_index=PAD,
            label_smoothing=opts.label_smoothing if m.training else 0.0,
        )

    return loss_fn


def _valid_chrf(splits: Splits, src_tok: Tokenizer, tgt_tok: Tokenizer, config: dict, tgt_lang: str):
    """``model -> chrF`` of greedy translations of the validation split."""

    def valid_chrf(m: torch.nn.Module) -> float:
        tr = Translator(m, src_tok, tgt_tok, config, next(m.parameters()).device)
        sources = [p[0] for p in splits.valid]  # the corpus's pairs as written, each one unit (as_typed)
        hyps = [t.text for t in tr.translate(sources, beam=1, batch_size=128, as_typed=True)]
        return score(hyps, [p[1] for p in splits.valid], tgt_lang).chrf

    return valid_chrf


def save_translator(
    out: Path, outcome: TrainOutcome, opts: TrainOptions, splits: Splits, extra_config: dict | None
) -> Path:
    """Write the model folder: config (model, decoding, training settings and results, test scores),
    weights and both tokenizers, whole or not at all."""
    from rnnkit.train.modelfile import save_model

    tr = outcome.translator
    opts_dict = {k: v for k, v in opts.flat().items() if k not in ("device", "show_progress")}
    sizes = {"train": len(splits.train), "valid": len(splits.valid), "test": len(splits.test),
             "duplicates": splits.duplicates}  # fmt: skip
    full = {
        **tr.config,
        **(extra_config or {}),
        "training": {
            **opts_dict,
            "best_epoch": outcome.best_epoch,
            "best_val_chrf": outcome.best_val_chrf,
            "epochs_run": outcome.epochs_run,
            "seconds": round(outcome.seconds, 2),
            "averaged": outcome.averaged,
            "history": outcome.history,
            "splits": sizes,
        },
        "test_scores": outcome.test.as_dict(),
    }
    files = {SRC_SPM: tr.src_tok.model_bytes, TGT_SPM: tr.tgt_tok.model_bytes}
    card = _card(Seq2SeqConfig.from_dict(tr.config["model"]), tr.config["src_lang"], tr.config["tgt_lang"], splits,
                 outcome, extra_config)  # fmt: skip
    return save_model(out, tr.model, full, files=files, card=card)


def _card(
    cfg: Seq2SeqConfig,
    src_lang: str,
    tgt_lang: str,
    splits: Splits,
    outcome: TrainOutcome,
    extra: dict | None,
) -> ModelCard:
    """The model card: architecture, data and split, test scores beside copy-the-source, the verdict."""
    from rnnkit.train.modelcard import ModelCard, ScoreTable

    data = (extra or {}).get("data") or {}  # translate train's record: corpus, split, what was read
    corpus = str(data.get("corpus") or "bundled")
    name = {"bundled": "the bundled English-Korean corpus (rnnkit/translate/data/en_ko.tsv)",
            "moses": "a pair of parallel text files"}.get(corpus, Path(corpus).name)  # fmt: skip
    read = data.get("read") or {}
    pairs = f"{read['pairs']} pairs read; " if "pairs" in read else ""
    summary = (
        f"A {cfg.cell.upper()} encoder-decoder translating {src_lang} to {tgt_lang}: "
        f"{'bidirectional ' if cfg.bidirectional else ''}encoder, {cfg.attention} attention, "
        f"{cfg.num_layers} layer(s), embedding {cfg.embed_size}, hidden {cfg.hidden_size}; sentencepiece "
        f"vocabularies of {cfg.src_vocab} and {cfg.tgt_vocab} pieces. Trained {outcome.epochs_run} epochs; "
        f"the weights kept are epoch {outcome.best_epoch}'s (validation chrF {outcome.best_val_chrf:.2f})"
        + (", averaged over the last epochs." if outcome.averaged else ".")
    )
    test = outcome.test
    scores = [ScoreTable(f"test split: {test.n} sentences never trained on, {test.decoding}", *test.table())]
    title = f"rnnkit translate model: {src_lang} to {tgt_lang}"
    return ModelCard(title, summary, f"{name}: {pairs}{splits.summary()}.", scores, test.verdict())
