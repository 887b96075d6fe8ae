"""Every Python block of the README and the guides runs as pasted: it defines each name it uses.

A reader copies a ``python`` block into a file and runs it. A block that uses ``df`` or ``long_df``
without saying what they are stops at its first line with a ``NameError`` (forecast.md's did, and its
comments quoted what no data printed). Nothing runs here: each block is parsed and every name it reads
must be bound in it (assigned, imported, a function, class or argument) or be a builtin. The two API
references whose blocks are templates for the reader's own code (``MyModel(...)``, ``step, state``) are
left out.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = {"nn.md", "train.md"}  # the search and training engine APIs, shown around the reader's own model
PAGES = [ROOT / "README.md", *(p for p in sorted((ROOT / "docs").glob("*.md")) if p.name not in TEMPLATES)]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def undefined_names(code: str) -> list[str]:
    """The names ``code`` reads that it never binds and that are no builtins, sorted."""
    bound, read = set(dir(builtins)), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return sorted(read - bound)


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """(line of the opening fence, code) of each ``python`` block of a page."""
    text = page.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in PYTHON_BLOCK.finditer(text)]


def test_the_pages_hold_python_blocks():
    names = {page.name for page in PAGES if python_blocks(page)}
    assert {"README.md", "forecast.md", "translate.md", "caption.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_python_block_defines_the_names_it_uses(page):
    wrong = [
        f"{page.name}:{line}: uses {', '.join(names)} without defining them"
        for line, code in python_blocks(page)
        if (names := undefined_names(code))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_finds_a_name_the_block_never_defines():
    code = "import pandas as pd\nfrom x import Forecaster\nfc = Forecaster().fit(df)\n[s for s in fc]\ndef f(a):\n    return a\n"
    assert undefined_names(code) == ["df"]
