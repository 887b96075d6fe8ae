"""``check-corpus --corpus FILE`` (session 33): train and eval name the corpus --corpus, and a user who
checked the file of their train command line got "No such option '--corpus'", nothing saying that
check-corpus takes it as FILE. --corpus (and --data, as train takes it) is FILE, hidden from --help."""

from __future__ import annotations

import pytest
from helpers_translate import write_anki

from rnnkit.cli import main


@pytest.mark.parametrize("option", ["--corpus", "--data"])
def test_corpus_option_is_file(tmp_path, capsys, option):
    corpus = write_anki(tmp_path / "c.tsv")
    assert main(["translate", "check-corpus", str(corpus)]) in (0, 1)
    as_file = capsys.readouterr()
    code = main(["translate", "check-corpus", option, str(corpus)])
    assert code in (0, 1) and capsys.readouterr() == as_file


def test_corpus_option_and_file_together_are_refused(tmp_path, capsys):
    corpus = write_anki(tmp_path / "c.tsv")
    assert main(["translate", "check-corpus", str(corpus), "--corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert err == f"rnnkit: error: give the corpus once: FILE {corpus} or --corpus {corpus}, not both\n"


def test_corpus_option_and_moses_files_are_refused_as_file_is(tmp_path, capsys):
    corpus = write_anki(tmp_path / "c.tsv")
    args = ["--src-file", str(corpus), "--tgt-file", str(corpus)]
    assert main(["translate", "check-corpus", "--corpus", str(corpus), *args]) == 2
    # named as typed: 'give either FILE' named what the user had not typed
    assert (
        capsys.readouterr().err == "rnnkit: error: give either --corpus or --src-file/--tgt-file, not both\n"
    )
    assert main(["translate", "check-corpus", str(corpus), *args]) == 2
    assert capsys.readouterr().err == "rnnkit: error: give either FILE or --src-file/--tgt-file, not both\n"
