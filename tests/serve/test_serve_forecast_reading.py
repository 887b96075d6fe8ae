"""The web app reads an uploaded CSV as the model's training data were read: its saved decimal mark too."""

from __future__ import annotations

from rnnkit.serve.adapt_forecast import as_trained, read_series

UPLOAD = "Date;Close\n" + "".join(f"2024-01-{d:02d};{d % 5 + 2}.000\n" for d in range(1, 21))


def test_an_upload_is_read_with_the_models_decimal_mark():
    series = read_series(None, UPLOAD, ["Close"], {"decimal": "point"})
    assert series.values[:3, 0].tolist() == [3.0, 4.0, 5.0]
    assert series.notes[0] == "read uploaded.csv as the model's training data were read: decimal points"


def test_without_a_saved_mark_a_semicolon_upload_reads_whole_thousands():
    series = read_series(None, UPLOAD, ["Close"], {})
    assert series.values[:3, 0].tolist() == [3000.0, 4000.0, 5000.0]
    assert as_trained({"decimal": None, "missing": "error"}) == ""
