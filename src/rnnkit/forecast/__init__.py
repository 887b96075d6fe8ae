"""Sequence to vector: forecast a time series with a many-to-one recurrent model.

The lecture's example, "4 days of prices in, day 5 out", built as a forecasting tool that people can
check: chronological splits, scalers fitted on training data only, the model scored beside the naive
forecast (tomorrow = today), a seasonal naive and a linear autoregression on the same window, and a
walk-forward backtest.

Modules, one job each:

- :mod:`~rnnkit.forecast.data`: bundled data sets and user CSV files, checked (dates, numbers, gaps); its
  steps each in a module of their own: the file opened (:mod:`~rnnkit.forecast.csv_file`), its download
  layouts (:mod:`~rnnkit.forecast.downloads`), decimal mark (:mod:`~rnnkit.forecast.decimal_mark`) and table
  (:mod:`~rnnkit.forecast.table`), columns found by name (:mod:`~rnnkit.forecast.columns`) and read as numbers
  (:mod:`~rnnkit.forecast.numeric_column`), dates from one column (:mod:`~rnnkit.forecast.date_column`) or
  several (:mod:`~rnnkit.forecast.date_parts`), a DataFrame given in Python (:mod:`~rnnkit.forecast.frame_input`).
- :mod:`~rnnkit.forecast.windows`: target transforms, windows, chronological splits, scalers.
- :mod:`~rnnkit.forecast.prepare`: a series turned into scaled model inputs for one split.
- :mod:`~rnnkit.forecast.baselines`: naive, seasonal naive, linear autoregression, season detection.
- :mod:`~rnnkit.forecast.metrics`: MAE, RMSE, MAPE, sMAPE, MASE, direction accuracy.
- :mod:`~rnnkit.forecast.model`: the network (recurrent layer, quantile head on the last valid step),
  and an ensemble of them (``--ensemble``).
- :mod:`~rnnkit.forecast.fit`: training with :class:`rnnkit.train.Trainer` (one network or an ensemble).
- :mod:`~rnnkit.forecast.auxsteps`: ``--aux-steps``, extra steps ahead as an auxiliary training task.
- :mod:`~rnnkit.forecast.forecaster`: a saved model folder loaded for prediction (no training stack).
- :mod:`~rnnkit.forecast.evaluate`, :mod:`~rnnkit.forecast.backtest`, :mod:`~rnnkit.forecast.plots`.
- :mod:`~rnnkit.forecast.dates`: a date column read with one format, in time order.
- :mod:`~rnnkit.forecast.choose`: ``--predict auto``, the target transform chosen on validation.
- :mod:`~rnnkit.forecast.panel`: long format, many series, one global model; its scores
  (:mod:`~rnnkit.forecast.panel_scores`), run folders (:mod:`~rnnkit.forecast.panel_run`) and
  walk-forward backtest (:mod:`~rnnkit.forecast.panel_backtest`).
- :mod:`~rnnkit.forecast.api`: :class:`Forecaster`, ``fit``/``predict``/``backtest`` on DataFrames.
- :mod:`~rnnkit.forecast.cli`: ``rnnkit forecast train|eval|backtest|predict``.

Nothing here is imported by ``import rnnkit``; the command line loads it on demand, and
``from rnnkit.forecast import Forecaster`` loads the API (torch, pandas) only when asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Forecaster"]


def __getattr__(name: str) -> Any:
    # Lazy, so that ``rnnkit forecast predict`` (which imports this package first) stays light.
    if name == "Forecaster":
        from rnnkit.forecast.api import Forecaster

        return Forecaster
    raise AttributeError(f"module 'rnnkit.forecast' has no attribute {name!r}")
