"""The Python API as a notebook user meets it (QA, session 23): each wrong argument is an exception a
user can catch, naming the argument in one sentence; never torch's or pandas' own error, never a silent
wrong answer (a truthy string switching a setting on, a dict's keys translated)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers_models import make_translate
from rnnkit.translate import Translation, Translator
from rnnkit.utils.errors import RnnkitError


@pytest.fixture(scope="module")
def translator(tmp_path_factory) -> Translator:
    return Translator.from_pretrained(make_translate(tmp_path_factory.mktemp("tr") / "m"), device="cpu")


@pytest.mark.parametrize(
    "texts, needle",
    [
        ("Thank you.", "not one string"),
        (None, "got NoneType"),
        (5, "got int"),
        (b"I am a student.", "not bytes"),  # was iterated byte by byte: "sentence 1 is not text (a int)"
        ([b"Hi."], "sentence 1 is bytes, not text"),
        ({"I am a student.": 1}, "not a mapping"),  # was: its keys translated, its values dropped
    ],
)
def test_what_is_not_a_list_of_text_is_a_type_error_naming_what_to_pass(translator, texts, needle):
    with pytest.raises(TypeError, match=needle) as caught:
        translator.translate(texts)
    assert isinstance(caught.value, RnnkitError) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"alpha": "0.6"}, "alpha must be a number, got str"),  # was math.isfinite's 'must be real number'
        ({"coverage": "x"}, "coverage must be a number"),
        ({"no_repeat_ngram": 1.5}, "no_repeat_ngram must be an int"),  # was torch unfold()'s TypeError
        ({"no_repeat_ngram": "3"}, "no_repeat_ngram must be an int"),  # was "'<' not supported"
        ({"mbr": "no"}, "mbr must be True or False"),  # was: a true string, MBR switched on
        ({"attention": "yes"}, "attention must be True or False"),
        ({"as_typed": 1}, "as_typed must be True or False"),
        ({"check_numbers": "off"}, "check_numbers must be True or False"),
    ],
)
def test_decoding_arguments_of_the_wrong_type_are_named(translator, kwargs, needle):
    with pytest.raises(TypeError, match=needle) as caught:
        translator.translate(["I am a student."], **kwargs)
    assert isinstance(caught.value, RnnkitError)


def test_numpy_strings_and_switches_are_taken_and_given_back_as_plain_values(translator):
    out = translator.translate(np.array(["I am a student."]), mbr=np.bool_(False), beam=2)
    assert type(out[0].source) is str and repr(out[0]).startswith("Translation(source='I am a student.'")


def test_translator_help_shows_how_to_load_and_translate():
    doc = Translator.__doc__ or ""
    assert "from_pretrained" in doc and ".translate([" in doc and ">>>" in doc


def test_translation_help_names_its_fields_and_the_attention_shape(translator):
    doc = Translation.__doc__ or ""
    for field in ("source", "text", "score", "read_as", "alternatives", "truncated", "hit_max", "unreadable"):
        assert f"``{field}``" in doc, field
    (t,) = translator.translate(["I am a student."], attention=True)
    assert "``(T_out, S_in)``" in doc and tuple(t.attention.shape) == (len(t.tgt_pieces), len(t.src_pieces))


def test_numpy_integers_count_as_the_ints_they_are(translator):
    # was: "max_len must be an int; got int64 np.int64(20)" (beam, n_best, batch_size alike)
    n = np.arange(1, 30)
    out = translator.translate(["I am a student."], beam=n[1], n_best=n[1], batch_size=n[3], max_len=n[19])
    assert len(out) == 1 and len(out[0].alternatives) <= 2


@pytest.mark.parametrize("gap, shown", [(float("nan"), "nan"), (None, "None")])
def test_a_missing_value_in_a_column_of_sentences_is_named_missing(translator, gap, shown):
    import pandas as pd

    column = pd.Series(["I am a student.", gap, "Hi."], dtype=object)  # as read_csv gives a blank cell
    with pytest.raises(TypeError, match=rf"^sentence 2 is missing \({shown}\), not text: drop it first"):
        translator.translate(column)  # was: "sentence 2 is not text (a float)"
