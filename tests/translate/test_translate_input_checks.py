"""Bad input to the translator, in Python and on the command line: a one-line error or a warning that
says what is wrong, never a traceback, a silent wrong answer, or an input overwritten."""

from __future__ import annotations

import os
import sys

import pytest

from rnnkit.cli import main
from rnnkit.translate import Translation, Translator
from rnnkit.utils.errors import RnnkitError


def one_line_error(capsys, code: int, needle: str) -> None:
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("rnnkit: error: ") and err.count("\n") == 1, err
    assert needle in err, err


def test_the_package_exports_the_translator():
    from rnnkit.translate import translator

    assert Translator is translator.Translator and Translation is translator.Translation


@pytest.mark.parametrize(
    "texts, needle",
    [
        ("Thank you.", "not one string"),
        (["Hi \ud800."], "not valid Unicode"),
        ([3], "not text"),
        (5, "list of sentences"),
        ({"Hello.", "Thank you."}, "not a set"),  # no order: translations came back in another one
        (frozenset({"Hello."}), "not a set"),
    ],
)
def test_translate_refuses_what_is_not_a_list_of_text(tiny_model, texts, needle):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    with pytest.raises(RnnkitError, match=needle):
        tr.translate(texts)


def test_a_dicts_keys_keep_their_order_and_are_translated(tiny_model):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    keys = dict.fromkeys(["Hello.", "Thank you."]).keys()  # a Set, but ordered
    assert [t.text for t in tr.translate(keys)] == [t.text for t in tr.translate(list(keys))]


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"beam": 0}, "beam must be"),
        ({"n_best": 0}, "n_best must be"),
        ({"batch_size": 0}, "batch_size must be"),
        ({"max_len": 0}, "max_len must be"),
        ({"beam": 2.5}, "beam must be"),
        ({"alpha": -1.0}, "alpha must be a finite number of at least 0"),
        ({"alpha": float("nan")}, "alpha must be a finite number"),
        ({"coverage": float("inf")}, "coverage must be a finite number"),
        ({"beam": 300}, "beam must be at most 64"),
        ({"n_best": 100}, "n_best must be at most 64"),
        ({"no_repeat_ngram": -1}, "no_repeat_ngram must be at least 0"),
    ],
)
def test_translate_refuses_bad_decoding_arguments_by_their_python_names(tiny_model, kwargs, needle):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    with pytest.raises(RnnkitError, match=needle) as caught:
        tr.translate(["I am a student."], **kwargs)
    assert "--" not in str(caught.value)


def test_n_best_lists_distinct_texts_only(tiny_model):
    tr = Translator.from_pretrained(tiny_model, device="cpu")
    for t in tr.translate(["I am a student.", "Where is the station?"], beam=8, n_best=8):
        texts = [" ".join(a.split()) for a, _ in t.alternatives]
        assert len(texts) == len(set(texts)) and 1 <= len(texts) <= 8
        scores = [s for _, s in t.alternatives]
        assert scores == sorted(scores, reverse=True)


def test_text_refuses_a_sentence_that_is_not_utf8_and_a_huge_n_best(tiny_model, capsys):
    one_line_error(
        capsys,
        main(["translate", "text", "--model", str(tiny_model), "caf\udce9 is good."]),
        "not valid Unicode",
    )
    code = main(["translate", "text", "--model", str(tiny_model), "--n-best", "100000", "Hi."])
    assert code == 2 and "--n-best" in capsys.readouterr().err


def test_an_argument_with_line_breaks_is_one_sentence_a_line(tiny_model, capsys):
    assert main(["translate", "text", "--model", str(tiny_model), "Hello.\nThank you.", "Bye."]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_a_form_feed_or_line_separator_inside_an_argument_does_not_cut_it(tiny_model, capsys):
    """Lines end at \\n, \\r\\n and \\r only, as in --input (str.splitlines also cut at U+000C, U+2028)."""
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1"]
    assert main([*args, "Hello.\x0cThank you.", "Hi.\u2028Bye.\r\nGood.\rYes.\n"]) == 0
    out = capsys.readouterr().out.split("\n")
    assert main([*args, "Hello. Thank you.", "Hi. Bye.", "Good.", "Yes."]) == 0
    assert out == capsys.readouterr().out.split("\n") and len(out) == 5


def test_input_that_is_mostly_unknown_to_the_model_is_warned_about(capsys):
    tr = Translator.from_pretrained(device="cpu")
    korean, english = tr.translate(["저는 학생이에요.", "I am a student."], beam=1)
    assert korean.unreadable and not english.unreadable
    assert main(["translate", "text", "--beam", "1", "저는 학생이에요.", "I am a student."]) == 0
    err = capsys.readouterr().err
    assert (
        "line 1: it looks like Korean; this model translates English to Korean" in err and "line 2" not in err
    )


def test_standard_input_read_from_the_output_file_is_refused(tiny_model, tmp_path, capsys, monkeypatch):
    src = tmp_path / "in.txt"
    src.write_text("Hello.\nHow are you?\n", encoding="utf-8")
    before = src.read_bytes()
    with src.open("rb") as stdin:
        monkeypatch.setattr(sys, "stdin", os.fdopen(os.dup(stdin.fileno()), "r"))
        code = main(["translate", "text", "--model", str(tiny_model), "--output", str(src), "--force"])
    one_line_error(capsys, code, "is the file on standard input")
    assert src.read_bytes() == before


def test_a_utf16_file_without_a_byte_order_mark_is_named_not_translated(tiny_model, tmp_path, capsys):
    f = tmp_path / "u16.txt"
    f.write_bytes("Hello.\nThank you.\n".encode("utf-16-le"))
    one_line_error(
        capsys, main(["translate", "text", "--model", str(tiny_model), "--input", str(f)]), "NUL bytes"
    )


def test_a_folder_given_as_input_or_corpus_is_named_a_folder(tiny_model, tmp_path, capsys):
    one_line_error(
        capsys,
        main(["translate", "text", "--model", str(tiny_model), "--input", str(tmp_path)]),
        "is a folder",
    )
    one_line_error(capsys, main(["translate", "check-corpus", str(tmp_path)]), "is a folder")


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_check_corpus_says_an_empty_corpus_has_no_pairs(tmp_path, capsys, text):
    f = tmp_path / "c.tsv"
    f.write_text(text, encoding="utf-8")
    # no corpus at all: bad input, one line (a corpus with problems is status 1)
    one_line_error(capsys, main(["translate", "check-corpus", str(f)]), "holds no sentence pairs")


def test_check_corpus_names_the_line_that_is_not_utf8(tmp_path, capsys):
    f = tmp_path / "c.tsv"
    f.write_bytes("Hi.\t안녕.\n".encode() + b"Bye.\t\xff\n")
    one_line_error(capsys, main(["translate", "check-corpus", str(f)]), "line 2 is not UTF-8")


def _eval(model, corpus, *extra: str) -> int:
    return main(["translate", "eval", "--model", str(model), "--corpus", str(corpus), *extra])


def test_eval_names_the_json_option_the_user_typed(tiny_model, tiny_corpus, tmp_path, capsys):
    one_line_error(capsys, _eval(tiny_model, tiny_corpus, "--json", str(tmp_path)), "--json ")


def test_eval_warns_when_another_seed_may_score_training_pairs(tiny_model, tiny_corpus, capsys):
    assert _eval(tiny_model, tiny_corpus, "--seed", "7", "--show", "0") == 0
    assert "may include pairs it trained on" in capsys.readouterr().err


def test_text_starting_with_a_dash_gets_a_hint_to_use_double_dash(tiny_model, capsys):
    code = main(["translate", "text", "--model", str(tiny_model), "-5 degrees"])
    one_line_error(capsys, code, "goes after --")
    assert main(["translate", "text", "--model", str(tiny_model), "--", "-5 degrees"]) == 0


def test_outputs_beside_the_model_in_its_run_folder_are_fine_and_inside_it_refused(
    tiny_model, tmp_path, capsys
):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(tiny_model.parent, run)
    weights = (run / "model" / "model.safetensors").read_bytes()
    assert main(["translate", "text", "--model", str(run), "--output", str(run / "out.txt"), "Hi."]) == 0
    assert (run / "out.txt").read_text(encoding="utf-8").strip()
    code = main(["translate", "text", "--model", str(run), "--output", str(run / "model" / "model.safetensors"),
                 "--force", "Hi."])  # fmt: skip
    one_line_error(capsys, code, "never writes over what it reads")
    assert (run / "model" / "model.safetensors").read_bytes() == weights
    code = main(["translate", "average", str(run), str(tiny_model), "--out", str(run / "model")])
    one_line_error(capsys, code, "never writes over what it reads")
    assert (run / "model" / "model.safetensors").read_bytes() == weights


def test_a_plot_named_as_another_image_kind_is_refused(tiny_model, tmp_path, capsys):
    code = main(["translate", "text", "--model", str(tiny_model), "--plot", str(tmp_path / "a.jpg"), "Hi."])
    err = capsys.readouterr().err
    assert code == 2 and "name it a.png, not a.jpg" in err and not (tmp_path / "a.jpg").exists()
