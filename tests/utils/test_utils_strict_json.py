"""``rnnkit.utils.strict_json``: non-finite floats round-trip, and the text is standard JSON."""

from __future__ import annotations

import json
import math

from rnnkit.utils import strict_json


def _reject(token: str):
    raise ValueError(f"non-standard JSON token {token}")


def test_non_finite_floats_round_trip_through_standard_json():
    value = {"best": float("nan"), "worst": float("-inf"), "rows": [{"loss": float("inf"), "n": 3}],
             "pair": (1.5, "min"), "plain": {"a": 0.25}}  # fmt: skip
    text = strict_json.dumps(value)
    json.loads(text, parse_constant=_reject)  # no NaN / Infinity tokens: any JSON reader takes it
    back = strict_json.loads(text)
    assert math.isnan(back["best"]) and back["worst"] == float("-inf")
    assert back["rows"] == [{"loss": float("inf"), "n": 3}]
    assert back["pair"] == [1.5, "min"] and back["plain"] == {"a": 0.25}


def test_write_is_atomic_standard_json(tmp_path):
    path = strict_json.write(
        tmp_path / "sub" / "metrics.json", {"MAPE": float("nan"), "name": "한국어", "n": 1}
    )
    text = path.read_text(encoding="utf-8")
    json.loads(text, parse_constant=_reject)
    assert text.endswith("}\n") and "한국어" in text  # UTF-8 kept readable
    assert json.loads(text)["MAPE"] is None  # a number that is not one: null, for any reader
    assert [p.name for p in path.parent.iterdir()] == ["metrics.json"]


def test_nulls_for_files_other_tools_read():
    value = {"CIDEr-D": float("nan"), "rows": [1.0, float("inf")], "pair": (float("-inf"), "x"), "n": 2}
    assert strict_json.nulls(value) == {"CIDEr-D": None, "rows": [1.0, None], "pair": [None, "x"], "n": 2}
    json.loads(json.dumps(strict_json.nulls(value), allow_nan=False), parse_constant=_reject)
