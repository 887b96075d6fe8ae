"""``translate average`` of one model (session 33): it wrote a copy and said "averaged 1 model", while
``translate ensemble`` refuses one model. One model with nothing to change is refused in one line;
with --fp16, --fp32, --beam or --mbr it is a conversion (float16 weights, saved decoding), as before,
said as a copy. (This replaces test_translate_input_checks's "averaged 1 model" check.)"""

from __future__ import annotations

import json

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


def test_two_models_are_still_averaged(tiny_model, tmp_path, capsys):
    out = tmp_path / "avg"
    assert main(["translate", "average", str(tiny_model), str(tiny_model.parent), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"averaged 2 models: {out}\n"
