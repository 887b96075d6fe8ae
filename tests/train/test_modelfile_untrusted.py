"""A model folder from a stranger whose ``model.safetensors`` is no safetensors file: refused from its
first bytes, never read whole into memory."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
import torch

from rnnkit.train.modelfile import WEIGHTS_NAME, load_model, save_model
from rnnkit.utils.errors import RnnkitError

GIB = 2**30


@pytest.fixture
def folder(tmp_path) -> Path:
    return save_model(tmp_path / "m", {"w": torch.ones(4, 3)}, {"application": "forecast"})


def _refusal(folder: Path) -> tuple[str, int]:
    """load_model's one line and the most memory it held while refusing (bytes, Python's allocations)."""
    tracemalloc.start()
    try:
        with pytest.raises(RnnkitError) as info:
            load_model(folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "\n" not in str(info.value)
    return str(info.value), peak


def test_a_sparse_gigabyte_of_zeros_is_refused_unread(folder):
    weights = folder / WEIGHTS_NAME
    weights.unlink()
    with weights.open("wb") as f:  # sparse: no disk used, but read whole it was a gigabyte of memory
        f.truncate(GIB)
    message, peak = _refusal(folder)
    assert "is corrupt or truncated: it does not begin with a safetensors header" in message
    assert peak < 64 * 2**20


def test_weights_followed_by_a_gigabyte_are_refused_unread(folder):
    weights = folder / WEIGHTS_NAME
    tensors = weights.stat().st_size - 8 - int.from_bytes(weights.read_bytes()[:8], "little")
    with weights.open("r+b") as f:
        f.truncate(weights.stat().st_size + GIB)
    message, peak = _refusal(folder)
    assert f"its header describes {tensors:,} bytes of tensors, the file holds {tensors + GIB:,}" in message
    assert peak < 64 * 2**20


@pytest.mark.parametrize(
    ("head", "needle"),
    [
        ((2**62).to_bytes(8, "little"), "does not begin with a safetensors header"),
        ((1000).to_bytes(8, "little") + b"{}", "ends inside its header (10 bytes; a copy cut short?)"),
        ((4).to_bytes(8, "little") + b"[1] ", "its header is not a JSON object"),
        ((14).to_bytes(8, "little") + b'{"w": {"a":1}}', "its header gives tensor 'w' no byte range"),
        ((80).to_bytes(8, "little") + b"[" * 40 + b"]" * 40, "its header is nested more than"),
        (
            b"PK\x03\x04\x00\x00\x08\x00" + bytes(56),
            "does not begin with a safetensors header",
        ),  # a torch.save zip
    ],
)
def test_a_header_that_is_no_safetensors_header_is_named(folder, head, needle):
    (folder / WEIGHTS_NAME).write_bytes(head)
    message, _ = _refusal(folder)
    assert f"{WEIGHTS_NAME} is corrupt or truncated: " in message and needle in message, message


def test_an_extra_file_of_two_gigabytes_is_refused_before_it_is_read(tmp_path):
    # a 2 GB src.spm (its SHA-256 in the config, as a hostile folder's would be) was read whole and
    # crashed sentencepiece with a segmentation fault
    import hashlib

    folder = save_model(tmp_path / "m", {"w": torch.ones(2)}, {"application": "x"}, files={"src.spm": b"x"})
    with (folder / "src.spm").open("r+b") as f:
        f.truncate(2 * GIB)
    config = json.loads((folder / "config.json").read_text())
    config["file_sha256"]["src.spm"] = hashlib.sha256(b"\0" * 8).hexdigest()  # not checked: never read
    (folder / "config.json").write_text(json.dumps(config))
    loaded = load_model(folder)
    tracemalloc.start()
    try:
        with pytest.raises(RnnkitError) as info:
            loaded.file("src.spm")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(info.value) == (
        f"{folder / 'src.spm'} is 2,048 MB, more than the 512 MB rnnkit reads as a model's file "
        "(a tokenizer or a vocabulary is a few MB)"
    )
    assert peak < 64 * 2**20
