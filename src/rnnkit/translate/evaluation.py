"""Score a translator on held-out pairs: model beside copy-the-source, exact matches, loops and
length-limit hits, and a verdict in plain words.

An output is **exactly right** when it has the reference's characters once case, spaces and
punctuation are ignored (Korean spacing varies between writers; ``저는 학생이에요`` matches
``저는 학생이에요.``). chrF bands for the verdict (rough, from reading outputs): below 30 mostly
wrong, 30-50 the gist with wrong or missing words, 50-70 largely right with some wrong or missing
words ("mostly right" read as "most sentences right" beside 17% exactly right), 70 and above close to
the references. Shares are rounded half up (9 of 40 is 23%, not Python's 22%) and never claim what did
not happen: a share of exact matches under 1% is written "<1%" (one of 288 was "0%"), and one over 99%
but not all ">99%" (287 of 288 is not "100%"); so are the loops and length-limit hits, at one decimal
(:func:`~rnnkit.utils.wording.percent`).

Used by ``rnnkit translate eval``, at the end of ``train`` and by the demo. Imports no training code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnnkit.translate.corpus import Pair
from rnnkit.translate.metrics import Scores, copy_source_scores, loop_rate, score
from rnnkit.translate.split import target_key
from rnnkit.translate.translator import Translation, Translator
from rnnkit.utils.wording import percent

CHRF_EXPLAINED = (
    "chrF counts the character n-grams (1 to 6) an output shares with the reference, 0 to 100; "
    "it gives partial credit for a nearly right word."
)
CHRF_BANDS = ((70.0, "close to the references"), (50.0, "largely right, with some wrong or missing words"),
              (30.0, "the gist, with wrong or missing words"), (0.0, "mostly wrong"))  # fmt: skip


def exact_matches(hypotheses: list[str], references: list[str]) -> int:
    """How many outputs equal their reference, case, spaces and punctuation ignored."""
    return sum(target_key(h) == target_key(r) for h, r in zip(hypotheses, references, strict=True))


NO_BETTER_THAN_COPY = "no better than copying the source sentence unchanged"


def verdict(
    n: int, exact: int, chrf: float, copy_chrf: float, lead: str = "Verdict: ", empty: int = 0
) -> str:
    """One plain sentence: exact-match share and chrF in words, beside copy-the-source; ``lead``
    starts it (the demo's report gives its own). A chrF at or below the copy's is said to be no
    better than copying, and ``empty`` outputs (nothing but spaces) are counted: an undertrained
    model writes blanks, and "mostly wrong" beside chrF 0.0 did not say so."""
    words = next(text for floor, text in CHRF_BANDS if chrf >= floor)
    if chrf <= copy_chrf:
        words = NO_BETTER_THAN_COPY
    blank = "" if not empty else "; every output empty" if empty == n else f"; {empty} of {n} outputs empty"
    return (
        f"{lead}{exact} of {n} translations exactly right ({percent(exact, n)}); chrF {chrf:.1f} "
        f"(copy-the-source {copy_chrf:.1f}): {words}{blank}."
    )


@dataclass
class EvalReport:
    """Scores of the model and of the copy baseline on ``n`` pairs, and how often decoding misbehaved."""

    n: int
    model: Scores
    copy: Scores
    loop_rate: float  # fraction of outputs with an n-gram repeated 3+ times in a row
    hit_max_rate: float  # fraction of outputs stopped by the length limit (no eos)
    decoding: str
    exact: int = 0  # outputs equal to the reference (case, spaces and punctuation ignored)
    translations: list[Translation] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    split: str = "test"  # which pairs: test, validation or corpus (named in the first line)

    def table(self) -> tuple[list[str], list[list[object]]]:
        """Headers and rows for a results table (model, copy-the-source)."""
        headers = [
            "system",
            "exactly right",
            "chrF",
            f"BLEU ({self.model.tokenizer})",
            "loops",
            "hit max len",
        ]
        rows = [
            [
                f"model ({self.decoding})",
                f"{self.exact} / {self.n}",
                round(self.model.chrf, 2),
                round(self.model.bleu, 2),
                self._rate(self.loop_rate),
                self._rate(self.hit_max_rate),
            ],
            ["copy the source", f"{self.copy_exact} / {self.n}", round(self.copy.chrf, 2),
             round(self.copy.bleu, 2), "-", "-"],
        ]  # fmt: skip
        return headers, rows

    @property
    def copy_exact(self) -> int:
        return (
            exact_matches([t.source for t in self.translations], self.references) if self.translations else 0
        )

    @property
    def empty(self) -> int:
        """Outputs with nothing but spaces (an undertrained model's blanks)."""
        return sum(not t.text.strip() for t in self.translations)

    def _rate(self, rate: float) -> str:
        """A fraction of the ``n`` outputs at one decimal, as :func:`verdict` prints its share: one loop
        in 3000 outputs is ``<0.1%``, not ``0.0%``."""
        return percent(round(rate * self.n), self.n, 1)

    def verdict(self, lead: str = "Verdict: ") -> str:
        return verdict(self.n, self.exact, self.model.chrf, self.copy.chrf, lead, self.empty)

    def lines(self) -> list[str]:
        """Plain-text lines for the terminal, signatures included."""
        return [
            f"{self.split} pairs: {self.n}; decoding: {self.decoding}; BLEU tokenisation: {self.model.tokenizer}"
            + (" (sacrebleu[ko] not installed: character level)" if self.model.tokenizer == "char" else ""),
            f"model:           chrF {self.model.chrf:6.2f}  BLEU {self.model.bleu:6.2f}  exactly right {self.exact}",
            f"copy the source: chrF {self.copy.chrf:6.2f}  BLEU {self.copy.bleu:6.2f}  exactly right {self.copy_exact}",
            f"repetition loops: {self._rate(self.loop_rate)} of outputs; "
            f"stopped by max length: {self._rate(self.hit_max_rate)}",
            f"chrF signature: {self.model.chrf_signature}",
            f"BLEU signature: {self.model.bleu_signature}",
            self.verdict(),
            CHRF_EXPLAINED,
        ]

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "exact": self.exact,
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
    beam: int | None = None,
    alpha: float | None = None,
    batch_size: int = 64,
    show_progress: bool = False,
    no_repeat_ngram: int | None = None,
    coverage: float | None = None,
    split: str = "test",
    mbr: bool | None = None,
    spell_numbers: bool | None = None,
    check_numbers: bool | None = None,
) -> EvalReport:
    """Translate the sources of ``pairs`` and score them against the targets (decoding arguments left
    at None take the model's own); ``split`` names the pairs in the report."""
    dec = translator.decoding()
    beam = dec["beam"] if beam is None else beam
    alpha = dec["alpha"] if alpha is None else alpha
    no_repeat_ngram = dec["no_repeat_ngram"] if no_repeat_ngram is None else no_repeat_ngram
    coverage = dec["coverage"] if coverage is None else coverage
    mbr = dec["mbr"] if mbr is None else mbr
    spelled = translator.spells_numbers(spell_numbers)
    checked = translator.checks_numbers(check_numbers)
    sources = [p[0] for p in pairs]
    refs = [p[1] for p in pairs]
    out = translator.translate(sources, beam=beam, batch_size=batch_size, alpha=alpha, show_progress=show_progress,
                               no_repeat_ngram=no_repeat_ngram, coverage=coverage, mbr=mbr,
                               spell_numbers=spelled, check_numbers=checked,
                               as_typed=True)  # fmt: skip  # a corpus's pairs as written, each one unit
    hyps = [t.text for t in out]
    return EvalReport(
        n=len(pairs),
        model=score(hyps, refs, tgt_lang),
        copy=copy_source_scores(sources, refs, tgt_lang),
        loop_rate=loop_rate([t.ids for t in out]),
        hit_max_rate=sum(t.hit_max for t in out) / max(len(out), 1),
        decoding=describe_decoding(beam, alpha, no_repeat_ngram, coverage, mbr, spelled, checked),
        exact=exact_matches(hyps, refs),
        translations=out,
        references=refs,
        split=split,
    )


def describe_decoding(
    beam: int,
    alpha: float,
    no_repeat_ngram: int = 0,
    coverage: float = 0.0,
    mbr: bool = False,
    spell_numbers: bool = False,
    check_numbers: bool = False,
) -> str:
    """``greedy`` or ``beam 5, alpha 1`` (``MBR over beam 10, alpha 1``) plus the constraints in use,
    ``digits spelled out`` when the sources' numbers were written in words first, and ``numbers
    checked`` when the output had to say the sources' typed numbers where a hypothesis did."""
    text = "greedy" if beam == 1 else f"{'MBR (chrF) over ' if mbr else ''}beam {beam}, alpha {alpha:g}"
    if no_repeat_ngram:
        text += f", no repeated {no_repeat_ngram}-gram"
    if coverage and beam > 1:
        text += f", coverage {coverage:g}"
    if spell_numbers:
        text += ", digits spelled out"
    if check_numbers and beam > 1:
        text += ", numbers checked"
    return text
