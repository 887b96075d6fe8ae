"""Fixtures the caption tests share."""

from __future__ import annotations

import pytest

import rnnkit.utils.plotting


@pytest.fixture
def figures(monkeypatch):
    """The figures a command saves, by file name, instead of their PNGs."""
    saved = {}
    monkeypatch.setattr(
        rnnkit.utils.plotting, "save_figure", lambda fig, path: saved.setdefault(path.name, fig)
    )
    return saved
