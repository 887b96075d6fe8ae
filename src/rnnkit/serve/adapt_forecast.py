"""The forecast page's one door into :mod:`rnnkit.forecast`: load a model, read a series, score the
model beside the baselines on the series' last rows, and forecast past its end."""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path

from rnnkit.forecast.python_words import page_message
from rnnkit.serve import limits
from rnnkit.serve.registry import load_listed
from rnnkit.utils.errors import RnnkitError

UPLOADED = "uploaded.csv"  # the name an uploaded CSV is known by in the answers and errors, unless named
MAX_FILENAME = 80  # characters of an upload's own name kept for the answers and errors


class ForecastAdapter:
    """Loads forecast models on first use (one per folder) and keeps them."""

    def __init__(self) -> None:
        self._loaded: dict[Path, object] = {}
        self._lock = threading.Lock()

    def model(self, folder: Path):  # -> rnnkit.forecast.forecaster.TrainedModel
        with self._lock:
            if folder not in self._loaded:
                from rnnkit.forecast.forecaster import TrainedModel

                self._loaded[folder] = load_listed(folder, lambda f: TrainedModel.load(f, device="cpu"))
            return self._loaded[folder]

    def run(
        self, folder: Path, series_name: str | None, csv_text: str | None, filename: str | None = None
    ) -> dict:
        """Fan chart data (test rows), the scores and verdict, and the next steps past the data; an error
        of reading or scoring the series in a page user's words (:func:`page_message`). An upload is
        known by ``filename`` (the name of the file the user picked), else as ``uploaded.csv``."""
        fc = self.model(folder)
        if fc.series_scalers:
            raise RnnkitError("this is a global model of many series; the page scores one-series models")
        try:
            return self._scored(fc, series_name, csv_text, upload_name(filename))
        except RnnkitError as exc:
            raise RnnkitError(page_message(str(exc), fc.columns[0])) from None

    def _scored(self, fc, series_name: str | None, csv_text: str | None, filename: str) -> dict:
        from rnnkit.forecast.blend import blend_line
        from rnnkit.forecast.data import saved_reading
        from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE, SEASONAL, coverage_line, evaluate
        from rnnkit.forecast.nextstep import forecast_next
        from rnnkit.forecast.prepare import prepare
        from rnnkit.forecast.seen import model_split, seen_test_warning

        series = read_series(series_name, csv_text, list(fc.columns), saved_reading(fc.info), filename)
        val, test = model_split(fc.info, None, None)  # as forecast eval scores it: the model's own split
        seen = seen_test_warning(fc.info, series, val, test)
        prep = prepare(
            series,
            fc.window,
            fc.horizon,
            fc.transform,
            val,
            test,
            scalers=(fc.in_scaler, fc.out_scaler),
            changes=fc.feature_changes,  # each feature as the model was trained on it
        )
        ev = evaluate(prep, fc)
        nxt = forecast_next(fc, series)
        keep = slice(max(0, len(ev.actual) - limits.MAX_CHART_POINTS), None)
        baselines = {NAIVE: "naive", LINEAR: "ar", SEASONAL: "seasonal_naive"}
        return clean(
            {
                "series": series.name,
                "notes": list(series.notes),  # how the data was read (a separator, filled gaps)
                # what may be read wrong (dates that read two ways), and test rows the model has seen
                "warnings": [*series.warnings, *([seen] if seen else [])],
                "target": series.columns[0],
                "rows": len(series),
                "test_samples": len(ev.actual),
                "horizon": fc.horizon,
                "window": fc.window,
                "cell": fc.hyper.cell,
                "dates": [d.isoformat() for d in ev.dates[keep]],
                "actual": ev.actual[keep].tolist(),
                "levels": ev.levels,
                "quantiles": ev.quantiles[keep].tolist(),  # (n, Q) step-H quantile forecasts
                "model": ev.forecasts[MODEL][keep].tolist(),
                **{
                    short: ev.forecasts[name][keep].tolist()
                    for name, short in baselines.items()
                    if name in ev.forecasts
                },
                "metrics": ev.rows,
                "coverage": coverage_line(ev),
                # how the point forecast was made when it is not the network's alone (--linear-blend):
                # forecast eval's "linear blend" line, which names the data it was chosen on (not this series)
                "blend": blend_line(fc.info, blended_only=True, scored=True),
                "verdict": ev.verdict(),
                "beats_naive": bool(ev.beats_naive),
                "ties_naive": bool(ev.ties_naive),  # within the verdict's rounding: neither a win nor a loss
                # the baselines beside naive that beat the model: the verdict is then no win (not green)
                "beaten_by": ev.beaten_by,
                "next": {
                    "last_date": nxt.last_date.isoformat(),
                    "last": nxt.last,
                    "dates": [d.isoformat() for d in nxt.dates],
                    "point": nxt.point.tolist(),
                    "quantiles": nxt.quantiles.tolist(),
                    "lines": nxt.lines(),
                },
            }
        )


def bundled() -> list[dict]:
    """The bundled series: name and description."""
    from rnnkit.forecast.data import BUNDLED

    return [{"name": k, "description": b.description} for k, b in BUNDLED.items()]


def read_series(
    name: str | None,
    csv_text: str | None,
    columns: list[str],
    reading: dict | None = None,
    filename: str = UPLOADED,
):
    """A bundled series by name, or an uploaded CSV (known as ``filename``), read with the columns the
    model was trained on; an upload also as the model's training data were read (``reading``: its saved
    ``--dayfirst``, ``--date-format``, ``--missing``, ``--decimal``), as ``rnnkit forecast eval`` reads a
    file. Returns a Series."""
    from rnnkit.forecast.data import BUNDLED, DATA_DIR, load_series

    if (name is None) == (csv_text is None):
        raise RnnkitError("give either a bundled series name or a CSV text")
    fallback = len(columns) == 1
    kw = {"target": columns[0], "features": columns[1:], "target_fallback": fallback}
    # errors keep the reader's words: ForecastAdapter.run says them in the page's, once
    if name is not None:
        if name not in BUNDLED:
            raise RnnkitError(f"unknown series {str(name)[:40]!r}; bundled: {', '.join(BUNDLED)}")
        series = load_series(DATA_DIR / BUNDLED[name].file, name=name, **kw)
    else:
        series = read_upload(csv_text, {**kw, **(reading or {})}, filename)
    series.notes[:] = [page_message(note, columns[0]) for note in series.notes]
    series.warnings[:] = [page_message(warning, columns[0]) for warning in series.warnings]
    if csv_text is not None:
        said = as_trained(reading or {})
        if said:
            series.notes.insert(0, f"read {filename} as the model's training data were read: {said}")
    if len(series.columns) != len(columns):
        raise RnnkitError(f"the model reads {len(columns)} column(s) ({', '.join(columns)})")
    return series


def as_trained(reading: dict) -> str:
    """The saved reading in a page user's words (``dates day first, missing values filled with the last
    value``; the command line's ``--dayfirst, --missing fill``); empty when it reads as the defaults do."""
    used = []
    if reading.get("date_format"):
        used.append(f"dates as {reading['date_format']!r}")
    elif reading.get("dayfirst") is not None:
        used.append("dates day first" if reading["dayfirst"] else "dates month first")
    missing = reading.get("missing", "error")
    if missing != "error":
        used.append(_MISSING_READ[missing])
    if reading.get("decimal"):
        used.append(f"decimal {reading['decimal']}s")
    return ", ".join(used)


_MISSING_READ = {
    "fill": "missing values filled with the last value",
    "drop": "rows with a missing value dropped",
}


def upload_name(filename: str | None) -> str:
    """The name an upload is known by in the answers and errors: the picked file's own name (its last
    path part, printable characters, at most MAX_FILENAME), else ``uploaded.csv``. The page said
    'uploaded.csv has no date column' of a file the user knew as sales.csv."""
    if not filename:
        return UPLOADED
    base = re.split(r"[/\\]", filename)[-1]
    kept = "".join(c for c in base if c.isprintable()).strip()[:MAX_FILENAME]
    return kept if kept.strip(".") else UPLOADED


def read_upload(csv_text: str, kw: dict, filename: str = UPLOADED):  # -> Series
    """An uploaded CSV's text read exactly as ``rnnkit forecast`` reads a file (the same reader: a ``;``,
    tab or ``|`` separator, decimal commas, blank lines, errors naming the file's lines), from a
    temporary file named ``uploaded.csv``; its answers and errors name it ``filename``."""
    import tempfile

    from rnnkit.forecast.csv_file import csv_encoding
    from rnnkit.forecast.data import load_series

    with tempfile.TemporaryDirectory(prefix="rnnkit-serve-") as folder:
        path = Path(folder) / UPLOADED
        path.write_text(csv_text, encoding="utf-8")

        def as_named(said: str) -> str:  # the file as the user knows it, not our folder's copy
            # in one pass, the path or the file's own name (some messages give that only): replaced one
            # after the other, 'my uploaded.csv' was named 'my my uploaded.csv'
            return re.sub(f"{re.escape(str(path))}|{re.escape(path.name)}", lambda _: filename, said)

        try:
            if "\x00" in csv_text:
                # The page sends a file that reads as UTF-8 as it reads, so these are the file's own bytes:
                # UTF-16 saved without its mark is told by the command's rule and in its words (a Russian
                # header's was "binary data"); an image or a program picked by mistake is binary.
                csv_encoding(path)
                raise RnnkitError(f"{path} is binary data, not a CSV text file")
            rows = sum(1 for line in csv_text.splitlines() if line.strip()) - 1  # the header is no row
            if rows > limits.MAX_CSV_ROWS:
                raise RnnkitError(  # what to do about it too: the page's user has the file and an editor
                    f"{path} has {rows:,} rows; the server reads at most {limits.MAX_CSV_ROWS:,}: delete "
                    "the oldest rows (the model is scored on the last ones)"
                )
            series = load_series(path, name=filename, **kw)
        except RnnkitError as exc:
            raise RnnkitError(as_named(str(exc))) from None
    # the notes too: 'uploaded.csv skips 25 date(s) of its daily calendar' of a file picked as rows.csv
    series.notes[:] = [as_named(note) for note in series.notes]
    series.warnings[:] = [as_named(warning) for warning in series.warnings]
    return series


def clean(value: object) -> object:
    """JSON-safe: numpy scalars to floats, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    f = float(value)  # type: ignore[arg-type]
    return f if math.isfinite(f) else None
