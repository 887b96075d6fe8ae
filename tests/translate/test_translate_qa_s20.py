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
