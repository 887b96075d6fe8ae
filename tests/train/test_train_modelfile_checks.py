"""Model folders are checked before anything is built: config schema, finite weights, a meta-device
probe of the model's size, and SHA-256 of the extra files (issue 10, items 3 and 4)."""

import json

import pytest
import torch
from torch import nn

from rnnkit.train.modelfile import check_finite, load_model, load_weights, save_model
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.schema import Int, Obj


def _folder(tmp_path, **files):
    return save_model(
        tmp_path / "m", nn.Linear(3, 2), {"application": "test", "size": 3}, files=files or None
    )


def test_a_builder_is_probed_on_the_meta_device_before_it_is_built(tmp_path):
    state = nn.Linear(3, 2).state_dict()
    devices = []

    def build(size: int):
        def make():
            devices.append(torch.empty(0).device.type)
            return nn.Linear(size, 2)

        return make

    model = load_weights(build(3), state)
    assert devices == ["meta", "cpu"] and torch.equal(model.weight, state["weight"])
    devices.clear()
    with pytest.raises(
        RnnkitError, match=r"weight weight has shape \(2, 3\), the model expects \(2, 100000\)"
    ):
        load_weights(build(100_000), state)  # an 800 MB model, never allocated
    assert devices == ["meta"]


def test_the_schema_is_checked_and_the_checked_config_returned(tmp_path):
    folder = _folder(tmp_path)
    schema = Obj({"size": Int(1, 8)})
    assert load_model(folder, "test", schema=schema).config["size"] == 3
    with pytest.raises(RnnkitError, match=r"config.json: size must be an integer in \[1, 2\], got 3"):
        load_model(folder, "test", schema=Obj({"size": Int(1, 2)}))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"application": "test", "format_version": true}', "format_version must be an integer"),
        ('{"application": ["test"]}', "application must be a string"),
        ('{"application": "test", "file_sha256": {"a": 5}}', "file_sha256.a must be a string"),
        ('{"application": "test", "x": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested more than"),
        ('{"application": "test", "x": ' + "1" * 5000 + "}", "5000-digit number"),
    ],
)
def test_a_garbled_base_config_is_one_line(tmp_path, text, needle):
    folder = _folder(tmp_path)
    (folder / "config.json").write_text(text)
    with pytest.raises(RnnkitError) as info:
        load_model(folder)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_non_finite_weights_are_named(tmp_path):
    check_finite({"w": torch.ones(3), "steps": torch.tensor([1, 2])}, "f")
    for bad in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(RnnkitError, match=r"^f: weight w holds 1 NaN or infinite values"):
            check_finite({"w": torch.tensor([1.0, bad, 2.0])}, "f")
    with pytest.raises(RnnkitError, match="bf holds 2 NaN"):
        check_finite({"bf": torch.full((2,), float("nan"), dtype=torch.bfloat16)}, "f")


def test_extra_files_are_hashed_and_a_changed_or_swapped_file_is_named(tmp_path):
    folder = _folder(tmp_path, **{"a.txt": b"first", "b.txt": b"second"})
    config = json.loads((folder / "config.json").read_text())
    assert set(config["file_sha256"]) == {"a.txt", "b.txt", "model.safetensors"}
    loaded = load_model(folder)
    assert loaded.file("a.txt").read_bytes() == b"first"
    (folder / "a.txt").write_bytes(b"second")
    with pytest.raises(
        RnnkitError, match=r"a.txt does not match the model: it holds what was saved as b.txt"
    ):
        loaded.file("a.txt")
    (folder / "a.txt").write_bytes(b"edited")
    with pytest.raises(RnnkitError, match="it is not the file saved with this model"):
        loaded.file("a.txt")


def test_weights_with_flipped_bytes_are_refused_and_an_older_folder_loads_unchecked(tmp_path):
    """Bytes flipped inside the tensor data still parse (the header is intact) and would load garbage:
    the weights' SHA-256 saved in config.json names the damage."""
    folder = _folder(tmp_path)
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-8:] = bytes(8) if data[-8:] != bytes(8) else b"\x7f" * 8  # the last weight's bytes, not the header
    weights.write_bytes(bytes(data))
    with pytest.raises(RnnkitError, match="is damaged: its bytes are not those saved") as info:
        load_model(folder)
    assert "\n" not in str(info.value)
    config = json.loads((folder / "config.json").read_text())
    del config["file_sha256"]["model.safetensors"]  # a folder saved before the weights were hashed
    (folder / "config.json").write_text(json.dumps(config))
    assert load_model(folder).state_dict  # loads (the flipped bytes are finite numbers)


def test_a_config_without_an_application_is_named_as_such(tmp_path):
    folder = _folder(tmp_path)
    (folder / "config.json").write_text(json.dumps({"size": 3}))
    with pytest.raises(RnnkitError, match="names no application: it is not an rnnkit model's config"):
        load_model(folder, application="test")


def test_save_pretrained_outside_a_command_suggests_no_force_flag(tmp_path):
    (tmp_path / "thesis.txt").write_text("mine")
    with pytest.raises(RnnkitError) as info:
        save_model(tmp_path, nn.Linear(3, 2), {"application": "test"})
    assert "--force" not in str(info.value) and "choose another folder" in str(info.value)
    assert (tmp_path / "thesis.txt").read_text() == "mine"


def test_a_run_folder_without_its_model_hints_at_resume(tmp_path):
    from rnnkit.utils.markers import Mark, write_mark

    run = tmp_path / "run"
    (run / "checkpoints" / "epoch-0001").mkdir(parents=True)  # killed before its model was written
    write_mark(run, Mark("forecast", "run"))
    with pytest.raises(
        RnnkitError, match="config.json is missing .a training run that did not finish.*--resume"
    ):
        load_model(run)
    with pytest.raises(RnnkitError) as inside:
        load_model(tmp_path / "run" / "checkpoints")  # the run's checkpoints: said so (14edc8c0)
    assert "it is the checkpoints folder" in str(inside.value) and "with --resume to finish" in str(
        inside.value
    )
    lone = tmp_path / "lone" / "checkpoints"  # no run around it: no hint
    lone.mkdir(parents=True)
    with pytest.raises(RnnkitError) as plain:
        load_model(lone)
    assert "--resume" not in str(plain.value)


def test_a_folder_of_checkpoints_another_tool_wrote_gets_no_resume_hint(tmp_path):
    """PyTorch Lightning's ``lightning_logs/version_0`` holds ``checkpoints/`` too: it was told "(a
    training run that did not finish? run its command again with --resume)", which no rnnkit command
    can do; only a folder marked as an rnnkit run is."""
    from rnnkit.utils.markers import Mark, write_mark

    logs = tmp_path / "lightning_logs" / "version_0"
    (logs / "checkpoints").mkdir(parents=True)
    with pytest.raises(RnnkitError) as exc:
        load_model(logs)
    assert str(exc.value) == f"{logs} is not a model folder: config.json is missing"
    write_mark(logs, Mark("forecast", "dataset"))  # rnnkit's, but no run
    with pytest.raises(RnnkitError) as exc:
        load_model(logs)
    assert str(exc.value) == f"{logs} is not a model folder: config.json is missing"


def test_a_file_given_as_the_model_folder_is_called_a_file(tmp_path):
    """`translate average RUN notes.txt` said "model folder not found: notes.txt" of a file that is
    there, where `translate text` says what it is."""
    from rnnkit.train.modelfile import load_model
    from rnnkit.utils.errors import RnnkitError

    notes = tmp_path / "notes.txt"
    notes.write_text("")
    with pytest.raises(RnnkitError, match=r"notes\.txt is a file, not a model folder$"):
        load_model(notes)
