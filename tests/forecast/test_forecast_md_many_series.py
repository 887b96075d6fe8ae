"""docs/forecast.md's many-series table is what its own stocks file trains to.

The guide shows the table ``rnnkit forecast train --data stocks_long.csv --id-column symbol`` prints, and
its Python block says how to write that file from the bundled IBM, AAPL and MSFT series. Here those lines
of the block write it, the command runs as the reader runs it, and the table the guide shows must be the
lines it printed, the rule under the header included (the guide had left it out).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

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


def _table_shown() -> list[str]:
    """The guide's table, from its title line to the pooled row."""
    lines = GUIDE.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("3 series, one global lstm model"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("pooled "))
    return lines[start : end + 1]


def test_the_many_series_table_is_what_the_guides_stocks_file_trains_to(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([sys.executable, "-c", _stocks_file_lines()], cwd=tmp_path, env=env, check=True)
    argv = ["forecast", "train", "--data", "stocks_long.csv", "--id-column", "symbol", "--out", "runs/stocks"]
    run = subprocess.run(
        [sys.executable, "-m", "rnnkit", *argv, "--threads", "1", "--no-progress"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    printed = run.stdout.split("\n")
    shown = _table_shown()
    start = printed.index(shown[0])
    assert printed[start : start + len(shown)] == shown
