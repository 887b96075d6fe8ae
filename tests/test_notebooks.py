"""Every notebook that ships (examples/, docs/) runs top to bottom in a fresh kernel (nbclient)."""

from __future__ import annotations

import os
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
    # The kernel runs in tmp_path: a relative PYTHONPATH=src would miss, and it would import another rnnkit.
    paths = [str(ROOT / "src"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"
    ]
    assert not errors
    # A reader sees every stderr line under its cell: a library's warning there is noise to chase.
    warned = [
        o.text
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "stream" and o.name == "stderr" and "Warning" in o.text
    ]
    assert not warned, warned
    if path.name == "quickstart.ipynb":  # the figures and the report rendered inline
        kinds = {
            k
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            for k in o.get("data", {})
        }
        assert "image/png" in kinds and "text/html" in kinds
        # A Figure returned by an rnnkit plot function is the cell's value, displayed inline (no file, no pyplot).
        plotted = next(c for c in nb.cells if c.cell_type == "code" and "plot_gates(" in c.source)
        assert any("image/png" in o.get("data", {}) for o in plotted.outputs)
        # One call loads a saved model of any application, and its results print short.
        loaded = next(c for c in nb.cells if c.cell_type == "code" and "rnnkit.load(" in c.source)
        shown = "".join(o.get("data", {}).get("text/plain", "") for o in loaded.outputs)
        assert "Translation(source='I am a student.', text='" in shown, shown
