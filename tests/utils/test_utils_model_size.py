"""utils.model_size: the bytes of weights a config implies are never fewer than its model's (each
application's real model, built on the meta device over many configs) and not many times more."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from rnnkit.utils.model_size import BYTES_PER_WEIGHT, FIXED_BYTES, config_file_bytes, config_weight_bytes


def _saved_bytes(model: torch.nn.Module) -> int:
    """What save_model writes of ``model``: every state-dict entry, fp32 (int64 counters 8 bytes)."""
    return sum(
        t.numel() * (8 if t.dtype == torch.int64 else BYTES_PER_WEIGHT) for t in model.state_dict().values()
    )


def _check(config: dict, model: torch.nn.Module) -> None:
    actual, bound = _saved_bytes(model), config_weight_bytes(config)
    assert bound is not None and actual <= bound, (actual, bound)
    assert bound - FIXED_BYTES <= 5 * actual, (actual, bound)  # a bound, not a blanket
    assert config_file_bytes(config) > bound


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(("layers", "ensemble", "blend"), [(1, 1, False), (3, 1, True), (2, 4, False)])
def test_forecast(cell, layers, ensemble, blend):
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.forecast.model import LinearBlend

    hyper = Hyper(cell=cell, hidden_size=96, num_layers=layers, ensemble=ensemble, quantiles=(0.1, 0.5, 0.9))
    columns, horizon, window = ["a", "b", "c"], 5, 60
    with torch.device("meta"):
        net = hyper.build(len(columns), horizon)
        model = LinearBlend(net, window * len(columns), horizon) if blend else net
    config = {"application": "forecast", "cell": cell, "hidden_size": 96, "num_layers": layers,
              "columns": columns, "horizon": horizon, "window": window, "quantiles": [0.1, 0.5, 0.9],
              "ensemble": ensemble, "linear_blend": blend}  # fmt: skip
    _check(config, model)


@pytest.mark.parametrize("variant", ["rnn", "irnn", "lstm", "gru"])
@pytest.mark.parametrize(("inputs", "outputs", "per_step"), [(2, 1, False), (10, 10, True)])
def test_explain(variant, inputs, outputs, per_step):
    from rnnkit.explain.models import TaskModel

    with torch.device("meta"):
        model = TaskModel(variant, inputs, 128, outputs, per_step=per_step)
    config = {"application": "explain", "cell": variant, "hidden_size": 128, "input_size": inputs,
              "output_size": outputs, "per_step": per_step}  # fmt: skip
    _check(config, model)


@pytest.mark.parametrize(
    "arch",
    [
        {"cell": "gru", "attention": "bahdanau"},
        {"cell": "lstm", "attention": "luong", "num_layers": 3, "bidirectional": False},
        {"cell": "rnn", "attention": "none", "input_feeding": False},
        {
            "cell": "lstm",
            "attention": "luong",
            "luong_score": "dot",
            "tie_embeddings": True,
            "embed_size": 64,
        },
        {"cell": "gru", "attention": "bahdanau", "num_layers": 2, "hidden_size": 512, "embed_size": 512},
    ],
)
def test_translate(arch):
    from rnnkit.translate.ensemble import Seq2SeqEnsemble
    from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig

    cfg = Seq2SeqConfig(**{"src_vocab": 3000, "tgt_vocab": 4000, **arch})
    with torch.device("meta"):
        _check({"application": "translate", "model": cfg.to_dict()}, Seq2Seq(cfg))
        members = [cfg, replace(cfg, hidden_size=64)]
        config = {
            "application": "translate",
            "model": cfg.to_dict(),
            "ensemble": [m.to_dict() for m in members],
        }
        _check(config, Seq2SeqEnsemble(members))


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"cell": "gru", "attention": False, "deep_output": False, "inject": "first"},
        {"coverage": True, "word_classes": True},
        {"cell": "rnn", "channels": 256, "image_size": 96},
        {"encoder": "efficientnet-lite0", "grid": 3},
    ],
)
@pytest.mark.parametrize("located", [False, True])
def test_caption(settings, located):
    from rnnkit.caption.pipeline import CaptionConfig, build_model

    if settings.get("encoder") == "efficientnet-lite0":  # frozen, kept outside the model's weights
        pytest.importorskip("efficientnet_lite_pytorch", reason="the pretrained extra is not installed")
    cfg = CaptionConfig(**{"channels": 64, "image_size": 64, "embed_size": 64, "hidden_size": 128,
                           "attention_dim": 64, **settings})  # fmt: skip
    with torch.device("meta"):
        model, _ = build_model(cfg, 300, located=located)
    config = {"application": "caption", "caption": cfg.to_dict(), "decoder": model.decoder.config.to_dict()}
    _check(config, model)


@pytest.mark.parametrize(
    "config",
    [
        {"application": "other", "hidden_size": 8},
        {"application": "forecast", "hidden_size": "8", "num_layers": 1, "columns": ["a"], "horizon": 1},
        {"application": "translate", "model": {"src_vocab": 10**9, "tgt_vocab": 10}},
        {"application": "caption"},
        {"application": "explain", "hidden_size": True, "input_size": 1, "output_size": 1},
    ],
)
def test_a_config_it_cannot_read_implies_no_bound(config):
    """The application's own checks refuse it; the Hub holds its weights to the flat limit."""
    assert config_weight_bytes(config) is None and config_file_bytes(config) is None
