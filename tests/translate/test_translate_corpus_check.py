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


def test_a_duplicate_quotes_the_earlier_line_it_repeats(tmp_path, capsys):
    path = write_anki(tmp_path / "d.tsv", extra="i am TIRED.\t저는 피곤해요.\n")
    assert main(["translate", "check-corpus", str(path)]) == 1
    # line 29 holds 'I am tired.': the message quotes it, not line 32's own spelling
    assert "line 32: duplicate: same English as line 29 ('I am tired.')" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("We are\x07 sleepy.\t우리는 졸\x1b려요.", "U+0007, U+001B"),
        ("I am a doctor.\t저는 의\x00사예요.", "U+0000"),
        ("I am a cook.\x0c\t저는 요리사예요.", "U+000C"),  # a form feed: no line break either
    ],
)
def test_control_characters_are_a_problem_named_by_code_point(tmp_path, capsys, line, codes):
    path = write_anki(tmp_path / "c.tsv", extra=line + "\n")
    report = check_file(path)
    assert kinds(report) == {32: {"control character"}} and report.pairs == len(TINY_PAIRS) + 1
    assert main(["translate", "check-corpus", str(path), "--write-clean", str(tmp_path / "clean.tsv")]) == 1
    out = capsys.readouterr().out
    assert f"line 32: control character: {codes} " in out
    assert "\x07" not in (tmp_path / "clean.tsv").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", ["just one column\nanother one\n", "a\tb\tc\td\n\n"])
def test_a_file_without_a_pair_names_its_malformed_lines_and_exits_2(tmp_path, capsys, text):
    path = tmp_path / "c.tsv"
    path.write_text(text, encoding="utf-8")
    clean = tmp_path / "clean.tsv"
    assert main(["translate", "check-corpus", str(path), "--write-clean", str(clean)]) == 2
    captured = capsys.readouterr()
    assert "line 1: malformed: " in captured.out and "line 2: malformed: " in captured.out
    assert "1 tab-separated field," in captured.out or "4 tab-separated fields," in captured.out
    err = captured.err.splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error: ") and "holds no sentence pairs" in err[0]
    assert "2 lines with problems, named above" in err[0]
    assert not clean.exists()  # nothing written for a file that is no corpus


def test_check_corpus_help_says_what_each_exit_status_means(capsys):
    assert main(["translate", "check-corpus", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert (
        "Exit status: 0 the corpus is clean; 1 it has problems, each named by its line; 2 bad input" in text
    )


def test_threads_is_refused_with_the_reason(tmp_path, capsys):
    path = write_anki(tmp_path / "ok.tsv")
    for args in (["--threads", "1", str(path)], [str(path), "--threads=2"]):
        assert main(["translate", "check-corpus", *args]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "check-corpus takes no --threads: it only reads text" in err
    assert main(["translate", "check-corpus", str(path), "--nope"]) == 2  # other options: click's own words
    assert "No such option '--nope'" in capsys.readouterr().err


def test_write_clean_treats_a_missing_folder_as_every_file_output_does(tiny_model, tmp_path, capsys):
    """Like --json and --output, --write-clean creates a missing parent folder (rnnkit.utils.atomic)."""
    path = write_anki(tmp_path / "ok.tsv")
    assert main(["translate", "check-corpus", str(path), "--write-clean", str(tmp_path / "a" / "b.tsv")]) == 0
    assert main(["translate", "text", "--model", str(tiny_model), "--output", str(tmp_path / "c" / "d.txt"),
                 "Hi."]) == 0  # fmt: skip
    assert (tmp_path / "a" / "b.tsv").is_file() and (tmp_path / "c" / "d.txt").is_file()
