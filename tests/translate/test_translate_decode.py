"""Decoding: beam 1 equals greedy, length normalisation, max length, batching."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import torch

from rnnkit.translate.decode import beam_search, greedy, length_penalty
from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig
from rnnkit.translate.tokenizer import EOS
from rnnkit.utils.errors import RnnkitError


def random_model(seed: int = 0) -> Seq2Seq:
    torch.manual_seed(seed)
    cfg = Seq2SeqConfig(src_vocab=30, tgt_vocab=12, embed_size=8, hidden_size=16, dropout=0.0)
    return Seq2Seq(cfg).eval()


SRC = torch.tensor([[5, 9, 11, 3, 0], [7, 3, 0, 0, 0], [4, 6, 8, 10, 3]])
SRC_LEN = torch.tensor([4, 2, 5])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beam_one_equals_greedy(seed):
    model = random_model(seed)
    g = greedy(model, SRC, SRC_LEN, max_len=12, attention=True)
    b = beam_search(model, SRC, SRC_LEN, beam=1, max_len=12, attention=True)
    for x, y in zip(g, b, strict=True):
        assert x.ids == y.ids and x.hit_max == y.hit_max
        torch.testing.assert_close(y.score, x.score, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(y.attention, x.attention, rtol=0, atol=0)


def test_batched_beam_equals_one_sentence_at_a_time():
    model = random_model(3)
    batched = beam_search(model, SRC, SRC_LEN, beam=4, max_len=10)
    for i in range(3):
        n = int(SRC_LEN[i])
        alone = beam_search(model, SRC[i : i + 1, :n], SRC_LEN[i : i + 1], beam=4, max_len=10)[0]
        assert alone.ids == batched[i].ids
        torch.testing.assert_close(alone.score, batched[i].score, rtol=1e-4, atol=1e-4)


def test_wider_beam_never_scores_worse_without_normalisation():
    model = random_model(4)
    g = greedy(model, SRC, SRC_LEN, max_len=8)
    b = beam_search(model, SRC, SRC_LEN, beam=6, max_len=8, alpha=0.0)
    ended = [(x, y) for x, y in zip(g, b, strict=True) if not x.hit_max and not y.hit_max]
    assert ended, "the seed no longer gives sentences where both searches end"
    for x, y in ended:
        assert y.score >= x.score - 1e-5


@dataclass
class _State:
    last: torch.Tensor

    def select(self, rows):
        return _State(self.last.index_select(0, rows))


class ShortVersusLong:
    """A fake model: after bos, eos right away has p=0.4; token 5 has p=0.6 and then eos is certain.

    Raw log-probabilities prefer the one-token output [eos] (log 0.4 = -0.92) over [5, eos]
    (log 0.6 + log 0.9 = -0.62)? No: -0.62 > -0.92, so we make the long path cost more per token:
    token 5 then token 6 then eos, each with p=0.6, 0.7, 0.9: log = -0.51 - 0.36 - 0.11 = -0.97.
    """

    vocab = 8

    def start(self, src, src_len):
        return _State(torch.full((src.shape[0],), 2))

    def step(self, y, state):
        n = y.shape[0]
        logp = torch.full((n, self.vocab), -30.0)
        for i, prev in enumerate(y.tolist()):
            if prev == 2:  # after bos
                logp[i, EOS], logp[i, 5] = torch.tensor(0.4).log(), torch.tensor(0.6).log()
            elif prev == 5:
                logp[i, 6] = torch.tensor(0.7).log()
                logp[i, EOS] = torch.tensor(0.3).log()
            else:
                logp[i, EOS] = torch.tensor(0.9).log()
                logp[i, 7] = torch.tensor(0.1).log()
        return logp, _State(y), None


def test_length_normalisation_prefers_longer_output():
    fake = ShortVersusLong()
    src, src_len = torch.zeros(1, 3, dtype=torch.long), torch.tensor([3])
    raw = beam_search(fake, src, src_len, beam=3, max_len=5, alpha=0.0)[0]
    normed = beam_search(fake, src, src_len, beam=3, max_len=5, alpha=1.0)[0]
    assert raw.ids == []  # log 0.4 = -0.92 beats -0.97
    assert normed.ids == [5, 6]  # -0.97 / lp(3) = -0.73 beats -0.92 / lp(1) = -0.92
    assert greedy(fake, src, src_len)[0].ids == [5, 6]
    torch.testing.assert_close(length_penalty(torch.tensor([1, 3]), 1.0), torch.tensor([1.0, 8 / 6]))


def test_max_len_is_respected_and_flagged():
    model = random_model(5)
    for hyp in greedy(model, SRC, SRC_LEN, max_len=2) + beam_search(model, SRC, SRC_LEN, beam=3, max_len=2):
        # Either eos came within 2 steps or the output is exactly 2 tokens long and flagged.
        assert len(hyp.ids) < 2 if not hyp.hit_max else len(hyp.ids) == 2
    with pytest.raises(RnnkitError, match="max-len"):
        greedy(model, SRC, SRC_LEN, max_len=0)
    with pytest.raises(RnnkitError, match="beam"):
        beam_search(model, SRC, SRC_LEN, beam=0)


def test_block_repeats_forbids_exactly_the_tokens_that_repeat_an_ngram():
    from rnnkit.translate.decode import block_repeats

    history = torch.tensor([[4, 5, 6, 4, 5], [4, 5, 6, 7, 8]])  # row 0 ends with "4 5", seen before "6"
    logp = torch.zeros(2, 10)
    out = block_repeats(logp, history, 3)
    assert torch.isinf(out[0, 6]) and int(torch.isinf(out).sum()) == 1
    assert int(torch.isinf(block_repeats(logp, history, 2)[0]).sum()) == 1  # "5" was followed by "6"
    assert torch.equal(block_repeats(logp, history[:, :2], 3), logp)  # too short to repeat anything


@pytest.mark.parametrize("beam", [1, 4])
def test_no_repeat_ngram_leaves_no_repeated_ngram(beam):
    model = random_model(5)
    for h in beam_search(model, SRC, SRC_LEN, beam=beam, max_len=20, no_repeat_ngram=2):
        grams = list(zip(h.ids, h.ids[1:], strict=False))
        assert len(grams) == len(set(grams)), h.ids


def test_nbest_is_ranked_and_its_first_is_the_beam_winner():
    from rnnkit.translate.decode import beam_search_nbest

    model = random_model(6)
    nbest = beam_search_nbest(model, SRC, SRC_LEN, beam=4, max_len=10)
    best = beam_search(model, SRC, SRC_LEN, beam=4, max_len=10)
    for hyps, one in zip(nbest, best, strict=True):
        ranks = [h.rank_score for h in hyps]
        assert len(hyps) == 4 and ranks == sorted(ranks, reverse=True)
        assert hyps[0].ids == one.ids
        assert len({tuple(h.ids) for h in hyps}) == 4  # distinct hypotheses


def test_coverage_penalty_prefers_attending_to_every_source_token():
    from rnnkit.translate.decode import coverage_penalty

    mask = torch.tensor([[True, True, False], [True, True, False]])
    cov = torch.tensor([[1.0, 1.0, 0.0], [2.0, 0.1, 0.0]])
    pen = coverage_penalty(cov, mask, beta=0.5)
    assert pen[0] == 0.0 and pen[1] < 0.0  # the padding position is ignored
    torch.testing.assert_close(pen[1], 0.5 * torch.log(torch.tensor(0.1)))
    hyps = beam_search(random_model(7), SRC, SRC_LEN, beam=3, max_len=10, coverage=0.4)
    assert len(hyps) == 3


def test_per_sentence_limits_make_a_sentence_independent_of_its_batch():
    from rnnkit.translate.tokenizer import PAD

    model = random_model(8)  # untrained: it rarely emits eos, so the limits decide the lengths
    limits = torch.tensor([3, 7, 5])
    for beam in (1, 3):
        batched = beam_search(model, SRC, SRC_LEN, beam=beam, max_len=limits)
        for i in range(3):
            n = int(SRC_LEN[i])
            alone = beam_search(
                model, SRC[i : i + 1, :n], SRC_LEN[i : i + 1], beam=beam, max_len=int(limits[i])
            )[0]
            assert alone.ids == batched[i].ids and alone.hit_max == batched[i].hit_max
            assert len(batched[i].ids) <= int(limits[i]) and PAD not in batched[i].ids
            assert batched[i].hit_max == (len(batched[i].ids) == int(limits[i]))
