"""One way to plot: :class:`matplotlib.figure.Figure` objects, never pyplot's global state.

rnnkit's plot functions build figures with :func:`subplots` and return them; whoever called them (the
command line, the demo, a notebook) shows the figure or writes it with :func:`save_figure`.
Nothing here calls ``matplotlib.use`` or registers figures with pyplot, so rnnkit never switches the
plotting backend of the process it runs in (inline plots in a notebook keep working after an rnnkit
call) and never leaks open figures. A Figure saves to PNG through its own Agg canvas, no display needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnkit.utils.atomic import write_bytes_atomic


def subplots(
    nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] | None = None, dpi: float = 100, **kw: Any
) -> tuple[Any, Any]:
    """Like ``pyplot.subplots``, returning ``(Figure, axes)`` without touching pyplot.

    ``kw`` goes to :meth:`matplotlib.figure.Figure.subplots` (``squeeze``, ``sharex``, ``gridspec_kw``...).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    return fig, fig.subplots(nrows, ncols, **kw)


def png_bytes(fig: Any, dpi: float | None = None, tight: bool = True) -> bytes:
    """``fig`` as PNG bytes (for embedding in a report), with :func:`save_figure`'s settings."""
    import io

    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="png", dpi="figure" if dpi is None else dpi, bbox_inches="tight" if tight else None
    )
    return buffer.getvalue()


def save_figure(fig: Any, path: str | Path, dpi: float | None = None, tight: bool = True) -> Path:
    """Write ``fig`` as a PNG at ``path``, whole or not at all; return the path.

    ``dpi``: None keeps the figure's own (each plot function chooses its resolution when it builds
    the figure). ``tight`` crops the empty margin around the drawing.
    """
    return write_bytes_atomic(path, png_bytes(fig, dpi, tight))
