"""Session 22 QA: check-corpus reads Moses file pairs (``--src-file``/``--tgt-file``), as train does,
and its length-ratio and register rules no longer flag short greetings and sentences ending in a noun."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus

EN = ["I am a student.", "Where is the station?", "I am a student.", "", "Hello."]
KO = ["저는 학생이에요.", "역이 어디예요?", "저는 학생입니다.", "안녕.", "Hello"]


def _moses(tmp_path: Path, en: list[str], ko: list[str]) -> tuple[Path, Path]:
    src, tgt = tmp_path / "train.en", tmp_path / "train.ko"
    src.write_text("".join(line + "\n" for line in en), encoding="utf-8")
    tgt.write_text("".join(line + "\n" for line in ko), encoding="utf-8")
    return src, tgt


def test_check_corpus_checks_moses_files_naming_the_line_of_each(tmp_path, capsys):
    src, tgt = _moses(tmp_path, EN, KO)
    assert main(["translate", "check-corpus", "--src-file", str(src), "--tgt-file", str(tgt)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{src} + {tgt}: 4 pairs, 0 comment lines; register 해요체"
    assert f"{src}:3 + {tgt}:3: duplicate: same English as line 1 ('I am a student.')" in out
    assert f"{src}:4 + {tgt}:4: malformed: a side is empty" in out
    assert f"{src}:5 + {tgt}:5: English in Korean: Latin letters on the Korean side (Hello)" in out
    # the same reader as train's: the pairs check-corpus counts are the pairs train reads
    pairs, report = read_corpus(src_file=src, tgt_file=tgt)
    assert len(pairs) == 4 and report.examples == ["line 4: a side is empty"]


def test_moses_files_the_other_way_round_are_told_to_swap_the_files(tmp_path, capsys):
    src, tgt = _moses(tmp_path, KO[:3], EN[:3])
    assert main(["translate", "check-corpus", "--src-file", str(src), "--tgt-file", str(tgt)]) == 1
    out = capsys.readouterr().out
    assert "swapped                3  swap the line's two sentences between the files" in out
    assert f"3 of 3 pairs hold Korean in {src}: the files are the other way round" in out


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            ["--tgt-file", "{tgt}", "--src-file", "{src}", "--tgt-file", "{short}"],
            "moses files differ in line count",
        ),
        (["--src-file", "{src}"], "moses corpora need both --src-file and --tgt-file"),
        (
            ["{src}", "--src-file", "{src}", "--tgt-file", "{tgt}"],
            "give either FILE or --src-file/--tgt-file",
        ),
        (["--src-file", "{src}", "--tgt-file", "{tgt}", "--src-col", "en"], "--src-col name a one-file"),
        (["--src-file", "{src}", "--tgt-file", "{tgt}", "--write-clean", "{out}"], "Moses files are two"),
        ([], "give the corpus FILE, or Moses files with --src-file and --tgt-file"),
    ],
)
def test_check_corpus_moses_misuse_is_one_line(tmp_path, one_line_error, extra, needle):
    src, tgt = _moses(tmp_path, EN, KO)
    short = tmp_path / "short.ko"
    short.write_text("하나.\n", encoding="utf-8")
    names = {"src": src, "tgt": tgt, "short": short, "out": tmp_path / "clean.tsv"}
    assert main(["translate", "check-corpus", *[a.format(**names) for a in extra]]) == 2
    one_line_error(needle)
    assert not (tmp_path / "clean.tsv").exists()


POLITE = [
    "I am a student.\t저는 학생이에요.",
    "Where is the station?\t역이 어디예요?",
    "It is cold today.\t오늘 추워요.",
]


def _check(tmp_path: Path, *lines: str) -> list[tuple[int, str]]:
    from rnnkit.translate.corpus_check import check_file

    path = tmp_path / "pairs.txt"
    path.write_text("".join(line + "\n" for line in [*POLITE, *lines]), encoding="utf-8")
    return [(p.line - len(POLITE), p.kind) for p in check_file(path).problems]


def test_a_one_word_greeting_and_a_sentence_ending_in_a_noun_are_not_flagged(tmp_path):
    """A user's report: 'Hi.'/'안녕하세요.' was a length-ratio outlier (2 letters against 5) and
    '안녕하세요 친구.' was 반말 (it ends in 구, a noun)."""
    ok = [
        "Hi.\t안녕하세요.",
        "Hello, friend.\t안녕하세요 친구.",
        "Good morning.\t좋은 아침.",
        "Bye.\t안녕히 가세요.",
    ]
    assert _check(tmp_path, *ok) == []


def test_short_pairs_far_over_the_bound_and_banmal_are_still_flagged(tmp_path):
    bad = [
        "I'm.\t지금 가고 있어요.",
        "Hi.\t오늘 아침에 시장에서 사과를 샀어요.",
        "I eat bread.\t나는 빵을 먹어.",
    ]
    assert _check(tmp_path, *bad) == [(1, "length ratio"), (2, "length ratio"), (3, "mixed register")]


@pytest.mark.parametrize(
    "sentence",
    ["좋아.", "응.", "먹었어.", "가자.", "고마워.", "사랑해.", "어디 가?", "배고파.", "알았다.", "그렇구나.",
     "맛있네.", "내가 할게.", "먹었지?", "괜찮아?", "아니.", "뭐 하냐?", "벌써 왔군.", "잘 자."],
)  # fmt: skip
def test_banmal_endings_are_still_banmal(sentence):
    from rnnkit.translate.corpus_check import BANMAL, registers

    assert registers(sentence) == {BANMAL}


@pytest.mark.parametrize("sentence", ["안녕하세요 친구.", "좋은 아침.", "커피 한 잔.", "제 학생.", "네."])
def test_a_sentence_ending_in_a_noun_has_no_register(sentence):
    from rnnkit.translate.corpus_check import registers

    assert registers(sentence) == set()
