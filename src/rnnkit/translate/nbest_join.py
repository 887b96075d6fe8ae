"""The k best translations of a text of several sentences, one alternative chosen per sentence.

:meth:`Translator.translate` decodes a text sentence by sentence; with ``n_best`` each sentence has
its own best-first list of ``(text, score)``. The text's alternatives are the ``k`` best sums of one
choice per sentence, their texts joined by spaces, listed once per distinct text (as
:func:`rnnkit.translate.translator.distinct` lists a sentence's: whitespace aside). Kept sentence by
sentence, the ``k`` best so far are all the next step needs.

Each step builds no text: a choice links back to the one before it and carries a hash of its words,
which is what tells two texts apart; the ``k`` texts are joined once, at the end. Building every
prefix's text at every step cost the text's length times its sentences: a line of 8,000 sentences
took 200 s with ``--n-best 2``, and a line of 1 MB (65,000 sentences) would have taken days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_MODULUS = (1 << 61) - 1  # a Mersenne prime: two texts of other words share a hash about once in 2**61
_BASE = 1_000_003


@dataclass(frozen=True)
class _Choice:
    """One alternative per sentence so far: the last sentence's ``text``, the ``score`` summed over
    them, ``words`` (a hash of all their words, in order) and the choice for the sentences ``before``."""

    text: str
    score: float
    words: int
    before: _Choice | None


def _then(before: _Choice | None, text: str, score: float) -> _Choice:
    """``before`` followed by one more sentence's ``(text, score)``."""
    words = 0 if before is None else before.words
    for word in text.split():  # a polynomial hash: the words' order counts, not how sentences split them
        words = (words * _BASE + hash(word)) % _MODULUS
    return _Choice(text, score + (0.0 if before is None else before.score), words, before)


def _text(choice: _Choice) -> str:
    """The texts of a choice's sentences joined by a space, blank ones left out, the whole stripped."""
    texts = []
    while choice is not None:
        texts.append(choice.text)
        choice = choice.before
    said = [t for t in reversed(texts) if t.strip()]
    return " ".join([said[0].strip(), *(t.rstrip() for t in said[1:])]) if said else ""


def best_joins(options: Sequence[Sequence[tuple[str, float]]], k: int) -> list[tuple[str, float]]:
    """The ``k`` best ``(text, score)`` of one option per sentence of ``options`` (each a list of
    ``(text, score)``), by the sum of their scores, with distinct texts; ties keep the lists' order.
    Time and memory grow with ``len(options)`` times ``k`` squared, plus the ``k`` texts."""
    kept: list[_Choice | None] = [None]
    for sentence in options:
        joined = [_then(before, text, score) for before in kept for text, score in sentence]
        joined.sort(key=lambda choice: -choice.score)  # stable: equal sums stay in the order made
        kept, seen = [], set()
        for choice in joined:
            if choice.words not in seen:
                seen.add(choice.words)
                kept.append(choice)
            if len(kept) == k:
                break
    return [(_text(choice), choice.score) for choice in kept if choice is not None]
