"""Sentences straight from a pandas table or a NumPy array: one column translates; a whole DataFrame
translated its column names (``list(df)``) as if they were the sentences, silently; a 2-D array was
refused as "sentence 1 is not text (a ndarray)"; a gap of a ``string`` column (``pd.NA``) was "not text
(a NAType)" where a float NaN was named missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.translate import Translator
from rnnkit.utils.errors import RnnkitError


@pytest.fixture(scope="module")
def tr(tiny_model):
    return Translator.from_pretrained(tiny_model, device="cpu")


def test_a_dataframe_is_refused_naming_its_columns_not_translated_by_them(tr):
    df = pd.DataFrame({"english": ["I am a student.", "Thank you."]})
    with pytest.raises(TypeError, match=r"not a DataFrame: pass one column, df\['english'\]") as caught:
        tr.translate(df)
    assert isinstance(caught.value, RnnkitError)
    one = tr.translate(df["english"], beam=1)
    assert [t.source for t in one] == ["I am a student.", "Thank you."]


@pytest.mark.parametrize(
    ("texts", "said"),
    [
        (np.array([["I am a student.", "Thank you."]]), "not a 2-D ndarray: pass a 1-D one"),
        (np.array("I am a student."), "not a 0-D ndarray: pass a 1-D one"),
    ],
    ids=["rows", "one-string"],
)
def test_an_array_of_other_than_one_dimension_is_refused_by_its_shape(tr, texts, said):
    with pytest.raises(TypeError, match=said):
        tr.translate(texts)


@pytest.mark.parametrize(
    ("column", "shown"),
    [
        (pd.Series(["I am a student.", pd.NA], dtype="string"), "<NA>"),
        (["I am a student.", None], "None"),
        (pd.Series(["I am a student.", float("nan")]), "nan"),
        (np.array(["I am a student.", np.float32("nan")], dtype=object), "nan"),
        (["I am a student.", pd.NaT], "NaT"),
    ],
    ids=["pandas-NA", "None", "float-nan", "float32-nan", "NaT"],
)
def test_a_gap_in_a_column_is_named_missing_by_its_position(tr, column, shown):
    with pytest.raises(TypeError, match=rf"^sentence 2 is missing \({shown}\), not text: drop it first"):
        tr.translate(column)
