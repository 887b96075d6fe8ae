"""Attention heatmaps: a Figure, Hangul drawn with a font when one exists, romanised otherwise."""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure

from rnnkit.translate import plots
from rnnkit.translate.plots import attention_heatmap, has_hangul, romanize
from rnnkit.utils.plotting import save_figure

W = torch.softmax(torch.randn(4, 5, generator=torch.Generator().manual_seed(0)), dim=-1)
SRC = ["▁I", "▁am", "▁a", "▁student", "</s>"]
TGT = ["▁저는", "▁학생", "이에요", "</s>"]
TITLE = "I am a student. -> 저는 학생이에요."


def test_romanize_syllables():
    assert romanize("한국어") == "hangukeo"
    assert romanize("안녕하세요!") == "annyeonghaseyo!"
    assert romanize("abc") == "abc"
    assert has_hangul("a학") and not has_hangul("abc")


def test_heatmap_is_a_figure_of_the_weights():
    fig = attention_heatmap(W, SRC, TGT, title=TITLE)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]  # the heatmap; fig.axes[1] is its colorbar
    assert len(fig.axes) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["_I", "_am", "_a", "_student", "</s>"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("source pieces", "output pieces")
    torch.testing.assert_close(torch.as_tensor(ax.images[0].get_array()), W, rtol=0, atol=1e-7)


@pytest.mark.parametrize("font", ["system", "none"])
def test_heatmap_png(tmp_path, monkeypatch, font):
    if font == "none":
        monkeypatch.setattr(plots, "hangul_font", lambda: None)
    elif plots.hangul_font() is None:
        pytest.skip("no Hangul font on this machine (apt-get install fonts-nanum)")
    fig = attention_heatmap(W, SRC, TGT, title=TITLE)
    title = fig.axes[0].get_title()
    if font == "none":  # romanised, and the title says why
        assert "jeoneun" in title and "no Hangul font" in title and not has_hangul(title)
        assert [t.get_text() for t in fig.axes[0].get_yticklabels()][:2] == ["_jeoneun", "_haksaeng"]
    else:
        assert "저는" in title
    path = save_figure(fig, tmp_path / "sub" / "att.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    assert [p.name for p in path.parent.iterdir()] == ["att.png"]  # no temporary file left
