"""Minimum Bayes risk decoding, studied on one beam's n-best list (docs/RESULTS.md, "Seventh look").

Decodes a split once with a beam of K (the beam's own best, not MBR) and keeps every hypothesis with
its score; then scores, on that one list, the beam's best and MBR with other weights (temperature,
or the raw log-probability), other chrF betas, with and without the repetition guard. Each line:
corpus chrF, exact matches, output length over the references' (characters), and the share of
outputs with a repeated word (:func:`rnnkit.translate.mbr.repeated_words`).

    python benchmarks/translate_mbr.py [--model DIR] [--split valid] [--beam 24] [--cache nbest.json]

The validation split is where choices are made; ``--split test`` scores the test split and should
be run once, for a choice already made. MBR over another beam width (a beam of 10 is not the top 10
of a beam of 24) is ``rnnkit translate eval --split valid --beam K --mbr``.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import torch
from sacrebleu.metrics import CHRF

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.mbr import mbr_choice, repeated_words
from rnnkit.translate.metrics import score
from rnnkit.translate.split import model_splits, target_key
from rnnkit.translate.translator import Translator


def nbest_lists(model: str | None, split: str, beam: int) -> list[dict]:
    """Each pair of the split with the beam's hypotheses ``[(text, score), ...]``, best first."""
    tr = Translator.from_pretrained(model, "cpu")
    pairs, _ = read_corpus()
    parts = model_splits(pairs, tr.config)
    data = parts.valid if split == "valid" else parts.test
    t0 = time.perf_counter()
    out = tr.translate([p[0] for p in data], beam=beam, n_best=beam, mbr=False)
    print(f"decoded {len(data)} {split} sentences with beam {beam} in {time.perf_counter() - t0:.0f} s")
    return [{"src": p[0], "ref": p[1], "nbest": t.alternatives} for p, t in zip(data, out, strict=True)]


def choose(nbest: list, beta: float, temperature: float, guard: bool) -> str:
    """MBR over one list (``rnnkit.translate.mbr.mbr_choice``) with chrF of another ``beta``."""
    texts, scores = [t for t, _ in nbest], [s for _, s in nbest]
    chrf = CHRF(beta=beta)
    utility = None if beta == 2.0 else (lambda h, y: chrf.sentence_score(h, [y]).score)  # None: chrF2
    return texts[mbr_choice(texts, scores, temperature, utility, guard)]


def report(name: str, outs: list[str], refs: list[str]) -> None:
    chrf = score(outs, refs, "ko").chrf
    exact = sum(target_key(o) == target_key(r) for o, r in zip(outs, refs, strict=True))
    length = sum(map(len, outs)) / sum(map(len, refs))
    repeats = 100 * sum(repeated_words(o) > 0 for o in outs) / len(outs)
    print(f"| {name} | {chrf:.2f} | {exact} | {length:.3f} | {repeats:.1f}% |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--split", choices=("valid", "test"), default="valid")
    ap.add_argument("--beam", type=int, default=24)
    ap.add_argument("--cache", type=Path, default=None, help="n-best JSON: read if it exists, else written")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.cache is not None and args.cache.is_file():
        data = json.loads(args.cache.read_text(encoding="utf-8"))
    else:
        data = nbest_lists(args.model, args.split, args.beam)
        if args.cache is not None:
            args.cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refs = [d["ref"] for d in data]
    print("| decoding | chrF | exactly right | length / reference | outputs with a repeated word |")
    print("|---|---:|---:|---:|---:|")
    report("the references", refs, refs)
    report("the beam's best", [d["nbest"][0][0] for d in data], refs)
    for beta, temperature, guard, label in [
        (2.0, 1.0, False, "MBR, chrF beta 2"),
        (1.0, 1.0, False, "MBR, chrF beta 1"),
        (0.5, 1.0, False, "MBR, chrF beta 0.5"),
        (2.0, 1.0, True, "MBR, chrF beta 2, with the guard (the shipped decoding)"),
        (1.0, 1.0, True, "MBR, chrF beta 1, with the guard"),
        (2.0, math.inf, True, "MBR with the guard, uniform weights"),
        (2.0, 2.0, True, "MBR with the guard, temperature 2"),
    ]:
        report(label, [choose(d["nbest"], beta, temperature, guard) for d in data], refs)


if __name__ == "__main__":
    main()
