"""How many bytes of weights a model folder's ``config.json`` implies, before any weight is read.

A model's architecture is in its config (hidden size, layers, vocabularies...), so the config bounds
its weights file: parameters x 4 bytes (fp32, the widest dtype rnnkit saves; fp16 folders take half).
The one source of that bound, used twice:

- locally (:func:`rnnkit.train.modelfile.load_model`): a ``model.safetensors`` whose header describes
  more bytes than its config implies (one extra 20 GB tensor, tensors larger than the config's) is
  refused from its header, before its data is read;
- on the Hub (:mod:`rnnkit.utils.hub`): the weights are sized against it after the config is downloaded
  and before the weights are, so a legitimate large model (hidden 4096 x 16 layers is GBs) downloads
  while a 20 GB file beside a small config does not.

The counts are upper bounds, never below the real model's (a test builds every application's models of
many configs and compares): every recurrent layer is counted with four gates (an LSTM's; a GRU has three,
a Simple RNN one) and every optional part as present. This module knows the applications' architectures
by their config keys only (it sits below them); a config it cannot read (an unknown application, a
garbled number) implies no bound (None), and its application's own checks refuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rnnkit.utils.limits import MAX_HEADER_BYTES, SIZES

BYTES_PER_WEIGHT = 4  # fp32: the widest dtype a saved rnnkit model holds
# Scalars a module keeps besides its weights (BatchNorm's int64 num_batches_tracked, 8 bytes each) and
# the small heads whose size is fixed by rnnkit rather than the config (the caption's located head).
FIXED_BYTES = 1 << 20


def config_weight_bytes(config: Mapping[str, Any]) -> int | None:
    """The most bytes of tensors the model of ``config`` holds, or None when it implies no bound.

    Args:
        config: a model folder's parsed ``config.json`` (any application; unvalidated is fine).
    """
    count = _COUNTS.get(str(config.get("application")))
    if count is None:
        return None
    try:
        params = count(config)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    return params * BYTES_PER_WEIGHT + FIXED_BYTES


def config_file_bytes(config: Mapping[str, Any]) -> int | None:
    """The most bytes ``model.safetensors`` of the model of ``config`` may take: its tensors
    (:func:`config_weight_bytes`), its header's length field and the largest header read."""
    tensors = config_weight_bytes(config)
    return None if tensors is None else tensors + 8 + MAX_HEADER_BYTES


def _size(section: Mapping[str, Any], key: str, default: int, kind: str) -> int:
    """A size from the config, ``default`` when absent (as the application defaults it); refused
    (ValueError) when it is not a whole number inside ``SIZES[kind]``."""
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not SIZES[kind].contains(value):
        raise ValueError(key)
    return value


def _rnn(input_size: int, hidden: int, layers: int = 1, directions: int = 1) -> int:
    """A recurrent stack's weights, four gates a layer: W_ih (4H, in), W_hh (4H, H), two biases (4H)."""
    total, size = 0, input_size
    for _ in range(layers):
        total += directions * 4 * hidden * (size + hidden + 2)
        size = directions * hidden
    return total


def _linear(inputs: int, outputs: int) -> int:
    return (inputs + 1) * outputs


def _forecast(c: Mapping[str, Any]) -> int:
    """``rnnkit.forecast.model``: ``ensemble`` members of RNN + linear head (horizon x quantiles),
    and the linear blend's coefficients (window x columns + 1, horizon) when there is one."""
    hidden = _size(c, "hidden_size", 0, "hidden")
    layers = _size(c, "num_layers", 0, "layers")
    features, horizon = len(c["columns"]), int(c["horizon"])
    quantiles, window = len(c.get("quantiles") or [0.5]), int(c.get("window") or 0)
    members = int(c.get("ensemble") or 1)
    if not (0 < features <= SIZES["features"].hi and 0 < horizon <= 10_000 and 0 < members <= 64):
        raise ValueError("columns, horizon or ensemble")
    if not 0 <= window <= SIZES["seq_len"].hi:
        raise ValueError("window")
    member = _rnn(features, hidden, layers) + _linear(hidden, horizon * quantiles) + quantiles
    blend = (window * features + 2) * horizon
    return members * member + quantiles + blend


def _explain(c: Mapping[str, Any]) -> int:
    """``rnnkit.explain.models.TaskModel``: one recurrent layer and a linear read-out."""
    hidden = _size(c, "hidden_size", 0, "hidden")
    inputs, outputs = _size(c, "input_size", 0, "features"), _size(c, "output_size", 0, "features")
    return _rnn(inputs, hidden) + _linear(hidden, outputs)


def _seq2seq(m: Mapping[str, Any]) -> int:
    """``rnnkit.translate.model.Seq2Seq`` of one architecture (``config["model"]``)."""
    src, tgt = _size(m, "src_vocab", 0, "vocab"), _size(m, "tgt_vocab", 0, "vocab")
    embed, hidden = _size(m, "embed_size", 128, "embed"), _size(m, "hidden_size", 256, "hidden")
    layers = _size(m, "num_layers", 1, "layers")
    encoder = src * embed + _rnn(embed, hidden, layers, directions=2)  # H/2 a direction: H counted
    cells = _rnn(embed + hidden, hidden, layers)  # input feeding: embedding and attention output
    bridges = 2 * _linear(hidden, hidden)
    attention = 3 * _linear(hidden, hidden) + _linear(hidden, 1) + 2 * hidden * hidden  # and combine
    output = tgt * embed + hidden * embed + _linear(max(hidden, embed), tgt)
    return encoder + cells + bridges + attention + output


def _translate(c: Mapping[str, Any]) -> int:
    """A translator, or an ensemble of them (``config["ensemble"]``: its members' architectures)."""
    members = c.get("ensemble")
    if members is not None:
        if not isinstance(members, list) or not 0 < len(members) <= 64:
            raise ValueError("ensemble")
        return sum(_seq2seq(m) for m in members)
    return _seq2seq(c["model"])


def _caption(c: Mapping[str, Any]) -> int:
    """``rnnkit.caption``: a small CNN (unless the encoder is frozen outside the model) and the decoder
    of ``config["decoder"]`` (vocabulary, feature size and locations; saved since the decoder was
    recorded, else the largest the settings allow)."""
    settings, d = c["caption"], c.get("decoder") or {}
    channels = _size(settings, "channels", 128, "channels")
    encoder = 10 * channels * (channels + 3)  # 3x3 convolutions widening to C, and their BatchNorms
    vocab = _size(d, "vocab_size", int(SIZES["vocab"].hi), "vocab")
    embed, hidden = _size(d, "embed_size", 256, "embed"), _size(d, "hidden_size", 512, "hidden")
    attention_dim = _size(d, "attention_dim", 256, "hidden")
    features = _size(d, "feature_dim", 1280, "channels")
    side = _size(settings, "image_size", 1024, "image_size")
    locations = d.get("locations", side * side)
    if isinstance(locations, bool) or not isinstance(locations, int) or not 0 < locations <= side * side:
        raise ValueError("locations")
    flat = features * locations
    decoder = (
        vocab * embed
        + _rnn(embed + features, hidden)
        + 2 * _linear(flat, max(hidden, embed))  # the image into the first states, or into each step
        + _linear(features, attention_dim) + _linear(hidden, attention_dim) + 2 * attention_dim + 1
        + _linear(hidden, features)  # the attention gate
        + _linear(hidden, vocab) + features * vocab  # the output and the deep output
        + (vocab * vocab if d.get("word_classes") or settings.get("word_classes") else 0)  # class pool
    )  # fmt: skip
    return encoder + decoder


_COUNTS = {"forecast": _forecast, "explain": _explain, "translate": _translate, "caption": _caption}
