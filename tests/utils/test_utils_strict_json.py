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
