"""rnnkit.nn.search on toy step functions whose best outputs are known by hand or by enumeration."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from rnnkit.nn.search import beam_search, block_repeats, greedy, length_penalty
from rnnkit.utils.errors import RnnkitError

PAD, BOS, EOS, A, B, C = 0, 1, 2, 3, 4, 5
V = 6


@dataclass
class Rows:
    """The state: which sequence of the batch each row decodes (and how many steps it has taken)."""

    seq: torch.Tensor  # (R,)
    t: torch.Tensor  # (R,)

    def select(self, rows: torch.Tensor) -> Rows:
        return Rows(self.seq.index_select(0, rows), self.t.index_select(0, rows))


class Markov:
    """``p(y_t | y_{t-1})`` from one transition table per sequence; attention one-hot on step ``t mod S``.

    ``calls`` records the rows of every step, to see beams narrow.
    """

    def __init__(self, tables: list[dict[int, dict[int, float]]], positions: int = 4) -> None:
        self.logp = torch.full((len(tables), V, V), float("-inf"))
        for s, table in enumerate(tables):
            for prev, nxt in table.items():
                for tok, p in nxt.items():
                    self.logp[s, prev, tok] = math.log(p)
        self.positions = positions
        self.calls: list[int] = []

    def start(self, n: int) -> Rows:
        return Rows(torch.arange(n), torch.zeros(n, dtype=torch.long))

    def __call__(self, tokens: torch.Tensor, state: Rows):
        self.calls.append(len(tokens))
        logp = self.logp[state.seq, tokens]  # (R, V)
        att = torch.nn.functional.one_hot(state.t % self.positions, self.positions).float()  # (R, S)
        return logp, Rows(state.seq, state.t + 1), att

    def sequence_logp(self, seq: int, ids: list[int], ended: bool) -> float:
        path = [BOS, *ids, *([EOS] if ended else [])]
        return sum(float(self.logp[seq, a, b]) for a, b in itertools.pairwise(path))


# Greedy takes A (0.55), then at best 0.4: at most 0.22 in all. B then eos is 0.45 * 0.9 = 0.405.
TRAP = {BOS: {A: 0.55, B: 0.45}, A: {C: 0.4, B: 0.3, EOS: 0.3}, B: {EOS: 0.9, C: 0.1}, C: {EOS: 0.6, A: 0.4}}
# Loves "A B A B ...": with no repeated bigram it must stop early.
LOOP = {BOS: {A: 0.9, C: 0.1}, A: {B: 0.9, EOS: 0.1}, B: {A: 0.8, C: 0.1, EOS: 0.1}, C: {EOS: 0.7, A: 0.3}}
# [] (eos at once) has p 0.4; [A, B] then eos has 0.6 * 0.7 * 0.9 = 0.378: raw prefers the short one
SHORT = {BOS: {EOS: 0.4, A: 0.6}, A: {B: 0.7, EOS: 0.3}, B: {EOS: 0.9, C: 0.1}, C: {EOS: 1.0}}
KW = dict(bos=BOS, eos=EOS, pad=PAD, forbid=(PAD, BOS))


def test_greedy_follows_the_most_likely_token_and_beam_finds_what_greedy_misses():
    model = Markov([TRAP])
    g = greedy(model, model.start(1), 1, max_len=10, **KW)[0]
    assert g.ids == [A, C] and not g.hit_max
    assert g.score == pytest.approx(math.log(0.55 * 0.4 * 0.6))
    for narrow in (False, True):
        best = beam_search(model, model.start(1), 1, beam=2, max_len=10, alpha=0.0, narrow=narrow, **KW)[0][0]
        assert best.ids == [B] and best.score == pytest.approx(math.log(0.45 * 0.9))
        assert best.score > g.score


def _enumerate(model: Markov, seq: int, max_len: int) -> list[tuple[float, list[int]]]:
    """Every output up to ``max_len`` tokens ending in eos, with its log-probability."""
    out = []
    for n in range(max_len):
        for ids in itertools.product((A, B, C), repeat=n):
            lp = model.sequence_logp(seq, list(ids), ended=True)
            if lp > float("-inf"):
                out.append((lp, list(ids)))
    return sorted(out, key=lambda x: -x[0])


@pytest.mark.parametrize("narrow", [False, True])
def test_nbest_is_ordered_scored_exactly_and_a_wide_beam_is_exhaustive(narrow):
    model = Markov([TRAP, SHORT])
    nbest = beam_search(model, model.start(2), 2, beam=4, max_len=6, alpha=0.0, narrow=narrow, **KW)
    for seq, hyps in enumerate(nbest):
        ranks = [h.rank_score for h in hyps]
        assert ranks == sorted(ranks, reverse=True) and len({tuple(h.ids) for h in hyps}) == len(hyps)
        for h in hyps:  # the score is the sequence's log-probability under the model
            assert h.score == pytest.approx(model.sequence_logp(seq, h.ids, ended=not h.hit_max), abs=1e-5)
        # alpha 0: the best output of all, found by enumeration (no output cut at 6 tokens comes close)
        top = _enumerate(model, seq, 6)[0]
        assert hyps[0].ids == top[1] and hyps[0].score == pytest.approx(top[0], abs=1e-5)


def test_no_repeat_ngram_blocks_repeats_in_every_search():
    model = Markov([LOOP])
    loop = greedy(model, model.start(1), 1, max_len=8, **KW)[0]
    assert loop.ids[:4] == [A, B, A, B] and loop.hit_max  # without blocking it never stops
    hyps = [greedy(model, model.start(1), 1, max_len=8, no_repeat_ngram=2, **KW)[0]]
    for narrow in (False, True):
        hyps += beam_search(
            model, model.start(1), 1, beam=3, max_len=8, no_repeat_ngram=2, narrow=narrow, **KW
        )[0]
    for h in hyps:
        grams = list(itertools.pairwise(h.ids))
        assert len(grams) == len(set(grams)), h.ids
    assert hyps[0].ids == [A, B, A] and not hyps[0].hit_max  # "A B" again is banned: eos is next best


def test_block_repeats_bans_exactly_the_completing_tokens():
    history = torch.tensor([[4, 5, 6, 4, 5]])  # ends with "4 5", which "6" followed before
    out = block_repeats(torch.zeros(1, 8), history, 3)
    assert torch.isinf(out[0, 6]) and int(torch.isinf(out).sum()) == 1


def test_narrowing_beams_shrink_and_fixed_beams_do_not():
    model = Markov([TRAP, TRAP, LOOP])
    beam_search(model, model.start(3), 3, beam=3, max_len=6, narrow=False, **KW)
    assert set(model.calls) == {9}  # N*K rows at every step until all ended
    model.calls.clear()
    nbest = beam_search(model, model.start(3), 3, beam=3, max_len=6, narrow=True, **KW)
    calls = model.calls
    assert calls[0] == 3 and max(calls) <= 9 and calls[-1] < max(calls)  # narrowed after beams ended
    # narrowing keeps only ended hypotheses once some ended: at most K per sequence
    for hyps in nbest:
        assert 1 <= len(hyps) <= 3 and all(not h.hit_max for h in hyps)


def test_attention_maps_come_per_hypothesis_trimmed_to_its_steps_and_real_positions():
    model = Markov([TRAP, LOOP], positions=4)
    mask = torch.tensor([[True, True, True, False], [True, True, True, True]])  # (N, S)
    for hyps in (
        [[h] for h in greedy(model, model.start(2), 2, max_len=5, attention=True, memory_mask=mask, **KW)],
        beam_search(model, model.start(2), 2, beam=3, max_len=5, attention=True, memory_mask=mask, **KW),
        beam_search(
            model, model.start(2), 2, beam=3, max_len=5, attention=True, narrow=True, memory_mask=mask, **KW
        ),
    ):
        for seq, group in enumerate(hyps):
            for h in group:
                steps = len(h.ids) + int(not h.hit_max)
                assert h.attention.shape == (steps, int(mask[seq].sum()))
                # the toy attends to position t mod 4 at step t: the rows are that hypothesis's own steps
                want = torch.nn.functional.one_hot(torch.arange(steps) % 4, 4).float()[
                    :, : int(mask[seq].sum())
                ]
                torch.testing.assert_close(h.attention, want)
    assert greedy(model, model.start(2), 2, max_len=5, **KW)[0].attention is None  # not asked for


def test_per_sequence_limits_and_hit_max():
    model = Markov([LOOP, LOOP])
    hyps = greedy(model, model.start(2), 2, max_len=torch.tensor([2, 5]), **KW)
    assert [len(h.ids) for h in hyps] == [2, 5] and all(h.hit_max for h in hyps)
    fixed = beam_search(model, model.start(2), 2, beam=2, max_len=torch.tensor([2, 5]), alpha=0.0, **KW)
    assert all(len(h.ids) <= lim for hs, lim in zip(fixed, (2, 5), strict=True) for h in hs)
    with pytest.raises(RnnkitError, match="one length limit"):
        beam_search(model, model.start(2), 2, beam=2, max_len=torch.tensor([2, 5]), narrow=True, **KW)


def test_length_penalties_and_bad_arguments():
    lengths = torch.tensor([1, 3])
    torch.testing.assert_close(length_penalty(lengths, 1.0), torch.tensor([1.0, 8 / 6]))
    torch.testing.assert_close(length_penalty(lengths, 0.5, "power"), torch.tensor([1.0, 3**0.5]))
    assert length_penalty(4, 2.0, "power") == 16
    model = Markov([TRAP])
    with pytest.raises(RnnkitError, match="beam"):
        beam_search(model, model.start(1), 1, beam=0, **KW)
    with pytest.raises(RnnkitError, match="length penalty"):
        beam_search(model, model.start(1), 1, length_style="cubic", **KW)
    with pytest.raises(RnnkitError, match="memory_mask"):
        beam_search(model, model.start(1), 1, coverage=0.5, **KW)


@pytest.mark.parametrize("search", [greedy, beam_search])
def test_a_length_limit_or_beam_of_the_wrong_kind_is_one_line(search):
    """A float limit was truncated (2.5 decoded 2 tokens), a limit per sequence of the wrong count
    stopped in torch's expand, a float or bool beam in torch's repeat_interleave; and a negative
    limit named the command line's --max-len to a Python caller."""
    model = Markov([TRAP, TRAP])
    cases = [
        (
            2.5,
            TypeError,
            r"^max_len must be a whole number or one per sequence; got a tensor of torch\.float32$",
        ),
        (torch.tensor([2.0, 3.0]), TypeError, r"got a tensor of torch\.float32$"),
        (True, TypeError, r"got a tensor of torch\.bool$"),
        ("5", TypeError, r"got str$"),
        (
            torch.tensor([2, 3, 4]),
            RuntimeError,
            r"^max_len must be one limit or one per sequence \(2\); got shape \(3,\)$",
        ),
        (torch.ones(2, 2, dtype=torch.long), RuntimeError, r"got shape \(2, 2\)$"),
        (-1, ValueError, r"^max_len must be at least 0 \(got -1\)$"),
    ]
    for max_len, kind, message in cases:
        with pytest.raises(kind, match=message) as exc:
            search(model, model.start(2), 2, max_len=max_len, **KW)
        assert isinstance(exc.value, RnnkitError)
    for limit in ([2, 3], (2, 3), torch.tensor([2, 3], dtype=torch.int32), np.int64(3)):  # whole numbers
        assert len(search(model, model.start(2), 2, max_len=limit, **KW)) == 2
    if search is beam_search:
        for beam in (2.5, True):
            with pytest.raises(TypeError, match=rf"^beam must be an int; got {type(beam).__name__}"):
                beam_search(model, model.start(2), 2, beam=beam, **KW)


@pytest.mark.parametrize("search", [greedy, beam_search])
def test_constraints_and_penalties_of_the_wrong_kind_are_one_line(search):
    """A negative forbid id forbade a token counted from the end of the vocabulary and a negative
    no_repeat_ngram blocked nothing, both in silence; an id past the vocabulary stopped in an
    IndexError, a float n-gram size in torch's unfold; a NaN alpha ranked the n-best at random."""
    model = Markov([TRAP])
    cases = [
        ({"forbid": (PAD, -1)}, r"^forbid id -1 is not a token id: the step gives 6 \(0 to 5\)$"),
        ({"forbid": (PAD, 6)}, r"^forbid id 6 is not a token id"),
        ({"no_repeat_ngram": -1}, r"^no_repeat_ngram must be a non-negative integer; got -1$"),
        ({"no_repeat_ngram": 1.5}, r"^no_repeat_ngram must be an int; got float 1\.5$"),
    ]
    if search is beam_search:
        cases += [({"alpha": float("nan")}, r"^alpha must be a finite number; got nan$")]
        cases += [({"coverage": float("inf")}, r"^coverage must be a finite number; got inf$")]
    for options, message in cases:
        with pytest.raises(RnnkitError, match=message):
            search(model, model.start(1), 1, bos=BOS, eos=EOS, pad=PAD, **options)
    kept = search(model, model.start(1), 1, bos=BOS, eos=EOS, pad=PAD, forbid=(PAD, BOS, C))
    assert C not in (kept[0][0] if search is beam_search else kept[0]).ids


def test_length_normalisation_can_prefer_the_longer_output():
    model = Markov([SHORT])
    for narrow in (False, True):
        raw = beam_search(model, model.start(1), 1, beam=3, max_len=5, alpha=0.0, narrow=narrow, **KW)[0][0]
        normed = beam_search(model, model.start(1), 1, beam=3, max_len=5, alpha=1.0, narrow=narrow, **KW)[0][
            0
        ]
        assert raw.ids == [] and normed.ids == [A, B]


def test_coverage_penalty_prefers_hypotheses_that_attended_everywhere():
    model = Markov([TRAP], positions=3)
    mask = torch.ones(1, 3, dtype=torch.bool)
    for narrow in (False, True):
        plain = beam_search(
            model, model.start(1), 1, beam=3, max_len=6, alpha=0.0, narrow=narrow, memory_mask=mask, **KW
        )[0]
        covered = beam_search(model, model.start(1), 1, beam=3, max_len=6, alpha=0.0, coverage=5.0, narrow=narrow, memory_mask=mask, **KW)[0]  # fmt: skip
        assert plain[0].ids == [B]  # two steps: position 2 never attended
        assert len(covered[0].ids) >= 2  # three steps or more visit all three positions


@pytest.mark.parametrize("narrow", [False, True])
def test_beam_of_one_is_greedy_and_a_sequence_decodes_alike_alone_and_in_a_batch(narrow):
    model = Markov([TRAP, LOOP, SHORT])
    g = greedy(model, model.start(3), 3, max_len=7, **KW)
    b = beam_search(model, model.start(3), 3, beam=1, max_len=7, narrow=narrow, **KW)
    for x, (y,) in zip(g, b, strict=True):
        assert x.ids == y.ids and x.hit_max == y.hit_max and x.score == pytest.approx(y.score)
    together = beam_search(model, model.start(3), 3, beam=3, max_len=7, narrow=narrow, **KW)
    for seq in range(3):
        alone = Markov([[TRAP, LOOP, SHORT][seq]])
        hyps = beam_search(alone, alone.start(1), 1, beam=3, max_len=7, narrow=narrow, **KW)[0]
        assert [h.ids for h in hyps] == [h.ids for h in together[seq]]
        assert [h.score for h in hyps] == pytest.approx([h.score for h in together[seq]])


def test_a_limit_of_zero_gives_the_empty_hypothesis_alone_and_in_a_batch():
    # limits() takes 0; in a batch that steps on, such a sequence got one token from beam search (over
    # its limit) and the first token's log-probability in its greedy score, where alone it gets neither
    limits = torch.tensor([0, 5])
    model = Markov([LOOP, TRAP])
    alone = Markov([LOOP])
    g_alone = greedy(alone, alone.start(1), 1, max_len=0, **KW)[0]
    g = greedy(model, model.start(2), 2, max_len=limits, **KW)
    assert (
        (g[0].ids, g[0].score, g[0].hit_max)
        == (g_alone.ids, g_alone.score, g_alone.hit_max)
        == ([], 0.0, True)
    )
    assert g[1].ids == greedy(Markov([TRAP]), Markov([TRAP]).start(1), 1, max_len=5, **KW)[0].ids
    b_alone = beam_search(alone, alone.start(1), 1, beam=2, max_len=0, **KW)[0]
    b = beam_search(model, model.start(2), 2, beam=2, max_len=limits, **KW)[0]
    assert (
        [(h.ids, h.score, h.rank_score, h.hit_max) for h in b]
        == [(h.ids, h.score, h.rank_score, h.hit_max) for h in b_alone]
        == [([], 0.0, 0.0, True)]
    )


def test_beam_trace_records_kept_finished_and_pruned_and_its_best_path_is_the_answer():
    from rnnkit.nn.search import BeamTrace

    model = Markov([TRAP, LOOP])
    plain = beam_search(model, model.start(2), 2, beam=2, max_len=6, alpha=0.0, **KW)
    trace = BeamTrace(max_pruned=4)
    traced = beam_search(model, model.start(2), 2, beam=2, max_len=6, alpha=0.0, trace=trace, **KW)
    assert [[(h.ids, h.score) for h in hs] for hs in traced] == [
        [(h.ids, h.score) for h in hs] for hs in plain
    ]
    by_id = {n.id: n for n in trace.nodes}
    for node in trace.nodes:  # every score is the log-probability of its prefix (row 0: TRAP)
        ids = [by_id[a].token for a in _ancestors(by_id, node.id)]
        assert node.score == pytest.approx(model.sequence_logp(0, ids, ended=False), abs=1e-5)
        assert (node.status == "finished") == (node.token == EOS) or node.status == "pruned"
    # step 0 from bos: A (0.55) and B (0.45) are both kept; nothing else is possible, nothing pruned
    first = [n for n in trace.nodes if n.step == 0]
    assert {(n.token, n.status) for n in first} == {(A, "kept"), (B, "kept")}
    # step 1: the two best of {A C .22, A B .165, A eos .165, B eos .405, B C .045} are kept
    second = {(by_id[n.parent].token, n.token): n.status for n in trace.nodes if n.step == 1}
    assert second[(B, EOS)] == "finished" and second[(A, C)] == "kept"
    assert {k for k, v in second.items() if v == "pruned"} == {(A, B), (A, EOS), (B, C)}
    assert sum(n.status == "pruned" for n in trace.nodes if n.step == 1) <= 4
    # the best path spells the best hypothesis and ends at its eos with its score
    path = trace.path()
    assert [n.token for n in path] == [*traced[0][0].ids, EOS] == [B, EOS]
    assert path[-1].status == "finished" and path[-1].score == pytest.approx(traced[0][0].score)


def _ancestors(by_id, node: int) -> list[int]:
    out = []
    while node >= 0:
        out.append(node)
        node = by_id[node].parent
    return out[::-1]


def test_beam_trace_is_bounded_and_refused_by_narrowing_beams():
    from rnnkit.nn.search import BeamTrace

    model = Markov([LOOP])
    trace = BeamTrace(max_pruned=1)
    beam_search(model, model.start(1), 1, beam=3, max_len=6, alpha=0.0, trace=trace, **KW)
    steps = {n.step for n in trace.nodes}
    for t in steps:
        assert sum(n.status == "pruned" for n in trace.nodes if n.step == t) <= 1
        assert sum(n.status != "pruned" for n in trace.nodes if n.step == t) <= 3
    with pytest.raises(RnnkitError, match="fixed-width"):
        beam_search(model, model.start(1), 1, beam=3, max_len=6, narrow=True, trace=BeamTrace(), **KW)


def test_narrowing_beams_do_not_narrow_for_an_impossible_eos():
    # from bos only A or eos, then A -> C, so fewer possible tokens than beams: top-k also takes
    # candidates of score -inf, and one that was eos counted as an ended hypothesis, narrowing the
    # beam to one, which then kept C -> B over C -> eos: [A, C] (eos) went missing, found in a batch
    table = {BOS: {A: 0.483, EOS: 0.517}, A: {C: 1.0}, C: {EOS: 0.221, C: 0.11, BOS: 0.209, A: 0.16, B: 0.3}}
    kw = dict(bos=BOS, eos=EOS, pad=PAD, forbid=(PAD,), beam=3, max_len=3, alpha=0.0)
    alone = Markov([table])
    narrow = beam_search(alone, alone.start(1), 1, narrow=True, **kw)[0]
    fixed = beam_search(alone, alone.start(1), 1, **kw)[0]
    ended = [h for h in fixed if not h.hit_max]  # fixed-width beams carry the dead ones along
    assert [h.ids for h in narrow] == [h.ids for h in ended] == [[], [A, C]]
    assert [h.score for h in narrow] == pytest.approx([h.score for h in ended])
    assert narrow[1].score == pytest.approx(math.log(0.483 * 0.221))


@pytest.mark.parametrize("search", [greedy, beam_search])
def test_a_scalar_tensor_and_an_empty_list_of_limits_are_valid(search):
    """The checks of beam, no_repeat_ngram and alpha refused a 0-d tensor (torch.tensor(3): "beam must
    be an int"; torch.tensor(0.6): "alpha must be a finite number", which it is), and an empty batch's
    max_len=[] as "a tensor of torch.float32"; a 0-d tensor is its number, [] no limits at all."""
    model = Markov([TRAP, TRAP])
    options = {"no_repeat_ngram": 2} | ({"beam": 3, "alpha": 0.6} if search is beam_search else {})
    tensors = {key: torch.tensor(value) for key, value in options.items()}

    def ids(found):
        return [(row[0] if search is beam_search else row).ids for row in found]

    expected = ids(search(model, model.start(2), 2, **options, **KW))
    assert ids(search(model, model.start(2), 2, **tensors, **KW)) == expected
    assert search(model, model.start(0), 0, max_len=[], **KW) == []
    if search is beam_search:
        with pytest.raises(RnnkitError, match=r"^alpha must be a number; got str 'x'$"):
            beam_search(model, model.start(2), 2, alpha="x", **KW)
        with pytest.raises(TypeError, match=r"^beam must be an int; got float 2\.5$"):
            beam_search(model, model.start(2), 2, beam=torch.tensor(2.5), **KW)


@pytest.mark.parametrize("search", [greedy, beam_search])
@pytest.mark.parametrize("as_ids", [torch.tensor, np.array, list])
def test_forbid_may_be_a_tensor_or_an_array_of_ids(search, as_ids):
    # 'if forbid' on a tensor or an array of two ids was torch's and NumPy's 'truth value ... ambiguous'
    model = Markov([TRAP, TRAP])
    kw = {**KW, "forbid": as_ids([PAD, BOS])}
    expected = search(model, model.start(2), 2, **KW)
    found = search(model, model.start(2), 2, **kw)
    assert [repr(row) for row in found] == [repr(row) for row in expected]
