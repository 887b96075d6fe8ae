"""Every notebook that ships (examples/, docs/) runs top to bottom in a fresh kernel (nbclient)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (dev extra)")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (dev extra)")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("examples", "docs") for p in (ROOT / folder).rglob("*.ipynb"))


def test_there_are_notebooks():
    assert any(p.name == "quickstart.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"
    ]
    assert not errors
    if path.name == "quickstart.ipynb":  # the figure and the report rendered inline
        kinds = {
            k
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            for k in o.get("data", {})
        }
        assert "image/png" in kinds and "text/html" in kinds
