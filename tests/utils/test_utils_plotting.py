"""utils.plotting: Figures without pyplot, saved atomically; no rnnkit plot switches the backend."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

from rnnkit.utils.plotting import save_figure, subplots

SRC = Path(__file__).resolve().parents[2] / "src" / "rnnkit"


def test_subplots_and_save_figure(tmp_path):
    fig, axes = subplots(1, 2, figsize=(4, 2), squeeze=False)
    assert axes.shape == (1, 2)
    axes[0, 0].plot([0, 1], [1, 0])
    path = save_figure(fig, tmp_path / "sub" / "plot.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["plot.png"]


def test_save_figure_keeps_the_figures_resolution(tmp_path):
    """Each plot function picks its dpi when it builds the figure; saving does not override it."""
    sizes = {}
    for dpi in (50, 100):
        fig, _ = subplots(figsize=(4, 2), dpi=dpi)
        with Image.open(save_figure(fig, tmp_path / f"{dpi}.png", tight=False)) as image:
            sizes[dpi] = image.size
    assert sizes == {50: (200, 100), 100: (400, 200)}


def test_no_pyplot_or_backend_switch_in_the_library():
    """Library code builds Figure objects only: pyplot keeps global state, ``use()`` switches the backend."""
    banned = re.compile(r"matplotlib\.use\(|import matplotlib\.pyplot|from matplotlib import pyplot|\bplt\.")
    offenders = [
        f"{p.relative_to(SRC)}:{n}"
        for p in sorted(SRC.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if banned.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_rnnkit_plots_never_switch_the_backend_or_touch_pyplot(tmp_path):
    """A notebook's backend survives every application's plot function: each returns a Figure."""
    code = """
import math, sys
import matplotlib
matplotlib.use("svg")  # stands for a notebook's inline backend
before = matplotlib.get_backend()
import numpy as np, pandas as pd, torch
from matplotlib.figure import Figure
from rnnkit.caption.plots import attention_grid, caption_grid
from rnnkit.explain.gradient_flow import GradientFlow
from rnnkit.explain.plots import plot_gates, plot_gradient_flow, plot_memory
from rnnkit.explain.training import TaskResult
from rnnkit.forecast.evaluate import Evaluation
from rnnkit.forecast.plots import plot_forecast, plot_residuals
from rnnkit.translate.plots import attention_heatmap

n = 30
y = np.linspace(1, 2, n)
ev = Evaluation({}, pd.date_range("2024-01-01", periods=n), y, y, {"model": y, "naive": y},
                np.stack([y, y, y], 1), [0.1, 0.5, 0.9], {}, None, "", 1)
images = torch.zeros(2, 3, 8, 8, dtype=torch.uint8)
flow = GradientFlow(torch.ones(5), torch.ones(5))
figures = [
    plot_forecast(ev, "t"), plot_residuals(ev, "t"),
    attention_heatmap(torch.rand(2, 3), ["a", "b", "c"], ["x", "y"]),
    caption_grid(images, ["a", "b"]), attention_grid(images, [["a"], ["b"]], [torch.ones(2, 4) / 4] * 2),
    plot_gradient_flow({"rnn": {"init": flow}}), plot_memory([TaskResult("adding", 5, "rnn", 0.1, 0.2, False)]),
    plot_gates(torch.rand(5, 2), [("forget gate f_t", torch.rand(5, 3))]),
]
assert all(isinstance(f, Figure) for f in figures), figures
assert matplotlib.get_backend() == before == "svg", matplotlib.get_backend()
assert "matplotlib.pyplot" not in sys.modules or not sys.modules["matplotlib.pyplot"].get_fignums()
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]


def test_font_notices_are_dropped_only_while_rnnkit_draws(caplog):
    """QA: a demo run printed ~20 ``findfont: ... not found. Falling back to DejaVu Sans.`` lines and 5
    ``TSI0 NOT subset`` lines on stderr. Those two notices are dropped inside rnnkit's drawing; the same
    notices outside it, other messages of the same loggers, and errors still reach the handlers."""
    import logging

    from rnnkit.utils.plotting import quiet_font_notices

    fonts, subsetter = logging.getLogger("matplotlib.font_manager"), logging.getLogger("fontTools.subset")
    fallback = "findfont: Font family ['STIXGeneral'] not found. Falling back to DejaVu Sans."
    with caplog.at_level(logging.WARNING):
        with quiet_font_notices():
            fonts.warning(fallback)
            subsetter.warning("%s NOT subset; don't know how to subset; dropped", "TSI0")
            fonts.warning("findfont: score(FontEntry) = 10")  # another message of the logger: kept
            subsetter.error("%s NOT subset; don't know how to subset; dropped", "glyf")  # an error: kept
        fonts.warning(fallback)  # outside rnnkit's drawing (a user's own plot): kept
    assert [r.getMessage() for r in caplog.records] == [
        "findfont: score(FontEntry) = 10",
        "glyf NOT subset; don't know how to subset; dropped",
        fallback,
    ]


def test_drawing_and_the_report_font_print_no_library_notices(tmp_path):
    """End to end, in a fresh interpreter (the notices come once per process): a plot with math-text
    ticks, saved, and the report's Hangul font subset leave stderr empty."""
    code = (
        "from rnnkit.utils.plotting import save_figure, subplots, tight_layout\n"
        "from rnnkit.utils.fonts import embedded_font_css\n"
        "fig, ax = subplots()\n"
        "ax.plot([1, 2, 3], [1e-3, 1e-1, 1e1]); ax.set_yscale('log'); ax.set_title('$x^2$')\n"
        "tight_layout(fig)\n"
        f"save_figure(fig, {str(tmp_path / 'p.png')!r})\n"
        "embedded_font_css('안녕하세요')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(SRC.parent)})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_users_words_with_dollars_are_drawn_as_written_and_log_ticks_as_math(tmp_path):
    """A forecast column named 'Cost $^$ x' raised matplotlib's ParseException after the model was saved:
    titles, labels and legends carry users' words, never TeX. A log axis's ticks still use math."""
    from rnnkit.utils.plotting import png_bytes, save_figure, subplots, tight_layout

    fig, ax = subplots()
    ax.plot([1, 2, 3], [1e-3, 1e-2, 1e-1], label="$3 and $4")
    ax.set_yscale("log")
    ax.set_title("m.csv Cost $^$ x")
    ax.set_ylabel("Cost $^$ x")
    ax.legend()
    tight_layout(fig)
    assert save_figure(fig, tmp_path / "p.png").stat().st_size > 0
    assert not ax.title.get_parse_math() and not ax.yaxis.label.get_parse_math()
    assert ax.get_legend().get_texts()[0].get_parse_math() is False
    ticks = [t for t in ax.yaxis.get_ticklabels() if "$" in t.get_text()]
    assert ticks and all(t.get_parse_math() for t in ticks)  # 10^-2 as a power, not "$\mathdefault..."
    assert png_bytes(fig)
