"""The out-of-distribution detector: Mahalanobis distance, validation threshold, JSON round trip."""

import json

import pytest
import torch

from rnnkit.caption.ood import OodDetector, pooled
from rnnkit.utils.errors import RnnkitError


def _data(n, shift=0.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 6, generator=g) @ torch.diag(torch.tensor([1.0, 2, 3, 0.5, 1, 1])) + shift


def test_threshold_is_the_validation_quantile_and_far_points_are_flagged():
    det = OodDetector.fit(_data(2000), _data(500, seed=1), quantile=0.95)
    assert det.flags(_data(500, seed=1)).float().mean() == pytest.approx(0.05, abs=0.005)
    assert det.flags(_data(1000, seed=2)).float().mean() < 0.1
    assert bool(det.flags(_data(200, shift=6.0, seed=3)).all())


def test_mahalanobis_uses_the_covariance():
    det = OodDetector.fit(_data(5000), _data(100, seed=1))
    along_wide = torch.tensor([[0.0, 0, 3, 0, 0, 0]])  # 1 sd of the widest axis
    along_narrow = torch.tensor([[0.0, 0, 0, 1.5, 0, 0]])  # 3 sd of the narrowest
    assert det.score(along_wide) < det.score(along_narrow)
    assert float(det.score(along_wide)) == pytest.approx(1.0, abs=0.15)


def test_json_round_trip_and_bad_files():
    det = OodDetector.fit(_data(300), _data(50, seed=1))
    again = OodDetector.from_json(json.loads(json.dumps(det.to_json())))
    x = _data(20, seed=5)
    assert torch.allclose(det.score(x), again.score(x)) and again.threshold == det.threshold
    with pytest.raises(RnnkitError, match="not a familiarity"):
        OodDetector.from_json({"mean": [1.0]})
    bad = det.to_json() | {"precision": [[1.0]]}
    with pytest.raises(RnnkitError, match="inconsistent"):
        OodDetector.from_json(bad)


def test_pooled_features_are_mean_and_std_over_the_grid():
    feats = torch.tensor([[[1.0, 0.0], [3.0, 0.0]]])  # (1, L=2, D=2)
    assert pooled(feats).tolist() == [[2.0, 0.0, 1.0, 0.0]]
