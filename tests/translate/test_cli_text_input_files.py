"""``translate text --input FILE`` with the files users save: each line of the file gives one line of
output, a blank line a blank line, whatever the encoding and line ends (Windows Notepad's "Unicode",
UTF-8 with a byte-order mark, CRLF, Latin-1 given with --encoding); a file that holds no text is one line
of error."""

from __future__ import annotations

import pytest

from rnnkit.cli import main

LINES = ["I am a student.", "", "It is raining.", "  ", "My name is José.", "Thank you."]


def translated(tiny_model, path, capsys, *options: str) -> tuple[int, list[str], str]:
    code = main(["translate", "text", "--model", str(tiny_model), "--beam", "1", "--no-progress", "--input",
                 str(path), *options])  # fmt: skip
    out, err = capsys.readouterr()
    return code, out.split("\n")[:-1], err


@pytest.mark.parametrize(
    ("encoded", "options"),
    [
        (lambda text: b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"), ()),  # Notepad "Unicode"
        (lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), ()),
        (lambda text: text.replace("\n", "\r\n").encode("utf-8"), ()),
        (lambda text: text.encode("latin-1"), ("--encoding", "latin-1")),
    ],
    ids=["utf16-bom-crlf", "utf8-bom", "crlf", "latin1"],
)
def test_each_line_gives_one_output_line_and_blank_lines_stay_blank(
    tiny_model, tmp_path, capsys, encoded, options
):
    path = tmp_path / "in.txt"
    path.write_bytes(encoded("\n".join(LINES) + "\n"))
    code, out, err = translated(tiny_model, path, capsys, *options)
    assert code == 0, err
    _, expected, _ = translated(tiny_model, _utf8(tmp_path), capsys)
    assert out == expected and len(out) == len(LINES)
    assert [not line.strip() for line in out] == [not line.strip() for line in LINES]


def _utf8(tmp_path):  # noqa: ANN001, ANN202
    path = tmp_path / "plain.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["empty", "blank-lines"])
def test_a_file_of_no_text_is_one_line_of_error(tiny_model, tmp_path, capsys, content):
    path = tmp_path / "in.txt"
    path.write_bytes(content)
    code, out, err = translated(tiny_model, path, capsys)
    assert (code, out, err) == (2, [], "rnnkit: error: no text to translate\n")


def test_a_latin1_file_without_its_encoding_names_the_line_and_the_option(tiny_model, tmp_path, capsys):
    path = tmp_path / "names.txt"
    path.write_bytes("Thank you.\nMy name is José.\n".encode("latin-1"))
    code, out, err = translated(tiny_model, path, capsys)
    assert (code, out) == (2, [])
    assert err == f"rnnkit: error: {path} line 2 is not utf-8 text (give its encoding with --encoding)\n"


@pytest.mark.parametrize(
    "content",
    [
        "Wait\u2026 I am a student.\nThank you.\n".encode("cp1252"),
        b"I am a student.\x0cThank you.\nGood morning.\n",
    ],
    ids=["cp1252-ellipsis-as-latin1", "form-feed"],
)
def test_a_control_character_inside_a_line_does_not_cut_it_in_two(tiny_model, tmp_path, capsys, content):
    """LineReader cut a line wherever str.splitlines does: at a form feed, and at NEL (U+0085), which is
    what a Windows-1252 ellipsis read as --encoding latin-1 becomes. The character is read as a space."""
    path = tmp_path / "in.txt"
    path.write_bytes(content)
    code, out, err = translated(tiny_model, path, capsys, "--encoding", "latin-1")
    assert code == 0 and len(out) == 2, (out, err)
    spaced = tmp_path / "spaced.txt"
    spaced.write_bytes(content.replace(b"\x0c", b" ").replace(b"\x85", b" "))
    assert translated(tiny_model, spaced, capsys, "--encoding", "latin-1")[1] == out


def test_a_gzip_file_is_named_as_compressed(tiny_model, tmp_path, capsys):
    """It was "line 1 is not utf-8 text (give its encoding with --encoding)": no encoding reads it."""
    import gzip

    path = tmp_path / "in.txt.gz"
    path.write_bytes(gzip.compress(("\n".join(LINES) + "\n").encode()))
    code, out, err = translated(tiny_model, path, capsys)
    assert (code, out) == (2, [])
    assert (
        err
        == f"rnnkit: error: {path} is gzip-compressed, not text: decompress it with zcat first and give the text\n"
    )


def test_the_encoding_help_says_the_default_reads_a_byte_order_mark(capsys):
    """It said "[default: utf-8]", but --encoding utf-8 given refuses Notepad's "Unicode" (UTF-16 with a
    mark), which the default reads."""
    assert main(["translate", "text", "--help"]) == 0
    words = " ".join(capsys.readouterr().out.split())
    assert "--encoding TEXT" in words and "[default: utf-8]" not in words
    assert "[default: UTF-8, or UTF-16 or UTF-32 where the input opens with that byte-order mark" in words


def test_a_tab_separated_corpus_given_as_input_is_named_as_such(tiny_model, tmp_path, capsys):
    """An Anki file given to text was translated whole, its Korean column and attribution too, with at
    most "is it English?" to say why the output ran on: each line with a tab says what it is, and what
    to do (a tab only around the text, as indentation, is not one)."""
    path = tmp_path / "kor.txt"
    path.write_text("I am a student.\t나는 학생이다.\tCC-BY 2.0\n\tThank you.\n", encoding="utf-8")
    code, out, err = translated(tiny_model, path, capsys)
    assert code == 0 and len(out) == 2
    assert (
        "rnnkit: warning: line 1: it holds a tab, as a tab-separated corpus does: every column was "
        "translated as one sentence; give the English column alone (cut -f1 FILE), or score the pairs "
        "with translate eval --corpus FILE\n"
    ) in err
    assert "line 2: it holds a tab" not in err
