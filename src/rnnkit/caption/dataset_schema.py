"""Schemas of the caption dataset JSON formats (Karpathy split JSON, COCO captions JSON).

Checked right after parsing (:mod:`rnnkit.utils.schema`), so a malformed file is one line naming the
entry and field (``dataset.json: images[3].sentences[0].tokens must be a list, got "a red circle"``),
never a traceback, and ``tokens`` given as a string is refused rather than split into characters.
"""

from __future__ import annotations

from rnnkit.utils.schema import Anything, Int, List, Obj, OneOf, Opt, Str

_TEXT = Str(max_len=100_000)
_NAME = Str(max_len=4096)  # a file name or relative folder
_ID = OneOf((Int(-(2**63), 2**63 - 1), Str(max_len=1000)), "an integer or a string")

SENTENCE = Obj({}, optional={"tokens": List(Str(max_len=1000), 0, 10_000), "raw": _TEXT})

KARPATHY_IMAGE = Obj(
    required={"filename": _NAME, "sentences": List(SENTENCE, 0, 100_000)},
    optional={
        "filepath": _NAME,
        "split": Str(max_len=64),
        "cocoid": _ID,
        "imgid": _ID,
        "shapes": Opt(List(Obj({}, optional={}), 0, 10_000)),
    },
)

KARPATHY = Obj(
    {"images": List(KARPATHY_IMAGE)}, optional={"dataset": Opt(Anything()), "generation": Str(max_len=64)}
)

COCO = Obj(
    required={"annotations": List(Obj({}, optional={"image_id": _ID, "caption": _TEXT}))},
    optional={"images": List(Obj({"file_name": _NAME}, optional={"id": _ID}))},
)
