"""The shipped model: present, small, loaded without unpickling, used when no --model is given.

Nothing here depends on the model translating well (that is measured by benchmarks/eval_outside.py
and docs/RESULTS.md), only on it loading and producing Korean text.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.translate import translator as translator_module
from rnnkit.translate.translator import SHIPPED, Translator

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_the_folder_is_complete_small_and_documented():
    names = {p.name for p in SHIPPED.iterdir()}
    assert {"config.json", "model.safetensors", "src.spm", "tgt.spm", "README.md"} <= names
    assert sum(p.stat().st_size for p in SHIPPED.iterdir()) <= 25_000_000  # the 25 MB, read strictly
    cfg = json.loads((SHIPPED / "config.json").read_text(encoding="utf-8"))
    assert cfg["application"] == "translate" and (cfg["src_lang"], cfg["tgt_lang"]) == ("en", "ko")
    for arch in cfg.get("ensemble") or [cfg["model"]]:
        assert arch["cell"] in ("rnn", "lstm", "gru")  # the lecture's recurrent cells, every member
    assert "test_scores" in cfg and "Training command" in (SHIPPED / "README.md").read_text(encoding="utf-8")


def test_the_card_says_under_what_licence_the_weights_are_given():
    """A user redistributing the weights must read their licence, not guess it from the corpus's (CC0)."""
    card = (SHIPPED / "README.md").read_text(encoding="utf-8")
    section = card.split("## Licence", 1)[1]
    project = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "MIT"' in project and "MIT" in section  # the weights' licence is the project's
    assert "model.safetensors" in section and "CC0" in section  # what it covers, and the data it came from


def test_the_shipped_decoding_is_the_guarded_mbr_choice_of_its_beam():
    """config.json says MBR over beam 24 (docs/RESULTS.md, "Seventh look"), and text gives exactly
    that: the guarded MBR choice of the beam's own 24 hypotheses, never a word more repeated."""
    from rnnkit.translate.mbr import mbr_choice, repeated_words

    tr = Translator.from_pretrained(device="cpu")
    assert tr.decoding()["mbr"] is True and tr.decoding()["beam"] == 24
    sentences = ["My brother lives in Seoul.", "Do you have a membership card?", "Is breakfast included?"]
    chosen = tr.translate(sentences)
    lists = tr.translate(sentences, n_best=24, mbr=False)
    for c, t in zip(chosen, lists, strict=True):
        texts, scores = [a for a, _ in t.alternatives], [s for _, s in t.alternatives]
        assert c.text == texts[mbr_choice(texts, scores)]
        assert repeated_words(c.text) <= repeated_words(texts[0])
    assert chosen[0].text == "우리 형은 서울에 살아요."  # the lecture's figure


def test_load_with_no_path_translates_into_korean():
    tr = Translator.from_pretrained(device="cpu")
    out = tr.translate(["I am a student.", "Where is the station?"])
    assert all(HANGUL.search(t.text) for t in out), [t.text for t in out]


def test_text_with_no_model_uses_the_shipped_one(capsys):
    assert main(["translate", "text", "I am a student."]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and HANGUL.search(lines[0])


@pytest.mark.parametrize("damage", ["truncate", "remove", "config"])
def test_a_damaged_shipped_folder_is_a_one_line_error(tmp_path, monkeypatch, capsys, damage):
    broken = tmp_path / "en_ko"
    shutil.copytree(SHIPPED, broken)
    weights = broken / "model.safetensors"
    if damage == "truncate":
        weights.write_bytes(weights.read_bytes()[:1000])
    elif damage == "remove":
        shutil.rmtree(broken)
    else:
        (broken / "config.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(translator_module, "SHIPPED", broken)
    code = main(["translate", "text", "I am a student."])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("rnnkit: error: ") and err.count("\n") == 1, err
    needle = {
        "truncate": "corrupt or truncated",
        "remove": "shipped model is missing",
        "config": "not valid JSON",
    }
    assert needle[damage] in err


def test_reprs_say_what_the_model_and_a_translation_are():
    # a notebook prints these: the default repr was "<... object at 0x...>", and a Translation's
    # listed every piece id
    tr = Translator.load()
    assert repr(tr).startswith("Translator(en->ko, gru, 2 members, vocabulary ")
    assert "beam 24 + MBR" in repr(tr)
    out = tr.translate(["i am tired"], beam=2, mbr=False, attention=True)[0]
    text = repr(out)
    assert text.startswith(f"Translation(source='i am tired', text={out.text!r}, score=")
    assert "read_as='I am tired.'" in text and "attention=Tensor(" in text
    assert "ids=" not in text and "hit_max" not in text  # unset flags and raw ids stay out
