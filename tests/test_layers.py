"""The layering of DESIGN.md, checked on every import in src/ (also those inside functions).

cli, loading and serve sit on top; then the applications (forecast, translate, caption,
explain), which never import one another; then train; then nn; then utils (report.py, which needs
utils alone, counts as utils). Imports point down only.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "rnnkit"
APPS = {"forecast", "translate", "caption", "explain"}
# report.py builds HTML from utils alone; the applications' demos write into it, so it sits with utils.
RANK = {"utils": 0, "report": 0, "nn": 1, "train": 2, **{app: 3 for app in APPS}}
TOP = {"cli", "loading", "serve", "_entry", "__main__", "__init__"}


def _part(module: str) -> str:
    """'rnnkit.nn.search.beam' -> 'nn'; 'rnnkit' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "rnnkit"]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "rnnkit"
        ):
            if node.module == "rnnkit":  # from rnnkit import X: X names the layer
                found += [(node.lineno, f"rnnkit.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def _violations() -> list[str]:
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        here = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if here in TOP:
            continue
        for line, module in _imports(path):
            there = _part(module)
            if there in TOP and there != "__init__":
                bad.append(f"{rel}:{line} imports {module} (a top layer)")
            elif there == "__init__" or there not in RANK:
                continue  # the package root's lazy names, or a plain module beside the layers
            elif here in APPS and there in APPS and there != here:
                bad.append(f"{rel}:{line} imports {module} (another application)")
            elif RANK[there] > RANK[here]:
                bad.append(f"{rel}:{line} imports {module} (a higher layer)")
    return bad


def test_imports_point_down_only():
    assert _violations() == []


def test_the_checker_sees_a_violation(tmp_path, monkeypatch):
    """The check is not vacuous: an nn module importing train is caught."""
    fake = tmp_path / "rnnkit"
    (fake / "nn").mkdir(parents=True)
    (fake / "nn" / "bad.py").write_text("def f():\n    from rnnkit.train.engine import Trainer\n")
    (fake / "caption").mkdir()
    (fake / "caption" / "bad.py").write_text("import rnnkit.translate.corpus\n")
    monkeypatch.setitem(globals(), "SRC", fake)
    assert sorted(v.split(" imports ")[0] for v in _violations()) == ["caption/bad.py:1", "nn/bad.py:2"]
