"""Golden decoding: captions, scores and attention maps recorded before search moved to nn.

``data/golden_decode.json`` holds what ``rnnkit.caption.decode`` returned on fixed seeded decoders
(built here) *before* greedy and beam search moved into ``rnnkit.nn.search``. The refactor must
reproduce them: word ids exactly, scores and attention to 1e-6. Regenerate only on purpose (a
deliberate change of search behaviour): ``PYTHONPATH=src python tests/caption/test_caption_golden.py --write``.
Regenerated once so: when ``<unk>`` joined ``<pad>`` and ``<start>`` among the tokens never chosen
(the captions that held id 3 changed, and beams one narrower in the 5-word vocabulary and at beam 50).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import torch

from rnnkit.caption.decode import beam_search, decode, greedy
from rnnkit.caption.model import CaptionDecoder, DecoderConfig
from rnnkit.caption.vocab import END

GOLDEN = Path(__file__).parent / "data" / "golden_decode.json"
TOL = 1e-6
L, D = 9, 8  # feature locations, channels

# (cell, attention, inject, deep output, vocabulary, <end> bias: chosen so captions end at varied lengths)
DECODERS = {
    "lstm_attention_init": ("lstm", True, "init", False, 12, 0.0),
    "gru_attention_first_deep": ("gru", True, "first", True, 12, 0.5),
    "rnn_init": ("rnn", False, "init", False, 12, 0.0),
    "lstm_first_vocab5": ("lstm", False, "first", False, 5, 0.0),
}


def _decoder(name: str, seed: int = 0) -> CaptionDecoder:
    """A seeded random decoder with peaky outputs and a shifted ``<end>`` logit (varied lengths)."""
    cell, attention, inject, deep, vocab, end_bias = DECODERS[name]
    torch.manual_seed(seed)
    cfg = DecoderConfig(vocab_size=vocab, feature_dim=D, locations=L, cell=cell, embed_size=6, hidden_size=10,
                        attention=attention, attention_dim=7, inject=inject, dropout=0.0, deep_output=deep)  # fmt: skip
    dec = CaptionDecoder(cfg).eval()
    with torch.no_grad():
        for p in dec.parameters():
            p.mul_(2.0)
        dec.out.bias[END] += -0.5
    return dec


def _feats() -> torch.Tensor:
    return torch.randn(6, L, D, generator=torch.Generator().manual_seed(3))  # (N, L, D)


def _hyp(h) -> dict:
    return {
        "ids": h.ids,
        "score": h.score,
        "attention": None if h.attention is None else h.attention.tolist(),
    }


def cases() -> dict:
    out = {}
    feats = _feats()
    for name in DECODERS:
        dec = _decoder(name)
        out[f"{name}/greedy"] = [_hyp(h) for h in greedy(dec, feats, max_len=8)]
        out[f"{name}/greedy_max0"] = [_hyp(h) for h in greedy(dec, feats, max_len=0)]
        out[f"{name}/decode_beam3"] = [_hyp(h) for h in decode(dec, feats, 3, 8)]
        for beam, max_len, lp in ((2, 5, 0.0), (4, 9, 1.0), (50, 6, 0.5), (3, 0, 0.0)):
            key = f"{name}/beam{beam}_max{max_len}_lp{lp}"
            out[key] = [
                _hyp(h) for h in beam_search(dec, feats, beam_size=beam, max_len=max_len, length_penalty=lp)
            ]
    return out


def _compare(got, want, where: str) -> None:
    """Equal structure; ints exactly; floats within TOL."""
    if isinstance(want, dict):
        assert set(got) == set(want), where
        for k in want:
            _compare(got[k], want[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _compare(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, abs=TOL, rel=TOL), where
    else:
        assert got == want, where


def test_captions_decode_as_recorded():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(cases()))
    assert set(got) == set(golden)
    for key in golden:
        _compare(got[key], golden[key], key)
    # the record is worth comparing against: captions that end and captions cut at max_len, many lengths
    lengths = {len(h["ids"]) for k, v in golden.items() for h in v if "max0" not in k}
    assert len(lengths) >= 4 and 1 in lengths and 8 in lengths
    assert 0 not in lengths  # a caption has a word: <end> is never the first (re-recorded 5 December 2026)


if __name__ == "__main__" and "--write" in sys.argv:
    GOLDEN.write_text(json.dumps(cases()) + "\n", encoding="utf-8")
