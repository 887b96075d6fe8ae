"""Training and scoring a captioner: the glue between data, model, search, metrics and the engine.

Training samples one of each image's reference captions per epoch (a fresh choice every epoch),
minimises the cross-entropy of each next word under teacher forcing, and keeps the weights with the
best validation CIDEr-D of greedy captions (not a teacher-forced loss: that is what users read).
Unreadable images are skipped and counted (``SplitData.problems``). The training engine is imported
only inside :func:`train_captioner`, so scoring and describing never load it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch
from torch import nn

from rnnkit.caption.datasets import CaptionData, ImageRecord, held_out_count
from rnnkit.caption.decode import Decoding, Hypothesis, greedy, search_captions
from rnnkit.caption.encoder import ENCODER_IMAGE_SIZE, make_encoder
from rnnkit.caption.images import load_images
from rnnkit.caption.metrics import cider_d, diversity, most_frequent_caption, score_all
from rnnkit.caption.model import CaptionDecoder, CaptionModel, DecoderConfig
from rnnkit.caption.vocab import PAD, Vocabulary
from rnnkit.train.options import Composed, FitOptions
from rnnkit.train.recipe import Fitted
from rnnkit.utils.config_keys import option_name
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import RunFolder, fingerprint
from rnnkit.utils.threads import cpu_threads
from rnnkit.utils.wording import as_typed


def _decoder() -> DecoderConfig:
    # vocab_size, feature_dim and locations come from the data and the encoder (build_model).
    return DecoderConfig(vocab_size=0, feature_dim=0, attention=True, deep_output=True)


def _fit() -> FitOptions:
    # patience None: no early stop. Under the cosine schedule the gains come in the last epochs (small
    # steps): a patience of 5 stopped a run at epoch 17 of 25, after five epochs of noisy validation scores.
    # Batches of 32: twice the updates of 64 for 13 to 27% more CPU time; validation: digits read 94.8% of the
    # numbers against 90.8%, shapes colour precision 0.98 against 0.93 (docs/RESULTS.md, third pass).
    return FitOptions(epochs=25, batch_size=32, lr=1e-3, lr_schedule="cosine", patience=None, clip_norm=5.0)


@dataclass(init=False)
class CaptionConfig(Composed):
    """Everything that defines a captioning run (saved flat in the model folder's config.json): the
    decoder's :class:`~rnnkit.caption.model.DecoderConfig`, the shared
    :class:`~rnnkit.train.options.FitOptions`, and the encoder and data settings of captioning.

    Built and read flat as well (``CaptionConfig(hidden_size=16, epochs=1).cell``), see
    :class:`~rnnkit.train.options.Composed`; the progress bar is an argument of
    :func:`train_captioner`, not a setting of the run.
    """

    PARTS = ("decoder", "fit")
    NOT_SETTINGS = ("vocab_size", "feature_dim", "locations", "show_progress")

    decoder: DecoderConfig = field(default_factory=_decoder)
    fit: FitOptions = field(default_factory=_fit)
    encoder: str = "cnn"
    channels: int = 128  # 64 read 86% of handwritten digits right (validation: 128 + attribute loss 96%)
    grid: int = 4
    image_size: int = 64
    max_len: int = 24
    min_count: int = 1
    max_train: int | None = None
    augment: str = "auto"  # training images: "elastic" distortion, "none"; "auto": elastic for handwriting
    attribute_loss: float = 1.0  # weight of the encoder's auxiliary word-presence loss (attributes.py)
    # weight of the per-location shape and colour loss (located.py; data that records where each shape is).
    # 1: shape precision on never-seen colour-shape pairs 0.807 against 0.773, colour 0.978 against 0.959
    # (validation, means of 3 seeds; docs/RESULTS.md, sixth pass)
    located_loss: float = 1.0
    attend_loss: float = 0.0  # weight of the where-to-look loss on the named shape (located.py; shapes data)
    repeat_loss: float = 0.0  # weight of the loss against naming a shape twice (located.py; shapes data)
    # How captions are searched after training (caption eval, describe, the demo; decode.Decoding): beam 10
    # ranked by log p / (len + 1)^3 plus twice the located check (check.py). Validation, 2 seeds: shape
    # precision 0.98 on seen pairs and 0.86 on never-seen ones (greedy 0.89, 0.80), distinct captions 0.97
    # and 0.94 (greedy 0.92, 0.90); fewer shapes named (recall 0.79 against 0.89). docs/RESULTS.md, seventh pass
    beam: int = 10
    length_penalty: float = 3.0
    located_check: float = 2.0
    threads: int | None = None  # None: rnnkit.utils.threads' policy

    def decoding(self) -> Decoding:
        """The decoding settings saved with the model."""
        return Decoding(self.beam, self.length_penalty, self.located_check)

    def reading_size(self) -> int:
        """The side images are read at: the encoder's own size for pretrained ones."""
        return ENCODER_IMAGE_SIZE.get(self.encoder, self.image_size)

    def to_dict(self) -> dict:
        return self.flat()


@dataclass
class SplitData:
    """Records that could be read, their model inputs (images or cached features), what was skipped."""

    records: list[ImageRecord]
    inputs: torch.Tensor
    problems: list[str] = field(default_factory=list)

    @property
    def refs(self) -> list[list[list[str]]]:
        return [r.captions for r in self.records]


def prepare_split(
    records: Sequence[ImageRecord],
    cfg: CaptionConfig,
    frozen: nn.Module | None = None,
    cache_dir: str | Path | None = None,
    show_progress: bool = False,
) -> SplitData:
    """Read the images of ``records``; with a ``frozen`` encoder, turn them into (cached) features.

    A frozen encoder's features already cached for these files are read back without opening an image
    that was read when they were cached (decoding at the encoder's 224 px is the slow part; the skipped
    ones are tried again); a trained encoder gets the pixels.
    """
    from rnnkit.caption.features import cached_features, file_stamps, lookup_features, remember_skipped

    size, all_paths = cfg.reading_size(), [r.image for r in records]
    if frozen is not None:
        found = lookup_features(frozen, cfg.encoder, cfg.grid, size, all_paths, cache_dir)
        if found is not None:
            return SplitData([records[i] for i in found.kept], found.features, found.problems)
    stamps = file_stamps(all_paths) if frozen is not None else []  # before reading: see file_stamps
    images, kept, problems = load_images(all_paths, size, skip=True, show_progress=show_progress)
    kept_records = [records[i] for i in kept]
    if not kept_records:
        return SplitData([], images, problems)
    if frozen is None:
        return SplitData(kept_records, images, problems)
    paths = [r.image for r in kept_records]
    feats, _ = cached_features(frozen, cfg.encoder, cfg.grid, size, paths, images, cache_dir, show_progress,
                               [stamps[i] for i in kept])  # fmt: skip
    remember_skipped(frozen, cfg.encoder, cfg.grid, size, all_paths, cache_dir, kept, problems, stamps)
    return SplitData(kept_records, feats, problems)  # the pixels are let go: only the features are kept


def split_train_val(data: CaptionData, seed: int, max_train: int | None = None) -> tuple[list, list]:
    """The ``train`` and ``val`` records; without a ``val`` split, some of train is held out (seeded):
    5%, but at least 5 images where the data allows (:func:`~rnnkit.caption.datasets.held_out_count`)."""
    train, val = data.split("train"), data.split("val")
    if not train:
        present = ", ".join(sorted({repr(r.split) for r in data.records}))
        raise RnnkitError(
            f"{data.source}: no images in the 'train' split (its splits: {present}); rnnkit trains on 'train', "
            "validates on 'val' and scores 'test'"
        )  # a file of other split names was refused without saying which it holds
    if not val:
        order = list(range(len(train)))
        random.Random(seed).shuffle(order)
        n_val = held_out_count(len(train))
        val = [train[i] for i in order[:n_val]]
        train = [train[i] for i in sorted(order[n_val:])]
        if not val:
            raise RnnkitError(f"{data.source}: need at least 2 images to train (one to validate)")
    if max_train is not None:
        train = train[:max_train]
    return train, val


def _no_readable_image(name: str, records: list, data: CaptionData) -> str:
    """Why the ``name`` split has no image to train or validate on, and what to do about it."""
    n = len(records)
    skipped = {1: "its one image was skipped", 2: "both its images were skipped"}.get(
        n, f"all {n} of its images were skipped"
    )
    if name == "validation" and not data.split("val"):  # drawn from train: the user never chose them
        held = f" ({records[0].image})" if len(records) == 1 else ""
        return (
            f"no readable image in the validation split: {skipped}{held}, held out of train as the data has "
            "no val split; give the data a val split, or remove or repair the images skipped"
        )
    return f"no readable image in the {name} split: {skipped}; remove or repair them"


class _Pairs(torch.utils.data.Dataset):
    """Image i with one of its captions, chosen afresh at each visit (torch's seeded RNG), and its
    auxiliary labels when given: ``{name: targets[name][i]}``, and ``attend``: ``attend[i][j]``, the
    where-to-look target of caption ``j``."""

    def __init__(
        self,
        inputs: torch.Tensor,
        captions: list[torch.Tensor],
        targets: dict[str, torch.Tensor] | None = None,
        attend: list[torch.Tensor] | None = None,
    ) -> None:
        self.inputs, self.captions, self.targets, self.attend = inputs, captions, targets, attend

    def __len__(self) -> int:
        return len(self.captions)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, ...]:
        caps = self.captions[i]  # (k_i, T)
        j = int(torch.randint(len(caps), (1,)))
        if self.targets is None:
            return self.inputs[i], caps[j]
        labels = {name: t[i] for name, t in self.targets.items()}
        if self.attend is not None:
            labels["attend"] = self.attend[i][j]  # (T-1, L)
        return self.inputs[i], caps[j], labels


def build_model(
    cfg: CaptionConfig, vocab_size: int, encoder: nn.Module | None = None, located: bool = False
) -> tuple[CaptionModel, nn.Module | None]:
    """The model, and the frozen encoder kept outside it (None for a trainable encoder).

    ``encoder`` reuses an encoder already built (a frozen one is expensive to load); ``located``: with
    a :class:`~rnnkit.caption.located.LocatedHead` (a model folder that saved one).
    """
    encoder = encoder if encoder is not None else make_encoder(cfg.encoder, cfg.channels, cfg.grid)
    dec = replace(cfg.decoder, vocab_size=vocab_size, feature_dim=encoder.out_channels,
                  locations=encoder.locations(cfg.reading_size()),
                  deep_output=cfg.deep_output and cfg.attention)  # fmt: skip
    frozen = encoder if getattr(encoder, "frozen", False) else None
    head = None
    if located:
        from rnnkit.caption.located import LocatedHead

        head = LocatedHead(dec.feature_dim)
    return CaptionModel(None if frozen is not None else encoder, CaptionDecoder(dec), head), frozen


def caption_loss(model: nn.Module, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """Mean next-word cross-entropy over real (non-pad) words; plus the attribute loss when the batch
    carries attribute labels (``(inputs, captions, targets)``, model ``attributes.WithAttributes``)."""
    inputs, caps, *targets = batch  # (N, ...), (N, T), [(N, K)]
    used = int((caps != PAD).any(dim=0).nonzero().max()) + 1  # drop all-pad columns
    caps = caps[:, :used]
    logits, aux = model(inputs, caps, *targets)  # (N, T-1, V)
    loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), caps[:, 1:].reshape(-1),
                                       ignore_index=PAD)  # fmt: skip
    return loss + aux if targets else loss


@torch.no_grad()
def caption_split(
    model: CaptionModel,
    inputs: torch.Tensor,
    vocab: Vocabulary,
    decoding: Decoding | None = None,
    max_len: int = 24,
    batch_size: int = 128,
    threads: int | None = None,
) -> list[Hypothesis]:
    """Captions for ``inputs`` (images or features) in batches; ``decoding`` None: greedy."""
    with cpu_threads(threads):
        return _caption_split(model, inputs, vocab, decoding or Decoding(), max_len, batch_size)


def _caption_split(
    model: CaptionModel,
    inputs: torch.Tensor,
    vocab: Vocabulary,
    decoding: Decoding,
    max_len: int,
    batch_size: int,
) -> list[Hypothesis]:
    model.eval()
    device = next(model.parameters()).device
    out: list[Hypothesis] = []
    for i in range(0, len(inputs), batch_size):
        feats = model.features(inputs[i : i + batch_size].to(device))  # (B, L, D)
        out += search_captions(model, feats, vocab, decoding, max_len)
    return out


def make_loss(augment: str) -> Callable:
    """The training loss: :func:`caption_loss`, on randomly distorted images when ``augment`` is
    ``elastic`` (training steps only: the engine's ``model.training`` is False when it validates)."""
    if augment == "none":
        return caption_loss
    from rnnkit.caption.augment import distort

    def loss(model: nn.Module, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        inputs, *rest = batch
        return caption_loss(model, (distort(inputs) if model.training else inputs, *rest))

    return loss


def _val_metrics(vocab: Vocabulary, refs: list, max_len: int) -> Callable:
    def evaluate(model: CaptionModel, loader) -> dict[str, float]:
        hyps: list[list[str]] = []
        for inputs, _ in loader:
            for h in greedy(model.decoder, model.features(inputs), max_len):
                hyps.append(vocab.decode(h.ids))
        return {"CIDEr-D": cider_d(refs[: len(hyps)], hyps)}

    return evaluate


@dataclass
class Trained:
    """What :func:`train_captioner` returns."""

    model: CaptionModel
    frozen: nn.Module | None
    vocab: Vocabulary
    max_len: int
    fit: object
    train: SplitData
    val: SplitData
    ood: object = None  # rnnkit.caption.ood.OodDetector


def train_captioner(
    data: CaptionData,
    cfg: CaptionConfig,
    run: RunFolder | None = None,
    cache_dir: Path | None = None,
    show_progress: bool = False,
    log: Callable[[str], None] = lambda s: None,
    run_settings: dict | None = None,
) -> Trained:
    """Train a captioner on ``data``'s train split, selecting by validation CIDEr-D.

    With ``run`` the engine keeps ``metrics.csv`` and checkpoints in the run folder, beside
    ``vocab.json`` and ``run.json`` (``run_settings``, the configuration, a fingerprint of the train and
    validation records, ``max_len``); ``run.resume`` continues from the newest checkpoint with the run's
    own vocabulary, or names the setting that differs.
    """
    with cpu_threads(cfg.threads):
        return _train(data, cfg, run, cache_dir, show_progress, log, run_settings)


RUN_VOCAB = "vocab.json"  # the vocabulary of a run, in its run folder

# where and how fast, not what, is trained; and how its captions are searched afterwards
_NOT_IN_RUN = ("device", "threads", "beam", "length_penalty", "located_check")


def _run_settings(cfg: CaptionConfig, settings: dict | None, train: list, val: list) -> dict:
    """What must match for ``--resume``: the options, the configuration and the records read."""
    # a path's bytes that are not UTF-8 as typed (photos\xf1/a.jpg): the fingerprint's JSON could not encode
    # its lone surrogate, a traceback before the first epoch; other paths fingerprint as before (resumable)
    records = [[r.split, as_typed(str(r.image.resolve())), r.captions] for r in train + val]
    options = {option_name(k): v for k, v in cfg.to_dict().items() if k not in _NOT_IN_RUN}
    return {**(settings or {}), "data as read": fingerprint(records), **options}


def _train(
    data: CaptionData,
    cfg: CaptionConfig,
    run: RunFolder | None,
    cache_dir: Path | None,
    show_progress: bool,
    log: Callable[[str], None],
    run_settings: dict | None,
) -> Trained:
    """The recipe's steps: :func:`prepare_training`, :func:`build_model`, :func:`fit_captioner`."""
    from rnnkit.utils.seeding import seed_everything

    prepared = prepare_training(data, cfg, run, cache_dir, show_progress, log, run_settings)
    seed_everything(cfg.seed)
    model, _ = build_model(cfg, len(prepared.vocab), prepared.frozen)
    if cfg.word_classes:
        model.decoder.set_word_classes(task_word_classes(prepared.train.records, prepared.vocab))
    fitted = fit_captioner(model, cfg, prepared, run, show_progress)
    model = getattr(fitted.model, "captioner", fitted.model)  # the attribute head is for training only
    if prepared.frozen is not None:
        prepared.frozen.to(next(model.parameters()).device)
    train, val = prepared.train, prepared.val
    return Trained(model, prepared.frozen, prepared.vocab, prepared.max_len, fitted.result, train, val,
                   fit_familiarity(model, train, val))  # fmt: skip


@dataclass
class Prepared:
    """What :func:`prepare_training` returns: readable splits, the vocabulary, the caption limit."""

    train: SplitData
    val: SplitData
    vocab: Vocabulary
    max_len: int
    frozen: nn.Module | None


def prepare_training(
    data: CaptionData,
    cfg: CaptionConfig,
    run: RunFolder | None,
    cache_dir: Path | None,
    show_progress: bool,
    log: Callable[[str], None],
    run_settings: dict | None,
) -> Prepared:
    """Seed, check a resumed run, read the images (features of a frozen encoder), build the vocabulary
    (a resumed run's own), and begin a fresh run with it."""
    from rnnkit.train.checkpoint import begin_run
    from rnnkit.train.recipe import start_run

    train_recs, val_recs = split_train_val(data, cfg.seed, cfg.max_train)
    settings = None if run is None else _run_settings(cfg, run_settings, train_recs, val_recs)
    resuming = run is not None and run.resume
    saved = start_run(run if resuming else None, settings or {}, cfg.seed)  # fails fast on a mismatch
    _, frozen = build_model(cfg, 4)  # built early: an unknown cell or encoder fails before reading
    _augment(cfg, train_recs, frozen)  # and an unknown or impossible augmentation
    train = prepare_split(train_recs, cfg, frozen, cache_dir, show_progress)
    val = prepare_split(val_recs, cfg, frozen, cache_dir, show_progress)
    for problem in train.problems + val.problems:
        log(f"skipped: {as_typed(problem)}")  # photos\xf1/a.jpg, as typed
    for name, part, given in (("training", train, train_recs), ("validation", val, val_recs)):
        if not part.records:  # say which, and why: 16 readable images and "none left" read as a bug
            raise RnnkitError(_no_readable_image(name, given, data))
    if len(train.records) < 2:  # checked before training: the familiarity check needs their spread
        raise RnnkitError(
            f"only {len(train.records)} readable training image (and {len(val.records)} for validation): "
            "need at least 2 to train (the familiarity check measures how training images vary)"
        )
    vocab = Vocabulary.build([c for r in train.records for c in r.captions], cfg.min_count)
    lengths = [len(c) for r in train.records for c in r.captions]
    max_len = min(cfg.max_len, max(lengths))
    if cut := sum(n > cfg.max_len for n in lengths):  # said: the model learns to end them where they are cut
        from rnnkit.utils.wording import plural

        are = "is" if cut == 1 else "are"
        first = "their first word" if cfg.max_len == 1 else f"their first {cfg.max_len}"
        log(
            f"{cut} of the {len(lengths)} training captions {are} longer than {plural(cfg.max_len, 'word')}: "
            f"cut after {first}, where the model learns to end (--max-len, max_len in Python, sets the limit)"
        )
    if saved is not None:  # the run's own vocabulary (equal, as the records are: the fingerprint matched)
        vocab = Vocabulary.from_json(run.read_file(RUN_VOCAB).decode("utf-8"))
        max_len = int(saved["max_len"])
    elif run is not None:
        begin_run(run, settings, {"max_len": max_len})
        run.write_file(RUN_VOCAB, vocab.to_json().encode("utf-8"))
    return Prepared(train, val, vocab, max_len, frozen)


def fit_captioner(
    model: CaptionModel, cfg: CaptionConfig, prepared: Prepared, run: RunFolder | None, show_progress: bool
) -> Fitted:
    """Fit on the training images (one of each image's captions per epoch), keeping the epoch of the
    best validation CIDEr-D of greedy captions."""
    from rnnkit.train.recipe import fit_model

    train, val, vocab, max_len = prepared.train, prepared.val, prepared.vocab, prepared.max_len
    captions = [vocab.encode_batch(r.captions, max_len) for r in train.records]
    attend = _attend_targets(cfg, train.records, max_len, model.decoder.config.locations)
    trained, targets = _with_attributes(model, cfg, vocab, train.records, attend is not None)
    generator = torch.Generator().manual_seed(cfg.seed)
    loader = torch.utils.data.DataLoader(_Pairs(train.inputs, captions, targets, attend), batch_size=cfg.batch_size,
                                         shuffle=True, generator=generator)  # fmt: skip
    val_set = torch.utils.data.TensorDataset(val.inputs, torch.arange(len(val.records)))
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=256)
    tcfg = cfg.fit.train_config("CIDEr-D", "max", show_progress=show_progress)
    evaluate = _val_metrics(vocab, val.refs, max_len)
    loss = make_loss(_augment(cfg, train.records, prepared.frozen))
    return fit_model(trained, tcfg, loss, loader, val_loader, evaluate, run=run)


def task_word_classes(records: Sequence[ImageRecord], vocab: Vocabulary) -> list[list[int]]:
    """The word classes of the task (``DecoderConfig.word_classes``), as ids of ``vocab``: for generated
    shapes scenes the shape words (``shapes.WORD_CLASSES``); none for other data."""
    from rnnkit.caption.shapes import WORD_CLASSES

    if not any(r.scene is not None for r in records):
        return []
    classes = [[vocab.index[w] for w in words if w in vocab.index] for words in WORD_CLASSES.values()]
    return [ids for ids in classes if len(ids) > 1]  # a class of one word has nothing to choose


def _attend_targets(
    cfg: CaptionConfig, records: Sequence[ImageRecord], max_len: int, locations: int
) -> list[torch.Tensor] | None:
    """Per image, the where-to-look targets ``(k_i, max_len + 1, L)`` of its captions (``attend_loss``,
    data with scenes and an attending decoder only), else None."""
    import math

    from rnnkit.caption.located import attention_targets, object_cells

    side = math.isqrt(locations)
    if (cfg.attend_loss <= 0 and cfg.repeat_loss <= 0) or not cfg.attention or side * side != locations:
        return None
    if not any(r.scene for r in records):
        return None
    steps = max_len + 1
    out = []
    for r in records:
        scene = r.scene or []
        cells = [object_cells(s, scene, side) for s in scene]  # once per image, for all its captions
        out.append(
            torch.stack([attention_targets(c[:max_len], scene, side, steps, cells) for c in r.captions])
        )
    return out


def _with_attributes(
    model: CaptionModel,
    cfg: CaptionConfig,
    vocab: Vocabulary,
    records: Sequence[ImageRecord],
    attend: bool = False,
) -> tuple[nn.Module, dict[str, torch.Tensor] | None]:
    """The module to train and its auxiliary labels: ``model`` itself and None without an auxiliary
    loss (or when no label applies), else ``model`` wrapped with its training-only heads: an
    :class:`~rnnkit.caption.attributes.AttributeHead` (``attribute_loss``, labels ``words``) and a
    :class:`~rnnkit.caption.located.LocatedHead` (``located_loss``, on data that records where each
    shape is; labels ``kind`` and ``colour``)."""
    from rnnkit.caption.attributes import AttributeHead, WithAttributes, attribute_targets, attribute_words
    from rnnkit.caption.located import LocatedHead, location_targets

    dec = model.decoder.config
    targets: dict[str, torch.Tensor] = {}
    head = None
    words = attribute_words([r.captions for r in records], vocab) if cfg.attribute_loss > 0 else []
    if words:
        head = AttributeHead(dec.feature_dim, len(words))
        targets["words"] = attribute_targets([r.captions for r in records], words)
    where = location_targets([r.scene for r in records], dec.locations) if cfg.located_loss > 0 else None
    if where is not None:
        # part of the model, so saved with it: decoding checks captions against it (check.py)
        model.located = LocatedHead(dec.feature_dim)
        targets.update(where)
    if not targets and not attend:  # attend: the where-to-look labels come with each caption (_Pairs)
        return model, None
    wrapped = WithAttributes(model, head, cfg.attribute_loss, cfg.located_loss, cfg.attend_loss,
                             cfg.repeat_loss)  # fmt: skip
    return wrapped, targets


def _augment(cfg: CaptionConfig, records: Sequence[ImageRecord], frozen: nn.Module | None) -> str:
    """The augmentation used: ``cfg.augment`` with ``auto`` resolved by the data (handwriting: elastic)."""
    from rnnkit.caption.augment import resolve_augment

    handwriting = any(r.digits is not None for r in records)
    name = resolve_augment(cfg.augment, handwriting)
    if name != "none" and frozen is not None:
        if cfg.augment != "auto":
            raise RnnkitError(
                f"--augment {cfg.augment} distorts pixels; a frozen encoder trains on cached features"
            )
        return "none"
    return name


def fit_familiarity(model: CaptionModel, train: SplitData, val: SplitData) -> object:
    """The out-of-distribution detector of ``model``: training statistics, validation threshold."""
    from rnnkit.caption.ood import OodDetector, pooled_features

    model.eval()
    device = next(model.parameters()).device

    def features(x: torch.Tensor) -> torch.Tensor:
        return model.features(x.to(device))

    return OodDetector.fit(pooled_features(features, train.inputs), pooled_features(features, val.inputs))


def score_split(
    hyps: Sequence[Sequence[str]], refs: Sequence[Sequence[Sequence[str]]], train_captions: Sequence
) -> dict[str, float]:
    """Scores plus diversity of generated captions ``hyps`` against ``refs``."""
    scores = score_all(refs, hyps)
    div = diversity(hyps, train_captions)
    return {**scores, "distinct": div["distinct"], "novel": div["novel"]}


def baseline_scores(
    refs: Sequence[Sequence[Sequence[str]]], train_captions: Sequence[Sequence[str]]
) -> dict[str, float]:
    """The most frequent training caption for every image, scored like a model."""
    best = most_frequent_caption(train_captions)
    return score_split([best] * len(refs), refs, train_captions)
