"""Attention heatmaps: a real PNG, Hangul drawn with a font when one exists, romanised otherwise."""

from __future__ import annotations

import pytest
import torch

from rnnkit.translate import plots
from rnnkit.translate.plots import attention_heatmap, has_hangul, romanize

W = torch.softmax(torch.randn(4, 5, generator=torch.Generator().manual_seed(0)), dim=-1)
SRC = ["▁I", "▁am", "▁a", "▁student", "</s>"]
TGT = ["▁저는", "▁학생", "이에요", "</s>"]


def test_romanize_syllables():
    assert romanize("한국어") == "hangukeo"
    assert romanize("안녕하세요!") == "annyeonghaseyo!"
    assert romanize("abc") == "abc"
    assert has_hangul("a학") and not has_hangul("abc")


@pytest.mark.parametrize("font", ["system", "none"])
def test_heatmap_png(tmp_path, monkeypatch, font):
    if font == "none":
        monkeypatch.setattr(plots, "hangul_font", lambda: None)
    path = attention_heatmap(
        W, SRC, TGT, tmp_path / "sub" / "att.png", title="I am a student. -> 저는 학생이에요."
    )
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    assert [p.name for p in path.parent.iterdir()] == ["att.png"]  # no temporary file left
