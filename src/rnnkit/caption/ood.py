"""Knowing what the model does not know: an out-of-distribution score from the encoder's features.

A captioner trained on 64x64 shape scenes will still caption a photograph, confidently and wrongly.
So after training, the encoder's features of the training images are summarised, and ``describe``
scores every new image against them:

- pooled features ``u = [mean_l f_l ; std_l f_l]`` ``(2D,)`` of the grid ``f`` ``(L, D)``: the mean says
  what is there, the spread how it is laid out (a flat photo region and a scene of small shapes can
  share a mean);
- ``mu`` and covariance ``S`` of ``u`` over the N training images, shrunk towards its diagonal,
  ``S' = (1 - a) S + a diag(S) + eps I`` with ``a = max(0.1, 2D / (2D + N))`` (a few thousand images
  estimate a 128x128 matrix only roughly, a few dozen not at all) and ``eps`` 1% of the mean variance
  (a feature never active in training must not make any activity an infinite distance); only the
  diagonal when ``2D > 512`` (pretrained encoders);
- the score is the Mahalanobis distance ``d(u) = sqrt((u - mu)^T S'^-1 (u - mu))``;
- the threshold is the ``quantile`` (0.99) of the validation images' scores: about 1% of images like
  the training data are flagged, and anything further out than nearly all of them is.

The statistics are stored as ``ood.json`` in the model folder (plain JSON numbers, no pickle).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from rnnkit.utils.errors import RnnkitError

OOD_NAME = "ood.json"
SHRINK = 0.1
FLOOR = 0.01  # variance floor, relative to the mean variance: a feature never active in training
# would otherwise turn any activity into an infinite distance
FULL_COVARIANCE_MAX_DIM = 512


def pooled(feats: torch.Tensor) -> torch.Tensor:
    """``(N, L, D)`` features to ``(N, 2D)``: mean and standard deviation over the grid."""
    feats = feats.double()
    std = feats.std(dim=1, unbiased=False) if feats.shape[1] > 1 else torch.zeros_like(feats[:, 0])
    return torch.cat([feats.mean(dim=1), std], dim=1)


@torch.no_grad()
def pooled_features(
    features: Callable[[torch.Tensor], torch.Tensor], inputs: torch.Tensor, batch_size: int = 256
) -> torch.Tensor:
    """Pooled features ``(N, 2D)`` of ``inputs`` through ``features`` (images or cached features in)."""
    out = [pooled(features(inputs[i : i + batch_size]).cpu()) for i in range(0, len(inputs), batch_size)]
    if not out:
        raise RnnkitError("no images to compute the familiarity statistics from")
    return torch.cat(out)


class OodDetector:
    """Mahalanobis distance of pooled features from the training images', with a threshold.

    Args:
        mean: ``(K,)``; precision: ``(K, K)`` inverse covariance, or ``(K,)`` its diagonal;
        threshold: scores above it are flagged; quantile: the validation quantile it came from.
    """

    def __init__(
        self, mean: torch.Tensor, precision: torch.Tensor, threshold: float, quantile: float
    ) -> None:
        self.mean, self.precision = mean.double(), precision.double()
        self.threshold, self.quantile = float(threshold), float(quantile)

    @classmethod
    def fit(cls, train: torch.Tensor, val: torch.Tensor, quantile: float = 0.99) -> OodDetector:
        """From pooled features of training ``(N, K)`` and validation ``(M, K)`` images."""
        if len(train) < 2 or len(val) < 1:
            raise RnnkitError("need at least 2 training and 1 validation image for the familiarity check")
        train = train.double()
        mean = train.mean(dim=0)
        centred = train - mean
        var = centred.pow(2).mean(dim=0)
        eps = FLOOR * float(var.mean()) + 1e-12
        if train.shape[1] > FULL_COVARIANCE_MAX_DIM:
            precision = 1.0 / (var + eps)
        else:
            k, n = train.shape[1], len(train)
            a = min(1.0, max(SHRINK, k / (k + n)))  # few images for many dimensions: trust the diagonal
            cov = centred.T @ centred / n
            cov = (1 - a) * cov + a * torch.diag(var) + eps * torch.eye(k, dtype=cov.dtype)
            precision = torch.linalg.inv(cov)
            precision = (precision + precision.T) / 2
        detector = cls(mean, precision, math.inf, quantile)
        detector.threshold = float(torch.quantile(detector.score(val), quantile))
        return detector

    def score(self, pooled_feats: torch.Tensor) -> torch.Tensor:
        """Mahalanobis distances ``(N,)`` of pooled features ``(N, K)``."""
        x = pooled_feats.double() - self.mean
        if self.precision.dim() == 1:
            d2 = (x * x * self.precision).sum(dim=1)
        else:
            d2 = ((x @ self.precision) * x).sum(dim=1)
        return d2.clamp(min=0).sqrt()

    def flags(self, pooled_feats: torch.Tensor) -> torch.Tensor:
        """True for the images that look unlike the training data ``(N,)``."""
        return self.score(pooled_feats) > self.threshold

    def to_json(self) -> dict:
        return {
            "method": "mahalanobis distance of the grid-pooled encoder features [mean; std]",
            "quantile": self.quantile,
            "threshold": self.threshold,
            "mean": self.mean.tolist(),
            "precision": self.precision.tolist(),
        }

    @classmethod
    def from_json(cls, doc: object, source: str = "ood.json") -> OodDetector:
        """Rebuild from :meth:`to_json`'s dict; a malformed file is a one-line error."""
        try:
            mean = torch.tensor(doc["mean"], dtype=torch.float64)  # type: ignore[index]
            precision = torch.tensor(doc["precision"], dtype=torch.float64)  # type: ignore[index]
            threshold, quantile = float(doc["threshold"]), float(doc["quantile"])  # type: ignore[index]
        except (KeyError, TypeError, ValueError, RuntimeError):
            raise RnnkitError(f"{source}: not a familiarity statistics file") from None
        k = mean.shape[0] if mean.dim() == 1 else -1
        if k < 1 or precision.shape not in ((k,), (k, k)) or not math.isfinite(threshold):
            raise RnnkitError(f"{source}: familiarity statistics of inconsistent shape")
        return cls(mean, precision, threshold, quantile)
