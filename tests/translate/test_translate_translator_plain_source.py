"""What a source holds that the model never saw (session 25). Text copied from a web page or a PDF
holds zero-width spaces and soft hyphens: ``I am a stu\u200bdent.`` came back as "밝은 농구에 있어요."
with no warning, the model reading two unknown words; they are dropped. A Japanese or Chinese input
method types full-width Latin (``Ｉ ａｍ``): it is read as the ASCII it stands for."""

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


def test_full_width_latin_from_an_asian_input_method_is_read_as_ascii(shipped, capsys):
    """``Ｉ ａｍ ａ ｓｔｕｄｅｎｔ．`` was "Ｉ는 학생이에요.": the unknown full-width I carried as a name."""
    typed = ["Ｉ\u3000ａｍ ａ ｓｔｕｄｅｎｔ．", "Ｗｈｅｒｅ ｉｓ ｔｈｅ ｓｔａｔｉｏｎ？"]
    got = shipped.translate(typed, beam=1)
    want = shipped.translate(CLEAN, beam=1)
    assert [t.text for t in got] == [t.text for t in want]
    assert [t.read_as for t in got] == CLEAN


@pytest.mark.parametrize("space", ["\x0c", "\x0b", "\x1c", "\x1f", "\x85", "\u2028", "\xa0", "\t"])
def test_any_whitespace_inside_a_line_is_read_as_a_space(shipped, space):
    """A form feed or U+2028 inside a line of --input stays in it (LineReader); the tokenizer dropped a
    vertical tab or U+001C-U+001F, joining the words around it, and read NEL (a Windows-1252 ellipsis
    read as latin-1) as an unknown piece. Each is read as a space, as the corpus was cleaned."""
    typed = [f"I am a{space}student.", f"Wait{space} Where is the station?", f"Hello.{space}Thank you."]
    spaced = [t.replace(space, " ") for t in typed]
    got = shipped.translate(typed, beam=1)
    assert [t.text for t in got] == [t.text for t in shipped.translate(spaced, beam=1)]
    assert [t.source for t in got] == typed
    assert not any(t.unknown_share for t in got)


def test_every_unicode_whitespace_is_read_as_a_space(shipped):
    spaces = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert shipped.prepared([f"a{spaces}b"], typed=True) == ["a" + " " * len(spaces) + "b"]


def test_a_line_of_punctuation_alone_comes_back_as_typed(shipped):
    """``?!...,;:`` is cut after ``?!...`` into two "sentences", neither decoded: joined, it came back
    with a space that the line did not hold."""
    typed = ["?!...,;:", "... !!!", "I am a student.?!..."]
    got = shipped.translate(typed, beam=1)
    assert [t.text for t in got[:2]] == typed[:2]
    assert "학생" in got[2].text  # a sentence beside it is still translated
    assert shipped.translate(typed[:1], beam=2, n_best=2)[0].alternatives == [("?!...,;:", 0.0)]  # --n-best
