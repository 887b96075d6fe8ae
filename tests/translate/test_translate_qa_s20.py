"""What a demanding user still tripped on (session 20): eval scoring the bundled corpus for a model
trained on another, --n-best on a line of punctuation, ensembles and averages of one model twice,
UTF-16 input with its byte-order mark."""

from __future__ import annotations

from rnnkit.cli import main


def one_line_error(capsys, code: int, needle: str) -> str:
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("rnnkit: error: ") and err.count("\n") == 1, err
    assert needle in err, err
    return err


def test_eval_without_corpus_refuses_the_bundled_split_for_a_model_trained_on_another(tiny_model, capsys):
    """The bundled corpus' test split is no held-out set of a model trained on tiny.tsv (it was being
    scored as 'test pairs: 4670' without a word)."""
    code = main(["translate", "eval", "--model", str(tiny_model), "--beam", "1", "--no-progress"])
    err = one_line_error(capsys, code, "the model was trained on ")
    assert "--corpus " in err and "tiny.tsv" in err and "test split" in err, err
    code = main(["translate", "eval", "--model", str(tiny_model), "--split", "valid", "--no-progress"])
    assert "its valid split" in one_line_error(capsys, code, "the model was trained on ")


def test_n_best_of_a_line_of_punctuation_is_the_line_itself(tiny_model, capsys):
    """ "..." is given back as it is, not decoded: with --n-best it was listed with no translation at
    all, after a note of "0 distinct translations in a beam of 48" and a second, wider decoding."""
    code = main(["translate", "text", "--model", str(tiny_model), "--n-best", "3", "--beam", "3", "..."])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == ["...", "  1.    0.000\t..."], out
    assert "0 distinct" not in err and "1 distinct translation in a beam" in err, err
