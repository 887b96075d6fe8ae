"""Explain's settings by composition, and a model folder's config.json that trains it again (issue 15)."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.explain.models import TaskModelConfig
from rnnkit.explain.training import TrainSettings
from rnnkit.train.config import TrainConfig
from rnnkit.train.options import FitOptions

TINY = ["--epochs", "2", "--train-size", "32", "--batch-size", "16", "--hidden-size", "4", "--test-size", "16",
        "--device", "cpu"]  # fmt: skip


def test_settings_are_the_model_config_the_shared_fit_options_and_the_split_sizes():
    settings = TrainSettings(hidden_size=8, epochs=3, lr=0.01, train_size=100, seed=4)
    assert isinstance(settings.model, TaskModelConfig) and isinstance(settings.fit, FitOptions)
    assert settings.model.hidden_size == 8 and (settings.fit.epochs, settings.fit.lr, settings.fit.seed) == (
        3,
        0.01,
        4,
    )
    assert settings.train_size == 100 and settings.val_size == 512 and settings.test_size == 2048
    # the defaults that trained every explain model so far
    default = TrainSettings()
    assert (default.hidden_size, default.batch_size, default.epochs, default.lr) == (64, 64, 12, 5e-3)
    assert (default.clip_norm, default.patience, default.lr_schedule, default.seed) == (
        1.0,
        None,
        "constant",
        0,
    )
    flat = settings.flat()
    assert set(flat) == TrainSettings.setting_names()
    assert not {"cell", "input_size", "output_size", "per_step", "device", "show_progress"} & set(flat)
    assert TrainSettings(**flat) == settings  # flat and back
    for name in ("device", "cell", "wings"):
        with pytest.raises(TypeError, match="no setting"):
            TrainSettings(**{name: "x"})
    twin = settings.replaced(patience=2, lr=None)  # None keeps the setting
    assert (twin.patience, twin.lr, settings.patience) == (2, 0.01, None)


def test_no_two_parts_share_a_setting_name():
    seen: dict[str, str] = {}
    for f in fields(TrainSettings):
        part = f.default_factory() if f.name in TrainSettings.PARTS else None
        for name in [g.name for g in fields(part)] if part is not None else [f.name]:
            assert name not in seen, f"{name} is in {seen[name]} and {f.name}"
            seen[name] = f.name


def test_the_engine_gets_the_config_the_settings_built_field_by_field_before():
    """What keeps the weights identical: the composed settings give the engine the very TrainConfig that
    explain built field by field before it used the shared FitOptions."""
    s = TrainSettings(epochs=3, lr=0.02, patience=2, seed=5)
    got = s.fit.train_config(
        "val_loss", "min", device="cpu", show_progress=False, run_dir=Path("r"), resume=True
    )
    before = TrainConfig(epochs=3, lr=0.02, clip_norm=1.0, patience=2, seed=5, device="cpu",
                         show_progress=False, run_dir=Path("r"), resume=True)  # fmt: skip
    assert got == before


def _config(folder: Path) -> dict:
    return json.loads((folder / "config.json").read_text())


@pytest.fixture(scope="module")
def gates_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gates") / "run"
    assert (
        main(["explain", "gates", "--length", "6", "--out", str(out), "--seed", "3", "--lr", "0.01", *TINY])
        == 0
    )
    return out


def test_gates_model_folder_records_its_training_settings(gates_run):
    training = _config(gates_run / "model")["training"]
    assert training == {**TrainSettings().flat(), "epochs": 2, "train_size": 32, "batch_size": 16, "hidden_size": 4,
                        "test_size": 16, "seed": 3, "lr": 0.01}  # fmt: skip


def test_gates_config_json_trains_the_same_model_again(gates_run, tmp_path, capsys):
    again = tmp_path / "again"
    assert (
        main(["explain", "gates", "--config", str(gates_run / "model" / "config.json"), "--out", str(again)])
        == 0
    )
    assert _config(again / "model") == _config(gates_run / "model")
    weights = (again / "model" / "model.safetensors").read_bytes()
    assert weights == (gates_run / "model" / "model.safetensors").read_bytes()
    # options given on the command line win over the file
    other = tmp_path / "other"
    assert (
        main(["explain", "gates", "--config", str(gates_run / "model"), "--epochs", "1", "--out", str(other)])
        == 0
    )
    assert _config(other / "model")["training"]["epochs"] == 1 and _config(other / "model")["length"] == 6


def test_gates_model_accepts_the_run_folder_or_its_model_folder(gates_run, tmp_path, capsys):
    printed = []
    for i, model in enumerate((gates_run, gates_run / "model")):
        assert main(["explain", "gates", "--model", str(model), "--out", str(tmp_path / f"s{i}"), "--seed", "3",
                     "--test-size", "16", "--index", "2"]) == 0  # fmt: skip
        printed.append(
            [line for line in capsys.readouterr().out.splitlines() if not line.startswith("wrote")]
        )
    assert printed[0] == printed[1] and printed[0][0].startswith("test MSE")
    assert not (tmp_path / "s0" / "model").exists()
    import rnnkit

    assert rnnkit.load(gates_run).training_settings["seed"] == 3  # the Python loader takes either too


def test_gradient_flow_job_model_trains_again_from_its_config_json(tmp_path):
    out = tmp_path / "gf"
    args = ["--length", "5", "--sequences", "2", "--seed", "2", *TINY]
    assert main(["explain", "gradient-flow", "--cells", "gru", "--out", str(out), *args]) == 0
    job = out / "jobs" / "adding-5-gru" / "model"
    again = tmp_path / "again"
    # --sequences is what is measured, not how the model was trained: not in config.json
    assert main(["explain", "gradient-flow", "--config", str(job / "config.json"), "--sequences", "2",
                 "--out", str(again)]) == 0  # fmt: skip
    twin = again / "jobs" / "adding-5-gru" / "model"
    assert (twin / "model.safetensors").read_bytes() == (job / "model.safetensors").read_bytes()
    assert (again / "gradient_flow.csv").read_text() == (out / "gradient_flow.csv").read_text()
    # memory reads it too: that one model (task, length, cell) in its table, with the same test error
    table = tmp_path / "table"
    assert main(["explain", "memory", "--config", str(job), "--out", str(table)]) == 0
    (row,) = json.loads((table / "memory.json").read_text())["results"]
    kept = json.loads((out / "jobs" / "adding-5-gru" / "result.json").read_text())
    assert (row["task"], row["length"], row["cell"], row["error"]) == ("adding", 5, "gru", kept["error"])


def _old_folder(gates_run: Path, tmp_path: Path) -> Path:
    """The gates model as rnnkit saved it before it recorded training settings (and said hidden)."""
    import shutil

    old = tmp_path / "old"
    shutil.copytree(gates_run / "model", old)
    config = _config(old)
    del config["training"]
    config["hidden"] = config.pop("hidden_size")
    (old / "config.json").write_text(json.dumps(config))
    return old


def test_an_old_model_folder_without_training_settings_still_loads(
    gates_run, tmp_path, capsys, one_line_error
):
    import rnnkit
    from rnnkit.explain.models import TaskModel

    old = _old_folder(gates_run, tmp_path)
    model = rnnkit.load(old)
    assert isinstance(model, TaskModel) and model.training_settings is None and model.rnn.hidden_size == 4
    assert TaskModel.from_pretrained(old).length == 6
    assert main(["explain", "gates", "--model", str(old), "--out", str(tmp_path / "shown"), "--seed", "3",
                 "--test-size", "16"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["explain", "gates", "--config", str(old), "--out", str(tmp_path / "no")]) == 2
    one_line_error("has no training settings")
    assert not (tmp_path / "no").exists()


def test_config_json_that_the_command_cannot_reproduce_is_one_line(gates_run, tmp_path, one_line_error):
    from rnnkit.explain.gates import save_task_model
    from rnnkit.explain.training import build_model

    copy = build_model("lstm", "copy", 4)
    copy.training_settings = TrainSettings(hidden_size=4).flat()
    save_task_model(tmp_path / "copy", copy, "copy", 5)
    assert main(["explain", "gates", "--config", str(tmp_path / "copy"), "--out", str(tmp_path / "o")]) == 2
    one_line_error("explain gates trains on the adding task; this model was trained on 'copy'")
    odd = build_model("lstm", "adding", 4)
    odd.training_settings = TrainSettings(hidden_size=4, val_size=7).flat()
    save_task_model(tmp_path / "odd", odd, "adding", 5)
    assert (
        main(["explain", "gradient-flow", "--config", str(tmp_path / "odd"), "--out", str(tmp_path / "o")])
        == 2
    )
    one_line_error("trained with val_size=7, which explain gradient-flow has no option for")
    assert not (tmp_path / "o").exists()


def test_training_options_beside_model_are_refused_not_ignored(gates_run, tmp_path, one_line_error):
    out = tmp_path / "o"
    assert (
        main(
            [
                "explain",
                "gates",
                "--model",
                str(gates_run),
                "--epochs",
                "5",
                "--hidden",
                "8",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    one_line_error(
        "--epochs, --hidden-size only shape a model that gates trains; with --model nothing is trained"
    )
    assert main(["explain", "gates", "--model", str(gates_run), "--cell", "gru", "--out", str(out)]) == 2
    one_line_error("--cell only shapes a model")
    assert not out.exists()
