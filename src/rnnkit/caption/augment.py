"""Training-time image augmentation: small random affine maps plus an elastic distortion.

Used on training batches only (never on validation, test or ``describe`` images), so that a
handwriting model sees each of its scans in many slightly different shapes instead of learning the
scans by heart (the digits model overfitted its 1,258 training scans: training loss 0.06 while the
validation score stopped rising). Shape scenes get none by default: their captions name the exact
shape and the grid position, which a distortion could change.

Each image ``x`` (``(3, S, S)``, values in [0, 255]) is resampled at ``x(A p + t + d(p))`` (bilinear,
border pixels repeated outside), with, per image:

- ``A``: rotation by ``U(-r, r)`` and scale ``U(1 - s, 1 + s)`` about the centre, ``t``: a shift of
  ``U(-m, m)`` pixels in each direction;
- ``d(p)``: an elastic field (Simard et al. 2003): independent ``U(-1, 1)`` offsets on a coarse
  ``k x k`` grid of control points, upsampled bicubically to every pixel and scaled to at most
  ``e`` pixels, so that neighbouring strokes move together and characters a cell apart move independently.

Everything is computed in normalised coordinates ``[-1, 1]`` (``grid_sample``), batched, on the
device of the images; the randomness comes from torch's seeded generator, so a seeded run repeats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.nn import functional as F  # noqa: N812

from rnnkit.utils.errors import RnnkitError

AUGMENTS = ("auto", "none", "elastic")


@dataclass(frozen=True)
class Distortion:
    """Strengths of :func:`distort` (in pixels of the image, degrees, and a relative scale)."""

    rotate_deg: float = 6.0
    scale: float = 0.06
    shift_px: float = 2.0
    elastic_px: float = 1.2
    elastic_grid: int = 8


def resolve_augment(name: str, handwriting: bool) -> str:
    """``auto`` -> ``elastic`` for handwriting data (digit strings), ``none`` otherwise."""
    if name not in AUGMENTS:
        raise RnnkitError(f"unknown augmentation {name!r}; known: {', '.join(AUGMENTS)}")
    if name == "auto":
        return "elastic" if handwriting else "none"
    return name


def distort(images: torch.Tensor, d: Distortion = Distortion()) -> torch.Tensor:
    """Randomly distorted copies of ``images`` ``(N, C, S, S)`` (uint8 or float), as float in [0, 255]."""
    if images.dim() != 4:
        raise RnnkitError(f"distort expects images (N, C, H, W), got shape {tuple(images.shape)}")
    n, _, h, w = images.shape
    x = images.float()
    dev = x.device
    angle = (torch.rand(n, device=dev) * 2 - 1) * math.radians(d.rotate_deg)  # (N,)
    scale = 1 + (torch.rand(n, device=dev) * 2 - 1) * d.scale  # (N,)
    # pixels -> normalised units: the full width spans 2
    shift = (torch.rand(n, 2, device=dev) * 2 - 1) * d.shift_px * torch.tensor([2 / w, 2 / h], device=dev)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta, [n, 1, h, w], align_corners=False)  # (N, H, W, 2)
    if d.elastic_px > 0:
        k = max(2, d.elastic_grid)
        coarse = torch.rand(n, 2, k, k, device=dev) * 2 - 1  # (N, 2, k, k) offsets in [-1, 1]
        field = F.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=True)  # (N, 2, H, W)
        field = field.clamp(-1, 1) * d.elastic_px * torch.tensor([2 / w, 2 / h], device=dev).view(1, 2, 1, 1)
        grid = grid + field.permute(0, 2, 3, 1)
    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    return out.clamp(0, 255)
