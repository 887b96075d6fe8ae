"""A job folder ``OUT/jobs/NAME`` of ``explain memory`` or ``explain gradient-flow`` is a training run
that the command's ``--resume`` continues. It carries no mark of its own (only ``OUT`` is marked
explain), so since only marked runs got the resume hint, a job killed before its model was saved was
"not an rnnkit model folder" alone."""

from __future__ import annotations

import pytest

import rnnkit
from rnnkit.explain.gates import load_task_model
from rnnkit.explain.resume import JobStore
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import Mark, write_mark
from rnnkit.utils.runs import RunFolder

HINT = " (a training run that did not finish? run its command again with --resume)"


def _killed_job(out, kind: str | None):
    """The job folder of ``out`` (marked explain ``kind``; unmarked for None) killed after its first
    checkpoint, before its model was saved."""
    out.mkdir()
    if kind is not None:
        write_mark(out, Mark("explain", kind))
    job = JobStore(RunFolder(out, resume=False)).job_dir("adding", 50, "lstm")
    (job / "checkpoints" / "epoch-0001").mkdir(parents=True)
    return job


@pytest.mark.parametrize("kind", ["memory", "gradient-flow"])
def test_a_job_killed_before_its_model_was_saved_says_how_to_finish_it(tmp_path, kind):
    job = _killed_job(tmp_path / "out", kind)
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(job)
    assert str(exc.value) == (
        f"cannot load {job}: it is not an rnnkit model folder (no config.json naming an application "
        f"beside model.safetensors){HINT}"
    )
    with pytest.raises(RnnkitError) as exc:
        load_task_model(job)  # explain gates --model JOB
    assert str(exc.value) == f"{job} is not a model folder: config.json is missing{HINT}"


def test_a_jobs_folder_of_no_explain_run_gets_no_hint(tmp_path):
    """Only where the folder above ``jobs/`` is an explain run: a user's own ``jobs/x/checkpoints``
    (another tool's) is not one rnnkit can resume."""
    job = _killed_job(tmp_path / "out", None)
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(job)
    assert "--resume" not in str(exc.value)
    write_mark(tmp_path / "out", Mark("forecast", "dataset"))
    with pytest.raises(RnnkitError) as exc:
        load_task_model(job)
    assert "--resume" not in str(exc.value)
