"""The feature cache of a frozen encoder (features.py) and the splits read through it (prepare_split).

A hit must open no image: decoding every picture at the encoder's 224 px was most of a cached
``caption eval --cache-dir`` or a second ``caption train --cache-dir``. A stand-in network replaces
EfficientNet-Lite0's, so these tests run without the extra ``rnnkit[pretrained]``.
"""

import hashlib
import json
import os
from pathlib import Path

import pytest
import torch
from PIL import Image
from torch import nn

from rnnkit.caption import encoder as encoder_module
from rnnkit.caption import images as images_module
from rnnkit.caption.datasets import ImageRecord
from rnnkit.caption.features import READING, cache_key, cached_features, lookup_features
from rnnkit.caption.pipeline import CaptionConfig, prepare_split
from rnnkit.cli import main


class _Frozen(nn.Module):
    """A frozen encoder that counts its calls: (N, 3, S, S) -> (N, 1, 3), the mean colour."""

    frozen = True
    fingerprint = "stand-in:1"
    out_channels = 3

    def locations(self, image_size: int) -> int:
        return 1

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.ones(1), requires_grad=False)
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return x.float().mean(dim=(2, 3)).unsqueeze(1) * self.w


@pytest.fixture
def decodes(monkeypatch):
    """The paths of the images decoded since the test began (every read goes through load_image)."""
    seen: list[Path] = []
    real = images_module.load_image

    def counting(path, size):
        seen.append(Path(path))
        return real(path, size)

    monkeypatch.setattr(images_module, "load_image", counting)
    return seen


def _records(folder: Path, n: int) -> list[ImageRecord]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(n):
        path = folder / f"{k}.png"
        Image.new("RGB", (8, 8), (10 * k, 20 * k, 30 * k)).save(path)
        out.append(ImageRecord(image=path, captions=[["a", "shape"]], split="test", image_id=str(k)))
    return out


def _cfg() -> CaptionConfig:
    return CaptionConfig(encoder="efficientnet-lite0", grid=1, image_size=8)


def test_a_hit_opens_no_image_and_gives_the_same_features(tmp_path, decodes):
    records, enc, cache = _records(tmp_path / "img", 3), _Frozen(), tmp_path / "cache"
    first = prepare_split(records, _cfg(), enc, cache)
    assert len(decodes) == 3 and enc.calls == 1  # a miss reads each image once
    decodes.clear()
    second = prepare_split(records, _cfg(), enc, cache)
    assert decodes == [] and enc.calls == 1  # a hit: neither the images nor the encoder
    torch.testing.assert_close(first.inputs, second.inputs, rtol=0, atol=0)
    assert second.records == records and second.problems == []


def test_a_changed_image_is_read_again(tmp_path, decodes):
    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"
    prepare_split(records, _cfg(), enc, cache)
    stat = records[1].image.stat()
    os.utime(records[1].image, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # same bytes, touched
    decodes.clear()
    prepare_split(records, _cfg(), enc, cache)
    assert len(decodes) == 2 and enc.calls == 2


def test_a_corrupt_cache_file_is_recomputed_never_trusted(tmp_path, decodes):
    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"
    good = prepare_split(records, _cfg(), enc, cache).inputs
    (file,) = cache.iterdir()
    file.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{not json")
    decodes.clear()
    again = prepare_split(records, _cfg(), enc, cache).inputs
    assert len(decodes) == 2 and enc.calls == 2
    torch.testing.assert_close(again, good, rtol=0, atol=0)
    decodes.clear()
    prepare_split(records, _cfg(), enc, cache)  # the rewritten file is a hit again
    assert decodes == [] and enc.calls == 2


def test_a_cache_file_of_other_length_is_not_used(tmp_path, decodes):
    from safetensors.torch import save_file

    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"
    good = prepare_split(records, _cfg(), enc, cache).inputs
    (file,) = cache.iterdir()
    save_file({"features": torch.zeros(5, 1, 3, dtype=torch.float16)}, str(file))
    torch.testing.assert_close(prepare_split(records, _cfg(), enc, cache).inputs, good, rtol=0, atol=0)
    assert enc.calls == 2


@pytest.mark.parametrize(
    "features",
    [
        torch.zeros(2, 5, 7, dtype=torch.float16),  # other locations and channels: a traceback in the decoder
        torch.zeros(2, 1, 3, dtype=torch.int64),
        torch.zeros(2, 3, dtype=torch.float16),
        torch.tensor(1.0, dtype=torch.float16),  # no length at all: an IndexError
    ],
)
def test_a_cache_file_of_other_shape_or_type_is_not_used(tmp_path, decodes, features):
    from safetensors.torch import save_file

    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"
    good = prepare_split(records, _cfg(), enc, cache).inputs
    (file,) = cache.iterdir()
    save_file({"features": features}, str(file))
    torch.testing.assert_close(prepare_split(records, _cfg(), enc, cache).inputs, good, rtol=0, atol=0)
    assert enc.calls == 2
    decodes.clear()
    prepare_split(records, _cfg(), enc, cache)  # written anew: a hit again
    assert decodes == [] and enc.calls == 2


def _after_reading(monkeypatch, image: Path, then) -> None:
    """Call ``then()`` right after ``image`` has been read (another program saving or deleting it)."""
    real = images_module.load_image

    def reading(path, size):
        out = real(path, size)
        if Path(path) == image:
            then()
        return out

    monkeypatch.setattr(images_module, "load_image", reading)


def test_an_image_saved_while_the_split_is_read_is_encoded_again(tmp_path, monkeypatch):
    # its old pixels were cached under its new size and time: stale on every later run
    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"

    def save_red() -> None:
        stat = records[0].image.stat()
        Image.new("RGB", (8, 8), (250, 0, 0)).save(records[0].image)
        os.utime(records[0].image, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    _after_reading(monkeypatch, records[0].image, save_red)
    prepare_split(records, _cfg(), enc, cache)
    monkeypatch.undo()
    again = prepare_split(records, _cfg(), enc, cache).inputs
    assert enc.calls == 2 and again[0].tolist() == [[250.0, 0.0, 0.0]]


def test_an_image_deleted_right_after_it_was_read_is_no_traceback(tmp_path, monkeypatch):
    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"
    _after_reading(monkeypatch, records[1].image, records[1].image.unlink)
    assert prepare_split(records, _cfg(), enc, cache).records == records  # as read
    monkeypatch.undo()
    again = prepare_split(records, _cfg(), enc, cache)
    assert again.records == records[:1] and "1.png" in again.problems[0]


def test_an_unreadable_image_is_named_again_reading_only_it(tmp_path, decodes):
    # the split's note of what was skipped is keyed by all its files: the next run reads only the skipped
    # image again (to see whether it reads now), never the others
    records, enc, cache = _records(tmp_path / "img", 3), _Frozen(), tmp_path / "cache"
    records[1].image.write_bytes(b"not a png")
    first = prepare_split(records, _cfg(), enc, cache)
    assert len(decodes) == 3 and enc.calls == 1
    assert first.records == [records[0], records[2]] and len(first.problems) == 1
    assert "1.png" in first.problems[0]
    decodes.clear()
    second = prepare_split(records, _cfg(), enc, cache)
    assert decodes == [records[1].image] and enc.calls == 1
    assert (second.records, second.problems) == (first.records, first.problems)
    decodes.clear()
    torch.testing.assert_close(second.inputs, first.inputs, rtol=0, atol=0)
    Image.new("RGB", (8, 8), "red").save(records[1].image)  # mended: every image read and encoded anew
    third = prepare_split(records, _cfg(), enc, cache)
    assert len(decodes) == 3 and enc.calls == 2 and third.records == records and third.problems == []


def test_an_image_a_note_skipped_is_read_when_it_is_readable_again(tmp_path, decodes):
    # a picture can become readable without a new size or time (the same bytes put back with their
    # time, a permission restored, a decoder installed): every run read it before the note, and must still
    records, enc, cache = _records(tmp_path / "img", 3), _Frozen(), tmp_path / "cache"
    good = records[1].image.read_bytes()
    records[1].image.write_bytes(bytes(len(good)))  # unreadable, of the same size
    stat = records[1].image.stat()
    assert prepare_split(records, _cfg(), enc, cache).records == [records[0], records[2]]
    records[1].image.write_bytes(good)
    os.utime(records[1].image, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    again = prepare_split(records, _cfg(), enc, cache)
    assert again.records == records and again.problems == [] and len(again.inputs) == 3
    assert not list(cache.glob("*.skipped.json"))  # the stale note is gone
    decodes.clear()
    assert prepare_split(records, _cfg(), enc, cache).records == records and decodes == []


def test_a_passing_read_error_is_not_remembered(tmp_path, decodes, monkeypatch):
    # an I/O error of one run (a network share, a permission) leaves the file's size and time alone
    records, enc, cache = _records(tmp_path / "img", 3), _Frozen(), tmp_path / "cache"
    reading = images_module.load_image

    def failing(path, size):
        if Path(path) == records[1].image:
            raise images_module.RnnkitError(f"unreadable image {path} (PermissionError)")
        return reading(path, size)

    monkeypatch.setattr(images_module, "load_image", failing)
    assert len(prepare_split(records, _cfg(), enc, cache).problems) == 1
    monkeypatch.setattr(images_module, "load_image", reading)
    again = prepare_split(records, _cfg(), enc, cache)
    assert again.records == records and again.problems == []


def test_the_reasons_given_are_of_the_images_now_not_of_the_note(tmp_path, decodes):
    # a note's words are never printed: what a hostile or old note says of an image is not why it is skipped
    records, enc, cache = _records(tmp_path / "img", 3), _Frozen(), tmp_path / "cache"
    records[1].image.write_bytes(b"not a png")
    first = prepare_split(records, _cfg(), enc, cache)
    (note,) = cache.glob("*.skipped.json")
    note.write_text(json.dumps({"kept": [0, 2], "problems": ["\x1b[2Jsomething else"]}))
    assert prepare_split(records, _cfg(), enc, cache).problems == first.problems


@pytest.mark.parametrize(
    "note",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"kept": [0, 7], "problems": ["x"]}',  # past the split
        b'{"kept": [2, 0], "problems": ["x"]}',  # out of order
        b'{"kept": [0, 2], "problems": []}',  # the counts do not add up
        b'{"kept": [true, 2], "problems": ["x"]}',
        b'{"kept": [0, 2], "problems": [1]}',
        b'{"kept": [], "problems": ["x", "y", "z"]}',
    ],
)
def test_a_note_of_skipped_images_that_does_not_fit_is_not_trusted(tmp_path, decodes, note):
    records, enc, cache = _records(tmp_path / "img", 3), _Frozen(), tmp_path / "cache"
    records[1].image.write_bytes(b"not a png")
    first = prepare_split(records, _cfg(), enc, cache)
    (file,) = cache.glob("*.skipped.json")
    file.write_bytes(note)
    decodes.clear()
    again = prepare_split(records, _cfg(), enc, cache)
    assert len(decodes) == 3 and enc.calls == 1  # read again; the features of the two still cached
    assert (again.records, again.problems) == (first.records, first.problems)
    assert json.loads(file.read_text()) == {"kept": [0, 2], "problems": first.problems}  # written anew


def test_a_split_with_a_missing_image_hits_the_cache_for_the_others(tmp_path, decodes):
    # a missing file has no size or time: its split was read whole on every run (every picture decoded
    # again) only to name it; it is keyed as missing now, and each run names it without opening the others
    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"
    gone = ImageRecord(image=tmp_path / "img" / "gone.png", captions=[["x"]], split="test", image_id="gone")
    first = prepare_split([*records, gone], _cfg(), enc, cache)
    assert first.records == records and len(first.problems) == 1 and "gone.png" in first.problems[0]
    assert len(decodes) == 3 and enc.calls == 1
    for _ in range(2):
        decodes.clear()
        again = prepare_split([*records, gone], _cfg(), enc, cache)
        assert decodes == [gone.image] and enc.calls == 1  # only the missing one looked for, to name it
        assert (again.records, again.problems) == (first.records, first.problems)
        torch.testing.assert_close(again.inputs, first.inputs, rtol=0, atol=0)


def test_a_missing_image_that_turns_up_is_read_and_encoded(tmp_path, decodes):
    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"
    gone = ImageRecord(image=tmp_path / "img" / "gone.png", captions=[["x"]], split="test", image_id="gone")
    prepare_split([*records, gone], _cfg(), enc, cache)
    Image.new("RGB", (8, 8), (250, 0, 0)).save(gone.image)
    decodes.clear()
    found = prepare_split([*records, gone], _cfg(), enc, cache)
    assert found.records == [*records, gone] and found.problems == [] and enc.calls == 2
    assert len(decodes) == 3 and found.inputs[2].tolist() == [[250.0, 0.0, 0.0]]
    gone.image.unlink()  # gone again: the note of the first run holds again
    decodes.clear()
    assert prepare_split([*records, gone], _cfg(), enc, cache).records == records and decodes == [gone.image]


def test_a_kept_image_gone_since_the_note_is_named_not_taken_from_the_cache(tmp_path, decodes):
    records, enc, cache = _records(tmp_path / "img", 3), _Frozen(), tmp_path / "cache"
    gone = ImageRecord(image=tmp_path / "img" / "gone.png", captions=[["x"]], split="test", image_id="gone")
    prepare_split([*records, gone], _cfg(), enc, cache)
    records[0].image.unlink()
    again = prepare_split([*records, gone], _cfg(), enc, cache)
    assert again.records == records[1:] and len(again.problems) == 2 and "0.png" in again.problems[0]
    assert len(again.inputs) == 2


def test_a_trained_encoder_gets_the_pixels_every_time(tmp_path, decodes):
    # the CNN trained with the decoder needs the images each epoch: nothing cached, nothing skipped
    records, cache = _records(tmp_path / "img", 2), tmp_path / "cache"
    cfg = CaptionConfig(image_size=8)
    for _ in range(2):
        part = prepare_split(records, cfg, None, cache)
        assert part.inputs.dtype == torch.uint8 and part.inputs.shape == (2, 3, 8, 8)
    assert len(decodes) == 4 and not cache.exists()


def test_cached_features_calls_the_image_reader_only_on_a_miss(tmp_path):
    records, enc, cache = _records(tmp_path / "img", 2), _Frozen(), tmp_path / "cache"
    paths = [r.image for r in records]
    reads = []

    def read() -> torch.Tensor:
        reads.append(1)
        return images_module.load_images(paths, 8)[0]

    first, hit1 = cached_features(enc, "e", 1, 8, paths, read, cache)
    second, hit2 = cached_features(enc, "e", 1, 8, paths, read, cache)
    assert (hit1, hit2, len(reads)) == (False, True, 1)
    torch.testing.assert_close(first, second, rtol=0, atol=0)
    assert cached_features(enc, "e", 1, 8, paths, read, None)[1] is False and len(reads) == 2  # no cache


def test_the_cache_key_is_unchanged(tmp_path):
    # features cached by earlier versions are still found: the key is of the encoder, its fingerprint,
    # the grid, the image size, the reading and each image's resolved path, size and mtime
    (record,) = _records(tmp_path / "img", 1)
    st = record.image.resolve().stat()
    items = [[str(record.image.resolve()), st.st_size, st.st_mtime_ns]]
    blob = json.dumps(["efficientnet-lite0", "w.pth:9:(x-127.5)/128", 4, 224, READING, items]).encode()
    expected = hashlib.sha256(blob).hexdigest()[:32]
    assert cache_key("efficientnet-lite0", 4, 224, [record.image], "w.pth:9:(x-127.5)/128") == expected
    assert READING == "exif-upright+icc-srgb-sized+exif-adobe+trns+png-gamma"


def test_lookup_without_cache_or_with_a_missing_image_is_none(tmp_path):
    enc = _Frozen()
    assert lookup_features(enc, "e", 1, 8, [tmp_path / "absent.png"], tmp_path / "cache") is None
    assert lookup_features(enc, "e", 1, 8, [tmp_path / "absent.png"], None) is None
    assert lookup_features(enc, "e", 1, 8, [], tmp_path / "cache") is None


class _TinyNet(nn.Module):
    """In place of EfficientNet-Lite0's network: the 7x7 map of a 224-px image, 1280 channels."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))
        self.pool = nn.AdaptiveAvgPool2d(7)

    def extract_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x).repeat(1, 427, 1, 1)[:, :1280] * self.scale  # (N, 1280, 7, 7)


def test_eval_and_train_again_with_cache_dir_read_no_image(tmp_path, monkeypatch, decodes):
    # `caption eval --cache-dir` opened every picture of the split again, only to skip the encoder
    monkeypatch.setattr(encoder_module, "_efficientnet_lite0", lambda: (_TinyNet(), "tiny.pth:1"))
    data, run, cache = tmp_path / "data", tmp_path / "run", tmp_path / "cache"
    assert main(["caption", "generate-data", "--out", str(data), "--train", "6", "--val", "3", "--test", "3",
                 "--heldout", "1", "--image-size", "32", "--seed", "3"]) == 0  # fmt: skip
    dataset = str(data / "dataset.json")
    train = ["caption", "train", "--data", dataset, "--encoder", "efficientnet-lite0",
             "--epochs", "1", "--hidden", "8", "--embed", "4", "--device", "cpu", "--threads", "1",
             "--cache-dir", str(cache)]  # fmt: skip
    assert main([*train, "--out", str(run)]) == 0
    assert len(decodes) == 9  # train and val, once
    scores = []
    for k in range(2):
        decodes.clear()
        out = tmp_path / f"eval{k}.json"
        assert main(["caption", "eval", "--model", str(run), "--data", dataset, "--split", "test",
                     "--cache-dir", str(cache), "--json", str(out), "--threads", "1"]) == 0  # fmt: skip
        assert len(decodes) == (3 if k == 0 else 0), k
        scores.append(json.loads(out.read_text())["splits"])
    assert scores[0] == scores[1]
    decodes.clear()
    assert main([*train, "--out", str(tmp_path / "again")]) == 0
    assert decodes == []  # train and val features read back


def test_a_cache_dir_that_is_a_file_is_refused_before_any_image_is_read(
    tmp_path, monkeypatch, capsys, decodes
):
    # it failed only when the first features were written, after every picture had been encoded
    monkeypatch.setattr(encoder_module, "_efficientnet_lite0", lambda: (_TinyNet(), "tiny.pth:1"))
    data, not_a_folder = tmp_path / "data", tmp_path / "cache.txt"
    not_a_folder.write_text("notes")
    assert main(["caption", "generate-data", "--out", str(data), "--train", "4", "--val", "2", "--test", "2",
                 "--heldout", "1", "--image-size", "32", "--seed", "3"]) == 0  # fmt: skip
    dataset = str(data / "dataset.json")
    for cache in (not_a_folder, not_a_folder / "features"):
        capsys.readouterr()
        assert main(["caption", "train", "--data", dataset, "--encoder", "efficientnet-lite0", "--epochs", "1",
                     "--out", str(tmp_path / "run"), "--cache-dir", str(cache), "--threads", "1"]) == 2  # fmt: skip
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"rnnkit: error: --cache-dir {cache}: {not_a_folder} is a file, not a folder"]
        assert decodes == [] and not (tmp_path / "run").exists()
    model = tmp_path / "model"  # and eval's --cache-dir
    assert main(["caption", "train", "--data", dataset, "--encoder", "efficientnet-lite0", "--epochs", "1",
                 "--hidden", "8", "--embed", "4", "--out", str(model), "--threads", "1",
                 "--cache-dir", str(tmp_path / "cache")]) == 0  # fmt: skip
    decodes.clear()
    capsys.readouterr()
    assert main(["caption", "eval", "--model", str(model), "--data", dataset, "--split", "test",
                 "--cache-dir", str(not_a_folder), "--threads", "1"]) == 2  # fmt: skip
    assert "is a file, not a folder" in capsys.readouterr().err and decodes == []


def test_a_cache_dir_inside_the_installed_package_is_refused(tmp_path, monkeypatch, capsys, decodes):
    # every output is refused there (the shipped models and data); the cache was the one folder not checked
    from rnnkit.utils.outputs import PACKAGE_FOLDER

    monkeypatch.setattr(encoder_module, "_efficientnet_lite0", lambda: (_TinyNet(), "tiny.pth:1"))
    data, cache = tmp_path / "data", PACKAGE_FOLDER / "caption" / "cache-should-not-exist"
    assert main(["caption", "generate-data", "--out", str(data), "--train", "4", "--val", "2", "--test", "2",
                 "--heldout", "1", "--image-size", "32", "--seed", "3"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["caption", "train", "--data", str(data / "dataset.json"), "--encoder", "efficientnet-lite0",
                 "--epochs", "1", "--out", str(tmp_path / "run"), "--cache-dir", str(cache),
                 "--threads", "1"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"rnnkit: error: --cache-dir {cache} is inside rnnkit's own installed package, whose files only "
        "installing rnnkit writes; choose another --cache-dir"
    ]
    assert decodes == [] and not cache.exists() and not (tmp_path / "run").exists()
