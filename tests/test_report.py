"""The HTML report: self-contained (PNG embedded as data URIs), escaped, written atomically."""

import base64
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rnnkit.report import Report, Section  # noqa: E402


def _png(tmp_path):
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1, 2], [1, 0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    path = tmp_path / "plot.png"
    path.write_bytes(buffer.getvalue())
    return path


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
    assert "<td>1.235</td>" in text and "<td>lstm &lt;b&gt;</td>" in text and "<td>2</td>" in text
    assert 'alt="loss &quot;curve&quot;"' in text
    assert '<p class="note">a note</p>' in text
    assert "<caption>test days</caption>" in text
    assert "<pre>rnnkit forecast train --window 4</pre>" in text
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]  # no temp file left


def test_sections_appear_in_order(tmp_path):
    report = Report("r").add(Section("first").add_text("1")).add(Section("second").add_text("2"))
    html = report.to_html()
    assert html.index("<h2>first</h2>") < html.index("<h2>second</h2>")
    assert html.count("<section>") == 2
