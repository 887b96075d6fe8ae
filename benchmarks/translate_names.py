"""Names the model never learned: what carrying them through corpus names does (rnnkit.translate.names).

Two sets, each translated twice with the model's own decoding: with ``carry_names=False`` (the model
reads the unknown name as it is) and with the default ``carry_names=True`` (the name is swapped for a
corpus name, the sentence translated, the name put back with its particle):

- ``hand-written``: ``benchmarks/data/names_en_ko.tsv``, 30 everyday sentences with a name the corpus
  never writes (John, Google, Chicago), references keeping the name in Latin letters (``--set FILE``:
  another such file, such as ``benchmarks/data/names_outside_en_ko.tsv``, written by someone else);
- ``validation, renamed``: the VALIDATION pairs of the model's split (the test split is not read) whose
  source names one corpus person or city used as a placeholder (Junho, Minji, Sora, Jisu, Busan,
  Daegu) once and whose reference says it once; the name is replaced by an unknown one in both (the
  reference with the particle the new name takes: :func:`rnnkit.translate.names.put_back`).

Prints chrF, exact matches, and the share of outputs that keep the name, for both ways.

    OMP_NUM_THREADS=1 python benchmarks/translate_names.py [--set FILE] [--no-renamed] [--json-out F]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "names_en_ko.tsv"
NEW_PEOPLE = ("Ethan", "Olivia", "Liam", "Chloe", "Noah", "Grace", "Ryan", "Megan")
NEW_PLACES = ("Denver", "Austin", "Phoenix", "Ohio", "Dallas", "Boston")


def renamed(pairs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(source, reference, name) for each pair naming one placeholder once, renamed to an unknown name."""
    from rnnkit.translate.names import PEOPLE, PLACES, Swap, put_back

    people, places = itertools.cycle(NEW_PEOPLE), itertools.cycle(NEW_PLACES)
    out = []
    for source, ref in pairs:
        found = [(en, ko, kind) for kind, group in (("person", PEOPLE), ("place", PLACES)) for en, ko in group
                 if len(re.findall(rf"\b{en}\b", source)) == 1 and ref.count(ko) == 1]  # fmt: skip
        if len(found) != 1:
            continue
        en, ko, kind = found[0]
        name = next(people if kind == "person" else places)
        back = put_back(ref, [Swap(name, en, ko)])
        if back is not None:
            out.append((re.sub(rf"\b{en}\b", name, source), back, name))
    return out


def main() -> None:
    import torch

    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.evaluation import exact_matches
    from rnnkit.translate.metrics import score
    from rnnkit.translate.split import model_splits
    from rnnkit.translate.translator import Translator

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--set", default=str(DATA), help="English<TAB>Korean file of sentences with names")
    ap.add_argument("--no-renamed", action="store_true", help="skip the renamed validation pairs")
    ap.add_argument("--json-out", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)

    tr = Translator.from_pretrained(args.model, device="cpu")
    hand, _ = read_corpus(Path(args.set), fmt="anki")
    hand_rows = [(s, r, next(w for w in re.findall(r"[A-Z][A-Za-z]+", s) if w in r)) for s, r in hand]
    sets = {"hand-written" if Path(args.set) == DATA else Path(args.set).stem: hand_rows}
    if not args.no_renamed:
        corpus, _ = read_corpus()
        sets["validation, renamed"] = renamed(model_splits(corpus, tr.config).valid)
    print(f"model: {'shipped' if args.model is None else args.model}")
    print(f"{'set':22} {'n':>4}  {'name read as it is':>30}  {'name carried':>30}")
    print(f"{'':22} {'':>4}  {'chrF   exact  name kept':>30}  {'chrF   exact  name kept':>30}")
    result = {}
    for set_name, rows in sets.items():
        sources, refs, names = (list(c) for c in zip(*rows, strict=True))
        row = {}
        for way, carry in (("as it is", False), ("carried", True)):
            hyps = [t.text for t in tr.translate(sources, carry_names=carry)]
            kept = sum(name in h for name, h in zip(names, hyps, strict=True))
            row[way] = {"chrF": score(hyps, refs, "ko").chrf, "exact": exact_matches(hyps, refs),
                        "name_kept": kept, "outputs": hyps}  # fmt: skip
        a, b = row["as it is"], row["carried"]
        print(f"{set_name:22} {len(rows):4d}  {a['chrF']:6.2f} {a['exact']:5d} {a['name_kept']:8d}/{len(rows):<5d}"
              f"  {b['chrF']:6.2f} {b['exact']:5d} {b['name_kept']:8d}/{len(rows):<5d}")  # fmt: skip
        result[set_name] = {"n": len(rows), "sources": sources, "references": refs, **row}
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
