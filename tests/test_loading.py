"""One way to load and save (#15 item 6): ``rnnkit.load``, ``from_pretrained``/``save_pretrained`` on every
application object, Hub ids through ``huggingface_hub.snapshot_download`` (mocked: no network)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import torch

import rnnkit
from helpers_models import make_caption, make_explain, make_forecast, make_translate
from rnnkit.caption.captioner import Captioner
from rnnkit.explain.models import TaskModel
from rnnkit.forecast.api import Forecaster
from rnnkit.translate.translator import Translator
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import Mark, write_mark

KINDS = {
    "forecast": (make_forecast, Forecaster),
    "translate": (make_translate, Translator),
    "caption": (make_caption, Captioner),
    "explain": (make_explain, TaskModel),
}


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {app: make(root / app) for app, (make, _) in KINDS.items()}


def _weights(obj) -> dict[str, torch.Tensor]:
    module = obj if isinstance(obj, torch.nn.Module) else obj.model
    module = module.model if hasattr(module, "predict_z") else module  # Forecaster -> TrainedModel -> net
    return {k: v.detach().cpu() for k, v in module.state_dict().items()}


def _loaded(app: str, obj):
    return obj.model_ if app == "forecast" else obj


@pytest.mark.parametrize("app", list(KINDS))
def test_load_returns_the_application_object(folders, app):
    obj = rnnkit.load(folders[app], device="cpu")
    assert type(obj) is KINDS[app][1]


@pytest.mark.parametrize("app", list(KINDS))
def test_save_pretrained_then_from_pretrained_round_trips(folders, app, tmp_path):
    cls = KINDS[app][1]
    first = (
        cls.from_pretrained(folders[app])
        if app == "explain"
        else cls.from_pretrained(folders[app], device="cpu")
    )
    assert (folders[app] / "README.md").is_file()  # every saved folder has a card
    old = os.umask(0o022)
    try:
        out = first.save_pretrained(tmp_path / "again")
    finally:
        os.umask(old)
    second = rnnkit.load(out, device="cpu")
    assert type(second) is cls
    a, b = _weights(_loaded(app, first)), _weights(_loaded(app, second))
    assert a.keys() == b.keys()
    for name in a:
        torch.testing.assert_close(a[name], b[name], rtol=0, atol=0)
    assert (out / "README.md").read_text() == (folders[app] / "README.md").read_text()  # the card travels
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o644}
    assert json.loads((out / "provenance.json").read_text())["torch_version"] == torch.__version__


def test_a_command_output_folder_with_a_model_inside_loads(folders, tmp_path):
    run = tmp_path / "ibm"  # like `forecast train --out runs/ibm`: runs/ibm/model is the model
    run.mkdir()
    write_mark(run, Mark("forecast", "run"))
    (run / "model").mkdir()
    for f in folders["forecast"].iterdir():
        (run / "model" / f.name).write_bytes(f.read_bytes())
    assert isinstance(rnnkit.load(run), Forecaster)


def test_a_folder_that_is_not_a_model_is_one_line(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    write_mark(run, Mark("caption", "run"))
    with pytest.raises(
        RnnkitError, match=r"cannot load .*run: it is an rnnkit caption run folder, not a model folder"
    ):
        rnnkit.load(run)
    (tmp_path / "empty").mkdir()
    with pytest.raises(RnnkitError, match="not an rnnkit model folder") as exc:
        rnnkit.load(tmp_path / "empty")
    assert "\n" not in str(exc.value)
    with pytest.raises(RnnkitError, match="model folder not found"):
        rnnkit.load(tmp_path / "missing" / "model")


def test_a_run_killed_before_its_model_was_saved_says_how_to_finish_it(tmp_path):
    """A kill -9 mid-training leaves a run folder with checkpoints and no model: rnnkit.load (and serve,
    `explain ... --model`) said only that it is no model folder, where the command line's loaders say
    to run the command again with --resume."""
    run = tmp_path / "run"
    (run / "checkpoints" / "epoch-0003").mkdir(parents=True)
    write_mark(run, Mark("forecast", "run"))
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(run)
    assert str(exc.value) == (
        f"cannot load {run}: it is an rnnkit forecast run folder, not a model folder (a training run "
        "that did not finish? run its command again with --resume)"
    )


@pytest.mark.parametrize("name", ["run/model", "runs/run/model/", "PATH"])
def test_the_model_folder_of_a_run_killed_before_it_was_saved_says_how_to_finish_it(
    tmp_path, monkeypatch, name
):
    """``rnnkit.load("run/model")`` of a run a kill cut short (checkpoints, no model/ yet) read as a Hub
    id owner/name and said "the Hugging Face Hub did not give it as a model id"; a longer RUN/model said
    "model folder not found ... (nor is it a Hub id)". The run folder is here: say how to finish it, as
    every loader does (``--model RUN/model`` on the command line and ``explain gates --model`` too)."""
    from rnnkit.train.modelfile import load_model
    from rnnkit.utils.markers import find_model_folder

    monkeypatch.chdir(tmp_path)
    run = Path(name.rstrip("/")).parent if name != "PATH" else tmp_path / "run"
    (run / "checkpoints" / "epoch-0001").mkdir(parents=True)
    write_mark(run, Mark("forecast", "run"))
    given = run / "model" if name == "PATH" else name
    hint = " (a training run that did not finish? run its command again with --resume)"
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(given)
    assert str(exc.value) == f"model folder not found: {run / 'model'}{hint}"
    with pytest.raises(RnnkitError) as exc:
        load_model(given)  # the command line's loaders (forecast/translate/caption --model)
    assert str(exc.value) == f"model folder not found: {run / 'model'}{hint}"
    with pytest.raises(RnnkitError) as exc:
        find_model_folder(given)  # explain gates --model, serve
    assert str(exc.value).endswith(f"no such folder{hint}")


def test_a_missing_model_folder_in_a_folder_that_is_no_run_gets_no_resume_hint(tmp_path, monkeypatch):
    """The note is for a run cut short only: a missing model in a plain folder keeps the plain words."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stuff" / "checkpoints").mkdir(parents=True)  # another tool's, no rnnkit mark
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(tmp_path / "stuff" / "model")
    assert (
        str(exc.value)
        == f"model folder not found: {tmp_path / 'stuff' / 'model'} (nor is it a Hub id owner/name)"
    )


def test_a_folder_of_checkpoints_another_tool_wrote_is_not_called_an_unfinished_run(tmp_path, capsys):
    """Any folder holding ``checkpoints/`` (PyTorch Lightning's ``lightning_logs/version_0``) was "not an
    rnnkit model folder ... (a training run that did not finish? run its command again with --resume)":
    the hint is for a folder rnnkit marked as a run."""
    from rnnkit.cli import main

    logs = tmp_path / "proj" / "lightning_logs" / "version_0"
    (logs / "checkpoints").mkdir(parents=True)
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(logs)
    assert str(exc.value) == (
        f"cannot load {logs}: it is not an rnnkit model folder (no config.json naming an application "
        "beside model.safetensors)"
    )
    assert main(["forecast", "predict", "--model", str(logs)]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: {logs} is not a model folder: config.json is missing\n"


@pytest.mark.parametrize(
    "given", ["run/checkpoints/epoch-0001", "run/checkpoints", "run/checkpoints/epoch-0001/"]
)
def test_a_checkpoint_folder_says_it_is_one_and_what_to_give_instead(
    folders, tmp_path, monkeypatch, capsys, given
):
    """``rnnkit.load("run/checkpoints/epoch-0001")`` said "it is not an rnnkit model folder", and
    ``--model`` of it "config.json is missing": nothing said it is a checkpoint, which --resume reads,
    nor that the model is run/model."""
    from rnnkit.cli import main
    from rnnkit.train.modelfile import load_model

    monkeypatch.chdir(tmp_path)
    run = Path("run")
    (run / "checkpoints" / "epoch-0001").mkdir(parents=True)
    (run / "checkpoints" / "epoch-0001" / "trainer_state.json").write_text("{}")
    write_mark(run, Mark("forecast", "run"))
    shown = Path(given)  # as the loaders name it, a trailing slash dropped
    what = "the checkpoints folder" if shown.name == "checkpoints" else "a training checkpoint"
    said = f"cannot load {shown}: it is {what} of the run folder run (what its command's --resume reads), not a model folder"
    unfinished = (
        f"{said}; the run has no model yet: run its command again with --resume to finish its training"
    )
    for load in (rnnkit.load, load_model):
        with pytest.raises(RnnkitError) as exc:
            load(given)
        assert str(exc.value) == unfinished
    _copy(folders["forecast"], run / "model")
    finished = f"{said}: give the model folder run/model (or the run folder run)"
    for load in (rnnkit.load, load_model):
        with pytest.raises(RnnkitError) as exc:
            load(given)
        assert str(exc.value) == finished
    for cmd in (["forecast", "predict"], ["explain", "gates"]):
        assert main([*cmd, "--model", given]) == 2
        assert capsys.readouterr().err == f"rnnkit: error: {finished}\n"
    weights = "run/checkpoints/epoch-0001/best.safetensors"
    Path(weights).write_bytes(b"")
    with pytest.raises(
        RnnkitError, match=r"best\.safetensors is a file of run/checkpoints/epoch-0001: it is a training"
    ):
        rnnkit.load(weights)


@pytest.mark.parametrize(
    ("cwd", "given"),
    [
        ("run/checkpoints", "epoch-0001"),
        ("run/checkpoints", "."),
        ("run/checkpoints/epoch-0001", "."),
        ("run/checkpoints/epoch-0001", "../epoch-0001"),
        (".", "ck"),  # a link to run/checkpoints/epoch-0001
        (".", "ck/"),
    ],
)
def test_a_checkpoint_given_from_inside_the_run_or_through_a_link_says_it_is_one(
    folders, tmp_path, monkeypatch, capsys, cwd, given
):
    """From inside RUN/checkpoints, ``--model epoch-0001`` (or ``.``, or ``rnnkit.load``) said
    "epoch-0001 is not a model folder: config.json is missing", and so did a link to the checkpoint: the
    note looked at the name as typed. The run is named so the user can give it: relative to the working
    folder when under it, else whole."""
    from rnnkit.cli import main
    from rnnkit.train.modelfile import load_model

    run = tmp_path / "run"
    (run / "checkpoints" / "epoch-0001").mkdir(parents=True)
    write_mark(run, Mark("forecast", "run"))
    _copy(folders["forecast"], run / "model")
    (tmp_path / "ck").symlink_to(run / "checkpoints" / "epoch-0001")
    monkeypatch.chdir(tmp_path / cwd)
    shown = "run" if cwd == "." else str(run.resolve())
    what = "the checkpoints folder" if cwd == "run/checkpoints" and given == "." else "a training checkpoint"
    said = (
        f"cannot load {Path(given)}: it is {what} of the run folder {shown} (what its command's --resume "
        f"reads), not a model folder: give the model folder {shown}/model (or the run folder {shown})"
    )
    for load in (rnnkit.load, load_model):
        with pytest.raises(RnnkitError) as exc:
            load(given)
        assert str(exc.value) == said
    assert main(["forecast", "predict", "--model", given]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: {said}\n"


def test_a_run_part_given_from_inside_it_says_to_give_the_model(folders, tmp_path, monkeypatch):
    """``rnnkit.load(".")`` inside a run's average/ folder said only that it is no model folder."""
    run = tmp_path / "run"
    (run / "average").mkdir(parents=True)
    write_mark(run, Mark("translate", "run"))
    _copy(folders["translate"], run / "model")
    monkeypatch.chdir(run / "average")
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(".")
    shown = run.resolve()
    assert str(exc.value) == (
        f"cannot load .: it is the average/ folder inside the run folder {shown} (what its training keeps), "
        f"not a model folder: give the model folder {shown}/model (or the run folder {shown})"
    )


def test_an_unknown_application_is_refused(folders, tmp_path):
    odd = tmp_path / "odd"
    odd.mkdir()
    for f in folders["explain"].iterdir():
        (odd / f.name).write_bytes(f.read_bytes())
    config = json.loads((odd / "config.json").read_text())
    (odd / "config.json").write_text(json.dumps({**config, "application": "weather"}))
    with pytest.raises(
        RnnkitError, match="holds a 'weather' model; rnnkit loads caption, explain, forecast, translate"
    ):
        rnnkit.load(odd)


class _SizedHub:
    """Stands for ``huggingface_hub.HfApi``: utils.hub asks it the sizes of the files before each download
    (``answer``: the entries it gives, or a function raising as an unreachable Hub does)."""

    def __init__(self, answer):
        self.answer = answer

    def get_paths_info(self, repo_id, paths, **kw):
        return self.answer(repo_id, paths) if callable(self.answer) else self.answer


def test_a_hub_id_goes_to_snapshot_download(folders, monkeypatch, tmp_path):
    huggingface_hub = pytest.importorskip("huggingface_hub")
    calls = []

    def fake_snapshot_download(repo_id, **kw):
        calls.append((repo_id, kw.get("revision")))
        return str(folders["translate"])

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda **kw: _SizedHub([]))  # sizes asked first: none large
    monkeypatch.chdir(tmp_path)  # no local folder called someone/rnnkit-en-ko
    assert isinstance(rnnkit.load("someone/rnnkit-en-ko", device="cpu", revision="v1"), Translator)
    assert isinstance(Translator.from_pretrained("someone/rnnkit-en-ko", device="cpu"), Translator)
    assert calls == [("someone/rnnkit-en-ko", "v1"), ("someone/rnnkit-en-ko", None)]


def test_a_local_folder_wins_over_a_hub_id_and_hub_failures_are_one_line(folders, monkeypatch, tmp_path):
    huggingface_hub = pytest.importorskip("huggingface_hub")

    def offline(*args, **kw):
        raise OSError("We could not connect to the Hub.\nCheck your network.")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", offline)
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda **kw: _SizedHub(offline))
    monkeypatch.chdir(tmp_path)
    local = tmp_path / "someone" / "model"
    local.parent.mkdir()
    local.mkdir()
    for f in folders["caption"].iterdir():
        (local / f.name).write_bytes(f.read_bytes())
    assert isinstance(rnnkit.load("someone/model", device="cpu"), Captioner)  # no download tried
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load("someone/other")
    assert str(exc.value) == (
        f"no folder someone/other here (from {tmp_path}), and the Hugging Face Hub did not give it as a model "
        "id: the Hub cannot be reached (We could not connect to the Hub.) and no copy of someone/other is "
        "in the cache"
    )


def test_old_loader_names_are_the_new_ones():
    assert Forecaster.load.__func__ is Forecaster.from_pretrained.__func__
    assert Translator.load.__func__ is Translator.from_pretrained.__func__
    assert Captioner.load.__func__ is Captioner.from_pretrained.__func__


def test_an_empty_path_is_refused_rather_than_the_current_folder(folders, monkeypatch):
    monkeypatch.chdir(folders["forecast"])  # a model right here: "" must still not load it
    for empty in ("", "  "):
        with pytest.raises(RnnkitError, match="not an empty string"):
            rnnkit.load(empty)
    assert type(rnnkit.load(".")) is Forecaster  # "." says it: that is the user's choice
    # each application's own loader and saver too (they read and wrote the current folder)
    for load in (Forecaster.from_pretrained, Translator.from_pretrained, Captioner.from_pretrained):
        with pytest.raises(RnnkitError, match="not an empty string"):
            load("")
    fitted = Forecaster.from_pretrained(".")
    monkeypatch.chdir(folders["forecast"].parent)
    with pytest.raises(RnnkitError, match="saved into a folder: give its path, not an empty string"):
        fitted.save_pretrained("")


def _copy(src: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for f in src.iterdir():
        (dest / f.name).write_bytes(f.read_bytes())
    return dest


@pytest.mark.parametrize("app", list(KINDS))
def test_a_broken_model_folder_says_which_file_is_wrong(folders, app, tmp_path):
    bad_json = _copy(folders[app], tmp_path / "json")
    (bad_json / "config.json").write_text("{not json")
    no_weights = _copy(folders[app], tmp_path / "run" / "model")  # through the run folder too
    (no_weights / "model.safetensors").unlink()
    pickled = _copy(folders[app], tmp_path / "pickled")
    torch.save({"w": torch.zeros(2)}, pickled / "model.safetensors")  # a pickle: refused, never run
    cases = {
        bad_json: r"json/config\.json is not valid JSON",
        tmp_path / "run": r"model is not a model folder: model\.safetensors is missing",
        pickled: r"pickled/model\.safetensors is corrupt or truncated",
    }
    for folder, reason in cases.items():
        with pytest.raises(RnnkitError, match=reason) as exc:
            rnnkit.load(folder)
        assert "\n" not in str(exc.value)


def test_a_model_given_as_another_type_is_one_line_and_a_type_error():
    for wrong in (None, 3, b"runs/ibm"):
        with pytest.raises(RnnkitError, match=rf"rnnkit.load takes .* not {type(wrong).__name__}$") as exc:
            rnnkit.load(wrong)
        assert isinstance(exc.value, TypeError)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a CUDA GPU")
def test_a_gpu_asked_for_in_python_is_named_as_python_names_it(folders):
    """The message named the command line's flag (--device cuda) to a Python caller."""
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(folders["forecast"], device="cuda")
    assert str(exc.value) == "device 'cuda' was asked for, but no CUDA GPU is available (use 'cpu' or 'auto')"
