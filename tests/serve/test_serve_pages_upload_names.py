"""An uploaded file is named on the page as the user wrote its name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")

DAY0 = date(2020, 1, 1)


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


def test_a_note_that_starts_with_the_file_name_keeps_its_case(server):
    """The notes follow a sentence, so each starts with a capital: 'rows.csv has no column' became
    'Rows.csv has no column', a file the user does not have."""
    rows = "".join(f"{DAY0 + timedelta(days=i)},{100 + i % 7}\n" for i in range(300))
    upload = {"name": "rows.csv", "mimeType": "text/csv", "buffer": ("date,value\n" + rows).encode()}
    with browser_page(1000) as page:
        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        page.set_input_files("#file", upload)
        wait(page, "document.querySelector('#about').textContent.startsWith('rows.csv (value')")
        about = page.text_content("#about")
        assert "rows.csv has no column 'Adj Close'; using 'value' as the target." in about, about
