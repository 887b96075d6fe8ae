"""What a demanding user still tripped on checking their own corpus (session 22): check-corpus refused
the CSV and JSON files train reads, and read tab files with a parser of its own, so a table train
reads (``id<TAB>English<TAB>Korean<TAB>notes``) was "malformed" on every line."""

from __future__ import annotations

import json

import pytest
from helpers_translate import TINY_PAIRS

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import check_file

CSV = (
    "english,korean\n"
    "I am a student.,저는 학생이에요.\n"
    '"Hello, my friend.","안녕하세요, 친구예요."\n'
    'I use email.,"저는 email을\n써요."\n'  # a quoted field holding a line break: lines 4 and 5
    "I am a student.,저는 학생이에요.\n"
    "I am tired.,저는 피곤해요.\n"
)


def test_check_corpus_reads_a_csv_as_train_does_and_writes_csv_back(tmp_path, capsys):
    corpus, clean = tmp_path / "pairs.csv", tmp_path / "clean.csv"
    corpus.write_text(CSV, encoding="utf-8")
    code = main(["translate", "check-corpus", str(corpus), "--write-clean", str(clean)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "pairs.csv: 5 pairs, 1 comment line; register 해요체" in out
    assert "line 4: English in Korean: Latin letters on the Korean side (email)" in out
    assert "line 6: duplicate: same English as line 2 ('I am a student.')" in out
    assert "wrote 3 clean pairs to" in out
    # the same format back, the record spanning two lines dropped whole
    assert clean.read_text(encoding="utf-8") == (
        'english,korean\nI am a student.,저는 학생이에요.\n"Hello, my friend.","안녕하세요, 친구예요."\n'
        "I am tired.,저는 피곤해요.\n"
    )
    assert main(["translate", "check-corpus", str(clean)]) == 0
    assert read_corpus(clean)[0][1] == ("Hello, my friend.", "안녕하세요, 친구예요.")


def test_check_corpus_reads_json_lines_and_a_json_array_named_by_record(tmp_path, capsys):
    rows = [{"en": en, "ko": ko} for en, ko in TINY_PAIRS[:4]]
    rows += [{"translation": rows[0]}, {"english": "x"}]
    lines = tmp_path / "pairs.jsonl"
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["translate", "check-corpus", str(lines), "--write-clean", str(tmp_path / "c.jsonl")]) == 1
    out = capsys.readouterr().out
    assert f"line 5: duplicate: same English as line 1 ({TINY_PAIRS[0][0]!r})" in out
    assert "line 6: malformed: needs string fields 'en' and 'ko' (it has 'english'" in out
    assert (tmp_path / "c.jsonl").read_text(encoding="utf-8").count("\n") == 4

    array = tmp_path / "pairs.json"
    array.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    clean = tmp_path / "clean.json"
    assert main(["translate", "check-corpus", str(array), "--write-clean", str(clean)]) == 1
    out = capsys.readouterr().out
    assert f"record 5: duplicate: same English as record 1 ({TINY_PAIRS[0][0]!r})" in out
    assert "wrote 4 clean pairs" in out
    assert json.loads(clean.read_text(encoding="utf-8")) == rows[:4]  # a JSON array again


def test_a_table_train_reads_is_no_longer_malformed_on_every_line(tmp_path, capsys):
    table = tmp_path / "table.tsv"
    rows = [f"{i}\t{ko}\t{en}\tnote" for i, (en, ko) in enumerate(TINY_PAIRS)]
    table.write_text("\n".join(["id\tKorean\tEnglish\tnotes", *rows]) + "\n", encoding="utf-8")
    assert len(read_corpus(table)[0]) == len(TINY_PAIRS)
    report = check_file(table)
    assert report.problems == [] and report.pairs == len(TINY_PAIRS)
    assert main(["translate", "check-corpus", str(table)]) == 0
    assert "clean: no problems found" in capsys.readouterr().out


def test_columns_and_format_are_named_as_for_train(tmp_path, capsys):
    table = tmp_path / "t.txt"
    rows = [f"{en}\t{ko}" for en, ko in TINY_PAIRS]
    table.write_text("\n".join(["src\tdst", *rows]) + "\n", encoding="utf-8")
    args = ["--format", "tsv", "--src-col", "src", "--tgt-col", "dst"]
    assert main(["translate", "check-corpus", str(table), *args]) == 0
    assert "clean: no problems found" in capsys.readouterr().out
    assert main(["translate", "check-corpus", str(table), "--format", "tsv"]) == 2
    assert "has no column 'en'; columns: src, dst" in capsys.readouterr().err


def test_a_swapped_table_is_told_to_name_its_columns_not_to_add_a_header(tmp_path, capsys):
    """The hint for a Korean-first anki file (a header line) is no help for a CSV: its header is there."""
    corpus = tmp_path / "p.csv"
    rows = [f"{ko},{en}" for en, ko in TINY_PAIRS[:3]]
    corpus.write_text("\n".join(["en,ko", *rows]) + "\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert "3 of 3 pairs hold Korean on the English side: the file's columns are the other way round; " in out
    assert "--src-col (English) and --tgt-col (Korean)" in out and "korean<TAB>english" not in out


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffI am tired.\t저는 피곤해요.\r\nHi.\t안녕.\r\n\r\n# note\r\nSo?\t그래서요?\r\n",
        "english\tkorean\nI am tired.\t저는 피곤해요.\n1\t2\t3\t4\t5\n",
        'en,ko\n"A, b.",가나다라마예요.\n',
    ],
)
def test_check_corpus_counts_the_pairs_train_reads(tmp_path, text):
    """One parser: what check-corpus calls a pair, train reads, and what it calls malformed, train skips."""
    corpus = tmp_path / ("c.csv" if text.startswith("en,") else "c.txt")
    corpus.write_text(text, encoding="utf-8", newline="")
    pairs, read = read_corpus(corpus)
    report = check_file(corpus)
    assert report.pairs == len(pairs)
    assert report.counts()["malformed"] == read.empty + read.malformed


def test_one_clean_pair_is_said_in_the_singular(tmp_path, capsys):
    corpus = tmp_path / "one.tsv"
    corpus.write_text("I am tired.\t저는 피곤해요.\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(corpus), "--write-clean", str(tmp_path / "c.tsv")]) == 0
    assert "wrote 1 clean pair to" in capsys.readouterr().out


def test_a_quoted_field_holding_a_tab_is_named_with_what_to_do(tmp_path, capsys):
    """A spreadsheet saves a cell holding a tab in quotes, and a tab file splits it all the same: in a
    bare file the halves became a wrong pair ('"Hello,' -> 'friend."') that check-corpus called
    "wrong script"; in a table "3 fields, the header has 2", with no word of why."""
    bare = tmp_path / "bare.tsv"
    bare.write_text('I am tired.\t저는 피곤해요.\n"Hello,\tfriend."\t"안녕, 친구예요."\n', encoding="utf-8")
    assert main(["translate", "check-corpus", str(bare)]) == 1
    out = capsys.readouterr().out
    assert (
        "line 2: split quote: the pair read is not the one meant: a field in double quotes holds a tab" in out
    )
    table = tmp_path / "table.tsv"
    table.write_text(
        'en\tko\nI am tired.\t저는 피곤해요.\n"He said\thi."\t그가 말했어요.\n', encoding="utf-8"
    )
    assert main(["translate", "check-corpus", str(table)]) == 1
    out = capsys.readouterr().out
    assert "line 3: malformed: 3 fields, the header has 2 (a field in double quotes holds a tab" in out
    assert "replace the tab inside the quotes with a space" in read_corpus(table)[1].summary()


def test_full_width_english_is_latin_and_html_entities_are_named(tmp_path, capsys):
    """'Ｉ ａｍ ｈａｐｐｙ．' was "no Latin letters on the English side" (the tokenizer's NFKC reads it as
    ASCII), and '&amp;', which train keeps as typed, passed as clean."""
    corpus = tmp_path / "w.tsv"
    rows = [
        "Ｉ ａｍ ｈａｐｐｙ．\t저는 행복해요．",
        "Tom &amp; Mary came.\t톰과 메리가 왔어요.",
        "I like 🍕.\t저는 피자🍕를 좋아해요.",
    ]
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert "wrong script" not in out and "line 1" not in out and "line 3" not in out, out
    assert "line 2: html: HTML markup (&amp;): trained on as typed" in out


def test_every_kind_counted_says_what_to_do(tmp_path, capsys):
    corpus = tmp_path / "bad.tsv"
    rows = [
        "I am tired.\t저는 피곤해요.",
        "I am tired.\t저는 피곤해요.",
        "one field",
        "I use email.\t저는 email을 써요.",
    ]
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert "  duplicate              1  drop the later line (--write-clean keeps the first)" in out
    assert "  malformed              1  fix the line, or drop it: train skips it" in out
    assert "  English in Korean      1  translate the word, or keep the pair if it is a name" in out


def test_a_table_without_a_pair_is_told_what_a_table_holds(tmp_path, capsys):
    """A CSV without one usable row was told 'a corpus holds english<TAB>korean lines'."""
    corpus = tmp_path / "n.csv"
    corpus.write_text("en,ko\na,b,c\n", encoding="utf-8")
    assert main(["translate", "check-corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert "holds no sentence pairs (1 line with problems, named above): a table holds a header row" in err
    assert "<TAB>" not in err
