"""What the notebooks draw and say is what their code computes (QA, session 22).

tests/test_notebooks.py runs every notebook in a kernel and checks nothing fails; these run a notebook's code
cells in this process, so a test can read the arrays behind a figure and the numbers behind a sentence.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import torch

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")

ROOT = Path(__file__).resolve().parents[1]


def _run(path: Path) -> tuple[dict, str]:
    """Every code cell of the notebook at ``path``, in order: its namespace and what it printed."""
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for cell in nb.cells:
            if cell.cell_type == "code":
                source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
                exec(compile(source, f"{path.name}:{cell.id}", "exec"), namespace)
    return namespace, printed.getvalue()


def test_quickstart_heatmap_is_one_sequence_over_time():
    ns, _ = _run(ROOT / "examples" / "quickstart.ipynb")
    image = torch.as_tensor(ns["im"].get_array())
    length, hidden = ns["x"].shape[1], ns["lstm"].hidden_size
    # Titled "forget gate f_t, sequence 0" with "time step t" across: every step of that sequence, not step 0
    # of every sequence (which drew two columns, x from -0.5 to 1.5).
    assert tuple(image.shape) == (hidden, length)
    torch.testing.assert_close(image, ns["gates"].forget[0, 0].T.detach())
    ax = ns["ax"]
    assert ax.get_xlabel() == "time step t" and ax.get_xlim() == (-0.5, length - 0.5)
