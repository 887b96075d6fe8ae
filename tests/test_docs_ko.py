"""The Korean lecture (docs/ko/, README.ko.md) stays true to the code it points at.

- every code link ``[`code`](../../src/....py#LN)`` names the code that is on line N of that file, so a
  chapter never points at the wrong line after the source moves;
- every relative link and image resolves to a file, and an anchor to a heading (the English pages'
  too, where the Korean ones send their readers);
- every figure docs/make_figures.py makes is committed, shown by a chapter and small;
- the notebooks are exactly what docs/make_notebooks.py builds, and the Korean and English notebook of a
  chapter share every code cell;
- the prose keeps the lecture register (합니다체), not the plain written style (한다체).

(tests/test_notebooks.py runs the notebooks themselves.)
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KO = ROOT / "docs" / "ko"
PAGES = sorted(KO.glob("*.md")) + [ROOT / "README.ko.md"]
CHAPTERS = [
    "00-sequence-data",
    "01-three-shapes",
    "02-simple-rnn",
    "03-vanishing-gradient",
    "04-lstm",
    "05-gru",
]

CODE_LINK = re.compile(r"\[`([^`]+)`\]\(([^)#]+\.py)#L(\d+)\)")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_every_chapter_and_the_glossary_exist():
    names = {p.stem for p in KO.glob("*.md")}
    assert set(CHAPTERS) | {"README", "glossary"} <= names
    index = (KO / "README.md").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        assert f"({chapter}.md)" in index


def test_the_english_readme_points_to_the_korean_one():
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:5]
    assert any("README.ko.md" in line for line in head)


def test_the_korean_readme_has_the_same_set_up_commands():
    def setup_block(path: Path) -> list[str]:
        text = path.read_text(encoding="utf-8")
        block = text.split("```bash", 1)[1].split("```", 1)[0]
        return [line.split("#")[0].strip() for line in block.strip().splitlines()]

    assert setup_block(ROOT / "README.ko.md") == setup_block(ROOT / "README.md")


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_code_links_name_the_code_on_that_line(page):
    text = page.read_text(encoding="utf-8")
    links = CODE_LINK.findall(text)
    for code, target, line in links:
        source = (page.parent / target).resolve()
        lines = source.read_text(encoding="utf-8").splitlines()
        number = int(line)
        assert 1 <= number <= len(lines), f"{target}#L{line} is past the end of the file"
        assert code.strip() in lines[number - 1], (
            f"{target}#L{line} is {lines[number - 1].strip()!r}, not {code!r}"
        )
    if page.stem in {"02-simple-rnn", "04-lstm", "05-gru"}:
        assert links, "an equation chapter points at the lines that implement it"


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub makes for a page: each heading's slug (lower case, punctuation dropped, spaces
    as hyphens, -1, -2 for repeats) and every ``<a id="...">``."""
    text = page.read_text(encoding="utf-8")
    slugs: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", re.sub(r"```.*?```", "", text, flags=re.DOTALL), re.M):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.replace("`", ""))
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        slugs[slug if slug not in slugs else f"{slug}-{slugs[slug]}"] = slugs.get(slug, 0) + 1
    return set(slugs) | set(re.findall(r'<a\s+(?:id|name)="([^"]+)"', text))


ENGLISH = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", ENGLISH + PAGES, ids=_ids(ENGLISH + PAGES))
def test_links_and_their_anchors_resolve(page):
    """Every relative link of the English pages too (the Korean ones send their readers there), and
    every ``page.md#anchor`` to a heading or ``<a id>`` that page has."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    for target in LINK.findall(text):
        if "://" in target or target.startswith("mailto:"):
            continue
        name, _, anchor = target.partition("#")
        path = (page.parent / name).resolve() if name else page
        assert path.exists(), f"{page.name}: broken link {target}"
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path), f"{page.name}: {target}: no such heading in {path.name}"


def test_every_figure_is_made_by_the_script_committed_small_and_shown():
    figures = _load("make_figures")
    shown = "\n".join(p.read_text(encoding="utf-8") for p in PAGES)
    for figure in figures.FIGURE_LIST:
        png = ROOT / "docs" / "figures" / f"{figure.name}.png"
        assert png.exists(), f"{png.name} missing: run python docs/make_figures.py {figure.name}"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size < figures.MAX_BYTES
        assert f"../figures/{figure.name}.png" in shown, f"no chapter shows {png.name}"
    made = {f.name for f in figures.FIGURE_LIST}
    committed = {p.stem for p in (ROOT / "docs" / "figures").glob("*.png")}
    assert committed <= made, f"figures not made by docs/make_figures.py: {sorted(committed - made)}"


def test_notebooks_are_what_the_script_builds():
    pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")
    notebooks = _load("make_notebooks")
    assert list(notebooks.CHAPTERS) == CHAPTERS
    for lang in notebooks.LANGS:
        for name in CHAPTERS:
            path = ROOT / "docs" / "notebooks" / lang / f"{name}.ipynb"
            assert path.read_text(encoding="utf-8") == notebooks.render(lang, name), (
                f"{path.relative_to(ROOT)} is out of date: run python docs/make_notebooks.py"
            )


def test_korean_and_english_notebooks_share_their_code():
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")
    for name in CHAPTERS:
        cells = {
            lang: nbformat.read(ROOT / "docs" / "notebooks" / lang / f"{name}.ipynb", as_version=4).cells
            for lang in ("ko", "en")
        }
        code = {lang: [c.source for c in cs if c.cell_type == "code"] for lang, cs in cells.items()}
        assert code["ko"] == code["en"] and code["ko"]
        assert code["ko"][0].startswith("%matplotlib inline")
        hangul = [
            any("\uac00" <= ch <= "\ud7a3" for ch in c.source)
            for c in cells["ko"]
            if c.cell_type == "markdown"
        ]
        assert all(hangul), f"{name}: a Korean notebook's prose cell has no Korean"


# Plain written style (한다체) sentence endings; the lecture register ends in -ㅂ니다 / -습니다.
PLAIN_ENDING = re.compile(r"(?:한다|이다|된다|있다|없다|않다|했다|였다)[.。]\s*$", re.MULTILINE)


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_prose_is_in_the_lecture_register(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert not PLAIN_ENDING.findall(text)
    assert text.count("니다.") >= 3
