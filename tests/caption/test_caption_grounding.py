"""Per-attribute checks of what captions name against the drawn scene."""

import math

import pytest

from rnnkit.caption.grounding import attribute_scores, count_claim, mentioned_shapes, position_claims
from rnnkit.caption.shapes import generate

RED_TRI = {"size": "large", "colour": "red", "kind": "triangle", "row": 0, "col": 0}
BLUE_SQ = {"size": "small", "colour": "blue", "kind": "square", "row": 2, "col": 1}


def words(text):
    return text.split()


def test_noun_phrases_with_and_without_size():
    assert mentioned_shapes(words("a large red triangle above a blue square")) == [
        ("large", "red", "triangle"),
        (None, "blue", "square"),
    ]


def test_position_claims_true_and_false():
    scene = [RED_TRI, BLUE_SQ]
    assert position_claims(words("a red triangle above a blue square"), scene) == [True]
    assert position_claims(words("a red triangle to the right of a blue square"), scene) == [False]
    assert position_claims(words("a large red triangle in the top left"), [RED_TRI]) == [True]
    assert position_claims(words("a large red triangle in the bottom left"), [RED_TRI]) == [False]
    # a relation between shapes that are not drawn is false
    assert position_claims(words("a green circle above a blue square"), scene) == [False]


def test_count_claims():
    assert count_claim(words("three shapes including a red circle and a blue square")) == 3
    assert count_claim(words("a red circle , a blue square and a green hexagon")) == 3
    assert count_claim(words("a red circle and a blue square")) == 2
    assert count_claim(words("there is a red circle")) == 1
    assert count_claim(words("a red circle above a blue square")) is None  # a relation asserts no count


def test_attribute_scores_perfect_and_wrong():
    scenes = [[RED_TRI, BLUE_SQ], [BLUE_SQ]]
    perfect = attribute_scores(
        scenes, [words("a large red triangle above a blue square"), words("a small blue square")]
    )
    for attr in ("colour", "shape", "size", "phrase"):
        assert perfect[f"{attr} precision"] == 1.0
    assert perfect["colour recall"] == 1.0 and perfect["position precision"] == 1.0
    assert perfect["position recall"] == 0.5  # only the first caption states a position
    assert perfect["count precision"] == 1.0 and perfect["count recall"] == 0.5
    assert perfect["held-out named"] == 1.0
    # colour right, shape wrong, and the colour bound to the wrong shape
    wrong = attribute_scores([[RED_TRI, BLUE_SQ]], [words("a red square and a blue triangle")])
    assert wrong["colour precision"] == 1.0 and wrong["shape precision"] == 1.0
    assert wrong["phrase precision"] == 0.0 and wrong["count precision"] == 1.0
    worse = attribute_scores([[BLUE_SQ]], [words("a small green circle")])
    assert worse["colour precision"] == 0.0 and worse["shape precision"] == 0.0
    assert worse["size precision"] == 1.0 and worse["held-out named"] == 0.0
    nothing = attribute_scores([[BLUE_SQ]], [["a"]])  # no claim: no precision (NaN, 0 claims), not 0
    assert math.isnan(nothing["colour precision"]) and nothing["colour claims"] == 0
    assert nothing["colour recall"] == 0.0


def test_references_of_a_generated_dataset_are_all_true(tmp_path):
    from rnnkit.caption.datasets import read_karpathy

    data = read_karpathy(generate(tmp_path / "g", {"train": 30, "test_heldout": 10}, image_size=16, seed=2))
    scenes = [r.scene for r in data.records]
    for k in range(3):
        s = attribute_scores(scenes, [r.captions[k] for r in data.records])
        for attr in ("colour", "shape", "size", "position", "count", "phrase"):
            assert s[f"{attr} precision"] == pytest.approx(1.0), attr
