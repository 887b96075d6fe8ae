"""Controlled experiments on the captioner's settings, scored on validation data only.

Trains one configuration (``CaptionConfig`` fields as ``key=value``) on a generated shapes dataset and
scores the captions of the configuration's decoding (``beam=1`` for greedy) on its ``val`` split (seen colour-shape pairs) and on the ``test_heldout`` split
of a SECOND dataset drawn with another seed (held-out pairs, never the test data of the first), with
the per-attribute checks of ``rnnkit.caption.grounding``. Prints one JSON line with the settings, the
CPU seconds of training (one thread: CPU time, not wall time, as the machine is shared) and the scores.

    rnnkit caption generate-data --out data/shapes --seed 0
    rnnkit caption generate-data --out data/shapes_s1 --seed 1 --train 0 --val 0 --test 0
    OMP_NUM_THREADS=1 python benchmarks/caption_ablation.py --data data/shapes/dataset.json \
        --heldout data/shapes_s1/dataset.json attention=true epochs=10
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import fields

from rnnkit.caption.datasets import read_karpathy
from rnnkit.caption.digits import reading_scores
from rnnkit.caption.grounding import attribute_scores
from rnnkit.caption.pipeline import CaptionConfig, caption_split, prepare_split, score_split, train_captioner


def _parse(pairs: list[str]) -> dict:
    from rnnkit.caption.model import DecoderConfig
    from rnnkit.train.options import FitOptions

    # flat names, as CaptionConfig takes them: its own fields and those of its decoder and fit parts
    types = {f.name: f.type for part in (CaptionConfig, DecoderConfig, FitOptions) for f in fields(part)}
    out = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        kind = str(types[key])
        if "bool" in kind:
            out[key] = value.lower() in ("1", "true", "yes")
        elif "int" in kind:
            out[key] = int(value)
        elif "float" in kind:
            out[key] = float(value)
        else:
            out[key] = value
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument(
        "--heldout", default=None, help="shapes dataset of another seed; its test_heldout is scored"
    )
    ap.add_argument(
        "--save",
        default=None,
        help="also write the model folder here (as `caption train --out DIR` writes DIR/model)",
    )
    ap.add_argument("settings", nargs="*", help="CaptionConfig fields, key=value")
    args = ap.parse_args()
    settings = _parse(args.settings)
    cfg = CaptionConfig(**{"device": "cpu", **settings})  # device=cuda to run it on a GPU
    data = read_karpathy(args.data)
    cpu0, wall0 = time.process_time(), time.monotonic()
    result = train_captioner(data, cfg, show_progress=True)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    if args.save:
        from rnnkit.caption.modelio import save_captioner

        fit = result.fit
        training = {"best_epoch": fit.best_epoch, "val_cider_d": fit.best_metric, "epochs_run": fit.epochs_run,
                    "seconds": round(fit.seconds, 1), "history": fit.history, "cpu_s": round(cpu),
                    "train_images": len(result.train.records), "unreadable_images_skipped": 0}  # fmt: skip
        save_captioner(
            args.save, result.model, result.vocab, cfg, result.max_len, {"training": training}, result.ood
        )
    train_caps = [c for r in data.split("train") for c in r.captions]
    scores = {}
    splits = [("val", data.split("val"))]
    if args.heldout:
        splits.append(("heldout", read_karpathy(args.heldout).split("test_heldout")))
    for name, records in splits:
        part = prepare_split(records, cfg)
        hyps = caption_split(result.model, part.inputs, result.vocab, cfg.decoding(), result.max_len)
        words = [result.vocab.decode(h.ids) for h in hyps]
        s = score_split(words, part.refs, train_caps)
        if part.records[0].scene is not None:
            s.update(attribute_scores([r.scene for r in part.records], words))
        if part.records[0].digits is not None:
            s.update(reading_scores([r.digits for r in part.records], words))
        scores[name] = {k: round(v, 3) for k, v in s.items()}
    print(
        json.dumps(
            {
                "settings": settings,
                "cpu_s": round(cpu),
                "wall_s": round(wall),
                "best_epoch": result.fit.best_epoch,
                "epochs_run": result.fit.epochs_run,
                "history": [round(h.get("CIDEr-D", 0), 2) for h in result.fit.history]
                if isinstance(result.fit.history, list)
                else None,
                "scores": scores,
            }
        )
    )


if __name__ == "__main__":
    main()
