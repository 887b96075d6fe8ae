"""``<unk>`` is a training device (word dropout's input, a rare word's target), never a word a caption
shows: greedy and beam search skip it, and so does every command, as all search through
``caption.decode.search_captions``."""

import math

import pytest
import torch
from helpers_caption import api_model_folder

from rnnkit.caption.captioner import Captioner
from rnnkit.caption.decode import NO_EMPTY, decode
from rnnkit.caption.model import CaptionDecoder, DecoderConfig
from rnnkit.caption.pipeline import caption_split
from rnnkit.caption.vocab import SPECIALS, UNK

L, D = 9, 8  # feature locations, channels


def _fond_of_unk(seed: int = 0) -> CaptionDecoder:
    """A random tiny decoder whose ``<unk>`` outscores every word at every step, as an undertrained
    model's did (the quick demo's: ', <unk> <unk> <unk> ... to')."""
    torch.manual_seed(seed)
    cfg = DecoderConfig(vocab_size=12, feature_dim=D, locations=L, cell="lstm", embed_size=6, hidden_size=10,
                        attention=True, attention_dim=7, dropout=0.0)  # fmt: skip
    dec = CaptionDecoder(cfg).eval()
    with torch.no_grad():
        dec.out.bias[UNK] += 12.0
    return dec


@pytest.mark.parametrize("beam", [1, 3, 8])
def test_unk_is_never_chosen(beam):
    dec = _fond_of_unk()
    feats = torch.randn(6, L, D, generator=torch.Generator().manual_seed(3))  # (N, L, D)
    hyps = decode(dec, feats, beam, max_len=6)
    assert len(hyps) == 6
    for h in hyps:
        assert h.ids and UNK not in h.ids
        assert math.isfinite(h.score) and h.score > NO_EMPTY  # a real word's score, not the ban's
        assert h.attention.shape[0] in (len(h.ids), len(h.ids) + 1)


@pytest.fixture(scope="module")
def captioner_fond_of_unk(tmp_path_factory) -> Captioner:
    """A tiny trained captioner with its ``<unk>`` logit raised far above every word's."""
    folder = api_model_folder(tmp_path_factory.mktemp("unk"), train=24, val=6, seed=5)
    cap = Captioner.from_pretrained(folder, device="cpu")
    with torch.no_grad():
        cap.model.decoder.out.bias[UNK] += 50.0
    return cap


@pytest.mark.parametrize("beam", [1, 10])
def test_describe_and_eval_never_show_unk(captioner_fond_of_unk, beam):
    cap = captioner_fond_of_unk
    pixels = torch.randint(
        0, 256, (4, 3, 32, 32), dtype=torch.uint8, generator=torch.Generator().manual_seed(0)
    )
    described = cap.describe(pixels, beam=beam)  # describe, the demo's pictures and serve's caption page
    assert all(d.words and SPECIALS[UNK] not in d.words for d in described)
    decoding = cap.config.decoding().replace(beam=beam)
    hyps = caption_split(cap.model, pixels, cap.vocab, decoding, cap.max_len)  # caption eval, the demo
    assert all(h.ids and UNK not in h.ids for h in hyps)
