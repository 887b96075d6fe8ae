"""The three explain jobs end to end: train, measure, tabulate, plot, write the run folder.

Each ``run_*`` function checks its arguments first (so a mistake leaves nothing on disk), does all the
work in memory, and only then writes its files, each atomically, into ``out``. The command line
(:mod:`rnnkit.explain.cli`) and the demo (:mod:`rnnkit.explain.demo`) both call these.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from rnnkit.explain.gates import (
    GATE_PANELS,
    GateStatistics,
    UpdateGateStatistics,
    check_gate_cell,
    gate_statistics,
    gate_traces,
    load_task_model,
    save_task_model,
    update_gate_statistics,
)
from rnnkit.explain.gradient_flow import GradientFlow, gradient_flow
from rnnkit.explain.memory_tasks import TaskData, adding_baseline, check_task, min_length
from rnnkit.explain.models import TaskModel, get_variant
from rnnkit.explain.plots import plot_gates, plot_gradient_flow, plot_memory
from rnnkit.explain.resume import JobStore, settings_record
from rnnkit.explain.training import (
    ADDING_SOLVED_MSE,
    MIN_SOLVED_TESTS,
    TaskResult,
    TrainedModel,
    TrainSettings,
    check_fits_memory,
    score,
    split,
    task_loss,
    train_on_task,
)
from rnnkit.utils import strict_json
from rnnkit.utils.atomic import write_text_atomic
from rnnkit.utils.config_keys import option_name
from rnnkit.utils.device import resolve_device
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.plotting import save_figure
from rnnkit.utils.progress import progress

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Echo = Callable[[str], None]

# What each command writes in its --out besides its run.json and jobs/ (rnnkit.explain.resume), declared
# to its claim (rnnkit.utils.planned) and checked before any work; gates writes its model/ too.
FLOW_FILES = ("gradient_flow.csv", "gradient_flow.png")
MEMORY_FILES = ("memory.csv", "memory.json", "memory.png")
GATES_FILE = "gates.png"


def _quiet(_: str) -> None:
    """The default ``echo``: library calls print nothing."""


def _csv_text(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ gradient flow
@dataclass
class GradientFlowRun:
    """Gradient profiles per cell and stage, the summary table and the files written."""

    length: int
    flows: dict[str, dict[str, GradientFlow]]
    test_error: dict[str, dict[str, float]]
    headers: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    results: dict[str, TaskResult] = field(default_factory=dict)  # each trained model's test score


def _flow_table(length: int, flows: dict, test_error: dict) -> tuple[list[str], list[list[object]]]:
    backs = sorted({b for b in (1, 10, length // 2, length - 1) if 0 < b < length})
    headers = [
        "cell",
        "stage",
        *[f"||dh_T/dh_t|| T-t={b}" for b in backs],
        "||dL/dx_0||/||dL/dx_T||",
        "test MSE",
    ]
    rows: list[list[object]] = []
    for cell, by_stage in flows.items():
        for stage, flow in by_stage.items():
            norms = [float(flow.state_norms[length - 1 - b]) for b in backs]
            last = float(flow.input_norms[-1])
            ratio = float(flow.input_norms[0]) / last if last > 0 else math.nan
            rows.append([cell, stage, *norms, ratio, test_error[cell][stage]])
    return headers, rows


def run_gradient_flow(
    cells: Sequence[str],
    length: int,
    out: Path,
    settings: TrainSettings,
    device: str = "auto",
    sequences: int = 8,
    show_progress: bool = True,
    echo: Echo = _quiet,
    trained: dict[str, TrainedModel] | None = None,
    store: JobStore | None = None,
) -> GradientFlowRun:
    """``||dh_T/dh_t||`` and ``||dL/dx_t||`` on the adding problem, at initialisation and after training.

    Args:
        cells: variant names (:data:`rnnkit.explain.models.VARIANTS`).
        length: sequence length ``T`` (at least 2).
        out: run folder; gets ``gradient_flow.png`` and ``gradient_flow.csv`` (every step's norms).
        settings: the short training run on the adding problem at ``length``.
        sequences: how many test sequences the norms are averaged over.
        trained: models already trained on the adding problem at ``length`` (the demo reuses them).
        store: the run folder (:mod:`rnnkit.explain.resume`): each model trains there with a checkpoint
            per epoch and is kept with its result when finished; ``store.resume`` checks the settings
            (``cells`` and ``sequences`` may change), reloads finished models and continues the one in
            progress.
    """
    for cell in cells:
        get_variant(cell)
    if length < min_length("adding"):
        raise RnnkitError(f"--length must be at least {min_length('adding')}, got {length}")
    if sequences < 1:
        raise RnnkitError(f"need at least one sequence, got {sequences}")
    settings.check()
    if sequences > settings.test_size:  # the norms would be averaged over fewer than asked, silently
        raise RnnkitError(
            f"--sequences {sequences} is more than the {settings.test_size} test sequences; lower it or "
            "raise --test-size"
        )
    check_fits_memory("adding", [length], [c for c in cells if c not in (trained or {})], settings,
                      resolve_device(device))  # fmt: skip
    if store is not None:
        record = settings_record("explain gradient-flow", settings, length=length, cells=cells)
        store.begin(record, may_differ=(option_name("cells"),))
    trained = dict(trained or {})
    flows: dict[str, dict[str, GradientFlow]] = {}
    test_error: dict[str, dict[str, float]] = {}
    for cell in progress(cells, "gradient flow", enabled=show_progress):
        if cell not in trained:
            trained[cell] = _flow_model(cell, length, settings, device, store)
        flows[cell], test_error[cell] = _measure_flow(trained[cell], sequences)
        echo(f"{cell}: |dh_T/dh_0| init {float(flows[cell]['init'].state_norms[0]):.3g}, "
             f"trained {float(flows[cell]['trained'].state_norms[0]):.3g}")  # fmt: skip
    headers, rows = _flow_table(length, flows, test_error)
    result = GradientFlowRun(length, flows, test_error, headers, rows)
    result.results = {cell: trained[cell].result for cell in cells}
    result.files = _write_flow_files(Path(out), length, flows)
    return result


def _flow_model(
    cell: str, length: int, settings: TrainSettings, device: str, store: JobStore | None
) -> TrainedModel:
    """The ``cell`` model trained on the adding problem: reloaded from a resumed run folder when it
    finished there, else trained (in its job folder, and kept there, when there is a run folder)."""
    if store is None:
        return train_on_task(cell, "adding", length, settings, device)
    reused = store.load_trained("adding", length, cell, settings, device)
    if reused is None:
        where = store.job_dir("adding", length, cell)
        reused = train_on_task(cell, "adding", length, settings, device, run_dir=where, resume=store.resume)
        store.save(reused.result, reused.model)
    return reused


def _measure_flow(run: TrainedModel, sequences: int) -> tuple[dict[str, GradientFlow], dict[str, float]]:
    """Gradient profiles over the first ``sequences`` test sequences and test MSE, by stage
    (``init``: the weights before training, ``trained``)."""
    x, y = run.test.x[:sequences], run.test.y[:sequences]
    loss = functools.partial(task_loss, "adding")
    init_model = run.initial_model()
    flows = {"init": gradient_flow(init_model, loss, x, y), "trained": gradient_flow(run.model, loss, x, y)}
    errors = {"init": score(init_model, "adding", run.test)["error"], "trained": run.result.error}
    return flows, errors


def _write_flow_files(out: Path, length: int, flows: dict[str, dict[str, GradientFlow]]) -> dict[str, Path]:
    """``gradient_flow.csv`` (every step's norms) and ``gradient_flow.png``, each atomically."""
    curve_rows = [
        [cell, stage, t, float(flow.state_norms[t]), float(flow.input_norms[t])]
        for cell, by_stage in flows.items()
        for stage, flow in by_stage.items()
        for t in range(length)
    ]
    header = ["cell", "stage", "t", "state_norm", "input_norm"]
    return {
        "csv": write_text_atomic(out / FLOW_FILES[0], _csv_text(header, curve_rows)),
        "png": save_figure(
            plot_gradient_flow(flows, f"Gradient flow over {length} steps (adding problem)"),
            out / FLOW_FILES[1],
        ),
    }


# ------------------------------------------------------------------------------------ memory tasks
@dataclass
class MemoryRun:
    """Every trained (task, length, cell) with its test score, the table and the files written."""

    task: str
    results: list[TaskResult]
    headers: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    models: dict[tuple[int, str], TrainedModel] = field(default_factory=dict)


def _memory_table(task: str, results: Sequence[TaskResult]) -> tuple[list[str], list[list[object]]]:
    metric = "MSE" if task == "adding" else "CE/step"
    headers = ["length" if task == "adding" else "delay", "cell", f"test {metric}", f"baseline {metric}"]
    headers += ["ratio"] + (["recall acc", "baseline acc"] if task == "copy" else [])
    headers += ["solved", "steps", "seconds"]
    rows: list[list[object]] = []
    for r in results:
        row: list[object] = [r.length, r.cell, r.error, r.baseline, r.ratio]
        if task == "copy":
            row += [r.accuracy, r.baseline_accuracy]
        state = "diverged" if r.diverged else ("yes" if r.solved else "no")
        if r.too_few_tests:  # below the bar on a test set too small to tell (the verdict says why)
            state = "too few tests"
        row += [state, r.steps, round(r.seconds, 1)]
        rows.append(row)
    return headers, rows


def _json_result(result: TaskResult) -> dict[str, object]:
    """A result as strict JSON: no history, and NaN (a diverged run) as null."""
    return strict_json.nulls({k: v for k, v in result.__dict__.items() if k != "history"})


def run_memory(
    task: str,
    lengths: Sequence[int],
    cells: Sequence[str],
    out: Path,
    settings: TrainSettings,
    device: str = "auto",
    show_progress: bool = True,
    echo: Echo = _quiet,
    keep_models: bool = False,
    store: JobStore | None = None,
) -> MemoryRun:
    """Train every cell at every length on ``task``; test error beside the trivial baseline.

    Writes ``memory.csv``, ``memory.json`` (settings and every result) and ``memory.png`` into ``out``.

    With ``store`` (:mod:`rnnkit.explain.resume`) each model trains in its own folder of the run folder
    with a checkpoint per epoch, and its result is written there as soon as it is known. A fresh run
    records the settings; ``store.resume`` checks them (``cells`` and ``lengths`` may change: each
    model's result depends on its own cell and length only), reuses the finished results and continues
    the model in progress from its checkpoint, so the table equals an unbroken run's.
    ``keep_models`` cannot be combined with a resumed store (reused results have no model in memory).
    """
    check_task(task)
    for cell in cells:
        get_variant(cell)
    for n in lengths:
        if n < min_length(task):
            raise RnnkitError(f"{task} needs lengths of at least {min_length(task)}, got {n}")
    if not lengths or not cells:
        raise RnnkitError("need at least one length and one cell")
    settings.check()
    check_fits_memory(task, lengths, cells, settings, resolve_device(device))
    if keep_models and store is not None and store.resume:
        raise ValueError("keep_models needs every model trained in this call; not with a resumed store")
    if store is not None:
        record = settings_record("explain memory", settings, task=task, cells=cells, lengths=lengths)
        store.begin(record, may_differ=(option_name("cells"), option_name("lengths")))
    jobs = [(n, cell) for n in lengths for cell in cells]
    run = MemoryRun(task, [])
    for n, cell in progress(jobs, f"{task} task", enabled=show_progress):
        # finished in the run being resumed
        r = None if store is None else store.load(task, n, cell, settings.test_size)
        reused = r is not None
        if r is None:
            trained = _memory_model(cell, task, n, settings, device, store)
            r = trained.result
            if keep_models:
                run.models[(n, cell)] = trained
        run.results.append(r)
        state = "diverged" if r.diverged else f"{r.metric} {r.error:.4g} (baseline {r.baseline:.4g})"
        earlier = " (finished earlier)" if reused else ""
        what = "delay" if task == "copy" else "length"
        echo(f"{task} {what} {n} {cell}: {state}, {r.seconds:.1f}s{earlier}")
    run.headers, run.rows = _memory_table(task, run.results)
    run.files = _write_memory_files(Path(out), run, settings)
    return run


def _memory_model(
    cell: str, task: str, length: int, settings: TrainSettings, device: str, store: JobStore | None
) -> TrainedModel:
    """Train one model of the table; with a run folder, in its job folder (continued from a checkpoint
    on a resumed run), its result kept there the moment it is known."""
    if store is None:
        return train_on_task(cell, task, length, settings, device)
    where = store.job_dir(task, length, cell)
    trained = train_on_task(cell, task, length, settings, device, run_dir=where, resume=store.resume)
    store.save(trained.result)
    return trained


def _write_memory_files(out: Path, run: MemoryRun, settings: TrainSettings) -> dict[str, Path]:
    """``memory.csv`` (the table), ``memory.json`` (settings and every result) and ``memory.png``."""
    record = {
        "task": run.task,
        "seed": settings.seed,
        "settings": settings.flat(),
        "results": [_json_result(r) for r in run.results],
    }
    text = json.dumps(strict_json.nulls(record), indent=2, allow_nan=False)  # never a bare NaN
    what = "sequence length" if run.task == "adding" else "delay"
    return {
        "csv": write_text_atomic(out / MEMORY_FILES[0], _csv_text(run.headers, run.rows)),
        "json": write_text_atomic(out / MEMORY_FILES[1], text + "\n"),
        "png": save_figure(
            plot_memory(run.results, f"{run.task} task: test error by {what}"), out / MEMORY_FILES[2]
        ),
    }


# ------------------------------------------------------------------------------------ gates
@dataclass
class GatesRun:
    """The gate traces of one sequence, statistics over the test set, and the files written."""

    cell: str
    length: int
    traces: dict[str, torch.Tensor]
    statistics: GateStatistics | UpdateGateStatistics | None
    test_error: float
    baseline: float = math.nan  # the test MSE of always answering 1.0, the average sum: no memory
    files: dict[str, Path] = field(default_factory=dict)
    test_sequences: int = MIN_SOLVED_TESTS  # how many test sequences test_error is the mean over

    @property
    def solved(self) -> bool:
        """Test MSE below the solved bar on enough test sequences (:data:`MIN_SOLVED_TESTS`): only then
        do the gates show how the model remembers."""
        return self.test_error < ADDING_SOLVED_MSE and not self.too_few_tests

    @property
    def too_few_tests(self) -> bool:
        """Below the bar, on too few test sequences to call it solved (``--test-size 1``: luck)."""
        return self.test_error < ADDING_SOLVED_MSE and self.test_sequences < MIN_SOLVED_TESTS


def run_gates(
    out: Path,
    settings: TrainSettings,
    model_dir: Path | None = None,
    cell: str = "lstm",
    length: int = 100,
    index: int = 0,
    device: str = "auto",
    show_progress: bool = True,
    echo: Echo = _quiet,
    trained: TrainedModel | None = None,
    loaded: tuple[TaskModel, int] | None = None,
) -> GatesRun:
    """Train (or load from ``model_dir``) a gated model on the adding problem and plot its gates.

    Writes ``gates.png`` and, when it trained the model, the model folder ``model/`` into ``out``.
    ``model_dir`` is a model folder or a run folder holding one in ``model/``
    (:func:`rnnkit.utils.markers.find_model_folder`); ``loaded``: its model and length, already read by
    :func:`load_gates_model` (the command reads it before it chooses ``out``, so that a wrong ``--model``
    is told as such, not as a fault of an ``--out`` the user never typed). The test sequences are drawn
    from ``settings.seed`` and ``settings.test_size``.
    """
    check_gate_cell(cell)
    if length < min_length("adding"):
        raise RnnkitError(f"--length must be at least {min_length('adding')}, got {length}")
    if index < 0:
        raise RnnkitError(f"--index must be >= 0, got {index}")
    settings.check()
    if trained is None:  # before loading or training; with --model too (the test set never grows)
        _check_index(index, settings.test_size)
    dev = resolve_device(device)
    if model_dir is not None:
        model, length = loaded if loaded is not None else load_gates_model(model_dir, dev)
        cell = check_gate_cell(get_variant(model.variant).cell)
        test = split("adding", "test", settings.test_size, length, settings.seed)
    else:
        if trained is None:
            check_fits_memory("adding", [length], [cell], settings, dev)
            echo(f"training the {get_variant(cell).label} on the adding problem, length {length}")
            trained = train_on_task(cell, "adding", length, settings, device, show_progress)
        model, test = trained.model, trained.test
    _check_index(index, test.x.shape[0])
    run = _gates_run(model, cell, length, test, index)
    if model_dir is None:  # the model first: a save that fails leaves the previous gates.png as it was
        card = trained.result.card(model.rnn.hidden_size)
        run.files["model"] = save_task_model(Path(out) / "model", model, "adding", length, card=card)
    run.files["png"] = save_figure(_gates_figure(run, test, index), Path(out) / GATES_FILE)
    return run


def _check_index(index: int, sequences: int) -> None:
    if index >= sequences:
        raise RnnkitError(f"--index {index} is past the {sequences} test sequences")


def load_gates_model(model_dir: Path, device: torch.device) -> tuple[TaskModel, int]:
    """The adding-problem model of a model folder, or of the run folder holding one in ``model/``
    (:func:`rnnkit.utils.markers.find_model_folder`), on ``device``; and its sequence length."""
    from rnnkit.utils.markers import find_model_folder

    folder, _ = find_model_folder(model_dir)
    model, cfg = load_task_model(folder)
    if cfg["task"] != "adding":
        raise RnnkitError(f"{folder} holds a {cfg['task']!r} model; gates are shown on the adding task")
    variant = get_variant(model.variant)
    if variant.cell not in GATE_PANELS:  # "choose one of: lstm, gru" read as an option to pass; none exists
        raise RnnkitError(
            f"{folder} holds a model of cell {variant.name!r} ({variant.description}), which has no gates to show: "
            f"gates are what the LSTM and the GRU add to it; give an {' or '.join(GATE_PANELS)} model"
        )
    return model.to(device), int(cfg["length"])


def _gates_run(model: TaskModel, cell: str, length: int, test: TaskData, index: int) -> GatesRun:
    """Test error, the gates over test sequence ``index`` and (LSTM, GRU) statistics over the test set."""
    error = score(model, "adding", test)["error"]
    traces = gate_traces(model, test.x[index : index + 1])
    one = {name: values[0] for name, values in traces.items()}  # (L, H) each
    statistics = {"lstm": gate_statistics, "gru": update_gate_statistics}
    stats = statistics[cell](model, test.x[:512]) if cell in statistics else None
    return GatesRun(cell, length, one, stats, error, adding_baseline(test.y), test_sequences=test.x.shape[0])


def _gates_figure(run: GatesRun, test: TaskData, index: int) -> Figure:
    """The input on top, then one heatmap per gate (and the hidden state of a GRU)."""
    panels = [(label, run.traces[name]) for name, label in GATE_PANELS[run.cell]]
    if run.cell == "gru":
        panels.append(("hidden state h_t", run.traces["h"]))
    target = float(test.y[index])
    verdict = "solved" if run.solved else ("too few tests to tell" if run.too_few_tests else "not solved")
    title = (
        f"{run.cell.upper()} gates on one adding sequence (target {target:.3f}; "
        f"test MSE {run.test_error:.3g}, baseline {run.baseline:.3g}: {verdict})"
    )
    return plot_gates(test.x[index], panels, title)
