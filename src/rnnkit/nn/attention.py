"""Attention over a memory of vectors: Bahdanau (additive) and Luong (dot or general).

Used by the translation decoder (attending over the encoder's outputs) and the caption decoder
(Show, Attend and Tell: attending over the image's feature locations).

Shape legend: N batch, S memory positions (source tokens or image locations), Q query size (the
decoder state), K key size (a memory vector), A attention size.

Scores of a query ``s`` (N, Q) against memory vectors ``h_j`` (N, S, K):

- Bahdanau (additive): ``e_j = v^T tanh(W_q s + W_k h_j + b_k)``, ``W_q`` (A, Q), ``W_k`` (A, K), ``v`` (A,)
  (``bias=True`` adds a bias to ``W_q s`` and to ``v^T``, as Show, Attend and Tell's layers have);
  with coverage (Tu et al. 2016; See et al. 2017) the score also reads how much each position has
  been attended so far, ``e_j = v^T tanh(W_q s + W_k h_j + b_k + w_c cov_j)``, ``cov_j = sum_{t' < t}
  a_{t',j}``, ``w_c`` (A,), so that the decoder can tell what it has already described
- Luong dot:           ``e_j = s^T h_j``            (Q == K)
- Luong general:       ``e_j = s^T W_a h_j``        ``W_a`` (Q, K)

Then ``a = softmax(e)`` over the real (unpadded) positions only, and the context ``c = sum_j a_j h_j``
(N, K). Padding positions get ``-inf`` before the softmax, so their weight is exactly 0. The parts of a
score that depend only on the memory (``W_k h_j``, ``W_a h_j``) are computed once per sequence in
:meth:`Attention.keys`, not once per decoder step.
"""

from __future__ import annotations

import abc

import torch
from torch import nn

from rnnkit.utils.errors import RnnkitError

ATTENTION_TYPES = ("none", "bahdanau", "luong")
LUONG_SCORES = ("dot", "general")


class Attention(nn.Module, abc.ABC):
    """Base class: ``keys(memory)`` once per sequence, then ``forward(query, memory, keys, mask)`` per step.

    Inputs: query (N, Q), memory (N, S, K), keys (N, S, A) from :meth:`keys`, mask (N, S) bool
    (True = real position) or None (every position is real).
    Outputs: context (N, K), weights (N, S) summing to 1 over the real positions (a row with none: zero
    weights and a zero context, never NaN).
    """

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        """What the scores read of the memory, computed once: (N, S, K) -> (N, S, A)."""
        return memory

    @abc.abstractmethod
    def score(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """Unnormalised scores ``(N, S)`` of the query against every key."""

    def weights(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        mask: torch.Tensor | None = None,
        coverage: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The attention distribution ``a`` (N, S): softmax of the scores over the real positions.
        ``coverage`` (N, S): the attention summed over the earlier steps, for attentions built with it."""
        if coverage is None:
            scores = self.score(query, keys)  # (N, S)
        elif getattr(self, "coverage_proj", None) is None:  # Luong's reads none: a TypeError of its score
            built = " built without coverage=True" if hasattr(self, "coverage_proj") else ""
            raise RnnkitError(
                f"coverage given to an attention that does not read it ({type(self).__name__}{built})"
            )
        else:
            scores = self.score(query, keys, coverage)  # type: ignore[call-arg]  # (N, S)
        if mask is None:
            return torch.softmax(scores, dim=-1)
        # a row with no real position (an empty sequence in a batch) would be softmax(-inf, ...) = NaN,
        # which spreads into every gradient of the batch: it keeps its finite scores through the
        # softmax and gets zero weights after it, so a zero context (no sync: no error is raised)
        empty = ~mask.any(dim=-1, keepdim=True)  # (N, 1)
        weights = torch.softmax(scores.masked_fill(~mask & ~empty, float("-inf")), dim=-1)
        return weights.masked_fill(empty, 0.0)

    def forward(
        self,
        query: torch.Tensor,
        memory: torch.Tensor,
        keys: torch.Tensor,
        mask: torch.Tensor | None = None,
        coverage: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        weights = self.weights(query, keys, mask, coverage)  # (N, S)
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)  # (N, K)
        return context, weights


class BahdanauAttention(Attention):
    """Additive attention (Bahdanau et al., 2015); in translation used in Luong's decoder framework, as
    OpenNMT's ``mlp``; in captioning as Show, Attend and Tell's soft attention (``bias=True``).

    Args:
        query_size: Q. key_size: K (default Q). attention_size: A (default Q).
        bias: biases on ``W_q`` and ``v`` too (``W_k`` always has one).
        coverage: the score also reads the attention so far (``w_c cov_j``, see the module docstring).
    Parameters: ``query_proj`` (W_q), ``key_proj`` (W_k, b_k), ``v``; ``coverage_proj`` (w_c) with coverage.
    """

    def __init__(
        self,
        query_size: int,
        key_size: int | None = None,
        attention_size: int | None = None,
        bias: bool = False,
        coverage: bool = False,
    ) -> None:
        super().__init__()
        key_size = query_size if key_size is None else key_size
        attention_size = query_size if attention_size is None else attention_size
        self.query_proj = nn.Linear(query_size, attention_size, bias=bias)
        self.key_proj = nn.Linear(key_size, attention_size, bias=True)
        self.v = nn.Linear(attention_size, 1, bias=bias)
        self.coverage_proj = nn.Linear(1, attention_size, bias=False) if coverage else None

    @classmethod
    def from_layers(cls, query_proj: nn.Linear, key_proj: nn.Linear, v: nn.Linear) -> BahdanauAttention:
        """Wrap layers built by the caller, e.g. in the order an older model drew their initial weights
        (without coverage; a caller may set ``coverage_proj`` afterwards, when it draws that layer)."""
        att = cls.__new__(cls)
        nn.Module.__init__(att)
        att.query_proj, att.key_proj, att.v = query_proj, key_proj, v
        att.coverage_proj = None
        return att

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        return self.key_proj(memory)  # (N, S, A)

    def score(
        self, query: torch.Tensor, keys: torch.Tensor, coverage: torch.Tensor | None = None
    ) -> torch.Tensor:
        q = self.query_proj(query).unsqueeze(1)  # (N, 1, A)
        if self.coverage_proj is not None:
            if coverage is None:
                raise RnnkitError("this attention reads coverage: pass the attention summed so far")
            keys = keys + self.coverage_proj(coverage.unsqueeze(-1))  # (N, S, A)
        elif coverage is not None:
            raise RnnkitError("coverage given to an attention built without it (coverage=True)")
        return self.v(torch.tanh(q + keys)).squeeze(-1)  # (N, S)


class LuongAttention(Attention):
    """Multiplicative attention (Luong et al., 2015): ``dot`` or ``general`` (a learned bilinear form).

    Args: hidden_size (Q == K), score ``dot`` or ``general``. Parameter (general): ``weight`` (W_a).
    """

    def __init__(self, hidden_size: int, score: str = "general") -> None:
        super().__init__()
        if score not in LUONG_SCORES:
            raise RnnkitError(f"unknown luong score {score!r}; known: {', '.join(LUONG_SCORES)}")
        self.kind = score
        self.weight = nn.Linear(hidden_size, hidden_size, bias=False) if score == "general" else None

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        # s^T W_a h_j == s . (W_a h_j): apply W_a to the memory once.
        return self.weight(memory) if self.weight is not None else memory  # (N, S, H)

    def score(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        return torch.bmm(keys, query.unsqueeze(-1)).squeeze(-1)  # (N, S)


def make_attention(name: str, hidden_size: int, luong_score: str = "general") -> Attention | None:
    """Registry: ``none`` gives None (the decoder then reads only its own state)."""
    if name == "none":
        return None
    if name == "bahdanau":
        return BahdanauAttention(hidden_size)
    if name == "luong":
        return LuongAttention(hidden_size, luong_score)
    raise RnnkitError(f"unknown attention {name!r}; known: {', '.join(ATTENTION_TYPES)}")
