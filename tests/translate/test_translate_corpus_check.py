"""``rnnkit translate check-corpus``: each kind of problem on a tiny file, the report, exit codes."""

from __future__ import annotations

import pytest
from helpers_translate import TINY_PAIRS, write_anki

from rnnkit.cli import main
from rnnkit.translate.corpus_check import (
    BANMAL,
    HAEYO,
    HAPSYO,
    check_file,
    length_ratio,
    near_key,
    registers,
)


def kinds(report) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for p in report.problems:
        out.setdefault(p.line, set()).add(p.kind)
    return out


def test_the_tiny_corpus_is_clean_and_exits_0(tmp_path, capsys):
    path = write_anki(tmp_path / "ok.tsv")
    report = check_file(path)
    assert report.problems == [] and report.pairs == len(TINY_PAIRS) and report.register == HAEYO
    assert main(["translate", "check-corpus", str(path)]) == 0
    assert "clean: no problems found" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("en", "ko", "kind"),
    [
        ("I am a student.", "저는 학생이에요.", "duplicate"),  # line 2 of the tiny corpus, again
        ("i am a STUDENT.", "저는 학생이에요.", "duplicate"),
        ("I'm a student!", "저는 학생이에요.", "near duplicate"),
        ("The weather in Seoul was really very nice all through the long week.", "좋아요.", "length ratio"),
        ("Hi.", "오늘 아침에 시장에서 사과와 배와 포도를 아주 많이 샀어요.", "length ratio"),
        ("I read a 책.", "저는 책을 읽어요.", "wrong script"),
        ("123 456.", "123 456이에요.", "wrong script"),
        ("I like cats.", "12 34.", "wrong script"),
        ("I like dogs.", "저는 犬을 좋아해요.", "wrong script"),
        ("I use email.", "저는 email을 써요.", "English in Korean"),
        ("I go to the bank.", "저는 은행에 갑니다.", "mixed register"),
        ("Are you busy?", "바쁘십니까?", "mixed register"),
        ("I eat bread.", "나는 빵을 먹어.", "mixed register"),
        ("I met him.", "내가 그를 만났어요.", "mixed register"),
    ],
)
def test_each_problem_is_found_on_its_line(tmp_path, en, ko, kind):
    path = write_anki(tmp_path / "bad.tsv", extra=f"{en}\t{ko}\n")
    report = check_file(path)
    line = len(TINY_PAIRS) + 2  # the comment line, then the pairs
    assert kinds(report) == {line: {kind}}, report.problems


def test_malformed_lines_are_problems_too(tmp_path):
    path = write_anki(tmp_path / "bad.tsv", extra="just one field\n\nA.\t\n")
    found = kinds(check_file(path))
    assert found == {32: {"malformed"}, 33: {"malformed"}, 34: {"malformed"}}


def test_report_is_readable_and_exit_is_1_with_a_clean_copy(tmp_path, capsys):
    extra = "I am tired.\t저는 피곤해요.\nI use email.\t저는 email을 써요.\n"
    path = write_anki(tmp_path / "bad.tsv", extra=extra)
    clean = tmp_path / "clean.tsv"
    code = main(["translate", "check-corpus", str(path), "--write-clean", str(clean)])
    out = capsys.readouterr().out
    assert code == 1
    assert "2 problems in 2 lines:" in out
    assert "line 32: duplicate: same English as line 29 ('I am tired.')" in out
    assert "line 33: English in Korean: Latin letters on the Korean side (email)" in out
    assert f"wrote {len(TINY_PAIRS)} clean pairs" in out
    assert main(["translate", "check-corpus", str(clean)]) == 0
    assert clean.read_text(encoding="utf-8") == (tmp_path / "bad.tsv").read_text(encoding="utf-8").replace(
        extra, ""
    )


def test_show_limits_the_listed_problems(tmp_path, capsys):
    extra = "".join(f"{en}\t{ko}\n" for en, ko in TINY_PAIRS[:5])
    main(["translate", "check-corpus", str(write_anki(tmp_path / "d.tsv", extra=extra)), "--show", "2"])
    out = capsys.readouterr().out
    assert out.count("duplicate: same English") == 2 and "... and 3 more" in out


def test_a_missing_file_is_a_one_line_error(tmp_path, capsys):
    assert main(["translate", "check-corpus", str(tmp_path / "none.tsv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: corpus file not found") and err.count("\n") == 1


def test_helpers():
    assert near_key("I'm tired!") == near_key("i am  tired.") == "i am tired"
    assert near_key("Don't go.") == "do not go"
    assert length_ratio("I am a student.", "저는 학생이에요.") == pytest.approx(
        -0.3677248
    )  # ln((7 + 2) / (11 + 2))
    assert registers("네. 저는 학생이에요.") == {HAEYO}
    assert registers("감사합니다. 좋아요.") == {HAPSYO, HAEYO}
    assert registers("좋아.") == {BANMAL}
    assert registers("네.") == set()


def test_the_bundled_corpus_passes():
    from rnnkit.translate.corpus import BUNDLED

    report = check_file(BUNDLED)
    assert report.problems == [], report.lines()
