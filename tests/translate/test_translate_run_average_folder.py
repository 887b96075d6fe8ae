"""``--model RUN/average`` (session 33): a translate run folder keeps its last epochs' weights in
``average/`` (``--average-last``), which reads as the averaged model; ``translate text --model
RUN/average`` and ``translate average RUN/average`` said only "RUN/average is not a model folder:
config.json is missing", not where the model is."""

from __future__ import annotations

import pytest

import rnnkit
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError


@pytest.mark.parametrize("command", [["text", "Hi."], ["average", "--out", "{tmp}/avg"]])
def test_the_run_average_folder_names_the_model_to_give(tiny_model, tmp_path, capsys, command):
    run = tiny_model.parent
    assert (run / "average").is_dir()
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    given = ["--model", str(run / "average")] if command[0] == "text" else [str(run / "average")]
    assert main(["translate", args[0], *given, *args[1:]]) == 2
    said = (
        f"cannot load {run / 'average'}: it is the average/ folder inside the run folder {run} (what its "
        f"training keeps), not a model folder: give the model folder {tiny_model} (or the run folder {run})"
    )
    assert capsys.readouterr().err == f"rnnkit: error: {said}\n"
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(run / "average")
    assert str(exc.value) == said


def test_a_folder_of_a_run_without_a_model_is_said_as_before(tmp_path, capsys):
    # no model to name: the words are those of any folder without config.json
    from rnnkit.utils.markers import Mark, write_mark

    run = tmp_path / "run"
    (run / "average").mkdir(parents=True)
    write_mark(run, Mark("translate", "run"))
    assert main(["translate", "text", "--model", str(run / "average"), "Hi."]) == 2
    assert (
        capsys.readouterr().err
        == f"rnnkit: error: {run / 'average'} is not a model folder: config.json is missing\n"
    )


def test_a_run_trained_inside_another_run_is_not_called_a_part_of_it(tiny_model, tmp_path):
    # a run trained into RUN/sub, its model then gone: it was 'the sub/ folder inside the run folder
    # RUN ... give the model folder RUN/model', hiding the --resume that finishes it
    from rnnkit.utils.markers import Mark, write_mark

    run = tiny_model.parent
    sub = run / "sub"
    (sub / "checkpoints" / "epoch-0001").mkdir(parents=True)
    write_mark(sub, Mark("translate", "run"))
    try:
        with pytest.raises(RnnkitError) as exc:
            rnnkit.load(sub)
        assert "inside the run folder" not in str(exc.value) and "--resume" in str(exc.value)
    finally:
        import shutil

        shutil.rmtree(sub)
