"""The schemas of a caption model folder's ``config.json`` and ``vocab.json``, checked before the model
is built; sizes bounded by :data:`rnnkit.utils.limits.SIZES`."""

from __future__ import annotations

from rnnkit.utils.limits import SIZES
from rnnkit.utils.schema import Bool, Float, Int, List, Obj, Opt, Str, validate

_HIDDEN, _EMBED = Int.of(SIZES["hidden"]), Int.of(SIZES["embed"])

CAPTION_SETTINGS = Obj(
    required={},
    optional={
        "cell": Str(max_len=32),
        "attention": Bool(),
        "deep_output": Bool(),
        "coverage": Bool(),
        "word_classes": Bool(),
        "lr_schedule": Str(max_len=32),
        "inject": Str(max_len=32),
        "encoder": Str(max_len=64),
        "channels": Int.of(SIZES["channels"]),
        "grid": Int.of(SIZES["grid"]),
        "image_size": Int.of(SIZES["image_size"]),
        "embed_size": _EMBED,
        "hidden_size": _HIDDEN,
        "attention_dim": _HIDDEN,
        "dropout": Float(0.0, SIZES["dropout"].hi),
        "max_len": Int.of(SIZES["out_len"]),
        "min_count": Int(0, 10**9),
        "epochs": Int(0, 10**6),
        "batch_size": Int(1, 10**6),
        "lr": Float(0.0, 10.0),
        "patience": Opt(Int(0, 10**6)),
        "max_train": Opt(Int(0, 10**9)),
        "augment": Str(max_len=32),
        "attribute_loss": Float(0.0, 1000.0),
        "located_loss": Float(0.0, 1000.0),
        "attend_loss": Float(0.0, 1000.0),
        "repeat_loss": Float(0.0, 1000.0),
        "state_drop": Float(0.0, 0.99),
        "word_dropout": Float(0.0, 1.0),
        "seed": Int(0, 2**64),
        "device": Str(max_len=32),
        "beam": Int(1, 64),
        "length_penalty": Float(0.0, 10.0),
        "located_check": Float(0.0, 100.0),
        "threads": Opt(Int(1, 4096)),
    },
)

CAPTION_CONFIG = Obj(
    required={"caption": CAPTION_SETTINGS, "max_len": Int.of(SIZES["out_len"])},
    optional={"decoder": Obj({}, {"vocab_size": Int.of(SIZES["vocab"])})},
)

VOCAB = Obj({"words": List(Str(max_len=1000), 1, int(SIZES["vocab"].hi))})


def upgrade(config: dict) -> dict:
    """A config.json written before one vocabulary (``embed_dim``) in today's names."""
    from rnnkit.utils.config_keys import renamed_keys

    caption = config.get("caption")
    return {**config, "caption": renamed_keys(caption)} if isinstance(caption, dict) else config


def settings_from_model(config: dict) -> dict:
    """The ``caption train`` settings that trained the model of ``config`` (its ``config.json``): the
    :class:`~rnnkit.caption.pipeline.CaptionConfig` saved under ``caption``, and the data it read
    (``training.data``: ``data``, ``images``, ``format``; models from before it need ``--data``)."""
    caption = upgrade(config).get("caption")
    training = config.get("training") if isinstance(config.get("training"), dict) else {}
    data = training.get("data") if isinstance(training.get("data"), dict) else {}
    # a model from before the located loss was trained without it (its default became 1 later)
    return {**data, "located_loss": 0.0, **(caption if isinstance(caption, dict) else {})}


# What a model saved before each of these settings existed was trained or searched with: models from
# before deep output and the located loss were trained without them, and models from before the saved
# decoding were scored greedily (caption eval's default then)
BEFORE_SAVED = {
    "deep_output": False,
    "located_loss": 0.0,
    "beam": 1,
    "length_penalty": 0.0,
    "located_check": 0.0,
}


def saved_beam(config: dict, source: str = "config.json") -> int:
    """The beam ``caption describe`` searches a model's captions with, read from its ``config.json`` without
    building the model (the server's model list, where the page sets its beam from it: the page and the
    command line then give one picture one caption). RnnkitError for a config the loader refuses."""
    caption = validate(upgrade(config), CAPTION_CONFIG, source)["caption"]
    return int({**BEFORE_SAVED, **caption}["beam"])
