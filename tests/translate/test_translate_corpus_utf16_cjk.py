"""A Korean-Chinese or Korean-Japanese corpus saved as UTF-16 without its byte-order mark: about a tenth of
its bytes are NUL (its tabs, line breaks and spaces), not every other one, so 9fb83ca7 named it only "line 1
is not UTF-8 text"; read whole and with --stream it is named UTF-16 LE or BE (byte_order.utf16_order)."""

from __future__ import annotations

import pytest

from rnnkit.translate.corpus_text import read_text
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.utils.errors import RnnkitError

KO_ZH = "안녕하세요\t感谢您的帮助\n" * 20
# 가, 대 and 一 hold a NUL byte too, on the other side: most NULs are still the tabs, breaks and spaces;
# 300 lines are more than --stream's 4 KiB sample
KO_JA = "저는 학생이 아닙니다. 가방이 대단히 커요.\t私は学生ではありません。一番大きい。\r\n" * 300


@pytest.mark.parametrize(("pairs", "tgt"), [(KO_ZH, "zh"), (KO_JA, "ja")])
@pytest.mark.parametrize(("encoding", "order"), [("utf-16-le", "LE"), ("utf-16-be", "BE")])
def test_a_cjk_corpus_in_utf16_without_its_mark_is_named_whole_and_streamed(
    tmp_path, pairs, tgt, encoding, order
):
    path = tmp_path / "ko.tsv"
    path.write_bytes(pairs.encode(encoding))
    said = f"{path} is UTF-16 {order} text saved without a byte-order mark; save it as UTF-8"
    with pytest.raises(RnnkitError) as whole:
        read_text(path)
    assert str(whole.value) == said
    with pytest.raises(RnnkitError) as streamed:
        list(PairStream(path, src_lang="ko", tgt_lang=tgt).records())
    assert str(streamed.value) == said


def test_the_same_corpus_in_utf8_is_read(tmp_path):
    """Korean in UTF-8 decodes cleanly as UTF-16 BE: a file without NUL is never taken for it."""
    path = tmp_path / "ko.tsv"
    path.write_bytes(("ko\tja\n" + KO_JA).encode())
    assert read_text(path).endswith(KO_JA)
    records = list(PairStream(path, src_lang="ko", tgt_lang="ja", fmt="tsv").records())
    assert len(records) >= 300


@pytest.mark.parametrize("row", [10, 11])  # the NUL on UTF-16 LE's high-byte side, then BE's
def test_a_utf8_corpus_with_cr_line_ends_and_a_stray_nul_is_checked_not_called_utf16(tmp_path, capsys, row):
    """2161ddba called this UTF-8 corpus (old Mac Excel's "Tab delimited text": CR line ends, no LF byte)
    "UTF-16 LE (or BE) text saved without a byte-order mark" for one ``\\t\\0`` cell."""
    from rnnkit.cli import main

    rows = ["english\tkorean"] + [f"sentence {i}\t문장 {i}입니다" for i in range(50)]
    rows[row] += "\t\x00"
    path = tmp_path / "cr.tsv"
    path.write_bytes(("\r".join(rows) + "\r").encode())
    assert main(["translate", "check-corpus", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "UTF-16" not in out + err
    assert "50 pairs" in out


RU_UK = "Как дела у тебя сегодня?\tЯк справи у тебе сьогодні?\nСпасибо большое\tДякую дуже\n" * 30
AR_ARZ = "مرحبا بالعالم، كيف حالك اليوم\tأهلا يا عالم، إزيك النهارده\n" * 30
# Thai ฉ ช ญ (U+0E09, U+0E0A, U+0E0D) hold a tab, LF or CR byte, every Devanagari letter a tab byte (U+09xx)
TH_EN = "ฉันชอบกินข้าวผัดกับญาติของฉันทุกวันช่วงเช้า\tI like fried rice\nช้างตัวใหญ่มาก\tThe elephant is big\n" * 30
HI = "मेरा नाम राम है और मैं दिल्ली में रहता हूँ\tमुझे किताबें पढ़ना पसंद है\n" * 30


@pytest.mark.parametrize(
    ("pairs", "langs", "encoding", "order"),
    [
        (RU_UK, ("ru", "uk"), "utf-16-le", "LE"),
        (RU_UK, ("ru", "uk"), "utf-16-be", "BE"),
        (AR_ARZ, ("ar", "arz"), "utf-16-le", "LE"),
        (TH_EN, ("th", "en"), "utf-16-le", "LE"),
        (TH_EN, ("th", "en"), "utf-16-be", "BE"),
        (HI, ("hi", "mr"), "utf-16-le", "LE"),
    ],
)
def test_a_russian_arabic_thai_or_hindi_corpus_in_utf16_without_its_mark_is_named_by_the_cli(
    tmp_path, capsys, pairs, langs, encoding, order
):
    """Its Cyrillic and Arabic letters are valid UTF-8 in UTF-16 (U+0430 is 0x30 0x04): 146853a4 read it as
    UTF-8, and train said "ru_uk.tsv has no column '0'; columns: @825B  <8@, ...", check-corpus "no Hangul".
    Thai's ช (U+0E0A: 0x0A 0x0E) and Hindi's letters (U+0915 क: 0x15 0x09) hold line-break and tab bytes
    that were counted as UTF-8's own: train said "line 1: control character U+0000, U+000E, ... (not text)"."""
    from rnnkit.cli import main

    path = tmp_path / "ru_uk.tsv"
    path.write_bytes(pairs.encode(encoding))
    said = f"rnnkit: error: {path} is UTF-16 {order} text saved without a byte-order mark; save it as UTF-8"
    src, tgt = langs
    train = [
        "translate",
        "train",
        "--corpus",
        str(path),
        "--format",
        "tsv",
        "--src-col",
        "0",
        "--tgt-col",
        "1",
    ]
    train += ["--src-lang", src, "--tgt-lang", tgt, "--out", str(tmp_path / "model")]
    for args in (train, ["translate", "check-corpus", str(path)], [*train, "--stream"]):
        assert main(args) == 2
        out, err = capsys.readouterr()
        assert err.strip().splitlines() == [said]
    assert not (tmp_path / "model").exists()
