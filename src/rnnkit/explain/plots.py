"""Figures of the explain tools: gradient flow, memory by length, gates over time.

Each function takes plain results and returns one :class:`matplotlib.figure.Figure` (built by
:func:`rnnkit.utils.plotting.subplots`: no pyplot state, no backend switch). The caller shows it (inline in
a notebook) or writes it with :func:`rnnkit.utils.plotting.save_figure` (atomic: complete or absent).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import torch

from rnnkit.explain.gradient_flow import GradientFlow
from rnnkit.explain.training import ADDING_SOLVED_MSE, TaskResult
from rnnkit.utils.plotting import subplots, tight_layout

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def plot_gradient_flow(flows: Mapping[str, Mapping[str, GradientFlow]], title: str = "") -> Figure:
    """Gradient norms over steps back from the end, log scale.

    Exact zeros (every path cut by ReLU units that stayed off, or float32 underflow below about 1e-45)
    cannot be drawn on a log scale: a curve ends where its norm becomes zero, a norm between zeros is a
    lone marker, and the legend says where a curve is zero to the end of the axis (or everywhere).

    Args:
        flows: ``{cell: {"init": GradientFlow, "trained": GradientFlow}}`` (either stage may be absent).
        title: drawn above both columns.
    """
    from matplotlib.ticker import MaxNLocator

    stages = [s for s in ("init", "trained") if any(s in f for f in flows.values())]
    fig, axes = subplots(2, len(stages), figsize=(5.5 * len(stages), 7.5), dpi=110, squeeze=False)
    labels = {"init": "at initialisation", "trained": "after training"}
    for col, stage in enumerate(stages):
        for cell, by_stage in flows.items():
            if stage not in by_stage:
                continue
            flow = by_stage[stage]
            length = flow.state_norms.shape[0]
            back = torch.arange(length - 1, -1, -1)  # steps back from the last one: T - t
            # nonpositive="mask": a zero ends the curve; semilogy's default ("clip") drew it as a cliff
            # from the last nonzero value down past the axis, as if the norm fell through every decade
            for ax, x, y, name in ((axes[0][col], back, flow.state_norms, "T - t"),
                                   (axes[1][col], torch.arange(length), flow.input_norms, "t")):  # fmt: skip
                lone = _lone_points(y)
                ax.semilogy(x, y, label=cell + _zeros_note(x, y, name), nonpositive="mask",
                            marker="o" if lone else None, markersize=3, markevery=lone or None)  # fmt: skip
        axes[0][col].set_title(f"||dh_T / dh_t||, {labels[stage]}")
        axes[0][col].set_xlabel("steps back from the end (T - t)")
        axes[0][col].set_ylabel("spectral norm (log scale; 1 at T - t = 0)")
        axes[1][col].set_title(f"||dL / dx_t||, {labels[stage]}")
        axes[1][col].set_xlabel("input step t")
        axes[1][col].set_ylabel("gradient norm (log scale)")
        for ax in (axes[0][col], axes[1][col]):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps: no tick at 0.5 on a short run
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    tight_layout(fig)
    return fig


def _lone_points(norms: torch.Tensor) -> list[int]:
    """The positions of the norms above zero whose neighbours are both zero (or absent): with the zeros
    masked, a line draws nothing of them, so they get a marker. A net whose ReLU units all stayed off
    has a norm of 1 at T - t = 0 and 0 beyond: its curve vanished while the legend still listed it."""
    drawn = [float(v) > 0 for v in norms]
    return [
        i for i, here in enumerate(drawn)
        if here and not (i > 0 and drawn[i - 1]) and not (i + 1 < len(drawn) and drawn[i + 1])
    ]  # fmt: skip


def _zeros_note(x: torch.Tensor, norms: torch.Tensor, name: str) -> str:
    """What the log scale cannot draw, for the legend: " (gradient 0 everywhere)", or the zeros at either
    end of the axis, " (gradient 0 beyond T - t = 0)"; "" when there are none there."""
    seen = [int(at) for at, v in zip(x, norms, strict=True) if float(v) != 0]  # NaN: no claim of 0
    if not seen:
        return " (gradient 0 everywhere)"
    ends = []
    if min(seen) > int(x.min()):
        ends.append(f"before {name} = {min(seen)}")
    if max(seen) < int(x.max()):
        ends.append(f"beyond {name} = {max(seen)}")
    return f" (gradient 0 {' and '.join(ends)})" if ends else ""


def plot_memory(results: Sequence[TaskResult], title: str = "") -> Figure:
    """Test error against sequence length, one line per cell, the trivial baseline dashed (log scale,
    or a linear one from 0 when everything drawn lies within tenfold: see :func:`_log_scale`).

    The legend stands right of the axes: inside them it hid the top of a bar whatever corner it took
    (two models above the baseline reach the top, solved ones the bottom, lines cross both).
    """
    fig, ax = subplots(figsize=(8, 4.5), dpi=110)
    task = results[0].task if results else "adding"
    metric = results[0].metric if results else "error"
    lengths = sorted({r.length for r in results})
    base = [  # the baseline does not depend on the model, so diverged runs count too
        sum(r.baseline for r in results if r.length == n) / sum(r.length == n for r in results)
        for n in lengths
    ]
    diverged = sorted({f"{r.cell} ({r.length})" for r in results if not math.isfinite(r.error)})
    every_cell = list(dict.fromkeys(r.cell for r in results))
    results = [r for r in results if math.isfinite(r.error)]  # a diverged run has no error to draw
    cells = list(dict.fromkeys(r.cell for r in results))
    what = "sequence length" if task == "adding" else "delay"
    log = _log_scale([r.error for r in results], [*base, *([ADDING_SOLVED_MSE] if task == "adding" else [])])
    if len(lengths) == 1:  # one length: a bar per cell reads better than a line of single points
        # Every cell keeps its place, a diverged one without a bar: with all diverged the axis was numbers.
        for k, cell in enumerate(every_cell):
            error = next((r.error for r in results if r.cell == cell), None)
            if error is not None:
                ax.bar(k, max(error, 1e-8) if log else error, color=f"C{k}", log=log)
        names = [c if c in cells else f"{c}\n(diverged)" for c in every_cell]
        ax.set_xticks(range(len(every_cell)), names)
        ax.set_yscale("log" if log else "linear")
        ax.axhline(base[0], color="k", linestyle="--", label="trivial baseline")
        ax.set_xlabel(f"cell ({what} {lengths[0]})")
    else:
        for cell in cells:
            rows = sorted((r for r in results if r.cell == cell), key=lambda r: r.length)
            ax.plot([r.length for r in rows], [max(r.error, 1e-8) for r in rows], "o-", label=cell)
        ax.plot(lengths, base, "k--", label="trivial baseline")
        ax.set_yscale("log" if log else "linear")
        ax.set_xlabel(what)
        ax.set_xticks(lengths)
    if not log:
        ax.set_ylim(bottom=0)
    if task == "adding":
        ax.axhline(ADDING_SOLVED_MSE, color="grey", linestyle=":", label=f"solved (MSE {ADDING_SOLVED_MSE})")
    ax.set_ylabel(f"test {metric}{' per step' if task == 'copy' else ''}{' (log scale)' if log else ''}")
    ax.grid(True, which="both", alpha=0.3)
    ax.set_axisbelow(True)  # the log grid's many lines crossed the bars: draw them underneath
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    if diverged:
        title = f"{title}\ndiverged (not drawn): {', '.join(diverged)}"
    if title:
        ax.set_title(title)
    tight_layout(fig)
    return fig


def _log_scale(errors: Sequence[float], lines: Sequence[float]) -> bool:
    """Whether the memory plot needs a log scale: when the models' test ``errors`` and the ``lines`` drawn
    beside them (baseline, solved bar) span tenfold or more, as solved and unsolved models do. Within
    tenfold a log scale misled: a bar stands on the axis's lowest value, not on 0, so a copy task's RNN
    at 0.60 beside the baseline's 0.70 drew almost no bar, an LSTM at 0.65 half of the baseline's, and
    the ticks read 6x10^-1 and 7x10^-1. There a linear scale from 0 makes each bar as long as its value.
    Without an error to draw (every run diverged) the scale stays log, as it was."""
    values = [v for v in (*errors, *lines) if math.isfinite(v) and v > 0]
    if not any(math.isfinite(v) for v in errors) or not values:
        return True
    return max(values) >= 10 * min(values)  # an error of exactly 0 is drawn as 0 on a linear scale


def plot_gates(
    x: torch.Tensor,
    panels: Sequence[tuple[str, torch.Tensor]],
    title: str = "",
    max_units: int = 64,
) -> Figure:
    """Heatmaps of gate activations over time for one sequence.

    Args:
        x: the sequence ``(L, 2)`` of the adding problem (numbers, markers), drawn on top.
        panels: ``(label, (L, H))`` pairs, one heatmap each (units on the y axis, time on the x axis).
        max_units: show at most this many units (the first ones; the axis label then says how many of
            how many are shown).
    """
    fig, axes = subplots(
        len(panels) + 1, 1, figsize=(10, 1.6 + 2.0 * len(panels)), dpi=110, sharex=True,
        gridspec_kw={"height_ratios": [0.6] + [1.0] * len(panels)},
    )  # fmt: skip
    length = x.shape[0]
    steps = torch.arange(length)
    marked = x[:, 1] > 0  # (L,)
    axes[0].bar(steps, x[:, 0], color="lightgrey", width=1.0)
    axes[0].bar(steps[marked], x[marked, 0], color="crimson", width=1.0)
    for t in steps[marked].tolist():  # a marked number near 0 has no bar to see: its step still shows
        axes[0].axvline(t, color="crimson", linewidth=0.8, alpha=0.8)
    # Said in the label, not in a legend: a legend box in the corner hid the last steps' numbers.
    axes[0].set_ylabel("input\n(red: marked)")
    axes[0].set_xlim(-0.5, length - 0.5)
    # Reserve a colorbar's width beside the input panel too, so its time axis lines up with the heatmaps.
    from matplotlib.cm import ScalarMappable
    from matplotlib.ticker import MaxNLocator

    fig.colorbar(ScalarMappable(), ax=axes[0], pad=0.01).ax.set_visible(False)
    for ax, (label, values) in zip(axes[1:], panels, strict=True):
        data = values[:, :max_units].t()  # (H', L)
        is_gate = "state" not in label and "candidate" not in label
        # Gates live in (0, 1); states and candidates are signed, so they get a diverging map around 0.
        bound = float(data.abs().max()) or 1.0
        vmin, vmax, cmap = (0.0, 1.0, "viridis") if is_gate else (-bound, bound, "RdBu_r")
        image = ax.imshow(data, aspect="auto", interpolation="nearest", cmap=cmap, vmin=vmin, vmax=vmax)
        for t in steps[marked].tolist():
            ax.axvline(t, color="crimson", linewidth=0.8, alpha=0.8)
        units = values.shape[1]
        shown = "unit" if units <= max_units else f"unit (first {max_units} of {units})"
        ax.set_ylabel(f"{label}\n{shown}")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # one unit: 0, not -0.4 ... 0.4
        fig.colorbar(image, ax=ax, pad=0.01)
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))  # shared: steps are whole on every panel
    axes[-1].set_xlabel("step t")
    if title:
        fig.suptitle(title)
    tight_layout(fig)
    return fig
