"""``serve --models RUN/model`` of a run a kill cut short says how to finish it, as every loader does.

6aa26d76 gave ``--model``, ``rnnkit.load`` and the training loaders the note on a run that wrote
checkpoints but no model (and on a model waiting as ``.model.old``); serve said only "not a folder"."""

from __future__ import annotations

import socket

import pytest

from rnnkit.cli import main
from rnnkit.serve.registry import discover, missing_models_note
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import Mark, write_mark


@pytest.fixture
def cut_run(tmp_path):
    """A forecast run folder a kill cut short: its mark and a checkpoint, no model folder."""
    run = tmp_path / "run"
    (run / "checkpoints" / "epoch-0001").mkdir(parents=True)
    write_mark(run, Mark("forecast", "run"))
    return run


def test_models_of_a_cut_runs_missing_model_names_resume(cut_run, one_line_error):
    with pytest.raises(
        RnnkitError, match=r"not a folder \(a training run that did not finish\? .*--resume\)"
    ):
        discover(cut_run / "model")
    assert main(["serve", "--models", str(cut_run / "model")]) == 2
    one_line_error("not a folder (a training run that did not finish? run its command again with --resume)")


def test_models_of_a_missing_folder_with_a_model_waiting_as_dot_old_names_it(tmp_path):
    (tmp_path / ".models.old").mkdir()
    for name in ("config.json", "model.safetensors"):
        (tmp_path / ".models.old" / name).write_text("{}")
    with pytest.raises(RnnkitError, match=r"not a folder; .*\.models\.old holds a model"):
        discover(tmp_path / "models")


def test_a_missing_folder_of_nothing_gets_no_note(tmp_path, cut_run):
    assert missing_models_note(tmp_path / "nothing") == ""
    # the note the empty-run warning needs too: `serve --models RUN` (serve/cli.py gives it the words)
    assert "--resume" in missing_models_note(cut_run)


def test_models_of_a_cut_run_folder_warns_with_the_resume_note(cut_run, capsys):
    """``serve --models RUN`` of a run with checkpoints and no model warned "no model folder in it" and
    served the shipped translator, never saying that ``--resume`` finishes the run."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    with socket.socket() as held:  # a taken port: the command stops right after reading --models
        held.bind(("127.0.0.1", 0))
        held.listen()
        assert main(["serve", "--port", str(held.getsockname()[1]), "--models", str(cut_run)]) == 2
    warning = capsys.readouterr().err.strip().splitlines()[0]
    assert warning.startswith(f"rnnkit: warning: --models {cut_run}: no model folder in it ("), warning
    assert warning.endswith(
        "(a training run that did not finish? run its command again with --resume); serving the shipped "
        "translator alone"
    ), warning
