"""Our BLEU, CIDEr-D and ROUGE-L against pycocoevalcap on fixed sets and on edge cases; baseline and
diversity. The edge cases hold pycocoevalcap's numbers as constants, so they run without it."""

import random

import pytest

from rnnkit.caption.metrics import (
    bleu,
    cider_d,
    cider_d_per_image,
    diversity,
    most_frequent_caption,
    rouge_l,
    score_all,
)
from rnnkit.utils.errors import InputTypeError, RnnkitError

WORDS = [
    "a",
    "the",
    "large",
    "small",
    "red",
    "blue",
    "green",
    "circle",
    "square",
    "triangle",
    "to",
    "left",
    "of",
    "and",
    "above",
    "below",
    "is",
    "there",
]
TOL = {"rel": 1e-9, "abs": 1e-12}  # the same formulas in float64: agreement to rounding


def _fixed_set(seed: int, n: int = 60):
    rng = random.Random(seed)
    refs = [[[rng.choice(WORDS) for _ in range(rng.randint(2, 12))] for _ in range(rng.randint(1, 5))]
            for _ in range(n)]  # fmt: skip
    hyps = []
    for ref_set in refs:  # half near a reference (so high-order n-grams match), half random
        if rng.random() < 0.5:
            base = list(rng.choice(ref_set))
            base[rng.randrange(len(base))] = rng.choice(WORDS)
            hyps.append(base)
        else:
            hyps.append([rng.choice(WORDS) for _ in range(rng.randint(1, 12))])
    return refs, hyps


def _coco(refs, hyps):
    gts = {i: [" ".join(r) for r in rs] for i, rs in enumerate(refs)}
    res = {i: [" ".join(h)] for i, h in enumerate(hyps)}
    return gts, res


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_against_pycocoevalcap(seed):
    pycoco_bleu = pytest.importorskip(
        "pycocoevalcap.bleu.bleu", reason="pycocoevalcap (dev dependency) missing"
    )
    from pycocoevalcap.cider.cider import Cider
    from pycocoevalcap.rouge.rouge import Rouge

    refs, hyps = _fixed_set(seed)
    gts, res = _coco(refs, hyps)
    ref_bleu, _ = pycoco_bleu.Bleu(4).compute_score(gts, res, verbose=0)
    ref_cider, ref_cider_each = Cider().compute_score(gts, res)
    ref_rouge, _ = Rouge().compute_score(gts, res)
    assert bleu(refs, hyps) == pytest.approx(ref_bleu, **TOL)
    assert cider_d(refs, hyps) == pytest.approx(float(ref_cider), **TOL)
    assert cider_d_per_image(refs, hyps) == pytest.approx(list(ref_cider_each), **TOL)
    assert rouge_l(refs, hyps) == pytest.approx(float(ref_rouge), **TOL)
    assert ref_bleu[3] > 0.05  # the fixed set exercises 4-gram matches, not only zeros


S = str.split
# Edge cases the random sets above never draw (an empty caption, one word, a word repeated, references of
# very different lengths, a caption longer than every reference), each with pycocoevalcap 1.2's BLEU-1..4,
# per-image CIDEr-D and ROUGE-L, computed by its Bleu(4), Cider() and Rouge() on the captions joined by
# spaces ({i: [" ".join(ref) ...]}, {i: [" ".join(hyp)]}), written out as printed (repr of the floats)
EDGE_CASES = {
    "empty hypothesis": (
        [[S("a red circle")], [S("a blue square"), S("a square")]],
        [[], S("a blue square")],
        [0.3678794409261896, 0.367879440895533, 0.367879440824001, 0.011633369375307054],
        [0.0, 4.621692174880071],
        0.5,
    ),
    "one word": (
        [[S("a red circle")], [S("a blue square")], [S("square")]],
        [["circle"], ["a"], ["square"]],
        [0.26359713793999556, 0.0002635971379839284, 2.6359713799857278e-05, 8.335673408003623e-06],
        [1.6180438094424834, 0.7737583651441002, 2.5],
        0.6390977443609023,
    ),
    "repeated words": (
        [[S("a red circle"), S("the the red")], [S("a blue square")]],
        [S("the the the the"), S("square square square")],
        [0.4285714285102042, 0.292770021834371, 3.0571070866397403e-06, 1.3001186515239272e-08],
        [0.8418705965267238, 0.5892556509887896],
        0.45993589743589736,
    ),
    "references of different lengths": (
        [
            [S("a red circle"), S("a big red circle on the left side of the picture"), S("red")],
            [S("a blue square"), S("square")],
            [S("two green triangles above a small hexagon")],
        ],
        [S("a red circle on the left"), S("a blue square on top"), S("green triangles above a hexagon")],
        [0.8749999999453126, 0.8204126540851748, 0.7781337401350639, 0.6703420895711146],
        [2.8853928237485285, 2.8553842073217477, 5.436476807333498],
        0.864808764320382,
    ),
    "hypothesis longer than every reference": (
        [[S("a b c")], [S("d e")]],
        [S("a b c a b c a b c a b c"), S("d e")],
        [0.357142857117347, 0.2988071523104765, 0.20745663332394362, 3.155984538824274e-05],
        [0.5213607262081567, 5.0],
        0.7242647058823529,
    ),
}


@pytest.mark.parametrize("case", EDGE_CASES)
def test_edge_cases_give_pycocoevalcaps_numbers(case):
    refs, hyps, ref_bleu, ref_cider_each, ref_rouge = EDGE_CASES[case]
    assert bleu(refs, hyps) == pytest.approx(ref_bleu, **TOL)
    assert cider_d_per_image(refs, hyps) == pytest.approx(ref_cider_each, **TOL)
    assert cider_d(refs, hyps) == pytest.approx(sum(ref_cider_each) / len(ref_cider_each), **TOL)
    assert rouge_l(refs, hyps) == pytest.approx(ref_rouge, **TOL)


def test_perfect_and_disjoint_captions():
    refs = [[["a", "red", "circle", "above", "a", "blue", "square"]], [["a", "small", "green", "triangle"]]]
    hyps = [r[0] for r in refs]
    scores = score_all(refs, hyps)
    for k in range(1, 5):
        assert scores[f"BLEU-{k}"] == pytest.approx(1.0, abs=1e-9)
    assert scores["ROUGE-L"] == pytest.approx(1.0)
    # two images only: the IDF of n-grams found in every reference set is log(2/2) = 0, in one set log 2
    assert scores["CIDEr-D"] > 0
    other = [["zebra"], ["zebra", "zebra"]]
    assert bleu(refs, other)[0] == pytest.approx(0.0, abs=1e-9)
    assert rouge_l(refs, other) == 0.0
    assert cider_d(refs, other) == 0.0


def test_an_image_whose_references_are_all_empty_scores_0_not_a_traceback():
    # an empty caption string tokenises to []; ROUGE-L took max() of no reference's recall: ValueError
    refs = [[[]], [[], S("a red circle")]]
    hyps = [S("a red circle"), S("a red circle")]
    assert rouge_l(refs, hyps) == pytest.approx(0.5)  # the first image 0, the second 1
    scores = score_all(refs, hyps)
    assert scores["ROUGE-L"] == pytest.approx(0.5) and scores["BLEU-1"] > 0


def test_captions_given_as_strings_are_refused_not_scored_by_their_characters():
    # pycocoevalcap takes captions as strings; given so here, each was scored a character a word: BLEU-1
    # 1.0 for "a dog runs" against "a dog is running", and "a dog" the most frequent of "a dog", "a cat"
    with pytest.raises(
        InputTypeError, match=r"hyps\[0\] must be a list of words, got the string 'a dog runs'"
    ):
        score_all([["a dog is running"]], ["a dog runs"])
    with pytest.raises(InputTypeError, match=r"refs\[0\]\[0\] must be a list of words"):
        bleu([["a dog is running"]], [S("a dog runs")])
    with pytest.raises(InputTypeError, match=r"refs\[0\] must be a list of captions"):
        rouge_l(["a dog is running"], [S("a dog runs")])
    with pytest.raises(InputTypeError, match=r"train_captions\[1\]"):
        most_frequent_caption([S("a dog"), "a cat"])
    with pytest.raises(InputTypeError, match=r"hyps\[0\]"):
        diversity(["a dog", "a cat"])
    with pytest.raises(TypeError):  # an InputTypeError is a TypeError too, as Python raises for a wrong type
        cider_d([[S("a dog")]], "a dog")


def test_captions_given_as_generators_are_read_once_not_used_up_by_the_check():
    # the check for captions given as strings read a generator through before the real work: a novel
    # caption's share was 0.0, and the most frequent caption an IndexError traceback
    scores = diversity((c for c in [S("a cat")]), (c for c in [S("a dog")]))
    assert scores == {"distinct": 1.0, "vocab": 2.0, "novel": 1.0}
    assert most_frequent_caption(c for c in [S("a dog"), S("a cat"), S("a dog")]) == S("a dog")
    with pytest.raises(RnnkitError, match="no training captions"):
        most_frequent_caption(c for c in [])


def test_brevity_penalty():
    refs = [[["a", "b", "c", "d"]]]
    assert bleu(refs, [["a", "b"]], n=1)[0] == pytest.approx(2.718281828459045 ** (1 - 2), rel=1e-9)


def test_most_frequent_caption_and_diversity():
    train = [["a", "cat"], ["a", "dog"], ["a", "cat"], ["a", "bird"]]
    assert most_frequent_caption(train) == ["a", "cat"]
    div = diversity([["a", "cat"], ["a", "cat"], ["a", "fish"], ["a", "dog"]], train)
    assert div["distinct"] == pytest.approx(3 / 4)
    assert div["vocab"] == 4.0
    assert div["novel"] == pytest.approx(1 / 4)
    with pytest.raises(RnnkitError):
        most_frequent_caption([])


def test_bad_metric_input():
    with pytest.raises(RnnkitError, match="hypotheses"):
        bleu([[["a"]]], [["a"], ["b"]])
    with pytest.raises(RnnkitError, match="reference"):
        cider_d([[]], [["a"]])
