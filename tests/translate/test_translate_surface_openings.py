"""A common noun opening a typed sentence, read in the lower case the model learned it in
(rnnkit.translate.surface._noun_opening), and every sentence of the corpus read as before."""

from __future__ import annotations

import re

import pytest

from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.surface import as_the_corpus_writes, sentences


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # the corpus writes these nouns in lower case ("the party", "for dinner") and capitalised only
        # opening a few sentences, or never: "Party was fun." (▁Par ty) gave 그 사람은 재미있었어요.
        ("Party was fun.", "party was fun."),
        ("Internet is slow.", "internet is slow."),
        ("Dinner was delicious.", "dinner was delicious."),
        ("Music is my hobby.", "music is my hobby."),
        ("Concert was amazing!", "concert was amazing!"),
        ("Weather's nice today.", "weather's nice today."),  # gave 오늘은 저희가 좋아요. (we are good today)
        ("Bus is late.", "bus is late."),  # the corpus writes Bus inside a sentence once, bus 544 times
        ("Teacher is angry.", "teacher is angry."),  # said of a person, but no name
        # a choice, not an accident: a brand that is also a word reads as the word at a sentence's start
        # (Apple is a company. gives 사과는 회사예요.; it gave Apple은 회사예요.), as nothing in the
        # sentence tells the two apart; inside a sentence it stays a name (I work for Apple.)
        ("Apple is a company.", "apple is a company."),
        # typed casually, the capital the surface layer gives the first letter is not kept either
        ("party was fun", "party was fun."),
        ("PARTY WAS FUN", "party was fun."),
        ("Party Was Fun", "party was fun."),
    ],
)
def test_a_common_noun_opening_a_sentence_is_read_in_lower_case(typed, read):
    assert as_the_corpus_writes(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "Bill is my friend.",  # a name the corpus writes as a word, carried as a name (translate/names.py)
        "Mark called me yesterday.",  # said of a person: may be a name
        "Dinner was amazing.",  # the corpus opens a sentence so: read as the model learned it
        "Lunch is on me.",
        "John is tired.",  # no word of the corpus in lower case
        "Seoul is big.",
        "This is my bag.",  # no noun
        "Time to go.",  # no verb after it
        "Coffee, please.",
        "Party!",
    ],
)
def test_a_name_an_opening_of_the_corpus_and_other_words_keep_their_capital(typed):
    assert as_the_corpus_writes(typed) == typed


def test_every_sentence_of_a_corpus_line_of_several_is_read_as_written():
    """The translator reads a line sentence by sentence: a sentence after another on a corpus line opens
    as the corpus writes it too (the whole-line check reads only each line's first)."""
    corpus, _ = read_corpus()
    several = [s for s, _ in corpus if re.search(r"[.!?…]['\")\]’”]* +\S", s)]
    assert len(several) > 100
    read = [(p, as_the_corpus_writes(p)) for s in several for p in sentences(s)]
    assert [(p, r) for p, r in read if r != p] == []


def test_the_shipped_translator_reads_a_noun_opening_a_sentence_as_a_noun():
    from rnnkit.translate import Translator

    out = Translator.load().translate(["Party was fun.", "Internet is slow."], beam=3, mbr=False)
    # 파티 (party) and 인터넷 (internet): was 그 사람은 재미있었어요. (that person was fun) and, carried
    # as a name, Internet이 느려요.
    assert [o.read_as for o in out] == ["party was fun.", "internet is slow."]
    assert "파티" in out[0].text and "인터넷" in out[1].text
    assert all(o.names_carried is None for o in out)
