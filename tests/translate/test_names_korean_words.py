"""A Korean word pasted into an English sentence ("I like 김치 very much.") is carried through a corpus
name as an unknown name is, and put back as typed with the particle its last syllable takes: the English
model read it as an unknown piece and dropped it (저는 정말 좋아해요., "I really like it")."""

from __future__ import annotations

import pytest

from rnnkit.translate import Translator
from rnnkit.translate.names import put_back, sound_of, swap_names


def test_a_korean_word_takes_a_placeholder_and_comes_back_with_its_particle():
    read, swaps = swap_names("I like 김치 very much.")
    assert read == "I like Junho very much."
    assert put_back("저는 준호를 정말 좋아해요.", swaps) == "저는 김치를 정말 좋아해요."
    read, swaps = swap_names("Where is 명동?")
    assert read == "Where is Junho?"
    assert put_back("준호가 어디예요?", swaps) == "명동이 어디예요?"  # 동 ends in a consonant: 이, not 가


def test_a_run_of_korean_words_is_one_name_and_takes_no_honorific():
    read, swaps = swap_names("I like 김치 찌개 and 불고기.")
    assert read == "I like Junho and Minji."
    assert [s.name for s in swaps] == ["김치 찌개", "불고기"]
    assert put_back("저는 준호 씨랑 민지를 좋아해요.", swaps) == "저는 김치 찌개랑 불고기를 좋아해요."


def test_a_korean_greeting_before_a_comma_is_carried_as_an_opening_word():
    read, swaps = swap_names("안녕하세요, I am a student.")
    assert read == "Honestly, I am a student."
    assert put_back("솔직히 학생이에요.", swaps) == "안녕하세요, 학생이에요."


@pytest.mark.parametrize(("word", "sound"), [("김치", "vowel"), ("명동", "consonant"), ("서울", "rieul")])
def test_the_sound_of_a_korean_word_is_its_last_syllables_final(word, sound):
    assert sound_of(word) == sound


def test_a_line_mostly_in_korean_is_left_alone():
    # no English sentence: translate text says it looks like Korean (rnnkit.translate.stream)
    assert swap_names("저는 학생이에요, and you?") == ("저는 학생이에요, and you?", [])


def test_the_shipped_model_keeps_the_korean_word():
    tr = Translator.from_pretrained(device="cpu")
    [t] = tr.translate(["I like 김치 very much."], beam=1)
    assert "김치" in t.text and t.names_carried == ["김치"]
