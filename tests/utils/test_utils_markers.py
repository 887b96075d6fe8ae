"""utils.markers: where a model folder is looked up, a file given instead of a folder names the folder
it lies in (a model's config.json, a run's run.json), not just "not an rnnkit model folder"."""

from __future__ import annotations

import json

import pytest
import torch

from rnnkit.train.modelfile import save_model
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.hub import model_dir
from rnnkit.utils.markers import find_model_folder


@pytest.fixture
def run(tmp_path):
    """A training command's run folder RUN: its model in RUN/model, its settings in RUN/run.json."""
    run = tmp_path / "run"
    save_model(run / "model", {"w": torch.zeros(1)}, {"application": "explain"})
    (run / "run.json").write_text(json.dumps({"settings": {}}))
    (run / "metrics.json").write_text("{}")
    return run


@pytest.mark.parametrize("lookup", [find_model_folder, model_dir], ids=["find_model_folder", "model_dir"])
@pytest.mark.parametrize("name", ["config.json", "model.safetensors", "README.md"])
def test_a_file_of_a_model_folder_names_the_folder(run, lookup, name):
    model = run / "model"
    with pytest.raises(RnnkitError) as exc:
        lookup(model / name)
    want = f"{model / name} is a file of the model folder {model}; give the folder itself, {model}"
    assert str(exc.value) == want


@pytest.mark.parametrize("lookup", [find_model_folder, model_dir], ids=["find_model_folder", "model_dir"])
@pytest.mark.parametrize("name", ["run.json", "metrics.json"])
def test_a_file_of_a_run_folder_names_its_model_folder(run, lookup, name):
    with pytest.raises(RnnkitError) as exc:
        lookup(run / name)
    assert str(exc.value) == (
        f"{run / name} is a file of the run folder {run}; give its model folder, {run / 'model'} "
        f"(or the run folder {run})"
    )


@pytest.mark.parametrize("lookup", [find_model_folder, model_dir], ids=["find_model_folder", "model_dir"])
def test_any_other_file_is_a_file_not_a_model_folder(tmp_path, lookup):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    (tmp_path / "config.json").write_text(json.dumps({"application": "explain"}))  # no weights: no model
    for path in (notes, tmp_path / "config.json"):
        with pytest.raises(RnnkitError, match=r"^.*(notes\.txt|config\.json) is a file, not a model folder$"):
            lookup(path)


def test_a_model_left_as_rnnkit_old_is_found_moved_back_or_where_it_waits(run, monkeypatch):
    """A save killed between its two renames leaves RUN/model as RUN/.model.rnnkit-old. Looked up
    (``rnnkit.load(RUN)``, ``explain gates --model RUN``, serve), a finished run was "an rnnkit explain
    run folder, not a model folder": the lookup never moved it back. It is moved back, or found where
    it waits where it cannot be moved (a read-only mount)."""
    import errno
    import os

    from rnnkit.utils import leftovers
    from rnnkit.utils.markers import Mark

    model = run / "model"
    waiting = run / leftovers.old_name("model")
    os.replace(model, waiting)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    with monkeypatch.context() as patched:
        patched.setattr(leftovers.os, "replace", read_only)
        for given in (run, model):
            assert find_model_folder(given) == (waiting, Mark("explain", "model"))
    assert find_model_folder(run) == (model, Mark("explain", "model"))
    assert not waiting.exists()
    os.replace(model, waiting)
    assert find_model_folder(model) == (model, Mark("explain", "model"))
    assert not waiting.exists()


def test_a_model_left_as_dot_old_is_named_with_the_way_back_never_moved(run):
    """RUN/.model.old, left by an rnnkit before 2026-12-07 killed between its two renames (the only copy
    of the model) or by a user's ``mv``: ``rnnkit.load(RUN)``, serve and explain said "it is an rnnkit
    explain run folder, not a model folder" and never named it. Named with its ``mv``, never moved."""
    import os
    import re

    from rnnkit.utils.markers import Mark, write_mark

    write_mark(run, Mark("explain", "run"))
    model, old = run / "model", run / ".model.old"
    os.replace(model, old)
    o, m = re.escape(str(old)), re.escape(str(model))
    way_back = f"; {o} holds a model .*: if it is the model you want, mv {o} {m}$"
    with pytest.raises(RnnkitError, match=f"run folder, not a model folder{way_back}"):
        find_model_folder(run)
    with pytest.raises(RnnkitError, match=f"no such folder{way_back}"):
        find_model_folder(model)
    assert old.is_dir() and not model.exists()


@pytest.mark.parametrize(
    "command",
    [["explain", "gates"], ["translate", "text", "hello"], ["caption", "describe", "-"]],
    ids=lambda c: " ".join(c[:2]),
)
def test_every_model_option_names_the_folder_of_a_file(run, tmp_path, command, one_line_error):
    from rnnkit.cli import main

    config = run / "model" / "config.json"
    extra = ["--out", str(tmp_path / "out")] if command[0] == "explain" else []
    assert main([*command[:2], "--model", str(config), *command[2:], *extra]) == 2
    one_line_error(f"{config} is a file of the model folder {run / 'model'}; give the folder itself")
    assert main([*command[:2], "--model", str(run / "run.json"), *command[2:], *extra]) == 2
    one_line_error(f"give its model folder, {run / 'model'}")
    assert not (tmp_path / "out").exists()
