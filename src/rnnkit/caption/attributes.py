"""An auxiliary training signal for the encoder: which informative words an image's captions use.

Attribute-based captioning (Fang et al. 2015, "From captions to visual concepts and back"; Wu et al.
2016) teaches the image model the concepts the captions name. Here it is a training-only head on the
encoder's feature grid, so that every location's features say, by themselves, which colour and which
shape (or digit) is there, whatever it was drawn with. The decoder's attended context then carries
"circle" for a green circle although no training caption ever said "green circle".

- **Labels** ``y_k`` (multi-hot, ``(N, K)``): word ``k`` occurs in any reference caption of the image.
  The ``K`` words are those of the vocabulary used by some but not most training images (between
  :data:`MIN_SHARE` and :data:`MAX_SHARE` of them): colours, shapes, sizes, digits; not "a" or "the".
- **Head** (multiple-instance learning: a word names one object, somewhere): a score per location
  ``s_{l,k} = w_k^T f_l + b_k`` pooled by a smooth maximum over the ``L`` locations,
  ``s_k = (1/r) log((1/L) sum_l exp(r s_{l,k}))`` (log-sum-exp pooling, ``r`` = :data:`SHARPNESS`).
- **Loss**: ``caption cross-entropy + lambda * mean_k BCE(sigmoid(s_k), y_k)``.

The head is not saved with the model: describing never needs it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from rnnkit.caption.model import CaptionModel
from rnnkit.caption.vocab import Vocabulary

MIN_SHARE, MAX_SHARE = 0.005, 0.6  # informative words: in some, but not most, training images
# "an" goes with one colour (an orange square), in some but not most images: a label that only repeats
# "orange"; articles are never attributes
ARTICLES = frozenset(("a", "an", "the"))
SHARPNESS = 4.0  # r of the log-sum-exp pooling: between a mean (r -> 0) and a max (r -> inf)


def attribute_words(captions: Sequence[Sequence[Sequence[str]]], vocab: Vocabulary) -> list[str]:
    """The words to predict: known to ``vocab`` and used for ``MIN_SHARE``..``MAX_SHARE`` of the images.

    ``captions``: per image, its reference captions (token lists).
    """
    n = max(1, len(captions))
    counts: dict[str, int] = {}
    for caps in captions:
        for word in {w for c in caps for w in c}:
            counts[word] = counts.get(word, 0) + 1
    known = set(vocab.words) - ARTICLES
    return sorted(w for w, c in counts.items() if w in known and MIN_SHARE <= c / n <= MAX_SHARE)


def attribute_targets(captions: Sequence[Sequence[Sequence[str]]], words: Sequence[str]) -> torch.Tensor:
    """Multi-hot labels ``(N, K)``: image ``i`` has word ``words[k]`` in one of its captions."""
    index = {w: k for k, w in enumerate(words)}
    y = torch.zeros(len(captions), len(words))
    for i, caps in enumerate(captions):
        for word in {w for c in caps for w in c}:
            if word in index:
                y[i, index[word]] = 1.0
    return y


class AttributeHead(nn.Module):
    """Per-location word scores pooled by log-sum-exp.

    Inputs: features ``(N, L, D)``. Outputs: logits ``(N, K)``.
    """

    def __init__(self, feature_dim: int, n_words: int, sharpness: float = SHARPNESS) -> None:
        super().__init__()
        self.score = nn.Linear(feature_dim, n_words)
        self.r = sharpness

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        s = self.score(feats)  # (N, L, K)
        pooled = torch.logsumexp(self.r * s, dim=1) - math.log(s.shape[1])  # (N, K)
        return pooled / self.r


class WithAttributes(nn.Module):
    """A captioner plus its training-only attribute head; reads like the captioner it wraps
    (``features``, ``decoder``, ``forward``), so the validation code needs no change."""

    def __init__(
        self,
        captioner: CaptionModel,
        head: AttributeHead | None,
        weight: float,
        located_weight: float = 0.0,
        attend_weight: float = 0.0,
        repeat_weight: float = 0.0,
    ) -> None:
        super().__init__()
        self.captioner = captioner
        self.head = head
        self.weight = weight
        self.located_weight = located_weight  # of the captioner's own LocatedHead (captioner.located), if any
        self.attend_weight = attend_weight  # weight of caption.located.attention_loss on labels "attend"
        self.repeat_weight = repeat_weight  # weight of caption.located.repeat_loss on the same labels

    @property
    def decoder(self) -> nn.Module:
        return self.captioner.decoder

    def features(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.captioner.features(inputs)

    def forward(
        self, inputs: torch.Tensor, captions: torch.Tensor, targets: dict | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """As the captioner; with ``targets`` (``{"words": (N, K)}`` and/or ``{"kind": (N, L),
        "colour": (N, L)}``), the second output is instead the auxiliary loss: ``weight`` times the mean
        binary cross-entropy of the pooled word scores, plus ``located_weight`` times the located loss."""
        feats = self.captioner.features(inputs)  # (N, L, D), computed once for every head
        logits, alphas = self.captioner.decoder(feats, captions)
        if targets is None:
            return logits, alphas
        loss = feats.sum() * 0.0
        if self.head is not None:
            loss = loss + self.weight * F.binary_cross_entropy_with_logits(self.head(feats), targets["words"])
        located = getattr(self.captioner, "located", None)
        if located is not None and "kind" in targets:
            loss = loss + self.located_weight * located.loss(feats, targets)
        if "attend" in targets and alphas is not None:
            from rnnkit.caption.located import attention_loss, repeat_loss

            if self.attend_weight > 0:
                loss = loss + self.attend_weight * attention_loss(alphas, targets["attend"])
            if self.repeat_weight > 0:
                loss = loss + self.repeat_weight * repeat_loss(alphas, targets["attend"])
        return logits, loss
