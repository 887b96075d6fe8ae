"""The eval verdict in plain words (rnnkit.translate.evaluation.verdict)."""

from __future__ import annotations

import re
from pathlib import Path

from rnnkit.translate.evaluation import CHRF_BANDS, EvalReport, verdict
from rnnkit.translate.metrics import Scores

DOC = Path(__file__).parents[2] / "docs" / "translate.md"


def test_one_exact_match_in_hundreds_is_not_written_as_none():
    # the demo printed "1 of 288 translations exactly right (0%)"
    assert "1 of 288 translations exactly right (<1%)" in verdict(288, 1, 20.0, 1.0)
    assert "0 of 288 translations exactly right (0%)" in verdict(288, 0, 20.0, 1.0)
    assert "52 of 300 translations exactly right (17%)" in verdict(300, 52, 51.7, 0.9)


def test_all_but_one_in_hundreds_is_not_written_as_all():
    # review: "287 of 288 translations exactly right (100%)" claims what the count denies
    assert "287 of 288 translations exactly right (>99%)" in verdict(288, 287, 90.0, 1.0)
    assert "288 of 288 translations exactly right (100%)" in verdict(288, 288, 100.0, 1.0)
    assert "298 of 300 translations exactly right (99%)" in verdict(300, 298, 90.0, 1.0)


def test_a_share_of_a_half_is_rounded_up_as_a_student_rounds_it():
    # 9 of 40 is 22.5%: Python's round half to even printed 22%, and one in 200 (0.5%) "0%"
    assert "9 of 40 translations exactly right (23%)" in verdict(40, 9, 40.0, 1.0)
    assert "1 of 200 translations exactly right (1%)" in verdict(200, 1, 40.0, 1.0)


def test_loops_and_length_limit_hits_are_rounded_as_the_verdict_is():
    scores = Scores(10.0, 1.0, "char", "chrF", "BLEU")
    report = EvalReport(3200, scores, scores, 1 / 3200, 200 / 3200, "greedy")
    assert report.table()[1][0][4:] == ["<0.1%", "6.3%"]  # one loop printed 0.0%, and 6.25% 6.2%
    assert "repetition loops: <0.1% of outputs; stopped by max length: 6.3%" in report.lines()


def test_the_chrf_band_of_50_to_70_does_not_say_most_sentences_are_right():
    # beside 17% exactly right, "mostly right" read as "most sentences right"
    said = verdict(300, 52, 51.7, 0.9)
    assert said.endswith("chrF 51.7 (copy-the-source 0.9): largely right, with some wrong or missing words.")
    assert verdict(300, 250, 85.0, 0.9).endswith(": close to the references.")
    assert verdict(300, 2, 12.0, 0.9).endswith(": mostly wrong.")


def test_the_docs_name_the_bands_the_verdict_uses():
    """Review: docs/translate.md still said 50-70 reads "mostly right" after the verdict changed."""
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    listed = re.search(r"The words follow chrF: (.*?)\. ", text).group(1)
    assert re.findall(r'"([^"]+)"', listed) == [words for _, words in reversed(CHRF_BANDS)]
