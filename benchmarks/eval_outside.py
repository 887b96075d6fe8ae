"""Score a translator on an outside set: sentences written after the corpus, by someone who did not
write it (``benchmarks/data/outside_en_ko.tsv``, ``english<TAB>korean``, ``#`` comments).

Prints the exact-match count (the reference's characters, case, spaces and punctuation ignored),
chrF and BLEU, beside copy-the-source, then every sentence with its output and reference (``=`` marks
an exact match, ``T`` a sentence whose English, normalised, is also in the model's training split).
Everyday sentences recur: an outside sentence may have been written into the corpus too, so the
scores are also given on the sentences the model did not train on (English and Korean both unseen).
The model decodes with its own saved settings unless ``--beam`` is given.

    python benchmarks/eval_outside.py                         # the shipped model
    python benchmarks/eval_outside.py --model runs/translate/model --json-out outside.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_SET = Path(__file__).parent / "data" / "outside_en_ko.tsv"


def trained_on(tr, pairs: list[tuple[str, str]]) -> list[bool]:
    """Whether each pair's English or Korean (normalised) is in the training split the model was
    trained on (the bundled corpus, split with the model's saved seed and fractions)."""
    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.corpus_check import near_key
    from rnnkit.translate.split import model_splits, target_key

    corpus, _ = read_corpus()
    train = model_splits(corpus, tr.config).train
    sources, targets = {near_key(s) for s, _ in train}, {target_key(t) for _, t in train}
    return [near_key(s) in sources or target_key(t) in targets for s, t in pairs]


def main() -> None:
    import torch

    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.evaluation import CHRF_EXPLAINED, evaluate_pairs
    from rnnkit.translate.split import target_key
    from rnnkit.translate.translator import Translator

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--set", default=str(DEFAULT_SET), help="english<TAB>korean file")
    ap.add_argument("--beam", type=int, default=None, help="beam size (default: the model's)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json-out", default=None, help="also write the scores and outputs as JSON")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    pairs, report = read_corpus(args.set, fmt="anki")
    tr = Translator.from_pretrained(args.model, device="cpu")
    seen = trained_on(tr, pairs)
    rep = evaluate_pairs(tr, pairs, "ko", beam=args.beam)
    unseen = [p for p, s in zip(pairs, seen, strict=True) if not s]
    rep_unseen = evaluate_pairs(tr, unseen, "ko", beam=args.beam) if unseen else None
    print(report.summary())
    print(f"model: {args.model or 'shipped'}; decoding: {rep.decoding}")
    print(
        f"{sum(seen)} of {len(pairs)} outside pairs have their English or Korean (normalised) in the training split"
    )
    print(f"{'system':28s} {'exact':>7s} {'chrF':>6s} {'BLEU':>6s}")
    rows = [("model, all", rep, False), ("copy the source, all", rep, True)]
    if rep_unseen is not None:
        rows += [("model, unseen only", rep_unseen, False), ("copy the source, unseen", rep_unseen, True)]
    for name, r, copy in rows:
        exact, sc = (r.copy_exact, r.copy) if copy else (r.exact, r.model)
        print(f"{name:28s} {exact:3d}/{r.n:<3d} {sc.chrf:6.2f} {sc.bleu:6.2f}")
    print(rep.verdict())
    print(CHRF_EXPLAINED)
    for t, ref, s in zip(rep.translations, rep.references, seen, strict=True):
        mark = ("=" if target_key(t.text) == target_key(ref) else " ") + ("T" if s else " ")
        print(f"{mark} {t.source}\n     out: {t.text}\n     ref: {ref}")
    if args.json_out:
        outputs = [{"source": t.source, "output": t.text, "reference": r}
                   for t, r in zip(rep.translations, rep.references, strict=True)]  # fmt: skip
        doc = {**rep.as_dict(), "copy_exact": rep.copy_exact, "trained_on": sum(seen), "outputs": outputs}
        if rep_unseen is not None:
            doc["unseen"] = {**rep_unseen.as_dict(), "copy_exact": rep_unseen.copy_exact}
        Path(args.json_out).write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
