"""Moses files whose counts differ only by blank lines at the end of one (an editor's trailing empty
line): the refusal says so, where a bare count left the user hunting a misalignment that is not there."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.utils.errors import RnnkitError


def _files(tmp_path, en: str, ko: str):
    (tmp_path / "train.en").write_text(en, encoding="utf-8")
    (tmp_path / "train.ko").write_text(ko, encoding="utf-8")
    return tmp_path / "train.en", tmp_path / "train.ko"


def test_blank_lines_past_the_other_files_end_are_named(tmp_path, capsys):
    en, ko = _files(tmp_path, "Hi.\nThanks.\n", "안녕.\n고마워요.\n\n\n")
    with pytest.raises(RnnkitError) as caught:
        read_corpus(src_file=en, tgt_file=ko)
    assert str(caught.value) == (
        f"moses files differ in line count: {en} has 2, {ko} has 4 "
        f"({ko} ends with 2 blank lines past the other's last line: delete them)"
    )
    assert main(["translate", "check-corpus", "--src-file", str(en), "--tgt-file", str(ko)]) == 2
    assert "ends with 2 blank lines" in capsys.readouterr().err


def test_a_real_misalignment_is_the_count_alone(tmp_path):
    en, ko = _files(tmp_path, "Hi.\nThanks.\n\n", "안녕.\n")  # a sentence missing, not a blank tail
    with pytest.raises(RnnkitError, match=r"has 3, .* has 1$"):
        read_corpus(src_file=en, tgt_file=ko)
