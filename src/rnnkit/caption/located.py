"""An auxiliary training signal where the data says where each object is: what lies at each location.

The attribute loss (``attributes.py``) only says which words an image's captions use, somewhere; on a
scene of three or four shapes the encoder may then blur a small diamond with its neighbour, and the
decoder names the wrong shape (docs/RESULTS.md, sixth pass: most shape errors on seen colour-shape
pairs are in scenes of three or four shapes). Generated shapes scenes record each shape's centre and
radius, so every location of the encoder's ``s x s`` grid can be told what is there (dense
supervision, as segmentation heads give detectors; here a training-only head, not saved):

- **Labels** per location ``l`` of cell centre ``p_l`` (pixels): the shape (kind and colour) whose
  centre lies in the location's cell, or whose circle of radius ``r`` holds ``p_l``; the class
  ``background`` (index 0) when no shape is within ``r + cell/2`` of ``p_l``; ignored (-100)
  otherwise, where a shape's edge only grazes the cell.
- **Head**: per location ``u_l = U_k f_l`` over ``1 + |kinds|`` classes and ``U_c f_l`` over
  ``1 + |colours|``.
- **Loss**: ``lambda * (CE(U_k f, kinds) + CE(U_c f, colours)) / 2``, averaged over labelled locations.

Records without a scene (other data, handwriting) get no labels, and the loss is skipped for them.
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


def location_labels(scene: Sequence[dict], side: int) -> dict[str, list[int]]:
    """Per-location labels ``{"kind": [L], "colour": [L]}`` of one scene on a ``side x side`` grid."""
    image = scene[0]["r"] / SIZES[scene[0]["size"]] if scene else float(side)  # the drawn image's side
    cell = image / side
    out = {name: [0] * (side * side) for name in CLASSES}
    for l in range(side * side):  # noqa: E741
        row, col = divmod(l, side)
        px, py = (col + 0.5) * cell, (row + 0.5) * cell
        for shape in scene:
            dist = math.hypot(shape["x"] - px, shape["y"] - py)
            centre_here = int(shape["x"] // cell) == col and int(shape["y"] // cell) == row
            if centre_here or dist <= shape["r"]:
                out["kind"][l] = CLASSES["kind"].index(shape["kind"])
                out["colour"][l] = CLASSES["colour"].index(shape["colour"])
                break
            if dist <= shape["r"] + cell / 2:
                out["kind"][l] = out["colour"][l] = IGNORE
    return out


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
