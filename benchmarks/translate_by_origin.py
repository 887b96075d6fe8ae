"""Score a translator on its own validation or test split, in all and by origin: the pairs of the corpus
before groups d to i were added (the first 22,775 pairs of ``en_ko.tsv``, on which the shipped models
up to the seventh look were chosen and scored), the pairs of groups d to i (docs/RESULTS.md, "Eighth
look"), and the short conversational pairs of group j (the pairs after the first 44,609; "Eleventh look").

The corpus grew by appending, and the split is a hash of each English sentence, so the earlier
held-out pairs are still held out: their scores compare models trained before and after the growth
on the same sentences. Each subset's chrF (sacrebleu, corpus level) and exact matches are its own.

    python benchmarks/translate_by_origin.py                               # the shipped model, valid
    python benchmarks/translate_by_origin.py --model final --split test --json-out t.json
    python benchmarks/translate_by_origin.py --beam 1                      # greedy
"""

from __future__ import annotations

import argparse
import json

EARLIER_PAIRS = 22775  # the corpus before groups d to i (CORPUS.md, "Growing the corpus")
BEFORE_J_PAIRS = 44609  # the corpus before group j


def main() -> None:
    import torch

    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.corpus_check import near_key
    from rnnkit.translate.evaluation import evaluate_pairs, exact_matches
    from rnnkit.translate.metrics import score
    from rnnkit.translate.split import model_splits
    from rnnkit.translate.translator import Translator

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--split", choices=("valid", "test"), default="valid")
    ap.add_argument("--beam", type=int, default=None, help="beam size (default: the model's own decoding)")
    ap.add_argument("--no-mbr", action="store_true", help="the beam's best, not its MBR choice")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json-out", default=None, help="also write the scores and outputs as JSON")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    corpus, _ = read_corpus()
    earlier = {near_key(source) for source, _ in corpus[:EARLIER_PAIRS]}
    group_j = {near_key(source) for source, _ in corpus[BEFORE_J_PAIRS:]}
    tr = Translator.from_pretrained(args.model, device="cpu")
    pairs = getattr(model_splits(corpus, tr.config), args.split)
    mbr = False if args.no_mbr or args.beam == 1 else None
    rep = evaluate_pairs(tr, pairs, "ko", beam=args.beam, mbr=mbr, split=args.split)
    hyps = [t.text for t in rep.translations]
    print(f"model: {args.model or 'shipped'}; {args.split} split; decoding: {rep.decoding}")
    print(f"{'pairs':28s} {'n':>5s} {'exact':>6s} {'chrF':>6s}")
    results = {"split": args.split, "decoding": rep.decoding}
    groups = [("all", lambda key: True), ("earlier (first 22,775)", lambda key: key in earlier),
              ("new (groups d to i)", lambda key: key not in earlier and key not in group_j),
              ("all but group j", lambda key: key not in group_j),
              ("conversation (group j)", lambda key: key in group_j)]  # fmt: skip
    for name, keep in groups:
        rows = [i for i, (source, _) in enumerate(pairs) if keep(near_key(source))]
        if not rows:
            continue
        h, r = [hyps[i] for i in rows], [pairs[i][1] for i in rows]
        chrf, exact = score(h, r, "ko").chrf, exact_matches(h, r)
        results[name] = {"n": len(rows), "exact": exact, "chrf": chrf}
        print(f"{name:28s} {len(rows):5d} {exact:6d} {chrf:6.2f}")
    if args.json_out:
        results["outputs"] = [
            {"source": s, "output": h, "reference": r} for (s, r), h in zip(pairs, hyps, strict=True)
        ]
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
