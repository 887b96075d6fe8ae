"""Write a large generated English-Korean corpus for the stream-mode benchmark (never into the repo).

Each generated pair joins two pairs of the bundled corpus (``A B`` / ``A' B'``), chosen by a seeded
generator, so the file has the bundled corpus's vocabulary and length range, grows to any size, and
holds few repeats (22,775² possible joins). It is data for measuring memory and throughput, not for
learning: a model trained on it learns the bundled sentences.

    python benchmarks/make_big_corpus.py --pairs 1000000 --out /tmp/rnnkit_big/1000000.tsv

The file is anki format (``english<TAB>korean``), or with ``--csv`` CSV with an ``en,ko`` header whose
every tenth English field is quoted and holds a line break (a record of two lines, as ``--stream`` must
read it), written whole or not at all, and only under a temporary folder (``/tmp`` or ``$TMPDIR``): refusing a path in the repository keeps a 60 MB file out of
commits.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))


def generate(pairs: int, seed: int, out: Path, as_csv: bool = False) -> Path:
    """Write ``pairs`` joined pairs to ``out`` (atomically); return ``out``. ``as_csv``: CSV with a
    header, every tenth English field spanning two lines (the same pairs otherwise, for a given seed)."""
    from rnnkit.translate.corpus import read_corpus
    from rnnkit.utils.atomic import atomic_path

    bundled, _ = read_corpus()
    rng = random.Random(seed)
    n = len(bundled)
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as f:
        rows = csv.writer(f, lineterminator="\n") if as_csv else None
        if rows is not None:
            rows.writerow(["en", "ko"])
        else:
            f.write(f"# {pairs} generated pairs (benchmarks/make_big_corpus.py --seed {seed})\n")
        for i in range(pairs):
            (a, ka), (b, kb) = bundled[rng.randrange(n)], bundled[rng.randrange(n)]
            if rows is None:
                f.write(f"{a} {b}\t{ka} {kb}\n")
            else:  # the line break inside a quoted field is read back as a space by the corpus reader
                rows.writerow([f"{a}\n{b}" if i % 10 == 0 else f"{a} {b}", f"{ka} {kb}"])
    return out


def check_outside_repo(out: Path) -> None:
    roots = {Path("/tmp").resolve(), Path(tempfile.gettempdir()).resolve()}
    resolved = out.resolve()
    if not any(r == resolved or r in resolved.parents for r in roots):
        raise SystemExit(
            f"make_big_corpus: error: write under /tmp (got {out}); the file never goes in the repo"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=1_000_000, help="pairs to write")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--csv", action="store_true", help="CSV with a header, some records two lines long")
    ap.add_argument("--out", type=Path, default=None, help="default: /tmp/rnnkit_big/PAIRS.tsv (.csv)")
    args = ap.parse_args()
    if args.pairs < 1:
        raise SystemExit("make_big_corpus: error: --pairs must be at least 1")
    out = (
        args.out
        or Path(tempfile.gettempdir()) / "rnnkit_big" / f"{args.pairs}.{'csv' if args.csv else 'tsv'}"
    )
    check_outside_repo(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    generate(args.pairs, args.seed, out, args.csv)
    print(f"wrote {args.pairs} pairs to {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
