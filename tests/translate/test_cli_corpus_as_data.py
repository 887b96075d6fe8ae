"""``--data``, the name ``forecast`` and ``caption`` give the file they read, names the corpus of
``translate train`` and ``eval`` too: typed there it was "No such option '--data'. Did you mean
'--alpha'?". It stays out of ``--help``, where ``--corpus`` is the one name shown."""

from __future__ import annotations

from helpers_translate import TINY_TRAIN_ARGS, write_anki

from rnnkit.cli import main


def test_train_and_eval_read_the_corpus_given_as_data(tmp_path, capsys):
    corpus = write_anki(tmp_path / "mine.tsv")
    args = [
        "translate",
        "train",
        "--data",
        str(corpus),
        *TINY_TRAIN_ARGS,
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "r"),
    ]
    assert main(args) == 0
    assert f"read 30 pairs from {corpus}" in capsys.readouterr().out
    assert (
        main(["translate", "eval", "--model", str(tmp_path / "r"), "--data", str(corpus), "--device", "cpu"])
        == 0
    )
    assert f"read 30 pairs from {corpus}" in capsys.readouterr().out


def test_data_is_not_shown_in_help(capsys):
    for command in ("train", "eval"):
        assert main(["translate", command, "--help"]) == 0
        shown = capsys.readouterr().out
        assert "--corpus PATH" in shown and "--data" not in shown


def test_corpus_and_data_together_are_refused(tmp_path, capsys):
    # the last one given was read in silence
    a, b = write_anki(tmp_path / "a.tsv"), write_anki(tmp_path / "b.tsv")
    for command in (["train", "--out", str(tmp_path / "r")], ["eval", "--model", str(tmp_path / "m")]):
        for given in (["--corpus", str(a), "--data", str(b)], [f"--data={b}", "--corpus", str(a)]):
            assert main(["translate", *command, *given]) == 2
            err = capsys.readouterr().err
            assert "give --corpus or --data, not both" in err and err.count("\n") == 1
    assert not (tmp_path / "r").exists()
