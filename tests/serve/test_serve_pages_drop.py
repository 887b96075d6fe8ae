"""A file dropped on the caption or forecast page, beside its small file box, is the file picked (the
docs say "drop an image"): the browser opened the picture or CSV itself in the tab, in place of the page."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")

# a drag of files from the desktop, released on the page's heading: the events a browser sends, in order
DROP = """([name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const drag = new DataTransfer();
  drag.items.add(new File([bytes], name, {type}));
  const target = document.querySelector('h1'), taken = [];
  for (const kind of ['dragenter', 'dragover', 'drop']) {
    const event = new DragEvent(kind, {dataTransfer: drag, bubbles: true, cancelable: true});
    target.dispatchEvent(event);
    taken.push(event.defaultPrevented);
  }
  return taken;
}"""


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


def _drop(page, name: str, kind: str, data: bytes) -> list[bool]:
    return page.evaluate(DROP, [name, kind, base64.b64encode(data).decode("ascii")])


def test_a_picture_dropped_on_the_caption_page_is_captioned(server):
    from rnnkit.serve.adapt_caption import sample_png

    with browser_page(1000) as page:
        page.goto(server + "/caption")
        wait(
            page,
            "document.querySelectorAll('#samples img').length > 0 && document.querySelector('#model option')",
        )
        # the page takes the drop (a browser that is let do its default opens the file in the tab)
        assert _drop(page, "scene.png", "image/png", sample_png(3)) == [True, True, True]
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        assert page.text_content("#caption").strip()
        assert page.evaluate("document.querySelector('#file').files[0].name") == "scene.png"
        # a file the server refuses is named as the file picked would be
        assert _drop(page, "notes.png", "image/png", b"not a picture\n")[-1]
        wait(page, "document.querySelector('#error').textContent !== ''")
        assert page.text_content("#error").startswith("Error: notes.png: not a readable image")


def test_a_csv_dropped_on_the_forecast_page_is_the_data(server):
    day = date(2020, 1, 1)
    rows = "".join(f"{day + timedelta(days=i)},{100 + i % 7}\n" for i in range(300))
    with browser_page(1000) as page:
        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        assert _drop(page, "rows.csv", "text/csv", ("date,value\n" + rows).encode())[-1]
        wait(page, "document.querySelector('#about').textContent.startsWith('rows.csv (value')")
        assert page.evaluate("document.querySelector('#series option:checked').textContent") == (
            "your file: rows.csv"
        )


def test_a_drag_of_text_is_left_to_the_browser(server):
    """Only files are taken: text dragged into a box is typed there, as usual."""
    with browser_page(1000) as page:
        page.goto(server + "/caption")
        wait(page, "document.querySelectorAll('#samples img').length > 0")
        taken = page.evaluate(
            """() => { const drag = new DataTransfer(); drag.setData('text/plain', 'a red circle');
            const event = new DragEvent('dragover', {dataTransfer: drag, bubbles: true, cancelable: true});
            document.querySelector('h1').dispatchEvent(event); return event.defaultPrevented; }"""
        )
        assert taken is False
