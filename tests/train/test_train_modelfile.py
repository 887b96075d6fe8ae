"""Model folders: round trip, one-line errors for bad folders, no unpickling, atomic writes."""

import json
import os
import pickle
import re
from pathlib import Path

import pytest
import torch
from torch import nn

import rnnkit
from rnnkit.train.modelfile import (
    CONFIG_NAME,
    PROVENANCE_NAME,
    WEIGHTS_NAME,
    ModelFolder,
    load_model,
    load_weights,
    save_model,
)
from rnnkit.utils.errors import RnnkitError


class Tiny(nn.Module):
    def __init__(self, hidden: int = 4) -> None:
        super().__init__()
        self.embed = nn.Embedding(5, hidden)
        self.rnn = nn.GRU(hidden, hidden)
        self.out = nn.Linear(hidden, 5)
        self.out.weight = self.embed.weight  # tied weights share memory


def _one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert message and "\n" not in message
    return message


@pytest.fixture
def saved(tmp_path) -> tuple[Path, Tiny]:
    torch.manual_seed(0)
    model = Tiny()
    folder = save_model(
        tmp_path / "model", model, {"application": "translate", "hidden": 4}, files={"vocab.txt": b"a\nb\n"}
    )
    return folder, model


def test_round_trip(saved):
    folder, model = saved
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["README.md", CONFIG_NAME, WEIGHTS_NAME, PROVENANCE_NAME, "vocab.txt"]
    loaded = load_model(folder, application="translate")
    assert isinstance(loaded, ModelFolder)
    assert loaded.config["hidden"] == 4
    assert loaded.config["application"] == "translate"
    assert loaded.config["rnnkit_version"] == rnnkit.__version__
    assert loaded.file("vocab.txt").read_bytes() == b"a\nb\n"
    fresh = Tiny()
    load_weights(fresh, loaded.state_dict, folder)
    for name, value in model.state_dict().items():
        torch.testing.assert_close(fresh.state_dict()[name], value, rtol=0, atol=0)


def test_a_non_finite_score_is_saved_null_and_the_folder_loads(tmp_path):
    # json.dumps wrote Infinity, which the loader (rightly) refuses: a model saved, then unloadable
    config = {"application": "translate", "scores": {"ar": float("inf"), "naive": float("nan"), "model": 0.5}}
    folder = save_model(tmp_path / "m", Tiny(), config)
    text = (folder / CONFIG_NAME).read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    assert load_model(folder, application="translate").config["scores"] == {
        "ar": None,
        "naive": None,
        "model": 0.5,
    }


def test_extra_file_from_path_and_missing_extra_file(tmp_path, saved):
    source = tmp_path / "tok.model"
    source.write_bytes(b"\x01\x02")
    folder = save_model(
        tmp_path / "m2", {"w": torch.ones(2)}, {"application": "caption"}, {"tok.model": source}
    )
    loaded = load_model(folder)
    assert loaded.file("tok.model").read_bytes() == b"\x01\x02"
    with pytest.raises(RnnkitError, match="lacks nope.txt") as info:
        loaded.file("nope.txt")
    _one_line(info)


def test_missing_folder_and_missing_files(tmp_path, saved):
    folder, _ = saved
    with pytest.raises(RnnkitError, match="not found") as info:
        load_model(tmp_path / "nowhere")
    _one_line(info)
    (folder / WEIGHTS_NAME).unlink()
    with pytest.raises(RnnkitError, match=f"{WEIGHTS_NAME} is missing") as info:
        load_model(folder)
    _one_line(info)
    (folder / CONFIG_NAME).unlink()
    with pytest.raises(RnnkitError, match=f"{CONFIG_NAME} is missing"):
        load_model(folder)


def test_wrong_application(saved):
    folder, _ = saved
    with pytest.raises(RnnkitError, match="holds a 'translate' model, not a 'forecast' model") as info:
        load_model(folder, application="forecast")
    _one_line(info)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "\udcff"])
def test_corrupt_config(saved, text):
    folder, _ = saved
    (folder / CONFIG_NAME).write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(RnnkitError, match=CONFIG_NAME) as info:
        load_model(folder)
    _one_line(info)


def test_newer_format_is_refused(saved):
    folder, _ = saved
    config = json.loads((folder / CONFIG_NAME).read_text())
    config["format_version"] = 99
    (folder / CONFIG_NAME).write_text(json.dumps(config))
    with pytest.raises(RnnkitError, match="format 99") as info:
        load_model(folder)
    _one_line(info)


@pytest.mark.parametrize("cut", [0.5, 0.02])
def test_truncated_weights(saved, cut):
    folder, _ = saved
    path = folder / WEIGHTS_NAME
    data = path.read_bytes()
    path.write_bytes(data[: max(1, int(len(data) * cut))])
    with pytest.raises(RnnkitError, match="corrupt or truncated") as info:
        load_model(folder)
    _one_line(info)


def test_corrupt_weights_header(saved):
    folder, _ = saved
    path = folder / WEIGHTS_NAME
    data = bytearray(path.read_bytes())
    data[8:20] = b"#garbage!!!#"  # the JSON header starts at byte 8
    path.write_bytes(bytes(data))
    with pytest.raises(RnnkitError, match="corrupt or truncated") as info:
        load_model(folder)
    _one_line(info)


class _Bomb:
    """Unpickling this object would create the marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickle_bomb_is_rejected_not_executed(saved, tmp_path):
    folder, _ = saved
    marker = tmp_path / "pwned"
    bomb = pickle.dumps(_Bomb(marker))
    pickle.loads(bomb)  # the bomb is live: loading it with pickle runs code
    assert marker.exists()
    marker.unlink()
    (folder / WEIGHTS_NAME).write_bytes(bomb)
    with pytest.raises(RnnkitError, match="corrupt or truncated") as info:
        load_model(folder)
    _one_line(info)
    assert not marker.exists()
    # A torch.save zip (pickle inside) under the safetensors name is refused the same way.
    torch.save({"w": _Bomb(marker)}, folder / WEIGHTS_NAME)
    marker.unlink(missing_ok=True)
    with pytest.raises(RnnkitError, match="corrupt or truncated"):
        load_model(folder)
    assert not marker.exists()


def test_mismatched_weights(saved):
    folder, _ = saved
    state = load_model(folder).state_dict
    with pytest.raises(RnnkitError, match="has shape") as info:
        load_weights(Tiny(hidden=6), state, folder)
    _one_line(info)
    with pytest.raises(RnnkitError, match="missing") as info:
        load_weights(Tiny(), {k: v for k, v in state.items() if not k.startswith("rnn.")}, folder)
    _one_line(info)
    with pytest.raises(RnnkitError, match="unexpected"):
        load_weights(Tiny(), {**state, "extra.weight": torch.zeros(1)}, folder)


def test_failed_save_keeps_previous_folder_and_no_temp(saved, tmp_path):
    folder, _ = saved
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(RnnkitError, match="cannot copy"):
        save_model(
            folder, {"w": torch.zeros(3)}, {"application": "translate"}, files={"tok": tmp_path / "absent"}
        )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(os.listdir(folder.parent)) == ["model"]


def test_interrupted_save_keeps_previous_folder(saved, monkeypatch):
    folder, _ = saved
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    import safetensors.torch

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # as if Ctrl-C arrived while the weights were being written

    monkeypatch.setattr(safetensors.torch, "save_file", crash)
    with pytest.raises(KeyboardInterrupt):
        save_model(folder, {"w": torch.zeros(3)}, {"application": "translate"})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(os.listdir(folder.parent)) == ["model"]


def test_a_model_left_as_rnnkit_old_loads_from_a_read_only_place(saved, monkeypatch):
    """A save killed between its two renames leaves the model as ``.model.rnnkit-old``; where it cannot
    be moved back (a read-only mount: ``Read-only file system``) the load said ``model folder not
    found``, and of its run folder ``a training run that did not finish? run its command again with
    --resume``, as if the model were lost. It is read where it waits, whole, and nothing moves."""
    import errno

    from rnnkit.utils import leftovers

    folder, model = saved
    run = folder.parent
    (run / "checkpoints").mkdir()  # a training run's folder
    waiting = run / leftovers.old_name(folder.name)
    os.replace(folder, waiting)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(leftovers.os, "replace", read_only)
    for given in (run, folder):
        loaded = load_model(given, "translate")
        assert loaded.path == waiting
        torch.testing.assert_close(loaded.state_dict["rnn.weight_hh_l0"], model.rnn.weight_hh_l0.detach())
        assert loaded.file("vocab.txt").read_bytes() == b"a\nb\n"
    assert sorted(os.listdir(run)) == [waiting.name, "checkpoints"]


def test_a_model_left_as_dot_old_is_named_with_the_way_back_never_moved(saved):
    """A ``.model.old`` left by an rnnkit before 2026-12-07 (killed between its two renames: the only
    copy of the model), or by a user's ``mv model .model.old``, was never mentioned: the load said
    "config.json is missing (a training run that did not finish? run its command again with --resume)".
    The one-line error names it and how to move it back; nothing is moved (it may be a backup)."""
    folder, _ = saved
    run = folder.parent
    (run / "checkpoints").mkdir()  # a training run's folder
    old = run / ".model.old"
    os.replace(folder, old)
    o, f, r = (re.escape(str(p)) for p in (old, folder, run))
    way_back = f"; {o} holds a model (.*): if it is the model you want, mv {o} {f}$"
    with pytest.raises(
        RnnkitError, match=f"^{r} is not a model folder: config.json is missing{way_back}"
    ) as exc:
        load_model(run, "translate")
    assert "--resume" not in _one_line(exc)
    with pytest.raises(RnnkitError, match=f"^model folder not found: {f}{way_back}"):
        load_model(folder, "translate")
    folder.mkdir()  # an empty folder in its place: mv would put the model inside it
    with pytest.raises(RnnkitError, match=f"config.json is missing; .*want, rmdir {f} && mv {o} {f}$"):
        load_model(folder, "translate")
    assert sorted(os.listdir(run)) == [old.name, "checkpoints", "model"] and not os.listdir(folder)
    (old / WEIGHTS_NAME).unlink()  # no model: not named
    with pytest.raises(RnnkitError) as exc:
        load_model(run, "translate")
    assert ".model.old" not in _one_line(exc)


def test_a_model_replaces_only_a_model_folder_of_its_application(saved, tmp_path):
    """save_pretrained("runs/x") on a training run's folder once deleted its checkpoints: a model is
    saved over a model folder of its application, an empty or missing folder, and nothing else."""
    from rnnkit.utils.markers import Mark, write_mark

    folder, model = saved
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    (run / "metrics.csv").write_text("epoch,loss\n1,0.5\n")
    write_mark(run, Mark("translate", "run"))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    cases = [(run, "translate run folder.*its model is"), (mine, "files rnnkit did not write"),
             (folder, "rnnkit translate model folder, not an rnnkit forecast model folder")]  # fmt: skip
    for target, why in cases:
        with pytest.raises(RnnkitError, match=why) as exc:
            save_model(target, model, {"application": "forecast" if target == folder else "translate"})
        _one_line(exc)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    (folder / "notes.txt").write_text("mine")  # its own kind, but with a user's file inside
    with pytest.raises(RnnkitError, match="also holds files a model folder does not"):
        save_model(folder, model, {"application": "translate"})
    (folder / "notes.txt").unlink()
    (tmp_path / "link").symlink_to(folder, target_is_directory=True)
    with pytest.raises(RnnkitError, match="is a symbolic link; rnnkit does not replace a link"):
        save_model(tmp_path / "link", model, {"application": "translate"})
    (tmp_path / "empty").mkdir()
    for target in (folder, tmp_path / "empty", tmp_path / "new"):  # its own kind, empty, missing
        save_model(target, model, {"application": "translate"})
        assert load_model(target, application="translate").config["application"] == "translate"


@pytest.mark.parametrize("name", ["../evil", "config.json", ".hidden", "a/b"])
def test_bad_extra_file_names(tmp_path, name):
    with pytest.raises(RnnkitError, match="plain file name"):
        save_model(tmp_path / "m", {"w": torch.zeros(1)}, {}, files={name: b"x"})
    assert not (tmp_path / "m").exists()


def test_non_tensor_state_is_refused(tmp_path):
    with pytest.raises(RnnkitError, match="not a tensor"):
        save_model(tmp_path / "m", {"w": [1, 2]}, {})  # type: ignore[dict-item]


def test_provenance_and_card_say_what_made_the_folder(tmp_path, monkeypatch):
    """Versions and the command line of the rnnkit command that saved the model (not pytest's argv)."""
    import platform

    from rnnkit.train.modelcard import ModelCard, ScoreTable
    from rnnkit.utils import provenance

    monkeypatch.setattr(provenance, "_COMMAND", None)  # restored after the test
    provenance.record_command(["forecast", "train", "--data", "ibm"])
    scores = [ScoreTable("test", ["system", "MAE"], [["model", 1.5]])]
    card = ModelCard("a title", "A GRU.", "IBM prices.", scores)
    folder = save_model(tmp_path / "m", Tiny(), {"application": "forecast"}, card=card)
    made = json.loads((folder / PROVENANCE_NAME).read_text())
    assert made["command"] == "rnnkit forecast train --data ibm"
    assert made["torch_version"] == torch.__version__ and made["rnnkit_version"] == rnnkit.__version__
    assert made["python_version"] == platform.python_version()
    text = (folder / "README.md").read_text()
    assert text.startswith("# a title\n") and "rnnkit forecast train --data ibm" in text
    assert "| system | MAE |\n|---|---:|\n| model | 1.5 |" in text
    assert f"torch {torch.__version__}" in text and 'rnnkit.load("path/to/this/folder")' in text
    load_model(folder, application="forecast")  # the card and provenance do not disturb loading
