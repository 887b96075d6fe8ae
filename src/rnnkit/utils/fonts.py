"""Fonts that draw Hangul: found once, used by the plots and embedded (subset) in the HTML report.

Hangul needs a font that has it. :func:`hangul_font_file` looks for one on the machine (Nanum, Noto CJK,
Malgun, AppleGothic, Baekmuk, Un; on Debian ``apt-get install fonts-nanum`` or ``fonts-noto-cjk``).
:func:`embedded_font_css` cuts that font down to the characters a page uses (fontTools' subsetter, which
matplotlib already depends on) and returns an ``@font-face`` rule with the subset inlined, so the
report shows Korean on a machine that has no Korean font at all.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

INSTALL_HINT = (
    "Korean text needs a font with Hangul: on Debian or Ubuntu `sudo apt-get install fonts-noto-cjk` "
    "(or fonts-nanum); macOS and Windows include one"
)

_FONT_HINTS = (
    "nanum",
    "notosanscjk",
    "noto sans cjk",
    "notoserifcjk",
    "noto sans kr",
    "malgun",
    "applegothic",
    "applesdgothic",
    "baekmuk",
    "undotum",
    "unbatang",
    "gulim",
    "dotum",
)


def _hinted(name: str) -> bool:
    low = name.lower().replace("-", " ")
    return any(h in low or h in low.replace(" ", "") for h in _FONT_HINTS)


_OTHER_WEIGHTS = ("bold", "black", "heavy", "light", "thin", "medium", "demi", "semi", "extra")


def _regular_first(paths: list[str]) -> list[str]:
    """``paths`` with the regular-weight sans-serif files first: a family registered from its bold file
    alone made matplotlib say "Failed to find font weight normal for Noto Sans CJK JP, now using 700" at
    every plot; labels read best without serifs."""

    def rank(path: str) -> tuple[bool, bool]:
        name = Path(path).stem.lower()
        return any(w in name for w in _OTHER_WEIGHTS), "serif" in name

    return sorted(paths, key=rank)


@lru_cache(maxsize=1)
def hangul_font_file() -> Path | None:
    """Path of an installed font file that draws Hangul (registered with matplotlib), or None; a
    regular-weight file where the family has one."""
    from matplotlib import font_manager

    known = [
        e.fname for e in font_manager.fontManager.ttflist if _hinted(e.name) or _hinted(Path(e.fname).name)
    ]
    if known:
        return Path(_regular_first(known)[0])
    # Matplotlib's font cache may predate the font's installation (as right after `apt-get install
    # fonts-noto-cjk`): look at the files themselves, and register every weight of the family.
    found = _regular_first([p for p in font_manager.findSystemFonts() if _hinted(Path(p).name)])
    for path in found:
        font_manager.fontManager.addfont(path)
    return Path(found[0]) if found else None


def hangul_font() -> str | None:
    """Family name (as matplotlib knows it) of an installed font that draws Hangul, or None."""
    from matplotlib import font_manager

    path = hangul_font_file()
    return None if path is None else font_manager.FontProperties(fname=str(path)).get_name()


def has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u3130" <= ch <= "\u318f" for ch in text)


def embedded_font_css(text: str, family: str = "rnnkit-hangul") -> str | None:
    """``@font-face`` CSS inlining the Hangul font cut down to the Hangul in ``text``; None when the text
    has no Hangul or no font was found (the caller then shows :data:`INSTALL_HINT`)."""
    chars = {ch for ch in text if has_hangul(ch)}
    path = hangul_font_file()
    if not chars or path is None:
        return None
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from rnnkit.utils.plotting import quiet_font_notices

    # A .ttc holds several faces (Noto CJK: JP, KR, SC, ...); any of them has every Hangul syllable.
    font = TTFont(str(path), fontNumber=0, lazy=False) if path.suffix.lower() == ".ttc" else TTFont(str(path))
    options = subset.Options()
    options.layout_features = []  # plain glyphs: no ligatures or vertical forms needed
    options.name_IDs = []
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    with quiet_font_notices():  # "TSI0 NOT subset; dropped": hinting tables not needed on a web page
        subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    kind = "opentype" if font.sfntVersion == "OTTO" else "truetype"
    return (
        f"@font-face{{font-family:'{family}';src:url(data:font/{'otf' if kind == 'opentype' else 'ttf'};"
        f"base64,{data}) format('{kind}');unicode-range:U+3130-318F,U+AC00-D7A3}}"
    )
