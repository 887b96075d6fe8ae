"""A pair longer than train reads (session 25): check-corpus called a line of 25,000 words a side clean
but for its register, while train cut it to 128 pieces a side and warned only after reading the corpus;
a paragraph, or a file joined on one line, is now a ``long`` problem by its line."""

from __future__ import annotations

from rnnkit.cli import main
from rnnkit.translate.corpus_check import LONG_WORDS, long_problem
from rnnkit.translate.training import TrainOptions

PAIRS = "Thank you.\t고마워요.\nGood night.\t잘 자요.\n"


def test_the_bound_is_trains_own_default_cut():
    assert TrainOptions.max_src_len == LONG_WORDS  # a word is a piece or more: over it, surely cut


def test_a_side_over_the_bound_is_flagged_by_its_line_and_kept_out_of_the_clean_file(tmp_path, capsys):
    path = tmp_path / "pairs.tsv"
    en, ko = " ".join(["word"] * 25_000), " ".join(["말이에요."] * 3)
    path.write_text(PAIRS + f"{en}\t{ko}\n", encoding="utf-8")
    clean = tmp_path / "clean.tsv"
    assert main(["translate", "check-corpus", str(path), "--write-clean", str(clean)]) == 1
    out = capsys.readouterr().out
    assert "  long                   1  split it into sentences, a pair a line, or drop it\n" in out
    assert (
        "line 3: long: the English side has 25,000 words: train cuts a side at --max-src-len "
        "(128 pieces by default), and never trains on the rest\n" in out
    )
    assert clean.read_text(encoding="utf-8") == PAIRS


def test_both_sides_are_named_and_a_pair_at_the_bound_is_not_long():
    at = " ".join(["a"] * LONG_WORDS)
    over = at + " a"
    assert long_problem(at, at) is None
    assert long_problem(over, over).startswith(
        f"the English side has {LONG_WORDS + 1} words and the Korean side has {LONG_WORDS + 1} words: "
    )
