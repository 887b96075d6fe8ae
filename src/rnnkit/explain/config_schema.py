"""The schema of an explain task model's ``config.json`` (``explain gates --model``), checked before the
model is built; sizes bounded by :data:`rnnkit.utils.limits.SIZES`."""

from __future__ import annotations

from rnnkit.utils.limits import SIZES
from rnnkit.utils.schema import Bool, Int, Obj, Str

EXPLAIN_CONFIG = Obj(
    required={
        "cell": Str(max_len=32),
        "task": Str(max_len=32),
        "length": Int.of(SIZES["seq_len"]),
        "hidden_size": Int.of(SIZES["hidden"]),
        "input_size": Int.of(SIZES["features"]),
        "output_size": Int.of(SIZES["features"]),
        "per_step": Bool(),
    }
)
