"""Resumable explain runs: each finished model's result is kept in the run folder the moment it is known.

``rnnkit explain memory`` trains one model per (length, cell), ``gradient-flow`` one per cell, for
minutes each. With a run folder (``--out``) a Ctrl-C or a crash loses at most
the epoch in progress::

    run_dir/
      run.json                          settings the run started with (rnnkit.utils.runs.RunFolder)
      jobs/<task>-<length>-<cell>/      one folder per model, the engine's run folder while it trains:
        metrics.csv                     one row per epoch
        checkpoints/                    the engine's checkpoints (removed once result.json is written)
        model/                          the trained model, when the command needs it again (gradient-flow)
        result.json                     the finished model's TaskResult, written atomically and last

``--resume`` checks the settings against ``run.json`` (:class:`rnnkit.utils.runs.RunFolder`), reuses every
``result.json`` as it stands (but a copy result takes today's baseline for its delay) and continues the
model in progress from its newest checkpoint; a model that had not started trains from scratch (the
engine does so when it finds no checkpoint).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnnkit.explain.gates import load_task_model, save_task_model
from rnnkit.explain.memory_tasks import copy_baseline_at
from rnnkit.explain.models import TaskModel
from rnnkit.explain.training import (
    MIN_SOLVED_TESTS,
    TaskResult,
    TrainedModel,
    TrainSettings,
    build_task_model,
    split,
)
from rnnkit.utils import strict_json
from rnnkit.utils.atomic import write_text_atomic
from rnnkit.utils.config_keys import option_name
from rnnkit.utils.device import resolve_device
from rnnkit.utils.dist import is_main_process
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import JOBS_SUBFOLDER
from rnnkit.utils.runs import SETTINGS_NAME, RunFolder, finished_run, local_minute, unfinished_run
from rnnkit.utils.wording import plural

JOBS = JOBS_SUBFOLDER  # the job folders: utils.markers tells them for their --resume hint
STORE_ENTRIES = (SETTINGS_NAME, f"{JOBS}/")  # what a JobStore keeps in its run folder (declared to its claim)
RESULT = "result.json"
MODEL = "model"


def settings_record(command: str, settings: TrainSettings, **options: Any) -> dict[str, Any]:
    """What a resumed run must share, keyed by option name (``--hidden-size``, ``--seed``, ...).

    Every setting of :class:`TrainSettings` is in it, also those without an option (``--val-size``,
    ``--clip-norm``), so a library caller cannot mix two budgets either.
    """
    record: dict[str, Any] = {"command": command}
    record.update({option_name(k): v for k, v in options.items()})
    record.update({option_name(k): v for k, v in settings.flat().items()})
    return record


def result_to_json(result: TaskResult) -> str:
    """``result`` (history included) as strict JSON that :func:`result_from_json` reads back exactly."""
    return strict_json.dumps(dataclasses.asdict(result), indent=1) + "\n"


def result_from_json(text: str) -> TaskResult:
    return TaskResult(**strict_json.loads(text))


@dataclass
class JobStore:
    """The run folder of an explain command that trains many models, one job each.

    Args:
        run: the run folder and whether to resume it.
    """

    run: RunFolder

    @property
    def resume(self) -> bool:
        return self.run.resume

    @property
    def jobs(self) -> Path:
        return self.run.path / JOBS

    def job_dir(self, task: str, length: int, cell: str) -> Path:
        """The engine's run folder for one model (and, once finished, its ``result.json``)."""
        return self.jobs / f"{task}-{length}-{cell}"

    def begin(self, settings: dict[str, Any], may_differ: Iterable[str] = ()) -> None:
        """Start afresh (removing an older run's results and checkpoints) or check a resumed run.

        Raises:
            RnnkitError: ``--resume`` with nothing saved in the run folder, or settings that differ
                from the run's (other than ``may_differ``).
        """
        if self.run.resume:
            self.run.begin(self._as_recorded(settings), self.newest(), may_differ=may_differ)
            return
        self._clear()  # before run.json: an older run's results must never pass for this run's
        self.run.begin(settings, None, may_differ=may_differ)

    def check_fresh(self, summary: str, longer: str) -> None:
        """Refuse to start afresh over an earlier run in the run folder, which a fresh run clears (its
        finished models' results, its checkpoints): the command line's check without ``--resume`` or
        ``--force``, worded as the training commands' (:func:`rnnkit.utils.runs.finished_run`). A rerun
        from the shell's history, or with one more cell in ``--cells``, silently replaced an hour's
        results; a library call (the demo's) is not checked.

        Args:
            summary: the file the command writes once every model is done (``memory.json``): the run
                that wrote it finished.
            longer: how ``--resume`` continues a finished run (``, continue it with --resume (...)``).

        Raises:
            RnnkitError: a model in training (a checkpoint), finished models, or ``summary`` is there.
        """
        from rnnkit.train.checkpoint import latest_checkpoint

        out = self.run.path
        done = len(self.finished())
        jobs = sorted(p for p in self.jobs.iterdir() if p.is_dir()) if self.jobs.is_dir() else []
        training = [c for c in (latest_checkpoint(job) for job in jobs) if c is not None]
        if training:
            newest = max(training, key=lambda c: c.stat().st_mtime)
            raise unfinished_run(
                out,
                f"{plural(done, 'model')} finished, one in training: its newest checkpoint is "
                f"{newest.relative_to(out)}",
                "its finished models and checkpoints",
            )
        if (out / summary).is_file():
            trained = f"{plural(done, 'model')} trained, " if done else ""
            written = local_minute((out / summary).stat().st_mtime)
            raise finished_run(out, f"{trained}its results written {written}", longer)
        if done:
            raise unfinished_run(
                out, f"{plural(done, 'model')} finished, its results not yet written", "its finished models"
            )

    def _as_recorded(self, settings: dict[str, Any]) -> dict[str, Any]:
        """``settings`` without those a run begun by an older rnnkit did not record (its ``run.json``
        lacks them: ``--lr-schedule``, ``--lr-factor``, ``--lr-patience`` before the settings were
        composed) when they hold their defaults, so such a run still resumes."""
        try:
            saved = json.loads((self.run.path / SETTINGS_NAME).read_text(encoding="utf-8"))["settings"]
        except (OSError, ValueError, KeyError, TypeError):
            return settings  # RunFolder.begin says what is wrong with it
        defaults = {option_name(k): v for k, v in TrainSettings().flat().items()}
        new = {k for k in settings if k not in saved and k in defaults and settings[k] == defaults[k]}
        return {k: v for k, v in settings.items() if k not in new}

    def _clear(self) -> None:
        """Remove every job's result, checkpoints and metric log (only files this module writes)."""
        from rnnkit.train.checkpoint import clear_run

        if not is_main_process():  # one process deletes, as one writes (rnnkit.utils.atomic)
            return
        for job in sorted(self.jobs.iterdir()) if self.jobs.is_dir() else []:
            if job.is_dir():
                (job / RESULT).unlink(missing_ok=True)
                clear_run(job)
                if (job / MODEL / "config.json").is_file():  # a model folder save_task_model wrote
                    shutil.rmtree(job / MODEL)
                if not any(job.iterdir()):
                    job.rmdir()

    def load(self, task: str, length: int, cell: str, test_size: int | None = None) -> TaskResult | None:
        """The finished result of a job on a resumed run, or None (a fresh run reuses nothing).

        ``test_size``: the run's ``--test-size`` (a resumed run's settings equal those it began with),
        which a result saved before rnnkit recorded it is given: one 'solved' on a single test sequence
        is then called too few, as a fresh run's is (:attr:`TaskResult.too_few_tests`)."""
        path = self.job_dir(task, length, cell) / RESULT
        if not self.run.resume or not path.is_file():
            return None
        try:
            result = result_from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError) as exc:
            raise RnnkitError(
                f"cannot resume: {path} is unreadable ({exc.__class__.__name__}); delete it to train "
                "that model again"
            ) from None
        if (result.task, result.length, result.cell) != (task, length, cell):
            raise RnnkitError(f"cannot resume: {path} holds another model's result")
        if task == "copy":
            # The copy baseline depends on the delay alone, and its definition changed (1/K per symbol, no
            # longer the test set's own frequencies): a result saved before that keeps the model's numbers
            # but takes today's baseline, so one table never shows two baselines for one delay.
            base = copy_baseline_at(length)
            result = dataclasses.replace(
                result, baseline=base.cross_entropy, baseline_accuracy=base.recall_accuracy
            )
        if result.test_sequences is None and test_size is not None:
            enough = test_size >= MIN_SOLVED_TESTS
            result = dataclasses.replace(result, test_sequences=test_size, solved=result.solved and enough)
        return result

    def load_trained(
        self, task: str, length: int, cell: str, settings: TrainSettings, device: str
    ) -> TrainedModel | None:
        """A finished job as :func:`rnnkit.explain.training.train_on_task` returned it, or None.

        The trained weights come from the job's ``model/``; the weights at initialisation and the test
        set are drawn again from ``settings.seed`` exactly as ``train_on_task`` drew them.
        """
        result = self.load(task, length, cell, settings.test_size)
        if result is None:
            return None
        model, _ = load_task_model(self.job_dir(task, length, cell) / MODEL)
        test = split(task, "test", settings.test_size, length, settings.seed)
        _, initial = build_task_model(cell, task, length, settings)  # seeded as train_on_task seeds it
        return TrainedModel(model.to(resolve_device(device)), initial, test, result)

    def save(self, result: TaskResult, model: TaskModel | None = None) -> Path:
        """Write a finished job's model (when given) and result (each atomically, the result last, so
        it marks the job finished), then drop its checkpoints (no longer needed)."""
        from rnnkit.train.checkpoint import CHECKPOINTS

        job = self.job_dir(result.task, result.length, result.cell)
        if model is not None:
            save_task_model(
                job / MODEL, model, result.task, result.length, card=result.card(model.rnn.hidden_size)
            )
        path = write_text_atomic(job / RESULT, result_to_json(result))
        if is_main_process():
            shutil.rmtree(job / CHECKPOINTS, ignore_errors=True)
        return path

    def finished(self) -> list[Path]:
        """Every ``result.json`` in the run folder."""
        return sorted(self.jobs.glob(f"*/{RESULT}"))

    def newest(self) -> Path | None:
        """The newest checkpoint of a model in progress, else a finished result, else None."""
        from rnnkit.train.checkpoint import latest_checkpoint

        jobs = sorted(p for p in self.jobs.iterdir() if p.is_dir()) if self.jobs.is_dir() else []
        checkpoints = [c for c in (latest_checkpoint(job) for job in jobs) if c is not None]
        if checkpoints:
            return max(checkpoints, key=lambda c: c.stat().st_mtime)
        finished = self.finished()
        return finished[-1] if finished else None

    def describe(self, found: Path) -> str:
        """What an interrupted run kept, for the Ctrl-C hint."""
        count = len(self.finished())
        text = f"{plural(count, 'model')} finished in {self.jobs}"
        if found.name != RESULT:
            text += f"; checkpoints in {found.parent}"
        return text
