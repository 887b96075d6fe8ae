"""load_model refuses, from its header alone, a weights file holding more than its config implies
(rnnkit.utils.model_size): one extra huge tensor, or tensors larger than the config's, was read whole
(an out-of-memory kill) before the shapes were compared."""

from __future__ import annotations

import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

import rnnkit
from rnnkit.train.modelfile import CONFIG_NAME, HASHES, WEIGHTS_NAME, load_model, save_model
from rnnkit.utils.errors import RnnkitError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_models import make_caption, make_explain, make_forecast, make_translate  # noqa: E402

GIB = 2**30


def _append_tensor(
    folder: Path, name: str, dtype: str, shape: list[int], itemsize: int, more: Callable | None = None
) -> None:
    """Add tensor ``name`` of zeros after the others, its header entry matching (a consistent file), the
    bytes sparse (no disk used); the config forgets the weights' hash, as a stranger's would.
    ``more(end)``: further header entries, given where the data now ends."""
    weights = folder / WEIGHTS_NAME
    raw = weights.read_bytes()
    length = int.from_bytes(raw[:8], "little")
    header, data = json.loads(raw[8 : 8 + length]), raw[8 + length :]
    nbytes = itemsize * int(torch.tensor(shape).prod())
    header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + nbytes]}
    header.update(more(len(data) + nbytes) if more else {})
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with weights.open("wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + data)
        f.truncate(8 + len(text) + len(data) + nbytes)
    config = json.loads((folder / CONFIG_NAME).read_text())
    config[HASHES].pop(WEIGHTS_NAME)
    (folder / CONFIG_NAME).write_text(json.dumps(config))


def _refusal(folder: Path, **kwargs) -> tuple[str, int]:
    """load_model's one line and the most memory Python held while refusing."""
    tracemalloc.start()
    try:
        with pytest.raises(RnnkitError) as info:
            load_model(folder, **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "\n" not in str(info.value)
    return str(info.value), peak


def test_an_extra_gigabyte_tensor_is_refused_by_name_unread(tmp_path):
    """The QA case at 1 GB (it was 20 GB: an out-of-memory kill); loaded as `forecast predict` does."""
    folder = make_forecast(tmp_path / "m")
    _append_tensor(folder, "extra", "F32", [GIB // 4], 4)
    message, peak = _refusal(folder, application="forecast")
    assert message == (
        f"{folder / WEIGHTS_NAME} holds 1,024.0 MB of weights, more than the 1.0 MB its config.json implies; "
        "the largest is 'extra' (F32, shape [268435456], 1,024.0 MB): these are not the weights of the "
        "model its config.json describes"
    )
    assert peak < 64 * 2**20


def test_tensors_larger_than_the_configs_are_refused_unread(tmp_path):
    """A second layer of a far larger model beside the config's one layer of hidden 4; refused before
    its bytes are hashed (a wrong hash would be the message otherwise)."""
    folder = make_forecast(tmp_path / "m")
    _append_tensor(folder, "rnn.weight_ih_l1", "F32", [4 * 4096, 4096], 4)
    config = json.loads((folder / CONFIG_NAME).read_text())
    config[HASHES][WEIGHTS_NAME] = "0" * 64
    (folder / CONFIG_NAME).write_text(json.dumps(config))
    message, peak = _refusal(folder)
    assert "more than the 1.0 MB its config.json implies; the largest is 'rnn.weight_ih_l1' (F32, " in message
    assert "shape [16384, 4096], 256.0 MB)" in message
    assert peak < 64 * 2**20


@pytest.mark.parametrize("make", [make_forecast, make_explain, make_translate, make_caption])
def test_a_model_of_each_application_still_loads(tmp_path, make):
    assert rnnkit.load(make(tmp_path / "m")) is not None


def test_the_shipped_fp16_translator_still_loads():
    from rnnkit.translate.translator import Translator

    translator = Translator.from_pretrained(device="cpu")
    assert str(translator.translate(["I am a student."])[0].text).strip()


def test_a_folder_of_an_application_rnnkit_does_not_size_loads_as_before(tmp_path):
    folder = save_model(tmp_path / "m", {"w": torch.ones(300_000)}, {"application": "test"})
    assert load_model(folder).state_dict["w"].shape == (300_000,)


def test_a_backwards_byte_range_cannot_hide_a_gigabyte(tmp_path):
    """Spans [end - 1 GB, end] and [end, end - 1 GB] sum to nothing: summed alone, the gigabyte would
    pass and be read."""
    folder = make_forecast(tmp_path / "m")
    back = lambda end: {"back": {"dtype": "U8", "shape": [0], "data_offsets": [end, end - GIB]}}  # noqa: E731
    _append_tensor(folder, "extra", "F32", [GIB // 4], 4, more=back)
    message, peak = _refusal(folder)
    assert message.endswith("is corrupt or truncated: its header gives tensor 'back' no byte range")
    assert peak < 64 * 2**20
