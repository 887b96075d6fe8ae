"""The captioning section of ``rnnkit demo`` in its quick form."""

from rnnkit.caption.demo import demo_section


def test_quick_demo_section(tmp_path):
    section = demo_section(tmp_path / "caption", seed=0, device="cpu", quick=True)
    html = section.to_html()
    assert section.title.startswith("Captioning")
    assert "held-out pairs: most frequent caption" in html and "seen pairs: LSTM + attention" in html
    assert html.count("data:image/png;base64,") == 2
    assert (tmp_path / "caption" / "model" / "config.json").is_file()
    assert (tmp_path / "caption" / "captions.png").is_file() and (
        tmp_path / "caption" / "attention.png"
    ).is_file()
