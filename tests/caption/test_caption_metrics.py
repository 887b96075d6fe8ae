"""Our BLEU, CIDEr-D and ROUGE-L against pycocoevalcap on a fixed set; baseline and diversity."""

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
from rnnkit.utils.errors import RnnkitError

pycoco_bleu = pytest.importorskip("pycocoevalcap.bleu.bleu", reason="pycocoevalcap (dev dependency) missing")
from pycocoevalcap.cider.cider import Cider  # noqa: E402
from pycocoevalcap.rouge.rouge import Rouge  # noqa: E402

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
