"""``--predict auto``: choose what the model predicts (levels, returns, log-returns or differences) on the validation part.

A stationary series (a level that keeps returning to its mean, a season) is best predicted in levels:
returns throw away where the level stands. A random walk with drift (a stock) is best predicted in
returns: levels leave the range the model was trained on. The choice is made by a proxy that costs
milliseconds: the linear autoregression of :mod:`~rnnkit.forecast.baselines`, fitted on the training
samples of each transform and scored in price units (step ``H``) on the validation samples. Then:

1. ``returns`` is the default (the safe choice for prices: the model starts at "no change").
2. A level model cannot extrapolate, so levels are ruled out when more than :data:`OUT_OF_RANGE` of the
   validation values lie outside the training range (a trend).
3. ``prices`` (levels) replaces the change type chosen by rule 4 when the level AR's validation MAE
   is at least :data:`MARGIN` lower than that change type's, or when the level clearly reverts to its
   mean (the level AR's persistence, the sum of its one-step coefficients on the target's lags, is below
   :data:`MEAN_REVERTING`) and the change type is not :data:`MARGIN` better. Why the second case: a
   linear AR on 14 lags of returns can rebuild much of the level from them, so the two proxies may tie,
   but a recurrent model given levels learns a mean-reverting series better (on a noisy weekly series,
   validation MAE 0.775 on levels against 0.825 on log-returns; docs/RESULTS.md). Random walks (the
   stocks, persistence 0.99) and slow-moving series (glucose 0.985, unemployment 0.96) are not affected.
4. The change type: ``log-returns`` replaces ``returns`` only when it is :data:`MARGIN` better, and
   ``differences`` (``y_{t+h} - y_t``) replace the one so chosen when they are :data:`MARGIN` better
   than it, or when the training rows show that the changes do not grow with the level
   (:mod:`~rnnkit.forecast.scale`: an additive series, such as a season of fixed amplitude on a trend)
   and the differences' AR is not :data:`MARGIN` worse. Each comparison is with the type chosen so far,
   which a rival less than :data:`MARGIN` better does not displace. Why the scale test: the linear AR
   scores returns and differences of an additive series within a percent or two of each other, but a
   recurrent model given returns meets a swing that shrinks as the level rises (validation MAE 0.849 on
   differences against 0.868 on log-returns on a trend with a weekly season; docs/RESULTS.md).
5. A target with values <= 0 has no returns: its change type is ``differences``, and rules 2 and 3
   decide between them and levels as above. A random walk that crosses zero is then forecast as one
   (before differences, it could only be predicted in levels, which it wanders out of).

Test data are never looked at. With no validation part the choice falls back to ``returns``
(``differences`` for a target with values <= 0). The reason is one sentence, printed and saved with the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnkit.forecast.baselines import LinearAR
from rnnkit.forecast.data import Series
from rnnkit.forecast.prepare import prepare
from rnnkit.forecast.scale import ScaleSlope, changes_scale
from rnnkit.forecast.windows import PREDICT_CHOICES, Split, to_price
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.wording import two_decimals

AUTO = "auto"
MARGIN = 0.02  # relative validation-MAE gain a transform needs to replace the default
OUT_OF_RANGE = 0.10  # share of validation values outside the training range that rules out levels
MEAN_REVERTING = 0.9  # level-AR persistence below which a series counts as mean-reverting


@dataclass
class Choice:
    """The transform chosen, why, and the validation MAE of the linear AR on each candidate."""

    predict: str
    reason: str
    val_mae: dict[str, float]

    def to_dict(self) -> dict:
        return {"predict": self.predict, "reason": self.reason, "val_mae_linear_ar": self.val_mae}


def _val_mae(series: Series, window: int, horizon: int, kind: str, split: Split) -> tuple[float, float]:
    """``(validation MAE at step H, persistence)`` of the linear AR on ``kind``.

    Persistence (meaningful for ``prices``): ``sum_i dz_1 / dy_{t-i}``, the one-step coefficients on the
    target's own lags in price units; about 1 for a random walk, below 1 for a mean-reverting level.
    """
    prep = prepare(series, window, horizon, kind, split=split, need_test=False)
    ar = LinearAR.fit(prep.x[prep.train], prep.z[prep.train])
    pred = to_price(ar.predict(prep.x[prep.val]), prep.last(prep.val), kind)  # (n, H)
    mae = float(np.mean(np.abs(pred[:, -1] - prep.actual(prep.val)[:, -1])))
    channels = prep.x.shape[-1]
    persistence = float(ar.coef[0 : window * channels : channels, 0].sum() / prep.in_scaler.std[0])
    return mae, persistence


KINDS = ("returns", "log-returns", "differences", "prices")
KINDS_ANY_SIGN = ("differences", "prices")  # a target with values <= 0: no returns of either kind


def _returns_reason(maes: dict[str, float]) -> str:
    """Why ``log-returns`` or ``returns``: the comparison between the two that chose it (rule 4)."""
    r, lr = maes["returns"], maes["log-returns"]
    if lr < (1 - MARGIN) * r:
        return f"log-returns are {1 - lr / r:.0%} better than returns"
    if lr < r:
        return f"log-returns are better than returns, but not by {MARGIN:.0%}"
    return "log-returns are not better than returns"


def _change_type(maes: dict[str, float], scale: ScaleSlope | None = None) -> tuple[str, str]:
    """``(change type, why)``: rules 4 and 5 of the module docstring (``scale``: the training rows' scale test)."""
    if "returns" not in maes:
        return "differences", "the target has values <= 0, so returns are undefined"
    ret = "log-returns" if maes["log-returns"] < (1 - MARGIN) * maes["returns"] else "returns"
    why = _returns_reason(maes)
    d = maes.get("differences")  # a candidate only where it was scored
    if d is not None and d < (1 - MARGIN) * maes[ret]:
        return "differences", f"{why}; differences are {1 - d / maes[ret]:.0%} better than {ret}"
    if d is not None and scale is not None and scale.additive and d <= (1 + MARGIN) * maes[ret]:
        near = f"within {MARGIN:.0%} of {ret}" if d > maes[ret] else f"as good as {ret}"
        return "differences", f"{scale.words()}, and differences are {near}"
    return ret, why


def _decide(
    maes: dict[str, float], outside: float, persistence: float, unit: str, scale: ScaleSlope | None = None
) -> Choice:
    """The rule of the module docstring on validation MAEs (``unit`` says how they are measured).

    The reason states the comparisons that made the choice: between levels and the best change
    type, and between the change types.
    """
    shown = ", ".join(f"{k} {maes[k]:.4g}" for k in KINDS if k in maes)
    ret, why_ret = _change_type(maes, scale)
    head = f"linear AR validation {unit} {shown}"
    if outside > OUT_OF_RANGE:
        reason = (
            f"predict {ret}: {outside:.0%} of validation values lie outside the training range, "
            f"so a level model would extrapolate; {why_ret} ({head})"
        )
        return Choice(ret, reason, maes)
    if maes["prices"] < (1 - MARGIN) * maes[ret]:
        gain = 1 - maes["prices"] / maes[ret]
        return Choice("prices", f"predict prices: levels are {gain:.0%} better than {ret} ({head})", maes)
    if persistence < MEAN_REVERTING and maes[ret] >= (1 - MARGIN) * maes["prices"]:
        reason = (
            f"predict prices: the level reverts to its mean (level AR persistence {two_decimals(persistence)} < "
            f"{MEAN_REVERTING}) and {ret} are not {MARGIN:.0%} better ({head})"
        )
        return Choice("prices", reason, maes)
    if persistence < MEAN_REVERTING:  # mean-reverting, but the change type is clearly better
        gain = 1 - maes[ret] / maes["prices"]
        levels = f"the level reverts to its mean ({two_decimals(persistence)}), but {ret} are {gain:.0%} better than levels"
    else:
        levels = f"levels are not {MARGIN:.0%} better than {ret} and the level persists ({two_decimals(persistence)})"
    return Choice(ret, f"predict {ret}: {why_ret}; {levels} ({head})", maes)


def _fixed(predict: str) -> Choice | None:
    if predict == AUTO:
        return None
    if predict not in PREDICT_CHOICES:
        raise RnnkitError(
            f"unknown --predict {predict!r}; choose one of: {', '.join((AUTO, *PREDICT_CHOICES))}"
        )
    return Choice(predict, f"--predict {predict}", {})


def _outside(y: np.ndarray, split: Split) -> float:
    train, valid = y[: split.train_end], y[split.train_end : split.val_end]
    return float(np.mean((valid < train.min()) | (valid > train.max())))


def choose_predict(
    series: Series,
    window: int,
    horizon: int,
    predict: str = AUTO,
    val: float = 0.1,
    test: float = 0.2,
    split: Split | None = None,
) -> Choice:
    """Resolve ``predict`` (``auto`` or one of :data:`PREDICT_CHOICES`) for ``series``; see the module docstring."""
    fixed = _fixed(predict)
    if fixed is not None:
        return fixed
    split = split or Split.by_fraction(len(series), val, test)
    positive = bool((series.target > 0).all())
    if split.val_end <= split.train_end:
        kind = "returns" if positive else "differences"
        return Choice(kind, f"predict {kind}: no validation part to choose on (--val 0)", {})
    kinds = KINDS if positive else KINDS_ANY_SIGN
    fits = {k: _val_mae(series, window, horizon, k, split) for k in kinds}
    maes = {k: fits[k][0] for k in kinds}
    scale = changes_scale(series.target[: split.train_end]) if positive else None
    chosen = _decide(maes, _outside(series.target, split), fits["prices"][1], "MAE", scale)
    seen = series.target[: split.val_end]
    if np.ptp(seen) == 0:  # the MAEs are 0 and rounding noise: comparing them says nothing
        reason = (
            f"predict {chosen.predict}: the target is constant on the training and validation rows "
            f"({seen[0]:g}), so every transform forecasts it exactly"
        )
        return Choice(chosen.predict, reason, maes)
    return chosen
