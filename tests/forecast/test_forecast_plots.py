"""Forecast figures: returned as Figures with the panels and titles the report shows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import make_evaluation
from matplotlib.figure import Figure

from rnnkit.forecast.evaluate import MODEL
from rnnkit.forecast.plots import ZOOM, plot_forecast, plot_residuals


def test_plot_forecast_returns_the_two_panels():
    fig = plot_forecast(make_evaluation(), "IBM")
    assert isinstance(fig, Figure)
    full, zoom = fig.axes
    assert full.get_title() == "IBM: one-step forecasts over the test period"
    assert zoom.get_title() == f"last {ZOOM} test points"
    assert [line.get_label() for line in full.get_lines()] == ["actual", "model", "naive"]
    assert len(zoom.get_lines()[0].get_xdata()) == ZOOM  # the close-up shows the last ZOOM points
    assert "model 10%-90% interval" in [t.get_text() for t in full.get_legend().get_texts()]


def test_plot_forecast_names_the_horizon():
    assert (
        plot_forecast(make_evaluation(horizon=5), "X").axes[0].get_title().startswith("X: 5-step forecasts")
    )


def test_plot_residuals_returns_series_and_histogram():
    ev = make_evaluation()
    fig = plot_residuals(ev, "IBM")
    assert isinstance(fig, Figure)
    series, hist = fig.axes
    assert series.get_title() == "IBM: residuals (actual - forecast)"
    # its axes and colours are named in the panel itself (a reader saw two unlabelled histograms)
    assert hist.get_title() == "distribution of the residuals"
    assert (hist.get_xlabel(), hist.get_ylabel()) == ("residual (actual - forecast)", "test points")
    assert [t.get_text() for t in hist.get_legend().get_texts()] == ["naive", "model"]
    model_line = next(line for line in series.get_lines() if line.get_label() == "model")
    np.testing.assert_allclose(model_line.get_ydata(), ev.actual - ev.forecasts[MODEL])


@pytest.mark.parametrize(
    ("freq", "n"),
    [
        ("min", 5),
        ("min", 200),
        ("h", 5),
        ("h", 100),
        ("D", 5),
        ("W", 200),
        ("MS", 47),
        ("YS", 5),
        ("MS", 240),
    ],
)
def test_date_axis_of_any_span_draws_without_a_matplotlib_warning(freq, n):
    # with matplotlib's default minticks (5) these spans found no tick interval and warned on every plot
    # ("AutoDateLocator was unable to pick an appropriate interval"): 47 months is a 20-year monthly
    # series' test part
    import warnings

    from rnnkit.forecast.plots import _dates_axis
    from rnnkit.utils.plotting import png_bytes, subplots

    fig, ax = subplots()
    dates = pd.date_range("2000-01-01", periods=n, freq=freq)
    ax.plot(dates, np.arange(n))
    _dates_axis(ax)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert png_bytes(fig).startswith(b"\x89PNG")


def test_the_y_axes_say_what_the_numbers_are():
    """The forecast and residual plots had no y label: a reader of 'ibm' could not tell a price from a
    return."""
    forecast = plot_forecast(make_evaluation(), "IBM", "Adj Close")
    assert [ax.get_ylabel() for ax in forecast.axes] == ["Adj Close", "Adj Close"]
    assert (
        plot_residuals(make_evaluation(), "IBM", "Adj Close").axes[0].get_ylabel() == "residual (Adj Close)"
    )
    assert plot_forecast(make_evaluation(), "IBM").axes[0].get_ylabel() == "value"
