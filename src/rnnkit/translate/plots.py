"""The attention heatmap: which source pieces each output piece looked at.

Hangul needs a font that has it. :func:`rnnkit.utils.fonts.hangul_font` looks for one (Nanum, Noto CJK,
Malgun, AppleGothic, Baekmuk, Un; on Debian ``apt-get install fonts-nanum``). When there is none, the
plot still appears: Hangul labels are romanised syllable by syllable (Revised Romanization, letter by
letter, without sound-change rules) and the title says so, instead of showing empty boxes.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import torch

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.fonts import hangul_font, has_hangul
from rnnkit.utils.plotting import subplots, tight_layout

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_INITIALS = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_MEDIALS = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_FINALS = [
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]


def romanize(text: str) -> str:
    """Hangul syllables to Latin letters, one syllable at a time: ``한국어`` -> ``hangukeo``."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588] + _MEDIALS[(code % 588) // 28] + _FINALS[code % 28])
        else:
            out.append(ch)
    return "".join(out)


MAX_HEATMAP_PIECES = 1000
"""The most pieces on either side of a heatmap: a piece is 0.45 inch wide (0.4 high), and matplotlib
draws no image of more than 2**16 pixels a side (a text of 7,500 pieces raised its ValueError)."""

MAX_HEATMAP_CELLS = 20_000
"""The most cells (output pieces x source pieces) of a heatmap: the picture grows with its area, 0.18
square inch a cell at 100 dpi, so 20,000 cells (about 140 pieces a side) is a picture of 36 Mpx drawn in
well under a minute; 200 x 200 took 80 s and 2.7 GB, and 1,000 x 1,000 would ask about 7 GB."""


def _heatmap_area(n_src: int, n_tgt: int) -> tuple[float, float]:
    """Width and height in inches of the heatmap's cells for ``n_src`` columns and ``n_tgt`` rows.

    Cells start near square (0.45 x 0.4 inch); a matrix much taller than wide (a short source and a
    long, repeating output: 8 x 27 in the quick demo) made a tall narrow figure with a page of blank
    beside it, and a much wider one a strip. Its height is kept within 1.25 and 1/2.5 of its width:
    the longer side first gives up cell room down to what its labels need, then the shorter one grows,
    never past the area the cells had (a 1000 x 20 map grown to 2.5:1 was 3.6 times the pixels).
    """
    tall, wide = 1.25, 2.5  # the bounds on height / width
    area_w, area_h = 0.45 * n_src, 0.4 * n_tgt
    cells = area_w * area_h  # never more: the figure's pixels are what MAX_HEATMAP_CELLS bounds
    if area_h > tall * area_w:
        area_h = max(0.2 * n_tgt, tall * area_w)  # 0.2 inch a row still spaces 9 pt labels
        area_w = max(0.45 * n_src, min(area_h / tall, cells / area_h))
    elif area_w > wide * area_h:
        area_w = max(0.2 * n_src, wide * area_h)  # the source labels are slanted: 0.2 inch fits them
        area_h = max(0.4 * n_tgt, min(area_w / wide, cells / area_w))
    return area_w, area_h


def attention_heatmap(
    weights: torch.Tensor, src_pieces: list[str], tgt_pieces: list[str], title: str = ""
) -> Figure:
    """A heatmap of ``weights`` (T_out, S_in): rows are output pieces, columns source pieces.

    The font is set on each text of the figure rather than through ``rcParams`` (global state), so the
    figure draws the same whenever and wherever the caller shows or saves it.
    """
    if max(weights.shape) > MAX_HEATMAP_PIECES:
        raise RnnkitError(
            f"the attention heatmap shows at most {MAX_HEATMAP_PIECES} pieces a side, and this one has "
            f"{weights.shape[0]} output and {weights.shape[1]} source pieces: plot a shorter text"
        )
    if weights.shape[0] * weights.shape[1] > MAX_HEATMAP_CELLS:
        raise RnnkitError(
            f"the attention heatmap shows at most {MAX_HEATMAP_CELLS:,} cells (about 140 pieces a side), and "
            f"this one has {weights.shape[0]} output x {weights.shape[1]} source pieces: plot a shorter text"
        )
    w = weights.detach().float().cpu().numpy()
    src = [p.replace("\u2581", "_") for p in src_pieces][: w.shape[1]]
    tgt = [p.replace("\u2581", "_") for p in tgt_pieces][: w.shape[0]]
    font = hangul_font()
    note = ""
    if font is None and has_hangul("".join(src + tgt + [title])):
        src, tgt, title = [romanize(p) for p in src], [romanize(p) for p in tgt], romanize(title)
        note = "(Hangul romanised: no Hangul font found; apt-get install fonts-nanum)"
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    area_w, area_h = _heatmap_area(len(src), len(tgt))
    fig_w, fig_h = max(4.0, area_w + 2.0), max(3.0, area_h + 1.8)  # room for labels and the colorbar
    fig, ax = subplots(figsize=(fig_w, fig_h), dpi=100)
    im = ax.imshow(w, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")  # (T_out, S_in)
    ax.set_xticks(range(len(src)), src, rotation=60, ha="right", fontsize=9, family=family)
    ax.set_yticks(range(len(tgt)), tgt, fontsize=9, family=family)
    ax.set_xlabel("source pieces", family=family)
    ax.set_ylabel("output pieces", family=family)
    # Wrap the sentence pair to the figure's width (about 11 characters per inch at 9 pt).
    wrapped = textwrap.fill(title, width=max(30, int(fig_w * 11)))
    ax.set_title("\n".join(t for t in (wrapped, note) if t), fontsize=9, family=family)
    fig.colorbar(im, ax=ax, fraction=0.04)
    tight_layout(fig)
    return fig
