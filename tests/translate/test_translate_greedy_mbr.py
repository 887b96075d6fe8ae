"""``--beam 1 --mbr`` (session 33): greedy decoding has one hypothesis, none for minimum Bayes risk to
choose among, so MBR was turned off without a word (``--json``'s decoding said ``"mbr": false``)."""

from __future__ import annotations

from rnnkit.cli import main

NOTE = (
    "rnnkit: note: --mbr chooses among the beam's hypotheses, and a beam of 1 (greedy) has one: decoding "
    "greedily, without MBR (give --beam 2 or more for it)\n"
)


def test_text_says_greedy_mbr_is_off(tiny_model, capsys):
    args = ["translate", "text", "--model", str(tiny_model), "Hello."]
    assert main([*args, "--beam", "1", "--mbr"]) == 0
    assert capsys.readouterr().err.count(NOTE) == 1
    for more in (["--beam", "2", "--mbr"], ["--beam", "1"], ["--beam", "1", "--mbr", "--n-best", "2"]):
        assert main([*args, *more]) == 0
        assert NOTE not in capsys.readouterr().err, more


def test_eval_says_greedy_mbr_is_off(tiny_model, tiny_corpus, capsys):
    args = ["translate", "eval", "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--split", "all"]
    assert main([*args, "--beam", "1", "--mbr", "--show", "0", "--no-progress"]) == 0
    assert capsys.readouterr().err.count(NOTE) == 1


SAVED = NOTE.replace("decoding greedily", "the model saved decodes greedily")


def test_average_and_ensemble_say_the_greedy_mbr_they_save(tiny_model, tmp_path, capsys):
    # beam 1 and MBR on were saved without a word, and translate text --model then decoded greedily
    for command in ("average", "ensemble"):
        base = ["translate", command, str(tiny_model), str(tiny_model)]
        assert main([*base, "--out", str(tmp_path / f"{command}1"), "--beam", "1", "--mbr"]) == 0
        assert capsys.readouterr().err.count(SAVED) == 1
        assert main([*base, "--out", str(tmp_path / f"{command}2"), "--beam", "2", "--mbr"]) == 0
        assert "MBR" not in capsys.readouterr().err
    mbr = tmp_path / "ensemble2"  # saved with MBR: a beam of 1 given alone saves greedy MBR too
    assert (
        main(["translate", "average", str(mbr), str(mbr), "--out", str(tmp_path / "b1"), "--beam", "1"]) == 0
    )
    assert capsys.readouterr().err.count(SAVED) == 1
    assert main(["translate", "average", str(tiny_model), "--out", str(tmp_path / "c1"), "--beam", "1"]) == 0
    assert "MBR" not in capsys.readouterr().err  # saved without MBR


def test_train_says_the_greedy_mbr_it_saves(tiny_corpus, tmp_path, capsys):
    from helpers_translate import TINY_TRAIN_ARGS

    args = [
        "translate",
        "train",
        "--corpus",
        str(tiny_corpus),
        *TINY_TRAIN_ARGS,
        "--epochs",
        "1",
        "--average-last",
        "0",
    ]
    assert main([*args, "--out", str(tmp_path / "run"), "--beam", "1", "--mbr"]) == 0
    assert capsys.readouterr().err.count(SAVED) == 1


def test_train_notes_the_greedy_mbr_only_once_the_input_is_read(tmp_path, capsys):
    # the note came before 'corpus file not found', and a training that never began
    for stream in ([], ["--stream"]):
        args = ["translate", "train", "--corpus", str(tmp_path / "none.tsv"), "--out", str(tmp_path / "run")]
        assert main([*args, "--beam", "1", "--mbr", *stream]) == 2
        err = capsys.readouterr().err
        assert err == f"rnnkit: error: corpus file not found: {tmp_path / 'none.tsv'}\n", stream
