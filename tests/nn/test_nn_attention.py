"""Attention: weights are a distribution over real positions; padding gets exactly zero."""

from __future__ import annotations

import pytest
import torch

from rnnkit.nn.attention import make_attention
from rnnkit.utils.errors import RnnkitError

KINDS = [("bahdanau", "general"), ("luong", "dot"), ("luong", "general")]


@pytest.mark.parametrize("name,score", KINDS)
def test_weights_sum_to_one_and_mask_padding(name, score):
    torch.manual_seed(0)
    att = make_attention(name, 8, score)
    memory = torch.randn(3, 5, 8)  # (N, S, H)
    lengths = torch.tensor([5, 3, 1])
    mask = torch.arange(5)[None, :] < lengths[:, None]
    query = torch.randn(3, 8)
    context, weights = att(query, memory, att.keys(memory), mask)
    assert context.shape == (3, 8) and weights.shape == (3, 5)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3), rtol=0, atol=1e-6)
    assert torch.all(weights[~mask] == 0)
    # Changing what sits in the padding changes nothing.
    noisy = memory.clone()
    noisy[~mask] = 1e3
    context2, weights2 = att(query, noisy, att.keys(noisy), mask)
    torch.testing.assert_close(context2, context, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(weights2, weights, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name,score", KINDS)
def test_a_row_with_no_real_position_gets_zero_weights_and_no_nan_in_any_gradient(name, score):
    # softmax over nothing but -inf was NaN: the row's context, then every gradient of the batch
    torch.manual_seed(0)
    att = make_attention(name, 8, score)
    memory = torch.randn(3, 5, 8, requires_grad=True)
    mask = torch.arange(5)[None, :] < torch.tensor([5, 0, 2])[:, None]  # the second sequence is empty
    query = torch.randn(3, 8, requires_grad=True)
    context, weights = att(query, memory, att.keys(memory), mask)
    assert torch.all(weights[1] == 0) and torch.all(context[1] == 0)
    torch.testing.assert_close(weights[[0, 2]].sum(-1), torch.ones(2), rtol=0, atol=1e-6)
    # the other rows are what a batch without the empty row gives
    keep = torch.tensor([0, 2])
    alone, _ = att(query[keep], memory[keep], att.keys(memory[keep]), mask[keep])
    torch.testing.assert_close(context[keep], alone, rtol=0, atol=0)
    context.sum().backward()
    grads = [query.grad, memory.grad, *(p.grad for p in att.parameters())]
    assert all(torch.isfinite(g).all() for g in grads if g is not None)


def test_luong_dot_is_the_plain_dot_product():
    att = make_attention("luong", 4, "dot")
    memory = torch.tensor([[[1.0, 0, 0, 0], [0, 2.0, 0, 0]]])
    query = torch.tensor([[0.0, 1.0, 0, 0]])
    _, w = att(query, memory, att.keys(memory), torch.ones(1, 2, dtype=torch.bool))
    expected = torch.softmax(torch.tensor([[0.0, 2.0]]), -1)
    torch.testing.assert_close(w, expected, rtol=0, atol=1e-7)


def test_registry_names():
    assert make_attention("none", 4) is None
    with pytest.raises(RnnkitError, match="known: none, bahdanau, luong"):
        make_attention("transformer", 4)
    with pytest.raises(RnnkitError, match="known: dot, general"):
        make_attention("luong", 4, "concat")


def test_bahdanau_with_its_own_sizes_and_biases_is_show_attend_and_tell():
    """Query, key and attention sizes apart, biases on: ``e_l = w^T tanh(W_f f_l + W_s h + b) + c``."""
    from rnnkit.nn.attention import BahdanauAttention

    torch.manual_seed(1)
    att = BahdanauAttention(query_size=10, key_size=8, attention_size=7, bias=True)
    feats, h = torch.randn(2, 9, 8), torch.randn(2, 10)  # (N, L, D), (N, H)
    context, weights = att(h, feats, att.keys(feats))  # no mask: every location is real
    scores = att.v(torch.tanh(att.key_proj(feats) + att.query_proj(h)[:, None, :])).squeeze(-1)
    torch.testing.assert_close(weights, torch.softmax(scores, -1))
    torch.testing.assert_close(context, (weights[:, :, None] * feats).sum(1))
    assert context.shape == (2, 8) and att.v.bias is not None
    wrapped = BahdanauAttention.from_layers(att.query_proj, att.key_proj, att.v)
    torch.testing.assert_close(wrapped(h, feats, wrapped.keys(feats))[1], weights)
    assert list(dict(wrapped.named_parameters())) == list(dict(att.named_parameters()))


def test_bahdanau_coverage_adds_w_c_times_the_attention_so_far_to_the_score():
    from rnnkit.nn.attention import BahdanauAttention

    torch.manual_seed(0)
    att = BahdanauAttention(5, key_size=4, attention_size=3, bias=True, coverage=True)
    query, memory = torch.randn(2, 5), torch.randn(2, 6, 4)
    coverage = torch.rand(2, 6) * 2
    keys = att.keys(memory)
    q = att.query_proj(query).unsqueeze(1)  # (N, 1, A)
    w_c = att.coverage_proj.weight[:, 0]  # (A,)
    expected = att.v(torch.tanh(q + keys + coverage.unsqueeze(-1) * w_c)).squeeze(-1)  # (N, S)
    torch.testing.assert_close(att.score(query, keys, coverage), expected)
    context, weights = att(query, memory, keys, coverage=coverage)
    torch.testing.assert_close(weights, torch.softmax(expected, dim=-1))
    torch.testing.assert_close(context, torch.einsum("ns,nsk->nk", weights, memory))
    zero = att.score(query, keys, torch.zeros(2, 6))  # nothing attended yet: the plain score
    torch.testing.assert_close(zero, att.v(torch.tanh(q + keys)).squeeze(-1))


def test_coverage_must_match_how_the_attention_was_built():
    from rnnkit.nn.attention import BahdanauAttention, LuongAttention

    plain, covering = BahdanauAttention(4), BahdanauAttention(4, coverage=True)
    query, memory = torch.randn(1, 4), torch.randn(1, 3, 4)
    with pytest.raises(RnnkitError, match="built without coverage=True"):
        plain(query, memory, plain.keys(memory), coverage=torch.zeros(1, 3))
    luong = LuongAttention(4)  # reads no coverage at all: a TypeError about its score's arguments was raised
    with pytest.raises(RnnkitError, match=r"does not read it \(LuongAttention\)$"):
        luong(query, memory, luong.keys(memory), coverage=torch.zeros(1, 3))
    with pytest.raises(RnnkitError, match="reads coverage"):
        covering(query, memory, covering.keys(memory))
    assert "coverage_proj.weight" not in plain.state_dict()  # old models keep their weight names
