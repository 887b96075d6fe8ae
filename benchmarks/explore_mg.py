"""Exploration (validation only): ensembles, an AR-residual hybrid, input noise, on the eval sets.

Each run trains the default forecaster (or a variant) on one set and seed and stores its VALIDATION
point forecasts under ``--cache``; ensembles are averages of stored members. The test part is never
scored here.

    OMP_NUM_THREADS=1 python benchmarks/explore_mg.py --sets mackey-glass-fine --seeds 0,1,2 \
        --variants base,hybrid,noise0.1 --members 3
    python benchmarks/explore_mg.py --aggregate     # mean single MAE and ensembles of 2, 3, 5 per variant

Variants: ``base`` (the library's training as it stood before the third pass: ``--aux-steps`` did not
exist, so run it with ``--set aux_steps=0`` on a newer tree), ``noiseS`` (input jitter of std ``S``
through a patched batch iterator), ``hybrid`` (the network learns the residual of the linear AR; the
forecast is AR + network), ``refit`` (a nested check of refitting on train+validation), ``auxK`` (a
first probe of training on ``K`` steps with early stopping on all of them; the library's
``--aux-steps`` stops on the forecast's own steps).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from eval_forecast import series_for


def _noisy_batches(sigma: float):
    from rnnkit.forecast import fit as fitmod

    class Noisy(fitmod.ShuffledBatches):
        def __iter__(self):
            gen = torch.Generator().manual_seed(self.seed * 7919 + self.passes)
            for xb, zb in super().__iter__():
                yield xb + sigma * torch.randn(xb.shape, generator=gen), zb

    return Noisy


def run(name: str, seed: int, variant: str, overrides: list[str]) -> dict:
    from eval_forecast import hyper_from
    from rnnkit.forecast import fit as fitmod
    from rnnkit.forecast.baselines import LinearAR, naive
    from rnnkit.forecast.choose import choose_predict
    from rnnkit.forecast.prepare import prepare
    from rnnkit.forecast.windows import Scaler, to_price

    series, window = series_for(name)
    hyper = hyper_from(overrides)
    choice = choose_predict(series, window, 1, "auto")
    prep = prepare(series, window, 1, choice.predict)
    val = prep.val
    orig = fitmod.ShuffledBatches
    train_prep, base = prep, None
    if variant.startswith("noise"):
        fitmod.ShuffledBatches = _noisy_batches(float(variant[5:]))
    if variant.startswith("aux"):  # train on steps 1..k jointly, score step 1 only
        k = int(variant[3:])
        train_prep = prepare(series, window, k, choice.predict)
    if variant.startswith("hybrid"):
        ar = LinearAR.fit(prep.x[prep.train], prep.z[prep.train])
        base = ar.predict(prep.x)  # (N, H)
        r = prep.z - base
        sc = Scaler.fit(r[prep.train])
        train_prep = replace(prep, z=r, z_scaled=sc.transform(r).astype(np.float32), out_scaler=sc)
    if variant.startswith("refit"):
        return refit_run(name, series, window, choice.predict, seed, hyper, prep)
    c0 = time.process_time()
    try:
        model, fit = fitmod.train_forecaster(
            train_prep, hyper, seed=seed, device="cpu", show_progress=False, schedule_preps=[prep]
        )
    finally:
        fitmod.ShuffledBatches = orig
    cpu = time.process_time() - c0
    q = model.predict_z(prep.x[val])[:, :1]  # (n, 1, Q): step 1
    if base is not None:
        q = q + base[val][:, :, None]
    price = to_price(q, prep.last(val), prep.predict)[:, -1, model.point_index]
    actual = prep.actual(val)[:, -1]
    ar = LinearAR.fit(prep.x[prep.train], prep.z[prep.train])
    ar_p = to_price(ar.predict(prep.x[val]), prep.last(val), prep.predict)[:, -1]
    nv = naive(prep.y, prep.ends[val], 1)[:, -1]
    return {
        "set": name,
        "seed": seed,
        "variant": variant,
        "predict": choice.predict,
        "schedule": model.info.get("schedule"),
        "epochs": fit.epochs_run,
        "best": fit.best_epoch,
        "cpu": round(cpu, 2),
        "mae": float(np.mean(np.abs(price - actual))),
        "mae_ar": float(np.mean(np.abs(ar_p - actual))),
        "mae_naive": float(np.mean(np.abs(nv - actual))),
        "pred": price.tolist(),
        "actual": actual.tolist(),
    }


def refit_run(name, series, window, predict, seed, hyper, prep) -> dict:
    """Nested check of "refit on train+validation": A = train on rows 0-60%, early stop on 60-70%;
    B = a fresh model on rows 0-70% for A's best epoch count (no early stopping); both scored on the
    validation rows 70-80% (which neither saw)."""
    from dataclasses import replace as dc_replace

    from rnnkit.forecast import fit as fitmod
    from rnnkit.forecast.prepare import prepare
    from rnnkit.forecast.windows import Split, to_price

    n = len(series)
    s0 = prep.split
    t60 = s0.train_end - (s0.val_end - s0.train_end)
    inner = prepare(series, window, 1, predict, split=Split(t60, s0.train_end, n))
    c0 = time.process_time()
    ma, fa = fitmod.train_forecaster(inner, hyper, seed=seed, device="cpu", show_progress=False)
    outer = prepare(series, window, 1, predict, split=Split(s0.train_end, s0.train_end, n))
    hb = dc_replace(ma.hyper, epochs=fa.best_epoch, patience=10**6, lr_schedule=ma.hyper.lr_schedule)
    mb, fb = fitmod.train_forecaster(outer, hb, seed=seed, device="cpu", show_progress=False)
    cpu = time.process_time() - c0
    val = prep.val
    actual = prep.actual(val)[:, -1]
    out = {
        "set": name,
        "seed": seed,
        "variant": "refit",
        "predict": predict,
        "epochs": fb.epochs_run,
        "best": fa.best_epoch,
        "cpu": round(cpu, 2),
    }
    for key, m, p in (("a", ma, inner), ("b", mb, outer)):
        q = m.predict_z(p.x[val])
        price = to_price(q, p.last(val), predict)[:, -1, m.point_index]
        out["mae_" + key] = float(np.mean(np.abs(price - actual)))
        out["pred_" + key] = price.tolist()
    out["mae"] = out["mae_b"]
    out["pred"] = out["pred_b"]
    out["actual"] = actual.tolist()
    from rnnkit.forecast.baselines import LinearAR, naive

    ar = LinearAR.fit(prep.x[prep.train], prep.z[prep.train])
    out["mae_ar"] = float(
        np.mean(np.abs(to_price(ar.predict(prep.x[val]), prep.last(val), predict)[:, -1] - actual))
    )
    out["mae_naive"] = float(np.mean(np.abs(naive(prep.y, prep.ends[val], 1)[:, -1] - actual)))
    print(
        f"   refit: A (0-60%, stop on 60-70%) {out['mae_a']:.4f}  B (refit 0-70%, {fa.best_epoch} epochs) {out['mae_b']:.4f}"
    )
    return out


def aggregate(cache: Path, seeds: tuple[int, ...] = (0, 1, 2)) -> None:
    """Per (set, variant): the mean single-model validation MAE over ``seeds``, and of the ensembles
    of 2, 3, 5 members (member k of seed s is the run of seed s + 1000 k), against the linear AR."""
    import collections

    groups: dict[str, dict[int, dict]] = collections.defaultdict(dict)
    for f in sorted(cache.glob("*.json")):
        r = json.loads(f.read_text())
        groups[f.name.rsplit("_", 1)[0]][r["seed"]] = r
    for key, g in sorted(groups.items()):
        if not all(s in g for s in seeds):
            continue
        ar, single = g[seeds[0]]["mae_ar"], float(np.mean([g[s]["mae"] for s in seeds]))
        line = f"{key:40s} single {single:.4f} ({single / ar - 1:+.2%} vs AR {ar:.4f})"
        for n in (2, 3, 5):
            members = [[g.get(s + 1000 * k) for k in range(n)] for s in seeds]
            if all(all(m) for m in members):
                maes = [
                    float(np.mean(np.abs(np.mean([r["pred"] for r in m], axis=0) - np.array(m[0]["actual"]))))
                    for m in members
                ]
                line += f" | ensemble {n}: {np.mean(maes):.4f} ({np.mean(maes) / ar - 1:+.2%})"
        print(line)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sets", default="mackey-glass-fine")
    p.add_argument("--seeds", default="0")
    p.add_argument("--variants", default="base")
    p.add_argument("--members", type=int, default=1, help="member k trains with seed + 1000 k")
    p.add_argument("--set", dest="overrides", action="append", default=[])
    p.add_argument("--tag", default="")
    p.add_argument("--cache", type=Path, default=Path("/tmp/mg_cache"))
    p.add_argument("--aggregate", action="store_true", help="only summarise the cached runs")
    a = p.parse_args()
    if a.aggregate:
        aggregate(a.cache)
        return
    torch.set_num_threads(1)
    a.cache.mkdir(parents=True, exist_ok=True)
    for name in a.sets.split(","):
        for variant in a.variants.split(","):
            for seed in (int(s) for s in a.seeds.split(",")):
                for k in range(a.members):
                    s = seed + 1000 * k
                    tag = f"{name}_{variant}{a.tag}_{s}.json"
                    path = a.cache / tag
                    if path.exists():
                        r = json.loads(path.read_text())
                    else:
                        r = run(name, s, variant, a.overrides)
                        path.write_text(json.dumps(r))
                    print(
                        f"{name:17s} {variant}{a.tag:8s} seed {s:5d} {r['predict']:11s} ep {r['epochs']:3d} "
                        f"({r['best']:3d}) cpu {r['cpu']:5.1f}  val MAE {r['mae']:.4f}  AR {r['mae_ar']:.4f} "
                        f"naive {r['mae_naive']:.4f}  vsAR {r['mae'] / r['mae_ar'] - 1:+.2%}  "
                        f"vsNaive {r['mae'] / r['mae_naive'] - 1:+.2%}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
