"""Checkpoint averaging and fp16 model folders: the mean of the weights, checks, loading."""

from __future__ import annotations

import json

import pytest
import torch
from helpers_translate import TINY_PAIRS

from rnnkit.cli import main
from rnnkit.translate.averaging import average_states
from rnnkit.translate.translator import Translator
from rnnkit.utils.errors import RnnkitError


def test_average_states_is_the_elementwise_mean():
    a = {"w": torch.tensor([1.0, 2.0]), "steps": torch.tensor([3])}
    b = {"w": torch.tensor([3.0, 6.0]), "steps": torch.tensor([5])}
    out = average_states([a, b])
    torch.testing.assert_close(out["w"], torch.tensor([2.0, 4.0]))
    assert torch.equal(out["steps"], torch.tensor([3]))  # integer buffers are not averaged
    with pytest.raises(RnnkitError, match="other weights"):
        average_states([a, {"v": torch.zeros(2)}])
    with pytest.raises(RnnkitError, match="shape"):
        average_states([a, {"w": torch.zeros(3), "steps": torch.tensor([1])}])


def shifted(tiny_model, folder, by: float = 0.5, model: dict | None = None):
    """Another model of tiny_model's run: its weights plus ``by`` (a copy alone is one model, nothing to
    average), its ``model`` config section ``model`` where given."""
    from rnnkit.train.modelfile import load_model, save_model

    mf = load_model(tiny_model)
    state = {k: v + by if v.is_floating_point() else v for k, v in mf.state_dict.items()}
    files = {name: (tiny_model / name).read_bytes() for name in ("src.spm", "tgt.spm")}
    save_model(folder, state, {**mf.config, "model": model or mf.config["model"]}, files=files)
    return folder


def test_average_command_fp16_and_loading(tiny_model, tmp_path, capsys):
    from rnnkit.train.modelfile import load_model

    other = shifted(tiny_model, tmp_path / "shifted")
    same = tmp_path / "avg"
    assert main(["translate", "average", str(tiny_model), str(other), "--out", str(same)]) == 0
    orig, avg = load_model(tiny_model).state_dict, load_model(same).state_dict
    for name, t in orig.items():
        torch.testing.assert_close(avg[name], t + 0.25 if t.is_floating_point() else t)  # the mean
    cfg = json.loads((same / "config.json").read_text(encoding="utf-8"))
    assert (
        cfg["averaged_from"] == [str(tiny_model), str(other)]
        and cfg["model"] == json.loads((tiny_model / "config.json").read_text(encoding="utf-8"))["model"]
    )
    run = tiny_model.parent  # a run folder (translate train --out) names its model/ as well
    assert main(["translate", "average", str(run), str(other), "--out", str(tmp_path / "avg2")]) == 0
    assert (tmp_path / "avg2" / "model.safetensors").read_bytes() == (same / "model.safetensors").read_bytes()

    half = tmp_path / "half"
    assert main(["translate", "average", str(tiny_model), "--out", str(half), "--fp16"]) == 0
    assert all(
        t.dtype == torch.float16 for t in load_model(half).state_dict.values() if t.is_floating_point()
    )
    size = (half / "model.safetensors").stat().st_size
    assert size < 0.6 * (tiny_model / "model.safetensors").stat().st_size
    tr = Translator.from_pretrained(half, device="cpu")
    assert next(tr.model.parameters()).dtype == torch.float32
    full = Translator.from_pretrained(tiny_model, device="cpu")
    srcs = [en for en, _ in TINY_PAIRS[:8]]
    assert [t.text for t in tr.translate(srcs, beam=1)] == [t.text for t in full.translate(srcs, beam=1)]


def test_averaging_models_of_other_runs_is_an_error(tiny_model, tmp_path, capsys):
    from rnnkit.train.modelfile import load_model, save_model

    other = tmp_path / "other"
    mf = load_model(tiny_model)
    files = {
        "src.spm": (tiny_model / "tgt.spm").read_bytes(),
        "tgt.spm": (tiny_model / "tgt.spm").read_bytes(),
    }
    save_model(other, mf.state_dict, mf.config, files=files)
    code = main(["translate", "average", str(tiny_model), str(other), "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "other tokenizers" in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_one_folder_is_a_conversion_not_an_average(tiny_model, tmp_path):
    out = tmp_path / "copy"
    assert main(["translate", "average", str(tiny_model), "--out", str(out), "--fp16"]) == 0
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert "averaged_from" not in cfg and cfg["weights_dtype"] == "float16"


def test_fp32_is_stored_as_float32_even_from_fp16_models(tiny_model, tmp_path):
    from rnnkit.train.modelfile import load_model

    half, full = tmp_path / "half", tmp_path / "full"
    assert main(["translate", "average", str(tiny_model), "--out", str(half), "--fp16"]) == 0
    for args in ([], ["--fp32"]):  # --fp32 is the default: what the config says is what is stored
        out = full / (args[0] if args else "default")
        assert main(["translate", "average", str(half), str(tiny_model), "--out", str(out), *args]) == 0
        cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
        dtypes = {t.dtype for t in load_model(out).state_dict.values() if t.is_floating_point()}
        assert cfg["weights_dtype"] == "float32" and dtypes == {torch.float32}


def test_runs_with_other_tokenizers_are_named_as_such_not_as_another_architecture(
    tiny_model, tiny_corpus, tmp_path, capsys
):
    from helpers_translate import TINY_TRAIN_ARGS

    other = tmp_path / "other_split"  # another --split-seed: other tokenizers, so other vocabulary sizes
    assert main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(other), "--split-seed", "7",
                 *TINY_TRAIN_ARGS]) == 0  # fmt: skip
    mine = json.loads((tiny_model / "config.json").read_text(encoding="utf-8"))["model"]
    theirs = json.loads((other / "model" / "config.json").read_text(encoding="utf-8"))["model"]
    assert (mine["src_vocab"], mine["tgt_vocab"]) != (theirs["src_vocab"], theirs["tgt_vocab"])
    capsys.readouterr()
    code = main(["translate", "average", str(tiny_model), str(other), "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "other tokenizers" in err and "architecture" not in err
    assert f"vocabularies {theirs['src_vocab']}/{theirs['tgt_vocab']} and " in err
    wider = tmp_path / "wider"  # a real architecture difference is still named as one
    assert main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(wider), *TINY_TRAIN_ARGS,
                 "--hidden", "24"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["translate", "average", str(tiny_model), str(wider), "--out", str(tmp_path / "y")]) == 2
    err = capsys.readouterr().err  # and what differs
    assert f"{wider} has another architecture than {tiny_model} (hidden_size 24 and 16)" in err, err


def test_an_ensemble_and_a_single_model_are_named_as_such(tiny_model, tmp_path, capsys):
    """It was "model 2 has other weights than model 1 (different architecture)"; the architecture is
    one, and the folders are an ensemble and a single model."""
    pair = tmp_path / "pair"
    assert main(["translate", "ensemble", str(tiny_model), str(tiny_model), "--out", str(pair)]) == 0
    capsys.readouterr()
    assert main(["translate", "average", str(pair), str(tiny_model), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"rnnkit: error: {tiny_model} has another architecture than {pair} (one model and an ensemble of 2 "
        "models)\n"
    )


def test_runs_with_other_dropout_average_and_keep_the_first_dropout(
    tiny_model, tiny_corpus, tmp_path, capsys
):
    """Dropout acts only in training: it was named "another architecture (dropout 0.3 and 0.2)", though
    the weights have the same shapes and meaning. The average keeps the first model's dropout."""
    from helpers_translate import TINY_TRAIN_ARGS

    from rnnkit.train.modelfile import load_model

    other = tmp_path / "dropout"  # the same seed and split: the same tokenizers, other weights
    assert main(["translate", "train", "--corpus", str(tiny_corpus), "--out", str(other), *TINY_TRAIN_ARGS,
                 "--dropout", "0.3"]) == 0  # fmt: skip
    mine = json.loads((tiny_model / "config.json").read_text(encoding="utf-8"))["model"]
    assert mine["dropout"] != 0.3
    capsys.readouterr()
    out = tmp_path / "avg"
    assert main(["translate", "average", str(tiny_model), str(other), "--out", str(out)]) == 0
    assert "architecture" not in capsys.readouterr().err
    assert json.loads((out / "config.json").read_text(encoding="utf-8"))["model"] == mine
    a, b, avg = (load_model(f).state_dict for f in (tiny_model, other / "model", out))
    for name, t in a.items():
        torch.testing.assert_close(avg[name], (t + b[name]) / 2)


def test_an_unused_luong_score_is_not_another_architecture(tiny_model, tmp_path, capsys):
    """``luong_score`` means nothing to Bahdanau attention; with Luong's it is still compared."""
    from rnnkit.train.modelfile import load_model, save_model

    mf = load_model(tiny_model)
    files = {name: (tiny_model / name).read_bytes() for name in ("src.spm", "tgt.spm")}
    assert mf.config["model"]["attention"] == "bahdanau"
    # other weights: the same ones under an unused luong_score are one model (nothing to average)
    dot = shifted(tiny_model, tmp_path / "dot", model={**mf.config["model"], "luong_score": "dot"})
    assert main(["translate", "average", str(tiny_model), str(dot), "--out", str(tmp_path / "avg")]) == 0
    luong = [tmp_path / "luong_general", tmp_path / "luong_dot"]
    for folder, score in zip(luong, ("general", "dot"), strict=True):
        model = {**mf.config["model"], "attention": "luong", "luong_score": score}
        save_model(folder, mf.state_dict, {**mf.config, "model": model}, files=files)
    capsys.readouterr()
    assert main(["translate", "average", *map(str, luong), "--out", str(tmp_path / "x")]) == 2
    assert "(luong_score dot and general)" in capsys.readouterr().err
