"""A corpus of another language pair read as English-Korean (--tgt-lang left at ko): Tatoeba's fra.txt
trained a model labelled English-to-Korean on French, its scores and number checks Korean ones, and
nothing said so. Now it is one line naming the options that say the languages."""

from __future__ import annotations

import pytest
from helpers_translate import TINY_PAIRS

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.utils.errors import RnnkitError

FRENCH = [
    ("Go.", "Va !"),
    ("Hi.", "Salut !"),
    ("Run!", "Cours !"),
    ("Thank you.", "Merci."),
    ("Wait.", "Attends."),
]


def _fra(tmp_path):
    path = tmp_path / "fra.txt"
    path.write_text("".join(f"{en}\t{fr}\tCC-BY 2.0 (France)\n" for en, fr in FRENCH), encoding="utf-8")
    return path


def test_a_corpus_without_korean_on_its_korean_side_is_refused_naming_the_options(tmp_path):
    with pytest.raises(RnnkitError, match=r"5 of 5 pairs hold no Hangul on the ko side \(--tgt-lang ko\)"):
        read_corpus(_fra(tmp_path))
    pairs, _ = read_corpus(_fra(tmp_path), tgt_lang="fr")  # its languages said: read
    assert pairs[0] == ("Go.", "Va !")


def test_korean_to_english_names_the_source_option(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("ko\ten\n" + "".join(f"{fr}\t{en}\n" for en, fr in FRENCH), encoding="utf-8")
    with pytest.raises(RnnkitError, match=r"on the ko side \(--src-lang ko\)"):
        read_corpus(path, src_lang="ko", tgt_lang="en", src_col="ko", tgt_col="en")


def test_a_few_targets_without_hangul_are_no_reason_to_refuse(tmp_path):
    path = tmp_path / "pairs.txt"
    mixed = [*TINY_PAIRS, *FRENCH[: len(TINY_PAIRS) // 2]]  # a minority: names, numbers, stray lines
    path.write_text("".join(f"{en}\t{ko}\n" for en, ko in mixed), encoding="utf-8")
    assert len(read_corpus(path)[0]) == len(mixed)


def test_train_and_eval_refuse_it_in_one_line(tmp_path, capsys):
    path = _fra(tmp_path)
    assert main(["translate", "train", "--corpus", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give its languages with --src-lang and --tgt-lang" in err
    assert not (tmp_path / "run").exists()
    assert main(["translate", "eval", "--corpus", str(path), "--split", "all"]) == 2
    assert "hold no Hangul on the ko side" in capsys.readouterr().err


def test_a_streamed_corpus_is_refused_alike(tmp_path, capsys):
    args = ["translate", "train", "--stream", "--corpus", str(_fra(tmp_path)), "--out", str(tmp_path / "run")]
    assert main(args) == 2
    assert "5 of 5 pairs hold no Hangul on the ko side (--tgt-lang ko)" in capsys.readouterr().err


def test_check_corpus_says_it_checks_english_korean_in_one_line(tmp_path, capsys):
    # it listed 401 "wrong script" and 401 "English in Korean" problems, one a line, and exit status 1
    assert main(["translate", "check-corpus", str(_fra(tmp_path))]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert "5 of 5 pairs hold no Hangul on the Korean side: check-corpus checks English-Korean corpora" in err


LOCALISATION = [
    ("Save", "저장"),
    ("Open", "열기"),
    ("Quit", "끝내기"),
    ("Copy", "복사"),
    ("Wi-Fi", "Wi-Fi"),
    ("USB", "USB"),
    ("Ctrl+S", "Ctrl+S"),
    ("https://kde.org", "https://kde.org"),
    ("2024", "2024"),
    ("PDF", "PDF"),
    ("Bluetooth", "bluetooth"),
    ("HDMI", "HDMI"),
]


def test_what_a_localisation_corpus_copies_through_is_not_another_language(tmp_path, capsys):
    # 8 of 12 targets without Hangul, each the English copied through (a name, a number, an address):
    # counted, they refused a real English-Korean corpus as "not en-ko", in train and in check-corpus
    path = tmp_path / "l10n.tsv"
    path.write_text("".join(f"{en}\t{ko}\n" for en, ko in LOCALISATION), encoding="utf-8")
    assert len(read_corpus(path)[0]) == len(LOCALISATION)
    assert main(["translate", "check-corpus", str(path)]) in (0, 1)  # problems listed, not refused
    assert "check-corpus checks English-Korean corpora" not in capsys.readouterr().err
