"""``--aux-steps K``: train on ``K`` more steps ahead than the forecast needs, then keep the first ``H``.

During training the head predicts steps ``1 .. H+K`` and the pinball loss covers all of them::

    L = mean over samples, steps 1..H+K and quantiles of the pinball loss   (model.pinball_loss)

so the recurrent state must carry what the next ``H+K`` values depend on, not only the next ``H``:
an auxiliary task that regularises a short noisy series (noisy Mackey-Glass: validation MAE 1 point
further below the linear AR; docs/RESULTS.md). Early stopping and calibration look at steps ``1..H``
only, and after training the head is cut back to them (:meth:`ForecastNet.keep_steps`), so the saved
model is an ordinary ``H``-step forecaster: nothing of the auxiliary steps reaches the model folder.

The extended targets keep the split and the input scaler of the ``H``-step preparation; their target
scaler agrees with it on steps ``1..H`` (the cut head's outputs are in the forecaster's units) and is
fitted on the training targets for the extra steps. A series too short for ``H+K`` steps trains
without them, and says so in the model's ``info``.
"""

from __future__ import annotations

import numpy as np

from rnnkit.forecast.prepare import Prepared, pooled_prepared, prepare
from rnnkit.forecast.windows import Scaler
from rnnkit.utils.errors import RnnkitError


def extend(prep: Prepared, steps: int) -> Prepared | None:
    """``prep`` with targets ``1 .. H+steps`` ahead on the same split; None when the series is too short."""
    if steps <= 0:
        return prep
    horizon = prep.horizon + steps
    try:
        longer = prepare(prep.series, prep.window, horizon, prep.predict, split=prep.split, need_test=False)
    except RnnkitError:
        return None
    if not longer.train.any() or (prep.val.any() and not longer.val.any()):
        return None
    h = prep.horizon
    out = Scaler(  # steps 1..H as the forecaster scales them, the extra steps fitted on training targets
        mean=np.concatenate([prep.out_scaler.mean, longer.out_scaler.mean[h:]]),
        std=np.concatenate([prep.out_scaler.std, longer.out_scaler.std[h:]]),
    )
    return prepare(
        prep.series,
        prep.window,
        horizon,
        prep.predict,
        split=prep.split,
        scalers=(prep.in_scaler, out),
        need_test=False,
    )


def training_samples(prep: Prepared, series_preps: list[Prepared], steps: int) -> tuple[Prepared, str | None]:
    """What the network trains on: ``prep`` itself, or its series extended by ``steps`` (pooled for a
    global model); and a note when a series was too short for the extra steps (None otherwise)."""
    if steps <= 0:
        return prep, None
    longer = [extend(p, steps) for p in series_preps]
    if any(p is None for p in longer):
        return prep, f"--aux-steps {steps} not used: a series is too short for {prep.horizon + steps} steps"
    return pooled_prepared(longer), None  # type: ignore[arg-type]
