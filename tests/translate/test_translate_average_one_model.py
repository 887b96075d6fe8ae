"""``translate average`` of one model (session 33): it wrote a copy and said "averaged 1 model", while
``translate ensemble`` refuses one model. One model with nothing to change is refused in one line;
with --fp16, --fp32, --beam or --mbr it is a conversion (float16 weights, saved decoding), as before,
said as a copy. (This replaces test_translate_input_checks's "averaged 1 model" check.) One model given
again (M M, M and its run folder, a copy) is one model: refused or copied alike, where it said "averaged
2 models"."""

from __future__ import annotations

import json
import shutil

import pytest

from rnnkit.cli import main

REFUSED = (
    "rnnkit: error: nothing to average: give two or more model folders (translate train --average-last "
    "averages a run's last epochs; --fp16 or --beam with one model saves a converted copy)\n"
)


@pytest.mark.parametrize("which", ["model", "run"])
def test_one_model_alone_is_refused_in_one_line(tiny_model, tmp_path, capsys, which):
    given = tiny_model if which == "model" else tiny_model.parent  # a run folder names its model/
    out = tmp_path / "avg"
    assert main(["translate", "average", str(given), "--out", str(out)]) == 2
    assert capsys.readouterr() == ("", REFUSED)
    assert not out.exists()


def test_a_folder_that_is_no_model_says_so_before_the_count(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["translate", "average", str(empty), "--out", str(tmp_path / "avg")]) == 2
    assert (
        capsys.readouterr().err == f"rnnkit: error: {empty} is not a model folder: config.json is missing\n"
    )


@pytest.mark.parametrize(
    ("options", "said", "dtype", "decoding"),
    [
        (["--fp16"], "float16 weights", "float16", {}),
        (["--fp32"], "float32 weights", "float32", {}),
        (["--beam", "3", "--no-mbr"], "beam 3, MBR off", "float32", {"beam": 3, "mbr": False}),
    ],
    ids=["fp16", "fp32", "decoding"],
)
def test_one_model_with_a_change_is_a_copy_so_changed(
    tiny_model, tmp_path, capsys, options, said, dtype, decoding
):
    out = tmp_path / "copy"
    assert main(["translate", "average", str(tiny_model), "--out", str(out), *options]) == 0
    assert capsys.readouterr().out == f"copied {tiny_model} with {said}: {out}\n"
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert cfg["weights_dtype"] == dtype and "averaged_from" not in cfg
    assert {k: cfg["decoding"][k] for k in decoding} == decoding


@pytest.mark.parametrize("which", ["model", "run", "copy", "thrice"])
def test_one_model_given_again_is_one_model_and_refused(tiny_model, tmp_path, capsys, which):
    """``average M M`` and ``average M RUN`` (M's run folder) said "averaged 2 models" with a warning
    that the second "counts once more in the mean": a plain copy, as refused for one model."""
    copy = tmp_path / "copy"
    shutil.copytree(tiny_model, copy)
    given = {
        "model": [tiny_model, tiny_model],
        "run": [tiny_model, tiny_model.parent],
        "copy": [tiny_model, copy],
        "thrice": [tiny_model.parent, tiny_model, copy],
    }[which]
    out = tmp_path / "avg"
    assert main(["translate", "average", *map(str, given), "--out", str(out)]) == 2
    names = f"{', '.join(map(str, given[:-1]))} and {given[-1]}"
    said = REFUSED.replace("average: ", f"average: {names} are one model (the same weights); ")
    assert capsys.readouterr() == ("", said)
    assert not out.exists()


def test_one_model_given_again_with_a_change_is_a_copy_so_changed(tiny_model, tmp_path, capsys):
    out = tmp_path / "copy"
    run = tiny_model.parent
    assert main(["translate", "average", str(tiny_model), str(run), "--out", str(out), "--fp16"]) == 0
    assert capsys.readouterr() == (
        f"copied {tiny_model} with float16 weights: {out}\n",
        f"rnnkit: note: {tiny_model} and {run} are one model (the same weights): nothing to average\n",
    )
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert cfg["weights_dtype"] == "float16" and "averaged_from" not in cfg


def test_two_models_and_a_repeat_are_still_averaged_with_the_warning(tiny_model, tmp_path, capsys):
    half = tmp_path / "half"  # another model: float16 rounding changed its weights
    assert main(["translate", "average", str(tiny_model), "--out", str(half), "--fp16"]) == 0
    capsys.readouterr()
    out = tmp_path / "avg"
    given = [tiny_model, half, tiny_model.parent]
    assert main(["translate", "average", *map(str, given), "--out", str(out)]) == 0
    assert capsys.readouterr() == (
        f"averaged 3 models: {out}\n",
        f"rnnkit: warning: {tiny_model.parent} holds the same weights as {tiny_model}: it counts once more "
        "in the mean\n",
    )
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert cfg["averaged_from"] == [str(m) for m in given]
