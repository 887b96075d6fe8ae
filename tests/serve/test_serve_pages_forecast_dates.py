"""How the forecast page writes an uploaded series' dates on its fan chart."""

from __future__ import annotations

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


def test_a_short_daily_series_is_charted_by_date_not_at_midnight(models_dir):
    """QA: a month of daily rows (6 test rows, under ten days) was charted "01-25 00:00", "01-30 00:00",
    as if the times of day counted; dates all at midnight are written as dates."""
    rows = "".join(f"2024-01-{day:02d},{100 + day}\n" for day in range(1, 31))
    with serving(models_dir) as base, browser_page(1000) as page:
        page.goto(base + "/forecast")
        wait(page, "document.querySelector('#model option') && !document.querySelector('#go').disabled")
        page.set_input_files(
            "#file",
            files=[{"name": "daily.csv", "mimeType": "text/csv", "buffer": f"Date,Sales\n{rows}".encode()}],
        )
        page.click("#go")
        wait(
            page,
            "document.querySelector('#about').textContent.startsWith('daily.csv') && document.querySelector('#fan svg')",
        )
        labels = page.evaluate("[...document.querySelectorAll('#fan svg text')].map(t => t.textContent)")
    dated = [text for text in labels if text.startswith("2024-01-")]
    assert dated and not any("00:00" in text for text in labels), labels
