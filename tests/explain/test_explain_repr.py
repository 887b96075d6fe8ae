"""A loaded explain model says what it is (QA, session 23), as a loaded Forecaster or Translator does:
its task, sequence length, variant and hidden size atop torch's module listing, not the listing alone."""

from __future__ import annotations

import rnnkit
from helpers_models import make_explain
from rnnkit.explain.training import build_model


def test_a_loaded_explain_model_says_its_task_length_cell_and_size(tmp_path):
    text = repr(rnnkit.load(make_explain(tmp_path / "m")))
    first, *listing = text.splitlines()
    assert first == "TaskModel("
    assert listing[0].strip() == "task='adding', length=10, cell='lstm', hidden_size=4"
    assert "(rnn): LSTM(2, 4, batch_first=True)" in text  # torch's listing is kept below it


def test_a_model_built_by_hand_names_its_variant_which_the_listing_cannot():
    # an IRNN's layer lists as a ReLU RNN; the variant says it starts from the identity
    text = repr(build_model("irnn", "copy", 4))
    assert text.splitlines()[1].strip() == "cell='irnn', hidden_size=4, per_step=True"
    assert "task=" not in text  # none yet: it is named when it is saved
