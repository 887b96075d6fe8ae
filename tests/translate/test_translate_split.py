"""De-duplication and the fixed split: deterministic, disjoint, stable as the corpus grows."""

from __future__ import annotations

import pytest

from rnnkit.translate.split import dedup, model_splits, position, split_pairs, target_key
from rnnkit.utils.errors import RnnkitError

PAIRS = [(f"sentence number {i}.", f"문장 {i}") for i in range(400)]


def sources(pairs) -> set[str]:
    return {p[0] for p in pairs}


def test_split_is_deterministic_disjoint_and_complete():
    a = split_pairs(PAIRS, seed=3)
    b = split_pairs(list(reversed(PAIRS)), seed=3)  # file order does not matter
    assert (sorted(a.train), sorted(a.valid), sorted(a.test)) == (
        sorted(b.train),
        sorted(b.valid),
        sorted(b.test),
    )
    assert all(position(s, 3) < 0.1 for s in sources(a.test))
    assert all(0.1 <= position(s, 3) < 0.2 for s in sources(a.valid))
    assert 20 <= len(a.test) <= 60 and 20 <= len(a.valid) <= 60  # about 10% each of 400
    train, valid, test = sources(a.train), sources(a.valid), sources(a.test)
    assert not (train & valid) and not (train & test) and not (valid & test)
    assert train | valid | test == sources(PAIRS) and a.collisions == 0
    assert sources(split_pairs(PAIRS, seed=4).test) != test


def test_the_held_out_splits_do_not_change_when_the_corpus_grows():
    small = split_pairs(PAIRS[:200], seed=0)
    grown = split_pairs(PAIRS[:200] + [(f"another line {i}.", f"다른 줄 {i}") for i in range(300)], seed=0)
    assert sources(grown.test) & sources(PAIRS[:200]) == sources(small.test)
    assert sources(grown.valid) & sources(PAIRS[:200]) == sources(small.valid)
    assert len(grown.test) > len(small.test)  # new pairs join the test split too


def test_model_splits_reads_the_saved_seed_and_fractions():
    config = {"data": {"split": {"seed": 5, "valid_frac": 0.05, "test_frac": 0.2}}}
    mine = model_splits(PAIRS, config)
    expected = split_pairs(PAIRS, seed=5, valid_frac=0.05, test_frac=0.2)
    assert (mine.train, mine.valid, mine.test) == (expected.train, expected.valid, expected.test)
    assert (
        model_splits(PAIRS, config, seed=7).test
        == split_pairs(PAIRS, seed=7, valid_frac=0.05, test_frac=0.2).test
    )
    default = model_splits(PAIRS, {})  # an older config without data.split: translate train's defaults
    assert default.test == split_pairs(PAIRS).test and default.valid == split_pairs(PAIRS).valid


def test_no_test_sentence_is_trained_on_either_side_after_normalisation():
    held = [s for s in PAIRS if position(s[0], 0) < 0.1][:3]
    leaks = [
        (
            held[0][0].upper().replace(".", "!"),
            "새 문장이에요.",
        ),  # the same source, other case and punctuation
        ("A brand new sentence.", held[1][1].replace(" ", "") + "!"),  # the same target, other spacing
    ]
    leaks = [p for p in leaks if position(p[0], 0) >= 0.2]  # only those that land in training
    assert leaks, "pick sentences that hash into training"
    s = split_pairs(PAIRS + leaks, seed=0)
    train_src = {p[0] for p in s.train}
    train_tgt = {target_key(p[1]) for p in s.train}
    assert not (train_src & {p[0] for p in leaks})
    assert not ({target_key(p[1]) for p in s.test + s.valid} & train_tgt)
    assert s.duplicates + s.collisions == len(leaks)


def test_dedup_by_source_counts_duplicates():
    pairs = [
        ("Hello.", "안녕."),
        ("hello! ", "안녕하세요."),
        ("I'm here.", "여기요."),
        ("I am here.", "여기요."),
    ]
    kept, dropped = dedup(pairs)
    assert kept == [("Hello.", "안녕."), ("I'm here.", "여기요.")] and dropped == 2
    s = split_pairs(pairs + [("A.", "가."), ("B.", "나."), ("C.", "다.")], seed=0)
    assert s.duplicates == 2 and len(s.train) + len(s.valid) + len(s.test) + s.collisions == 5
    assert "2 duplicate" in s.summary()


def test_too_small_or_bad_fractions():
    with pytest.raises(RnnkitError, match="at least 3"):
        split_pairs(PAIRS[:2])
    with pytest.raises(RnnkitError, match="fractions"):
        split_pairs(PAIRS, valid_frac=0.6, test_frac=0.5)
    tiny = split_pairs(PAIRS[:3])
    assert (len(tiny.train), len(tiny.valid), len(tiny.test)) == (1, 1, 1)
