"""Figures of a test period: forecasts against actuals (with the model's interval), and residuals.

Each function returns a :class:`matplotlib.figure.Figure` (built by :func:`rnnkit.utils.plotting.subplots`,
no pyplot state, no backend switch); the caller shows it (a notebook displays it inline) or writes it with
:func:`rnnkit.utils.plotting.save_figure`. matplotlib is imported only when a figure is drawn, so
prediction never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from rnnkit.forecast.evaluate import MODEL, NAIVE, Evaluation
from rnnkit.utils.plotting import subplots, tight_layout

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ZOOM = 60  # points in the close-up panel: at full length the lines lie on top of each other


def _dates_axis(ax) -> None:
    """Short, non-overlapping date labels whatever the span (minutes to decades)."""
    import matplotlib.dates as mdates

    # minticks 3, not 5: with 5, four years of months fell to monthly ticks, whose widest step (6)
    # cannot cover 47 months in 8 ticks, and matplotlib warned on every plot ("unable to pick an
    # appropriate interval"); with 3 they take yearly ticks
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def plot_forecast(ev: Evaluation, title: str, value: str | None = None) -> Figure:
    """Actual, model and naive over the test period, the model's interval shaded; plus a close-up.
    ``value``: what the numbers are (the forecast column's name), the y axis's label."""
    fig, axes = subplots(2, 1, figsize=(11, 7.5))
    n = len(ev.actual)
    for ax, start in zip(axes, (0, max(0, n - ZOOM)), strict=True):
        d = ev.dates[start:]
        if len(ev.levels) >= 2:
            ax.fill_between(
                d,
                ev.quantiles[start:, 0],
                ev.quantiles[start:, -1],
                color="tab:orange",
                alpha=0.2,
                label=f"model {ev.levels[0]:.0%}-{ev.levels[-1]:.0%} interval",
            )
        ax.plot(d, ev.actual[start:], color="black", lw=1.2, label="actual")
        ax.plot(d, ev.forecasts[MODEL][start:], color="tab:orange", lw=1.0, label="model")
        ax.plot(d, ev.forecasts[NAIVE][start:], color="tab:blue", lw=0.8, ls="--", label="naive")
        ax.grid(alpha=0.3)
        ax.set_ylabel(value or "value")  # the reader should not have to guess what the axis counts
        _dates_axis(ax)
    step = f"{ev.horizon}-step" if ev.horizon > 1 else "one-step"
    axes[0].set_title(f"{title}: {step} forecasts over the test period")
    axes[1].set_title(f"last {min(n, ZOOM)} test points")
    axes[0].legend(loc="best", fontsize=8)
    tight_layout(fig)
    return fig


def plot_residuals(ev: Evaluation, title: str, value: str | None = None) -> Figure:
    """Residuals (actual - forecast) of the model and naive over time, and their histograms; ``value``
    as in :func:`plot_forecast`."""
    fig, (ax_t, ax_h) = subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [2, 1]})
    res_model = ev.actual - ev.forecasts[MODEL]
    res_naive = ev.actual - ev.forecasts[NAIVE]
    ax_t.plot(ev.dates, res_naive, color="tab:blue", lw=0.6, alpha=0.7, label="naive")
    ax_t.plot(ev.dates, res_model, color="tab:orange", lw=0.6, alpha=0.9, label="model")
    ax_t.axhline(0.0, color="black", lw=0.8)
    ax_t.set_title(f"{title}: residuals (actual - forecast)")
    ax_t.legend(fontsize=8)
    ax_t.grid(alpha=0.3)
    ax_t.set_ylabel(f"residual ({value})" if value else "residual")
    _dates_axis(ax_t)
    both = np.concatenate([res_model, res_naive])
    bins = np.linspace(np.percentile(both, 0.5), np.percentile(both, 99.5), 40)
    ax_h.hist(res_naive, bins=bins, color="tab:blue", alpha=0.5, label="naive")
    ax_h.hist(res_model, bins=bins, color="tab:orange", alpha=0.5, label="model")
    ax_h.set_title("distribution of the residuals")
    ax_h.set_xlabel("residual (actual - forecast)")
    ax_h.set_ylabel("test points")
    ax_h.legend(fontsize=8)  # its own: the colours say which forecaster without the other panel
    tight_layout(fig)
    return fig
