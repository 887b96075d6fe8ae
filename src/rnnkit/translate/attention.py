"""Attention over the encoder's outputs: none, Bahdanau (additive) and Luong (dot or general).

Shape legend: N batch, S source length, H hidden size (encoder outputs are projected to H by the
encoder, so every score below compares vectors of size H).

Scores for decoder state ``s`` (N, H) against encoder outputs ``h_j`` (N, S, H):

- Bahdanau (additive): ``e_j = v^T tanh(W_q s + W_k h_j)``
- Luong dot:           ``e_j = s^T h_j``
- Luong general:       ``e_j = s^T W_a h_j``

Then ``a = softmax(e)`` over the real (unpadded) source positions only, and ``c = sum_j a_j h_j``.
Padding positions get ``-inf`` before the softmax, so their weight is exactly 0.
The parts of a score that depend only on the source (``W_k h_j``, ``W_a h_j``) are computed once per
sentence in :meth:`Attention.keys`, not once per decoder step.
"""

from __future__ import annotations

import abc

import torch
from torch import nn

from rnnkit.utils.errors import RnnkitError

ATTENTION_TYPES = ("none", "bahdanau", "luong")
LUONG_SCORES = ("dot", "general")


class Attention(nn.Module, abc.ABC):
    """Base class: ``keys(memory)`` once per sentence, then ``forward(query, memory, keys, mask)`` per step.

    Inputs: query (N, H), memory (N, S, H), keys (N, S, H), mask (N, S) bool (True = real token).
    Outputs: context (N, H), weights (N, S) summing to 1 over the real positions.
    """

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        return memory

    @abc.abstractmethod
    def score(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """Unnormalised scores ``(N, S)`` of the query against every key."""

    def forward(
        self, query: torch.Tensor, memory: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        scores = self.score(query, keys)  # (N, S)
        scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)  # (N, S)
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)  # (N, H)
        return context, weights


class BahdanauAttention(Attention):
    """Additive attention (Bahdanau et al., 2015) used in Luong's decoder framework, as OpenNMT's ``mlp``."""

    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self.query_proj = nn.Linear(hidden_size, hidden_size, bias=False)
        self.key_proj = nn.Linear(hidden_size, hidden_size, bias=True)
        self.v = nn.Linear(hidden_size, 1, bias=False)

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        return self.key_proj(memory)  # (N, S, H)

    def score(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        q = self.query_proj(query).unsqueeze(1)  # (N, 1, H)
        return self.v(torch.tanh(q + keys)).squeeze(-1)  # (N, S)


class LuongAttention(Attention):
    """Multiplicative attention (Luong et al., 2015): ``dot`` or ``general`` (a learned bilinear form)."""

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
