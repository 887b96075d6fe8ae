"""``--lr-schedule auto``: a constant learning rate where there is something to learn, halving where not.

Two kinds of series pull the training schedule in opposite directions (docs/RESULTS.md):

- On a random walk (a stock) the point forecast should stay at its unconditional start (the naive
  forecast plus the median drift). A spurious validation gain resets the early-stopping patience, and
  at a constant rate the median then drifts into fitting noise (MSFT +1.7% over naive's MASE). Halving
  the rate after 3 epochs without improvement (``plateau``) keeps it at the start.
- On a learnable nonlinear series (noisy Mackey-Glass) the same halving slows learning to a crawl:
  after six halvings the rate is ``lr/64`` and the run ends still improving (validation MAE 8% below
  the linear AR), while a constant rate with a longer patience keeps learning for 140 to 190 epochs
  (12 to 14% below it).

So the schedule is chosen per run on the validation part, by a proxy that costs milliseconds, as
``--predict auto`` chooses the transform: the linear AR of :mod:`~rnnkit.forecast.baselines`, fitted on
the training samples (on the model's own transform), against the naive forecast, both in price units on
the validation samples (step ``H``). When the AR's MAE is at most :data:`LEARNABLE` of naive's (there is
structure a model can learn), the rate stays constant and the patience is :data:`PATIENCE_FACTOR`
times ``--patience`` (a constant rate's validation curve is noisier); otherwise the plateau schedule
with ``--patience`` as given. A global model over many series decides on the sample-weighted mean of
each series' ratio. With no validation part the safe ``plateau`` is used.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rnnkit.forecast.baselines import LinearAR, naive
from rnnkit.forecast.forecaster import Hyper
from rnnkit.forecast.prepare import Prepared
from rnnkit.forecast.windows import to_price

AUTO = "auto"
LEARNABLE = 0.95  # linear AR validation MAE / naive's at or below which a series counts as learnable
PATIENCE_FACTOR = 3  # a constant rate waits this many times --patience


def ar_over_naive(preps: list[Prepared]) -> float | None:
    """Sample-weighted mean over ``preps`` of (linear AR / naive) validation MAE at step ``H``; None if no validation."""
    ratios, weights = [], []
    for prep in preps:
        if not prep.val.any() or not prep.train.any():
            return None
        h = prep.horizon
        actual = prep.actual(prep.val)[:, -1]
        ar = LinearAR.fit(prep.x[prep.train], prep.z[prep.train])
        pred = to_price(ar.predict(prep.x[prep.val]), prep.last(prep.val), prep.predict)[:, -1]
        base = naive(prep.y, prep.ends[prep.val], h)[:, -1]
        naive_mae = float(np.mean(np.abs(base - actual)))
        if naive_mae <= 0:
            return None
        ratios.append(float(np.mean(np.abs(pred - actual))) / naive_mae)
        weights.append(int(prep.val.sum()))
    return float(np.average(ratios, weights=weights))


def resolve_schedule(hyper: Hyper, preps: list[Prepared]) -> tuple[Hyper, str]:
    """``hyper`` with ``lr_schedule="auto"`` resolved (and the patience it implies), and why, in one sentence."""
    if hyper.lr_schedule != AUTO:
        return hyper, f"--lr-schedule {hyper.lr_schedule}, patience {hyper.patience}"
    ratio = ar_over_naive(preps)
    if ratio is None:
        missing = any(not p.val.any() or not p.train.any() for p in preps)
        why = (
            "no validation part to choose on"
            if missing
            else "the validation part never changes (naive is exact there), so it cannot tell the schedules apart"
        )
        return replace(hyper, lr_schedule="plateau"), f"plateau schedule: {why}"
    shown = f"the linear AR's validation MAE is {ratio:.0%} of naive's"
    if ratio <= LEARNABLE:
        patience = PATIENCE_FACTOR * hyper.patience
        reason = (
            f"constant learning rate, patience {patience}: {shown} (<= {LEARNABLE:.0%}: something to learn)"
        )
        return replace(hyper, lr_schedule="constant", patience=patience), reason
    reason = (
        f"learning rate halved on plateaus, patience {hyper.patience}: {shown} (> {LEARNABLE:.0%}: "
        "little to learn, so the forecast stays near its unconditional start)"
    )
    return replace(hyper, lr_schedule="plateau"), reason
