"""The HTML report: self-contained (PNG embedded as data URIs), escaped, written atomically."""

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rnnkit.report import Report, Section
from rnnkit.utils.plotting import png_bytes, save_figure, subplots


def _figure():
    fig, ax = subplots(figsize=(2, 1.5))  # a Figure, no pyplot and no backend switch in the test process
    ax.plot([0, 1, 2], [1, 0, 1])
    return fig


def _png(tmp_path):
    return save_figure(_figure(), tmp_path / "plot.png")


def test_a_figure_embeds_without_a_file():
    fig = _figure()
    block = Section("s").add_figure(fig, alt="a line").blocks[-1]
    data = re.search(r'src="data:image/png;base64,([^"]+)"', block).group(1)
    assert base64.b64decode(data) == png_bytes(fig) and 'alt="a line"' in block


def test_report_is_self_contained_with_embedded_png(tmp_path):
    png = _png(tmp_path)
    section = (
        Section("Forecast <IBM>")
        .add_text("MAE & RMSE")
        .add_text("a note", note=True)
        .add_table(["model", "MAE"], [["naive", 1.23456789], ["lstm <b>", 2]], caption="test days")
        .add_image(png, alt='loss "curve"')
        .add_pre("rnnkit forecast train --window 4")
    )
    report = Report("rnnkit demo", intro="all offline").add(section)
    out = report.write(tmp_path / "out" / "report.html")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # Self-contained: no external scripts, styles or images; the only src is the data URI.
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text and "<link" not in text
    sources = re.findall(r'src="([^"]*)"', text)
    assert len(sources) == 1 and sources[0].startswith("data:image/png;base64,")
    assert base64.b64decode(sources[0].split(",", 1)[1]) == png.read_bytes()
    # Text is escaped, floats get 4 significant digits, integers stay as they are.
    assert "Forecast &lt;IBM&gt;" in text and "MAE &amp; RMSE" in text
    assert (
        '<td class="num">1.235</td>' in text
        and "<td>lstm &lt;b&gt;</td>" in text
        and '<td class="num">2</td>' in text
    )
    assert 'alt="loss &quot;curve&quot;"' in text
    assert '<p class="note">a note</p>' in text
    assert "<caption>test days</caption>" in text
    assert "<pre>rnnkit forecast train --window 4</pre>" in text
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]  # no temp file left


def test_sections_appear_in_order(tmp_path):
    report = Report("r").add(Section("first").add_text("1")).add(Section("second").add_text("2"))
    html = report.to_html()
    assert html.index("<h2>first</h2>") < html.index("<h2>second</h2>")
    assert html.count("<section id=") == 2


def test_paths_are_shown_relative_never_absolute(tmp_path, monkeypatch):
    from rnnkit.report import shown_path

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    assert shown_path(tmp_path / "data" / "x.csv") == "data/x.csv"
    assert shown_path("data") == "data"
    import rnnkit

    bundled = Path(rnnkit.__file__).parent / "translate" / "data" / "en_ko.tsv"
    assert shown_path(bundled) == "<rnnkit>/translate/data/en_ko.tsv"
    # The safety net: a section's text naming an absolute path gets it shown relative.
    section = Section("s").add_text(f"read 3 pairs from {tmp_path / 'data'}.")
    assert "read 3 pairs from data." in section.to_html() and str(tmp_path) not in section.to_html()
    assert "/nonexistent/place" in Section("s").add_text("see /nonexistent/place").to_html()


def test_header_toc_verdict_and_notebook_view():
    from rnnkit.report import provenance

    meta = provenance(["rnnkit", "demo", "--seed", "4"], seed=4, device="cpu")
    assert {"rnnkit", "torch", "Python", "date", "command", "seed", "device", "machine"} <= set(meta)
    section = (
        Section("Forecast")
        .add_verdict("The model ties naive.")
        .add_metrics_explained({"MAE": "mean absolute error; lower is better"})
        .add_table(["model", "MAE"], [["lstm", 1.0]])
    )
    report = Report("r", meta=meta).add(section).add(Section("Other").add_text("x"))
    page = report.to_html()
    assert '<a href="#s1-forecast">Forecast</a>' in page and 'id="s1-forecast"' in page
    assert "rnnkit demo --seed 4" in page and 'class="verdict"' in page and "<dt>MAE</dt>" in page
    assert section.verdicts == ["The model ties naive."]
    # Text columns left, number columns right.
    assert "<td>lstm</td>" in page and '<td class="num">1</td>' in page
    inline = report._repr_html_()
    assert "<html" not in inline and "Contents" in inline and "The model ties naive." in inline


def test_korean_is_embedded_as_a_font_subset_or_the_page_says_how_to_get_one(monkeypatch):
    from rnnkit.utils import fonts

    section = Section("번역").add_text("저는 학생이에요.")
    if fonts.hangul_font_file() is not None:
        page = Report("r").add(section).to_html()
        assert "@font-face{font-family:'rnnkit-hangul'" in page and "fonts-noto-cjk" not in page
    monkeypatch.setattr(fonts, "hangul_font_file", lambda: None)
    page = Report("r").add(section).to_html()
    # the command as code, not between literal backticks (the page does no markdown of its own)
    assert "@font-face" not in page and "<code>sudo apt-get install fonts-noto-cjk</code>" in page
    assert "`" not in page
    assert "fonts-noto-cjk" not in Report("r").add(Section("en").add_text("no Korean")).to_html()


def test_a_command_between_backticks_is_set_as_code_and_still_escaped():
    section = Section("s").add_text("run `rnnkit translate text` with <care>").add_verdict("use `a<b`")
    page = Report("r").add(section).to_html()
    assert "run <code>rnnkit translate text</code> with &lt;care&gt;" in page
    assert "<b>Verdict.</b> use <code>a&lt;b</code>" in page


def test_the_font_subset_covers_korean_in_the_header_too():
    from rnnkit.utils import fonts

    if fonts.hangul_font_file() is None:
        pytest.skip("no Hangul font on this machine: the subset cannot be cut")
    from fontTools.ttLib import TTFont

    report = Report("순환신경망 보고서", intro="강의 예제", meta={"명령": "rnnkit translate text 안녕"})
    page = report.add(Section("en").add_text("no Korean in the body")).to_html()
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", page)
    assert data, "Korean only in the header still embeds a font"
    cmap = TTFont(io.BytesIO(base64.b64decode(data.group(1)))).getBestCmap()
    wanted = {ch for ch in "순환신경망 보고서 강의 예제 명령 안녕" if fonts.has_hangul(ch)}
    assert not [ch for ch in wanted if ord(ch) not in cmap]


def test_a_hangul_font_installed_after_matplotlibs_cache_is_registered_in_every_weight(monkeypatch):
    # right after `apt-get install fonts-noto-cjk` matplotlib's cache knows no Hangul font; registering
    # the first file found (the bold one) made every plot print "Failed to find font weight normal"
    from matplotlib import font_manager

    from rnnkit.utils import fonts

    files = [
        "/usr/share/fonts/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/noto/NotoSansCJK-Regular.ttc",
    ]
    added = []
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(
        font_manager, "findSystemFonts", lambda: ["/usr/share/fonts/x/DejaVuSans.ttf", *files]
    )
    monkeypatch.setattr(font_manager.fontManager, "addfont", added.append)
    fonts.hangul_font_file.cache_clear()
    try:
        assert fonts.hangul_font_file().name == "NotoSansCJK-Regular.ttc"  # regular, sans-serif
        assert sorted(added) == sorted(files)  # every weight registered
    finally:
        fonts.hangul_font_file.cache_clear()


class _Elements(HTMLParser):
    """Every start tag of a page as (tag, attributes, enclosing tags), for checks of its markup."""

    def __init__(self, page: str):
        super().__init__()
        self.found: list[tuple[str, dict, list[str]]] = []
        self.open: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs), list(self.open)))
        if tag not in {"img", "meta", "br", "link"}:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def having(self, css_class: str) -> list[dict]:
        return [a for _, a, _ in self.found if css_class in (a.get("class") or "").split()]


def _two_sections(tmp_path) -> Report:
    first = (
        Section("Forecast")
        .add_text("intro")
        .add_table(["model", "MAE"], [["lstm", 1.0]], caption="test days")
        .add_table(["model", "MAE"], [["naive", 2.0]])
        .add_image(_png(tmp_path), alt="loss curve")
    )
    return Report("r", intro="all offline", meta={"torch": "2"}).add(first).add(Section("Other"))


def test_a_screen_reader_finds_the_header_contents_and_main_part(tmp_path):
    """axe: 'Document should have one main landmark', 'All page content should be contained by
    landmarks' (the h1, the header's table, every section sat loose in <body>)."""
    report = _two_sections(tmp_path)
    tags = _Elements(report.to_html()).found
    assert [t for t, _, _ in tags].count("main") == 1 and [t for t, _, _ in tags].count("header") == 1
    inside = {t: set(around) for t, _, around in tags}
    assert "header" in inside["h1"] and "main" in inside["section"] and "main" in inside["nav"]
    (nav,) = [a for t, a, _ in tags if t == "nav"]
    assert ('id="' + nav["aria-labelledby"] + '">Contents<') in report.to_html()
    # the header's facts are row headers: read as "torch, 2", not two loose cells
    assert '<th scope="row">torch</th><td>2</td>' in report.to_html()
    # inline in a notebook the notebook's page has its own main part: no second one
    assert "<main" not in report._repr_html_() and "<header" not in report._repr_html_()


def test_every_box_that_scrolls_on_a_phone_takes_keyboard_focus_and_is_named(tmp_path):
    """axe at 390 px: 'Scrollable region must have keyboard access' (18 tables and plots of the demo's
    report): a reader without a mouse could not scroll to a table's cut-off columns."""
    page = _Elements(_two_sections(tmp_path).to_html())
    boxes = page.having("scroll") + page.having("figure")
    assert len(boxes) == 4  # the header's facts, two tables, one plot
    for box in boxes:
        assert box.get("tabindex") == "0" and box.get("role") == "region" and box.get("aria-label"), box
    assert [b["aria-label"] for b in page.having("figure")] == ["loss curve"]
    # a table is named by its caption, or by its columns when it has none
    assert {b["aria-label"] for b in page.having("scroll")} >= {"test days", "table of model, MAE"}
    assert (
        ".scroll:focus-visible,.figure:focus-visible{outline:3px solid" in _two_sections(tmp_path).to_html()
    )


def test_a_plot_given_no_alt_text_is_still_named(tmp_path):
    """alt="" tells a screen reader an image is decoration: a plot added without alt text was skipped."""
    fig = _figure()
    fig.axes[0].set_title("validation loss")
    block = Section("s").add_figure(fig).blocks[-1]
    assert 'alt="plot: validation loss"' in block
    assert 'alt="plot"' in Section("s").add_figure(_figure()).blocks[-1]
    assert 'alt="plot: plot"' in Section("s").add_image(_png(tmp_path)).blocks[-1]
    assert 'alt="given"' in Section("s").add_image(_png(tmp_path), alt="given").blocks[-1]


def test_korean_parts_of_the_english_page_say_they_are_korean():
    """The page is lang="en": a screen reader read 저는 학생이에요 with an English voice (spelt out or
    skipped). A Korean cell, paragraph or title now says lang="ko"; text mixing in English does not."""
    section = (
        Section("번역")
        .add_text("저는 학생이에요.")
        .add_text("I am a student: 저는 학생이에요.")
        .add_table(["source", "output"], [["I am a student.", "저는 학생이에요."]])
    )
    page = Report("r").add(section).to_html()
    assert '<h2 lang="ko">번역</h2>' in page and '<p lang="ko">저는 학생이에요.</p>' in page
    assert "<p>I am a student: 저는 학생이에요.</p>" in page
    assert '<td>I am a student.</td><td lang="ko">저는 학생이에요.</td>' in page


def test_in_a_notebook_the_reports_style_stays_inside_the_report():
    """A notebook shows the report inside its own page: the report's rules for body, h1, table and img
    restyled the whole notebook (its width, every heading and table), and its dark text sat on a dark
    theme's background. Inline, every rule is limited to the report's box, which has its own background."""
    inline = Report("r").add(Section("s").add_table(["a"], [[1]]))._repr_html_()
    css = re.search(r"<style>(.*?)</style>", inline, flags=re.S).group(1)
    selectors = [
        s.strip()
        for group in re.findall(r"([^{}]+)\{", css)
        if not group.strip().startswith("@")
        for s in group.split(",")
    ]
    assert selectors and [s for s in selectors if not s.startswith(".rnnkit-report")] == []
    assert re.search(r"\.rnnkit-report\{[^}]*color:#222;background:#fff", css)
    # a page of its own keeps its plain rules
    assert "\nh1{border-bottom" in Report("r").to_html()


def test_a_verdict_is_highlighted_without_saying_good_or_bad_by_colour():
    """Every verdict sat in a green box, 'The model does NOT beat the naive forecast' and 'do not trust
    its captions' included: the colour said good before a word was read."""
    css = re.search(r"\.verdict\{([^}]*)\}", Report("r").to_html()).group(1)
    colours = re.findall(r"#([0-9a-f]{6})", css)
    assert colours
    for colour in colours:
        r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
        assert not (g > r and g > b), f"#{colour} is green"


def test_a_report_and_a_section_print_short_in_a_console():
    """The dataclass reprs printed every block's HTML (306 characters for a one-cell table)."""
    from rnnkit.report import Report, Section

    section = Section("Forecasting").add_text("hello").add_table(["a"], [[1]]).add_verdict("fine")
    report = Report("rnnkit demo").add(section).add(Section("Translation"))
    assert repr(section) == "Section('Forecasting', 3 blocks, 1 table, 1 verdict)"
    assert repr(report) == "Report('rnnkit demo', 2 sections: 'Forecasting'; 'Translation')"
    assert repr(Report("empty")) == "Report('empty', 0 sections)"


def test_a_table_cell_reads_as_the_printed_table_shows_it():
    """rnnkit demo prints each table and the page shows it: a missing value (None) printed blank on the
    terminal but read 'None' on the page, a Python word a reader of the report does not know. A cell
    reads on the page as the printed table gives it."""
    from rnnkit.utils.tables import format_table

    headers = ["system", "recall", "note"]
    rows = [["model", None, "kept"], ["baseline", 0.123456, None]]
    page = Section("s").add_table(headers, rows).to_html()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page)
    assert cells == ["model", "", "kept", "baseline", "0.1235", ""]
    assert "None" not in page and "None" not in format_table(headers, rows)


@pytest.mark.parametrize("root_is", ["cwd", "home", "both"])
def test_a_working_or_home_folder_of_root_changes_no_text(root_is, monkeypatch):
    """In a container the working folder (or the home) is often /: every absolute path is under it, and
    the safety net turned "+/-1" into "+-1" and "https://x.org" into "https:x.org"."""
    from rnnkit.report import shown_path

    root = Path(Path.cwd().anchor)
    if root_is in ("cwd", "both"):
        monkeypatch.chdir(root)
    if root_is in ("home", "both"):
        monkeypatch.setattr(Path, "home", classmethod(lambda cls: root))
    text = "ratio +/-1, see https://x.org/a and file:/etc/hosts or =/usr"
    assert f"<p>{text}</p>" in Section("s").add_text(text).to_html().replace("&#x27;", "'")
    assert shown_path("/usr") == "/usr"
