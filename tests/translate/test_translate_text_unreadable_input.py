"""What a demanding user still tripped on giving ``translate text`` input the model cannot read
(session 22): Korean into the English-to-Korean model was warned only as "unknown to the model (is it
en?)", the digits of a URL were taken for a number the translation left out, an address or an emoji
was dropped without a word, and a one-pair corpus was "1 pairs" in "1 lines"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rnnkit.cli import main
from rnnkit.translate import Translation
from rnnkit.translate.corpus import ReadReport, read_corpus, swapped_message
from rnnkit.translate.number_check import source_numbers
from rnnkit.translate.split import Splits, few_held_out, split_pairs
from rnnkit.utils.errors import RnnkitError


def translated(source: str, text: str) -> Translation:
    return Translation(source, text, [], [], [], hit_max=False, truncated=False)


def warnings_for(source: str, text: str = "번역", src: str = "en", tgt: str = "ko") -> list[str]:
    """The warnings ``translate text`` gives line 1 of a model translating ``src`` to ``tgt``."""
    from rnnkit.translate.stream import line_warnings

    tr = SimpleNamespace(config={"src_lang": src, "tgt_lang": tgt}, max_src_len=128)
    return list(line_warnings(tr, translated(source, text), 1))


# --- a line in another language than the model's source -------------------------------------------


def test_korean_into_the_shipped_model_is_named_korean_with_what_the_model_takes(capsys):
    assert main(["translate", "text", "--beam", "1", "안녕하세요. 저는 학생입니다.", "I am a student."]) == 0
    err = capsys.readouterr().err
    assert (
        "rnnkit: warning: line 1: it looks like Korean; this model translates English to Korean "
        "(give English text)\n" in err
    )
    assert "unknown to the model" not in err and "line 2" not in err  # one warning, the plain one


def test_the_languages_are_read_from_the_model_not_assumed():
    assert warnings_for("I am a student.", src="ko", tgt="en") == [
        "line 1: it looks like English; this model translates Korean to English (give Korean text)"
    ]
    assert warnings_for("Привет, как дела?") == [
        "line 1: it is written in Cyrillic script; this model translates English to Korean (give English text)"
    ]
    assert warnings_for("こんにちは、元気ですか") == [
        "line 1: it looks like Japanese; this model translates English to Korean (give English text)"
    ]
    # a Korean word in an English sentence is no Korean line (the word is named instead: see
    # test_stream_foreign_words.py); a language the table lacks is not judged
    assert warnings_for("I like 김치 very much.", "저는 김치를 좋아해요.") == []
    assert warnings_for("안녕하세요.", src="xx", tgt="yy") == []


def test_japanese_of_kanji_and_kana_is_named_japanese():
    """Neither its CJK characters nor its kana alone are most of "私は学生です。" (3 and 3): it was "most
    of it is unknown to the model (is it English?)". Chinese alone is CJK only; a sentence mostly in the
    source's letters is still none."""
    japanese = "line 1: it looks like Japanese; this model translates English to Korean (give English text)"
    assert warnings_for("私は学生です。") == [japanese]
    assert warnings_for("東京駅はどこですか?") == [japanese]
    assert warnings_for("我是学生。") == [
        "line 1: it looks like Chinese or Japanese; this model translates English to Korean (give English text)"
    ]
    assert warnings_for("I like 寿司 and 天ぷら very much.", "저는 정말 좋아해요.")[0].startswith(
        "line 1: this model reads English only"
    )


def test_a_line_mostly_unknown_in_the_source_script_still_names_the_language():
    from rnnkit.translate.stream import line_warnings

    line = translated("zzqx vvbk", "번역")
    line.unknown_share = 1.0
    tr = SimpleNamespace(config={"src_lang": "en", "tgt_lang": "ko"}, max_src_len=128)
    assert list(line_warnings(tr, line, 3)) == ["line 3: most of it is unknown to the model (is it English?)"]


# --- addresses: no number of the sentence's, and not translated ------------------------------------


@pytest.mark.parametrize(
    "english",
    [
        "Visit https://example.com/path?q=1 for details.",
        "See www.example.org/2024/07/post.",
        "Write to 1004@kakao.com now.",
        "Open /data/2024/07/report.txt or ~/notes/7-days.md.",
        "Read docs/2024/notes.txt first.",
        r"It is in D:\backup\2024\a.doc today.",
    ],
)
def test_the_digits_of_an_address_are_no_number_of_the_source(english):
    assert source_numbers(english) == []


def test_numbers_beside_an_address_are_still_checked():
    typed = [n.typed for n in source_numbers("Send 3 files to bob@x.org by 5 pm, $5/month, 1/2 cup.")]
    assert typed == ["3", "5 pm", "$5", "1/2"]


def test_a_url_is_warned_as_not_translated_never_as_a_missing_number(capsys):
    line = "Visit https://example.com/path?q=1 for details."
    bare = "See https://example.com/path/to/page"  # an address alone is copied (test_..._addresses)
    assert main(["translate", "text", "--beam", "1", line, bare]) == 0
    err = capsys.readouterr().err
    assert "does not say 1" not in err
    assert (
        "line 1: addresses are not translated: https://example.com/path?q=1 is not in the translation "
        "(copy it in)" in err
    )
    assert (
        "line 2: it is an address, not a sentence, and addresses are not translated: "
        "https://example.com/path/to/page is not in the translation (copy it in)" in err
    )


def test_an_address_the_translation_keeps_is_not_warned_about():
    assert warnings_for("Mail bob@x.org and see https://a.org.", "bob@x.org 로 메일") == [
        "line 1: addresses are not translated: https://a.org is not in the translation (copy it in)"
    ]


# --- emoji --------------------------------------------------------------------------------------------


def test_emoji_the_translation_drops_are_named(capsys):
    assert main(["translate", "text", "--beam", "1", "I love pizza 🍕😀", "I am happy."]) == 0
    err = capsys.readouterr().err
    assert "rnnkit: warning: line 1: emoji are not translated: 🍕😀\n" in err and "line 2" not in err
    # a sequence (a family joined by ZWJ, a flag, a heart with its variation selector) is one emoji
    assert warnings_for("We 👨‍👩‍👧 love ❤️ Korea 🇰🇷.") == ["line 1: emoji are not translated: 👨‍👩‍👧❤️🇰🇷"]


# --- one pair, one line -------------------------------------------------------------------------------


def test_a_one_pair_corpus_is_counted_in_the_singular(tmp_path, capsys):
    one = tmp_path / "one.tsv"
    one.write_text("I am a student.\t저는 학생이에요.\n", encoding="utf-8")
    _, report = read_corpus(one)
    assert report.summary() == "read 1 pair from " + str(one) + " (1 line: 0 comment, 0 empty, 0 malformed)"
    with pytest.raises(RnnkitError, match=r"the corpus has 1 unique pair; at least 3"):
        split_pairs([("I am a student.", "저는 학생이에요.")])
    assert main(["translate", "eval", "--corpus", str(one)]) != 0
    captured = capsys.readouterr()
    assert "read 1 pair from" in captured.out and "(1 line: " in captured.out
    assert "the corpus has 1 unique pair;" in captured.err


def test_other_counts_agree_with_one():
    splits = Splits(train=[("a", "b")] * 3, valid=[], test=[], duplicates=1, collisions=1)
    assert "(1 duplicate source removed, 1 pair dropped for sharing" in splits.summary()
    assert few_held_out(2, 1).startswith("only 2 validation and 1 test pair: ")
    assert swapped_message("k.txt", 1, 0, "tsv", "en", "ko").startswith("k.txt: 1 of 1 pair holds Hangul")
    assert ReadReport("x", lines=2, pairs=2).summary().startswith("read 2 pairs from x (2 lines: ")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "Visit https://example.com/path?q=1 for details.",
            "Visit https://example.com/path?q=1 for details.",
        ),
        ("Mail bob42@example.com by 5 pm.", "Mail bob42@example.com by five in the afternoon."),
        ("Open docs/file2.txt and read 3 pages.", "Open docs/file2.txt and read three pages."),
    ],
)
def test_spelling_numbers_out_leaves_an_address_as_typed(typed, read):
    """The model read 'Visit https://example.com/path?q=one for details.': spelling the numbers out
    changed the address's digits; the numbers around it are still spelled."""
    from rnnkit.translate.numbers import spell_out

    assert spell_out(typed) == read
