"""Score a translator on an outside set: sentences written after the corpus, by someone who did not
write it (``benchmarks/data/outside_en_ko.tsv``, ``english<TAB>korean``, ``#`` comments).

Prints the exact-match count (the reference's characters, case, spaces and punctuation ignored),
chrF and BLEU, beside copy-the-source, then every sentence with its output and reference (``=`` marks
an exact match). The model decodes with its own saved settings unless ``--beam`` is given.

    python benchmarks/eval_outside.py                         # the shipped model
    python benchmarks/eval_outside.py --model runs/translate/model --json-out outside.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_SET = Path(__file__).parent / "data" / "outside_en_ko.tsv"


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
    tr = Translator.load(args.model, device="cpu")
    rep = evaluate_pairs(tr, pairs, "ko", beam=args.beam)
    print(report.summary())
    print(f"model: {args.model or 'shipped'}; decoding: {rep.decoding}")
    print(f"{'system':16s} {'exact':>7s} {'chrF':>6s} {'BLEU':>6s}")
    print(f"{'model':16s} {rep.exact:3d}/{rep.n:<3d} {rep.model.chrf:6.2f} {rep.model.bleu:6.2f}")
    print(
        f"{'copy the source':16s} {rep.copy_exact:3d}/{rep.n:<3d} {rep.copy.chrf:6.2f} {rep.copy.bleu:6.2f}"
    )
    print(rep.verdict())
    print(CHRF_EXPLAINED)
    for t, ref in zip(rep.translations, rep.references, strict=True):
        mark = "=" if target_key(t.text) == target_key(ref) else " "
        print(f"{mark} {t.source}\n    out: {t.text}\n    ref: {ref}")
    if args.json_out:
        outputs = [{"source": t.source, "output": t.text, "reference": r}
                   for t, r in zip(rep.translations, rep.references, strict=True)]  # fmt: skip
        Path(args.json_out).write_text(
            json.dumps({**rep.as_dict(), "copy_exact": rep.copy_exact, "outputs": outputs}, ensure_ascii=False,
                       indent=2), encoding="utf-8")  # fmt: skip


if __name__ == "__main__":
    main()
