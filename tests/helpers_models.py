"""Untrained model folders of every application, built in milliseconds (loader and load/save tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SENTENCES_EN = ["I am a student.", "You are a teacher.", "We eat rice.", "They read books."] * 5
SENTENCES_KO = [
    "저는 학생입니다.",
    "당신은 선생님입니다.",
    "우리는 밥을 먹습니다.",
    "그들은 책을 읽습니다.",
] * 5


def make_forecast(folder: Path) -> Path:
    from rnnkit.forecast.forecaster import Hyper, TrainedModel
    from rnnkit.forecast.windows import Scaler

    hyper = Hyper(hidden_size=4)
    one = Scaler(mean=np.zeros(1), std=np.ones(1))
    return TrainedModel(hyper.build(1, 1), hyper, 4, 1, "returns", ["Close"], one, one).save(folder)


def make_explain(folder: Path) -> Path:
    from rnnkit.explain.gates import save_task_model
    from rnnkit.explain.training import build_model

    return save_task_model(folder, build_model("lstm", "adding", 4), "adding", 10)


def make_translate(folder: Path) -> Path:
    from rnnkit.train.modelfile import save_model
    from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig
    from rnnkit.translate.tokenizer import Tokenizer

    src, tgt = Tokenizer.train(SENTENCES_EN, 8), Tokenizer.train(SENTENCES_KO, 8)
    assert src.vocab_size != tgt.vocab_size  # so that swapping them changes the sizes
    cfg = Seq2SeqConfig(src.vocab_size, tgt.vocab_size, cell="gru", embed_size=8, hidden_size=8)
    config = {"application": "translate", "src_lang": "en", "tgt_lang": "ko", "max_src_len": 32,
              "max_len": 20, "model": cfg.to_dict()}  # fmt: skip
    files = {"src.spm": src.model_bytes, "tgt.spm": tgt.model_bytes}
    return save_model(folder, Seq2Seq(cfg), config, files=files)


def make_caption(folder: Path) -> Path:
    from rnnkit.caption.modelio import save_captioner
    from rnnkit.caption.pipeline import CaptionConfig, build_model
    from rnnkit.caption.vocab import Vocabulary

    cfg = CaptionConfig(channels=8, image_size=32, embed_size=8, hidden_size=8, attention_dim=8)
    vocab = Vocabulary.build([["a", "red", "circle"]])
    model, _ = build_model(cfg, len(vocab))
    return save_captioner(folder, model, vocab, cfg, 10)


def assert_model_card(folder: Path, command: str, baseline: str) -> str:
    """``folder`` (written by a train command) has a model card and provenance naming ``command``
    (``"forecast train"``...), its scores beside ``baseline``, and the versions; returns the card."""
    import json
    import platform

    import torch

    import rnnkit

    card = (folder / "README.md").read_text(encoding="utf-8")
    made = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert made["command"].startswith(f"rnnkit {command} "), made["command"]
    assert made["rnnkit_version"] == rnnkit.__version__ and made["torch_version"] == torch.__version__
    assert made["python_version"] == platform.python_version()
    for heading in ("## Data", "## Scores", "## How it was made", "## Loading"):
        assert heading in card, heading
    assert made["command"] in card and f"torch {torch.__version__}" in card
    scores = card[card.index("## Scores") : card.index("## How it was made")]
    assert "---:|" in scores and baseline in scores, scores  # a numeric column, the baseline's row
    assert "Verdict: " in scores and "Verdict: Verdict" not in scores
    return card
