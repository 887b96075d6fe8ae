"""Caption figures: a grid of images with their captions, and one attention map per word."""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure

from rnnkit.caption.plots import attention_grid, caption_grid
from rnnkit.utils.errors import RnnkitError

IMAGES = torch.randint(0, 256, (3, 3, 16, 16), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))


def test_caption_grid_titles_each_image_with_its_caption():
    fig = caption_grid(
        IMAGES, ["a red circle", "two blue squares", "a green triangle"], references=["r1", "r2", "r3"]
    )
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3  # one row of three
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "a red circle",
        "two blue squares",
        "a green triangle",
    ]
    assert [ax.texts[0].get_text() for ax in fig.axes] == ["ref: r1", "ref: r2", "ref: r3"]


def test_caption_grid_wraps_into_rows_and_blanks_the_rest():
    fig = caption_grid(IMAGES, ["a", "b", "c"], cols=2)
    assert len(fig.axes) == 4 and not fig.axes[3].images  # 2 x 2, the fourth cell empty


def test_caption_grid_frames_each_picture_so_a_white_one_is_seen():
    """A white picture (a transparent PNG read onto white) was drawn with its axes off, white on the white
    page: a caption over nothing. Each picture now has a thin grey frame (no ticks); an empty cell none."""
    white = torch.full((3, 3, 16, 16), 255, dtype=torch.uint8)
    fig = caption_grid(white, ["a", "b", "c"], cols=2)
    for ax in fig.axes[:3]:
        assert ax.axison and not ax.get_xticks().size and not ax.get_yticks().size
        assert all(s.get_visible() and s.get_edgecolor()[:3] != (1.0, 1.0, 1.0) for s in ax.spines.values())
    assert not fig.axes[3].axison  # the blank cell stays blank


def test_attention_grid_frames_each_picture_so_a_white_one_is_seen():
    """describe --plot's _attention.png drew its 'image' column with the axes off: a white picture was
    a title over nothing. It gets caption_grid's grey frame; the blank cell under a long caption none."""
    white = torch.full((2, 3, 16, 16), 255, dtype=torch.uint8)
    words = [[f"w{k}" for k in range(7)], ["a"]]  # 8 maps, 6 a row: the first picture's column has a blank
    attention = [torch.full((len(w) + 1, 16), 1 / 16) for w in words]
    fig = attention_grid(white, words, attention, per_row=6)
    cols = 1 + 6
    heads = [fig.axes[0], fig.axes[2 * cols]]
    for ax in heads:
        assert ax.get_title() == "image" and ax.axison
        assert not ax.get_xticks().size and not ax.get_yticks().size
        assert all(s.get_visible() and s.get_edgecolor()[:3] != (1.0, 1.0, 1.0) for s in ax.spines.values())
    assert not fig.axes[cols].axison  # the image's column on the long caption's second row stays blank


def test_attention_grid_one_map_per_word_then_end():
    words = [["a", "red", "circle"], ["a", "square"], ["x"]]
    attention = [torch.softmax(torch.randn(len(w) + 1, 16), dim=-1) for w in words]  # 4x4 grid
    fig = attention_grid(IMAGES, words, attention)
    assert isinstance(fig, Figure)
    cols = 1 + 4
    assert len(fig.axes) == 3 * cols
    first_row = [ax.get_title() for ax in fig.axes[:cols]]
    assert first_row == ["image", "a", "red", "circle", "<end>"]
    assert [ax.get_title() for ax in fig.axes[cols : 2 * cols]][:4] == ["image", "a", "square", "<end>"]
    assert not fig.axes[2 * cols - 1].images  # the shorter caption leaves its last cell empty


def test_attention_grid_wraps_a_long_caption_under_its_first_maps():
    # 9 words and <end>, 6 maps a row: the figure is 7 wide, not 11, so a phone can read its labels
    words = [[f"w{k}" for k in range(9)], ["a", "square"]]
    attention = [torch.softmax(torch.randn(len(w) + 1, 16), dim=-1) for w in words]
    fig = attention_grid(IMAGES[:2], words, attention, per_row=6)
    cols = 1 + 6
    rows = [fig.axes[r * cols : (r + 1) * cols] for r in range(len(fig.axes) // cols)]
    assert len(rows) == 3  # two rows for the long caption, one for the short
    assert [ax.get_title() for ax in rows[0]] == ["image", "w0", "w1", "w2", "w3", "w4", "w5"]
    assert [ax.get_title() for ax in rows[1]][:5] == ["", "w6", "w7", "w8", "<end>"]
    assert not rows[1][0].images and rows[1][1].images  # the image's column is blank on its second row
    assert [ax.get_title() for ax in rows[2]][:4] == ["image", "a", "square", "<end>"]
    assert fig.get_size_inches()[0] < 12


def test_attention_grid_says_when_a_long_caption_is_cut():
    words = [[f"w{k}" for k in range(14)], ["a", "square"]]
    attention = [torch.softmax(torch.randn(len(w) + 1, 16), dim=-1) for w in words]
    fig = attention_grid(IMAGES[:2], words, attention, max_words=12)
    cols = 1 + 6
    assert fig.axes[0].get_title() == "image: first 12\nof 15 steps"  # 14 words and <end>
    assert fig.axes[2 * cols].get_title() == "image"  # the short caption is whole, after 2 rows


def test_bad_input_is_one_line():
    with pytest.raises(RnnkitError, match="one caption per image"):
        caption_grid(IMAGES, ["only one"])
    with pytest.raises(RnnkitError, match="not a square grid"):
        attention_grid(IMAGES[:1], [["a"]], [torch.ones(2, 5) / 5])
    with pytest.raises(RnnkitError, match="per_row"):
        attention_grid(IMAGES[:1], [["a"]], [torch.ones(2, 4) / 4], per_row=0)


def _glyph_warnings(fig) -> list[str]:
    import warnings

    from rnnkit.utils.plotting import png_bytes

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png_bytes(fig)
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_korean_captions_and_file_names_are_drawn_in_a_hangul_font():
    # a model trained on Korean captions (the readers keep Hangul) got empty boxes and a stderr warning per
    # character: the titles were drawn in DejaVu Sans, which has no Hangul
    from rnnkit.utils.fonts import hangul_font

    if hangul_font() is None:
        pytest.skip("no Hangul font installed (apt-get install fonts-noto-cjk)")
    images = torch.zeros(2, 3, 16, 16, dtype=torch.uint8)
    grid = caption_grid(images, ["빨간 원 하나", "a red circle"], names=["사진.png", "b.png"])
    assert [ax.get_title(loc="left") for ax in grid.axes] == ["빨간 원 하나", "a red circle"]
    maps = attention_grid(images[:1], [["빨간", "원"]], [torch.full((3, 4), 0.25)])
    assert _glyph_warnings(grid) == [] and _glyph_warnings(maps) == []


def test_chinese_and_japanese_captions_are_drawn_in_the_cjk_font():
    # the CJK font was asked for Hangul alone: a model trained on Chinese captions had its captions drawn
    # as "? ? ?" on a machine whose font draws them (Noto Sans CJK)
    from matplotlib.ft2font import FT2Font

    from rnnkit.utils.fonts import hangul_font_file

    path = hangul_font_file()
    if path is None or not FT2Font(str(path)).get_char_index(ord("狗")):
        pytest.skip("no font drawing Chinese installed (apt-get install fonts-noto-cjk)")
    images = torch.zeros(2, 3, 16, 16, dtype=torch.uint8)
    grid = caption_grid(images, ["一 只 红 色 的 狗", "黒 い 犬"], names=["狗.png", "b.png"])
    assert [ax.get_title(loc="left") for ax in grid.axes] == ["一 只 红 色 的 狗", "黒 い 犬"]
    assert [t.get_text() for t in grid.axes[0].texts] == ["狗.png"]
    maps = attention_grid(images[:1], [["红", "狗"]], [torch.full((3, 4), 0.25)])
    assert _glyph_warnings(grid) == [] and _glyph_warnings(maps) == []


def test_characters_no_font_draws_become_question_marks(monkeypatch):
    import rnnkit.utils.fonts

    monkeypatch.setattr(rnnkit.utils.fonts, "hangul_font", lambda: None)  # a machine without one
    grid = caption_grid(torch.zeros(1, 3, 16, 16, dtype=torch.uint8), ["빨간 원"], names=["café 사진.png"])
    assert grid.axes[0].get_title(loc="left") == "?? ?"
    assert [t.get_text() for t in grid.axes[0].texts] == ["café ??.png"]  # é is in DejaVu Sans: kept
    assert _glyph_warnings(grid) == []


def _rows_gap_and_overlaps(fig) -> tuple[float, bool]:
    """Inches of blank between the first row's image and the second's, and whether any two texts overlap."""
    fig.canvas.draw()
    cols = sum(1 for ax in fig.axes if abs(ax.get_position().y0 - fig.axes[0].get_position().y0) < 1e-9)
    upper, lower = fig.axes[0].get_window_extent(), fig.axes[cols].get_window_extent()
    boxes = [t.get_window_extent() for ax in fig.axes for t in (ax.title, ax._left_title, *ax.texts)
             if t.get_text()]  # fmt: skip
    boxes += [ax.get_window_extent() for ax in fig.axes if ax.images]
    overlaps = any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    return (upper.y0 - lower.y1) / fig.dpi, overlaps


def test_caption_grid_rows_sit_close_with_room_for_their_text():
    """QA (demo --quick report): the digits grid left about 1.5 inches of blank between its two rows of
    one-line captions; rows now take the room their text lines need, and no text covers another."""
    images = torch.zeros(8, 3, 16, 16, dtype=torch.uint8)
    short = caption_grid(images, ["6 3 3 3 9 9"] * 8, references=["2 8 9 6 1 9"] * 8)
    gap, overlaps = _rows_gap_and_overlaps(short)
    assert gap < 0.6 and not overlaps, gap
    long_caption = "a small red circle above a large blue square left of a green triangle"
    tall = caption_grid(images, [long_caption] * 8, references=[long_caption * 2] * 8)
    tall_gap, overlaps = _rows_gap_and_overlaps(tall)
    assert tall_gap > gap and not overlaps  # three lines above and below still fit between the rows
    width, height = short.get_size_inches()
    assert height / width < 0.6  # two rows of square images four wide, not a page of blank
