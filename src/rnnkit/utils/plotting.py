"""One way to plot: :class:`matplotlib.figure.Figure` objects, never pyplot's global state.

rnnkit's plot functions build figures with :func:`subplots` and return them; whoever called them (the
command line, the demo, a notebook) shows the figure or writes it with :func:`save_figure`.
Nothing here calls ``matplotlib.use`` or registers figures with pyplot, so rnnkit never switches the
plotting backend of the process it runs in (inline plots in a notebook keep working after an rnnkit
call) and never leaks open figures. A Figure saves to PNG through its own Agg canvas, no display needed.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rnnkit.utils.atomic import write_bytes_atomic

# Notices the font libraries log at WARNING while rnnkit draws, which say nothing a user can act on:
# matplotlib looking for the fonts of math text (tick labels like 10^-2) that a trimmed install lacks,
# falling back to DejaVu Sans (the drawing is the same), and the fontTools subsetter dropping hinting
# tables it cannot cut (TSI0-TSI5) from the Hangul font the report embeds. Python's last-resort handler
# printed each on stderr, 25 lines in a demo run.
_NOISE = {
    "matplotlib.font_manager": ("findfont: Font family", "not found. Falling back to"),
    "fontTools.subset": ("", "NOT subset; don't know how to subset; dropped"),
}
_QUIET = contextvars.ContextVar("rnnkit_quiet_font_notices", default=False)


class _FontNoise(logging.Filter):
    """Drops the notices of ``_NOISE``, and only while :func:`quiet_font_notices` is active (in this
    thread or task): a user's own plots, and every other message, are logged as before."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _QUIET.get() or record.levelno >= logging.ERROR or record.name not in _NOISE:
            return True
        start, part = _NOISE[record.name]
        message = record.getMessage()
        return not (message.startswith(start) and part in message)


_FILTER = _FontNoise()


@contextlib.contextmanager
def quiet_font_notices() -> Iterator[None]:
    """Within this block the font libraries' notices of ``_NOISE`` are not logged; nothing else is
    touched (no logger level changes, so real warnings, and these notices outside rnnkit's drawing,
    still show)."""
    for name in _NOISE:  # a logger's filters see the records logged on it; adding twice is a no-op
        logging.getLogger(name).addFilter(_FILTER)
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def tight_layout(fig: Any) -> None:
    """``fig.tight_layout()``, which lays out (and so looks up the fonts of) every label already."""
    _literal_texts(fig)  # measured as drawn: a user's "$...$" was parsed here first
    with quiet_font_notices():
        fig.tight_layout()


def subplots(
    nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] | None = None, dpi: float = 100, **kw: Any
) -> tuple[Any, Any]:
    """Like ``pyplot.subplots``, returning ``(Figure, axes)`` without touching pyplot.

    ``kw`` goes to :meth:`matplotlib.figure.Figure.subplots` (``squeeze``, ``sharex``, ``gridspec_kw``...).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    return fig, fig.subplots(nrows, ncols, **kw)


def _literal_texts(fig: Any) -> None:
    """Titles, axis labels, legends and free texts of ``fig`` drawn as written, never as math text: they
    carry users' words (a column ``Cost $^$ x``, a file ``$1 $2.png``, a sentence "$3 and $4"), and
    matplotlib read the part between two ``$`` as TeX, which drew it wrong or raised a ParseException
    after the model was saved. Tick labels are left alone: a log axis writes its powers as math."""
    texts = [*fig.texts, getattr(fig, "_suptitle", None)]
    for ax in fig.axes:
        texts += [ax.title, getattr(ax, "_left_title", None), getattr(ax, "_right_title", None)]
        texts += [ax.xaxis.label, ax.yaxis.label, *ax.texts]
        legend = ax.get_legend()
        texts += legend.get_texts() if legend is not None else []
    for text in texts:
        if text is not None and "$" in text.get_text():
            text.set_parse_math(False)


def png_bytes(fig: Any, dpi: float | None = None, tight: bool = True) -> bytes:
    """``fig`` as PNG bytes (for embedding in a report), with :func:`save_figure`'s settings."""
    import io

    _literal_texts(fig)
    buffer = io.BytesIO()
    with quiet_font_notices():
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
