"""``--src-lang``/``--tgt-lang`` are language codes as the rest of rnnkit compares them.

Korean is ``ko`` to the corpus checks, BLEU's tokeniser and the number check, and nothing else: ``--tgt-lang
KO`` (or ``kor``, ``Korean``) trained a Korean model with all of them off (BLEU on 13a words), and an empty
code or a pasted path trained a model of no language. Spellings of a code are read as the code; what is
none is one line, before the corpus is read.
"""

from __future__ import annotations

import pytest

import rnnkit.translate.corpus as corpus_module
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError


class Read(RnnkitError):
    """Raised by the stand-in reader, with the languages it was given."""


def languages_read(*args, **kwargs):
    raise Read(f"read as {args[2]}->{args[3]}")


@pytest.fixture(autouse=True)
def no_reading(monkeypatch):
    monkeypatch.setattr(corpus_module, "read_corpus", languages_read)


@pytest.mark.parametrize("typed", ["KO", "kor", "Korean", " ko ", "한국어"])
def test_spellings_of_korean_are_read_as_ko(tmp_path, capsys, typed):
    assert main(["translate", "train", "--out", str(tmp_path / "run"), "--tgt-lang", typed]) == 2
    assert capsys.readouterr().err == "rnnkit: error: read as en->ko\n"


def test_a_region_is_kept_after_the_code(tmp_path, capsys):
    assert (
        main(
            ["translate", "train", "--out", str(tmp_path / "run"), "--src-lang", "ko", "--tgt-lang", "PT-BR"]
        )
        == 2
    )
    assert capsys.readouterr().err == "rnnkit: error: read as ko->pt-BR\n"


@pytest.mark.parametrize("typed", ["", "  ", "data/pairs.tsv", "en ko", "e", "ko_KR", "a\nb"])
@pytest.mark.parametrize("option", ["--src-lang", "--tgt-lang"])
def test_what_is_no_language_code_is_refused_before_reading(tmp_path, capsys, option, typed):
    out = tmp_path / "run"
    assert main(["translate", "train", "--out", str(out), option, typed]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rnnkit: error: Invalid value for '{option}': ") and err.count("\n") == 1
    assert "is not a language code" in err
    assert not out.exists()


def test_eval_reads_the_code_as_the_model_saved_it(tmp_path, capsys):
    from helpers_models import make_translate

    model = make_translate(tmp_path / "model")  # en->ko
    assert main(["translate", "eval", "--model", str(model), "--tgt-lang", "KO", "--no-progress"]) == 2
    assert capsys.readouterr().err == "rnnkit: error: read as en->ko\n"  # not "translates en->ko, not en->KO"


@pytest.mark.parametrize(
    ("option", "typed", "read"),
    [("--tgt-lang", "ko-KR", "en->ko"), ("--tgt-lang", "KO-kr", "en->ko"), ("--src-lang", "en-US", "en->ko"),
     ("--src-lang", "Korean-KR", "ko->ko"), ("--tgt-lang", "zh-Hans", "en->zh-Hans")],
)  # fmt: skip
def test_a_region_after_ko_or_en_is_dropped_and_kept_after_others(tmp_path, capsys, option, typed, read):
    """ko-KR (BCP-47 Korean) trained a model with the Korean checks off, its config.json saying ko-KR:
    they compare ``ko`` exactly. en-US likewise lost the English-only handling (spelled-out numbers)."""
    assert main(["translate", "train", "--out", str(tmp_path / "run"), option, typed]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: read as {read}\n"


def _saved_as(tmp_path, src_lang: str, tgt_lang: str):
    """A model whose config.json was written before codes were normalised, with these codes."""
    import json

    from helpers_models import make_translate

    model = make_translate(tmp_path / "model")
    path = model / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**config, "src_lang": src_lang, "tgt_lang": tgt_lang}), encoding="utf-8")
    return model


@pytest.mark.parametrize("saved", ["KO", "kor", "Korean", "ko-KR"])
@pytest.mark.parametrize("typed", [[], ["--tgt-lang", "KO"], ["--tgt-lang", "ko"]])
def test_eval_reads_an_older_models_code_as_the_option_is_read(tmp_path, capsys, saved, typed):
    """A model saved with tgt_lang KO (or kor, Korean, ko-KR) failed ``eval --tgt-lang KO`` with 'the
    model translates en->KO, not en->ko', and without the option was scored as a model of no Korean."""
    model = _saved_as(tmp_path, "EN-us", saved)
    assert main(["translate", "eval", "--model", str(model), *typed, "--no-progress"]) == 2
    assert capsys.readouterr().err == "rnnkit: error: read as en->ko\n"


def test_eval_still_refuses_another_pair_than_the_models(tmp_path, capsys):
    model = _saved_as(tmp_path, "en", "ko-KR")
    assert main(["translate", "eval", "--model", str(model), "--tgt-lang", "fr", "--no-progress"]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: the model {model} translates en->ko, not en->fr\n"


def test_text_reads_an_older_models_code_as_ko(tmp_path, capsys):
    """``translate text`` with a model saved as en-US->ko-KR checked no numbers (English to Korean only)
    and its --json named the languages as saved."""
    import json

    model, out = _saved_as(tmp_path, "en-US", "ko-KR"), tmp_path / "out.json"
    assert main(["translate", "text", "--model", str(model), "--json", str(out), "I have 3 cats."]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (doc["src_lang"], doc["tgt_lang"]) == ("en", "ko")
    assert doc["decoding"]["check_numbers"] is True


@pytest.mark.parametrize("saved", ["KO", "ko-KR"])
def test_the_python_api_reads_an_older_models_code_as_the_command_line_does(tmp_path, saved):
    """The codes were read as ``--tgt-lang`` is only by ``translate eval`` and ``text``: a model saved
    with KO or ko-KR, loaded in Python or by ``rnnkit serve`` (``Translator.load``), kept them, and its
    number check, spelled-out numbers and name carrying, which compare ``ko`` and ``en``, were off."""
    from rnnkit.translate import Translator

    tr = Translator.load(_saved_as(tmp_path, "EN-us", saved), device="cpu")
    assert (tr.config["src_lang"], tr.config["tgt_lang"]) == ("en", "ko")


def test_ensemble_and_average_join_models_whose_codes_read_alike(tmp_path):
    """A member saved with ko-KR and another saved as ko (its own re-save, since every loader reads
    ko-KR as ko) were refused as 'translates other languages': the members' codes were compared raw."""
    import json

    from helpers_models import make_translate
    from rnnkit.translate.averaging import average_folders
    from rnnkit.translate.ensemble import ensemble_folders

    older = _saved_as(tmp_path / "older", "en", "ko-KR")
    newer = make_translate(tmp_path / "newer")
    for join in (ensemble_folders, average_folders):
        out = join([older, newer], tmp_path / join.__name__)
        config = json.loads((out / "config.json").read_text(encoding="utf-8"))
        assert (config["src_lang"], config["tgt_lang"]) == ("en", "ko")
