"""The self-contained HTML report that ``rnnkit demo`` writes.

A :class:`Report` holds :class:`Section` objects; each section holds text, tables and PNG images.
Images are embedded as base64 ``data:`` URIs, so the HTML file stands alone (mail it, open it offline).
Applications build their own :class:`Section`; only the command line assembles the report.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.utils.atomic import write_text_atomic

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #bbb}
table{border-collapse:collapse;margin:1em 0;font-size:0.92em}
th,td{border:1px solid #ccc;padding:4px 9px;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}
img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}
.note{color:#555;font-size:0.92em}pre{background:#f6f6f6;padding:0.6em;overflow-x:auto}
"""


@dataclass
class Section:
    """One titled part of the report: an ordered list of HTML blocks."""

    title: str
    blocks: list[str] = field(default_factory=list)
    # (caption, headers, rows) of every table, so that ``rnnkit demo`` can also print them.
    tables: list[tuple[str, list[str], list[list[object]]]] = field(default_factory=list)

    def add_text(self, text: str, note: bool = False) -> Section:
        """A paragraph of plain text (escaped)."""
        cls = ' class="note"' if note else ""
        self.blocks.append(f"<p{cls}>{html.escape(text)}</p>")
        return self

    def add_pre(self, text: str) -> Section:
        """Preformatted text, e.g. sample translations or a command line."""
        self.blocks.append(f"<pre>{html.escape(text)}</pre>")
        return self

    def add_table(
        self, headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str = ""
    ) -> Section:
        """A table; floats are shown with 4 significant digits."""
        self.tables.append((caption, [str(h) for h in headers], [list(r) for r in rows]))

        def cell(v: object) -> str:
            if isinstance(v, float):
                return f"{v:.4g}"
            return html.escape(str(v))

        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        self.blocks.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        return self

    def add_image(self, png_path: str | Path, alt: str = "") -> Section:
        """Embed a PNG file as a data URI."""
        data = base64.b64encode(Path(png_path).read_bytes()).decode("ascii")
        self.blocks.append(f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">')
        return self

    def to_html(self) -> str:
        return f"<section><h2>{html.escape(self.title)}</h2>\n" + "\n".join(self.blocks) + "</section>"


@dataclass
class Report:
    """A titled list of sections, written as one HTML file."""

    title: str
    sections: list[Section] = field(default_factory=list)
    intro: str = ""

    def add(self, section: Section) -> Report:
        self.sections.append(section)
        return self

    def to_html(self) -> str:
        intro = f"<p>{html.escape(self.intro)}</p>" if self.intro else ""
        body = "\n".join(s.to_html() for s in self.sections)
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head>"
            f"<body><h1>{html.escape(self.title)}</h1>{intro}\n{body}\n</body></html>\n"
        )

    def write(self, path: str | Path) -> Path:
        """Write the report atomically and return its path."""
        return write_text_atomic(path, self.to_html())
