"""The model card (README.md) of a folder ``forecast train`` writes: the model, its data, its test
scores beside the naive, seasonal naive and linear AR forecasts, and the command that made it."""

from __future__ import annotations

from collections.abc import Mapping

from rnnkit.forecast.blend import trained_on
from rnnkit.forecast.evaluate import Evaluation, coverage_line
from rnnkit.forecast.forecaster import TrainedModel
from rnnkit.train.modelcard import ModelCard, ScoreTable


def _summary(model: TrainedModel) -> str:
    h = model.hyper
    step = f"{model.horizon} steps" if model.horizon > 1 else "one step"
    quantiles = ", ".join(f"{q:g}" for q in h.quantiles)
    size = f"{h.num_layers} layer(s), hidden size {h.hidden_size}, dropout {h.dropout:g}"
    if h.ensemble > 1:  # --ensemble: the members' quantile forecasts are averaged
        what = f"An ensemble of {h.ensemble} {h.cell.upper()} forecasters ({size} each, forecasts averaged)"
    else:
        what = f"{_article(h.cell)} {h.cell.upper()} forecaster ({size})"
    blend = model.info.get("linear_blend") or {}
    return (
        f"{what} that reads {model.window} steps of {', '.join(model.columns)} and forecasts {step} ahead "
        f"as the {quantiles} quantiles; the network predicts {model.transform}"
        + (" (chosen on the validation part)" if _transform_chosen(model.info) else "")
        + ", turned back into the series' own units."
        + (f" Point forecast: {blend['reason']}." if blend.get("blended") else "")
    )


def _transform_chosen(info: Mapping) -> bool:
    """Whether ``--predict auto`` chose the transform on validation (its choice holds the linear AR's
    validation MAEs), not ``--predict prices`` given: one series' choice, or a global model's per series."""
    choice = info.get("predict_choice")
    if not isinstance(choice, Mapping):
        return False
    choices = [choice] if "predict" in choice else list(choice.values())
    return any(isinstance(c, Mapping) and c.get("val_mae_linear_ar") for c in choices)


def _validation_does(model: TrainedModel) -> str:
    """What the validation part was used for: it stops training, and it chose the linear blend
    (``--linear-blend``) and calibrated the interval (``--calibrate``) where those were done."""
    uses = ["stops training"]
    if (model.info.get("linear_blend") or {}).get("blended"):
        uses.append("chooses the point forecast's blend with the linear AR")
    if model.interval_offsets is not None:
        uses.append("calibrates the interval")
    return ", ".join(uses[:-1]) + " and " + uses[-1] if len(uses) > 1 else uses[0]


def _article(cell: str) -> str:
    return "An" if cell.lower() in ("lstm", "rnn", "mgu") else "A"  # read as letters: "an L-S-T-M"


def _share(value: object) -> str:
    """A split size as given: a fraction of the rows as a percentage, a count as rows."""
    if isinstance(value, float) and 0 < value < 1:
        return f"{100 * value:g}% of the rows"
    return f"{value} rows"


def _day(text: object) -> str:
    return str(text).removesuffix(" 00:00:00")


def single_card(model: TrainedModel, ev: Evaluation, title: str) -> ModelCard:
    """The card of a model trained on one series and scored on its test period."""
    info = model.info
    step = f"{ev.horizon}-step" if ev.horizon > 1 else "one-step"
    data = (
        f"{trained_on(info)}: {info.get('rows')} rows from {_day(info.get('first_date'))} to "
        f"{_day(info.get('last_date'))}, split in time order: the first {info.get('train_rows')} rows train, "
        f"then a validation part ({_share(info.get('val'))}) that {_validation_does(model)}, "
        f"then the test part ({_share(info.get('test'))}), never seen in training; seed {info.get('seed')}."
    )
    scores = [
        ScoreTable(f"test period: {len(ev.actual)} {step} forecasts, in the series' units", *ev.table())
    ]
    verdict = ev.verdict()
    if line := coverage_line(ev):  # train prints it: a card of quantile forecasts says how they held
        verdict += f" Its {line.removeprefix('model ')}."
    return ModelCard(f"rnnkit forecast model: {title}", _summary(model), data, scores, verdict)


def panel_card(model: TrainedModel, headers: list[str], rows: list[list[str]], verdict: str) -> ModelCard:
    """The card of one global model trained on many series (``forecast train --id-column``)."""
    info = model.info
    data = (
        f"{trained_on(info)}, long format, one series per {info.get('id_column')!s}; each series split in "
        f"time order into training, validation ({_share(info.get('val'))}) and test ({_share(info.get('test'))}) "
        "parts; "
        f"seed {info.get('seed')}."
    )
    scores = [ScoreTable("test period of each series, and pooled (MASE)", headers, rows)]
    return ModelCard(
        "rnnkit forecast model: one global model over many series", _summary(model), data, scores, verdict
    )


def fitted_card(model: TrainedModel) -> ModelCard:
    """The card of a model fitted from Python (:meth:`rnnkit.forecast.Forecaster.fit`), which scores
    nothing: :meth:`~rnnkit.forecast.Forecaster.backtest` or ``forecast eval`` give the scores."""
    api = dict(model.info.get("api") or {})  # the Forecaster's settings, saved with it
    data = (
        f"The data given to fit() (target {api.get('target') or 'chosen from the columns'}): every row but the "
        f"last {_share(api.get('val'))}, which chose the target transform, stopped training and calibrated "
        f"the interval; seed {api.get('seed')}."
    )
    verdict = (
        "Not scored on held-out data: run Forecaster.backtest(df) or rnnkit forecast eval --model FOLDER."
    )
    return ModelCard("rnnkit forecast model (fitted from Python)", _summary(model), data, [], verdict)
