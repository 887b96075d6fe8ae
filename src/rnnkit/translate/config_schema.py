"""The schema of a translation model's ``config.json``, checked before the model is built.

Sizes are bounded by :data:`rnnkit.utils.limits.SIZES`, and the saved decoding settings by the ranges
of the options that set them (:data:`rnnkit.utils.limits.OPTION_LIMITS`: ``beam`` by ``--beam``), so a
config never decodes in a way the command line refuses; the vocabulary sizes recorded here are also
compared with the tokenizers saved beside the model (:meth:`Translator.from_pretrained`).
"""

from __future__ import annotations

from rnnkit.utils.limits import OPTION_LIMITS, SIZES
from rnnkit.utils.schema import Bool, Float, Int, List, Obj, Str

MAX_ENSEMBLE = 16  # most members of an ensemble (rnnkit.translate.ensemble)


def _option_float(option: str) -> Float:
    """The range of a float option, as a schema entry."""
    rng = OPTION_LIMITS[(option, "float")]
    return Float(rng.lo, rng.hi)


SEQ2SEQ = Obj(
    required={"src_vocab": Int.of(SIZES["vocab"]), "tgt_vocab": Int.of(SIZES["vocab"])},
    optional={
        "cell": Str(max_len=32),
        "embed_size": Int.of(SIZES["embed"]),
        "hidden_size": Int.of(SIZES["hidden"]),
        "num_layers": Int.of(SIZES["layers"]),
        "bidirectional": Bool(),
        "attention": Str(max_len=32),
        "luong_score": Str(max_len=32),
        "input_feeding": Bool(),
        "dropout": Float(0.0, SIZES["dropout"].hi),
        "tie_embeddings": Bool(),
    },
)

DECODING = Obj(
    required={},
    optional={
        "beam": Int.of(SIZES["beam"]),
        "alpha": _option_float("--alpha"),
        "no_repeat_ngram": Int.of(OPTION_LIMITS[("--no-repeat-ngram", "int")]),
        "coverage": _option_float("--coverage"),
        "mbr": Bool(),
        "spell_numbers": Bool(),
        "check_numbers": Bool(),
    },
)

TRANSLATE_CONFIG = Obj(
    required={"model": SEQ2SEQ},
    optional={
        "src_lang": Str(max_len=64),
        "tgt_lang": Str(max_len=64),
        "max_src_len": Int(2, int(SIZES["seq_len"].hi)),
        "max_len": Int.of(SIZES["out_len"]),
        "decoding": DECODING,
        "ensemble": List(SEQ2SEQ, min_len=1, max_len=MAX_ENSEMBLE),
    },
)
