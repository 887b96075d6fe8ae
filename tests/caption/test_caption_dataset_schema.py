"""Caption dataset JSON is checked against a schema: malformed shapes are one line each, and tokens
given as a string are refused, not split into characters (issue 10, item 8); fuzzed with hypothesis."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from rnnkit.caption.datasets import load_captions, read_coco, read_karpathy
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError


def _good():
    return {
        "images": [{"filename": "a.png", "split": "train", "sentences": [{"tokens": ["a", "red", "circle"]}]}]
    }


def _with(path: str, value):
    data = _good()
    node, *rest = path.split(".")
    target = data["images"][0]
    keys = [node, *rest]
    for k in keys[:-1]:
        target = target[int(k)] if isinstance(target, list) else target[k]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


KARPATHY_SHAPES = [
    ({"images": {"a.png": []}}, "no 'images' list"),
    ({"images": [1, 2]}, "images[0] must be an object, got 1"),
    ({"images": [{"filename": "a.png"}]}, "images[0] lacks 'sentences'"),
    (_with("sentences", "a red circle"), 'images[0].sentences must be a list, got "a red circle"'),
    (_with("sentences.0", "a red circle"), "images[0].sentences[0] must be an object"),
    (
        _with("sentences.0.tokens", "a red circle"),
        'images[0].sentences[0].tokens must be a list, got "a red circle"',
    ),
    (_with("sentences.0.tokens", [1, 2]), "images[0].sentences[0].tokens[0] must be a string, got 1"),
    (_with("sentences.0", {"raw": 5}), "images[0].sentences[0].raw must be a string, got 5"),
    (_with("filename", None), "images[0].filename must be a string, got null"),
    (_with("filepath", ["imgs"]), "images[0].filepath must be a string"),
    (_with("split", 3), "images[0].split must be a string, got 3"),
    (_with("imgid", [1]), "images[0].imgid must be an integer or a string, got [1]"),
    (_with("shapes", [1]), "images[0].shapes[0] must be an object, got 1"),
]


@pytest.fixture
def folder(tmp_path):
    Image.new("RGB", (8, 8)).save(tmp_path / "a.png")
    return tmp_path


@pytest.mark.parametrize(("data", "needle"), KARPATHY_SHAPES)
def test_each_malformed_karpathy_shape_is_one_line(folder, data, needle):
    path = folder / "dataset.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RnnkitError) as info:
        read_karpathy(path)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_the_good_shape_reads_and_tokens_stay_words(folder):
    path = folder / "dataset.json"
    path.write_text(json.dumps(_good()))
    assert read_karpathy(path).records[0].captions == [["a", "red", "circle"]]


COCO_SHAPES = [
    ({"annotations": [5]}, "annotations[0] must be an object, got 5"),
    ({"annotations": [{"image_id": [1], "caption": "a"}], "images": []}, "annotations[0].image_id must be"),
    (
        {"annotations": [{"image_id": 1, "caption": ["a"]}], "images": []},
        "annotations[0].caption must be a string",
    ),
    ({"annotations": [], "images": [{"id": 1}]}, "images[0] lacks 'file_name'"),
    ({"annotations": [], "images": {"id": 1}}, "images must be a list"),
]


@pytest.mark.parametrize(("data", "needle"), COCO_SHAPES)
def test_each_malformed_coco_shape_is_one_line(folder, data, needle):
    path = folder / "captions.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RnnkitError) as info:
        read_coco(path, folder)
    assert needle in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"images": ' + "[" * 10_000 + "]" * 10_000 + "}", "nested more than"),
        ('{"images": [], "dataset": ' + "1" * 5000 + "}", "5000-digit number"),
        ('{"images": [{"filename": "a.png", "imgid": NaN, "sentences": []}]}', "NaN"),
    ],
)
def test_hostile_json_is_one_line_through_the_command_line(folder, capsys, text, needle):
    path = folder / "dataset.json"
    path.write_text(text)
    assert main(["caption", "train", "--data", str(path), "--out", str(folder / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: ") and err.count("\n") == 1 and needle in err, err
    assert not (folder / "out").exists()


def test_tokens_as_a_string_are_refused_through_the_command_line(folder, capsys):
    path = folder / "dataset.json"
    path.write_text(json.dumps(_with("sentences.0.tokens", "a red circle")))
    assert main(["caption", "train", "--data", str(path), "--out", str(folder / "out")]) == 2
    assert "tokens must be a list" in capsys.readouterr().err


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=20,
)
keys = st.sampled_from(["filename", "filepath", "split", "sentences", "tokens", "raw", "imgid", "shapes",
                        "images", "annotations", "image_id", "caption", "file_name", "id"])  # fmt: skip
shaped = st.recursive(
    json_values,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=80, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["images", "annotations", "dataset"]), shaped, max_size=2))
def test_any_json_reads_or_gives_one_line(folder, data):
    path = folder / "fuzz.json"
    path.write_text(json.dumps(data))
    try:
        result = load_captions(path, images=folder)
    except RnnkitError as exc:
        assert "\n" not in str(exc)
    else:
        for record in result.records:
            assert all(isinstance(w, str) for cap in record.captions for w in cap)


@settings(max_examples=60, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_read_or_give_one_line(folder, data):
    path = folder / "fuzz.json"
    path.write_bytes(data)
    try:
        load_captions(path, images=folder)
    except RnnkitError as exc:
        assert "\n" not in str(exc)
