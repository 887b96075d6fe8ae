"""Validation scores of a caption model with and without n-gram blocking (validation split only).

    OMP_NUM_THREADS=1 python benchmarks/caption_blocking.py MODEL DATASET.json [NS [BEAMS]] [--gated|--loop]

NS: the n of the blocking, comma-separated (default 0,2,3,4; 0 is off); BEAMS: beam widths (default 0,1;
0 is the model's saved decoding, 1 greedy). ``--gated``: block only the images the familiarity check
flags; ``--loop``: n is the loop re-search's blocking (``Decoding.loop_no_repeat_ngram``), none elsewhere.
Prints one JSON line per decoding: all val images, and the val scenes holding two shapes of one colour
and kind ("two red circles": a right caption repeats a phrase)."""

import json
import sys
import time
from collections import Counter

import torch

from rnnkit.caption.datasets import read_karpathy
from rnnkit.caption.grounding import attribute_scores, noun_phrases
from rnnkit.caption.modelio import load_captioner
from rnnkit.caption.pipeline import caption_split, prepare_split, score_split

torch.set_num_threads(1)
model, data_path = sys.argv[1], sys.argv[2]
loop = "--loop" in sys.argv  # n is the loop re-search's blocking, none elsewhere
gated = "--gated" in sys.argv
sys.argv = [a for a in sys.argv if a not in ("--gated", "--loop")]
ns = [int(x) for x in (sys.argv[3] if len(sys.argv) > 3 else "0,2,3,4").split(",")]
beams = [int(x) for x in (sys.argv[4] if len(sys.argv) > 4 else "0,1").split(",")]  # 0: the model's
data = read_karpathy(data_path)
train_caps = [c for r in data.split("train") for c in r.captions]
records = data.split("val")
cap = load_captioner(model, device="cpu")
part = prepare_split(records, cap.config)
scenes = [r.scene for r in part.records]
with torch.no_grad():
    from rnnkit.caption.ood import pooled

    flags = torch.cat(
        [
            cap.ood.flags(pooled(cap.model.features(part.inputs[i : i + 128])))
            for i in range(0, len(part.inputs), 128)
        ]
    ).tolist()
print("flagged val images:", sum(flags), "of", len(flags))
dup = [i for i, s in enumerate(scenes) if max(Counter((x["colour"], x["kind"]) for x in s).values()) > 1]
KEYS = (
    "BLEU-4",
    "CIDEr-D",
    "colour precision",
    "shape precision",
    "phrase precision",
    "position precision",
    "shape recall",
    "distinct",
)


def repeats(words):  # a colour-kind phrase named more than once
    return max(Counter((p.colour, p.kind) for p in noun_phrases(words)).values(), default=0) > 1


base = cap.config.decoding()
for beam in beams:
    for n in ns:
        d = base.replace(
            beam=beam or None, no_repeat_ngram=0 if loop else n, loop_no_repeat_ngram=n if loop else 0
        )
        t = time.time()
        hyps = caption_split(cap.model, part.inputs, cap.vocab, d, cap.max_len)
        if gated:  # blocking only on the images the familiarity check flags
            plain = caption_split(
                cap.model, part.inputs, cap.vocab, d.replace(no_repeat_ngram=0), cap.max_len
            )
            hyps = [h if f else p for h, p, f in zip(hyps, plain, flags, strict=True)]
        words = [cap.vocab.decode(h.ids) for h in hyps]
        s = score_split(words, part.refs, train_caps)
        s.update(attribute_scores(scenes, words))
        sub = [words[i] for i in dup]
        ds = score_split(sub, [part.refs[i] for i in dup], train_caps)
        ds.update(attribute_scores([scenes[i] for i in dup], sub))
        print(
            json.dumps(
                {
                    "decoding": d.describe(),
                    "no_repeat_ngram": n,
                    "gated": gated,
                    "loop": loop,
                    "images": len(words),
                    **{k: round(s[k], 4) for k in KEYS if k in s},
                    "at max_len words": sum(len(h.ids) >= cap.max_len for h in hyps),
                    "dup scenes": len(dup),
                    "dup: captions repeating a phrase": sum(map(repeats, sub)),
                    **{
                        "dup: " + k: round(ds[k], 4)
                        for k in ("CIDEr-D", "shape precision", "shape recall", "colour precision")
                        if k in ds
                    },
                    "s": round(time.time() - t, 1),
                }
            ),
            flush=True,
        )
