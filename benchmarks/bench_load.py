"""Loading and saving model folders: CPU milliseconds per load of the shipped translator and per
save + load of a small forecast model, the median of ``--repeats`` after one warm-up.

Model loading is on the path of every prediction command (``translate text``, ``forecast predict``),
so a change to how folders are read or written (#15: ``from_pretrained``, model cards, provenance,
file modes) is checked here. Run it once per source tree and compare the figures as ratios; CPU time,
not wall time, because the machine is shared::

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_load.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch


def _cpu_ms(fn, repeats: int) -> float:
    fn()  # warm-up: imports, page cache
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        times.append(1000 * (time.process_time() - t))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(1)
    from rnnkit.forecast.forecaster import Hyper, TrainedModel
    from rnnkit.forecast.windows import Scaler
    from rnnkit.translate.translator import Translator

    load_translator = getattr(Translator, "from_pretrained", None) or Translator.load  # before #15: .load
    hyper = Hyper(hidden=32)
    one = Scaler(mean=np.zeros(1), std=np.ones(1))
    model = TrainedModel(hyper.build(1, 1), hyper, 4, 1, "returns", ["Close"], one, one)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"

        def save_and_load() -> None:
            model.save(folder)
            TrainedModel.load(folder)

        rows = {
            "load the shipped translator": _cpu_ms(lambda: load_translator(device="cpu"), args.repeats),
            "save + load a forecast model": _cpu_ms(save_and_load, args.repeats),
        }
    for name, ms in rows.items():
        print(f"{name:32s} {ms:8.1f} ms CPU (median of {args.repeats})")


if __name__ == "__main__":
    main()
