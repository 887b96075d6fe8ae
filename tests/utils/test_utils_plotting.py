"""utils.plotting: Figures without pyplot, saved atomically; no rnnkit plot switches the backend."""

from __future__ import annotations

import subprocess
import sys

from rnnkit.utils.plotting import save_figure, subplots


def test_subplots_and_save_figure(tmp_path):
    fig, axes = subplots(1, 2, figsize=(4, 2), squeeze=False)
    assert axes.shape == (1, 2)
    axes[0, 0].plot([0, 1], [1, 0])
    path = save_figure(fig, tmp_path / "sub" / "plot.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["plot.png"]


def test_rnnkit_plots_never_switch_the_backend_or_touch_pyplot(tmp_path):
    """A notebook's backend survives every application's plot function being imported and used."""
    a_png, b_png = tmp_path / "a.png", tmp_path / "b.png"
    code = f"""
import matplotlib
matplotlib.use("svg")  # stands for a notebook's inline backend
import torch
from rnnkit.translate.plots import attention_heatmap
from rnnkit.utils.plotting import save_figure, subplots
import rnnkit.forecast.plots, rnnkit.caption.plots, rnnkit.explain.plots
attention_heatmap(torch.rand(2, 3), ["a", "b", "c"], ["x", "y"], r"{a_png}")
fig, ax = subplots()
save_figure(fig, r"{b_png}")
assert matplotlib.get_backend() == "svg", matplotlib.get_backend()
assert "matplotlib.pyplot" not in sys.modules or not __import__("matplotlib.pyplot").pyplot.get_fignums()
"""
    subprocess.run(
        [sys.executable, "-c", "import sys\n" + code], check=True, capture_output=True, timeout=120
    )
    assert (tmp_path / "a.png").exists() and (tmp_path / "b.png").exists()
