"""The self-contained HTML report that ``rnnkit demo`` writes.

A :class:`Report` holds :class:`Section` objects; each section holds text, tables and PNG images.
Images are embedded as base64 ``data:`` URIs, and the Hangul the page shows is embedded as a font subset
(:mod:`rnnkit.utils.fonts`), so the HTML file stands alone: mail it, open it offline, on a phone.
Applications build their own :class:`Section`; only the command line assembles the report.

What a reader needs to trust it is on the page: a header saying what produced it (rnnkit, torch and
Python versions, date, command, seed, device, machine), a table of contents, and in each section a
verdict in plain words with one-line explanations of its metrics. Paths under the working folder, the
home folder or the installed package appear relative to it (:func:`shown_path`): in full they would leak
the author's folders, and mean nothing on another machine. A path elsewhere (an ``--out`` under /tmp)
appears as given.
"""

from __future__ import annotations

import base64
import html
import os
import platform
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rnnkit.utils.atomic import write_text_atomic
from rnnkit.utils.tables import cell_text, numeric_columns
from rnnkit.utils.wording import plural

_CSS = """
*{box-sizing:border-box}
/* keep-all: Korean wraps at its spaces, never inside a word (a word too long for its box still breaks) */
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,'rnnkit-hangul','Noto Sans CJK KR',sans-serif;
max-width:1100px;margin:1.5em auto;padding:0 1em;color:#222;background:#fff;line-height:1.45;word-break:keep-all}
/* colours set, not inherited from a notebook's theme (white headings on the white report, in a dark one) */
h1,h2{color:inherit}a:link,a:visited{color:#0645ad}td{background:#fff}
h1{border-bottom:2px solid #444;font-size:1.7em}h2{margin-top:2em;border-bottom:1px solid #bbb}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:0.6em 0;font-size:0.92em}
th,td{border:1px solid #ccc;padding:4px 9px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f2f2f2}caption{text-align:left;font-weight:600;padding:0.3em 0}.name{white-space:nowrap}
img{max-width:100%;height:auto;border:1px solid #ddd;margin:0.5em 0}
p,dd,li,td{overflow-wrap:break-word}.note{color:#555;font-size:0.92em}/* a command keeps its line and its box scrolls: wrapped, 'rnnkit explain memory --task adding --' ended a
line on a phone, its option ('lengths 50,100,200') starting the next. The block is as wide as its longest
line, so that its background runs under all of it. */
pre{background:#f6f6f6;padding:0.6em;white-space:pre;width:max-content;min-width:100%}
code{background:#f2f2f2;padding:0 0.2em;border-radius:3px;font-size:0.95em}
/* a verdict is highlighted in a neutral blue: green said 'good' before a word was read, over verdicts
such as 'do not trust its captions' */
.verdict{background:#eef3fb;border-left:4px solid #2456c8;padding:0.5em 0.8em}
.meta th,.meta td{border:none;padding:1px 9px 1px 0;background:none;font-weight:normal}nav ol{padding-left:1.4em}
dl.metrics dt{font-weight:600;float:left;clear:left;margin-right:0.5em}dl.metrics dd{margin:0 0 0.2em 0}
/* On a phone a plot keeps a readable size (640 px, or its own pixels when fewer: a 550-px heatmap drawn at
640 was blurred and 1,400 px tall) and scrolls inside its own box, like the tables; the boxes
take keyboard focus (tabindex) so that a reader without a mouse can scroll them too, and show it. */
.figure{overflow-x:auto;max-width:100%}
.scroll:focus-visible,.figure:focus-visible{outline:3px solid #2456c8;outline-offset:2px}
@media (max-width:600px){body{padding:0 0.5em;font-size:15px}table{font-size:0.85em}.figure img{max-width:640px}}
/* On paper nothing scrolls: a wide table or plot was cut off at the page's edge. Tables shrink to their
words (a run longer than any word already has its break points: _breakable); a cell that could break
anywhere printed 0.004244 as '0.004' over '244' and 'cell' as 'cel' over 'l'. Plots fit the page, and a
heading stays with what follows it. */
@media print{body{max-width:none;margin:0}.scroll,.figure{overflow:visible}pre{white-space:pre-wrap;width:auto}
table{font-size:0.8em}
.figure img{max-width:100%;width:auto}h2,caption{break-after:avoid}
tr,img,.verdict{break-inside:avoid}}
"""

# A page of its own follows the reader's dark mode, on screen only: printed, light text would come out pale
# grey on white paper (a browser drops backgrounds when it prints). Inline in a notebook the report keeps
# its light colours: the notebook's theme, not the system's setting, decides that page. Plots stay white
# PNGs, framed.
_DARK_CSS = """
@media screen and (prefers-color-scheme:dark){
body{color:#e3e3e3;background:#17191d}td{background:#17191d}th{background:#262a31}
th,td{border-color:#4a4f57}img{border-color:#4a4f57}h1{border-bottom-color:#aaa}h2{border-bottom-color:#555}
a:link,a:visited{color:#8ab4f8}.note{color:#b4b4b4}pre,code{background:#24272d}
.verdict{background:#1d2a44;border-left-color:#7aa2f7}
.scroll:focus-visible,.figure:focus-visible{outline-color:#8ab4f8}}
"""


_SELECTORS = re.compile(r"([^{}]+)\{")


def _scoped(css: str, scope: str) -> str:
    """``css`` with every rule limited to the elements inside ``scope`` (``body`` becomes ``scope``
    itself). In a notebook the report's HTML is part of the notebook's own page: unscoped, its rules for
    body, h1 and table restyled the whole notebook, and its dark text sat on a dark theme's background."""

    def inside(match: re.Match) -> str:
        selectors = match.group(1).strip()
        if selectors.startswith("@"):  # @media: its rules are scoped one by one
            return f"{selectors}{{"
        each = (s.strip() for s in selectors.split(","))
        return ",".join(scope if s == "body" else f"{scope} {s}" for s in each) + "{"

    return _SELECTORS.sub(inside, re.sub(r"/\*.*?\*/", "", css, flags=re.S))


def shown_path(path: str | os.PathLike) -> str:
    """How a path appears in a report or a printed message: relative to the working folder when under
    it, ``<rnnkit>/...`` for files inside the installed package (the bundled data), ``~/...`` under the
    home folder, and only then as given. A working or home folder that is the file system's root is no
    such base: every path is under it."""
    p = Path(path).expanduser().absolute()
    package = Path(__file__).resolve().parent
    for base, shown in ((Path.cwd(), ""), (package, "<rnnkit>/"), (Path.home(), "~/")):
        base = base.resolve()
        if base.parent == base:
            # A working or home folder of / (usual in a container) holds every path: it hides nothing,
            # and the report's safety net (_scrub) turned "+/-1" into "+-1" and "https://x" into "https:x".
            continue
        try:
            rel = p.resolve().relative_to(base)
        except ValueError:
            continue
        return f"{shown}{rel.as_posix()}" if str(rel) != "." or shown else "."
    return str(path)


_ABSOLUTE = re.compile(r"(?<![\w.~<>-])(/[^\s\"'<>()]+)")


def _lang(text: str) -> str:
    """`` lang="ko"`` for text in Korean only (Hangul and no Latin letters), else nothing: the page is
    English, and a screen reader reads a part in another language with that language's voice only when
    the part says so (an English voice spells Hangul out, or skips it)."""
    from rnnkit.utils.fonts import has_hangul

    return ' lang="ko"' if has_hangul(text) and not re.search("[A-Za-z]", text) else ""


def _scrolling_box(css_class: str, label: str, inner: str) -> str:
    """A box that scrolls sideways on a phone: a named region (``label``) that the keyboard can focus
    (Tab, then the arrow keys scroll it); without the focus a keyboard user cannot see its cut-off part."""
    return (
        f'<div class="{css_class}" role="region" tabindex="0" aria-label="{html.escape(label)}">{inner}</div>'
    )


def _scrub(text: str) -> str:
    """Replace absolute paths that point to existing places with :func:`shown_path` (a safety net: the
    sections should already say paths that way)."""

    def swap(match: re.Match) -> str:
        candidate = match.group(1).rstrip(".,;:")
        if Path(candidate).exists() or Path(candidate).parent.exists():
            return shown_path(candidate) + match.group(1)[len(candidate) :]
        return match.group(1)

    return _ABSOLUTE.sub(swap, text)


@dataclass
class Section:
    """One titled part of the report: an ordered list of HTML blocks."""

    title: str
    blocks: list[str] = field(default_factory=list)
    # (caption, headers, rows) of every table, so that ``rnnkit demo`` can also print them.
    tables: list[tuple[str, list[str], list[list[object]]]] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # the dataclass's would print every block's HTML
        parts = [plural(len(self.blocks), "block"), plural(len(self.tables), "table")]
        if self.verdicts:
            parts.append(plural(len(self.verdicts), "verdict"))
        return f"Section({self.title!r}, {', '.join(parts)})"

    def add_text(self, text: str, note: bool = False) -> Section:
        """A paragraph of plain text (escaped)."""
        cls = ' class="note"' if note else ""
        self.blocks.append(f"<p{cls}{_lang(text)}>{_prose(text)}</p>")
        return self

    def add_verdict(self, text: str) -> Section:
        """The section's conclusion in plain words (shown highlighted, and printed by ``rnnkit demo``)."""
        self.verdicts.append(text)
        self.blocks.append(f'<p class="verdict"><b>Verdict.</b> {_prose(text)}</p>')
        return self

    def add_metrics_explained(self, explanations: Mapping[str, str]) -> Section:
        """One line per metric: what it measures and which way is better."""
        items = "".join(
            f"<dt>{html.escape(name)}</dt><dd>{html.escape(text)}</dd>" for name, text in explanations.items()
        )
        self.blocks.append(f'<dl class="metrics note">{items}</dl>')
        return self

    def add_pre(self, text: str, label: str = "command lines") -> Section:
        """Preformatted text, e.g. command lines: each keeps its line, and the block scrolls sideways
        where it is too wide (a keyboard stop named ``label``, as the tables' boxes are)."""
        pre = f"<pre{_lang(text)}>{html.escape(_scrub(text))}</pre>"
        self.blocks.append(_scrolling_box("scroll", label, pre))
        return self

    def add_table(
        self, headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str = ""
    ) -> Section:
        """A table in its own scrolling box, each cell as the printed table shows it
        (:func:`~rnnkit.utils.tables.cell_text`: floats with 4 significant digits, None blank); columns
        of numbers are right-aligned, text columns left-aligned."""
        self.tables.append((caption, [str(h) for h in headers], [list(r) for r in rows]))
        numeric = numeric_columns(headers, rows)  # the rule every printed table follows too

        def cell(v: object, i: int) -> str:  # as the printed table gives it (a None blank, not 'None')
            shown = cell_text(v)
            text = shown if isinstance(v, float) else _breakable(html.escape(_scrub(shown)))
            return f'<td class="num">{text}</td>' if numeric[i] else f"<td{_lang(shown)}>{text}</td>"

        def header(h: object, i: int) -> str:  # a header's long run may break too (on paper nothing scrolls)
            text = _unbroken_names(_breakable(html.escape(str(h))))
            return f'<th class="num">{text}</th>' if numeric[i] else f"<th>{text}</th>"

        head = "".join(header(h, i) for i, h in enumerate(headers))
        body = "".join("<tr>" + "".join(cell(v, i) for i, v in enumerate(row)) + "</tr>" for row in rows)
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        table = f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        label = caption or "table of " + ", ".join(str(h) for h in headers)
        self.blocks.append(_scrolling_box("scroll", label, table))
        return self

    def add_image(self, png_path: str | Path, alt: str = "") -> Section:
        """Embed a PNG file as a data URI. ``alt`` says what the plot shows; without it the file's name
        does (an empty alt would tell a screen reader the plot is decoration, and skip it)."""
        path = Path(png_path)
        return self._add_png(path.read_bytes(), alt or "plot: " + path.stem.replace("_", " "))

    def add_figure(self, fig: object, alt: str = "") -> Section:
        """Embed a :class:`matplotlib.figure.Figure` (what every rnnkit plot function returns), no file
        needed. Without ``alt`` the figure's own titles say what it shows."""
        from rnnkit.utils.plotting import png_bytes

        return self._add_png(png_bytes(fig), alt or _titles(fig))

    def _add_png(self, png: bytes, alt: str) -> Section:
        data = base64.b64encode(png).decode("ascii")
        image = f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
        self.blocks.append(_scrolling_box("figure", alt, image))
        return self

    def anchor(self, index: int) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")
        return f"s{index}-{slug}"[:60]

    def to_html(self, index: int = 1) -> str:
        return (
            f'<section id="{self.anchor(index)}"><h2{_lang(self.title)}>{html.escape(self.title)}</h2>\n'
            + "\n".join(self.blocks)
            + "</section>"
        )


LONG_RUN = 24  # characters without a space: longer than any real word, a run may break
RUN_PIECE = 8  # characters between its break opportunities (8 syllables: a third of a phone's column)


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _prose(text: str) -> str:
    """A paragraph's text, HTML-escaped, with a command between backticks (`rnnkit translate text`, as the
    terminal shows it) set as code: the report showed the backticks themselves."""
    return _CODE_SPAN.sub(r"<code>\1</code>", html.escape(_scrub(text)))


def _breakable(text: str) -> str:
    """``text`` (HTML-escaped) with a break opportunity (``<wbr>``) every RUN_PIECE characters of a run
    without spaces longer than LONG_RUN (a word is never touched): an undertrained translator's loop
    (물물물..., 60 syllables) cannot wrap under keep-all, and on a phone it squeezed the table's other
    columns to a word a line (It's / been / a)."""

    def pieces(run: re.Match) -> str:
        word = run.group(0)
        return "<wbr>".join(word[i : i + RUN_PIECE] for i in range(0, len(word), RUN_PIECE))

    return re.sub(rf"[^\s&;]{{{LONG_RUN + 1},}}", pieces, text)


def _unbroken_names(text: str) -> str:
    """``text`` (HTML-escaped) with each word that holds a hyphen, up to LONG_RUN characters, kept on one
    line: a browser breaks after a hyphen, and a header showed the metric 'CIDEr-' over 'D' on a phone
    (a name, unlike a phrase such as 'held-out', has no half to read alone)."""

    def whole(word: re.Match) -> str:
        w = word.group(0)
        return f'<span class="name">{w}</span>' if len(w) <= LONG_RUN else w

    return re.sub(r"\S*-\S*", whole, text)


def _titles(fig: object) -> str:
    """A figure's suptitle and axes titles, joined: the words its author gave it (``plot`` when none)."""
    suptitle = getattr(fig, "_suptitle", None)
    titles = [suptitle.get_text()] if suptitle is not None else []
    titles += [ax.get_title() for ax in getattr(fig, "axes", [])]
    return "plot: " + "; ".join(t for t in titles if t) if any(titles) else "plot"


def _device_shown(device: str) -> str:
    """The device the run computed on, as asked and as it resolved: ``auto`` alone did not say whether
    the section times were a CPU's or a GPU's. A GPU is named (``cuda:0, NVIDIA H100 80GB HBM3``)."""
    import torch

    from rnnkit.utils.device import resolve_device
    from rnnkit.utils.errors import RnnkitError

    try:
        resolved = resolve_device(device)
    except RnnkitError:  # the command has already said so; the header keeps what was asked
        return device
    gpu = f", {torch.cuda.get_device_name(resolved)}" if resolved.type == "cuda" else ""
    return f"{device}{gpu}" if str(resolved) == device else f"{device} ({resolved}{gpu})"


def provenance(
    command: Sequence[str] | None = None, seed: int | None = None, device: str | None = None
) -> dict:
    """What produced a report: versions, date, command, seed, device and machine (no user or host name)."""
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    argv = list(command) if command is not None else ["rnnkit", *sys.argv[1:]]
    facts = {
        "rnnkit": ver("rnnkit"),
        "torch": ver("torch"),
        "Python": platform.python_version(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(_scrub(a) for a in argv),
        "seed": "" if seed is None else str(seed),
        "device": _device_shown(device) if device else "",
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores",
    }
    return {k: v for k, v in facts.items() if v != ""}


@dataclass
class Report:
    """A titled list of sections, written as one HTML file.

    In a notebook a report shows itself inline (``_repr_html_``).
    """

    title: str
    sections: list[Section] = field(default_factory=list)
    intro: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # shown in the header: see :func:`provenance`

    def __repr__(self) -> str:  # the dataclass's would print every section's HTML
        titles = "; ".join(repr(s.title) for s in self.sections)
        return f"Report({self.title!r}, {plural(len(self.sections), 'section')}{': ' + titles if titles else ''})"

    def add(self, section: Section) -> Report:
        self.sections.append(section)
        return self

    def _body(self, landmarks: bool = True) -> str:
        """The page's content. With ``landmarks`` (a page of its own) the header and the main part are
        marked as such, for a screen reader's jump-to-content; inline in a notebook they are not (the
        notebook's page has its own, and two ``main`` parts on one page mislead)."""
        from rnnkit.utils.fonts import INSTALL_HINT, embedded_font_css, has_hangul

        intro = f"<p>{html.escape(self.intro)}</p>" if self.intro else ""
        meta = ""
        if self.meta:
            rows = "".join(
                f'<tr><th scope="row">{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>'
                for k, v in self.meta.items()  # a seed of 3, a date: shown as text, as a notebook prints it
            )
            table = f'<table class="meta note">{rows}</table>'
            meta = _scrolling_box("scroll", "what produced this report", table)
        toc = ""
        if len(self.sections) > 1:
            items = "".join(
                f'<li><a href="#{s.anchor(i)}"{_lang(s.title)}>{html.escape(s.title)}</a></li>'
                for i, s in enumerate(self.sections, start=1)
            )
            toc = f'<nav aria-labelledby="contents"><b id="contents">Contents</b><ol>{items}</ol></nav>'
        body = "\n".join(s.to_html(i) for i, s in enumerate(self.sections, start=1))
        # The font subset must cover every Hangul syllable on the page, the header's included: a Korean
        # title, intro or command line in ``meta`` would otherwise fall back to a font the reader may lack.
        shown = "\n".join(
            [self.title, self.intro, *map(str, self.meta.keys()), *map(str, self.meta.values()), body]
        )
        font = embedded_font_css(shown) or ""
        hint = f'<p class="note">{_prose(INSTALL_HINT)}.</p>' if has_hangul(shown) and not font else ""
        header = f"<h1{_lang(self.title)}>{html.escape(self.title)}</h1>{meta}"
        content = f"{intro}{hint}{toc}\n{body}\n"
        if landmarks:
            header, content = f"<header>{header}</header>", f"<main>{content}</main>"
        css = _CSS + _DARK_CSS if landmarks else _scoped(_CSS, ".rnnkit-report")
        return f"<style>{css}{font}</style>{header}{content}"

    def to_html(self) -> str:
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="color-scheme" content="light dark">'
            f"<title>{html.escape(self.title)}</title></head><body>{self._body()}</body></html>\n"
        )

    def _repr_html_(self) -> str:
        return f'<div class="rnnkit-report">{self._body(landmarks=False)}</div>'

    def write(self, path: str | Path) -> Path:
        """Write the report atomically and return its path."""
        return write_text_atomic(path, self.to_html())
