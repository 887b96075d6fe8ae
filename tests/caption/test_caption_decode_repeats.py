"""n-gram blocking in caption search (``Decoding.no_repeat_ngram``): a decoder that loops on one phrase
("a red circle a red circle ...", as an undertrained model or an unfamiliar image made it) holds no
n-gram twice with blocking, in greedy and beam search; without it, it loops."""

import pytest
import torch

from rnnkit.caption.decode import Decoding, decode, search_captions
from rnnkit.caption.model import CaptionDecoder, CaptionModel, DecoderConfig
from rnnkit.caption.vocab import END, SPECIALS, Vocabulary
from rnnkit.utils.errors import RnnkitError

L, D = 9, 8  # feature locations, channels
VOCAB = Vocabulary([*SPECIALS, "a", "red", "circle", "blue", "square", "and"])
A, RED, CIRCLE = 4, 5, 6


class _Looping(CaptionDecoder):
    """A decoder whose next word after ``a`` is ``red``, after ``red`` ``circle``, after ``circle`` ``a``:
    it never ends of its own accord (its ``<end>`` is far less likely than any word)."""

    def step(self, words, state, memory):
        logits, state, alpha = super().step(words, state, memory)  # (R, V)
        nxt = torch.full_like(words, A)
        nxt[words == A], nxt[words == RED] = RED, CIRCLE
        logits = logits + 10.0 * torch.nn.functional.one_hot(nxt, logits.shape[1])
        logits[:, END] -= 20.0
        return logits, state, alpha


def _looping() -> CaptionDecoder:
    torch.manual_seed(0)
    cfg = DecoderConfig(vocab_size=len(VOCAB), feature_dim=D, locations=L, cell="lstm", embed_size=6,
                        hidden_size=10, attention=True, attention_dim=7, dropout=0.0)  # fmt: skip
    return _Looping(cfg).eval()


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
    looped = search_captions(model, feats, VOCAB, Decoding(beam=3, no_repeat_ngram=0), max_len=9)
    assert [VOCAB.decode(h.ids) for h in looped] == [["a", "red", "circle"] * 3] * 2
    for h in search_captions(model, feats, VOCAB, Decoding(beam=3, no_repeat_ngram=3), max_len=9):
        grams = _ngrams(h.ids, 3)
        assert len(set(grams)) == len(grams)


@pytest.mark.parametrize("bad", [-1, 2.5, True, 101, "3"])
def test_a_bad_no_repeat_ngram_is_one_line(bad):
    with pytest.raises(RnnkitError, match=r"^no_repeat_ngram must be a whole number in 0\.\.100, got "):
        Decoding(no_repeat_ngram=bad).check()
