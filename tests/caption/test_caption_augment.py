"""Training-time distortion of images: what it changes, what it keeps, when it is used."""

import pytest
import torch

from rnnkit.caption.augment import Distortion, distort, resolve_augment
from rnnkit.caption.datasets import read_karpathy
from rnnkit.caption.digits import generate_digits
from rnnkit.caption.pipeline import CaptionConfig, make_loss, train_captioner
from rnnkit.utils.errors import RnnkitError


def _bar(n=4, size=32):
    x = torch.full((n, 3, size, size), 235, dtype=torch.uint8)
    x[:, :, 8:24, 14:18] = 20  # a dark vertical stroke
    return x


def test_no_distortion_is_the_identity():
    x = _bar()
    still = Distortion(rotate_deg=0, scale=0, shift_px=0, elastic_px=0)
    torch.testing.assert_close(distort(x, still), x.float(), atol=1e-3, rtol=0)


def test_distortion_moves_ink_a_little_keeps_range_and_repeats_with_the_seed():
    x = _bar(8)
    torch.manual_seed(0)
    a = distort(x)
    torch.manual_seed(0)
    b = distort(x)
    torch.testing.assert_close(a, b)  # seeded: a run repeats
    assert a.shape == x.shape and a.dtype == torch.float32
    assert float(a.min()) >= 0 and float(a.max()) <= 255
    changed = (a - x.float()).abs().amax(dim=(1, 2, 3))
    assert bool((changed > 20).all())  # every image moved
    ink = (a < 128).float().sum(dim=(1, 2, 3)) / (x < 128).float().sum(dim=(1, 2, 3))
    assert bool(((ink > 0.6) & (ink < 1.5)).all())  # the stroke is still there, about as big
    assert not torch.equal(a[0], a[1])  # a fresh distortion per image


def test_resolve_augment():
    assert resolve_augment("auto", handwriting=True) == "elastic"
    assert resolve_augment("auto", handwriting=False) == "none"
    assert resolve_augment("none", handwriting=True) == "none"
    with pytest.raises(RnnkitError, match="unknown augmentation"):
        resolve_augment("mixup", handwriting=True)
    with pytest.raises(RnnkitError, match="shape"):
        distort(torch.zeros(3, 8, 8))


def test_loss_distorts_only_in_training_mode():
    seen = []

    class Probe(torch.nn.Module):
        def forward(self, inputs, caps):
            seen.append(inputs.clone())
            return torch.zeros(len(caps), caps.shape[1] - 1, 5, requires_grad=True), None

    loss, probe, x = make_loss("elastic"), Probe(), _bar(2)
    caps = torch.tensor([[1, 4, 2], [1, 3, 2]])
    loss(probe.train(), (x, caps))
    loss(probe.eval(), (x, caps))
    assert not torch.equal(seen[0], x.float()) and torch.equal(seen[1], x)


def test_digits_training_uses_it_by_default_and_names_a_bad_value(tmp_path):
    data = read_karpathy(generate_digits(tmp_path / "d", {"train": 16, "val": 4, "test": 0}, 32, seed=0))
    tiny = dict(
        epochs=1, hidden_size=8, embed_size=8, attention_dim=8, channels=8, image_size=32, device="cpu"
    )
    a = train_captioner(data, CaptionConfig(**tiny))
    b = train_captioner(data, CaptionConfig(augment="none", **tiny))
    assert a.fit.history[0]["train_loss"] != b.fit.history[0]["train_loss"]  # distorted images differ
    with pytest.raises(RnnkitError, match="unknown augmentation"):
        train_captioner(data, CaptionConfig(augment="flip", **tiny))
