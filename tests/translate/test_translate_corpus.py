"""Corpus readers: every format, orientation, and the counting of empty and malformed lines."""

from __future__ import annotations

import json

import pytest
from helpers_translate import TINY_PAIRS, write_anki

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_text import clean
from rnnkit.utils.errors import RnnkitError


def test_anki_with_attribution_and_bad_lines(tmp_path):
    extra = (
        "\n" + "no tab here\n" + "a\tb\tc\td\n" + "Hello.\t\tCC-BY\n" + "Bye.\t잘 가요.\tCC-BY 2.0 (France)\n"
    )
    pairs, rep = read_corpus(write_anki(tmp_path / "a.txt", extra=extra), fmt="anki")
    assert pairs[: len(TINY_PAIRS)] == TINY_PAIRS
    assert pairs[-1] == ("Bye.", "잘 가요.")
    assert (rep.pairs, rep.comments, rep.empty, rep.malformed) == (len(TINY_PAIRS) + 1, 1, 2, 2)
    assert rep.lines == 1 + len(TINY_PAIRS) + 5
    assert "malformed" in rep.summary() and "line 32: blank line" in rep.summary()


def test_anki_korean_to_english_swaps_columns(tmp_path):
    pairs, _ = read_corpus(write_anki(tmp_path / "a.tsv"), src_lang="ko", tgt_lang="en")
    assert pairs[0] == ("저는 학생이에요.", "I am a student.")
    with pytest.raises(RnnkitError, match="must be en"):
        read_corpus(tmp_path / "a.tsv", fmt="anki", src_lang="ko", tgt_lang="ja")


def test_moses_pair_and_line_count_mismatch(tmp_path):
    (tmp_path / "x.en").write_text("Hi.\n\nThanks.\n", encoding="utf-8")
    (tmp_path / "x.ko").write_text("안녕.\n없음\n고마워요.\n", encoding="utf-8")
    pairs, rep = read_corpus(src_file=tmp_path / "x.en", tgt_file=tmp_path / "x.ko")
    assert pairs == [("Hi.", "안녕."), ("Thanks.", "고마워요.")]
    assert rep.empty == 1 and rep.lines == 3
    (tmp_path / "y.ko").write_text("안녕.\n", encoding="utf-8")
    with pytest.raises(RnnkitError, match="differ in line count"):
        read_corpus(src_file=tmp_path / "x.en", tgt_file=tmp_path / "y.ko")


@pytest.mark.parametrize("fmt,sep", [("csv", ","), ("tsv", "\t")])
def test_table_with_named_columns(tmp_path, fmt, sep):
    rows = [
        ["id", "ko", "en"],
        ["1", "안녕하세요.", "Hello."],
        ["2", "네", ""],
        ["3", "x"],
        ["4", "물", "Water."],
    ]
    path = tmp_path / f"t.{fmt}"
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    pairs, rep = read_corpus(path, fmt=fmt)
    assert pairs == [("Hello.", "안녕하세요."), ("Water.", "물")]
    assert (rep.empty, rep.malformed) == (1, 1)
    # a named column is matched as the default one is: a language's name finds its code's column
    assert read_corpus(path, fmt=fmt, src_col="English")[0] == pairs
    with pytest.raises(RnnkitError, match="no column 'text'; columns: id, ko, en"):
        read_corpus(path, fmt=fmt, src_col="text")


def test_auto_detects_tsv_header(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("en\tko\nHello.\t안녕하세요.\n", encoding="utf-8")
    assert read_corpus(path)[0] == [("Hello.", "안녕하세요.")]


def test_jsonl_counts_bad_lines(tmp_path):
    lines = [
        json.dumps({"en": "Hello.", "ko": "안녕하세요."}, ensure_ascii=False),
        "{not json",
        json.dumps(["en", "ko"]),
        json.dumps({"en": "Only English."}),
        "",
        json.dumps({"en": "  Thanks. ", "ko": "고마워요."}, ensure_ascii=False),
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pairs, rep = read_corpus(path)
    assert pairs == [("Hello.", "안녕하세요."), ("Thanks.", "고마워요.")]
    assert (rep.malformed, rep.empty) == (3, 1)


def test_errors_are_one_line(tmp_path):
    with pytest.raises(RnnkitError, match="not found"):
        read_corpus(tmp_path / "missing.tsv")
    (tmp_path / "e.tsv").write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(RnnkitError, match="no usable sentence pairs"):
        read_corpus(tmp_path / "e.tsv")
    (tmp_path / "bin.tsv").write_bytes(b"\xc3\x28bad")  # \xff\xfe would be UTF-16's byte-order mark
    with pytest.raises(RnnkitError, match="not UTF-8"):
        read_corpus(tmp_path / "bin.tsv")
    with pytest.raises(RnnkitError, match="unknown corpus format"):
        read_corpus(tmp_path / "e.tsv", fmt="xml")


def test_clean_composes_decomposed_hangul():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "한국어  문장")
    assert decomposed != "한국어 문장"
    assert clean(decomposed) == "한국어 문장"


def test_bundled_corpus_reads_without_bad_lines():
    pairs, rep = read_corpus()
    assert rep.malformed == 0 and rep.empty == 0 and len(pairs) >= 100
    assert all(src and tgt for src, tgt in pairs)
