"""Session 22 review: check-corpus's register rule read common 반말 as no register or as 합쇼체.

A native reader's list: 안녕. and 미안. (반말 words ending a sentence as themselves), the quoting and
intent endings in -고/-구 (뭐라고?, 간다고, 가려고, 맛있더라고), a chat's ㅋㅋ, ^^ or emoji after the
sentence, all read as no register; and -니까 (because) or a plain -다 after 시 (마시다) read as 합쇼체,
whose -니다/-니까/-시다 always follow a syllable closed by ㅂ (습니다, 합니까, 갑시다).
"""

from __future__ import annotations

import pytest

from rnnkit.translate.corpus_check import BANMAL, HAEYO, HAPSYO, check_file, registers

POLITE = ["Good morning.\t좋은 아침이에요.", "I am a student.\t저는 학생이에요.", "It is cold.\t추워요."]


@pytest.mark.parametrize(
    "sentence",
    ["안녕.", "미안.", "정말 미안.", "뭐라고?", "맛있더라고.", "간다고!", "같이 가자고.", "집에 가려고.",
     "뭐라구?", "배고프니까.", "내가 할 테니까.", "물 마시다.", "알았어ㅋㅋ", "고마워^^", "좋아 :)", "좋아😊"],
)  # fmt: skip
def test_common_banmal_is_banmal(sentence):
    assert registers(sentence) == {BANMAL}


@pytest.mark.parametrize(
    "sentence", ["감사합니다.", "어디 갑니까?", "먹읍시다.", "학생입니다ㅎㅎ", "하십시오."]
)
def test_hapsyo_is_hapsyo(sentence):
    assert registers(sentence) == {HAPSYO}


@pytest.mark.parametrize("sentence", ["고마워요^^", "뭐라고요?", "안녕히 가세요."])
def test_haeyo_with_a_chat_ending_is_haeyo(sentence):
    assert registers(sentence) == {HAEYO}


@pytest.mark.parametrize("sentence", ["창고.", "최고!", "우리 학교.", "안녕하세요 친구.", "ㅋㅋㅋ", "OK."])
def test_nouns_and_laughter_alone_have_no_register(sentence):
    assert registers(sentence) == set()


def test_a_polite_corpus_flags_its_banmal_lines_as_banmal(tmp_path):
    path = tmp_path / "pairs.txt"
    lines = [*POLITE, "Sorry.\t미안.", "Because I'm hungry.\t배고프니까.", "Thanks.\t고마워요^^"]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    found = [(p.line, p.kind, p.detail) for p in check_file(path).problems]
    assert [(no, kind) for no, kind, _ in found] == [(4, "mixed register"), (5, "mixed register")]
    assert all(BANMAL in detail and HAPSYO not in detail for _, _, detail in found)
