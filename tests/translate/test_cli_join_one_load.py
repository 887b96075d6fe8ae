"""``translate average`` and ``translate ensemble`` read each model folder once: they compared the
folders on one read and then read every folder again to check it loads as ``translate text`` loads it
(twice the time and disk reads for members of hundreds of MB). The checks now run on the first read."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

import rnnkit.train.modelfile as modelfile
from rnnkit.cli import main
from rnnkit.translate import Translator


@pytest.mark.parametrize("command", ["average", "ensemble"])
def test_each_folder_is_read_once(tiny_model, tmp_path, monkeypatch, capsys, command):
    copy = tmp_path / "copy"
    if command == "average":  # another model (a copy alone is one model: nothing to average)
        assert main(["translate", "average", str(tiny_model), "--out", str(copy), "--fp16"]) == 0
    else:
        shutil.copytree(tiny_model, copy)
    reads: Counter[Path] = Counter()
    real = modelfile.load_model

    def counted(folder, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        reads[Path(folder).resolve()] += 1
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(modelfile, "load_model", counted)
    out = tmp_path / "out"
    assert main(["translate", command, str(tiny_model), str(copy), "--out", str(out)]) == 0, (
        capsys.readouterr()
    )
    assert reads == {Path(tiny_model).resolve(): 1, copy.resolve(): 1}
    monkeypatch.undo()
    assert Translator.from_pretrained(out, device="cpu").translate(["I am a student."], beam=1)[0].text
