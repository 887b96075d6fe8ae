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
