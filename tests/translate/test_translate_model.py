"""The encoder-decoder: shapes, every cell and attention, padding never leaks, config checks."""

from __future__ import annotations

import pytest
import torch

from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig
from rnnkit.utils.errors import RnnkitError


def tiny(cell="lstm", attention="bahdanau", **kw) -> Seq2Seq:
    torch.manual_seed(0)
    kw = {"embed_size": 6, **kw}
    cfg = Seq2SeqConfig(src_vocab=20, tgt_vocab=15, cell=cell, hidden_size=8,
                        attention=attention, dropout=0.0, **kw)  # fmt: skip
    return Seq2Seq(cfg).eval()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(
    "attention,extra",
    [
        ("none", {}),
        ("bahdanau", {}),
        ("luong", {"luong_score": "dot"}),
        ("luong", {"luong_score": "general"}),
    ],
)
def test_shapes_and_padding_independence(cell, attention, extra):
    model = tiny(cell, attention, num_layers=2, **extra)
    src = torch.tensor([[5, 6, 7, 3], [8, 3, 0, 0]])  # second sentence padded
    src_len = torch.tensor([4, 2])
    tgt_in = torch.tensor([[2, 4, 5], [2, 6, 0]])
    logits = model(src, src_len, tgt_in)
    assert logits.shape == (2, 3, 15)
    alone = model(src[1:, :2], src_len[1:], tgt_in[1:])
    torch.testing.assert_close(logits[1:], alone, rtol=1e-5, atol=1e-5)


def test_unidirectional_no_input_feeding_and_scheduled_sampling():
    model = tiny("gru", "luong", bidirectional=False, input_feeding=False)
    src, src_len = torch.tensor([[5, 6, 3]]), torch.tensor([3])
    tgt_in = torch.tensor([[2, 4, 5, 6]])
    full = model(src, src_len, tgt_in, teacher_forcing=1.0)
    own = model(src, src_len, tgt_in, teacher_forcing=0.0)
    # The first step sees bos either way; later steps see the model's own guesses instead of the gold.
    torch.testing.assert_close(own[:, 0], full[:, 0], rtol=1e-6, atol=1e-6)
    assert not torch.allclose(own[:, 1:], full[:, 1:])


def test_config_checks_and_round_trip():
    cfg = Seq2SeqConfig(src_vocab=10, tgt_vocab=10, hidden_size=6)
    assert Seq2SeqConfig.from_dict({**cfg.to_dict(), "unknown": 1}) == cfg
    with pytest.raises(RnnkitError, match="even"):
        Seq2SeqConfig(src_vocab=10, tgt_vocab=10, hidden_size=7).check()
    with pytest.raises(RnnkitError, match="known: rnn, lstm, gru"):
        Seq2SeqConfig(src_vocab=10, tgt_vocab=10, cell="transformer").check()
    with pytest.raises(RnnkitError, match="known: none, bahdanau, luong"):
        Seq2SeqConfig(src_vocab=10, tgt_vocab=10, attention="self").check()


@pytest.mark.parametrize("embed", [6, 8])
def test_tied_embeddings_share_one_matrix_and_save_and_load(embed, tmp_path):
    from rnnkit.train.modelfile import load_model, load_weights, save_model

    model = tiny("gru", embed_size=embed, tie_embeddings=True)
    untied = tiny("gru", embed_size=embed)
    dec = model.decoder
    assert dec.out.weight is dec.embed.weight
    assert (dec.out_proj is None) == (embed == 8)  # a projection only when E != H
    n = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert n(model) < n(untied)
    src, src_len = torch.tensor([[4, 5, 3]]), torch.tensor([3])
    logits = model(src, src_len, torch.tensor([[2, 7, 8]]))
    assert logits.shape == (1, 3, 15)
    save_model(tmp_path / "m", model, {"application": "translate", "model": model.cfg.to_dict()})
    again = load_weights(
        Seq2Seq(Seq2SeqConfig.from_dict(model.cfg.to_dict())), load_model(tmp_path / "m").state_dict
    )
    assert again.decoder.out.weight is again.decoder.embed.weight
    torch.testing.assert_close(again.eval()(src, src_len, torch.tensor([[2, 7, 8]])), logits)
