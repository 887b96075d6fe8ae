"""Score a translator on sentences with numbers typed in digits: as typed, spelled out first, and
spelled out with the number check (``benchmarks/data/numbers_en_ko.tsv`` and ``numbers_en_ko_b.tsv``;
docs/RESULTS.md, "Numbers typed in digits" and "Numbers the translation says").

Each set: 100 everyday sentences, ten of each kind (``# kind:`` comment lines name them), written for
this check by someone who had not seen rnnkit's number code, with Korean references to the corpus's style
guide (CORPUS.md, rule 5: numbers read out in Hangul, years and phone numbers in digits). Set A was
read cold by a second reviewer; set B was written after the number check was built on set A, to score
it once. Prints exact matches and chrF per kind and in all for three decodings, beside copy-the-source:

- ``as typed``: ``--keep-numbers --no-check-numbers``;
- ``spelled out``: ``--spell-numbers --no-check-numbers``;
- ``checked``: ``--spell-numbers --check-numbers`` (the beam's hypotheses that say the source's typed
  numbers are preferred; the numbers the output still does not say are flagged).

Then the check's own scores: the typed numbers each decoding's outputs say (by the check, and by the
reference's judgement: an exact match), how many sentences are flagged, and how many flagged outputs
are in fact right (false alarms); then each sentence whose output the decodings change.

    python benchmarks/translate_numbers.py                    # the shipped model, its own decoding, set A
    python benchmarks/translate_numbers.py --set benchmarks/data/numbers_en_ko_b.tsv --json-out b.json
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
    from rnnkit.translate.number_check import source_numbers
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
    decodings = {"as typed": (False, False), "spelled out": (True, False), "checked": (True, True)}
    reps = {name: evaluate_pairs(tr, pairs, "ko", beam=args.beam, spell_numbers=spell, check_numbers=check)
            for name, (spell, check) in decodings.items()}  # fmt: skip
    refs = [t for _, t in pairs]
    print(f"model: {args.model or 'shipped'}; {len(pairs)} pairs, {sum(seen)} of them in its training split")
    print(f"{'kind':34s} {'n':>3s}  " + "  ".join(f"{name + ' exact / chrF':>24s}" for name in reps))
    results: dict = {
        "set": str(args.set),
        "decoding": {k: r.decoding for k, r in reps.items()},
        "trained_on": sum(seen),
        "kinds": {},
        "check": {},
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

    numbers = [source_numbers(src) for src, _ in pairs]
    total = sum(map(len, numbers))
    said_by_ref = sum(n.said_in(r) for ns, r in zip(numbers, refs, strict=True) for n in ns)
    print(f"\nthe number check: {total} typed numbers in {sum(map(bool, numbers))} sentences; "
          f"the references say {said_by_ref} of them by the check")  # fmt: skip
    print(f"{'decoding':14s} {'numbers said':>13s} {'sentences flagged':>18s} {'flagged but exact':>18s}")
    for rep_name, rep in reps.items():
        outs = [t.text for t in rep.translations]
        said = sum(n.said_in(o) for ns, o in zip(numbers, outs, strict=True) for n in ns)
        flagged = [
            i
            for i, (ns, o) in enumerate(zip(numbers, outs, strict=True))
            if any(not n.said_in(o) for n in ns)
        ]
        false_alarms = sum(outs[i].strip() == refs[i].strip() for i in flagged)
        print(f"{rep_name:14s} {said:6d} / {total:<5d} {len(flagged):18d} {false_alarms:18d}")
        results["check"][rep_name] = {"said": said, "numbers": total, "flagged": len(flagged),
                                      "flagged_exact": false_alarms}  # fmt: skip
    print("\nsentences whose output the decodings change (T: in the training split; ! flagged):")
    for i in range(len(pairs)):
        texts = [rep.translations[i].text for rep in reps.values()]
        if len(set(texts)) > 1:
            flag = "!" if reps["checked"].translations[i].numbers_missing else " "
            print(f"{'T' if seen[i] else ' '}{flag} {pairs[i][0]}")
            for rep_name, text in zip(reps, texts, strict=True):
                print(f"     {rep_name + ':':13s}{text}")
            print(f"     {'ref:':13s}{refs[i]}")
    if args.json_out:
        results["outputs"] = [
            {"source": s, "kind": k, "reference": r, "trained_on": t,
             **{name: rep.translations[i].text for name, rep in reps.items()},
             "numbers_missing": reps["checked"].translations[i].numbers_missing}
            for i, ((s, r), k, t) in enumerate(zip(pairs, kind, seen, strict=True))
        ]  # fmt: skip
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
