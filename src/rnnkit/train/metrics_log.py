"""The per-epoch metric log: ``metrics.csv`` in the run folder, rewritten whole after every epoch.

Rewriting the whole (small) file through :func:`~rnnkit.utils.atomic.atomic_path` means a reader, or a
crash, never sees a half-written row; the columns are the union of every epoch's keys in first-seen
order, so a metric that appears later (say, a validation metric) still gets its column.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from rnnkit.utils.atomic import atomic_path


def write_metrics_csv(path: str | Path, history: Sequence[dict[str, float]]) -> Path:
    """Write ``history`` (one dict per epoch) as CSV at ``path`` atomically and return the path."""
    keys: list[str] = []
    for row in history:
        keys += [k for k in row if k not in keys]
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=keys, restval="")
        writer.writeheader()
        writer.writerows(history)
    return Path(path)


def read_metrics_csv(path: str | Path) -> list[dict[str, float]]:
    """Read a ``metrics.csv`` back as a list of dicts of floats (empty cells are skipped)."""
    with Path(path).open(newline="", encoding="utf-8") as fh:
        return [{k: float(v) for k, v in row.items() if v != ""} for row in csv.DictReader(fh)]
