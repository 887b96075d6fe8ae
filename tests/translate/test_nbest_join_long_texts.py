"""The n-best list of a text of many sentences (``translate(..., n_best=k)`` of one long line) is made
without building every prefix's text at every sentence: a line of 8,000 sentences took 200 s with
``n_best=2``, its sentences' count squared, and a line of 1 MB would have taken days. The list is the
one the former pairwise construction gave (texts, scores, order, duplicates dropped)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rnnkit.translate.nbest_join import best_joins
from rnnkit.translate.translator import distinct


def pairwise(options, k):  # noqa: ANN001, ANN201
    """The former construction: every prefix's text built at every sentence."""
    alternatives = [("", 0.0)]
    for sentence in options:
        pairs = [(f"{a} {b}".strip(), s + t) for a, s in alternatives for b, t in sentence]
        alternatives = distinct(sorted(pairs, key=lambda pair: -pair[1]), k)
    return alternatives


TEXTS = st.sampled_from(["a", "b", "a b", "b c", "c", "", " ", "a  b", " d ", "가 나."])
SENTENCE = st.lists(st.tuples(TEXTS, st.sampled_from([0.0, -0.5, -1.0, -2.25])), min_size=1, max_size=4)


@given(st.lists(SENTENCE, min_size=1, max_size=6), st.integers(1, 5))
def test_the_list_is_the_one_pairwise_joining_gave(options, k):
    assert best_joins(options, k) == pairwise(options, k)


def test_two_texts_of_the_same_words_split_otherwise_are_listed_once():
    options = [[("a b", 0.0), ("a", -1.0)], [("c", 0.0), ("b c", -1.0)]]
    assert best_joins(options, 4) == [("a b c", 0.0), ("a b b c", -1.0), ("a c", -1.0)]  # not "a" "b c"


def test_a_text_of_20000_sentences_gets_its_three_best():
    n = 20_000
    # sentence i: its best, and a second choice that costs i + 1 more
    options = [[(f"s{i}.", 0.0), (f"t{i}.", -(i + 1.0))] for i in range(n)]
    best = [f"s{i}." for i in range(n)]
    assert best_joins(options, 3) == [
        (" ".join(best), 0.0),
        (" ".join(["t0.", *best[1:]]), -1.0),
        (" ".join(["s0.", "t1.", *best[2:]]), -2.0),
    ]
