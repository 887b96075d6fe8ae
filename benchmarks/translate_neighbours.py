"""Why the new pairs of the corpus are harder: how close each held-out English sentence is to its
nearest training sentence, and a model's chrF by that closeness, for the earlier pairs (the first
22,775 of ``en_ko.tsv``) and the new ones (groups d to i); docs/RESULTS.md, "Eighth look".

Closeness is the cosine of character 3- to 5-gram TF-IDF vectors (scikit-learn) between a held-out
sentence and every training sentence of the model's own split; 1 is the same sentence.

    python benchmarks/translate_neighbours.py                                  # the split only
    python benchmarks/translate_neighbours.py --outputs final.valid.json       # and a model's chrF
    # final.valid.json: translate_by_origin.py --json-out (its "outputs", in split order)
"""

from __future__ import annotations

import argparse
import json
from itertools import pairwise
from pathlib import Path

BINS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)


def main() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.corpus_check import near_key
    from rnnkit.translate.metrics import score
    from rnnkit.translate.split import model_splits
    from rnnkit.translate.translator import SHIPPED
    from translate_by_origin import EARLIER_PAIRS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("valid", "test"), default="valid")
    ap.add_argument(
        "--config", default=str(SHIPPED / "config.json"), help="the model's config.json (its split)"
    )
    ap.add_argument(
        "--outputs", default=None, help="a JSON file whose 'outputs' are the split's translations"
    )
    args = ap.parse_args()
    corpus, _ = read_corpus()
    earlier = {near_key(s) for s, _ in corpus[:EARLIER_PAIRS]}
    splits = model_splits(corpus, json.loads(Path(args.config).read_text(encoding="utf-8")))
    held = getattr(splits, args.split)
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit([s for s, _ in splits.train])
    sims = (vec.transform([s for s, _ in held]) @ vec.transform([s for s, _ in splits.train]).T).max(axis=1)
    sims = sims.toarray().ravel()
    old = np.array([near_key(s) in earlier for s, _ in held])
    words = np.array([len(s.split()) for s, _ in held])
    outputs = json.loads(Path(args.outputs).read_text(encoding="utf-8"))["outputs"] if args.outputs else None
    if outputs is not None and len(outputs) != len(held):
        raise SystemExit(f"{args.outputs} holds {len(outputs)} outputs, the {args.split} split {len(held)}")
    print(f"{args.split} split: {len(held)} pairs; nearest training sentence by character n-gram cosine")
    print(f"{'pairs':9s} {'n':>5s} {'mean':>6s} {'median':>7s} {'> 0.8':>6s} {'words':>6s}")
    for name, rows in (("earlier", old), ("new", ~old)):
        s = sims[rows]
        print(f"{name:9s} {rows.sum():5d} {s.mean():6.3f} {np.median(s):7.3f} {100 * (s > 0.8).mean():5.1f}% "
              f"{words[rows].mean():6.1f}")  # fmt: skip
    if outputs is None:
        return
    print("\nchrF by closeness (n):")
    print(f"{'pairs':9s} " + " ".join(f"{f'{lo:.1f}-{min(hi, 1):.1f}':>14s}" for lo, hi in pairwise(BINS)))
    for name, rows in (("earlier", old), ("new", ~old)):
        cells = []
        for lo, hi in pairwise(BINS):
            idx = [i for i in range(len(held)) if rows[i] and lo <= sims[i] < hi]
            chrf = (
                score([outputs[i] for i in idx], [held[i][1] for i in idx], "ko").chrf
                if idx
                else float("nan")
            )
            cells.append(f"{chrf:6.1f} ({len(idx):4d})")
        print(f"{name:9s} " + " ".join(f"{c:>14s}" for c in cells))


if __name__ == "__main__":
    main()
