"""The demo section, quick mode: the shipped model's translations, then a toy model trained on the
bundled corpus, labelled as such."""

from __future__ import annotations

import re

from rnnkit.translate.demo import demo_section


def test_quick_demo_section(tmp_path):
    section = demo_section(tmp_path, seed=0, device="cpu", quick=True)
    html = section.to_html()
    assert "Translation: English to Korean" in html
    assert "copy the source" in html and "BLEU tokenisation" in html and "reference" in html
    assert "data:image/png;base64," in html
    assert (tmp_path / "attention.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "model" / "config.json").is_file()
    # the shipped model first, then the small model, labelled; a verdict for each
    shipped, small = (
        html.index("The shipped model"),
        html.index("A small model trained now, to show learning"),
    )
    assert shipped < small
    assert "trained on 42,543 pairs of the bundled corpus" in html  # its own training split, counted
    assert "I am a student." in html and html.count("Verdict: ") == 2
    # the attention plot is of the translation in the table: the same decoding
    alt = re.search(r'alt="attention heatmap: ([^"]*) → ([^"]*)"', html)
    assert alt is not None and f"<td>{alt.group(2)}</td>" in html
