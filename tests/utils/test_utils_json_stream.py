"""``json_stream.streamed_json``: the document ``strict_json.write`` writes of the whole, byte for byte,
written entry by entry into a temporary file that replaces the target only when finished."""

import math

import pytest

from rnnkit.utils import strict_json
from rnnkit.utils.json_stream import streamed_json

HEAD = {"beam": 3, "length_penalty": math.nan, "name": '그림 "one"\n', "nested": {"a": [1, {"b": None}]}}
ENTRIES = [
    {"image": "a.png", "caption": "a red circle", "ood_score": math.inf},
    {"image": "ß\tb.png"},
    [],
    {},
]


@pytest.mark.parametrize("n", [0, 1, 4])
@pytest.mark.parametrize("tail", [{}, {"failed": []}, {"failed": [{"image": "x", "error": "bad"}], "n": 1.5}])
def test_the_text_is_what_strict_json_writes_of_the_whole(tmp_path, n, tail):
    whole, streamed = tmp_path / "whole.json", tmp_path / "streamed.json"
    strict_json.write(whole, {**HEAD, "images": ENTRIES[:n], **tail})
    with streamed_json(streamed, HEAD, "images") as doc:
        for entry in ENTRIES[:n]:
            doc.add(entry)
        doc.finish(tail)
    assert streamed.read_bytes() == whole.read_bytes()
    assert doc.count == n


def test_entries_go_to_a_temporary_file_and_the_target_appears_at_the_end(tmp_path):
    target = tmp_path / "d.json"
    with streamed_json(target, {}, "images") as doc:
        doc.add({"image": "a.png"})
        doc._out.flush()
        (tmp,) = [p for p in tmp_path.iterdir() if p != target]
        assert '"a.png"' in tmp.read_text() and not target.exists()
        doc.finish()
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]


def test_an_unfinished_or_failed_document_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "d.json"
    target.write_text("old\n")
    with streamed_json(target, {}, "images") as doc:
        doc.add({"image": "a.png"})  # never finished: nothing described
    with pytest.raises(KeyboardInterrupt), streamed_json(target, {}, "images") as doc:
        doc.add({"image": "a.png"})
        raise KeyboardInterrupt
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["d.json"]


def test_no_path_writes_nothing_but_counts(tmp_path):
    with streamed_json(None, {}, "images") as doc:
        doc.add({"image": "a.png"})
        doc.finish()
    assert doc.count == 1 and not any(tmp_path.iterdir())


def test_the_list_key_is_not_repeated():
    with pytest.raises(ValueError, match="streamed list"), streamed_json(None, {"images": 1}, "images"):
        pass
    with pytest.raises(ValueError, match="repeats"), streamed_json(None, {"beam": 1}, "images") as doc:
        doc.finish({"beam": 2})
