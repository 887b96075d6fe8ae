"""How far below the linear AR can any forecaster get on ``mackey-glass-fine`` from a 14-value window?

The issue's target is a validation-free question of the data: if no forecaster of 14 noisy values can
be 15% better than the linear AR, the model cannot be either. This script estimates the attainable MAE
on the VALIDATION rows of ``mackey-glass-fine`` (rows 70-80% of the series that
``benchmarks/eval_forecast.py`` scores; its test rows are never read here):

- ``noise floor``: forecasting the noise-free value exactly still errs by the observation noise,
  ``E|0.5 u| = 0.5 sqrt(2/pi) = 0.399``;
- ``linear AR``: least squares on the 14 levels (the anchor of the target), fitted on the series' own
  training rows, as in eval_forecast.py;
- ``k-NN`` (mean of the ``k`` nearest windows' next values, Euclidean on the 14 levels) and a small MLP
  (14 -> 128 -> 128 -> 1, L1 loss, so it estimates the median as the model's point forecast does),
  each fitted once on the series' own training rows and once on a long series of the same process
  (``--rows`` rows from another start and other noise): with ample data their MAE approaches what the
  window itself allows;
- with ``--lstm``: rnnkit's default forecaster (LSTM, levels, the default budget and early stopping)
  trained the same two ways, scored on the same rows.

    OMP_NUM_THREADS=1 python benchmarks/mackey_glass_ceiling.py [--rows 60000] [--seed 0] [--lstm]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from eval_forecast import SYNTHETIC_WINDOW, mackey_glass_frame

NOISE = 0.5


def windows(y: np.ndarray, start: int, stop: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """``(X, t)``: windows of ``w`` values whose next value lies in rows ``[start, stop)``."""
    ends = np.arange(max(start, w) - 1, stop - 1)  # the last row of each window
    x = y[ends[:, None] + np.arange(1 - w, 1)[None, :]]  # (N, w)
    return x, y[ends + 1]


def linear_ar(x: np.ndarray, t: np.ndarray):
    a = np.c_[x, np.ones(len(x))]
    coef = np.linalg.lstsq(a, t, rcond=None)[0]
    return lambda q: np.c_[q, np.ones(len(q))] @ coef


def knn(x: np.ndarray, t: np.ndarray, k: int):
    sq = (x**2).sum(1)  # (N,)

    def predict(q: np.ndarray) -> np.ndarray:
        out = np.empty(len(q))
        for i in range(0, len(q), 64):
            b = q[i : i + 64]
            d = sq[None, :] - 2.0 * b @ x.T  # (b, N): squared distance less |q|^2, same order
            idx = np.argpartition(d, k, axis=1)[:, :k]
            out[i : i + 64] = t[idx].mean(axis=1)
        return out

    return predict


def mlp(x: np.ndarray, t: np.ndarray, steps: int, seed: int):
    """A 2-hidden-layer MLP on standardised windows, L1 loss (the median), Adam with a cosine rate."""
    torch.manual_seed(seed)
    mu, sd = x.mean(), x.std()
    xs = torch.tensor((x - mu) / sd, dtype=torch.float32)
    ts = torch.tensor((t - mu) / sd, dtype=torch.float32)
    net = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], 128), torch.nn.Tanh(), torch.nn.Linear(128, 128), torch.nn.Tanh(),
        torch.nn.Linear(128, 1),
    )  # fmt: skip
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        idx = torch.randint(0, len(xs), (256,), generator=gen)
        loss = (net(xs[idx])[:, 0] - ts[idx]).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()

    def predict(q: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return net(torch.tensor((q - mu) / sd, dtype=torch.float32))[:, 0].numpy() * sd + mu

    return predict


def rnnkit_lstm(frame, seed: int):
    """rnnkit's default forecaster on levels, trained on ``frame`` (its last 10% stops training)."""
    from rnnkit.forecast.data import load_series
    from rnnkit.forecast.fit import train_forecaster
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.forecast.prepare import prepare
    from rnnkit.forecast.windows import Split

    series = load_series(frame)
    n = len(series)
    split = Split(train_end=n - round(0.1 * n), val_end=n, n_rows=n)
    prep = prepare(series, SYNTHETIC_WINDOW, 1, "prices", split=split, need_test=False)
    model, fit = train_forecaster(prep, Hyper(), seed=seed, device="cpu", show_progress=False)
    print(f"  (rnnkit LSTM on {n} rows: {fit.epochs_run} epochs, best {fit.best_epoch})", flush=True)

    def predict(q: np.ndarray) -> np.ndarray:
        x = model.in_scaler.transform(q[:, :, None]).astype(np.float32)  # (n, W, 1) scaled levels
        return model.predict_prices(x, q[:, -1])[:, 0, model.point_index]

    return predict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60000, help="rows of the long series of the process")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=20000, help="MLP optimisation steps")
    parser.add_argument("--lstm", action="store_true", help="also rnnkit's default LSTM, both ways")
    parser.add_argument("--only-lstm", action="store_true", help="the LSTM rows alone")
    args = parser.parse_args()
    torch.set_num_threads(1)
    w = SYNTHETIC_WINDOW
    y = mackey_glass_frame(every=1.0, noise=NOISE, seed=12)["value"].to_numpy()  # eval_forecast's series
    n = len(y)
    n_test, n_val = round(0.2 * n), round(0.1 * n)
    train_end, val_end = n - n_test - n_val, n - n_test
    x_tr, t_tr = windows(y, 0, train_end, w)
    x_va, t_va = windows(y[:val_end], train_end, val_end, w)  # never reads a test row
    big = mackey_glass_frame(n=args.rows, every=1.0, noise=NOISE, seed=100 + args.seed)["value"].to_numpy()
    x_big, t_big = windows(big, 0, len(big), w)
    ar = linear_ar(x_tr, t_tr)
    base = float(np.mean(np.abs(ar(x_va) - t_va)))
    rows = [("noise floor (the noise-free value, exactly)", NOISE * np.sqrt(2 / np.pi), 0.0)]
    rows.append(("linear AR, own training rows", base, 0.0))
    candidates = [
        ("linear AR, long series", lambda: linear_ar(x_big, t_big)),
        ("20-NN, own training rows", lambda: knn(x_tr, t_tr, 20)),
        ("MLP, own training rows", lambda: mlp(x_tr, t_tr, args.steps, args.seed)),
    ]
    candidates += [(f"{k}-NN, long series", lambda k=k: knn(x_big, t_big, k)) for k in (20, 50, 100)]
    candidates.append(("MLP, long series", lambda: mlp(x_big, t_big, args.steps, args.seed)))
    if args.only_lstm:
        candidates = []
    if args.lstm or args.only_lstm:
        own = mackey_glass_frame(every=1.0, noise=NOISE, seed=12).iloc[:train_end]
        long = mackey_glass_frame(n=args.rows, every=1.0, noise=NOISE, seed=100 + args.seed)
        candidates.append(("rnnkit LSTM (defaults), own training rows", lambda: rnnkit_lstm(own, args.seed)))
        candidates.append(("rnnkit LSTM (defaults), long series", lambda: rnnkit_lstm(long, args.seed)))
    for name, build in candidates:
        c0 = time.process_time()
        predict = build()
        mae = float(np.mean(np.abs(predict(x_va) - t_va)))
        rows.append((name, mae, time.process_time() - c0))
    print(
        f"mackey-glass-fine validation rows {train_end}..{val_end - 1} ({len(t_va)} forecasts), window {w}; "
        f"long series {args.rows} rows (seed {100 + args.seed}); MLP {args.steps} steps"
    )
    print("| forecaster | validation MAE | vs linear AR | CPU s |\n|---|---|---|---|")
    for name, mae, cpu in rows:
        print(f"| {name} | {mae:.4f} | {100 * (mae / base - 1):+.1f}% | {cpu:.1f} |")


if __name__ == "__main__":
    main()
