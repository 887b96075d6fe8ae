"""Print what ``--predict auto`` chooses on every series of issue 13, at horizons 1 and 3, and why.

Run it on two commits to see which choices a change to ``src/rnnkit/forecast/choose.py`` moves::

    OMP_NUM_THREADS=1 python benchmarks/forecast_choices.py --json after.json
    git archive OLD src | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old/src OMP_NUM_THREADS=1 python benchmarks/forecast_choices.py --json before.json
    python benchmarks/forecast_choices.py --compare before.json after.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_forecast import BUNDLED_SETS, MG_FAMILY, PROBES, SIGNED, series_for  # noqa: E402

SETS = (
    "seasonal",
    "seasonal-additive",
    "mackey-glass",
    "mackey-glass-fine",
    *BUNDLED_SETS,
    *PROBES,
    *MG_FAMILY,
    *SIGNED,
)


def choices() -> dict[str, dict[str, str]]:
    """``{"SET@H": {"predict": ..., "reason": ...}}`` for every set and horizon 1 and 3, at the set's window."""
    from rnnkit.forecast.choose import choose_predict

    out = {}
    for name in SETS:
        series, window = series_for(name)
        for horizon in (1, 3):
            c = choose_predict(series, window, horizon)
            out[f"{name}@{horizon}"] = {"predict": c.predict, "reason": c.reason}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the choices here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="list what moved")
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        moved = [k for k in after if before.get(k, {}).get("predict") != after[k]["predict"]]
        for k in moved:
            print(f"{k}: {before.get(k, {}).get('predict')} -> {after[k]['predict']}: {after[k]['reason']}")
        print(f"{len(moved)} of {len(after)} choices moved")
        return
    result = choices()
    for k, v in result.items():
        print(f"{k}: {v['predict']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
