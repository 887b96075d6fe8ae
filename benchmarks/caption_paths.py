"""Which term of the output names the wrong shape on never-seen colour-shape pairs?

With deep output the decoder's word logits are ``W_o h_t + W_z z_t``: the recurrent state's term and
the attended features' term. On the one-shape scenes of a split, the caption ``a SIZE COLOUR`` of the
drawn shape is fed (teacher forcing) and the five shape words' logits at the next step are compared:
the sum (what the model says), each term alone, and, on the scenes the sum gets wrong, how far each
term favoured the wrong shape (logit of the true minus the chosen shape, averaged).

    python benchmarks/caption_paths.py MODEL_FOLDER DATASET.json [SPLIT]    # SPLIT: test_heldout
"""

from __future__ import annotations

import sys
from collections import Counter

import torch

from rnnkit.caption.datasets import read_karpathy
from rnnkit.caption.modelio import load_captioner
from rnnkit.caption.pipeline import prepare_split
from rnnkit.caption.vocab import START

KINDS = ("circle", "square", "triangle", "diamond", "hexagon")


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cap = load_captioner(sys.argv[1], "cpu")
    model, vocab, dec = cap.model, cap.vocab, cap.model.decoder
    if not dec.config.deep_output:
        sys.exit("the model has no deep output: nothing to separate")
    split = sys.argv[3] if len(sys.argv) > 3 else "test_heldout"
    records = [r for r in read_karpathy(sys.argv[2]).split(split) if r.scene and len(r.scene) == 1]
    part = prepare_split(records, cap.config)
    kind_ids = [vocab.index[k] for k in KINDS]
    stats: Counter = Counter()
    margins = {"state": 0.0, "features": 0.0}
    with torch.no_grad():
        for image, record in zip(part.inputs, part.records, strict=True):
            shape = record.scene[0]
            words = [START] + [vocab.index[w] for w in ("a", shape["size"], shape["colour"])]
            memory = dec.memory(model.features(image[None]))
            state = dec.init_state(memory)
            for word in words:  # read "<start> a SIZE COLOUR"; the last step predicts the shape word
                context, _ = dec._attend(memory, dec._hidden(state))  # as CaptionDecoder.step
                state = dec._cell(torch.cat([dec.embed(torch.tensor([word])), context], 1), state)
            by_state = dec.out(dec._hidden(state))[0, kind_ids]
            by_features = dec.out_context(context)[0, kind_ids]
            total = by_state + by_features
            truth, said = KINDS.index(shape["kind"]), int(total.argmax())
            stats["scenes"] += 1
            stats["sum right"] += said == truth
            stats["W_z z alone right"] += int(by_features.argmax()) == truth
            stats["W_o h alone right"] += int(by_state.argmax()) == truth
            if said != truth:
                stats[f"{shape['colour']} {shape['kind']} -> {KINDS[said]}"] += 1
                margins["state"] += float(by_state[truth] - by_state[said])
                margins["features"] += float(by_features[truth] - by_features[said])
    wrong = stats["scenes"] - stats["sum right"]
    for key, value in stats.most_common():
        print(f"{key}: {value}")
    for term, total_margin in margins.items():
        print(f"mean margin of the {term} term on wrong scenes: {total_margin / max(wrong, 1):.2f}")


if __name__ == "__main__":
    main()
