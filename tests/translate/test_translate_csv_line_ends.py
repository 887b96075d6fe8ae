"""Session 22 review: a CSV's lines end where every other corpus's do (``\\n``, ``\\r\\n`` or a lone
``\\r``). csv read a lone ``\\r`` as no line end: a CSV saved with ``\\r`` line ends (Excel for Mac)
was refused by train and check-corpus with csv's "new-line character seen in unquoted field - do you
need to open the file in universal-newline mode?", and a quoted field holding a lone ``\\r`` put
check-corpus's line numbers one behind the file's, so --write-clean dropped the line before the
flagged one and kept the flagged one."""

from __future__ import annotations

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus


def test_a_csv_with_lone_cr_line_ends_reads_as_with_newlines(tmp_path):
    rows = ["en,ko", '"Hello,', 'world.",안녕하세요.', "Thanks.,고마워요."]
    mac, unix = tmp_path / "mac.csv", tmp_path / "unix.csv"
    mac.write_bytes("\r".join(rows).encode() + b"\r")
    unix.write_bytes("\n".join(rows).encode() + b"\n")
    assert (
        read_corpus(mac)[0]
        == read_corpus(unix)[0]
        == [("Hello, world.", "안녕하세요."), ("Thanks.", "고마워요.")]
    )


def test_write_clean_drops_the_flagged_line_of_a_csv_whose_quoted_field_holds_a_cr(tmp_path, capsys):
    corpus, clean = tmp_path / "pairs.csv", tmp_path / "clean.csv"
    corpus.write_bytes(
        'en,ko\n"Hello,\rworld.",안녕하세요.\nI eat bread.,나는 빵을 먹어.\nThanks.,고마워요.\n'.encode()
    )
    assert main(["translate", "check-corpus", str(corpus), "--write-clean", str(clean)]) == 1
    assert "line 4: mixed register: 반말 in a 해요체 corpus" in capsys.readouterr().out
    assert read_corpus(clean)[0] == [("Hello, world.", "안녕하세요."), ("Thanks.", "고마워요.")]
