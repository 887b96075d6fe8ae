"""The located check: beam search's candidate captions re-ranked by what the located head sees.

On seen colour-shape pairs nearly every wrong shape the decoder names is the shape of *another*
object of the scene (a binding error: the colour read from one object, the kind from another;
docs/RESULTS.md, sixth pass). A model trained on scenes with the located loss keeps its
:class:`~rnnkit.caption.located.LocatedHead`, which tells for every location ``l`` of the feature
grid how likely each kind ``P_kind(l, k)`` and each colour ``P_colour(l, c)`` is there. Beam search
keeps its ``K`` finished candidates, and the winner maximises

    rank(y) + w * sum_{phrases (c, k) of y} log max_l P_kind(l, k) * P_colour(l, c)

where ``rank(y) = log p(y | image) / (|y| + 1)^a`` is beam search's own score (the power length
penalty ``a``) and each noun phrase ``a [size] colour kind`` of the caption (``grounding.noun_phrases``)
is asked: is there one location showing both this kind and this colour? A phrase that binds the colour of
one object to the kind of another finds no such location and costs its log-probability: a product of
experts over the candidates, the decoder's language with the head's eyes (reranking an n-best list
with a second model, as in noisy-channel and discriminative reranking). Where the caption says where
a phrase is (``in the bottom left``) the max runs over that cell's locations only, and a relation
(``A to the left of B``) costs what its likeliest placement loses against the phrases' own likeliest
places (:func:`phrase_support`). Every log is floored at ``log 1e-6`` so one impossible phrase cannot
outweigh everything else. Captions without a noun phrase (handwriting) and models without a head are
not changed.

Measured on validation (docs/RESULTS.md, seventh pass; beam 10, length penalty 3, weight 2, means of
two seeds): shape precision 0.98 on seen and 0.86 on never-seen colour-shape pairs (greedy: 0.89,
0.80), whole phrases right 0.96 and 0.81 (0.79, 0.60); checking the places too made 0.97 and 0.94 of
the captions distinct (0.96 and 0.91 without).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache

import torch

from rnnkit.caption.grounding import RELATIONS, noun_phrases
from rnnkit.caption.located import CLASSES
from rnnkit.caption.shapes import COL_WORDS, ROW_WORDS
from rnnkit.nn.search import Hypothesis

FLOOR = math.log(1e-6)
_KIND = {name: i for i, name in enumerate(CLASSES["kind"])}
_COLOUR = {name: i for i, name in enumerate(CLASSES["colour"])}


@torch.no_grad()
def located_probs(head: torch.nn.Module, feats: torch.Tensor) -> dict[str, torch.Tensor]:
    """Per-location class probabilities ``{"kind": (N, L, 1+K), "colour": (N, L, 1+C)}`` of ``feats``
    ``(N, L, D)``."""
    return {name: torch.softmax(scores.float(), dim=-1).cpu() for name, scores in head(feats).items()}


@cache
def _thirds(side: int) -> torch.Tensor:
    """The 3x3 scene cell ``(row, col)`` of each location of a ``side x side`` grid ``(L, 2)``: the third
    its centre falls in (the scenes place shapes in a 3x3 grid, ``shapes.py``)."""
    third = torch.tensor([int((i + 0.5) * 3 / side) for i in range(side)])
    return torch.stack([third.repeat_interleave(side), third.repeat(side)], dim=1)


def _log(p: float) -> float:
    return max(math.log(p), FLOOR) if p > 0 else FLOOR


_RELATION_TEST = {  # rel -> test on the (row, col) of the two locations
    "left": lambda a, b: a[:, None, 1] < b[None, :, 1],
    "right": lambda a, b: a[:, None, 1] > b[None, :, 1],
    "above": lambda a, b: a[:, None, 0] < b[None, :, 0],
    "below": lambda a, b: a[:, None, 0] > b[None, :, 0],
}


def phrase_support(words: Sequence[str], kind: torch.Tensor, colour: torch.Tensor) -> float:
    """The located check of one caption, with one image's ``kind`` ``(L, 1+K)`` and ``colour``
    ``(L, 1+C)``; 0 without a phrase. Per noun phrase ``(c, k)`` seen at ``P(l) = P_kind(l, k) P_colour(l, c)``:

    - ``log max_l P(l)``, the max over the locations of the claimed cell when the phrase is followed by
      ``in the ROW COL``;
    - for ``A REL B`` (``to the left of``, ``above``, ...), the relation's own term
      ``log max_{l, m: REL(l, m)} P_A(l) P_B(m) - log max_l P_A(l) - log max_m P_B(m)`` (at most 0:
      0 when the likeliest places of A and B already stand in that relation).

    Every log is floored at :data:`FLOOR`."""
    phrases = noun_phrases(words)
    if not phrases:
        return 0.0
    side = math.isqrt(kind.shape[0])
    cells = _thirds(side) if side * side == kind.shape[0] else None  # (L, 2); None: no grid, no places
    seen = [kind[:, _KIND[p.kind]] * colour[:, _COLOUR[p.colour]] for p in phrases]  # each (L,)
    total = 0.0
    for i, p in enumerate(phrases):
        where = seen[i]
        tail = tuple(words[p.end : p.end + 4])
        if (
            cells is not None
            and len(tail) == 4
            and tail[:2] == ("in", "the")
            and tail[2] in ROW_WORDS
            and tail[3] in COL_WORDS
        ):
            claimed = (cells[:, 0] == ROW_WORDS.index(tail[2])) & (cells[:, 1] == COL_WORDS.index(tail[3]))
            where = where * claimed
        total += _log(float(where.max()))
        if i + 1 < len(phrases):
            rel = RELATIONS.get(tuple(words[p.end : phrases[i + 1].start]))
            if rel is not None and cells is not None:
                a, b = seen[i], seen[i + 1]
                pairs = a[:, None] * b[None, :] * _RELATION_TEST[rel](cells, cells)  # (L, L)
                total += _log(float(pairs.max())) - _log(float(a.max())) - _log(float(b.max()))
    return total


def located_rescorer(
    head: torch.nn.Module, feats: torch.Tensor, decode_words: Callable[[list[int]], list[str]], weight: float
) -> Callable[[int, Hypothesis], float]:
    """``(image index in feats, candidate) -> weight * phrase_support``, for
    :func:`rnnkit.caption.decode.beam_search`'s ``rescore``; ``decode_words`` turns ids into words."""
    probs = located_probs(head, feats)

    def rescore(i: int, hyp: Hypothesis) -> float:
        return weight * phrase_support(decode_words(hyp.ids), probs["kind"][i], probs["colour"][i])

    return rescore
