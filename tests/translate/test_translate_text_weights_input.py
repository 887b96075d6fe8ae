"""Model weights given where translate reads text (session 33): ``translate text --input
model.safetensors`` said "model.safetensors line 1 is not utf-8 text (give its encoding with --encoding)",
and ``translate eval --corpus model.safetensors`` "line 1 is not UTF-8 text": no encoding reads weights.
A torch.save file (a zip) was "a zip archive ...: unzip it". Each is now named as weights in one line,
by the rule every reader of a user's text file shares (:func:`rnnkit.utils.byte_order.not_text`)."""

from __future__ import annotations

import pickle

import pytest
import torch

from rnnkit.cli import main


def _safetensors(path, n):  # noqa: ANN001, ANN202
    from safetensors.torch import save_file

    # one tensor: a JSON header under 128 bytes, whose length byte UTF-8 reads (then NUL bytes);
    # many: a length byte UTF-8 does not read
    save_file({f"layer{i}.weight": torch.randn(3, 2) for i in range(n)}, str(path))
    return "model weights (safetensors)"


def _torch_save(path, n):  # noqa: ANN001, ANN202
    torch.save({"weight": torch.randn(3, 2)}, path)
    return "model weights (a torch.save file)"


def _pickle(path, n):  # noqa: ANN001, ANN202
    path.write_bytes(pickle.dumps({"weight": [0.5] * 4}, protocol=n))
    return "a Python pickle"


WEIGHTS = [
    pytest.param(_safetensors, "model.safetensors", 1, id="safetensors-small-header"),
    pytest.param(_safetensors, "model.safetensors", 40, id="safetensors"),
    pytest.param(_torch_save, "model.pt", 0, id="torch-save"),
    pytest.param(_pickle, "model.pkl", 4, id="pickle"),
]


@pytest.mark.parametrize(("write", "name", "n"), WEIGHTS)
def test_text_input_of_weights_is_one_line_naming_them(tiny_model, tmp_path, capsys, write, name, n):
    path = tmp_path / name
    what = write(path, n)
    for given in (["--input", str(path)], ["--input", str(path), "--encoding", "latin-1"]):
        code = main(["translate", "text", "--model", str(tiny_model), "--no-progress", *given])
        out, err = capsys.readouterr()
        assert (code, out) == (2, "")
        assert err == f"rnnkit: error: {path} is {what}, not text: give a text file\n"


@pytest.mark.parametrize(("write", "name", "n"), WEIGHTS)
def test_eval_of_weights_as_the_corpus_is_one_line_naming_them(tiny_model, tmp_path, capsys, write, name, n):
    path = tmp_path / name
    what = write(path, n)
    for given in (["--corpus", str(path)], ["--src-file", str(path), "--tgt-file", str(path)]):
        code = main(["translate", "eval", "--model", str(tiny_model), "--split", "all", *given])
        out, err = capsys.readouterr()
        assert (code, out) == (2, "")
        assert err == f"rnnkit: error: {path} is {what}, not text: give a text file\n"


def test_a_zip_that_is_no_torch_save_file_is_still_an_archive(tmp_path):
    import zipfile

    from rnnkit.utils.byte_order import MAGIC_BYTES, not_text, weights

    path = tmp_path / "pairs.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("kor.txt", "Hi.\t안녕.\n")
    head = path.read_bytes()[:MAGIC_BYTES]
    assert weights(head) is None and not_text(head, "pairs.zip") is None
    assert weights(b"I am a student.\n") is None and weights(b"") is None
