"""``translate average`` and ``translate ensemble`` read each model folder as every other load does: a
folder a save replaced between its weights and its tokenizers is read again by itself (both read it with
a plain ``load_model`` and failed "the folder was replaced by a save after its model was read; load it
again", where docs/reliability.md says every command that reads a model reads it again)."""

from __future__ import annotations

import pytest
import torch

import rnnkit
from helpers_models import make_translate
from rnnkit.train import modelfile
from rnnkit.translate.averaging import average_folders
from rnnkit.translate.ensemble import ensemble_folders


@pytest.mark.parametrize("combine", [average_folders, ensemble_folders], ids=["average", "ensemble"])
def test_a_folder_saved_over_while_it_is_read_is_read_again(tmp_path, monkeypatch, combine):
    a, b = make_translate(tmp_path / "a"), make_translate(tmp_path / "b")
    newer = make_translate(tmp_path / "newer")  # the same tokenizers, other weights
    expected = modelfile.load_model(combine([newer, b], tmp_path / "expected")).state_dict
    before = modelfile.load_model(combine([a, b], tmp_path / "before")).state_dict  # a's old weights
    real, saves = modelfile.load_model, []

    def load_then_saved(*args, **kwargs):
        loaded = real(*args, **kwargs)
        if not saves:  # a's weights read; its tokenizers not yet
            saves.append(0)
            rnnkit.load(newer, device="cpu").save_pretrained(a)
        return loaded

    monkeypatch.setattr(modelfile, "load_model", load_then_saved)
    out = combine([a, b], tmp_path / "out")
    assert saves == [0]
    state = real(out).state_dict
    assert state.keys() == expected.keys()
    assert all(torch.equal(state[k], expected[k]) for k in state)  # newer's weights, whole
    assert not all(torch.equal(state[k], before[k]) for k in state)
