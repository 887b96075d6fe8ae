"""What a user's corpus path really is (session 25): a downloaded ``kor-eng.zip`` or ``corpus.tsv.gz``
was "line 1 is not UTF-8 text", ``/dev/null`` and a pipe (``--corpus <(zcat x.gz)``) were "corpus file
not found", and ``translate text --input <(cmd)`` refused a pipe it can read once, as standard input."""

from __future__ import annotations

import gzip
import os
import threading
import zipfile
from pathlib import Path

import pytest
from helpers_translate import write_anki

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError


def gzipped(tmp_path: Path, name: str = "corpus.tsv.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(write_anki(tmp_path / "plain.tsv").read_bytes()))
    return path


def zipped(tmp_path: Path) -> Path:
    path = tmp_path / "kor-eng.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.write(write_anki(tmp_path / "plain.tsv"), "kor.txt")
    return path


@pytest.mark.parametrize("name", ["corpus.tsv.gz", "corpus.tsv"])  # named .tsv: found by its bytes
def test_check_corpus_names_a_gzip_file_and_how_to_decompress_it(tmp_path, capsys, name):
    path = gzipped(tmp_path, name)
    assert main(["translate", "check-corpus", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"rnnkit: error: {path} is gzip-compressed, not text: decompress it first "
        f"(zcat {path} > corpus.tsv) and give that\n"
    )


def test_a_zip_archive_is_named_read_whole_and_streamed(tmp_path):
    path = zipped(tmp_path)
    with pytest.raises(RnnkitError, match=r"kor-eng\.zip is a zip archive, not text: unzip it"):
        read_corpus(path)
    with pytest.raises(RnnkitError, match=r"kor-eng\.zip is a zip archive, not text: unzip it"):
        list(PairStream(path).records())


def test_train_refuses_a_gzip_corpus_in_one_line(tmp_path, capsys):
    path = gzipped(tmp_path)
    assert main(["translate", "train", "--corpus", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is gzip-compressed, not text" in err
    assert not (tmp_path / "run").exists()


def test_dev_null_is_not_a_regular_file_rather_than_not_found(capsys):
    assert main(["translate", "check-corpus", os.devnull]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"rnnkit: error: {os.devnull} is not a regular file (a pipe or a device): the corpus is read "
        "more than once, so save it to a file and give that\n"
    )


def test_a_pipe_corpus_is_refused_unopened_and_said_to_be_a_pipe(tmp_path):
    """Opening a pipe nobody writes to would hang; reading one would leave --write-clean's second read
    empty. The refusal comes before either, for the whole-file reader and --stream alike."""
    fifo = tmp_path / "corpus.tsv"
    os.mkfifo(fifo)
    with pytest.raises(RnnkitError, match="is not a regular file .a pipe or a device."):
        read_corpus(fifo)
    with pytest.raises(RnnkitError, match="is not a regular file .a pipe or a device."):
        list(PairStream(fifo).records())


def test_a_missing_corpus_is_still_not_found(tmp_path):
    with pytest.raises(RnnkitError, match="corpus file not found: "):
        read_corpus(tmp_path / "nope.tsv")


@pytest.mark.parametrize("command", [["check-corpus", "-"], ["train", "--corpus", "-", "--out", "run"]])
def test_a_dash_corpus_is_said_to_be_standard_input_which_cannot_be_one(
    tmp_path, capsys, monkeypatch, command
):
    """`--corpus -` said "corpus file not found: -", where other commands read '-' as standard input."""
    monkeypatch.chdir(tmp_path)
    assert main(["translate", *command]) == 2
    assert capsys.readouterr().err == (
        "rnnkit: error: the corpus cannot be standard input ('-'): it is read more than once, so save it to "
        "a file and give that\n"
    )
    assert not (tmp_path / "run").exists()


def test_translate_text_reads_a_pipe_given_as_input_once(tmp_path, capsys, tiny_model):
    """``--input <(cmd)``: the pipe is read once, as standard input is (the first pass that counts a
    file's lines for the progress bar would have drained it)."""
    fifo = tmp_path / "lines"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w", encoding="utf-8") as f:
            f.write("hello\nthank you\n")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    code = main(["translate", "text", "--model", str(tiny_model), "--beam", "1", "--input", str(fifo)])
    writer.join(timeout=5)
    out = capsys.readouterr().out
    assert code == 0
    assert len(out.splitlines()) == 2


def test_translate_text_input_dev_null_has_no_text_rather_than_not_found(capsys, tiny_model):
    assert main(["translate", "text", "--model", str(tiny_model), "--input", os.devnull]) == 2
    assert capsys.readouterr().err == "rnnkit: error: no text to translate\n"


def test_a_pdf_or_an_excel_workbook_given_as_the_corpus_is_named_read_whole_and_streamed(tmp_path):
    """They were "line 2 is not UTF-8 text" and "a zip archive ... unzip it and give the corpus file
    inside" (a workbook unzips to XML)."""
    pdf = tmp_path / "pairs.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    xlsx = tmp_path / "pairs.xlsx"
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    for path, said in (
        (pdf, "a PDF document, not text: take its text out first"),
        (xlsx, "an Excel workbook, not text: save it as CSV and give that"),
    ):
        with pytest.raises(RnnkitError, match=f"^{path} is {said}"):
            read_corpus(path)
        with pytest.raises(RnnkitError, match=f"^{path} is {said}"):
            list(PairStream(path).records())


@pytest.mark.parametrize(
    "pairs", ["Hello.\tBonjour.\nThank you.\tMerci.\n", "Hello.\t안녕하세요.\nThanks.\t고마워요.\n"]
)
def test_stream_names_utf16_without_its_mark_as_the_file_read_whole_does(tmp_path, capsys, pairs):
    """--stream looked at 6 bytes only: an ASCII pair file was "no usable sentence pairs (line 1: control
    character U+0000)", a Korean one "line 1 is not UTF-8 text"; read whole, it is named UTF-16."""
    path = tmp_path / "pairs.tsv"
    path.write_bytes(pairs.encode("utf-16-le"))
    said = f"{path}: every other byte is NUL, as in UTF-16 text saved without a byte-order mark; save it as UTF-8"
    with pytest.raises(RnnkitError) as info:
        read_corpus(path, src_lang="en", tgt_lang="fr")
    assert str(info.value) == said
    out = tmp_path / "run"
    args = ["--corpus", str(path), "--stream", "--tgt-lang", "fr", "--out", str(out)]
    assert main(["translate", "train", *args]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: {said}\n"
    assert not out.exists()
