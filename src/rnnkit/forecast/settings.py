"""The settings of one forecasting run, built once and handed whole to every entry point.

``forecast train`` and ``forecast backtest`` (one series or ``--id-column``), ``forecast eval`` of a
global model and the Python API's :class:`~rnnkit.forecast.api.Forecaster` all take the same
settings: the windows, the split, the season, the model's :class:`~rnnkit.forecast.forecaster.Hyper`
and the run's seed, device and progress bar. :class:`ForecastSettings` holds them, so an entry point
is ``(series, settings, ...)`` plus only what really differs (the output folder, the folds)::

    settings = ForecastSettings(window=14, horizon=7, hidden_size=8, seed=1)  # flat, as the options
    train_run(series, settings, out)                  # rnnkit.forecast.pipeline
    backtest(series, settings, folds=5)               # rnnkit.forecast.backtest
    train_panel(panel, settings, out)                 # rnnkit.forecast.panel_run
    backtest_panel(panel, settings, folds=5)          # rnnkit.forecast.panel_backtest

A new setting is one field, here (split and run) or on ``Hyper`` (model and training), and one option
in :mod:`rnnkit.forecast.options`; it then reaches every entry point, the settings a model folder
records (:meth:`ForecastSettings.recorded`, what ``--config model/config.json`` trains again) and what
``--resume`` checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from rnnkit.forecast.choose import AUTO
from rnnkit.forecast.forecaster import Hyper
from rnnkit.train.options import Composed


@dataclass(init=False)
class ForecastSettings(Composed):
    """The settings of a forecasting run: the model's ``Hyper`` whole, and the run's own.

    Built and read flat (``ForecastSettings(window=14, hidden_size=8).cell``) or by parts
    (``ForecastSettings(hyper=h, window=14)``, ``settings.hyper``); see
    :class:`~rnnkit.train.options.Composed`. ``dataclasses.replace(settings, test=0.0)`` copies it with
    a change.

    Attributes:
        hyper: architecture and training settings (saved with the model).
        window, horizon: input steps per forecast and steps ahead.
        predict: ``auto`` (chosen on the validation part, :mod:`rnnkit.forecast.choose`) or a transform.
        val, test: the last fractions of each series' rows held out for validation and test, in
            time order (``test`` 0: no test part, a final fit).
        season: the seasonal naive's season: None detects it, 0 has none, ``N`` uses ``N``.
        seed, device, show_progress: as everywhere in rnnkit. ``Hyper``, the model's settings, leaves
            them out (they say how a run went, not what the model is): its ``FitOptions`` has fields of
            these names that forecasting never reads; training reads these.
    """

    PARTS = ("hyper",)
    # Where and how a run computes, not what it computes: not recorded with the model, free to
    # differ on --resume or when a model folder's settings train it again.
    NOT_RECORDED: ClassVar[tuple[str, ...]] = ("device", "show_progress", "threads")

    hyper: Hyper = field(default_factory=Hyper)
    window: int = 4
    horizon: int = 1
    predict: str = AUTO
    val: float = 0.1
    test: float = 0.2
    season: int | None = None
    seed: int = 0
    device: str = "auto"
    show_progress: bool = True

    def recorded(self) -> dict[str, Any]:
        """The settings as ``forecast train``'s options name them (without ``--``), but
        :attr:`NOT_RECORDED`: the run's own first, then the model's; quantiles as ``--quantiles`` takes
        them (``"0.1,0.5,0.9"``)."""
        own = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in self.PARTS}
        out = {**own, **self.hyper.flat()}
        out["quantiles"] = ",".join(f"{q:g}" for q in self.hyper.quantiles)
        return {k: v for k, v in out.items() if k not in self.NOT_RECORDED}
