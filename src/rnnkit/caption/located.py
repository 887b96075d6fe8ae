"""Auxiliary training signals where the data says where each object is: what lies at each location,
and where the decoder should look while it names an object.

The attribute loss (``attributes.py``) only says which words an image's captions use, somewhere; in a
scene of three or four shapes nothing tells a location's features which of the shapes around it they
belong to. Generated shapes scenes record each shape's centre and radius, so every location of the
encoder's ``s x s`` grid can be told what is there (dense supervision, as segmentation heads give
detectors; the head is saved with the model, and decoding asks it what each caption names:
``rnnkit.caption.check``). Measured on validation (docs/RESULTS.md, sixth
pass; ``located_loss``, on by default): shape precision on never-seen colour-shape pairs 0.807
against 0.773, colour 0.978 against 0.959, means of three seeds.

- **Labels** per location ``l`` of cell centre ``p_l`` (pixels): the shape (kind and colour) whose
  centre lies in the location's cell, or whose circle of radius ``r`` holds ``p_l``; the class
  ``background`` (index 0) when no shape is within ``r + cell/2`` of ``p_l``; ignored (-100)
  otherwise, where a shape's edge only grazes the cell.
- **Head**: per location ``u_l = U_k f_l`` over ``1 + |kinds|`` classes and ``U_c f_l`` over
  ``1 + |colours|``.
- **Loss**: ``lambda * (CE(U_k f, kinds) + CE(U_c f, colours)) / 2``, averaged over labelled locations.

**Where to look** (attention correctness, Liu et al. 2017). On seen colour-shape pairs every shape
error of the default model names the kind of *another* object of the scene (64 of 64 on validation,
docs/RESULTS.md, sixth pass): the attention drifts between the colour word and the shape word. Each
reference caption's noun phrases ``a [size] colour kind`` are matched to the scene's shapes, and
while the decoder predicts the kind word of a phrase its attention is pulled onto that shape's
locations ``O`` (the located labels' cells; two identical shapes: both):
``loss = -mean_t log sum_{l in O_t} alpha_{t,l}`` over the kind words; and a **repeat loss**
(:func:`repeat_loss`) against looking again at the shapes already named. Both are off by default:
phrases became right more often, but the decoder then named one object twice (sixth pass).

Records without a scene (other data, handwriting) get no labels, and the losses skip them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from rnnkit.caption.shapes import COLOURS, KINDS, SIZES

IGNORE = -100
CLASSES = {"kind": ("background", *KINDS), "colour": ("background", *COLOURS)}


def _cell_size(scene: Sequence[dict], side: int) -> float:
    """Pixels per grid cell: the drawn image's side (a shape's radius over its size's share) / side."""
    return (scene[0]["r"] / SIZES[scene[0]["size"]] if scene else float(side)) / side


def _where(shape: dict, row: int, col: int, cell: float) -> str:
    """``"on"`` when the shape's centre is in the cell or its circle holds the cell's centre, ``"near"``
    when it comes within half a cell of it, else ``"off"``."""
    px, py = (col + 0.5) * cell, (row + 0.5) * cell
    dist = math.hypot(shape["x"] - px, shape["y"] - py)
    if (int(shape["x"] // cell), int(shape["y"] // cell)) == (col, row) or dist <= shape["r"]:
        return "on"
    return "near" if dist <= shape["r"] + cell / 2 else "off"


def object_cells(shape: dict, scene: Sequence[dict], side: int) -> list[int]:
    """The locations (row-major on the ``side x side`` grid) that the shape is ``on``."""
    cell = _cell_size(scene, side)
    return [l for l in range(side * side) if _where(shape, *divmod(l, side), cell) == "on"]  # noqa: E741


def location_labels(scene: Sequence[dict], side: int) -> dict[str, list[int]]:
    """Per-location labels ``{"kind": [L], "colour": [L]}`` of one scene on a ``side x side`` grid."""
    cell = _cell_size(scene, side)
    out = {name: [0] * (side * side) for name in CLASSES}
    for l in range(side * side):  # noqa: E741
        for shape in scene:
            where = _where(shape, *divmod(l, side), cell)
            if where == "on":
                out["kind"][l] = CLASSES["kind"].index(shape["kind"])
                out["colour"][l] = CLASSES["colour"].index(shape["colour"])
                break
            if where == "near":
                out["kind"][l] = out["colour"][l] = IGNORE
    return out


def attention_targets(
    tokens: Sequence[str],
    scene: Sequence[dict],
    side: int,
    steps: int,
    shape_cells: Sequence[list[int]] | None = None,
) -> torch.Tensor:
    """Where to look ``(steps, L)`` bool for one reference caption: row ``t`` (the step predicting token
    ``t``) marks, for the kind word of each noun phrase, the cells of the shape(s) the phrase names;
    every other row is all False. Only the kind word: by then the colour word has chosen the object,
    while at the colour word the object to name next is the caption writer's free choice (pulling the
    attention there too made it hedge over all the objects: colour precision 0.90 against 0.97).
    ``shape_cells``: :func:`object_cells` of each shape of ``scene``, when the caller has them (an
    image's captions share them)."""
    from rnnkit.caption.grounding import noun_phrases

    if shape_cells is None:
        shape_cells = [object_cells(s, scene, side) for s in scene]
    target = torch.zeros(steps, side * side, dtype=torch.bool)
    for p in noun_phrases(tokens):
        named = [
            i
            for i, s in enumerate(scene)
            if s["colour"] == p.colour and s["kind"] == p.kind and p.size in (None, s["size"])
        ]
        cells = sorted({c for i in named for c in shape_cells[i]})
        if cells and p.end - 1 < steps:
            target[p.end - 1, torch.tensor(cells)] = True
    return target


def attention_loss(alphas: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``-mean log sum_{l in O_t} alpha_{t,l}`` over the supervised steps. alphas ``(N, T, L)``, target
    ``(N, T', L)`` bool with ``T' >= T`` (cut to ``T``); 0 when no step is supervised."""
    target = target[:, : alphas.shape[1]]
    rows = target.any(dim=2)  # (N, T)
    if not bool(rows.any()):
        return alphas.sum() * 0.0
    mass = (alphas * target).sum(dim=2)[rows]  # (S,): attention on the named shape
    return -torch.log(mass.clamp(min=1e-6)).mean()


def repeat_loss(alphas: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """A loss against naming a shape twice (a coverage loss, See et al. 2017, over the shapes named):
    at the step predicting a phrase's colour word (the step before its kind word, where the next
    object is chosen), the attention that overlaps the attention of the earlier kind words,
    ``mean_t sum_l min(alpha_{t,l}, named_{t,l})``, ``named_t = sum_{t' < t, t' a kind step} alpha_{t'}``.
    alphas ``(N, T, L)``; target ``(N, T', L)`` from :func:`attention_targets` (its rows mark the kind
    steps); 0 when no phrase follows another."""
    kind = target[:, : alphas.shape[1]].any(dim=2).to(alphas.dtype)  # (N, T)
    spoken = alphas * kind.unsqueeze(-1)  # (N, T, L): the attention of the kind steps
    named = spoken.cumsum(dim=1) - spoken  # (N, T, L): of the kind steps before t
    colour = torch.zeros_like(kind, dtype=torch.bool)
    colour[:, :-1] = kind[:, 1:] > 0  # (N, T): the step before a kind step
    overlap = torch.minimum(alphas, named).sum(dim=2)  # (N, T)
    chosen = colour & (named.sum(dim=2) > 0)
    return overlap[chosen].mean() if bool(chosen.any()) else alphas.sum() * 0.0


def location_targets(
    scenes: Sequence[Sequence[dict] | None], locations: int
) -> dict[str, torch.Tensor] | None:
    """Labels ``{"kind": (N, L), "colour": (N, L)}`` long, all ``IGNORE`` for an image without a scene;
    None when no image has one or the grid is not square."""
    side = math.isqrt(locations)
    if side * side != locations or not any(s for s in scenes):
        return None
    rows = [location_labels(s, side) if s else {n: [IGNORE] * locations for n in CLASSES} for s in scenes]
    return {name: torch.tensor([r[name] for r in rows], dtype=torch.long) for name in CLASSES}


class LocatedHead(nn.Module):
    """Per-location class scores. Inputs: features ``(N, L, D)``; outputs ``{"kind": (N, L, 1+K), ...}``."""

    def __init__(self, feature_dim: int) -> None:
        super().__init__()
        self.score = nn.ModuleDict({name: nn.Linear(feature_dim, len(c)) for name, c in CLASSES.items()})

    def forward(self, feats: torch.Tensor) -> dict[str, torch.Tensor]:
        return {name: layer(feats) for name, layer in self.score.items()}

    def loss(self, feats: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor:
        """Mean over the label kinds of the cross-entropy over the labelled locations (0 when none)."""
        losses = []
        for name, scores in self(feats).items():
            target = labels[name]  # (N, L)
            if (target != IGNORE).any():
                losses.append(F.cross_entropy(scores.flatten(0, 1), target.flatten(), ignore_index=IGNORE))
        return torch.stack(losses).mean() if losses else feats.sum() * 0.0
