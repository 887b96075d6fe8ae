"""The HTML report: self-contained (PNG embedded as data URIs), escaped, written atomically."""

import base64
import io
import re
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
        assert "@font-face{font-family:'rnnkit-hangul'" in page and fonts.INSTALL_HINT not in page
    monkeypatch.setattr(fonts, "hangul_font_file", lambda: None)
    page = Report("r").add(section).to_html()
    assert "@font-face" not in page and fonts.INSTALL_HINT in page
    assert fonts.INSTALL_HINT not in Report("r").add(Section("en").add_text("no Korean")).to_html()


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
