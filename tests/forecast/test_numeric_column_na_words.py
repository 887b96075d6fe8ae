"""forecast.numeric_column: pandas' words for a missing value are rnnkit's own copy, checked against pandas.

pandas keeps its default ``na_values`` list only in a private module (``pandas._libs.parsers``), which a
release may move; rnnkit no longer imports it, and these tests notice when pandas' list changes.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pandas as pd

import rnnkit.forecast.numeric_column as module
from rnnkit.forecast.numeric_column import MISSING_MARKS, PANDAS_NA_WORDS, holds_numbers, numeric_column


def test_the_copy_is_pandas_current_list():
    """If this fails, pandas changed its default missing-value words: update PANDAS_NA_WORDS to match."""
    from pandas._libs.parsers import STR_NA_VALUES  # private on purpose: only here, to compare

    assert set(STR_NA_VALUES) == PANDAS_NA_WORDS


def test_read_csv_reads_each_word_as_missing_and_rnnkit_too():
    """The public behaviour the copy stands for: pandas' read_csv, with its defaults, reads each word as a
    missing value; rnnkit reads the same words (with spaces around them) in a text column as missing."""
    words = sorted(PANDAS_NA_WORDS)
    read = pd.read_csv(io.StringIO("k,v\n" + "".join(f"{i},{w}\n" for i, w in enumerate(words))))
    assert read["v"].isna().all(), read[read["v"].notna()]
    frame = pd.DataFrame({"v": ["1.5", *(f" {w} " for w in words), "2"]}, dtype=object)
    assert holds_numbers(frame, "v")
    values, _ = numeric_column(frame, "v", Path("prices.csv"))
    assert values[0] == 1.5 and values[-1] == 2.0
    assert all(v != v for v in values[1:-1])  # NaN: each word a missing value
    assert "." in MISSING_MARKS and PANDAS_NA_WORDS < MISSING_MARKS


def test_the_module_imports_no_private_pandas_module():
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert [
        m for m in modules if m.startswith("pandas") and any(p.startswith("_") for p in m.split("."))
    ] == []
