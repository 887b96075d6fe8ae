"""A word in another script than the model's source language, inside a sentence of that language ("I
like 김치 very much." into the English-to-Korean model), is read as an unknown piece and left out of the
translation: ``translate text`` names it in a warning, never drops it unsaid (it came out as 저는 정말
좋아해요., "I really like it", with no word)."""

from __future__ import annotations

from types import SimpleNamespace

from rnnkit.cli import main
from rnnkit.translate import Translation
from rnnkit.translate.stream import foreign_words, line_warnings


def warnings_for(source: str, text: str, src: str = "en", tgt: str = "ko") -> list[str]:
    tr = SimpleNamespace(config={"src_lang": src, "tgt_lang": tgt}, max_src_len=128)
    line = Translation(source, text, [], [], [], hit_max=False, truncated=False)
    return list(line_warnings(tr, line, 2))


def test_a_korean_word_left_out_of_the_translation_is_named():
    assert warnings_for("I like 김치 very much.", "저는 정말 좋아해요.") == [
        "line 2: this model reads English only: 김치 (Korean) is not in the translation (give it in "
        "English, or copy it in)"
    ]


def test_words_of_two_scripts_are_named_together_each_once():
    assert warnings_for("I like 寿司 and 김치, and 김치 again.", "저는 좋아해요.") == [
        "line 2: this model reads English only: 寿司, 김치 (Chinese or Japanese and Korean) are not in the "
        "translation (give them in English, or copy them in)"
    ]


def test_a_word_the_translation_holds_is_no_warning():
    # a name carried through (Кирилл is capitalised: rnnkit.translate.names) is in the translation
    assert warnings_for("I like Кирилл very much.", "저는 Кирилл를 정말 좋아해요.") == []
    assert warnings_for("I like 김치 very much.", "저는 김치를 정말 좋아해요.") == []


def test_only_words_of_another_script_count():
    assert foreign_words("I like café, naïve Zoë and 3 cats 😀.", "en") == []
    assert foreign_words("I like 김치를 and 寿司.", "en") == ["김치를", "寿司"]
    assert foreign_words("저는 학생이에요 and Mary.", "ko") == ["and", "Mary"]
    assert foreign_words("I like 김치.", "xx") == []  # a language the table lacks is not judged


def test_translate_text_warns_of_a_dropped_word_beside_the_translation(capsys):
    assert main(["translate", "text", "--beam", "1", "I like 寿司 very much.", "I am a student."]) == 0
    out, err = capsys.readouterr()
    assert "寿司" not in out  # what the shipped model does with it: the warning is about this
    assert err == (
        "rnnkit: warning: line 1: this model reads English only: 寿司 (Chinese or Japanese) is not in the "
        "translation (give it in English, or copy it in)\n"
    )
    # read as typed, a Korean word is not carried through as a name (rnnkit.translate.names): dropped, and said
    assert main(["translate", "text", "--beam", "1", "--as-typed", "I like 김치 very much."]) == 0
    out, err = capsys.readouterr()
    assert "김치" not in out
    assert err == (
        "rnnkit: warning: line 1: this model reads English only: 김치 (Korean) is not in the translation "
        "(give it in English, or copy it in)\n"
    )
