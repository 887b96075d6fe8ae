"""Every application's model loader checks config.json (with bounds) and the weights before building
anything (issue 10, items 3 and 4). The models are built untrained, in milliseconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_models import SENTENCES_KO
from helpers_models import make_caption as _caption
from helpers_models import make_explain as _explain
from helpers_models import make_forecast as _forecast
from helpers_models import make_translate as _translate
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError


def _loaders():
    from rnnkit.caption.modelio import load_captioner
    from rnnkit.explain.gates import load_task_model
    from rnnkit.forecast.forecaster import TrainedModel
    from rnnkit.translate.translator import Translator

    return {
        "forecast": (_forecast, lambda f: TrainedModel.load(f)),
        "explain": (_explain, load_task_model),
        "translate": (_translate, lambda f: Translator.load(f, "cpu")),
        "caption": (_caption, lambda f: load_captioner(f, "cpu")),
    }


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {app: make(root / app) for app, (make, _) in _loaders().items()}


def _copy(folder: Path, dest: Path) -> Path:
    dest.mkdir()
    for f in folder.iterdir():
        (dest / f.name).write_bytes(f.read_bytes())
    return dest


def _with_config(folder: Path, dest: Path, change) -> Path:
    """A copy of ``folder`` whose config.json is ``change(config)`` (a dict) or that text (a str)."""
    dest = _copy(folder, dest)
    config = json.loads((dest / "config.json").read_text())
    new = change(config)
    (dest / "config.json").write_text(new if isinstance(new, str) else json.dumps(new))
    return dest


def _set(path: str, value):
    def change(config: dict):
        *parents, last = path.split(".")
        node = config
        for p in parents:
            node = node[p]
        node[last] = value
        return config

    return change


def _load_error(app: str, folder: Path) -> str:
    with pytest.raises(RnnkitError) as info:
        _loaders()[app][1](folder)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_the_untouched_folders_load(folders):
    for app, (_, load) in _loaders().items():
        assert load(folders[app]) is not None, app


# (application, config change, words the one line holds)
HOSTILE = [
    ("forecast", _set("hidden_size", 10**7), ["hidden_size must be an integer in [1, 4096]"]),
    ("forecast", _set("num_layers", 1e6), ["num_layers must be an integer"]),
    ("forecast", _set("num_layers", True), ["num_layers must be an integer", "got true"]),
    ("forecast", _set("window", 10**9), ["window must be an integer"]),
    ("forecast", _set("hidden_size", "32"), ["hidden_size must be an integer", '"32"']),
    ("forecast", _set("quantiles", "0.5"), ["quantiles must be a list"]),
    ("forecast", _set("columns", 5), ["columns must be a list"]),
    ("forecast", _set("target_scaler.std", [0.0]), ["target_scaler.std[0]"]),
    (
        "forecast",
        _set("series_scalers", {"a": {"input": [1], "target": {}}}),
        ["series_scalers.a.input must be an object"],
    ),
    ("forecast", lambda c: json.dumps(c).replace('"dropout": 0.0', '"dropout": NaN'), ["NaN"]),
    (
        "forecast",
        lambda c: json.dumps(c).replace('"hidden_size": 4', '"hidden_size": ' + "7" * 5000),
        ["5000-digit"],
    ),
    (
        "forecast",
        lambda c: json.dumps(c).replace('"info": {}', '"info": ' + "[" * 5000 + "]" * 5000),
        ["nested"],
    ),
    ("forecast", lambda c: "[1, 2]", ["must be an object"]),
    ("explain", _set("hidden_size", 2**40), ["hidden_size must be an integer in [1, 4096]"]),
    ("explain", _set("per_step", "yes"), ["per_step must be true or false"]),
    ("explain", _set("length", -5), ["length must be an integer"]),
    ("translate", _set("model.hidden_size", 10**6), ["model.hidden_size must be an integer in [1, 4096]"]),
    ("translate", _set("model.num_layers", 10**6), ["model.num_layers must be an integer in [1, 16]"]),
    ("translate", _set("max_len", 10**7), ["max_len must be an integer in [1, 1000]"]),
    ("translate", _set("max_src_len", 1.5), ["max_src_len must be an integer"]),
    ("translate", _set("model.src_vocab", 10**9), ["model.src_vocab must be an integer"]),
    ("translate", _set("model.bidirectional", 1), ["model.bidirectional must be true or false"]),
    ("translate", lambda c: {k: v for k, v in c.items() if k != "model"}, ["lacks 'model'"]),
    ("caption", _set("caption.image_size", 10**6), ["caption.image_size must be an integer in [8, 1024]"]),
    ("caption", _set("caption.hidden_size", 10**5), ["caption.hidden_size must be an integer"]),
    ("caption", _set("caption.channels", [64]), ["caption.channels must be an integer"]),
    ("caption", _set("max_len", 10**7), ["max_len must be an integer in [1, 1000]"]),
    ("caption", _set("caption.dropout", 3), ["caption.dropout must be a finite number"]),
]


@pytest.mark.parametrize(("app", "change", "needles"), HOSTILE)
def test_a_hostile_config_is_one_line_before_anything_is_built(folders, tmp_path, app, change, needles):
    message = _load_error(app, _with_config(folders[app], tmp_path / "m", change))
    assert "config.json" in message
    for needle in needles:
        assert needle in message, message


@pytest.mark.parametrize("app", ["forecast", "explain", "translate", "caption"])
def test_a_size_within_bounds_that_the_weights_do_not_hold_is_refused(folders, tmp_path, app, monkeypatch):
    # hidden 4096 passes the schema; the model is then built on the meta device only (nothing
    # allocated) and its shapes compared with the weights file, which holds a far smaller model.
    key = {"forecast": "hidden_size", "explain": "hidden_size", "translate": "model.hidden_size",
           "caption": "caption.hidden_size"}[app]  # fmt: skip
    devices = []
    real = torch.nn.Linear.__init__

    def spy(self, *args, **kwargs):
        devices.append(torch.empty(0).device.type)  # the device new tensors are made on
        real(self, *args, **kwargs)

    monkeypatch.setattr(torch.nn.Linear, "__init__", spy)
    message = _load_error(app, _with_config(folders[app], tmp_path / "m", _set(key, 4096)))
    assert "weight" in message and ("shape" in message or "do not match" in message), message
    assert devices and set(devices) == {"meta"}  # the big model never existed on the CPU


@pytest.mark.parametrize("app", ["forecast", "explain", "translate", "caption"])
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_nan_or_infinite_weights_are_refused(folders, tmp_path, app, bad):
    from safetensors.torch import load_file, save_file

    dest = _copy(folders[app], tmp_path / "m")
    state = load_file(str(dest / "model.safetensors"))
    name = next(k for k, v in state.items() if v.is_floating_point() and v.numel() > 1)
    state[name] = state[name].clone()
    state[name].view(-1)[1] = bad
    save_file(state, str(dest / "model.safetensors"))
    message = _load_error(app, dest)
    assert name in message and "NaN or infinite" in message


def test_a_nan_forecast_never_prints_with_exit_0(folders, tmp_path, capsys):
    from safetensors.torch import load_file, save_file

    dest = _copy(folders["forecast"], tmp_path / "m")
    state = {
        k: torch.full_like(v, float("nan")) for k, v in load_file(str(dest / "model.safetensors")).items()
    }
    save_file(state, str(dest / "model.safetensors"))
    csv = tmp_path / "p.csv"
    csv.write_text("Date,Close\n" + "".join(f"2020-01-{d:02d},{100 + d}\n" for d in range(1, 21)))
    assert main(["forecast", "predict", "--model", str(dest), "--data", str(csv)]) == 2
    captured = capsys.readouterr()
    assert "nan" not in captured.out.lower()
    assert captured.err.startswith("rnnkit: error: ") and "NaN or infinite" in captured.err


def _swap(dest: Path) -> None:
    src, tgt = (dest / "src.spm").read_bytes(), (dest / "tgt.spm").read_bytes()
    (dest / "src.spm").write_bytes(tgt)
    (dest / "tgt.spm").write_bytes(src)


def test_swapped_tokenizers_are_named(folders, tmp_path, capsys):
    dest = _copy(folders["translate"], tmp_path / "m")
    _swap(dest)
    assert "holds what was saved as tgt.spm (swapped files?)" in _load_error("translate", dest)
    assert main(["translate", "text", "--model", str(dest), "--device", "cpu", "I am a student."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: ") and err.count("\n") == 1 and "swapped" in err


def test_tokenizers_are_checked_by_size_when_no_hash_was_recorded(folders, tmp_path):
    # folders written before hashes were recorded still have the vocabulary sizes to compare
    def unhashed(c):
        c.pop("file_sha256")
        return c

    dest = _with_config(folders["translate"], tmp_path / "m", unhashed)
    _swap(dest)
    assert "src.spm and tgt.spm are swapped" in _load_error("translate", dest)
    from rnnkit.translate.tokenizer import Tokenizer

    other = Tokenizer.train(["a b c d e f g h i j k l m n o p q r s t u v w x y z"] * 3, 8)
    (dest / "src.spm").write_bytes(other.model_bytes)
    (dest / "tgt.spm").write_bytes((folders["translate"] / "tgt.spm").read_bytes())
    message = _load_error("translate", dest)
    assert f"src.spm has {other.vocab_size} pieces, the model was trained with" in message


def test_a_tokenizer_from_another_model_is_refused(folders, tmp_path):
    from rnnkit.translate.tokenizer import Tokenizer

    dest = _copy(folders["translate"], tmp_path / "m")
    (dest / "tgt.spm").write_bytes(Tokenizer.train(SENTENCES_KO[:3] * 4, 8).model_bytes)
    assert "tgt.spm does not match the model: it is not the file saved with this model" in _load_error(
        "translate", dest
    )


@pytest.mark.parametrize(
    ("vocab", "needle"),
    [
        ('{"words": "<pad> <start>"}', "words must be a list"),
        ('{"words": [1, 2]}', "words[0] must be a string"),
        ("[" * 1000 + "]" * 1000, "nested more than"),
        ('{"words": ["<pad>", "<start>", "<end>"]}', "vocabulary must start with"),
    ],
)
def test_a_bad_caption_vocabulary_is_one_line(folders, tmp_path, vocab, needle):
    def unhashed(c):
        c.pop("file_sha256")
        return c

    dest = _with_config(folders["caption"], tmp_path / "m", unhashed)
    (dest / "vocab.json").write_text(vocab)
    assert needle in _load_error("caption", dest)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
KEYS = {
    "forecast": ["cell", "hidden_size", "num_layers", "dropout", "quantiles", "window", "horizon", "predict", "columns",
                 "input_scaler", "target_scaler", "season", "info", "interval_offsets", "format_version",
                 "series_scalers", "series_transforms"],
    "explain": ["cell", "task", "length", "hidden_size", "input_size", "output_size", "per_step", "application"],
    "translate": ["model", "model.src_vocab", "model.hidden_size", "model.cell", "model.attention",
                  "model.num_layers", "max_len", "max_src_len", "file_sha256"],
    "caption": ["caption", "caption.encoder", "caption.grid", "caption.channels", "caption.image_size",
                "caption.cell", "caption.inject", "max_len", "decoder"],
}  # fmt: skip


@settings(max_examples=100, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_value_in_any_config_field_loads_or_gives_one_line(folders, tmp_path_factory, data):
    app = data.draw(st.sampled_from(sorted(KEYS)))
    key = data.draw(st.sampled_from(KEYS[app]))
    value = data.draw(json_values)
    dest = _with_config(folders[app], tmp_path_factory.mktemp("fuzz") / "m", _set(key, value))
    try:
        _loaders()[app][1](dest)
    except RnnkitError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("offsets", [[[1.0], [2.0, 3.0]], [["a"]], [[{}]]])
def test_interval_offsets_that_are_not_a_table_are_one_line(folders, tmp_path, offsets):
    """A ragged or non-numeric list (found by the fuzz test above) is named, not a ValueError."""
    dest = _with_config(folders["forecast"], tmp_path / "m", _set("interval_offsets", offsets))
    assert "interval" in _load_error("forecast", dest)


def test_the_meta_probe_stays_cheap(folders):
    # torch.device("meta") alone would run each initialiser through torch._refs, importing
    # torch._dynamo (1.8 s and 150 MB on every model load); the probe skips initialisers instead.
    code = (
        "import sys\n"
        "from rnnkit.caption.modelio import load_captioner\n"
        "from rnnkit.explain.gates import load_task_model\n"
        "from rnnkit.forecast.forecaster import TrainedModel\n"
        "from rnnkit.translate.translator import Translator\n"
        f"TrainedModel.load({str(folders['forecast'])!r}); load_task_model({str(folders['explain'])!r})\n"
        f"Translator.load({str(folders['translate'])!r}, 'cpu'); load_captioner({str(folders['caption'])!r}, 'cpu')\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
