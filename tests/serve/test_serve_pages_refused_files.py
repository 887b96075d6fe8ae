"""A file the page refuses before sending (over the upload bounds) leaves nothing chosen behind it: the
button no longer sends the picture or data picked before under the refused file's name."""

from __future__ import annotations

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"  # the head of an iPhone's photo


@pytest.fixture(scope="module")
def server(models_dir):
    with serving(models_dir) as url:
        yield url


def _posts(page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url.rsplit("/api/", 1)[1]) if r.method == "POST" else None)
    return sent


def test_a_refused_image_leaves_no_picture_to_caption(server):
    big = {"name": "holiday.png", "mimeType": "image/png", "buffer": b"\x89PNG" + bytes(3_300_000)}
    with browser_page(1000) as page:
        sent = _posts(page)
        page.goto(server + "/caption")
        wait(page, "document.querySelectorAll('#samples img').length > 0")
        page.click("#samples img")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        page.set_input_files("#file", big)
        wait(page, "document.querySelector('#error').textContent.includes('holiday.png (3.1 MB)')")
        assert page.input_value("#file") == ""  # the box names no file that will not be sent
        assert page.locator("#samples img.chosen").count() == 0
        page.click("#go")  # it captioned the scene picked before, under the refused file's name
        wait(page, "document.querySelector('#error').textContent === 'Pick a scene or upload an image.'")
        assert sent == ["caption"] and page.is_hidden("#result")


def test_a_photo_over_the_bounds_that_no_browser_reads_is_said_to_be_one(server):
    """An iPhone's HEIC photo over 3 MB was named by its size alone ("IMG_0042.HEIC is 3.1 MB; the server
    takes images of at most 3.0 MB"): the user who made it smaller was refused again for its format. The
    browser shrinks every picture it reads, so one it does not read is said to be so, with what to do."""
    heic = {"name": "IMG_0042.HEIC", "mimeType": "image/heic", "buffer": HEIC + bytes(3_300_000)}
    with browser_page(1000) as page:
        sent = _posts(page)
        page.goto(server + "/caption")
        wait(page, "document.querySelectorAll('#samples img').length > 0")
        page.set_input_files("#file", heic)
        wait(page, "document.querySelector('#error').textContent !== ''")
        assert page.text_content("#error") == (
            "Error: IMG_0042.HEIC (3.1 MB) is not a picture this browser can read, nor can the server, which "
            "reads PNG, JPEG, GIF, BMP and WebP: convert it to JPEG or PNG first"
        )
        assert sent == [] and page.input_value("#file") == ""


def test_a_refused_csv_is_not_named_as_the_data(server):
    big = {
        "name": "prices.csv",
        "mimeType": "text/csv",
        "buffer": b"date,price\n" + b"2020-01-01,1\n" * 400_000,
    }
    with browser_page(1000) as page:
        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        page.set_input_files("#file", big)
        wait(page, "document.querySelector('#error').textContent.includes('prices.csv is 5.0 MB')")
        # what to do with it too: it named only the bound
        assert page.text_content("#error").endswith(
            ": delete its oldest rows (the model is scored on the last ones), or the columns it does not need"
        )
        # the file box said prices.csv while the button forecast the series box's choice
        assert page.input_value("#file") == ""


def test_a_csv_under_the_bound_whose_request_is_over_it_is_refused_by_name(server):
    """A 3.3 MB tab-separated export with quoted fields passed the page's 4.0 MB check, but the request
    carries it as a JSON string, where each tab, quote and line end is two characters: 4.5 MB, and the
    page said the server's 'request body too large (at most 4194304 bytes)', of no file the user knew.
    It is refused before sending, by its name, with what to do, and not kept as the data."""
    export = {
        "name": "export.csv",
        "mimeType": "text/csv",
        "buffer": b'"date"\t"price"\r\n' + b'"2020-01-01"\t1\r\n' * 216_000,
    }
    assert 3.4e6 < len(export["buffer"]) < 4 * 1024 * 1024
    with browser_page(1000) as page:
        sent = _posts(page)
        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        page.set_input_files("#file", export)
        wait(page, "document.querySelector('#error').textContent !== ''")
        assert page.text_content("#error") == (
            "Error: export.csv (3.3 MB) is over the server's bound of 4.0 MB once sent (its tabs, quotes and "
            "line ends take two characters each there): delete its oldest rows (the model is scored on the "
            "last ones), or the columns it does not need"
        )
        assert sent == ["forecast"]  # the first series' forecast alone: the file was not sent
        assert page.input_value("#file") == "" and page.is_hidden("#result")
        assert "export.csv" not in page.inner_text("#series")


def test_a_csv_that_is_not_utf8_is_refused_in_the_commands_words(server, tmp_path):
    """A German spreadsheet saved as Windows text ('März' in cp1252): the browser's File.text() read its
    'ä' as U+FFFD, and the server, never seeing the bytes, said to write the dates 'M\ufffdrz 2010' as
    YYYY-MM-DD, where ``rnnkit forecast`` says to save the file as UTF-8 (after which its dates read). The
    page says what the command says, and sends nothing; UTF-16 with its byte-order mark (a spreadsheet's
    'Unicode text') is read, as the command reads it."""
    from rnnkit.forecast.data import load_series
    from rnnkit.utils.errors import RnnkitError

    months = ["Januar", "Februar", "März", "April", "Mai", "Juni"] * 10
    text = "Monat;Umsatz\r\n" + "".join(f"{m} {2000 + i // 6};{100 + i},5\r\n" for i, m in enumerate(months))
    path = tmp_path / "umsatz.csv"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(RnnkitError) as said:
        load_series(path)
    command = str(said.value).replace(str(path), path.name)
    assert "line 4 holds byte 0xe4" in command
    with browser_page(1000) as page:
        sent = _posts(page)
        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        page.set_input_files(
            "#file", {"name": path.name, "mimeType": "text/csv", "buffer": path.read_bytes()}
        )
        wait(page, "document.querySelector('#error').textContent !== ''")
        assert page.text_content("#error") == "Error: " + command
        assert sent == ["forecast"] and page.input_value("#file") == "" and page.is_hidden("#result")
        unicode = {"name": "unicode.csv", "mimeType": "text/csv", "buffer": text.encode("utf-16")}
        page.set_input_files("#file", unicode)
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        assert page.text_content("#error") == ""
        assert page.text_content("#about").startswith("unicode.csv (Umsatz, 60 rows)")


def _refusals(server, files: dict[str, bytes]) -> dict[str, str]:
    """Each file uploaded to the forecast page, and the page's error line for it."""
    said = {}
    with browser_page(1000) as page:
        page.goto(server + "/forecast")
        wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
        for name, data in files.items():
            page.evaluate("() => { document.querySelector('#error').textContent = ''; }")
            page.set_input_files("#file", {"name": name, "mimeType": "text/csv", "buffer": data})
            wait(page, "document.querySelector('#error').textContent !== ''")
            said[name] = page.text_content("#error")
    return said


def _command_says(path) -> str:
    """What ``rnnkit forecast`` says of the file at ``path``, with its name as the page gives it."""
    from rnnkit.forecast.data import load_series
    from rnnkit.utils.errors import RnnkitError

    with pytest.raises(RnnkitError) as said:
        load_series(path)
    return "Error: " + str(said.value).replace(str(path), path.name)


def test_the_byte_utf8_cannot_read_is_the_one_the_command_names(server, tmp_path):
    """A UTF-8 file with a byte-order mark and a Latin-1 'ä' on line 1 was refused as holding byte 0x55
    (the mark's three bytes counted as one character before it), and a line with a real U+FFFD before
    the bad byte as holding 0xef (the U+FFFD taken for the bad byte); the command names 0xe4 in both."""
    files = {
        "bom_latin1.csv": b"\xef\xbb\xbf" + "Datum;Umsätze\n2010-01;1\n".encode("latin-1"),
        "fffd.csv": "note \ufffd x;".encode() + "März;1\n".encode("latin-1"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    said = _refusals(server, files)
    for name in files:
        assert "line 1 holds byte 0xe4" in said[name]
        assert said[name] == _command_says(tmp_path / name)


def test_utf16_without_a_mark_and_utf32_with_one_are_taken_as_the_command_takes_them(server, tmp_path):
    """UTF-16 without a byte-order mark was refused as "binary data" where the command says it is UTF-16
    text without a mark and to save it as UTF-8; UTF-32 with its mark (FF FE 00 00) was read as UTF-16
    LE and refused as binary, where the command reads it."""
    text = "date,v\n" + "".join(f"2010-01-{day:02d},{day}\n" for day in range(1, 31))
    path = tmp_path / "nomark.csv"
    path.write_bytes(text.encode("utf-16-le"))
    assert _refusals(server, {path.name: path.read_bytes()})[path.name] == _command_says(path)
    assert "is UTF-16 text without a byte-order mark; save the file as UTF-8" in _command_says(path)
    # a Russian header without a mark (Д: 14 04) reads as UTF-8, so the page sends it, and the server
    # says the command's line: it was "binary data", the page's own older rule (one byte of each pair
    # all NUL) letting it through; a German one (ä: E4 00) is no UTF-8, and the page says it itself
    files = {
        "ru_le.csv": ("Дата,Значение\n" + text.split("\n", 1)[1]).encode("utf-16-le"),
        "ru_be.csv": ("Дата,Значение\n" + text.split("\n", 1)[1]).encode("utf-16-be"),
        "de.csv": ("Datum,Umsätze\n" + text.split("\n", 1)[1]).encode("utf-16-le"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    said = _refusals(server, files)
    for name in files:
        assert said[name] == _command_says(tmp_path / name), said
        assert (
            said[name]
            == f"Error: {name} is UTF-16 text without a byte-order mark; save the file as UTF-8 and try again"
        )
    for name, data in {
        "le.csv": text.encode("utf-32"),
        "be.csv": b"\x00\x00\xfe\xff" + text.encode("utf-32-be"),
    }.items():
        with browser_page(1000) as page:
            page.goto(server + "/forecast")
            wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
            page.evaluate("() => { document.querySelector('#result').hidden = true; }")
            page.set_input_files("#file", {"name": name, "mimeType": "text/csv", "buffer": data})
            wait(page, "!document.querySelector('#result').hidden && !document.querySelector('#go').disabled")
            assert page.text_content("#error") == ""
            assert page.text_content("#about").startswith(f"{name} (v, 30 rows)")
