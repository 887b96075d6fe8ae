"""Scores: sacrebleu chrF and BLEU, the copy-the-source baseline, and repetition loops.

BLEU needs words, and Korean words are not separated the way English ones are. The BLEU tokeniser is
chosen from the target language: ``ko-mecab`` (sacrebleu's Korean morphological tokeniser) when the
``sacrebleu[ko]`` extra is installed and works, ``char`` (character level) otherwise; ``13a`` for other
languages. The name is always reported, and sacrebleu's signature is printed beside the scores, so a
number can be compared only with numbers made the same way. chrF works on characters and needs no
tokeniser.

Repetition loops: an output "loops" when some n-gram (n = 1..4) occurs three or more times in a row
(``a a a``, ``a b a b a b``); :func:`loop_rate` gives the fraction of outputs that do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=1)
def ko_mecab_available() -> bool:
    """True when sacrebleu's ``ko-mecab`` tokeniser can be built (``pip install sacrebleu[ko]``)."""
    try:
        from sacrebleu.tokenizers.tokenizer_ko_mecab import TokenizerKoMecab

        TokenizerKoMecab()
    except (ImportError, RuntimeError, AssertionError, OSError):
        return False
    return True


def bleu_tokenizer(tgt_lang: str) -> str:
    """sacrebleu tokeniser name for BLEU on ``tgt_lang``."""
    if tgt_lang == "ko":
        return "ko-mecab" if ko_mecab_available() else "char"
    if tgt_lang in ("zh", "ja"):
        return "char"
    return "13a"


@dataclass
class Scores:
    """Corpus-level chrF and BLEU (0-100) with the sacrebleu signatures and the BLEU tokeniser name."""

    chrf: float
    bleu: float
    tokenizer: str
    chrf_signature: str
    bleu_signature: str

    def as_dict(self) -> dict:
        return {
            "chrf": self.chrf,
            "bleu": self.bleu,
            "bleu_tokenizer": self.tokenizer,
            "chrf_signature": self.chrf_signature,
            "bleu_signature": self.bleu_signature,
        }


def score(hypotheses: Sequence[str], references: Sequence[str], tgt_lang: str) -> Scores:
    """chrF and BLEU of ``hypotheses`` against one reference each."""
    from sacrebleu.metrics import BLEU, CHRF

    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    tok = bleu_tokenizer(tgt_lang)
    bleu, chrf = BLEU(tokenize=tok), CHRF()
    refs = [list(references)]
    b = bleu.corpus_score(list(hypotheses), refs)
    c = chrf.corpus_score(list(hypotheses), refs)
    return Scores(
        chrf=float(c.score),
        bleu=float(b.score),
        tokenizer=tok,
        chrf_signature=str(chrf.get_signature()),
        bleu_signature=str(bleu.get_signature()),
    )


def copy_source_scores(sources: Sequence[str], references: Sequence[str], tgt_lang: str) -> Scores:
    """The baseline: "translate" by copying the source sentence unchanged."""
    return score(sources, references, tgt_lang)


def has_loop(tokens: Sequence, max_n: int = 4, repeats: int = 3) -> bool:
    """True when some n-gram (n <= ``max_n``) appears ``repeats`` or more times back to back."""
    tokens = list(tokens)
    for n in range(1, max_n + 1):
        span = n * repeats
        for start in range(len(tokens) - span + 1):
            gram = tokens[start : start + n]
            if all(tokens[start + k * n : start + (k + 1) * n] == gram for k in range(1, repeats)):
                return True
    return False


def loop_rate(outputs: Sequence[Sequence]) -> float:
    """Fraction of outputs (token sequences) that contain a repetition loop."""
    if not outputs:
        return 0.0
    return sum(has_loop(o) for o in outputs) / len(outputs)
