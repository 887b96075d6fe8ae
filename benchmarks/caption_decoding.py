"""How a trained captioner's captions depend on the search: greedy, beam, length penalty, located check.

Scores saved model folders (``caption_ablation.py --save DIR`` or ``caption train``) on the ``val``
split of their shapes dataset (seen colour-shape pairs) and on the ``test_heldout`` split of a second
dataset drawn with another seed (never-seen pairs; never the test data of the first), with the
per-attribute checks of ``rnnkit.caption.grounding``, for every decoding asked. No training: decoding
settings are chosen here on validation data only. Prints one JSON line per model, split and decoding.

    OMP_NUM_THREADS=1 python benchmarks/caption_ablation.py --data data/shapes/dataset.json \
        --heldout data/shapes_s1/dataset.json --save runs/m0 seed=0
    OMP_NUM_THREADS=1 python benchmarks/caption_decoding.py --model runs/m0 \
        --data data/shapes/dataset.json --heldout data/shapes_s1/dataset.json \
        --decoding 1,0,0 --decoding 10,3,2
"""

from __future__ import annotations

import argparse
import json

import torch

from rnnkit.caption.datasets import read_karpathy
from rnnkit.caption.decode import Decoding
from rnnkit.caption.grounding import attribute_scores
from rnnkit.caption.modelio import load_captioner
from rnnkit.caption.pipeline import caption_split, prepare_split, score_split

SHOWN = ("CIDEr-D", "distinct", "colour precision", "shape precision", "phrase precision", "position precision",
         "colour recall", "shape recall", "position recall", "held-out named")  # fmt: skip


def _decoding(text: str) -> Decoding:
    beam, penalty, check = text.split(",")
    return Decoding(int(beam), float(penalty), float(check))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", action="append", required=True, help="a model folder (repeatable)")
    ap.add_argument("--data", required=True, help="the shapes dataset the models were trained on")
    ap.add_argument(
        "--heldout", default=None, help="shapes dataset of another seed; its test_heldout is scored"
    )
    ap.add_argument("--decoding", action="append", type=_decoding, default=None,
                    help="BEAM,LENGTH_PENALTY,LOCATED_CHECK (repeatable; default: the model's own)")  # fmt: skip
    args = ap.parse_args()
    torch.set_num_threads(1)
    data = read_karpathy(args.data)
    train_caps = [c for r in data.split("train") for c in r.captions]
    splits = {"val": data.split("val")}
    if args.heldout:
        splits["heldout"] = read_karpathy(args.heldout).split("test_heldout")
    for folder in args.model:
        cap = load_captioner(folder, device="cpu")
        for name, records in splits.items():
            part = prepare_split(records, cap.config)
            for decoding in args.decoding or [cap.config.decoding()]:
                hyps = caption_split(cap.model, part.inputs, cap.vocab, decoding, cap.max_len)
                words = [cap.vocab.decode(h.ids) for h in hyps]
                scores = score_split(words, part.refs, train_caps)
                scores.update(attribute_scores([r.scene for r in part.records], words))
                shown = {k: round(scores[k], 3) for k in SHOWN if k in scores}
                print(
                    json.dumps({"model": folder, "split": name, "decoding": decoding.describe(), **shown}),
                    flush=True,
                )


if __name__ == "__main__":
    main()
