"""Typed English as the corpus writes it: one sentence at a time, in sentence case, with its final stop.

Every English sentence of the bundled corpus begins with a capital letter and ends with ``.``, ``?`` or
``!``, and a source line holds one sentence (102 of 47,252 hold two). The model learned from nothing
else, so input typed otherwise reads to it as rare pieces and it guesses:

- ``i am a student`` gave 저는 학생이에요를 하고 있어요를 해요게 해요, ``I AM A STUDENT.`` 저는 택시를
  대고 파린 적이 있어요;
- ``I am a student. I live in Seoul.`` gave 저는 서울에 살아요: the first sentence was dropped.

So, for an English source, the translator reads each sentence on its own (:func:`sentences`, by
sentencex, Wikimedia's rule-based sentence splitter: ``Mr. Kim``, ``7 a.m.`` and ``$3.50`` stay whole)
and as the corpus would write it (:func:`as_the_corpus_writes`: sentence case, the corpus's names
capitalised, a final stop). Both leave a sentence the corpus could hold unchanged, so scores on the
corpus's own pairs do not move; what they do to typed input is measured by
``benchmarks/translate_surface.py`` (docs/RESULTS.md, "Typed input").
"""

from __future__ import annotations

import functools
import re
from collections import Counter

# First words after which a training sentence ends with "?" at least 90% of the time (the shipped
# model's training split: each at least 10 sentences; together 5,747 of its 6,520 questions). A
# sentence typed without its final stop and begun with one of them is a question.
QUESTION_STARTS = frozenset((
    "are", "can", "could", "did", "do", "does", "how", "how's", "is", "isn't", "may", "shall", "should",
    "was", "what", "what's", "where", "where's", "which", "who", "who's", "whose", "why", "will", "would",
))  # fmt: skip
FINAL_STOPS = (".", "?", "!", "…")
CLOSERS = "\"')]}’”"  # a quotation or bracket may close after the stop: He said "Stop."
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z]+(?:['’][a-z]+)?(?![\w])")
_LONE_I = re.compile(r"(?<![\w'’])i(?=$|[\s,.!?;:]|['’](?:m|ve|ll|d)\b)")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order (one when it holds one, or none but blanks)."""
    from sentencex import segment

    found = [s.strip() for s in segment("en", text)]
    return [s for s in found if s] or [text.strip()]


@functools.cache
def corpus_names() -> dict[str, str]:
    """Lower-case word -> its written form, for the words the bundled corpus's English writes only with
    capitals, at least twice and never first in a sentence alone (names, days and months, ``ATM``):
    224 words, ``seoul`` -> ``Seoul``. Read once, when a typed sentence needs it (half a second)."""
    from rnnkit.translate.corpus import read_corpus

    corpus, _ = read_corpus()
    forms: dict[str, Counter] = {}
    lower: Counter = Counter()
    for source, _ in corpus:
        for word in _WORD.findall(source)[1:]:  # a sentence's first word is capitalised anyway
            if word[0].isupper():
                forms.setdefault(word.lower(), Counter())[word] += 1
            else:
                lower[word.lower()] += 1
    return {
        w: seen.most_common(1)[0][0]
        for w, seen in forms.items()
        if sum(seen.values()) >= 2 and not lower[w] and not w.startswith("i'") and w != "i"
    }


def as_the_corpus_writes(sentence: str) -> str:
    """``sentence`` in the corpus's surface form, where it is not (a sentence the corpus could hold comes
    back unchanged): letters all in capitals made lower case, then the corpus's names given their
    capitals (:func:`corpus_names`: ``I LIVE IN SEOUL`` and ``i live in seoul`` are read ``I live in
    Seoul.``), a lone ``i`` made ``I``, the first letter a capital, and a final ``?`` (after a
    :data:`QUESTION_STARTS` word) or ``.`` where it has no final stop."""
    text = sentence.strip()
    if not _LATIN.search(text):  # no English word (Korean, emoji, a lone number): nothing to put in form,
        return text  # and the translator's warning about input it cannot read must see it as typed
    letters = [ch for ch in text if ch.isalpha()]
    words = sum(any(ch.isalpha() for ch in word) for word in text.split())
    shouted = words >= 2 and all(ch.isupper() for ch in letters)  # I AM A STUDENT. (not "OK." or "USA!")
    first = next((k for k, ch in enumerate(text) if ch.isalpha()), None)
    stopped = text.rstrip(CLOSERS).endswith(FINAL_STOPS)
    if not (shouted or not stopped or (first is not None and text[first].islower())):
        return text  # written as the corpus writes: its own words' case is the writer's
    if shouted:
        text = text.lower()
    names = corpus_names()
    text = _LOWER_WORD.sub(lambda m: names.get(m[0], m[0]), text)
    text = _LONE_I.sub("I", text)
    if first is not None and text[first].islower() and not text[:first].strip("\"'‘“(["):
        text = text[:first] + text[first].upper() + text[first + 1 :]
    if text and not stopped:
        words = text.split()
        opener = words[0].lower().strip("\"'‘“([,") if words else ""
        text += "?" if opener in QUESTION_STARTS else "."
    return text
