"""Score a translator on sentences with numbers typed in digits, with the digits as typed and spelled
out first (``benchmarks/data/numbers_en_ko.tsv``; docs/RESULTS.md, "Numbers typed in digits").

The set: 100 everyday sentences, ten of each kind (``# kind:`` comment lines name them), written for
this check by someone who had not seen the spelling code, with Korean references to the corpus's style
guide (CORPUS.md, rule 5: numbers read out in Hangul, years and phone numbers in digits), and read
cold by a second reviewer. Prints exact matches and chrF per kind and in all, as typed (``--keep-numbers``)
and spelled (``--spell-numbers``), beside copy-the-source; then each sentence whose output differs.

    python benchmarks/translate_numbers.py                    # the shipped model, its own decoding
    python benchmarks/translate_numbers.py --beam 5 --json-out numbers.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eval_outside import trained_on

DEFAULT_SET = Path(__file__).parent / "data" / "numbers_en_ko.tsv"


def kinds(path: Path) -> list[str]:
    """The kind of each pair of the file: the last ``# kind: NAME`` comment above it."""
    out, kind = [], "all"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# kind:"):
            kind = line.split(":", 1)[1].strip()
        elif line.strip() and not line.startswith("#"):
            out.append(kind)
    return out


def main() -> None:
    import torch

    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.evaluation import evaluate_pairs, exact_matches
    from rnnkit.translate.metrics import score
    from rnnkit.translate.translator import Translator

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--set", default=str(DEFAULT_SET), help="english<TAB>korean file with # kind: lines")
    ap.add_argument("--beam", type=int, default=None, help="beam size (default: the model's)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json-out", default=None, help="also write the scores and outputs as JSON")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    pairs, _ = read_corpus(args.set, fmt="anki")
    kind = kinds(Path(args.set))
    assert len(kind) == len(pairs), "every pair needs its line (no duplicates in the set)"
    tr = Translator.from_pretrained(args.model, device="cpu")
    seen = trained_on(tr, pairs)
    reps = {name: evaluate_pairs(tr, pairs, "ko", beam=args.beam, spell_numbers=spell)
            for name, spell in (("as typed", False), ("spelled out", True))}  # fmt: skip
    refs = [t for _, t in pairs]
    print(f"model: {args.model or 'shipped'}; {len(pairs)} pairs, {sum(seen)} of them in its training split")
    print(f"{'kind':34s} {'n':>3s}  " + "  ".join(f"{name + ' exact / chrF':>24s}" for name in reps))
    results: dict = {
        "decoding": {k: r.decoding for k, r in reps.items()},
        "trained_on": sum(seen),
        "kinds": {},
    }
    for name in [*dict.fromkeys(kind), "all"]:
        rows = [i for i, k in enumerate(kind) if name in ("all", k)]
        cells, results["kinds"][name] = [], {"n": len(rows)}
        for rep_name, rep in reps.items():
            hyps, ref = [rep.translations[i].text for i in rows], [refs[i] for i in rows]
            exact, chrf = exact_matches(hyps, ref), score(hyps, ref, "ko").chrf
            cells.append(f"{exact:10d} / {chrf:6.2f}    ")
            results["kinds"][name][rep_name] = {"exact": exact, "chrf": chrf}
        print(f"{name:34s} {len(rows):3d}  " + "  ".join(cells))
    copy = reps["as typed"]
    print(f"{'copy the source, all':34s} {len(pairs):3d}  {copy.copy_exact:10d} / {copy.copy.chrf:6.2f}")
    print("\nsentences whose output changed (T: in the training split):")
    for i, (a, b) in enumerate(
        zip(reps["as typed"].translations, reps["spelled out"].translations, strict=True)
    ):
        if a.text != b.text:
            print(
                f"{'T' if seen[i] else ' '} {a.source}\n     typed:   {a.text}\n     spelled: {b.text}\n     ref:     {refs[i]}"
            )
    if args.json_out:
        results["outputs"] = [
            {"source": s, "kind": k, "reference": r, "as_typed": a.text, "spelled": b.text, "trained_on": t}
            for (s, r), k, a, b, t in zip(pairs, kind, reps["as typed"].translations,
                                          reps["spelled out"].translations, seen, strict=True)
        ]  # fmt: skip
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
