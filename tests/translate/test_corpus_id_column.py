"""A table of ``id``, English and the other language saved without its header row: three tab-separated
fields, as an anki line has, but its first is a number. Read as ``english<TAB>other<TAB>attribution``, the
id was the English sentence and the translation an attribution: an English-French file trained "100"
into "Hello." without a word, and an English-Korean one was refused as "not en-ko"."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError

FRENCH = [("Hello.", "Bonjour."), ("Thank you.", "Merci."), ("Good night.", "Bonne nuit.")]
KOREAN = [("Hello.", "안녕하세요."), ("Thank you.", "고마워요."), ("Good night.", "잘 자요.")]


def write_ids(path, pairs, header: str | None = None):
    lines = [f"{100 + i}\t{en}\t{other}" for i, (en, other) in enumerate(pairs)]
    path.write_text("".join(f"{line}\n" for line in ([header] if header else []) + lines), encoding="utf-8")
    return path


def test_an_id_column_is_no_english_sentence_whole_or_streamed(tmp_path):
    path = write_ids(tmp_path / "fra.tsv", FRENCH)
    want = "line 1: 3 tab-separated fields, the first a number (an id column?"
    with pytest.raises(RnnkitError, match="no usable sentence pairs") as whole:
        read_corpus(path, tgt_lang="fr")
    assert want in str(whole.value) and "id<TAB>en<TAB>fr, to have it read as a table" in str(whole.value)
    records = list(PairStream(path, tgt_lang="fr").records())
    assert [r.pair for r in records] == [None, None, None]


def test_train_and_check_corpus_name_the_id_column_not_another_language(tmp_path, capsys):
    path = write_ids(tmp_path / "kor.tsv", KOREAN)
    assert main(["translate", "train", "--corpus", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "an id column?" in err and "not en-ko" not in err
    assert main(["translate", "check-corpus", str(path)]) == 2
    out = capsys.readouterr().out
    assert "line 3: malformed: 3 tab-separated fields, the first a number (an id column?" in out
    assert "id<TAB>en<TAB>ko" in out


def test_the_header_row_it_asks_for_reads_the_pairs(tmp_path):
    pairs, report = read_corpus(write_ids(tmp_path / "fra.tsv", FRENCH, "id\ten\tfr"), tgt_lang="fr")
    assert pairs == FRENCH and report.malformed == 0


def test_a_line_among_pairs_is_counted_malformed_and_an_attribution_still_read(tmp_path):
    path = tmp_path / "kor.txt"
    path.write_text(
        "Hello.\t안녕하세요.\tCC-BY 2.0 (France) Attribution: tatoeba.org #1\n7\tThank you.\t고마워요.\n"
        "Good night.\t잘 자요.\n",
        encoding="utf-8",
    )
    pairs, report = read_corpus(path)
    assert pairs == [KOREAN[0], KOREAN[2]] and report.malformed == 1


NUMBERS = "1\t일\tSino-Korean\n2\t이\tSino-Korean\n10\t열\tnative\n"


def test_a_deck_whose_english_is_a_number_is_still_read_whole_streamed_and_checked(tmp_path, capsys):
    # was refused: "no usable sentence pairs ... an id column? ... id<TAB>en<TAB>ko", advice that
    # would read 일 as the English column
    path = tmp_path / "numbers.txt"
    path.write_text(NUMBERS, encoding="utf-8")
    want = [("1", "일"), ("2", "이"), ("10", "열")]
    pairs, report = read_corpus(path)
    assert pairs == want and report.malformed == 0
    assert [r.pair for r in PairStream(path).records()] == want
    main(["translate", "check-corpus", str(path)])
    assert "malformed" not in capsys.readouterr().out


def test_among_pairs_a_number_line_is_a_pair_and_an_id_line_malformed(tmp_path):
    path = tmp_path / "kor.txt"
    path.write_text("Hello.\t안녕하세요.\n1\t일\tSino-Korean\n7\tThank you.\t고마워요.\n", encoding="utf-8")
    pairs, report = read_corpus(path)
    assert pairs == [KOREAN[0], ("1", "일")] and report.malformed == 1
    assert report.examples[0].startswith("line 3: 3 tab-separated fields, the first a number (an id column?")


def test_without_korean_a_number_and_a_note_are_a_pair_and_two_sentences_an_id_line(tmp_path):
    path = tmp_path / "fra.txt"
    path.write_text(
        "Hello.\tBonjour.\tCC-BY 2.0\nGood night.\tBonne nuit.\tCC-BY 2.0\n"
        "1\tun\tcardinal\n115\tI like coffee.\tJ'aime le café.\n",
        encoding="utf-8",
    )
    pairs, report = read_corpus(path, tgt_lang="fr")
    assert pairs == [FRENCH[0], FRENCH[2], ("1", "un")] and report.malformed == 1


UNPUNCTUATED = "115\tI like coffee\tJ'aime le café\n116\tgood morning\tbonjour\n117\tthank you\tmerci\n"


def test_an_id_table_without_final_stops_is_refused_whole_streamed_and_trained(tmp_path, capsys):
    # since e930615a it was trained as id->English, 0 malformed: its sentences end in no stop
    path = tmp_path / "fra.txt"
    path.write_text(UNPUNCTUATED, encoding="utf-8")
    with pytest.raises(RnnkitError, match="no usable sentence pairs") as whole:
        read_corpus(path, tgt_lang="fr")
    assert "an id column?" in str(whole.value) and "id<TAB>en<TAB>fr" in str(whole.value)
    assert [r.pair for r in PairStream(path, tgt_lang="fr").records()] == [None, None, None]
    assert (
        main(["translate", "train", "--corpus", str(path), "--tgt-lang", "fr", "--out", str(tmp_path / "r")])
        == 2
    )
    assert "an id column?" in capsys.readouterr().err


def test_a_handful_of_number_lines_among_pairs_stays_readable_without_korean(tmp_path):
    path = tmp_path / "fra.txt"
    pairs = "".join(f"{en}\t{fr}\tCC-BY 2.0\n" for en, fr in FRENCH)
    path.write_text(pairs + "1\tun\tcardinal\n", encoding="utf-8")
    want = [*FRENCH, ("1", "un")]
    assert read_corpus(path, tgt_lang="fr")[0] == want
    assert [r.pair for r in PairStream(path, tgt_lang="fr").records()] == want


def test_number_lines_among_two_field_pairs_and_numbers_with_attributions_stay_pairs(tmp_path):
    """ce974345 counted only three-field lines: three ``1<TAB>un<TAB>cardinal`` lines among two hundred
    two-field pairs made the file an id table (the three dropped as malformed), and a Tatoeba export of
    numbers with their attributions lost seven pairs of ten."""
    mixed = tmp_path / "mixed.txt"
    pairs = [(f"Sentence number {k}.", f"Phrase numéro {k}.") for k in range(200)]
    numbers = [("1", "un"), ("2", "deux"), ("3", "trois")]
    mixed.write_text(
        "".join(f"{en}\t{fr}\n" for en, fr in pairs) + "".join(f"{n}\t{w}\tcardinal\n" for n, w in numbers),
        encoding="utf-8",
    )
    assert read_corpus(mixed, tgt_lang="fr")[0] == pairs + numbers
    assert [r.pair for r in PairStream(mixed, tgt_lang="fr").records() if r.pair] == pairs + numbers
    tatoeba = tmp_path / "tatoeba.txt"
    said = [(str(k), f"Nombre {k}.") for k in range(1, 8)] + [
        ("Hello.", "Bonjour."),
        ("Yes.", "Oui."),
        ("No.", "Non."),
    ]
    tatoeba.write_text(
        "".join(
            f"{en}\t{fr}\tCC-BY 2.0 (France) Attribution: tatoeba.org #{k} (a) & #{k + 1} (b)\n"
            for k, (en, fr) in enumerate(said)
        ),
        encoding="utf-8",
    )
    assert read_corpus(tatoeba, tgt_lang="fr")[0] == said


def test_a_whole_numbers_deck_with_a_tag_column_is_pairs_not_an_id_table(tmp_path):
    """``1<TAB>un<TAB>cardinal`` on every line (a numbers deck, its third field a tag repeated) was read as
    an id table and refused, every line malformed, where the Korean deck of that shape was read."""
    path = tmp_path / "fra.txt"
    words = [
        "un",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "six",
        "sept",
        "huit",
        "neuf",
        "dix",
        "premier",
        "second",
    ]
    tags = ["cardinal"] * 10 + ["ordinal"] * 2
    path.write_text(
        "".join(f"{k}\t{w}\t{t}\n" for k, (w, t) in enumerate(zip(words, tags, strict=True), 1)), "utf-8"
    )
    want = [(str(k), w) for k, w in enumerate(words, 1)]
    pairs, report = read_corpus(path, tgt_lang="fr")
    assert pairs == want and report.malformed == 0
    assert [r.pair for r in PairStream(path, tgt_lang="fr").records()] == want
    # an id table, each third field its own sentence, is still refused (see the test above)
    ids = tmp_path / "ids.txt"
    ids.write_text(UNPUNCTUATED, encoding="utf-8")
    with pytest.raises(RnnkitError, match="no usable sentence pairs"):
        read_corpus(ids, tgt_lang="fr")


@pytest.mark.parametrize(
    "table",
    [
        "1\thi\tsalut\n2\thello\tsalut\n",
        "1\tyes\toui\n2\tyeah\toui\n3\tno\tnon\n4\tnope\tnon\n",
        "".join(f"{k}\tthanks {k}\tmerci\n" for k in range(1, 10)),  # nine lines: short of a tag column's ten
    ],
)
def test_an_id_table_whose_translations_repeat_is_still_refused(tmp_path, table):
    """Review of 3c695bd1: a third field at most half distinct made these id tables pairs of id -> English,
    0 malformed, in silence; an id table repeats its translations too."""
    path = tmp_path / "fra.txt"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(RnnkitError, match="no usable sentence pairs"):
        read_corpus(path, tgt_lang="fr")
    assert not any(r.pair for r in PairStream(path, tgt_lang="fr").records())
