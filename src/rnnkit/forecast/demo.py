"""The forecasting section of ``rnnkit demo``: the default model on a stock and on a learnable series.

IBM's adjusted close shows the honest result for daily prices (the model ties the naive forecast, as
a random walk predicts); the glucose series shows a case with structure, where the model beats naive
and the linear autoregression.
"""

from __future__ import annotations

from pathlib import Path

import click

from rnnkit.forecast.blend import blend_line
from rnnkit.forecast.data import BUNDLED, Series, load_series
from rnnkit.forecast.dates import show_date
from rnnkit.forecast.evaluate import interval_coverage
from rnnkit.forecast.pipeline import REPORT_FILES, train_run
from rnnkit.forecast.settings import ForecastSettings
from rnnkit.report import Section

DEMO_SETS = ("ibm", "glucose")
QUICK_ROWS = 800  # quick mode keeps the first rows of each set (seconds, for tests)


def _truncate(series: Series, rows: int) -> Series:
    return Series(series.name, series.dates[:rows], series.values[:rows], series.columns)


def _described(name: str, series: Series, quick: bool) -> str:
    """The data set in words. The bundled description dates the whole file; a quick run trains on its
    first rows only, so their dates are said too: 'IBM, ..., 2000-03-01 to 2013-03-01' alone stood
    above a plot of 2002-2003 and a forecast for 2003-05-09."""
    text = BUNDLED[name].description
    if quick:
        first, last = (show_date(series.dates[i], seconds=False) for i in (0, -1))
        text += f"; quick mode keeps its first {len(series):,} rows, {first} to {last}"
    return text


METRICS_EXPLAINED = {
    "MAE": "mean absolute error of the forecast, in the series' own units; lower is better.",
    "RMSE": "root mean squared error: like MAE, but large misses count more.",
    "MAPE / sMAPE": "the error as a percentage of the actual value (sMAPE: of the mean of actual and forecast).",
    # one glossary for both series: glucose is read every 5 minutes, so no 'tomorrow' and no 'days'
    "MASE": "MAE divided by the MAE the naive forecast (next value = last value) makes on the training "
    "part: below 1 beats that forecast's usual error; compare it with the naive row's MASE on the same test points.",
    "dir_acc": "how often the forecast moves in the same direction as the actual (50% is a coin toss).",
}


def planned_outputs(out_dir: Path, quick: bool = False) -> list:
    """What :func:`demo_section` writes under ``out_dir`` (checked by the demo before any section runs):
    per data set a model folder and the report files of :func:`~rnnkit.forecast.pipeline.save_run`."""
    from rnnkit.utils.planned import Planned

    planned = []
    for name in DEMO_SETS:
        run = Path(out_dir) / name
        planned.append(Planned.model(run / "model", "forecast"))
        planned += [Planned.file(run / f) for f in RUN_FILES]
    return planned


# the files save_run writes beside the model folder
RUN_FILES = (*REPORT_FILES, "metrics.csv")


def demo_section(out_dir: Path, seed: int = 0, device: str = "auto", quick: bool = False) -> Section:
    """Train the default LSTM on each demo set; a table against baselines, the verdict, the plots."""
    section = Section("Forecasting: sequence to vector")
    section.add_text(
        "A window of the last 4 steps in, the next step out (the lecture's '4 days of prices in, day 5 "
        "out'). The target transform (levels, returns, log-returns or differences) is chosen on the validation part, "
        "the model predicts it with quantile heads (10%, 50%, 90%; the interval calibrated "
        "on the validation part; the point forecast blended with the linear autoregression's where "
        "that gains on the validation part); forecasts are scored in each series' own units (dollars, mg/dL) on "
        "the last 20% of each series, beside the naive forecast (next value = last value), a seasonal naive where the series has a season, "
        "and a linear autoregression on the same window. Scalers are fitted on the first 70% only."
    )
    settings = ForecastSettings(seed=seed, device=device, show_progress=False)
    if quick:
        settings.epochs, settings.hidden_size = 2, 8
    for name in DEMO_SETS:
        series = load_series(name)
        if quick:
            series = _truncate(series, QUICK_ROWS)
        click.echo(f"forecast: training on {name} ({len(series)} rows)")
        res = train_run(series, settings, Path(out_dir) / name)
        ev = res.evaluation
        headers, rows = ev.table()
        section.add_text(f"{name}: {_described(name, series, quick)}.")
        section.add_table(
            headers, rows, caption=f"{name}: one-step forecasts on {len(ev.actual)} test samples"
        )
        section.add_verdict(f"{name}: {ev.verdict()}")
        text = f"Seasonal naive: {ev.season_reason}."
        cover = interval_coverage(ev)
        if cover:
            text += f" The {cover[0]:.0%}-{cover[1]:.0%} interval holds {cover[2]:.1%} of the actuals."
        text += f" Trained in {res.fit.seconds:.1f} s. Target transform: {res.choice.reason}."
        if line := blend_line(res.forecaster.info):  # what the model row is: the network, a blend or the AR
            text += f" {line[0].upper()}{line[1:]}."
        section.add_text(text)
        section.add_text(res.next.lines()[0], note=True)
        section.add_image(
            res.files["forecast_plot"],
            alt=f"{name}: the test part's actual values with the model's one-step forecasts, its "
            "prediction interval and the naive forecast",
        )
        section.add_image(
            res.files["residual_plot"],
            alt=f"{name}: the model's forecast errors (residuals) over the test part",
        )
    section.add_metrics_explained(METRICS_EXPLAINED)
    section.add_pre("rnnkit forecast train --data ibm\nrnnkit forecast train --data glucose")
    return section
