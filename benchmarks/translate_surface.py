"""Typed input: what reading English as the corpus writes it does to a translation (validation split).

Users type sentences the corpus never holds: lower case without a final stop ("i am a student"), all
capitals, or two sentences on a line. The translator reads an English source sentence by sentence, in
sentence case, with its final stop (:mod:`rnnkit.translate.surface`; ``as_typed=True`` reads it exactly
as given). This script measures both readings on VALIDATION pairs of the shipped model's split (the test
split is not read), with the model's own decoding:

- ``as written``: the corpus's own sources (both readings give the same input: the ceiling);
- ``lower case, no final stop``: ``source.lower()`` less its final . ? !;
- ``all capitals``: ``source.upper()``;
- ``two sentences on a line``: consecutive sampled pairs joined, ``s1 + " " + s2`` against ``r1 + " " + r2``;
- ``two sentences, lower case``: the same joined in lower case, the last stop taken off (``i am a student.
  i live in seoul``), as a chat is typed.

Prints chrF and exact matches for each variant read as typed and read as the corpus writes it.

    OMP_NUM_THREADS=1 python benchmarks/translate_surface.py [--pairs 100] [--seed 0] [--json-out F]
"""

from __future__ import annotations

import argparse
import json
import random
import time


def variants(pairs: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """The typed variants of ``pairs``: name -> (source as typed, reference)."""
    halves = [(a, b) for a, b in zip(pairs[0::2], pairs[1::2], strict=False)]
    return {
        "as written": pairs,
        "lower case, no final stop": [(s.lower().rstrip(".?!"), r) for s, r in pairs],
        "all capitals": [(s.upper(), r) for s, r in pairs],
        "two sentences on a line": [(f"{s1} {s2}", f"{r1} {r2}") for (s1, r1), (s2, r2) in halves],
        "two sentences, lower case": [
            (f"{s1} {s2}".lower().rstrip(".?!"), f"{r1} {r2}") for (s1, r1), (s2, r2) in halves
        ],
    }


def main() -> None:
    import torch

    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.evaluation import exact_matches
    from rnnkit.translate.metrics import score
    from rnnkit.translate.split import model_splits
    from rnnkit.translate.surface import sentences
    from rnnkit.translate.translator import Translator

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--pairs", type=int, default=100, help="validation pairs sampled (one sentence each)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json-out", default=None)
    ap.add_argument("--only", default=None, help="one variant by name (default: all)")
    args = ap.parse_args()
    torch.set_num_threads(1)

    tr = Translator.from_pretrained(args.model)
    corpus, _ = read_corpus()
    valid = [p for p in model_splits(corpus, tr.config).valid if len(sentences(p[0])) == 1]
    pairs = random.Random(args.seed).sample(valid, args.pairs)
    rows = {}
    print(
        f"model: {'shipped' if args.model is None else args.model}; {len(pairs)} validation pairs, seed {args.seed}"
    )
    print(f"{'typed input':28} {'n':>4}   {'read as typed':>20}   {'read as the corpus writes':>26}")
    for name, typed in variants(pairs).items():
        if args.only and name != args.only:
            continue
        sources, refs = [s for s, _ in typed], [r for _, r in typed]
        row = {}
        for reading, as_typed in (("as typed", True), ("as the corpus writes", False)):
            start = time.perf_counter()
            hyps = [t.text for t in tr.translate(sources, as_typed=as_typed)]
            row[reading] = {"chrF": score(hyps, refs, "ko").chrf, "exact": exact_matches(hyps, refs), "outputs": hyps,
                            "seconds": time.perf_counter() - start}  # fmt: skip
        rows[name] = {"n": len(typed), "sources": sources, "references": refs, **row}
        a, b = row["as typed"], row["as the corpus writes"]
        print(
            f"{name:28} {len(typed):4}   {a['exact']:5} / {a['chrF']:6.2f}        {b['exact']:5} / {b['chrF']:6.2f}"
        )
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump({"seed": args.seed, "rows": rows}, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
