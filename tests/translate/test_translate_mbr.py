"""Minimum Bayes risk decoding: the choice against its definition, and through the translator and CLI."""

from __future__ import annotations

import json
import math

import pytest
from helpers_translate import TINY_PAIRS
from sacrebleu.metrics import CHRF

from rnnkit.cli import main
from rnnkit.translate.mbr import (
    chrf_matrix,
    chrf_utility,
    expected_utilities,
    mbr_choice,
    posterior,
    repeated_words,
)
from rnnkit.translate.translator import Translator

SOURCES = [en for en, _ in TINY_PAIRS[:8]]


def test_posterior_is_the_softmax_of_the_scores_over_the_temperature():
    scores = [-1.0, -2.5, -0.3, -4.0]
    for temperature in (0.5, 1.0, 3.0):
        exp = [math.exp(s / temperature) for s in scores]
        assert posterior(scores, temperature) == pytest.approx([e / sum(exp) for e in exp])
    assert posterior([-1e4, -1e4 - 1]) == pytest.approx([1 / (1 + math.e**-1), math.e**-1 / (1 + math.e**-1)])
    with pytest.raises(ValueError, match="positive"):
        posterior(scores, 0.0)
    assert posterior(scores, math.inf) == pytest.approx([0.25] * 4)  # infinite temperature: alike


def test_expected_utility_is_the_weighted_chrf_against_every_candidate():
    cands = ["저는 학생이에요.", "저는 학생입니다.", "나는 학생이야.", "저는 선생님이에요."]
    weights = [0.4, 0.3, 0.2, 0.1]
    chrf = CHRF()  # the definition, computed with sacrebleu directly
    want = [
        sum(w * chrf.sentence_score(h, [y]).score for y, w in zip(cands, weights, strict=True)) for h in cands
    ]
    assert expected_utilities(cands, weights) == pytest.approx(want)
    assert chrf_utility(cands[0], cands[0]) == pytest.approx(100.0)


def test_the_chrf_matrix_is_sacrebleus_sentence_chrf_for_every_pair():
    texts = [
        "저는 학생이에요.",
        "저는 학생이에요.",
        "나는 학생",
        "",
        "I am a student.",
        "a",
        "카드 카드 있어요?",
    ]
    chrf = CHRF()
    want = [[chrf.sentence_score(h, [y]).score for y in texts] for h in texts]
    got = chrf_matrix(texts)
    assert got == want  # the same numbers to the last digit, the empty string and duplicates included
    weights = posterior([-1.0 * i for i in range(len(texts))])
    by_pair = expected_utilities(texts, weights, chrf_utility)  # the slow path, one call per pair
    assert expected_utilities(texts, weights) == pytest.approx(by_pair, abs=1e-12)


def test_the_consensus_beats_a_lone_top_hypothesis():
    # the top-scored output shares little with the rest; three close paraphrases agree with each other
    cands = ["저는 컴퓨터를 받았어요.", "저는 학생이에요.", "저는 학생이에요", "저는 학생이예요."]
    scores = [-1.0, -1.2, -1.3, -1.4]
    assert mbr_choice(cands, scores) in (1, 2)
    assert mbr_choice(cands[:1], scores[:1]) == 0  # one candidate: nothing to choose
    assert mbr_choice(["같아요", "같아요"], [-1.0, -1.0]) == 0  # ties keep the beam's order
    # a very sharp posterior is the beam's own choice
    assert mbr_choice(cands, scores, temperature=1e-3) == 0
    with pytest.raises(ValueError, match="^MBR needs at least one candidate$"):
        mbr_choice([], [])


def test_repeated_words_counts_words_that_begin_like_an_earlier_one():
    assert repeated_words("저는 학생이에요.") == 0
    assert repeated_words("남동생은 서울에서 서울에 살아요.") == 1  # one stem, two particles
    assert repeated_words("카드 카드 있어요?") == 1
    assert repeated_words("아침 아침 아침 먹어요") == 2
    assert repeated_words("곧 또 곧 와요") == 0  # one-character words are not counted
    assert repeated_words("") == 0


def test_the_guard_never_adds_a_repeated_word_to_the_beams_best():
    # the stitched hypothesis holds the words of both others and would win on expected chrF alone
    cands = ["남동생은 서울에 살아요.", "남동생은 서울에서 서울에 살아요.", "남동생은 서울에서 살아요."]
    scores = [-0.50, -0.55, -0.60]
    weights = posterior(scores)
    gains = expected_utilities(cands, weights)
    assert max(range(3), key=gains.__getitem__) == 1  # what MBR without the guard would pick
    assert mbr_choice(cands, scores, guard=False) == 1
    assert mbr_choice(cands, scores) != 1
    # a beam whose best already repeats a word: candidates that repeat as often stay eligible
    cands = ["카드 카드 있어요?", "멤버십 카드 카드 있으세요?", "멤버십 카드 카드 있으세요", "카드 있어요?"]
    scores = [-1.0, -1.05, -1.1, -1.6]
    gains = expected_utilities(cands, posterior(scores))
    eligible = [i for i, c in enumerate(cands) if repeated_words(c) <= 1]
    assert eligible == [0, 1, 2, 3] and mbr_choice(cands, scores) == max(eligible, key=gains.__getitem__)
    assert mbr_choice(cands, scores) != 0  # and the consensus still moves off the beam's best


def test_translator_outputs_the_mbr_choice_of_its_nbest(tiny_model):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    plain = tr.translate(SOURCES, beam=4, n_best=4, mbr=False)
    chosen = tr.translate(SOURCES, beam=4, n_best=4, mbr=True)
    for p, c in zip(plain, chosen, strict=True):
        texts = [a for a, _ in p.alternatives]
        assert c.alternatives == p.alternatives  # the list keeps the beam's order
        assert c.text == texts[mbr_choice(texts, [s for _, s in p.alternatives])]
        assert p.text == texts[0]
    assert [t.text for t in tr.translate(SOURCES, beam=1, mbr=True)] == [
        t.text for t in tr.translate(SOURCES, beam=1)
    ]  # greedy has one hypothesis: MBR changes nothing


def test_mbr_saved_with_a_model_and_used_by_text_and_eval(tiny_model, tiny_corpus, tmp_path, capsys):
    out = tmp_path / "mbr"
    assert main(["translate", "average", str(tiny_model), "--out", str(out), "--beam", "4", "--mbr"]) == 0
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert cfg["decoding"]["mbr"] is True and cfg["decoding"]["beam"] == 4
    own = json.loads((tiny_model / "config.json").read_text(encoding="utf-8"))["decoding"]
    assert {k: v for k, v in cfg["decoding"].items() if k not in ("beam", "mbr")} == {
        k: v for k, v in own.items() if k not in ("beam", "mbr")
    }  # the other settings stay the model's
    capsys.readouterr()
    assert main(["translate", "eval", "--model", str(out), "--corpus", str(tiny_corpus), "--split", "all",
                 "--no-progress", "--show", "0"]) == 0  # fmt: skip
    assert "MBR (chrF) over beam 4" in capsys.readouterr().out
    assert main(["translate", "eval", "--model", str(out), "--corpus", str(tiny_corpus), "--split", "all",
                 "--no-progress", "--show", "0", "--no-mbr"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "MBR" not in text and "beam 4" in text
    tr = Translator.from_pretrained(out, device="cpu")
    want = [t.text for t in tr.translate(SOURCES[:3], beam=4, mbr=True)]
    assert main(["translate", "text", "--model", str(out), *SOURCES[:3]]) == 0
    assert capsys.readouterr().out.splitlines() == want
    assert main(["translate", "text", "--model", str(out), "--no-mbr", *SOURCES[:3]]) == 0
    assert capsys.readouterr().out.splitlines() == [
        t.text for t in tr.translate(SOURCES[:3], beam=4, mbr=False)
    ]


def test_ensemble_sets_the_saved_decoding(tiny_model, tmp_path):
    out = tmp_path / "pair"
    assert main(["translate", "ensemble", str(tiny_model), str(tiny_model), "--out", str(out),
                 "--beam", "6", "--mbr"]) == 0  # fmt: skip
    decoding = json.loads((out / "config.json").read_text(encoding="utf-8"))["decoding"]
    assert decoding["beam"] == 6 and decoding["mbr"] is True
    plain = tmp_path / "plain"  # without the options: the first member's settings, unchanged
    assert main(["translate", "ensemble", str(tiny_model), str(tiny_model), "--out", str(plain)]) == 0
    own = json.loads((tiny_model / "config.json").read_text(encoding="utf-8"))["decoding"]
    assert json.loads((plain / "config.json").read_text(encoding="utf-8"))["decoding"] == own


def test_wide_beams_get_fewer_sentences_a_batch_and_the_same_outputs(tiny_model, monkeypatch):
    import rnnkit.translate.translator as translator_module

    tr = Translator.from_pretrained(tiny_model, device="cpu")
    want = [t.text for t in tr.translate(SOURCES, beam=4, mbr=True, batch_size=1)]
    seen: list[int] = []
    real = translator_module.beam_search_nbest

    def spy(model, src, *args, **kwargs):
        seen.append(src.shape[0])
        return real(model, src, *args, **kwargs)

    monkeypatch.setattr(translator_module, "beam_search_nbest", spy)
    monkeypatch.setattr(translator_module, "MAX_BEAM_ROWS", 8)  # 8 hypotheses: 2 sentences at beam 4
    assert [t.text for t in tr.translate(SOURCES, beam=4, mbr=True, batch_size=64)] == want
    assert seen == [2, 2, 2, 2]
    seen.clear()
    monkeypatch.setattr(translator_module, "MAX_BEAM_ROWS", 384)
    assert [t.text for t in tr.translate(SOURCES, beam=4, mbr=True, batch_size=64)] == want
    assert seen == [len(SOURCES)]  # a narrow beam keeps the whole batch


def test_bulk_text_with_the_models_mbr_gets_a_note(tiny_model, tmp_path, capsys, monkeypatch):
    import rnnkit.translate.cli as translate_cli

    model = tmp_path / "mbr"
    assert main(["translate", "average", str(tiny_model), "--out", str(model), "--beam", "3", "--mbr"]) == 0
    lines = tmp_path / "lines.txt"
    lines.write_text("\n".join(SOURCES[:4]) + "\n", encoding="utf-8")
    monkeypatch.setattr(translate_cli, "BULK_LINES", 4)
    capsys.readouterr()
    assert main(["translate", "text", "--model", str(model), "--input", str(lines), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "rnnkit: note: 4 lines with the model's MBR decoding (beam 3): --no-mbr --beam 5" in err
    for chosen in (["--no-mbr"], ["--mbr"], ["--beam", "2"]):  # a decoding asked for: no note
        assert (
            main(
                ["translate", "text", "--model", str(model), "--input", str(lines), "--no-progress", *chosen]
            )
            == 0
        )
        assert "note:" not in capsys.readouterr().err
    monkeypatch.setattr(translate_cli, "BULK_LINES", 5)  # fewer lines than that: no note
    assert main(["translate", "text", "--model", str(model), "--input", str(lines), "--no-progress"]) == 0
    assert "note:" not in capsys.readouterr().err
