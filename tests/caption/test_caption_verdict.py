"""The verdict line, the metric explanations, and the per-position baseline of the digits task."""

import math

import pytest
import torch

from rnnkit.caption.position_baseline import (
    BLANK,
    PositionReader,
    hidden_for,
    read_out,
    targets,
    train_position_reader,
)
from rnnkit.caption.verdict import explained, split_scores, verdict


def _shapes(colour, shape, phrase=0.9):
    return {"colour precision": colour, "shape precision": shape, "phrase precision": phrase}


def test_shapes_verdict_follows_the_targets():
    good = verdict({"test": _shapes(0.97, 0.96), "test_heldout": _shapes(0.9, 0.86)})
    assert good.startswith("It names what it sees") and "97%" in good and "86%" in good
    held_bad = verdict({"test": _shapes(0.97, 0.96), "test_heldout": _shapes(0.9, 0.6)})
    assert held_bad.startswith("It mostly names what it sees, but not reliably")
    blind = verdict({"test": _shapes(0.27, 0.43), "test_heldout": _shapes(0.2, 0.4)})
    assert blind.startswith("It often names the wrong thing")
    # precise by naming little: the share of drawn shapes named is said too
    terse = verdict({"test": {**_shapes(0.99, 0.98), "shape recall": 0.41},
                     "test_heldout": {**_shapes(0.99, 0.9), "shape recall": 0.38}})  # fmt: skip
    assert terse.endswith("it names 41% of the shapes drawn (38% in scenes with never-seen pairs).")


def test_digits_verdict_against_the_baseline():
    model = {"sequence accuracy": 0.93, "digit accuracy": 0.985}
    text = verdict({"test": model}, {"sequence accuracy": 0.8, "digit accuracy": 0.95})
    assert text.startswith("It reads handwritten numbers well") and "above a per-position" in text
    weak = verdict(
        {"test": {"sequence accuracy": 0.5, "digit accuracy": 0.8}},
        {"sequence accuracy": 0.8, "digit accuracy": 0.95},
    )
    assert "not yet" in weak and "not above" in weak
    assert "No verdict" in verdict({"test": {"CIDEr-D": 1.0}})


def test_scores_of_your_own_data_on_the_training_split_are_called_flattering():
    # a captions file with one split (Kaggle's captions.txt) is scored with --split train, as eval
    # suggests: its n-gram scores were printed with no word that the model was trained on those images
    assert "flatter" not in verdict({"test": {"CIDEr-D": 1.0}})
    text = verdict({"train": {"CIDEr-D": 1.0}})
    assert text.startswith("No verdict") and "images it was trained on, so they flatter it" in text


def test_split_scores_adds_what_applies_and_explanations_cover_it():
    refs = [[["1", "2"]], [["7"]]]
    scores = split_scores([["1", "2"], ["1"]], refs, [["1", "2"]], numbers=["12", "7"])
    assert scores["sequence accuracy"] == 0.5 and "colour precision" not in scores
    lines = explained(list(scores))
    assert {"BLEU-n", "CIDEr-D", "sequence accuracy", "digit accuracy"} <= set(lines)
    assert "colour / shape / size precision" not in lines


def test_position_targets_read_out_and_size():
    y = targets(["351", "7"])
    assert y.tolist() == [[3, 5, 1, BLANK, BLANK, BLANK], [7] + [BLANK] * 5]
    logits = torch.nn.functional.one_hot(y, 11).float()
    assert read_out(logits) == [["3", "5", "1"], ["7"]]
    model = PositionReader(16, 16, hidden_for(100_000, 16, 16))
    assert sum(p.numel() for p in model.parameters()) == pytest.approx(100_000, rel=0.02)


def test_position_reader_trains_and_reads():
    torch.manual_seed(0)
    images = torch.randint(0, 256, (24, 3, 32, 32), dtype=torch.uint8)
    numbers = ["1", "22", "333"] * 8
    model = train_position_reader(images, numbers, images[:6], numbers[:6], params=30_000, channels=16,
                                  locations=16, epochs=2, batch_size=8)  # fmt: skip
    with torch.no_grad():
        out = model(images[:3])
    assert out.shape == (3, 6, 11) and not model.training


def test_the_verdict_says_which_split_it_judges():
    """eval --split train (or val, or test_heldout alone): the verdict neither calls training scans
    'never seen in training' nor gives held-out figures as those of seen colour-shape pairs."""
    reading = {"sequence accuracy": 0.95, "digit accuracy": 0.99}
    trained_on = verdict({"train": reading, "val": reading})
    assert "never seen in training" not in trained_on
    assert trained_on.endswith("on the scans it was trained on (judged on the training split: images it was "
                               "trained on, so this flatters it).")  # fmt: skip
    assert verdict({"val": reading}).endswith("on scans never seen in training (judged on the val split).")
    assert verdict({"test": reading, "train": reading}).endswith("never seen in training.")
    held_only = verdict({"test_heldout": {**_shapes(0.99, 0.7, 0.6), "shape recall": 0.5}})
    assert "for seen colour-shape pairs" not in held_only and "for pairs never seen" not in held_only
    assert held_only == (
        "It often names the wrong thing in scenes with never-seen colour-shape pairs: of the colours and "
        "shapes it names there, 99% and 70% are in the picture (whole phrases right: 60%); it names 50% of "
        "the shapes drawn."
    )
    assert verdict({"train": _shapes(0.99, 0.99)}).endswith("so this flatters it).")


def test_captions_that_name_nothing_are_not_said_to_name_it_wrongly():
    # an undertrained model wrote 'a a small a small' for every image; the verdict said "of the colours
    # and shapes it names, 0% and 0% are in the picture": of none, which it did not say
    from rnnkit.caption.grounding import attribute_scores

    scene = [{"kind": "square", "colour": "blue", "size": "small", "row": 0, "col": 0}]
    mute = attribute_scores([scene, scene], [["a", "a", "small", "a", "small"], ["a", "large"]])
    assert mute["phrases per caption"] == 0 and mute["phrase claims"] == 0
    assert math.isnan(mute["colour precision"])  # of no claim: not 0, which reads "always wrong"
    said = verdict({"test": mute, "test_heldout": mute})
    assert said.startswith("It names no colour or shape; do not trust its captions: none holds a phrase")
    assert "0%" not in said and "of the colours and shapes it names" not in said
    only_held = verdict({"test_heldout": mute})
    assert only_held.startswith("It names no colour or shape in scenes with never-seen colour-shape pairs;")
    wrong = attribute_scores([scene], [["a", "small", "green", "circle"]])  # named, and wrong: as before
    assert wrong["phrases per caption"] == 1 and verdict({"test": wrong}).startswith(
        "It often names the wrong"
    )
    seen_only = verdict({"test": wrong, "test_heldout": mute})
    assert (
        "in scenes with colour-shape pairs never seen in training it names no colour-shape phrase"
        in seen_only
    )


def test_explanations_name_only_the_attributes_and_measures_shown():
    """QA (demo report): the demo's tables show colour and shape precision, and the glossary under them
    defined size precision and recall too; the full evaluation table keeps every one."""
    shown = explained(["CIDEr-D", "colour precision", "shape precision", "count precision"])
    assert shown["colour / shape precision"].startswith("of the colours (shapes) the captions name")
    assert "colour / shape / size precision" not in shown
    assert not any("recall" in text or "size" in name for name, text in shown.items())
    every = explained(["colour precision", "colour recall", "shape precision", "size recall"])
    assert "of the colours (shapes, sizes)" in every["colour / shape / size precision"]
    assert "recall: of those drawn" in every["colour / shape / size precision"]
    assert explained(["count recall"])["count precision"].endswith("asserted and right.")
