"""``--linear-blend`` (the default): shrink the network's point forecast toward the linear AR's, by a
weight chosen on the validation part.

For step ``h``, with the network's median ``m_h`` and the least-squares AR's forecast ``a_h`` (the
baseline of :class:`~rnnkit.forecast.baselines.LinearAR`, fitted on the training samples of the
network's own scaled inputs and targets)::

    point_h = w_h m_h + (1 - w_h) a_h,    w_h in {0, 0.05, .., 1} with the lowest validation MAE

(:class:`~rnnkit.forecast.model.LinearBlend` applies it; the interval moves with the median and is
calibrated afterwards). This is forecast combination (Bates and Granger, 1969), and LSTNet's
autoregressive component (Lai et al., 2018) kept outside the network so that it cannot slow the
network's learning of what is not linear.

Why: a linear process with a season and a trend or a level shift is forecast best by the least-squares
AR, and a recurrent network, fitted with far more parameters on a thousand windows, approximates it with
more variance: on two such series the network alone was 6% to 10% above the AR (docs/RESULTS.md, "six
series of my own"). On a nonlinear series the network is far ahead and ``w = 1``: the blend leaves it
alone. The weights must gain :data:`MIN_GAIN` validation MAE over the network alone, else the network is
kept as it is: on a random walk (a stock) the two are equal up to noise, and a weight chosen between
them would fit the validation part's noise. The validation part then also calibrates the interval, so
its scores are slightly optimistic for the blend; the test part never sees any of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from rnnkit.forecast.baselines import LinearAR
from rnnkit.forecast.model import EnsembleNet, ForecastNet, LinearBlend
from rnnkit.forecast.prepare import Prepared

GRID = np.round(np.linspace(0.0, 1.0, 21), 2)  # weights on the network, 0.05 apart
MIN_GAIN = 0.01  # relative validation-MAE gain over the network alone that a blend must bring
MIN_VALIDATION = 30  # validation samples needed to choose weights at all


@dataclass
class BlendChoice:
    """The weights chosen (``(H,)``, on the network; all 1 when not blended), the validation MAE of the
    network alone, the AR alone and the blend (scaled target units, mean over the steps), and why."""

    weight: np.ndarray
    val_mae: dict[str, float]
    reason: str

    @property
    def blended(self) -> bool:
        return bool((self.weight < 1.0).any())

    def to_dict(self) -> dict:
        return {
            "blended": self.blended,
            "weight_on_network": [float(w) for w in self.weight],
            "val_mae_scaled": self.val_mae,
            "reason": self.reason,
        }


def blend_line(info: dict, blended_only: bool = False, scored: bool = False) -> str | None:
    """``linear blend: <reason>``, what ``forecast train`` prints of a model's ``info["linear_blend"]``
    (the demo's report says the same); None for a model trained with ``--no-linear-blend``, and with
    ``blended_only`` for the network alone too. ``scored``: said beside scores of a saved model
    (``forecast eval``, the web page), on data that may not be its own, so the line says where the blend
    was chosen: its reason ("the network alone's MAE was 1218.6% above the AR's") beside a table where the
    model was far from the uploaded series' AR read as a statement about that series. Only a blend chosen
    on validation (its validation MAEs saved) is said to be; one never chosen (``--val 0``, too few
    validation samples) names the training data alone: ``linear blend (trained on walk.csv): ...``."""
    blend = info.get("linear_blend")
    if not blend or (blended_only and not blend.get("blended")):
        return None
    if scored and blend.get("val_mae_scaled"):
        return f"linear blend, chosen in training on the validation part of {trained_on(info)}: {blend['reason']}"
    if scored:
        return f"linear blend (trained on {trained_on(info)}): {blend['reason']}"
    return f"linear blend: {blend['reason']}"


def trained_on(info: dict) -> str:
    """The model's training data by name, from its ``info``: a bundled name as it is, a file by its name
    only (no absolute path), else ``the data given``."""
    source = str(info.get("source") or info.get("data") or "the data given")
    return Path(source).name if ("/" in source or "\\" in source) else source


def scored_step_weight(blend: dict | None) -> float:
    """The weight on the network at the step a scorecard scores (the last, ``H``) of a model's saved
    blend (``info["linear_blend"]``); 1 (the network alone) for a model with none."""
    return float(blend["weight_on_network"][-1]) if blend else 1.0


def step_weights(median: np.ndarray, ar: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``(H,)``: for each step, the weight on ``median`` in :data:`GRID` with the lowest MAE against ``z``.

    ``median``, ``ar``, ``z``: ``(n, H)``. Ties go to the larger weight (the network).
    """
    # one weight at a time: a (G, n, H) array of every blend would hold 21 copies of a long panel's samples
    mae = np.stack([np.abs(w * median + (1.0 - w) * ar - z).mean(axis=0) for w in GRID])  # (G, H)
    last_best = len(GRID) - 1 - np.argmin(mae[::-1], axis=0)  # the largest weight among equal minima
    return GRID[last_best]


def no_validation(horizon: int) -> BlendChoice:
    """The network alone, for want of a validation part to choose a blend on (``--val 0``)."""
    return BlendChoice(
        np.ones(horizon), {}, "the network alone: no validation part to choose a blend with the linear AR on"
    )


def choose_blend(median: np.ndarray, ar: np.ndarray, z: np.ndarray) -> BlendChoice:
    """The weights of :func:`step_weights`, kept only when they gain :data:`MIN_GAIN` over the network."""
    horizon = z.shape[1]
    if len(z) < MIN_VALIDATION:
        return BlendChoice(
            np.ones(horizon),
            {},
            f"the network alone: {len(z)} validation samples are too few to choose a blend with the "
            f"linear AR (at least {MIN_VALIDATION})",
        )
    weight = step_weights(median, ar, z)

    def mae(w: np.ndarray) -> float:
        return float(np.abs(w * median + (1.0 - w) * ar - z).mean())

    scores = {"network": mae(np.ones(horizon)), "linear_ar": mae(np.zeros(horizon)), "blend": mae(weight)}
    gain = 1.0 - scores["blend"] / scores["network"] if scores["network"] > 0 else 0.0
    if gain < MIN_GAIN:
        return BlendChoice(
            np.ones(horizon),
            scores,
            f"the network alone: blending it with the linear AR gained {100 * gain:.1f}% on validation "
            f"(a blend must gain {100 * MIN_GAIN:.0f}%)",
        )
    above = 100 * (scores["network"] / scores["linear_ar"] - 1) if scores["linear_ar"] > 0 else 0.0
    if not weight.any():
        return BlendChoice(
            weight,
            scores,
            f"the linear AR's forecast: on validation the network alone's MAE was {above:.1f}% above the "
            "AR's and no blend of the two beat the AR (the network found nothing that a linear function of "
            "the window's values does not)",
        )
    if np.all(weight == weight[0]):
        shown = f"{weight[0]:.2f} x the network + {1 - weight[0]:.2f} x the linear AR"
    else:  # one weight per step: 0.40/0.45 x the network + 0.60/0.55 x the linear AR (steps 1/2)
        on_net, on_ar = ("/".join(f"{v:.2f}" for v in vs) for vs in (weight, 1.0 - weight))
        steps = "/".join(str(h) for h in range(1, horizon + 1))
        shown = f"{on_net} x the network + {on_ar} x the linear AR (steps {steps})"
    return BlendChoice(
        weight,
        scores,
        f"{shown}, chosen on validation (MAE {100 * gain:.1f}% below the network alone)",
    )


def blend_with_ar(model: ForecastNet | EnsembleNet, prep: Prepared) -> tuple[torch.nn.Module, BlendChoice]:
    """``model`` wrapped in a :class:`LinearBlend` with weights chosen on ``prep``'s validation samples,
    or ``model`` itself when the network alone is kept (see :func:`choose_blend`)."""
    ar = LinearAR.fit(prep.x[prep.train], prep.z_scaled[prep.train])
    x_val = prep.x[prep.val]
    model.eval()
    with torch.no_grad():
        device = next(model.parameters()).device
        median = model(torch.from_numpy(x_val).to(device))[..., model.point_index()].float().cpu().numpy()
    choice = choose_blend(
        median.astype(np.float64), ar.predict(x_val), prep.z_scaled[prep.val].astype(np.float64)
    )
    if not choice.blended:
        return model, choice
    blend = LinearBlend(model, features=int(np.prod(prep.x.shape[1:])), horizon=prep.horizon)
    blend.coef.copy_(torch.as_tensor(ar.coef, dtype=torch.float32))
    blend.weight.copy_(torch.as_tensor(choice.weight, dtype=torch.float32))
    return blend.to(device).eval(), choice
