"""The schema of a translation model's ``config.json``, checked before the model is built.

Sizes are bounded by :data:`rnnkit.utils.limits.SIZES`; the vocabulary sizes recorded here are also
compared with the tokenizers saved beside the model (:meth:`Translator.from_pretrained`).
"""

from __future__ import annotations

from rnnkit.utils.limits import SIZES
from rnnkit.utils.schema import Bool, Float, Int, List, Obj, Str

MAX_ENSEMBLE = 16  # most members of an ensemble (rnnkit.translate.ensemble)

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
        "beam": Int(1, 1000),
        "alpha": Float(0.0, 10.0),
        "no_repeat_ngram": Int(0, 100),
        "coverage": Float(0.0, 10.0),
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
