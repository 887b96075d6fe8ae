"""Corpus files as real downloads and editors leave them: Tatoeba/Anki lines with their attribution,
UTF-16 from Windows Notepad, a header row, columns the other way round, Hugging Face JSONL, control
characters, byte-order marks inside a file, decomposed Hangul. Each is read right (the pairs
themselves are checked) or refused in one line that says what to do."""

from __future__ import annotations

import json
import unicodedata

import pytest
from helpers_translate import TINY_PAIRS

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.split import split_pairs
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError

ATTRIBUTION = "CC-BY 2.0 (France) Attribution: tatoeba.org #{} (CK) & #{} (Eunhee)"
PAIRS = TINY_PAIRS[:12]


def tatoeba_lines(pairs=PAIRS) -> list[str]:
    """``eng<TAB>kor<TAB>attribution``, as manythings.org's Anki files hold them."""
    return [f"{en}\t{ko}\t{ATTRIBUTION.format(100 + i, 900 + i)}" for i, (en, ko) in enumerate(pairs)]


def write(path, lines, encoding="utf-8", newline="\n"):
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def test_a_tatoeba_line_gives_english_and_korean_never_the_attribution(tmp_path):
    pairs, report = read_corpus(write(tmp_path / "kor.txt", tatoeba_lines()))
    assert pairs == PAIRS and report.malformed == 0
    assert not any("tatoeba" in s or "tatoeba" in t for s, t in pairs)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_their_mark_read_as_utf8_does(tmp_path, encoding):
    # Windows Notepad's "Unicode" is UTF-16 LE with a byte-order mark and CRLF line ends
    raw = "\r\n".join(tatoeba_lines()) + "\r\n"
    data = raw.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (tmp_path / "kor.txt").write_bytes(data)
    pairs, report = read_corpus(tmp_path / "kor.txt")
    assert pairs == PAIRS and report.lines == len(PAIRS)


def test_utf16_without_its_mark_is_named_as_such(tmp_path):
    write(tmp_path / "kor.txt", [f"{en}\t{en}" for en, _ in PAIRS], encoding="utf-16-le")
    with pytest.raises(RnnkitError, match=r"kor.txt: every other byte is NUL.*UTF-16.*save it as UTF-8"):
        read_corpus(tmp_path / "kor.txt")


def test_utf16_odd_bytes_are_one_line(tmp_path):
    (tmp_path / "kor.txt").write_bytes("Hello.\t안녕하세요.\n".encode("utf-16") + b"\x00")
    with pytest.raises(RnnkitError, match="line 2 is not UTF-16 text"):
        read_corpus(tmp_path / "kor.txt")


@pytest.mark.parametrize("header", ["english\tkorean", "English\tKorean\tAttribution", "source\ttarget"])
def test_a_header_row_is_not_trained_as_a_pair(tmp_path, header):
    pairs, report = read_corpus(write(tmp_path / "kor.txt", [header, *tatoeba_lines()]))
    assert pairs == PAIRS
    assert report.comments == 1 and "line 1: a header" in report.summary()


@pytest.mark.parametrize("header", ["korean\tenglish", "Korean\tEnglish\tAttribution", "한국어\t영어"])
def test_a_header_says_the_columns_are_korean_first(tmp_path, header):
    lines = [header, *(f"{ko}\t{en}" for en, ko in PAIRS)]
    assert read_corpus(write(tmp_path / "kor.txt", lines))[0] == PAIRS
    assert read_corpus(tmp_path / "kor.txt", src_lang="ko", tgt_lang="en")[0] == [(k, e) for e, k in PAIRS]


def test_a_header_naming_other_languages_is_refused(tmp_path):
    write(tmp_path / "kor.txt", ["english\tkorean", *tatoeba_lines()])
    with pytest.raises(
        RnnkitError, match="names the columns 'english' and 'korean', but the languages are en->ja"
    ):
        read_corpus(tmp_path / "kor.txt", src_lang="en", tgt_lang="ja")


def test_a_first_pair_that_looks_like_names_is_still_a_pair(tmp_path):
    pairs, _ = read_corpus(write(tmp_path / "words.txt", ["English\t영어", *tatoeba_lines()]))
    assert pairs[0] == ("English", "영어")


def test_korean_first_columns_are_refused_with_the_way_to_say_so(tmp_path, capsys):
    write(tmp_path / "kor.txt", [f"{ko}\t{en}\t{ATTRIBUTION}" for en, ko in PAIRS])
    with pytest.raises(RnnkitError, match=r"12 of 12 pairs hold Hangul on the en side.*korean<TAB>english"):
        read_corpus(tmp_path / "kor.txt")
    assert (
        main(["translate", "train", "--corpus", str(tmp_path / "kor.txt"), "--out", str(tmp_path / "o")]) == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: ") and err.count("\n") == 1 and "other way round" in err
    assert not (tmp_path / "o").exists()


def test_swapped_moses_files_and_jsonl_keys_are_refused(tmp_path):
    write(tmp_path / "x.en", [en for en, _ in PAIRS])
    write(tmp_path / "x.ko", [ko for _, ko in PAIRS])
    with pytest.raises(RnnkitError, match="swap --src-file and --tgt-file"):
        read_corpus(src_file=tmp_path / "x.ko", tgt_file=tmp_path / "x.en")
    write(tmp_path / "c.jsonl", [json.dumps({"en": ko, "ko": en}) for en, ko in PAIRS])
    with pytest.raises(RnnkitError, match="check --src-col and --tgt-col"):
        read_corpus(tmp_path / "c.jsonl")


def test_a_few_swapped_lines_are_counted_not_trained(tmp_path):
    lines = [*tatoeba_lines(), "고양이예요.\tIt is a cat."]
    pairs, report = read_corpus(write(tmp_path / "kor.txt", lines))
    assert pairs == PAIRS and report.malformed == 1
    assert "line 13: Hangul on the non-Korean side" in report.summary()


def test_a_nul_or_escape_inside_a_line_is_malformed_not_text(tmp_path):
    lines = tatoeba_lines()
    lines[3] = "I like\x00 apples.\t저는 사과를 좋아해요."
    lines[4] = "I like coffee.\t저는 커피를\x1b 좋아해요."
    pairs, report = read_corpus(write(tmp_path / "kor.txt", lines))
    assert pairs == PAIRS[:3] + PAIRS[5:] and report.malformed == 2
    assert "line 4: control character U+0000" in report.summary()


def test_a_form_feed_or_separator_is_malformed_as_check_corpus_says_not_a_space(tmp_path):
    lines = tatoeba_lines()
    lines[3] = "I like\x0c apples.\t저는 사과를 좋아해요."
    lines[4] = "I like coffee.\t저는 커피를\x1c좋아해요."
    path = write(tmp_path / "kor.txt", lines)
    pairs, report = read_corpus(path)
    assert pairs == PAIRS[:3] + PAIRS[5:] and report.malformed == 2
    assert "line 5: control character U+001C" in report.summary()
    assert [r.pair for r in PairStream(path).records()] == [*PAIRS[:3], None, None, *PAIRS[5:]]


def test_hugging_face_translation_jsonl_is_read(tmp_path):
    rows = [json.dumps({"id": str(i), "translation": {"en": e, "ko": k}}, ensure_ascii=False) for i, (e, k) in enumerate(PAIRS)]  # fmt: skip
    pairs, report = read_corpus(write(tmp_path / "train.jsonl", rows))
    assert pairs == PAIRS and report.malformed == 0
    stream = PairStream(tmp_path / "train.jsonl")
    assert [r.pair for r in stream.records()] == PAIRS


def test_jsonl_with_other_key_names_says_which_keys_it_has(tmp_path):
    rows = [json.dumps({"english": e, "korean": k}, ensure_ascii=False) for e, k in PAIRS]
    write(tmp_path / "c.jsonl", rows)
    with pytest.raises(
        RnnkitError, match="it has 'english', 'korean': --src-col and --tgt-col name the keys"
    ):
        read_corpus(tmp_path / "c.jsonl")
    assert read_corpus(tmp_path / "c.jsonl", src_col="english", tgt_col="korean")[0] == PAIRS


def test_a_byte_order_mark_inside_the_file_is_dropped(tmp_path):
    # `cat a.txt b.txt` of two files saved with a mark keeps the second mark at a line's start
    lines = tatoeba_lines()
    lines[6] = "\ufeff" + lines[6]
    pairs, _ = read_corpus(write(tmp_path / "kor.txt", lines, encoding="utf-8-sig"))
    assert pairs == PAIRS


def test_decomposed_hangul_is_the_same_text_for_duplicates_and_splits(tmp_path):
    nfd = [f"{en}\t{unicodedata.normalize('NFD', ko)}" for en, ko in PAIRS]
    pairs, _ = read_corpus(write(tmp_path / "kor.txt", nfd + [f"{en}\t{ko}" for en, ko in PAIRS]))
    assert pairs[: len(PAIRS)] == PAIRS  # composed on reading
    splits = split_pairs(pairs)
    assert splits.duplicates == len(PAIRS)
    held = {ko for _, ko in splits.test + splits.valid}
    assert not held & {ko for _, ko in splits.train}


def test_a_line_of_two_megabytes_is_read_whole(tmp_path):
    long_en = "word " * 400_000
    pairs, _ = read_corpus(write(tmp_path / "kor.txt", [*tatoeba_lines(), f"{long_en}\t말 말"]))
    assert len(pairs) == len(PAIRS) + 1 and len(pairs[-1][0]) == len(long_en) - 1


def test_stream_reads_the_header_and_refuses_utf16(tmp_path):
    write(tmp_path / "kor.txt", ["korean\tenglish", *(f"{ko}\t{en}" for en, ko in PAIRS), "안녕\t\x00"])
    records = list(PairStream(tmp_path / "kor.txt").records())
    assert records[0].pair is None and records[-1].pair is None
    assert [r.pair for r in records[1:-1]] == PAIRS
    write(tmp_path / "swapped.txt", [f"{ko}\t{en}" for en, ko in PAIRS])
    assert all(r.pair is None for r in PairStream(tmp_path / "swapped.txt").records())
    write(tmp_path / "u16.txt", tatoeba_lines(), encoding="utf-16")
    with pytest.raises(RnnkitError, match="--stream reads UTF-8 text, and .*u16.txt is UTF-16"):
        PairStream(tmp_path / "u16.txt")


def test_check_corpus_reads_a_notepad_unicode_file(tmp_path, capsys):
    write(tmp_path / "kor.txt", tatoeba_lines(), encoding="utf-16", newline="\r\n")
    assert main(["translate", "check-corpus", str(tmp_path / "kor.txt")]) == 0
    assert f"{len(PAIRS)} pairs" in capsys.readouterr().out


def test_check_corpus_names_swapped_lines_once_and_checks_them_the_right_way_round(tmp_path, capsys):
    lines = [*tatoeba_lines(), "고양이예요.\tIt is a cat.", "저는 학생이에요.\tI am a student."]
    write(tmp_path / "kor.txt", lines)
    assert main(["translate", "check-corpus", str(tmp_path / "kor.txt")]) == 1
    out = capsys.readouterr().out
    assert "line 13: swapped: Korean in column 1 and none in column 2" in out
    assert "line 14: swapped" in out and "line 14: duplicate: same English as line 1" in out
    assert "wrong script" not in out and "English in Korean" not in out


def test_tatoebas_sentence_pairs_download_is_read(tmp_path):
    # tatoeba.org/downloads, "sentence pairs": id<TAB>english<TAB>id<TAB>korean
    lines = [f"{100 + i}\t{en}\t{900 + i}\t{ko}" for i, (en, ko) in enumerate(PAIRS)]
    pairs, report = read_corpus(write(tmp_path / "Sentence pairs in English-Korean.tsv", lines))
    assert pairs == PAIRS and report.malformed == 0
    assert [r.pair for r in PairStream(tmp_path / "Sentence pairs in English-Korean.tsv").records()] == PAIRS
    assert main(["translate", "check-corpus", str(tmp_path / "Sentence pairs in English-Korean.tsv")]) == 0


def test_a_cp949_file_is_refused_with_the_encoding_named(tmp_path):
    # Korean Windows and Excel save text and CSV in CP949 unless told otherwise
    write(tmp_path / "pairs.csv", ["en,ko", *(f"{en},{ko}" for en, ko in PAIRS)], encoding="cp949")
    with pytest.raises(
        RnnkitError, match=r"line 2 is not UTF-8 text; it reads as Korean in CP949.*save it as UTF-8"
    ):
        read_corpus(tmp_path / "pairs.csv")
    (tmp_path / "bin.tsv").write_bytes(b"Hello.\t\xff\xff\n")
    with pytest.raises(RnnkitError, match=r"line 1 is not UTF-8 text$"):
        read_corpus(tmp_path / "bin.tsv")


def test_tsv_with_a_trailing_tab_and_quoted_fields_reads_as_stream_does(tmp_path):
    # a trailing tab on every line (an export's empty last column) made every line malformed
    lines = [
        "en\tko\t",
        *(f'"{en}"\t{ko}\t' for en, ko in PAIRS[:3]),
        '"Say ""hi""."\t"""안녕""이라고 해요."\t',
    ]
    write(tmp_path / "pairs.tsv", lines)
    pairs, report = read_corpus(tmp_path / "pairs.tsv")
    assert pairs == [*PAIRS[:3], ('Say "hi".', '"안녕"이라고 해요.')] and report.malformed == 0
    lines = ["en\tko", *(f"{en}\t{ko}\t" for en, ko in PAIRS)]
    assert read_corpus(write(tmp_path / "pairs.tsv", lines))[0] == PAIRS
    assert [r.pair for r in PairStream(tmp_path / "pairs.tsv").records()] == PAIRS


@pytest.mark.parametrize("indent", [None, 2])
def test_a_json_array_of_pairs_is_read_and_named_by_record(tmp_path, indent):
    records = [{"en": en, "ko": ko} for en, ko in PAIRS] + [["not", "an", "object"]]
    (tmp_path / "pairs.json").write_text(
        json.dumps(records, ensure_ascii=False, indent=indent), encoding="utf-8"
    )
    pairs, report = read_corpus(tmp_path / "pairs.json")
    assert pairs == PAIRS and report.malformed == 1
    assert f"({len(PAIRS) + 1} records:" in report.summary() and f"record {len(PAIRS) + 1}: not a JSON object" in report.summary()  # fmt: skip
    with pytest.raises(
        RnnkitError, match="--stream reads JSON Lines .* one JSON array: train without --stream"
    ):
        PairStream(tmp_path / "pairs.json")


def test_json_lines_whose_first_line_is_an_array_stay_json_lines(tmp_path):
    lines = [json.dumps(["en", "ko"]), *(json.dumps({"en": en, "ko": ko}) for en, ko in PAIRS)]
    pairs, report = read_corpus(write(tmp_path / "c.jsonl", lines))
    assert pairs == PAIRS and "line 1: not a JSON object" in report.summary()


def test_check_corpus_takes_the_header_as_the_reader_does(tmp_path, capsys):
    write(tmp_path / "kor.txt", ["korean\tenglish", *(f"{ko}\t{en}" for en, ko in PAIRS)])
    assert main(["translate", "check-corpus", str(tmp_path / "kor.txt")]) == 0
    assert f"{len(PAIRS)} pairs, 1 comment line;" in capsys.readouterr().out  # not "1 comment lines"
    write(tmp_path / "dup.txt", ["english\tkorean", *tatoeba_lines(), tatoeba_lines()[0]])
    clean = tmp_path / "clean.txt"
    assert main(["translate", "check-corpus", str(tmp_path / "dup.txt"), "--write-clean", str(clean)]) == 1
    assert clean.read_text(encoding="utf-8").splitlines() == ["english\tkorean", *tatoeba_lines()]


def test_control_characters_are_exactly_unicodes_cc_but_the_tab():
    from rnnkit.translate.corpus_text import control_characters

    every = "".join(chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000)
    expected = [f"U+{ord(c):04X}" for c in every if c != "\t" and unicodedata.category(c) == "Cc"]
    assert control_characters(every) == expected and len(expected) == 64


def test_a_table_whose_header_names_the_languages_in_words_is_read_by_them(tmp_path):
    # a spreadsheet's header: English,Korean; an export's: id<TAB>Korean<TAB>English (was read as anki:
    # the ids trained as English, the English as the attribution)
    rows = ["English,Korean", *(f'"{en}",{ko}' for en, ko in PAIRS)]
    assert read_corpus(write(tmp_path / "pairs.csv", rows))[0] == PAIRS
    rows = ["id\tKorean\tEnglish", *(f"{i}\t{ko}\t{en}" for i, (en, ko) in enumerate(PAIRS))]
    path = write(tmp_path / "pairs.tsv", rows)
    assert read_corpus(path)[0] == PAIRS
    assert [r.pair for r in PairStream(path).records()] == PAIRS
    with pytest.raises(RnnkitError, match="has no column 'en'; columns: id, ko_text, en_text"):
        read_corpus(write(tmp_path / "other.tsv", ["id\tko_text\ten_text", "1\t안녕.\tHi."]), fmt="tsv")


ANKI_EXPORT = [  # Anki 2.1.55+, File > Export > Notes in Plain Text, with deck names and tags
    "#separator:tab",
    "#html:true",
    "#deck column:1",
    "#tags column:4",
    "Korean::Basics\tI&nbsp;am <b>tired</b>.\t<div>피곤해요.</div>\tverb",
    'Korean::Basics\t"He said ""hi""."\t"그가 ""안녕""이라고 했어요."\t',
    "Korean::Basics\tWhere is the station?<br>Really?\t역이 어디예요?<br/>정말요?\tquestion",
]
ANKI_PAIRS = [
    ("I am tired.", "피곤해요."),
    ('He said "hi".', '그가 "안녕"이라고 했어요.'),
    ("Where is the station? Really?", "역이 어디예요? 정말요?"),
]


def test_an_anki_export_is_read_as_its_directives_say(tmp_path, capsys):
    # the deck name had been trained as English and the English as Korean, HTML and quotes kept
    path = write(tmp_path / "Korean.txt", ANKI_EXPORT)
    pairs, report = read_corpus(path)
    assert pairs == ANKI_PAIRS and report.comments == 4 and report.malformed == 0
    assert [r.pair for r in PairStream(path).records()][4:] == ANKI_PAIRS
    assert main(["translate", "check-corpus", str(path)]) == 0
    assert "3 pairs, 4 comment lines" in capsys.readouterr().out


def test_an_anki_export_says_korean_first_with_its_columns_line(tmp_path):
    lines = ["#separator:tab", "#columns:Korean\tEnglish", *(f"{ko}\t{en}" for en, ko in PAIRS)]
    assert read_corpus(write(tmp_path / "k.txt", lines))[0] == PAIRS
    assert [r.pair for r in PairStream(tmp_path / "k.txt").records()][2:] == PAIRS


def test_an_anki_export_with_another_separator_is_refused(tmp_path):
    write(tmp_path / "k.txt", ["#separator:Comma", "I am tired.,피곤해요."])
    with pytest.raises(RnnkitError, match=r"k.txt:1: the file says '#separator:Comma'.*--format csv"):
        read_corpus(tmp_path / "k.txt")


def test_stream_refuses_swapped_columns_with_the_same_reason(tmp_path):
    """--stream said only 'no usable sentence pairs (25 lines)' for a Korean-first file."""
    from rnnkit.translate.stream_split import scan

    write(tmp_path / "kor.txt", [f"{ko}\t{en}" for en, ko in PAIRS])
    with pytest.raises(RnnkitError, match=r"12 of 12 pairs hold Hangul on the en side.*korean<TAB>english"):
        scan(PairStream(tmp_path / "kor.txt"))
    write(tmp_path / "k.jsonl", [json.dumps({"en": ko, "ko": en}) for en, ko in PAIRS])
    with pytest.raises(RnnkitError, match="other way round; check --src-col and --tgt-col"):
        scan(PairStream(tmp_path / "k.jsonl"))


@pytest.mark.parametrize(
    "preamble",
    [
        ["#separator:tab", "#html:true", "", "korean\tenglish"],  # directives, a blank line, then a header
        ["# my deck", "#columns:Korean\tEnglish", ""],  # a comment, then the columns directive
        ["#html:true", "Korean\tEnglish"],  # the header's words capitalised
    ],
)
def test_the_three_readers_take_one_preamble_the_same_way(tmp_path, preamble, capsys):
    """The whole-file reader, --stream and check-corpus read the lines before the first pair with one
    function (corpus_text.read_preamble); each once had its own copy of the rule."""
    from rnnkit.translate.corpus_check import check_file

    bold = "<b>{}</b>" if "#html:true" in preamble else "{}"  # tags are text unless the file says html
    path = write(tmp_path / "k.txt", [*preamble, *(f"{bold.format(ko)}\t{en}" for en, ko in PAIRS)])
    assert read_corpus(path)[0] == PAIRS
    assert [r.pair for r in PairStream(path).records() if r.pair is not None] == PAIRS
    report = check_file(path)
    assert report.pairs == len(PAIRS) and report.comments == sum(1 for ln in preamble if ln)


def test_read_preamble_stops_at_the_first_pair(tmp_path):
    """A stream reads the top of a file, not all of it: the lines to the first pair, then the first
    ID_SAMPLE data lines that tell an id table (corpus_text.id_column); a directive after the first
    pair is a comment."""
    from rnnkit.translate.corpus_text import ID_SAMPLE, read_preamble

    seen = []
    top = ["#html:true", "I am tired.\t피곤해요.", "#columns:Korean\tEnglish"]

    def lines():
        for no, line in enumerate(top + ["Hi.\t안녕."] * (2 * ID_SAMPLE), 1):
            seen.append(no)
            yield no, line

    head = read_preamble(lines(), "en", "ko", "k.txt")
    assert head.layout.html and head.order is None and head.header_no == 0
    assert len(seen) == len(top) + ID_SAMPLE - 1  # the first pair is one of the sample


@pytest.mark.parametrize("name", ["pairs.txt", "table.tsv"])
def test_auto_format_reads_the_file_once(tmp_path, monkeypatch, name):
    """Detecting the format read the whole file, then the reader read it again."""
    import rnnkit.translate.corpus as corpus

    lines = [f"{en}\t{ko}" for en, ko in PAIRS]
    write(tmp_path / name, ["en\tko", *lines] if name.endswith(".tsv") else lines)
    reads = []
    real = corpus.read_text
    monkeypatch.setattr(corpus, "read_text", lambda path: reads.append(path) or real(path))
    assert read_corpus(tmp_path / name)[0] == PAIRS and reads == [tmp_path / name]
