"""What a demanding user still tripped on (session 20): eval scoring the bundled corpus for a model
trained on another, --n-best on a line of punctuation, ensembles and averages of one model twice,
UTF-16 input with its byte-order mark."""

from __future__ import annotations

import shutil

import pytest

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
    assert "0 distinct" not in err, err
    # no beam ran: "1 distinct translation in a beam of 6" was said of it (and it was decoded again)
    assert err == (
        "rnnkit: note: '...' is given back as typed, not decoded (it has no words for the model): 1 translation, "
        "fewer than --n-best 3\n"
    ), err


@pytest.mark.parametrize(("command", "why"), [("average", "counts once more in the mean"),
                                              ("ensemble", "decodes that model once more")])  # fmt: skip
def test_one_model_given_twice_is_warned_about(command, why, tiny_model, tmp_path, capsys):
    """The same model as a run folder and as its model/, or a copy, was joined without a word: an
    ensemble decoding twice as slowly for one model's output, an average weighting it twice. (An
    average of one model alone given twice is refused: test_translate_average_one_model; beside
    another model it is averaged, and warned about.)"""
    copy, half = tmp_path / "copy", tmp_path / "half"
    shutil.copytree(tiny_model, copy)
    assert main(["translate", "average", str(tiny_model), "--out", str(half), "--fp16"]) == 0
    other = [str(half)] if command == "average" else []  # another model: float16 weights
    for k, second in enumerate((tiny_model.parent, copy)):
        given = [str(tiny_model), *other, str(second)]
        assert main(["translate", command, *given, "--out", str(tmp_path / str(k))]) == 0
        err = capsys.readouterr().err
        assert f"rnnkit: warning: {second} holds the same weights as {tiny_model}: " in err and why in err, (
            err
        )


def test_an_ensemble_member_repeated_inside_a_nested_ensemble_is_named(tiny_model, tmp_path, capsys):
    pair = tmp_path / "pair"
    assert main(["translate", "ensemble", str(tiny_model), str(tiny_model), "--out", str(pair)]) == 0
    capsys.readouterr()
    assert main(["translate", "ensemble", str(pair), str(tiny_model), "--out", str(tmp_path / "three")]) == 0
    out, err = capsys.readouterr()
    assert out == f"joined 2 models into an ensemble of 3 members: {tmp_path / 'three'}\n", (
        out
    )  # was "2 models"
    assert f"{pair} (member 2) holds the same weights as {pair} (member 1)" in err, err
    assert f"{tiny_model} holds the same weights as {pair} (member 1)" in err, err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_text_reads_an_input_file_by_its_byte_order_mark(encoding, tiny_model, tmp_path, capsys):
    """Windows Notepad's "Unicode" (UTF-16 with its mark) was refused as "line 1 is not utf-8 text",
    though the mark says what it is and check-corpus and train read such a file as it is."""
    lines = ["Hello.", "Thank you."]
    marked, plain = tmp_path / "marked.txt", tmp_path / "plain.txt"
    marked.write_text("\n".join(lines) + "\n", encoding=encoding)
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["translate", "text", "--model", str(tiny_model), "--beam", "1", "--no-progress", "--input"]
    assert main([*args, str(plain)]) == 0
    expected = capsys.readouterr().out
    assert main([*args, str(marked)]) == 0
    assert capsys.readouterr().out == expected
    code = main([*args, str(marked), "--encoding", "utf-8"])  # an encoding given is the one read
    one_line_error(capsys, code, "line 1 is not utf-8 text")


def test_ensemble_of_two_splits_names_the_split_not_the_tokenizers(tiny_model, tmp_path, capsys):
    """Runs of other --seed values without one --split-seed differ in split and so in tokenizers: the
    error said "other tokenizers than ...: members must share them", not the split seed to give."""
    from rnnkit.train.modelfile import load_model, save_model

    mf = load_model(tiny_model)
    split = {**mf.config["data"]["split"], "seed": 7}
    other = tmp_path / "other"
    files = {
        "src.spm": (tiny_model / "tgt.spm").read_bytes(),
        "tgt.spm": (tiny_model / "src.spm").read_bytes(),
    }
    save_model(
        other, mf.state_dict, {**mf.config, "data": {**mf.config["data"], "split": split}}, files=files
    )
    code = main(["translate", "ensemble", str(tiny_model), str(other), "--out", str(tmp_path / "x")])
    err = one_line_error(capsys, code, f"{other} was trained on another split (--split-seed 7, not 0) than")
    assert "one --split-seed" in err and "tokenizers" not in err, err


def test_text_warns_about_html_markup(tiny_model, capsys):
    """ "<p>Hello <b>world</b></p>" into the shipped model gave a made-up sentence without a word: the
    model reads the tags as words."""
    lines = ["<p>Hello <b>world</b></p>", "Tom &amp; Jerry.", "I <3 you.", "Is 3 < 4 and 5 > 2?", "Hello."]
    code = main(["translate", "text", "--model", str(tiny_model), "--beam", "1", *lines])
    out, err = capsys.readouterr()
    assert code == 0 and len(out.splitlines()) == len(lines)
    warned = [w.split(":")[2].strip() for w in err.splitlines() if "HTML markup" in w]
    assert warned == ["line 1", "line 2"], err


def test_check_corpus_calls_a_binary_file_binary_not_utf16(tmp_path, capsys):
    """A program given as the corpus was called "UTF-16 text saved without a byte-order mark"."""
    binary = tmp_path / "model.bin"
    binary.write_bytes(
        b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x03\x00>\x00\x01" + bytes(40) + b"\x40\x38\x00" * 20
    )
    err = one_line_error(capsys, main(["translate", "check-corpus", str(binary)]), "is not a text file")
    assert "UTF-16" not in err, err
    utf16 = tmp_path / "u16.tsv"
    utf16.write_text("Hello.\tHi.\nThanks.\tThank you.\n", encoding="utf-16-le")
    one_line_error(capsys, main(["translate", "check-corpus", str(utf16)]), "as in UTF-16 text saved without")


def test_check_corpus_names_spreadsheet_quoting_the_reader_keeps(tmp_path, capsys):
    """A headerless TSV saved by a spreadsheet ("He said ""hi"" twice.") was "clean", and training read
    the quotes, doubled, as part of the sentences; with a header row the reader undoes them."""
    rows = ['"He said ""hi"" twice."\t"그가 ""안녕""이라고 두 번 말했어요."', "Thank you.\t고마워요."]
    bare = tmp_path / "bare.tsv"
    bare.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(bare)]) == 1
    out = capsys.readouterr().out
    assert "line 1: quoted: " in out and "line 2" not in out, out
    headed = tmp_path / "headed.tsv"
    headed.write_text("en\tko\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(headed)]) == 0
    assert "clean: no problems found" in capsys.readouterr().out


def test_a_repeated_member_beside_another_is_not_said_to_give_its_own_output(tiny_model, tmp_path, capsys):
    """A, A, B: the warning said the ensemble decoded A twice "for the output it gives alone", but the
    mean of A, A and B is neither A's output nor the even mix of A and B: A weighs double in it."""
    from rnnkit.train.modelfile import load_model, save_model

    mf = load_model(tiny_model)
    other = tmp_path / "other"  # another model on the same tokenizers: one weight changed
    files = {name: (tiny_model / name).read_bytes() for name in ("src.spm", "tgt.spm")}
    state = {k: (t + 0.01 if t.is_floating_point() else t) for k, t in mf.state_dict.items()}
    save_model(other, state, mf.config, files=files)
    args = [
        "translate",
        "ensemble",
        str(tiny_model),
        str(tiny_model),
        str(other),
        "--out",
        str(tmp_path / "x"),
    ]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert err.count("holds the same weights") == 1, err  # B is not A
    assert "weighs it once more in the average of its members" in err, err
    assert "the output it gives alone" not in err, err
