"""docs/forecast.md's many-series table is what its own stocks file trains to.

The guide shows the table ``rnnkit forecast train --data stocks_long.csv --id-column symbol`` prints, and
its Python block says how to write that file from the bundled IBM, AAPL and MSFT series. Here those lines
of the block write it, the command runs as the reader runs it, and the table the guide shows must be the
lines it printed, the rule under the header included (the guide had left it out). That run trains a
model (about 40 s on a loaded machine), so it is a slow test (``python -m pytest -m slow``); the check that
the table keeps its rule line, under the header and as wide as it, runs every time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "forecast.md"


def _stocks_file_lines() -> str:
    """The lines of the guide's Python block that build ``long_df`` and write ``stocks_long.csv``."""
    text = GUIDE.read_text(encoding="utf-8")
    block = re.search(r"^## Python\n\n```python\n(.*?)^```", text, re.S | re.M).group(1)
    keep = [
        line
        for line in block.split("\n")
        if line.startswith(("import ", "stocks = ", "long_df ", "long_df."))
    ]
    keep.insert(0, "from rnnkit.forecast.data import DATA_DIR")
    assert any("to_csv" in line for line in keep), "the Python block no longer writes stocks_long.csv"
    return "\n".join(keep)


def _table_shown(text: str | None = None) -> list[str]:
    """The guide's table (or ``text``'s), from its title line to the pooled row."""
    lines = (GUIDE.read_text(encoding="utf-8") if text is None else text).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("3 series, one global lstm model"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("pooled "))
    return lines[start : end + 1]


def _has_rule_under_header(table: list[str]) -> bool:
    """Whether the line under the header is a rule of dashes as long as it, under each of its words."""
    header, rule = table[1], table[2]
    return (
        re.fullmatch(r"-[- ]*", rule) is not None
        and len(rule) == len(header)
        and all(r == "-" for h, r in zip(header, rule, strict=True) if h != " ")
    )


def test_the_many_series_table_shows_the_rule_under_its_header():
    assert _has_rule_under_header(_table_shown())
    without = "\n".join(
        line for line in GUIDE.read_text(encoding="utf-8").split("\n") if not line.startswith("------ ")
    )
    assert not _has_rule_under_header(_table_shown(without))  # the guide as it was


@pytest.mark.slow
def test_the_many_series_table_is_what_the_guides_stocks_file_trains_to(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([sys.executable, "-c", _stocks_file_lines()], cwd=tmp_path, env=env, check=True)
    argv = ["forecast", "train", "--data", "stocks_long.csv", "--id-column", "symbol", "--out", "runs/stocks"]
    run = subprocess.run(
        [sys.executable, "-m", "rnnkit", *argv, "--device", "cpu", "--threads", "1", "--no-progress"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    printed = run.stdout.split("\n")
    shown = _table_shown()
    start = printed.index(shown[0])
    assert printed[start : start + len(shown)] == shown
