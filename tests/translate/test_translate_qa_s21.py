"""What a demanding user still tripped on training a translator on their own corpus (session 21):
a verdict that called a model worse than copying the source "mostly wrong" and never said its
outputs were blank, ..."""

from __future__ import annotations

from rnnkit.translate.evaluation import evaluate_pairs, verdict
from rnnkit.translate.translator import Translation


class BlankTranslator:
    """What an undertrained model does: every output is the word-boundary piece alone, a blank."""

    def decoding(self) -> dict:
        return {"beam": 1, "alpha": 1.0, "no_repeat_ngram": 3, "coverage": 0.0, "mbr": False}

    def spells_numbers(self, given: bool | None) -> bool:
        return False

    def checks_numbers(self, given: bool | None) -> bool:
        return False

    def translate(self, sources: list[str], **_: object) -> list[Translation]:
        return [Translation(s, " ", [4, 4, 4], [], ["▁"] * 3, False, False) for s in sources]


def test_a_model_no_better_than_copying_the_source_is_said_to_be_so():
    """A streamed 2-epoch model scored chrF 0.0 beside copy-the-source's 1.0, and the verdict said
    "mostly wrong", as it says of a model at chrF 25."""
    said = verdict(1923, 0, 0.0, 1.0)
    assert said.endswith(
        "chrF 0.0 (copy-the-source 1.0): no better than copying the source sentence unchanged."
    )
    assert verdict(1923, 0, 1.0, 1.0).endswith(": no better than copying the source sentence unchanged.")
    assert verdict(154, 0, 6.2, 1.1).endswith(": mostly wrong.")  # above the copy: the band's words


def test_blank_outputs_are_counted_in_the_verdict():
    """Every output of that model was blank (`translate eval --show` printed 'out: ' again and again),
    and nothing in the scores said so."""
    pairs = [("I am a student.", "저는 학생이에요."), ("Where is the station?", "역이 어디예요?")]
    report = evaluate_pairs(BlankTranslator(), pairs, "ko")
    assert report.empty == 2
    assert report.verdict().endswith(
        "no better than copying the source sentence unchanged; every output empty."
    )
    assert verdict(10, 0, 3.0, 1.0, empty=4).endswith(": mostly wrong; 4 of 10 outputs empty.")
    assert verdict(10, 0, 3.0, 1.0).endswith(": mostly wrong.")
