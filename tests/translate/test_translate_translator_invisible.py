"""Characters that show nothing inside a word (session 25): text copied from a web page or a PDF holds
zero-width spaces and soft hyphens, and ``I am a stu\u200bdent.`` came back as "밝은 농구에 있어요." with no
warning: the model read two unknown words. They are dropped before the model reads the source."""

from __future__ import annotations

import pytest

from rnnkit import load
from rnnkit.translate.translator import SHIPPED

CLEAN = ["I am a student.", "Where is the station?"]


@pytest.fixture(scope="module")
def shipped():
    return load(SHIPPED)


@pytest.mark.parametrize("mark", ["\u200b", "\u00ad", "\u2060", "\ufeff"])
@pytest.mark.parametrize("as_typed", [False, True])
def test_an_invisible_character_inside_a_word_changes_nothing(shipped, mark, as_typed):
    typed = ["I am a stu" + mark + "dent.", "Where is the sta" + mark + "tion?"]
    got = shipped.translate(typed, beam=1, as_typed=as_typed)
    want = shipped.translate(CLEAN, beam=1, as_typed=as_typed)
    assert [t.text for t in got] == [t.text for t in want]
    assert [t.source for t in got] == typed  # the source stays as given; read_as says how it was read
    assert [t.read_as for t in got] == CLEAN


def test_the_prepared_source_has_no_invisible_characters_but_keeps_emoji_joiners(shipped):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, held together by zero-width joiners
    assert shipped.prepared(["a\u200bb\u00adc " + family], typed=True) == ["abc " + family]
