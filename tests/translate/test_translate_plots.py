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


def _area_inches(fig: Figure) -> tuple[float, float]:
    fig.canvas.draw()
    box = fig.axes[0].get_window_extent()
    return box.width / fig.dpi, box.height / fig.dpi


def test_heatmap_keeps_a_readable_aspect_for_a_tall_or_wide_matrix():
    """QA (demo --quick report): 27 output pieces over 8 source pieces drew a 5.6 x 12.6 inch figure,
    tall and narrow with blank beside it. The heatmap's height stays within 1.25 and 1/2.5 of its width,
    and its labels still do not overlap."""
    for rows, cols in ((27, 8), (6, 60), (140, 140), (4, 5)):
        weights = torch.softmax(torch.randn(rows, cols, generator=torch.Generator().manual_seed(0)), dim=-1)
        src = [f"s{k}" for k in range(cols)]
        tgt = [f"t{k}" for k in range(rows)]
        fig = attention_heatmap(weights, src, tgt, title="a -> b")
        width, height = _area_inches(fig)
        # about the bounds: the labels and colorbar take their room from the cells' share of the figure
        assert 1 / 3 <= height / width <= 1.5, (rows, cols, width, height)
        fig_w, fig_h = fig.get_size_inches()
        assert fig_h / fig_w < 1.6, (rows, cols, fig_w, fig_h)
        labels = [t.get_window_extent() for t in fig.axes[0].get_yticklabels() if t.get_text()]
        assert not any(a.overlaps(b) for a, b in zip(labels, labels[1:], strict=False)), (rows, cols)


def test_heatmap_never_grows_past_the_area_its_cells_had():
    # a long source over a short output, at the cell bound: growing the short side to 2.5:1 made a
    # 200 x 80 inch picture, 3.6 times the pixels (and the memory) the bound on cells was set for
    from rnnkit.translate.plots import _heatmap_area

    for n_src, n_tgt in ((1000, 20), (20, 1000), (27, 8), (8, 27), (140, 140), (300, 60)):
        width, height = _heatmap_area(n_src, n_tgt)
        assert width * height <= 0.45 * n_src * 0.4 * n_tgt + 1e-9, (n_src, n_tgt, width, height)
        assert width >= 0.2 * n_src and height >= 0.2 * n_tgt  # the labels' room
