"""Checked JSON: parse limits and typed schemas with bounds (issue 10, item 3)."""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.schema import (
    Anything,
    Bool,
    Float,
    Int,
    List,
    MapOf,
    Obj,
    Opt,
    Str,
    parse_json,
    read_json,
    validate,
)

CONFIG = Obj(
    required={"hidden": Int(1, 4096), "cells": List(Str(("rnn", "lstm")), 1, 3)},
    optional={"dropout": Float(0.0, 0.99), "bidirectional": Bool(), "info": Opt(Anything())},
)


def test_a_good_value_passes_and_ints_become_floats_where_floats_go():
    got = validate({"hidden": 8, "cells": ["lstm"], "dropout": 0, "extra": [1]}, CONFIG, "c.json")
    assert got == {"hidden": 8, "cells": ["lstm"], "dropout": 0.0, "extra": [1]}
    assert isinstance(got["dropout"], float)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"hidden": 10**7, "cells": ["rnn"]}, "c.json: hidden must be an integer in [1, 4096], got 10000000"),
        ({"hidden": True, "cells": ["rnn"]}, "c.json: hidden must be an integer in [1, 4096], got true"),
        ({"hidden": 8.0, "cells": ["rnn"]}, "c.json: hidden must be an integer in [1, 4096], got 8.0"),
        ({"hidden": "8", "cells": ["rnn"]}, 'c.json: hidden must be an integer in [1, 4096], got "8"'),
        ({"hidden": 8, "cells": "rnn"}, 'c.json: cells must be a list, got "rnn"'),
        ({"hidden": 8, "cells": ["gru"]}, 'c.json: cells[0] must be one of rnn, lstm, got "gru"'),
        ({"hidden": 8, "cells": []}, "c.json: cells must be a list of 1 to 3 items"),
        (
            {"hidden": 8, "cells": ["rnn"], "dropout": math.nan},
            "dropout must be a finite number in [0, 0.99]",
        ),
        ({"hidden": 8, "cells": ["rnn"], "dropout": 1.5}, "dropout must be a finite number in [0, 0.99]"),
        ({"hidden": 8, "cells": ["rnn"], "bidirectional": 1}, "bidirectional must be true or false, got 1"),
        ({"cells": ["rnn"]}, "c.json: lacks 'hidden'"),
        ([1, 2], "c.json: must be an object, got [1, 2]"),
    ],
)
def test_each_wrong_value_is_one_line_naming_the_path(value, message):
    with pytest.raises(RnnkitError) as info:
        validate(value, CONFIG, "c.json")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_closed_objects_and_maps():
    with pytest.raises(RnnkitError, match="unknown field 'b'"):
        validate({"a": 1, "b": 2}, Obj({"a": Int(0, 9)}, extra=False), "x")
    with pytest.raises(RnnkitError, match=r"x: k2 must be an integer"):
        validate({"k1": 1, "k2": "no"}, MapOf(Int(0, 9)), "x")
    with pytest.raises(RnnkitError, match="at most 2 entries"):
        validate({"a": 1, "b": 2, "c": 3}, MapOf(Int(0, 9), max_items=2), "x")
    with pytest.raises(RnnkitError, match="at most 3 characters"):
        validate("abcd", Str(max_len=3), "x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than 32 levels"),
        ('{"a": ' + "9" * 5000 + "}", "5000-digit number"),
        ('{"a": -' + "9" * 5000 + "}", "5001-digit number"),
        ('{"a": 1.' + "5" * 5000 + "}", "character number"),
        ('{"a": 1e999}', "out of range"),
        ('{"a": NaN}', "NaN, which is not a JSON number"),
        ('{"a": -Infinity}', "-Infinity"),
        ('{"a": ', "is not valid JSON"),
        (b"\xfe{}", "is not UTF-8"),  # \xff\xfe would be a UTF-16 mark
    ],
)
def test_parse_refuses_what_would_crash_or_mislead(text, message):
    with pytest.raises(RnnkitError) as info:
        parse_json(text, "f.json")
    assert message in str(info.value) and str(info.value).startswith("f.json ")


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert parse_json(json.dumps({"s": "[" * 1000 + '"{'}), "f") == {"s": "[" * 1000 + '"{'}
    assert parse_json(json.dumps([[[1]]]), "f", max_depth=3) == [[[1]]]
    with pytest.raises(RnnkitError):
        parse_json(json.dumps([[[1]]]), "f", max_depth=2)


def test_read_json_names_the_file_and_limits_its_size(tmp_path):
    with pytest.raises(RnnkitError, match="nope.json not found"):
        read_json(tmp_path / "nope.json")
    big = tmp_path / "big.json"
    big.write_text("[" + "0," * 1000 + "0]")
    with pytest.raises(RnnkitError, match="more than"):
        read_json(big, max_bytes=100)
    assert len(read_json(big)) == 1001
    with pytest.raises(RnnkitError, match="cannot read"):
        read_json(tmp_path)  # a folder


@settings(max_examples=80, deadline=20_000)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_any_bytes_parse_or_give_one_line(data):
    try:
        value = parse_json(data, "f.json")
    except RnnkitError as exc:
        assert "\n" not in str(exc)
    else:
        try:
            validate(value, CONFIG, "f.json")
        except RnnkitError as exc:
            assert "\n" not in str(exc)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=100, deadline=20_000)
@given(st.dictionaries(st.sampled_from(["hidden", "cells", "dropout", "bidirectional", "info"]), json_values))
def test_any_json_object_validates_or_gives_one_line(value):
    try:
        got = validate(value, CONFIG, "c.json")
    except RnnkitError as exc:
        assert "\n" not in str(exc)
    else:
        assert 1 <= got["hidden"] <= 4096 and not isinstance(got["hidden"], bool)
        assert all(c in ("rnn", "lstm") for c in got["cells"])


def test_an_error_under_a_free_key_with_a_newline_stays_one_line():
    """Found by the loaders' fuzz test: a series id key holding a newline broke the one-line error."""
    from rnnkit.utils.schema import validate

    spec = Obj({"series": MapOf(Obj({"input": Str()}))})
    with pytest.raises(RnnkitError) as exc:
        validate({"series": {"a\nb": {}}}, spec, "m/config.json")
    assert "\n" not in str(exc.value) and "'a\\nb'" in str(exc.value) and "lacks 'input'" in str(exc.value)
    with pytest.raises(RnnkitError, match=r"series\.ibm lacks"):  # printable keys read as before
        validate({"series": {"ibm": {}}}, spec, "m/config.json")


def test_a_byte_order_mark_before_the_document_is_dropped(tmp_path):
    """Windows Notepad saves UTF-8 with a mark; JSON lets a reader ignore it (RFC 8259, 8.1)."""
    path = tmp_path / "config.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"epochs": 3}).encode())
    assert read_json(path) == {"epochs": 3}
    assert parse_json("\ufeff[1, 2]", "text") == [1, 2]
    with pytest.raises(RnnkitError, match="is not valid JSON"):
        parse_json("[1, \ufeff2]", "text")  # only a leading mark is no part of the document


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_json_bytes_read_by_their_byte_order_mark(encoding):
    """As json.loads reads bytes: UTF-16 JSON (Notepad's "Unicode") was "not UTF-8 text (byte 0)"."""
    assert parse_json(('\ufeff{"a": [1, "é"]}').encode(encoding), "x.json") == {"a": [1, "é"]}


def test_json_bytes_not_text_in_their_marked_encoding_name_it():
    with pytest.raises(RnnkitError, match=r"^x.json is not UTF-16 text \(byte 4\)$"):
        parse_json(b"\xff\xfe{\x00\x00\xd8", "x.json")
    with pytest.raises(RnnkitError, match=r"^x.json is not UTF-8 text \(byte 0\)$"):
        parse_json(b"\xff{}", "x.json")
    # counted from the file's first byte, as an editor counts: after UTF-8's mark the codec counted 3 short
    with pytest.raises(RnnkitError, match=r"^x.json is not UTF-8 text \(byte 9\)$"):
        parse_json(b'\xef\xbb\xbf{"a": \xff}', "x.json")
