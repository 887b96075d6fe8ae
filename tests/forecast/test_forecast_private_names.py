"""The forecast and serve packages import no private name from another module: what two modules share
is a public function with a name that says what it does (panel read DataFrames through
``data._from_frame as frame_table``)."""

from __future__ import annotations

import ast
from pathlib import Path

import rnnkit

SRC = Path(rnnkit.__file__).parent
PACKAGES = ("forecast", "serve")


def private_imports(path: Path) -> list[str]:
    """``module.name`` for each private name ``path`` imports from an rnnkit module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rnnkit")
        for alias in node.names
        if alias.name.startswith("_")
    ]


def test_no_module_imports_another_modules_private_name():
    found = {
        str(path.relative_to(SRC)): names
        for package in PACKAGES
        for path in sorted((SRC / package).rglob("*.py"))
        if (names := private_imports(path))
    }
    assert found == {}


def test_the_check_sees_a_private_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from rnnkit.forecast.data import (\n    _named_columns as names,\n)\n")
    assert private_imports(module) == ["rnnkit.forecast.data._named_columns"]
