"""n-gram blocking in caption search: a decoder that loops on one phrase ("a red circle a red circle ...",
as an undertrained model or an unfamiliar image made it) holds no n-gram twice with blocking
(``Decoding.no_repeat_ngram``), in greedy and beam search; and by default a caption that reached the
length limit where its model would go on is searched again with blocking
(``Decoding.loop_no_repeat_ngram``), while a caption the model ends keeps its repeats."""

import pytest
import torch

from rnnkit.caption.decode import (
    LOOP_NO_REPEAT_NGRAM,
    Decoding,
    Hypothesis,
    _would_go_on,
    decode,
    search_captions,
)
from rnnkit.caption.model import CaptionDecoder, CaptionModel, DecoderConfig
from rnnkit.caption.vocab import END, SPECIALS, Vocabulary
from rnnkit.utils.errors import RnnkitError

L, D = 9, 8  # feature locations, channels
VOCAB = Vocabulary([*SPECIALS, "a", "red", "circle", "blue", "square", "and"])
A, RED, CIRCLE = 4, 5, 6


class _Looping(CaptionDecoder):
    """A decoder whose next word after ``a`` is ``red``, after ``red`` ``circle``, after ``circle`` ``a``:
    it never ends of its own accord (its ``<end>`` is far less likely than any word). ``ends``: after
    ``circle`` it says ``<end>`` instead."""

    ends = False

    def step(self, words, state, memory):
        logits, state, alpha = super().step(words, state, memory)  # (R, V)
        nxt = torch.full_like(words, A)
        nxt[words == A], nxt[words == RED] = RED, CIRCLE
        if self.ends:
            nxt[words == CIRCLE] = END
        logits = logits + 10.0 * torch.nn.functional.one_hot(nxt, logits.shape[1])
        logits[:, END] -= 0.0 if self.ends else 20.0
        return logits, state, alpha


def _looping(ends: bool = False) -> CaptionDecoder:
    torch.manual_seed(0)
    cfg = DecoderConfig(vocab_size=len(VOCAB), feature_dim=D, locations=L, cell="lstm", embed_size=6,
                        hidden_size=10, attention=True, attention_dim=7, dropout=0.0)  # fmt: skip
    dec = _Looping(cfg).eval()
    dec.ends = ends
    return dec


def _ngrams(ids: list[int], n: int) -> list[tuple[int, ...]]:
    return [tuple(ids[i : i + n]) for i in range(len(ids) - n + 1)]


@pytest.mark.parametrize("beam", [1, 4])
def test_without_blocking_the_decoder_loops(beam):
    feats = torch.randn(3, L, D, generator=torch.Generator().manual_seed(1))  # (N, L, D)
    for h in decode(_looping(), feats, beam, max_len=10, words_at_most=9):
        assert h.ids == [A, RED, CIRCLE] * 3


@pytest.mark.parametrize("beam", [1, 4])
@pytest.mark.parametrize("n", [2, 3, 4])
def test_blocking_leaves_no_ngram_twice(beam, n):
    feats = torch.randn(3, L, D, generator=torch.Generator().manual_seed(1))  # (N, L, D)
    for h in decode(_looping(), feats, beam, max_len=10, words_at_most=9, no_repeat_ngram=n):
        grams = _ngrams(h.ids, n)
        assert h.ids[:3] == [A, RED, CIRCLE] and len(set(grams)) == len(grams)


def test_search_captions_blocks_as_the_decoding_says():
    model = CaptionModel(None, _looping())
    feats = torch.randn(2, L, D, generator=torch.Generator().manual_seed(2))  # (N, L, D)
    off = Decoding(beam=3, no_repeat_ngram=0, loop_no_repeat_ngram=0)
    looped = search_captions(model, feats, VOCAB, off, max_len=9)
    assert [VOCAB.decode(h.ids) for h in looped] == [["a", "red", "circle"] * 3] * 2
    for h in search_captions(model, feats, VOCAB, Decoding(beam=3, no_repeat_ngram=3), max_len=9):
        grams = _ngrams(h.ids, 3)
        assert len(set(grams)) == len(grams)


@pytest.mark.parametrize("bad", [-1, 2.5, True, 101, "3"])
def test_a_bad_no_repeat_ngram_is_one_line(bad):
    with pytest.raises(
        RnnkitError, match=r"^(loop_)?no_repeat_ngram must be a whole number in 0\.\.100, got "
    ):
        Decoding(no_repeat_ngram=bad).check()
    with pytest.raises(RnnkitError, match=r"^loop_no_repeat_ngram must be a whole number in 0\.\.100, got "):
        Decoding(loop_no_repeat_ngram=bad).check()


@pytest.mark.parametrize("beam", [1, 3])
def test_a_caption_cut_by_the_limit_is_searched_again_without_repeats(beam):
    """The default decoding: the looping decoder's caption reached 9 words where the model would go on,
    so it is searched again with no repeated 3-gram; the search once more, as asked, gives the same."""
    model = CaptionModel(None, _looping())
    feats = torch.randn(3, L, D, generator=torch.Generator().manual_seed(4))  # (N, L, D)
    got = search_captions(model, feats, VOCAB, Decoding(beam=beam), max_len=9)
    for h in got:
        grams = _ngrams(h.ids, LOOP_NO_REPEAT_NGRAM)
        assert h.ids[:3] == [A, RED, CIRCLE] and len(set(grams)) == len(grams)
    blocked = search_captions(model, feats, VOCAB, Decoding(beam=beam, no_repeat_ngram=3), max_len=9)
    assert [h.ids for h in got] == [h.ids for h in blocked]
    assert [h.score for h in got] == pytest.approx([h.score for h in blocked])


def test_a_caption_the_model_ends_keeps_its_repeats():
    """Reading 'a red circle a red circle' (the limit: 6 words), a model that says <end> after 'circle'
    ended it: not searched again, repeats and all; the looping model would go on."""
    feats = torch.randn(2, L, D, generator=torch.Generator().manual_seed(5))  # (N, L, D)
    twice = [Hypothesis([A, RED, CIRCLE, A, RED, CIRCLE], 0.0), Hypothesis([A, RED, CIRCLE], 0.0)]
    assert _would_go_on(_looping(ends=True), feats, twice, max_len=6).tolist() == []
    assert _would_go_on(_looping(), feats, twice, max_len=6).tolist() == [0]  # a short caption ended
    model = CaptionModel(None, _looping(ends=True))
    for beam in (1, 3):  # 'a red circle' and <end>: as without the search again
        for h in search_captions(model, feats, VOCAB, Decoding(beam=beam), max_len=3):
            assert h.ids == [A, RED, CIRCLE]


def test_describe_says_when_every_caption_is_blocked():
    assert Decoding().describe() == "greedy"  # the loop search again is the default, not said
    assert Decoding(beam=1, no_repeat_ngram=3).describe() == "greedy, no repeated 3-grams"
    assert Decoding(10, 3.0, 2.0, no_repeat_ngram=4).describe() == (
        "beam 10, length penalty 3, located check 2, no repeated 4-grams"
    )
