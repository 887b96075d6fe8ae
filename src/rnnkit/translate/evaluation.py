"""Score a translator on held-out pairs: model beside copy-the-source, loops and length-limit hits.

Used by ``rnnkit translate eval``, at the end of ``train`` and by the demo. Imports no training code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnnkit.translate.corpus import Pair
from rnnkit.translate.metrics import Scores, copy_source_scores, loop_rate, score
from rnnkit.translate.translator import Translation, Translator


@dataclass
class EvalReport:
    """Scores of the model and of the copy baseline on ``n`` pairs, and how often decoding misbehaved."""

    n: int
    model: Scores
    copy: Scores
    loop_rate: float  # fraction of outputs with an n-gram repeated 3+ times in a row
    hit_max_rate: float  # fraction of outputs stopped by the length limit (no eos)
    decoding: str
    translations: list[Translation] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def table(self) -> tuple[list[str], list[list[object]]]:
        """Headers and rows for a results table (model, copy-the-source)."""
        headers = ["system", "chrF", f"BLEU ({self.model.tokenizer})", "loops", "hit max len"]
        rows = [
            [
                f"model ({self.decoding})",
                round(self.model.chrf, 2),
                round(self.model.bleu, 2),
                f"{100 * self.loop_rate:.1f}%",
                f"{100 * self.hit_max_rate:.1f}%",
            ],
            ["copy the source", round(self.copy.chrf, 2), round(self.copy.bleu, 2), "-", "-"],
        ]
        return headers, rows

    def lines(self) -> list[str]:
        """Plain-text lines for the terminal, signatures included."""
        return [
            f"test pairs: {self.n}; decoding: {self.decoding}; BLEU tokenisation: {self.model.tokenizer}"
            + (" (sacrebleu[ko] not installed: character level)" if self.model.tokenizer == "char" else ""),
            f"model:           chrF {self.model.chrf:6.2f}  BLEU {self.model.bleu:6.2f}",
            f"copy the source: chrF {self.copy.chrf:6.2f}  BLEU {self.copy.bleu:6.2f}",
            f"repetition loops: {100 * self.loop_rate:.1f}% of outputs; "
            f"stopped by max length: {100 * self.hit_max_rate:.1f}%",
            f"chrF signature: {self.model.chrf_signature}",
            f"BLEU signature: {self.model.bleu_signature}",
        ]

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "decoding": self.decoding,
            "model": self.model.as_dict(),
            "copy_source": self.copy.as_dict(),
            "loop_rate": self.loop_rate,
            "hit_max_rate": self.hit_max_rate,
        }


def evaluate_pairs(
    translator: Translator,
    pairs: list[Pair],
    tgt_lang: str,
    beam: int = 5,
    alpha: float = 1.0,
    batch_size: int = 64,
    show_progress: bool = False,
) -> EvalReport:
    """Translate the sources of ``pairs`` and score them against the targets."""
    sources = [p[0] for p in pairs]
    refs = [p[1] for p in pairs]
    out = translator.translate(
        sources, beam=beam, batch_size=batch_size, alpha=alpha, show_progress=show_progress
    )
    hyps = [t.text for t in out]
    return EvalReport(
        n=len(pairs),
        model=score(hyps, refs, tgt_lang),
        copy=copy_source_scores(sources, refs, tgt_lang),
        loop_rate=loop_rate([t.ids for t in out]),
        hit_max_rate=sum(t.hit_max for t in out) / max(len(out), 1),
        decoding="greedy" if beam == 1 else f"beam {beam}, alpha {alpha:g}",
        translations=out,
        references=refs,
    )
