"""Metrics agree with sacrebleu called directly; the tokeniser is named; loops are found."""

from __future__ import annotations

import pytest
import sacrebleu

from rnnkit.translate.metrics import (
    bleu_tokenizer,
    copy_source_scores,
    has_loop,
    ko_mecab_available,
    loop_rate,
    score,
)

HYPS = ["저는 학생이에요.", "오늘은 날씨가 좋아요.", "비가 와요"]
REFS = ["저는 학생이에요.", "오늘 날씨가 좋네요.", "비가 와요."]


def test_scores_match_sacrebleu_directly():
    s = score(HYPS, REFS, "ko")
    tok = "ko-mecab" if ko_mecab_available() else "char"
    assert s.tokenizer == tok
    expected_bleu = sacrebleu.corpus_bleu(HYPS, [REFS], tokenize=tok).score
    expected_chrf = sacrebleu.corpus_chrf(HYPS, [REFS]).score
    assert s.bleu == pytest.approx(expected_bleu, abs=1e-9)
    assert s.chrf == pytest.approx(expected_chrf, abs=1e-9)
    assert f"tok:{tok}" in s.bleu_signature and "nc:6" in s.chrf_signature
    assert 0 < s.bleu < 100 and 0 < s.chrf < 100


def test_english_uses_13a_and_perfect_output_scores_100():
    s = score(["I am a student."], ["I am a student."], "en")
    assert s.tokenizer == "13a" == bleu_tokenizer("en")
    assert s.bleu == pytest.approx(100.0) and s.chrf == pytest.approx(100.0)


def test_copy_the_source_baseline_is_scored_like_a_system():
    srcs = ["I am a student.", "Hello 123"]
    refs = ["저는 학생이에요.", "안녕 123"]
    c = copy_source_scores(srcs, refs, "ko")
    assert c.chrf == pytest.approx(score(srcs, refs, "ko").chrf)
    assert c.chrf > 0  # the digits are shared


def test_loop_detection():
    assert has_loop([1, 1, 1])
    assert has_loop([4, 1, 2, 1, 2, 1, 2, 9])
    assert has_loop(list("abcdabcdabcd"))
    assert not has_loop([1, 1, 2, 2, 1, 1])
    assert not has_loop([1, 2, 1, 2])
    assert loop_rate([[1, 1, 1], [1, 2, 3], [5, 5, 5, 5], []]) == pytest.approx(0.5)
    assert loop_rate([]) == 0.0
    with pytest.raises(ValueError, match="references"):
        score(["a"], ["a", "b"], "en")
