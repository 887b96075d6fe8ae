"""Forecast quality of the default settings, beside naive and linear AR, on learnable and random-walk series.

The series (every one scored on its last 20%, after 70% training and 10% validation rows):

- ``seasonal``: a learnable daily series with a weekly season, generated here with a fixed seed
  (1,500 days, window 14). A slowly wandering level ``L_t = 20 + 3 sin(2 pi t / 365) + a_t`` with an
  AR(1) ``a_t = 0.9 a_{t-1} + 0.5 e_t``, times a weekly profile ``1 + 0.15 s_{dow}`` (so the season's
  amplitude follows the level: multiplicative, not linear in the window), plus noise ``0.3 u_t``.
- ``seasonal-additive``: stationary and noisy, where levels carry what returns lose: a weekly profile
  (-5 to +3) added to a mean-reverting AR(1) ``a_t = 0.6 a_{t-1} + 0.8 e_t`` around 12, plus noise
  ``0.5 u_t`` (1,500 days, window 14).
- ``mackey-glass``: the Mackey-Glass delay equation ``dx/dt = 0.2 x(t-17) / (1 + x(t-17)^10) - 0.1 x``
  (chaotic), integrated with step 0.1 from a fixed start, sampled every 3 time units, 2,000 rows,
  times 10, plus observation noise ``0.2 u_t`` (window 14, so a window spans 42 time units).
  ``mackey-glass-fine``: the same equation sampled every time unit (a window spans 14 < 17, the
  delay) with noise ``0.5 u_t``: harder, nearer the series of the issue.
- the bundled sets ``ibm``, ``aapl``, ``msft``, ``glucose``, ``unemployment`` at the default window (4).

Each run is what ``rnnkit forecast train --data X [--window 14]`` does with every other option at its
default (the same :func:`rnnkit.forecast.pipeline.train_run`), seed 0 unless ``--seeds`` says more.
Settings are never chosen on the test part: the test MAE printed here is scored once per run.

    OMP_NUM_THREADS=1 python benchmarks/eval_forecast.py [--sets seasonal,mackey-glass,ibm] [--seeds 0,1,2]
        [--json results.json]
    OMP_NUM_THREADS=1 python benchmarks/eval_forecast.py --budget    # CPU time of a 5,000-row training
    OMP_NUM_THREADS=1 python benchmarks/eval_forecast.py --panel stocks|mixed [--predict returns] [--folds 5]
        # one global model on the stocks (or the stocks with two stationary series), per series and pooled
    OMP_NUM_THREADS=1 python benchmarks/eval_forecast.py --tune --set lr=0.01   # validation scores only
    OMP_NUM_THREADS=1 python benchmarks/eval_forecast.py --sets mackey-glass-fine --set ensemble=3  # an option
    OMP_NUM_THREADS=1 python benchmarks/eval_forecast.py --tune --sets probes --seeds 0,1,2   # series of 6 Dec 2026
    OMP_NUM_THREADS=1 python benchmarks/eval_forecast.py --blend-check --sets probes --seeds 0,1,2
        # --linear-blend judged on validation: weights chosen on its first half, scored on its second
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SYNTHETIC_WINDOW = 14
# Mackey-Glass sampled every 1, 2 or 3 time units with noise 0.2, 0.5 or 1.0 (times-10 units): the grid
# of ``--sets mg-family``, fixed before any run, so that a reader can see where on it the -15% target of
# issue 13 holds, and where the issue's own series (old default 10% below the AR) lies.
MG_FAMILY = tuple(f"mg:{every}:{noise}" for every in (1, 2, 3) for noise in (0.2, 0.5, 1.0))
BUNDLED_SETS = ("ibm", "aapl", "msft", "glucose", "unemployment")
# six series written on 6 December 2026 to judge the defaults on series no setting was chosen on
# (``--sets probes``; :func:`probe_frames`)
PROBES = tuple(f"probe:{name}" for name in ("ar2", "trend-weekly", "logistic", "tar", "saw", "shift"))
SIGNED = tuple(f"signed:{name}" for name in ("walk", "trend-weekly", "anomaly", "drift"))


def seasonal_frame(n: int = 1500, seed: int = 7) -> pd.DataFrame:
    """The learnable weekly-seasonal daily series described in the module docstring."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    ar = np.zeros(n)
    for i in range(1, n):
        ar[i] = 0.9 * ar[i - 1] + 0.5 * rng.standard_normal()
    level = 20.0 + 3.0 * np.sin(2 * np.pi * t / 365.0) + ar
    profile = np.array([0.0, 0.3, 0.5, 0.4, 0.8, -1.0, -1.0])  # Mon..Sun, weekend dip
    dates = pd.date_range("2019-01-07", periods=n, freq="D")  # a Monday
    y = level * (1.0 + 0.15 * profile[dates.day_of_week]) + 0.3 * rng.standard_normal(n)
    return pd.DataFrame({"date": dates, "value": y})


def seasonal_additive_frame(n: int = 1500, seed: int = 5) -> pd.DataFrame:
    """A stationary daily series: a weekly profile added to a mean-reverting AR(1), low level, noisy."""
    rng = np.random.default_rng(seed)
    ar = np.zeros(n)
    for i in range(1, n):
        ar[i] = 0.6 * ar[i - 1] + 0.8 * rng.standard_normal()
    profile = np.array([1.0, 2.0, 2.5, 2.0, 3.0, -4.0, -5.0])
    dates = pd.date_range("2019-01-07", periods=n, freq="D")
    y = 12.0 + profile[dates.day_of_week] + ar + 0.5 * rng.standard_normal(n)
    return pd.DataFrame({"date": dates, "value": y})


def mackey_glass_frame(
    n: int = 2000, seed: int = 11, every: float = 3.0, noise: float = 0.2, dt: float = 0.1
) -> pd.DataFrame:
    """Mackey-Glass (tau 17), sampled every ``every`` time units, times 10, plus noise ``noise``."""
    rng = np.random.default_rng(seed)
    lag = int(round(17.0 / dt))  # the delay tau = 17
    stride = int(round(every / dt))
    burn = 500 * stride
    total = burn + n * stride
    x = np.empty(total + lag)
    x[: lag + 1] = 1.2 + 0.1 * rng.standard_normal(lag + 1)
    for i in range(lag, total + lag - 1):
        xd = x[i - lag]
        x[i + 1] = x[i] + dt * (0.2 * xd / (1.0 + xd**10) - 0.1 * x[i])
    samples = x[lag + burn :: stride][:n]
    y = 10.0 * samples + noise * rng.standard_normal(n)
    return pd.DataFrame({"date": pd.date_range("2000-01-01", periods=n, freq="D"), "value": y})


def probe_frames(n: int = 1500, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Six daily series (1,500 days from 2020-01-01, window 14), drawn in this order from one generator:

    - ``ar2``: ``x_t = 1.6 x_{t-1} - 0.8 x_{t-2} + e_t`` plus 50 (linear, oscillating);
    - ``trend-weekly``: ``100 + 0.05 t + 5 sin(2 pi t / 7) + e_t`` (linear: a trend and a weekly season);
    - ``logistic``: ``10 y_t + 0.3 e_t`` with ``y_t = 3.8 y_{t-1} (1 - y_{t-1})`` (chaotic, nonlinear);
    - ``tar``: ``z_t = 0.9 z_{t-1}`` below 1, ``-0.5 z_{t-1}`` above, ``+ 0.5 e_t``, plus 20 (regimes);
    - ``saw``: ``(t mod 30) / 3 + 10 + 0.5 e_t`` (a sawtooth of period 30);
    - ``shift``: 50, then 60 from day 900, ``+ 3 sin(2 pi t / 7) + e_t`` (a level shift and a weekly season).

    ``e_t`` standard normal."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    x = np.zeros(n)
    for i in range(2, n):
        x[i] = 1.6 * x[i - 1] - 0.8 * x[i - 2] + rng.normal(0, 1)
    values = {"ar2": x + 50}
    values["trend-weekly"] = 100 + 0.05 * t + 5 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 1, n)
    y = np.zeros(n)
    y[0] = 0.3
    for i in range(1, n):
        y[i] = 3.8 * y[i - 1] * (1 - y[i - 1])
    values["logistic"] = 10 * y + rng.normal(0, 0.3, n)
    z = np.zeros(n)
    for i in range(1, n):
        z[i] = (0.9 * z[i - 1] if z[i - 1] < 1 else -0.5 * z[i - 1]) + rng.normal(0, 0.5)
    values["tar"] = z + 20
    values["saw"] = (t % 30) / 3 + rng.normal(0, 0.5, n) + 10
    values["shift"] = np.where(t < 900, 50, 60) + 3 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 1, n)
    dates = pd.date_range("2020-01-01", periods=n, freq="D")
    return {k: pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Value": v}) for k, v in values.items()}


def series_for(name: str):
    """``(Series, window)`` for a generated or bundled set."""
    from rnnkit.forecast.data import load_series

    if name == "seasonal":
        frame = seasonal_frame()
    elif name == "seasonal-additive":
        frame = seasonal_additive_frame()
    elif name == "mackey-glass":
        frame = mackey_glass_frame()
    elif name == "mackey-glass-fine":
        frame = mackey_glass_frame(every=1.0, noise=0.5, seed=12)
    elif name.startswith("probe:"):
        frame = probe_frames()[name.split(":", 1)[1]]
    elif name.startswith("signed:"):
        frame = signed_frames()[name.split(":", 1)[1]]
    elif name.startswith("mg:"):  # the family: mg:EVERY:NOISE (see MG_FAMILY)
        every, noise = (float(v) for v in name.split(":")[1:])
        frame = mackey_glass_frame(every=every, noise=noise, seed=13)
    else:
        return load_series(name), 4
    with tempfile.TemporaryDirectory() as tmp:  # through a CSV, as a user's file would come in
        path = Path(tmp) / f"{name}.csv"
        frame.to_csv(path, index=False)
        series = load_series(path)
    series.name = name
    return series, SYNTHETIC_WINDOW


def ar_levels_mae(series, window: int, mask_name: str = "test") -> float:
    """Step-1 MAE of the linear AR on levels (the anchor of the seasonal target) on the test part."""
    from rnnkit.forecast.baselines import LinearAR
    from rnnkit.forecast.prepare import prepare

    prep = prepare(series, window, 1, "prices")
    mask = getattr(prep, mask_name)
    ar = LinearAR.fit(prep.x[prep.train], prep.z[prep.train])
    return float(np.mean(np.abs(ar.predict(prep.x[mask])[:, 0] - prep.actual(mask)[:, 0])))


def signed_frames(n: int = 1500, seed: int = 21) -> dict[str, pd.DataFrame]:
    """Four daily series with values <= 0 (1,500 days from 2020-01-01, window 14), each fixed before its
    first run (``drift``, added after the others' runs, is drawn last, so theirs did not move), drawn in
    this order from one generator:

    - ``walk``: a random walk with drift through zero, ``-40 + sum(0.06 + e_i)``;
    - ``trend-weekly``: ``-30 + 0.05 t + 5 sin(2 pi t / 7) + e_t`` (probe ``trend-weekly`` moved below zero);
    - ``anomaly``: ``3 sin(2 pi t / 7) + u_t``, ``u_t = 0.7 u_{t-1} + e_t`` (a season around zero);
    - ``drift``: ``-40 + sum(0.1 + e_i)``, a walk whose drift (150 over the series, against a spread
      of about 39) carries its test part above its training range: added after ``walk`` came out
      inside it, so that the case a level model cannot follow is scored too.

    Returns and log-returns are undefined on all four; before ``--predict differences`` the only
    transform left was levels."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = {"walk": -40 + np.cumsum(0.06 + rng.normal(0, 1, n))}
    values["trend-weekly"] = -30 + 0.05 * t + 5 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 1, n)
    u = np.zeros(n)
    for i in range(1, n):
        u[i] = 0.7 * u[i - 1] + rng.normal(0, 1)
    values["anomaly"] = 3 * np.sin(2 * np.pi * t / 7) + u
    values["drift"] = -40 + np.cumsum(0.1 + rng.normal(0, 1, n))
    dates = pd.date_range("2020-01-01", periods=n, freq="D")
    return {k: pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Value": v}) for k, v in values.items()}


def hyper_from(overrides: list[str]):
    """``Hyper()`` with ``key=value`` overrides (for tuning runs scored on validation)."""
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.utils.config_keys import OLD_KEYS

    hyper = Hyper()
    for item in overrides:
        key, value = item.split("=", 1)
        key = OLD_KEYS.get(key, key)  # hidden=64 as written in older docs/RESULTS.md commands
        current = getattr(hyper, key)
        if isinstance(current, bool):  # linear_blend=false
            setattr(hyper, key, value.lower() in ("1", "true", "yes"))
            continue
        setattr(
            hyper,
            key,
            value
            if isinstance(current, str)
            else (None if value == "None" else float(value) if "." in value or "e" in value else int(value)),
        )
    return hyper


def blend_fields(info: dict) -> dict:
    """The linear blend's weight on the network (``--linear-blend``; 1: the network alone), step 1."""
    blend = info.get("linear_blend")
    return {} if blend is None else {"blend weight": blend["weight_on_network"][0]}


def tune_one(name: str, seed: int, overrides: list[str], predict: str) -> dict:
    """A run scored on the VALIDATION part only (for choosing settings; the test part is not touched)."""
    from rnnkit.forecast.choose import choose_predict
    from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE, evaluate
    from rnnkit.forecast.fit import train_forecaster
    from rnnkit.forecast.prepare import prepare

    series, window = series_for(name)
    hyper = hyper_from(overrides)
    choice = choose_predict(series, window, 1, predict)
    prep = prepare(series, window, 1, choice.predict)
    c0 = time.process_time()
    model, fit = train_forecaster(prep, hyper, seed=seed, device="cpu", show_progress=False)
    cpu = time.process_time() - c0
    rows = evaluate(prep, model, mask=prep.val, season=0).rows
    return {
        "set": name,
        "seed": seed,
        "predict": choice.predict,
        "epochs_run": fit.epochs_run,
        "best_epoch": fit.best_epoch,
        "fit_seconds": round(float(fit.seconds), 2),
        "cpu_seconds_run": round(cpu, 2),
        "MAE model": rows[MODEL]["MAE"],
        "MAE AR": rows[LINEAR]["MAE"],
        "MAE naive": rows[NAIVE]["MAE"],
        "MASE model": rows[MODEL]["MASE"],
        "MASE naive": rows[NAIVE]["MASE"],
        "MAE AR levels": ar_levels_mae(series, window, "val"),
        **blend_fields(model.info),
    }


def blend_check_one(name: str, seed: int, overrides: list[str]) -> dict:
    """``--linear-blend`` judged on the VALIDATION part without choosing and scoring on the same samples:
    the network trained alone (``linear_blend=False``), the blend's weights chosen on the first half of
    the validation samples (:func:`rnnkit.forecast.blend.choose_blend`) and the network, the linear AR
    and the blend scored on the second half (step-1 MAE in the series' units). The test part is not
    touched."""
    import torch

    from rnnkit.forecast.baselines import LinearAR
    from rnnkit.forecast.blend import choose_blend
    from rnnkit.forecast.choose import choose_predict
    from rnnkit.forecast.fit import train_forecaster
    from rnnkit.forecast.prepare import prepare
    from rnnkit.forecast.windows import to_price

    series, window = series_for(name)
    choice = choose_predict(series, window, 1, "auto")
    prep = prepare(series, window, 1, choice.predict)
    fc, _ = train_forecaster(
        prep, hyper_from([*overrides, "linear_blend=false"]), seed=seed, device="cpu", show_progress=False
    )
    ar = LinearAR.fit(prep.x[prep.train], prep.z_scaled[prep.train])
    val = np.flatnonzero(prep.val)
    first, second = val[: len(val) // 2], val[len(val) // 2 :]

    def parts(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        with torch.no_grad():
            median = fc.model.eval()(torch.from_numpy(prep.x[rows]))[..., fc.point_index].numpy()
        return median.astype(np.float64), ar.predict(prep.x[rows]), prep.z_scaled[rows].astype(np.float64)

    weight = choose_blend(*parts(first)).weight
    median, linear, _ = parts(second)
    std, mean = prep.out_scaler.std, prep.out_scaler.mean

    def mae(z_scaled: np.ndarray) -> float:
        price = to_price((z_scaled * std + mean)[..., None], prep.last(second), prep.predict)[:, 0, 0]
        return float(np.mean(np.abs(price - prep.actual(second)[:, 0])))

    return {
        "set": name,
        "seed": seed,
        "predict": prep.predict,
        "weight_on_network": float(weight[0]),
        "MAE network": mae(median),
        "MAE AR": mae(linear),
        "MAE blend": mae(weight * median + (1 - weight) * linear),
    }


def run_one(name: str, seed: int, overrides: list[str] | None = None, predict: str = "auto") -> dict:
    """One training run (the defaults, or with ``key=value`` overrides); the test scores of the model
    and the baselines."""
    from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE
    from rnnkit.forecast.pipeline import train_run
    from rnnkit.forecast.settings import ForecastSettings

    series, window = series_for(name)
    with tempfile.TemporaryDirectory() as tmp:
        c0 = time.process_time()
        settings = ForecastSettings(
            hyper=hyper_from(overrides or []),
            window=window,
            seed=seed,
            device="cpu",
            show_progress=False,
            predict=predict,
        )
        res = train_run(series, settings, Path(tmp) / "run")
        cpu = time.process_time() - c0
    rows = res.evaluation.rows
    model = res.forecaster
    out = {
        "set": name,
        "seed": seed,
        "rows": len(series),
        "window": window,
        "predict": getattr(model, "transform", None) or getattr(model, "predict", None),
        "epochs_run": res.fit.epochs_run,
        "best_epoch": res.fit.best_epoch,
        "fit_seconds": round(float(res.fit.seconds), 2),
        "cpu_seconds_run": round(cpu, 2),
    }
    for label, key in (("model", MODEL), ("naive", NAIVE), ("AR", LINEAR)):
        out[f"MAE {label}"] = rows[key]["MAE"]
        out[f"MASE {label}"] = rows[key]["MASE"]
    out["MAE AR levels"] = ar_levels_mae(series, window)
    out.update(blend_fields(model.info))
    choice = getattr(res, "choice", None)
    if choice is not None:
        out["predict_reason"] = choice.reason
    return out


def budget_one(window: int, rows: int = 5000, full: bool = False) -> dict:
    """CPU seconds of the default training (choice, data preparation and fit) on a ``rows``-row series.

    ``full``: early stopping off, so the run spends the whole step budget (the worst case).
    """
    from rnnkit.forecast import Forecaster

    frame = seasonal_frame(n=rows, seed=3)
    c0, t0 = time.process_time(), time.perf_counter()
    fc = Forecaster(window=window, device="cpu", **({"patience": 100_000} if full else {})).fit(frame)
    return {
        "rows": rows,
        "window": window,
        "cpu_seconds": round(time.process_time() - c0, 2),
        "wall_seconds": round(time.perf_counter() - t0, 2),
        "epochs_run": fc.fit_.epochs_run,
        "best_epoch": fc.fit_.best_epoch,
    }


def stocks_long_frame() -> pd.DataFrame:
    """The bundled IBM, AAPL and MSFT files stacked in long format with a ``symbol`` column."""
    from rnnkit.forecast.data import BUNDLED, DATA_DIR

    parts = []
    for name in ("ibm", "aapl", "msft"):
        part = pd.read_csv(DATA_DIR / BUNDLED[name].file)
        part.insert(0, "symbol", name.upper())
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def mixed_long_frame() -> pd.DataFrame:
    """The three stocks (adjusted close) with ``seasonal-additive`` and ``mackey-glass``, long format.

    Two kinds of series in one panel: random walks with drift (best on returns) and stationary ones
    (best on levels), on scales from 0.2 to 175.
    """
    stocks = stocks_long_frame()
    parts = [stocks[["symbol", "Date", "Adj Close"]].set_axis(["symbol", "date", "value"], axis=1)]
    for name, frame in (
        ("seasonal-additive", seasonal_additive_frame()),
        ("mackey-glass", mackey_glass_frame()),
    ):
        parts.append(frame.assign(symbol=name)[["symbol", "date", "value"]])
    out = pd.concat(parts, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    return out


def panel_run(kind: str, seed: int, predict: str, folds: int) -> None:
    """``forecast train --id-column symbol`` (and with ``folds``, ``forecast backtest --id-column``) on a panel.

    ``kind``: ``stocks`` (IBM, AAPL, MSFT) or ``mixed`` (:func:`mixed_long_frame`); window 4 for the
    stocks, 14 for the mixed panel (the synthetic series' window).
    """
    from rnnkit.forecast.panel import load_panel
    from rnnkit.forecast.panel_backtest import backtest_panel
    from rnnkit.forecast.panel_run import train_panel
    from rnnkit.forecast.settings import ForecastSettings

    frame = stocks_long_frame() if kind == "stocks" else mixed_long_frame()
    window = 4 if kind == "stocks" else SYNTHETIC_WINDOW
    panel = load_panel(frame, "symbol", target="value" if kind == "mixed" else None)
    print(f"== panel {kind}, seed {seed}, --predict {predict}, window {window}", flush=True)
    settings = ForecastSettings(window=window, predict=predict, seed=seed, device="cpu", show_progress=False)
    c0 = time.process_time()
    if folds:
        res = backtest_panel(panel, settings, folds=folds)
        tables = [res.fold_table(), res.scores.table()]
        choices = res.folds[-1].choices
        verdict = res.verdict()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "run"
            res = train_panel(panel, settings, out)
        tables = [res.table()]
        choices = res.choices
        verdict = res.verdict() + f" ({res.fit.epochs_run} epochs, best {res.fit.best_epoch})"
        print(f"training schedule: {res.model.info.get('schedule')}")
    for name, c in choices.items():
        print(f"{name}: {c.reason}")
    for headers, rows in tables:
        print(" | ".join(headers))
        for row in rows:
            print(" | ".join(row))
    print(verdict)
    print(f"CPU seconds: {time.process_time() - c0:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets",
        default="seasonal,seasonal-additive,mackey-glass,mackey-glass-fine," + ",".join(BUNDLED_SETS),
    )
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument("--budget", action="store_true", help="only the 5,000-row training-cost check")
    parser.add_argument(
        "--stocks-panel",
        action="store_true",
        help="only the three stocks in one global model (--panel stocks)",
    )
    parser.add_argument(
        "--panel", choices=("stocks", "mixed"), default=None, help="one global model on a long-format panel"
    )
    parser.add_argument(
        "--folds", type=int, default=0, help="with --panel: a walk-forward backtest of K folds"
    )
    parser.add_argument(
        "--tune", action="store_true", help="score on the validation part (choosing settings)"
    )
    parser.add_argument(
        "--blend-check",
        action="store_true",
        help="judge --linear-blend on validation: weights chosen on its first half, scored on its second",
    )
    parser.add_argument("--predict", default="auto", help="the transform (default auto)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        help="Hyper key=value (e.g. ensemble=3), for --tune and for the test runs",
    )
    args = parser.parse_args()
    import torch

    from rnnkit.forecast.settings import ForecastSettings

    torch.set_num_threads(1)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"torch {torch.__version__}; train_run defaults: "
        f"predict={ForecastSettings().predict}"
    )
    if args.stocks_panel or args.panel:
        for seed in (int(s) for s in args.seeds.split(",")):
            panel_run(args.panel or "stocks", seed, args.predict, args.folds)
        return
    if args.budget:
        for window, full in ((4, False), (14, False), (14, True)):
            r = budget_one(window, full=full)
            what = "whole budget (no early stop)" if full else "default training"
            print(
                f"{what} on {r['rows']} rows, window {window}: cpu {r['cpu_seconds']} s, wall "
                f"{r['wall_seconds']} s, {r['epochs_run']} epochs (best {r['best_epoch']})",
                flush=True,
            )
        return
    results = []
    families = {"mg-family": MG_FAMILY, "probes": PROBES, "signed": SIGNED}
    names = [n for item in args.sets.split(",") for n in families.get(item, (item,))]
    for name in names:
        for seed in (int(s) for s in args.seeds.split(",")):
            if args.blend_check:
                r = blend_check_one(name, seed, args.overrides)
                results.append(r)
                net, blend = r["MAE network"], r["MAE blend"]
                print(
                    f"{r['set']:18s} seed {seed}  predict {r['predict']:11s} weight {r['weight_on_network']:.2f}  "
                    f"MAE network {net:.4g}  AR {r['MAE AR']:.4g}  blend {blend:.4g}  "
                    f"blend/network {blend / net - 1:+.1%}  network/AR {net / r['MAE AR'] - 1:+.1%}  "
                    f"blend/AR {blend / r['MAE AR'] - 1:+.1%}",
                    flush=True,
                )
                continue
            r = (
                tune_one(name, seed, args.overrides, args.predict)
                if args.tune
                else run_one(name, seed, args.overrides, args.predict)
            )
            results.append(r)
            print(
                f"{r['set']:13s} seed {seed}  predict {r['predict']:11s} epochs {r['epochs_run']:3d} "
                f"(best {r['best_epoch']:3d}) fit {r['fit_seconds']:6.1f}s cpu {r['cpu_seconds_run']:6.1f}s  "
                f"MAE model {r['MAE model']:.4g}  AR {r['MAE AR']:.4g}  AR-levels {r['MAE AR levels']:.4g}  naive {r['MAE naive']:.4g}  "
                f"MASE model {r['MASE model']:.4g}  naive {r['MASE naive']:.4g}  "
                f"blend weight {r.get('blend weight', 1.0):.2f}  "
                f"model/AR {r['MAE model'] / r['MAE AR'] - 1:+.1%}  model/AR-levels {r['MAE model'] / r['MAE AR levels'] - 1:+.1%}  model/naive {r['MASE model'] / r['MASE naive'] - 1:+.2%}",
                flush=True,
            )
            if "predict_reason" in r:
                print(f"{'':13s} {r['predict_reason']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
