"""The demo section, quick mode: trains a toy model on the bundled corpus and builds the section."""

from __future__ import annotations

from rnnkit.translate.demo import demo_section


def test_quick_demo_section(tmp_path):
    section = demo_section(tmp_path, seed=0, device="cpu", quick=True)
    html = section.to_html()
    assert "Translation: English to Korean" in html
    assert "copy the source" in html and "BLEU tokenisation" in html and "reference" in html
    assert "data:image/png;base64," in html
    assert (tmp_path / "attention.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "model" / "config.json").is_file()


def test_demo_shows_the_shipped_model_then_a_labelled_small_model(tmp_path):
    import re

    html = demo_section(tmp_path, seed=0, device="cpu", quick=True).to_html()
    shipped, small = (
        html.index("The shipped model"),
        html.index("A small model trained now, to show learning"),
    )
    assert shipped < small
    assert "I am a student." in html and html.count("Verdict: ") == 2
    # the attention plot is of the translation in the table: the same decoding
    alt = re.search(r'alt="attention heatmap: ([^"]*) → ([^"]*)"', html)
    assert alt is not None and f"<td>{alt.group(2)}</td>" in html
