"""The Python API runs the network on the thread policy (rnnkit.utils.threads) in every verb.

Only training was inside it: ``predict``, ``backtest``'s scoring and ``fit``'s blend and calibration ran
at the process's own count (2 on a 2-core machine), where two spinning threads make a step of these
tiny models several times slower.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
import torch

from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 1, "hidden_size": 4, "device": "cpu", "calibrate": True}


def _frame(n: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {"date": pd.date_range("2024-01-01", periods=n), "Close": 100 + np.cumsum(rng.normal(size=n))}
    )


@pytest.fixture
def counts() -> Iterator[list[int]]:
    """torch's thread count at every module's forward, with the process left at 2 threads (what a
    notebook on a 2-core machine has); the test's own count is restored afterwards."""
    seen: list[int] = []
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    handle = torch.nn.modules.module.register_module_forward_pre_hook(
        lambda _module, _args: seen.append(torch.get_num_threads())
    )
    try:
        yield seen
    finally:
        handle.remove()
        torch.set_num_threads(before)


def test_fit_and_predict_run_the_network_on_one_thread_and_restore_the_process_count(counts):
    df = _frame()
    fc = Forecaster(window=5, horizon=2, **TINY).fit(df)  # training, then the blend and calibration
    assert counts and set(counts) == {1}
    assert torch.get_num_threads() == 2
    counts.clear()
    fc.predict(df)
    assert counts and set(counts) == {1}
    assert torch.get_num_threads() == 2


def test_backtest_scores_on_one_thread_and_restores_the_process_count(counts):
    Forecaster(window=5, horizon=2, **TINY).backtest(_frame(), folds=2, stride=5)
    assert counts and set(counts) == {1}
    assert torch.get_num_threads() == 2


def test_panel_predict_and_backtest_follow_the_policy(counts):
    long = pd.concat([_frame().assign(store=k) for k in ("a", "b")], ignore_index=True)
    fc = Forecaster(window=5, horizon=2, id_column="store", **TINY).fit(long)
    counts.clear()
    fc.predict(long)
    fc.backtest(long, folds=1, stride=5)
    assert counts and set(counts) == {1}
    assert torch.get_num_threads() == 2


def test_the_forecasters_threads_setting_is_honoured(counts):
    df = _frame()
    fc = Forecaster(window=5, horizon=2, threads=3, **TINY).fit(df)
    counts.clear()
    fc.predict(df)
    assert counts and set(counts) == {3}
    assert torch.get_num_threads() == 2


def test_a_forecaster_loaded_from_a_folder_predicts_on_the_policy(counts, tmp_path):
    df = _frame()
    Forecaster(window=5, horizon=2, threads=3, **TINY).fit(df).save_pretrained(tmp_path / "m")
    counts.clear()
    Forecaster.from_pretrained(tmp_path / "m").predict(df)  # threads is the run's, not saved: the policy
    assert counts and set(counts) == {1}
    assert torch.get_num_threads() == 2


def test_a_bad_thread_count_set_after_init_is_one_line():
    df = _frame()
    fc = Forecaster(window=5, horizon=2, **TINY).fit(df)
    fc.hyper.threads = 0
    with pytest.raises(RnnkitError, match=r"^threads must be .*\(got 0\)$"):
        fc.predict(df)
