"""The schema of a forecast model's ``config.json``, checked before the model is built.

Sizes are bounded by :data:`rnnkit.utils.limits.SIZES` (the ranges the command line trains with), so a
hostile or garbled config cannot make :meth:`TrainedModel.load` allocate gigabytes or loop for minutes.
"""

from __future__ import annotations

from rnnkit.utils.limits import OPTION_LIMITS, SIZES
from rnnkit.utils.schema import Anything, Bool, Float, Int, List, MapOf, Obj, Opt, Str

_COLUMNS = int(SIZES["features"].hi)
MAX_ENSEMBLE = int(OPTION_LIMITS["--ensemble", "int"].hi)  # each member is a whole network
# std divides: zero or negative would make every forecast inf or flip its sign.
SCALER = Obj({"mean": List(Float(), 1, _COLUMNS), "std": List(Float(1e-300), 1, _COLUMNS)})

FORECAST_CONFIG = Obj(
    required={
        "cell": Str(max_len=32),
        "hidden_size": Int.of(SIZES["hidden"]),
        "num_layers": Int.of(SIZES["layers"]),
        "dropout": Float(0.0, SIZES["dropout"].hi),
        "quantiles": List(Float(0.0, 1.0), 1, 99),
        "window": Int.of(SIZES["seq_len"]),
        "horizon": Int(1, 10_000),
        "predict": Str(max_len=32),
        "columns": List(Str(max_len=1000), 1, _COLUMNS),
        "input_scaler": SCALER,
        "target_scaler": SCALER,
    },
    optional={
        "season": Opt(Int(0, 100_000)),
        # networks whose forecasts are averaged (--ensemble); absent in folders written before it
        "ensemble": Opt(Int(1, MAX_ENSEMBLE)),
        # the forecast blended with a linear AR (--linear-blend); absent in folders written before it
        "linear_blend": Opt(Bool()),
        "info": Opt(MapOf(Anything())),
        "interval_offsets": Opt(List(List(Float(), 0, 99), 0, 10_000)),
        # a global model over many series (long format): series name -> its input and target scalers
        "series_scalers": Opt(MapOf(Obj({"input": SCALER, "target": SCALER}), max_items=100_000)),
        # ... and each series' target transform (returns, log-returns, differences or prices), chosen per series
        "series_transforms": Opt(MapOf(Str(max_len=32), max_items=100_000)),
        # each feature column's one-step change (log-ratio or difference), decided on the training data;
        # absent in folders written before it was kept
        "feature_changes": Opt(List(Str(max_len=32), 0, _COLUMNS)),
        # ... and a global model's per series
        "series_feature_changes": Opt(MapOf(List(Str(max_len=32), 0, _COLUMNS), max_items=100_000)),
    },
)
