"""Batched beam search against the per-image search it replaced, greedy, and teacher forcing."""

import functools
import itertools
import math

import pytest
import torch

from rnnkit.caption.decode import NO_EMPTY, Hypothesis, beam_search, decode, greedy
from rnnkit.caption.model import CaptionDecoder, DecoderConfig, map_memory, map_state, start_tokens
from rnnkit.caption.vocab import END, PAD, START, UNK
from rnnkit.utils.errors import RnnkitError

VARIANTS = list(itertools.product(["rnn", "lstm", "gru"], [False, True], ["init", "first"]))
L, D = 9, 8  # feature locations, channels


def _decoder(cell, attention, inject, seed=0, vocab=12, end_bias=1.5):
    """A random tiny decoder; ``end_bias`` on the ``<end>`` logit makes captions stop at varied lengths."""
    torch.manual_seed(seed)
    cfg = DecoderConfig(vocab_size=vocab, feature_dim=D, locations=L, cell=cell, embed_size=6, hidden_size=10,
                        attention=attention, attention_dim=7, inject=inject, dropout=0.0)  # fmt: skip
    dec = CaptionDecoder(cfg).eval()
    with torch.no_grad():
        dec.out.bias[END] += end_bias
    return dec


@functools.cache
def _trained(cell, attention, inject, steps=80):
    """A tiny decoder fitted to captions of 1 to 6 words that its image's features decide, so that
    beams end at different steps for different images (a random decoder mostly says ``<end>`` at
    once or never)."""
    dec = _decoder(cell, attention, inject, seed=1, end_bias=0.0).train()
    gen = torch.Generator().manual_seed(0)
    feats = torch.randn(32, L, D, generator=gen)  # (N, L, D)
    lengths = 1 + 3 * (feats[:, 0, 0] > 0).long() + 2 * (feats[:, 1, 0] > 0).long()  # (N,) 1..6
    words = 4 + feats[:, :, 1:].argmax(dim=2) % 8  # (N, L) in 4..11
    caps = torch.full((32, 8), PAD)  # (N, T)
    caps[:, 0] = START
    for i, n in enumerate(lengths.tolist()):
        caps[i, 1 : 1 + n] = words[i, :n]
        caps[i, 1 + n] = END
    opt = torch.optim.Adam(dec.parameters(), lr=2e-2)
    for _ in range(steps):
        logits, _ = dec(feats, caps)  # (N, T-1, V)
        loss = torch.nn.functional.cross_entropy(
            logits.flatten(0, 1), caps[:, 1:].flatten(), ignore_index=PAD
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
    return dec.eval()


@torch.no_grad()
def _reference_beam(dec, feats, beam_size, max_len, length_penalty=0.0):
    """The per-image beam search rnnkit had before batching (one image ``(1, L, D)``, ``k`` rows),
    kept here as the specification the batched search must reproduce."""
    k = min(beam_size, dec.config.vocab_size - 4)  # every first word but <end>, <pad>, <start>, <unk>
    memory = map_memory(dec.memory(feats), lambda m: m.expand(k, *m.shape[1:]))
    state = map_state(dec.init_state(dec.memory(feats)), lambda s: s.expand(k, -1).contiguous())
    words = start_tokens(k, feats.device)
    seqs = torch.zeros(k, 0, dtype=torch.long)
    atts, scores, finished = None, torch.zeros(k), []
    for t in range(max_len):
        logits, state, alpha = dec.step(words, state, memory)
        logp = torch.log_softmax(logits.float(), dim=1)  # (k, V)
        logp[:, [PAD, START, UNK]] = NO_EMPTY  # never chosen
        if t == 0:
            logp[:, END] = NO_EMPTY  # a caption has at least one word
        vocab = logp.shape[1]
        total = (scores.unsqueeze(1) + logp)[:1] if t == 0 else scores.unsqueeze(1) + logp
        top, flat = total.flatten().topk(k)
        beam, words = flat // vocab, flat % vocab
        seqs = torch.cat([seqs[beam], words.unsqueeze(1)], dim=1)
        if alpha is not None:
            step = alpha[beam].unsqueeze(1)
            atts = step if atts is None else torch.cat([atts[beam], step], dim=1)
        state = map_state(state, lambda s, b=beam: s[b])
        scores = top
        ended = words == END
        for j in ended.nonzero().flatten().tolist():
            finished.append(
                Hypothesis(seqs[j, :-1].tolist(), float(scores[j]), None if atts is None else atts[j])
            )
        alive = (~ended).nonzero().flatten()
        k = len(alive)
        if k == 0:
            break
        seqs, scores, words = seqs[alive], scores[alive], words[alive]
        atts = None if atts is None else atts[alive]
        state = map_state(state, lambda s, a=alive: s[a])
        memory = map_memory(memory, lambda m, n=k: m[:n])
    if not finished:
        finished = [
            Hypothesis(seqs[j].tolist(), float(scores[j]), None if atts is None else atts[j])
            for j in range(k)
        ]
    return max(finished, key=lambda h: h.score / max(len(h.ids) + 1, 1) ** length_penalty)


def _assert_same(got: Hypothesis, want: Hypothesis) -> None:
    assert got.ids == want.ids
    assert got.score == pytest.approx(want.score, rel=1e-5, abs=1e-5)
    if want.attention is None:
        assert got.attention is None
    else:
        torch.testing.assert_close(got.attention, want.attention, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell, attention, inject", VARIANTS)
def test_batched_beam_equals_per_image_beam(cell, attention, inject):
    dec = _trained(cell, attention, inject)
    feats = torch.randn(8, L, D, generator=torch.Generator().manual_seed(5))  # (N, L, D)
    lengths = set()
    # length_penalty 1 often picks a beam ranked below one that ended earlier: that checks the
    # live beams keep their places when others finish
    for beam, max_len, penalty in itertools.product((1, 2, 3, 5), (4, 9), (0.0, 1.0)):
        hyps = beam_search(dec, feats, beam_size=beam, max_len=max_len, length_penalty=penalty)
        assert len(hyps) == 8
        for i, hyp in enumerate(hyps):
            _assert_same(hyp, _reference_beam(dec, feats[i : i + 1], beam, max_len, penalty))
            lengths.add(len(hyp.ids))
    # the batches mixed captions of several lengths, ended and cut at max_len, so images left the
    # batch at different steps
    assert len(lengths) >= 3


@pytest.mark.parametrize("cell, attention", [("lstm", False), ("gru", True)])
def test_batched_beam_equals_per_image_beam_untrained(cell, attention):
    dec = _decoder(cell, attention, "init", seed=7, end_bias=-0.5)
    feats = torch.randn(6, L, D) * 2
    for beam in (2, 3):
        for i, hyp in enumerate(beam_search(dec, feats, beam_size=beam, max_len=6)):
            _assert_same(hyp, _reference_beam(dec, feats[i : i + 1], beam, 6))


@pytest.mark.parametrize("length_penalty", [0.5, 2.0])
def test_length_penalty_as_per_image(length_penalty):
    dec = _trained("lstm", True, "init")
    feats = torch.randn(6, L, D, generator=torch.Generator().manual_seed(6))
    hyps = beam_search(dec, feats, beam_size=4, max_len=10, length_penalty=length_penalty)
    for i, hyp in enumerate(hyps):
        _assert_same(hyp, _reference_beam(dec, feats[i : i + 1], 4, 10, length_penalty))


@pytest.mark.parametrize("cell, attention, inject", VARIANTS)
def test_beam_of_one_is_greedy_in_a_batch(cell, attention, inject):
    dec = _trained(cell, attention, inject)
    feats = torch.randn(7, L, D, generator=torch.Generator().manual_seed(7))
    for hg, hb in zip(greedy(dec, feats, 8), beam_search(dec, feats, 1, 8), strict=True):
        _assert_same(hb, hg)


@pytest.mark.parametrize("attention", [False, True])
def test_an_image_decodes_alike_alone_and_in_any_batch(attention):
    dec = _trained("gru", attention, "init")
    feats = torch.randn(8, L, D, generator=torch.Generator().manual_seed(8))
    alone = [beam_search(dec, feats[i : i + 1], 3, 9)[0] for i in range(8)]
    for size in (2, 3, 8):
        together = [h for j in range(0, 8, size) for h in beam_search(dec, feats[j : j + size], 3, 9)]
        for got, want in zip(together, alone, strict=True):
            _assert_same(got, want)


@torch.no_grad()
@pytest.mark.parametrize("cell, attention", [("lstm", True), ("rnn", False), ("gru", True)])
def test_score_and_attention_are_those_of_the_caption_under_teacher_forcing(cell, attention):
    """Independent of any search code: a hypothesis's score is the summed log-probability of its words
    (and ``<end>`` when it ended), its attention the maps the decoder computes reading those words."""
    dec = _trained(cell, attention, "init")
    feats = torch.randn(6, L, D, generator=torch.Generator().manual_seed(9))
    max_len = 5
    for i, hyp in enumerate(beam_search(dec, feats, beam_size=3, max_len=max_len)):
        stopped = len(hyp.ids) < max_len
        caption = torch.tensor([[START, *hyp.ids, *([END] if stopped else [])]])  # (1, T)
        logits, alphas = dec(feats[i : i + 1], caption)  # (1, T-1, V), (1, T-1, L)
        logp = torch.log_softmax(logits.float(), dim=2)[0].gather(1, caption[0, 1:, None])  # (T-1, 1)
        assert hyp.score == pytest.approx(float(logp.sum()), rel=1e-5, abs=1e-5)
        if attention:
            assert hyp.attention.shape == (len(hyp.ids) + int(stopped), L)
            torch.testing.assert_close(hyp.attention, alphas[0], rtol=1e-5, atol=1e-6)
            torch.testing.assert_close(
                hyp.attention.sum(1), torch.ones(len(hyp.attention)), rtol=0, atol=1e-5
            )
        else:
            assert hyp.attention is None


@pytest.mark.parametrize("attention", [False, True])
def test_max_len_stops_every_beam(attention):
    """A decoder that never says ``<end>``: every caption is cut at ``max_len``, as per image."""
    dec = _decoder("lstm", attention, "first", seed=6, end_bias=-1e4)
    feats = torch.randn(4, L, D)
    for max_len in (1, 5):
        hyps = beam_search(dec, feats, beam_size=3, max_len=max_len)
        for i, hyp in enumerate(hyps):
            assert len(hyp.ids) == max_len and END not in hyp.ids
            if attention:
                assert hyp.attention.shape == (max_len, L)
            _assert_same(hyp, _reference_beam(dec, feats[i : i + 1], 3, max_len))


def test_mixed_stop_in_one_batch():
    """In one batch, captions that end and captions cut at ``max_len`` both come out as per image."""
    dec = _trained("gru", True, "first")
    feats = torch.randn(8, L, D, generator=torch.Generator().manual_seed(5))
    hyps = beam_search(dec, feats, beam_size=3, max_len=4)
    cut = [len(h.ids) == 4 for h in hyps]
    assert any(cut) and not all(cut)
    for i, hyp in enumerate(hyps):
        _assert_same(hyp, _reference_beam(dec, feats[i : i + 1], 3, 4))
        assert len(hyp.attention) == len(hyp.ids) + (0 if cut[i] else 1)


def test_beam_wider_than_vocabulary_and_bad_beam():
    dec = _decoder("rnn", False, "init", seed=9, vocab=5)
    feats = torch.randn(3, L, D)
    hyps = beam_search(dec, feats, beam_size=50, max_len=6)
    for i, hyp in enumerate(hyps):
        _assert_same(hyp, _reference_beam(dec, feats[i : i + 1], 5, 6))
    with pytest.raises(RnnkitError, match=r"^beam_size must be at least 1, got 0$"):  # its argument's name
        beam_search(dec, feats, beam_size=0)
    assert beam_search(dec, feats[:0], beam_size=3) == []


def test_decode_dispatches_on_beam():
    dec = _decoder("lstm", True, "init", seed=10)
    feats = torch.randn(3, L, D)
    for got, want in zip(decode(dec, feats, 1, 7), greedy(dec, feats, 7), strict=True):
        _assert_same(got, want)
    for got, want in zip(decode(dec, feats, 3, 7), beam_search(dec, feats, 3, 7), strict=True):
        _assert_same(got, want)


@pytest.mark.parametrize("beam", [1, 3, 12, 64])
def test_a_caption_is_never_empty(beam):
    # an undertrained model whose <end> outscored every first word printed an empty caption (a wide
    # beam without length penalty found it: 'describe --beam 10 --length-penalty 0' gave 'photo.png<TAB>')
    dec = _decoder("lstm", True, "init", seed=2, end_bias=8.0)
    feats = torch.randn(5, L, D, generator=torch.Generator().manual_seed(1))  # (N, L, D)
    first = torch.log_softmax(dec.step(start_tokens(5, feats.device), dec.init_state(dec.memory(feats)),
                                       dec.memory(feats))[0], dim=1)  # fmt: skip
    assert (first.argmax(dim=1) == END).all()  # the model itself would end at once
    hyps = decode(dec, feats, beam, max_len=6)
    assert all(len(h.ids) >= 1 and END not in h.ids[:1] for h in hyps)
    assert all(math.isfinite(h.score) and h.score > NO_EMPTY for h in hyps)


@pytest.mark.parametrize("beam", [1, 3])
def test_pad_and_start_are_never_chosen(beam):
    """A model that favours <pad> ran greedy captions on to max_len with <pad> after the first word:
    decoding dropped them, so '9' came with 7 attention maps and the pads' log-probabilities in its
    score (the digits demo model, caption describe --beam 1)."""
    dec = _decoder("lstm", True, "init", seed=3, end_bias=0.0)
    with torch.no_grad():
        dec.out.bias[PAD] += 8.0
        dec.out.bias[START] += 6.0
    feats = torch.randn(4, L, D, generator=torch.Generator().manual_seed(2))  # (N, L, D)
    for h in decode(dec, feats, beam, max_len=6):
        assert PAD not in h.ids and START not in h.ids
        assert h.attention.shape[0] in (len(h.ids), len(h.ids) + 1)  # a map per word (and <end>)
