"""Figures: a grid of images with their generated captions, and per-word attention maps.

Each function returns a :class:`matplotlib.figure.Figure` (built by :func:`rnnkit.utils.plotting.subplots`:
no pyplot state, no backend switch); the caller shows it or writes it with
:func:`rnnkit.utils.plotting.save_figure`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.plotting import subplots

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _to_hwc(image: torch.Tensor) -> np.ndarray:
    return image.permute(1, 2, 0).cpu().numpy().astype(np.uint8)  # (S, S, 3)


def caption_grid(
    images: torch.Tensor,
    captions: Sequence[str],
    references: Sequence[str] | None = None,
    cols: int = 4,
    names: Sequence[str] | None = None,
) -> Figure:
    """Images ``(N, 3, S, S)`` uint8 with their captions above, and below, in grey, one reference each
    or each image's name (``names``: which file a panel shows, when many are drawn)."""
    if len(images) == 0 or len(images) != len(captions):
        raise RnnkitError("caption grid needs one caption per image and at least one image")
    if names is not None and len(names) != len(images):
        raise RnnkitError("caption grid needs one name per image")
    below = references if names is None else names
    prefix = "ref: " if names is None else ""
    family, drawable = _fonts_for([*captions, *(below or ())])
    cols = min(cols, len(images))
    rows = math.ceil(len(images) / cols)
    titles = ["\n".join(textwrap.wrap(drawable(c), 30)) for c in captions]
    notes = None
    if below is not None:
        notes = [
            "\n".join(textwrap.wrap(drawable(prefix + b), 34, break_on_hyphens=False, max_lines=3))
            for b in below
        ]
    # The figure is sized from the square images and the text lines drawn: a fixed 3.9 inches a row left
    # an inch and a half of blank between two rows of one-line captions (the demo's digits).
    side, gap, margin = 2.4, 0.35, 0.1  # inches: image, between columns, around the whole
    lines_above = max(t.count("\n") + 1 for t in titles)
    lines_below = max(t.count("\n") + 1 for t in notes) if notes else 0
    above = 0.1 + lines_above * 8 * 1.3 / 72  # 8 pt titles, 7 pt notes, at matplotlib's line spacing
    below = 0.08 + lines_below * 7 * 1.3 / 72 if notes else 0.0
    width = cols * side + (cols - 1) * gap + 2 * margin
    height = rows * (above + side + below) + 2 * margin
    fig, axes = subplots(rows, cols, figsize=(width, height), squeeze=False)
    fig.subplots_adjust(
        left=margin / width,
        right=1 - margin / width,
        top=1 - (margin + above) / height,
        bottom=(margin + below) / height,
        wspace=gap / side,
        hspace=(above + below) / side,
    )
    for k, ax in enumerate(axes.flat):
        if k >= len(images):
            ax.axis("off")
            continue
        ax.imshow(_to_hwc(images[k]), interpolation="nearest")
        _frame(ax)
        ax.set_title(titles[k], fontsize=8, loc="left", family=family)
        if notes is not None:
            ax.text(
                0, -0.02, notes[k], transform=ax.transAxes, fontsize=7, color="grey", va="top", family=family
            )
    return fig


def _frame(ax: Axes) -> None:
    """A thin grey frame around a picture's axes, no ticks: without it a white picture (a transparent PNG
    composited onto white, a blank scan) vanished into the page, its caption floating over nothing."""
    ax.set_axis_on()
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor("0.7")
        spine.set_linewidth(0.6)


def _fonts_for(texts: Sequence[str]) -> tuple[list[str], Callable[[str], str]]:
    """The font families to draw ``texts`` with, and a function giving a text as they can draw it.

    The installed CJK font (:func:`rnnkit.utils.fonts.hangul_font`: Noto Sans CJK draws Hangul, Chinese
    and kana) comes first where the texts hold a character DejaVu Sans lacks (a file named in Korean, a
    model trained on Korean or Chinese captions: Chinese was drawn as ``?`` beside such a font, which was
    asked for Hangul alone); a character no font of the list has is drawn as ``?``, where matplotlib drew
    an empty box and warned on stderr once per character.
    """
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from rnnkit.utils.fonts import hangul_font
    from rnnkit.utils.plotting import quiet_font_notices

    joined = "".join(texts)
    if joined.isascii():
        return ["DejaVu Sans"], str

    def face(family: str) -> FT2Font:
        with quiet_font_notices():
            return FT2Font(font_manager.findfont(font_manager.FontProperties(family=family)))

    faces = [face("DejaVu Sans")]
    lacking = any(not c.isspace() and not faces[0].get_char_index(ord(c)) for c in set(joined))
    font = hangul_font() if lacking else None
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    if font:
        faces.insert(0, face(font))

    def drawable(text: str) -> str:
        return "".join(
            c if c.isspace() or any(f.get_char_index(ord(c)) for f in faces) else "?" for c in text
        )

    return family, drawable


def attention_grid(
    images: torch.Tensor,
    words: Sequence[Sequence[str]],
    attention: Sequence[torch.Tensor],
    max_words: int = 18,
    per_row: int = 6,
    names: Sequence[str] | None = None,
) -> Figure:
    """Each image, then the attention map of each generated word over it, ``per_row`` maps a row.

    A caption longer than ``per_row`` words continues on the next row under its first maps (the
    image's column stays blank there), so the figure stays about 7 maps wide and its word labels
    stay readable when a phone shrinks it to the screen; one long row of 13 maps did not.

    Args:
        images: ``(N, 3, S, S)`` uint8.
        words: the generated words of each image.
        attention: per image ``(steps, L)`` with ``L`` a square grid; step t is the map used to emit
            word t (the final ``<end>`` step, if present, is shown as ``<end>``). At most ``max_words``
            steps are drawn; a caption cut shorter says so in its image's title.
        per_row: word maps in one row of the figure.
        names: what to call each image under its ``image`` title (``describe``: the file name, so that
            a row is told from the next without counting them against the printed lines); each of its
            lines is wrapped to two at most.
    """
    if len(images) == 0 or not (len(images) == len(words) == len(attention)):
        raise RnnkitError("attention grid needs one word list and one attention tensor per image")
    if per_row < 1 or max_words < 1:
        raise RnnkitError("attention grid needs per_row and max_words of at least 1")
    if names is not None and len(names) != len(images):
        raise RnnkitError("attention grid needs one name per image")
    family, drawable = _fonts_for([w for ws in words for w in ws] + list(names or ()))
    shown = [min(max_words, len(a)) for a in attention]  # maps drawn per image
    blocks = [max(1, math.ceil(n / per_row)) for n in shown]  # figure rows per image
    cols = 1 + min(per_row, max(shown))
    fig, axes = subplots(sum(blocks), cols, figsize=(1.6 * cols, 1.8 * sum(blocks)), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    first_row = 0
    for i, img_t in enumerate(images):
        img = _to_hwc(img_t)
        size = img.shape[0]
        steps = len(attention[i])
        head = axes[first_row, 0]
        head.imshow(img, interpolation="nearest")
        _frame(head)  # as caption_grid's: a white picture was drawn on the white page with its axes off
        # a caption cut at max_words says so, rather than end silently
        title = "image" if steps <= shown[i] else f"image: first {shown[i]}\nof {steps} steps"
        if names is not None:  # a panel is 1.6 inches wide: each line of a name is wrapped, then cut
            parts = drawable(names[i]).split("\n")
            title += "".join("\n" + "\n".join(textwrap.wrap(part, 24, break_on_hyphens=False, max_lines=2))
                             for part in parts)  # fmt: skip
        head.set_title(title, fontsize=9 if names is None else 7, family=family)
        labels = [drawable(w) for w in words[i]] + ["<end>"]
        for t in range(shown[i]):
            ax = axes[first_row + t // per_row, 1 + t % per_row]
            alpha = attention[i][t].float()  # (L,)
            g = int(round(math.sqrt(alpha.numel())))
            if g * g != alpha.numel():
                raise RnnkitError(f"attention over {alpha.numel()} locations is not a square grid")
            amap = alpha.reshape(1, 1, g, g)
            up = torch.nn.functional.interpolate(
                amap, size=(size, size), mode="bilinear", align_corners=False
            )
            ax.imshow(img, interpolation="nearest")
            ax.imshow(up[0, 0].numpy(), cmap="gray", alpha=0.65, interpolation="nearest")
            ax.set_title(labels[t] if t < len(labels) else "", fontsize=11, family=family)
        first_row += blocks[i]
    return fig
