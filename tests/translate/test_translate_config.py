"""``translate train --config``: a model folder's config.json is enough to train it again (issue 15)."""

from __future__ import annotations

import json

from helpers_translate import TINY_TRAIN_ARGS

from rnnkit.cli import main

RESULTS = ("best_epoch", "best_val_chrf", "epochs_run", "seconds", "averaged", "history")


def _settings(folder):
    config = json.loads((folder / "config.json").read_text())
    training = {k: v for k, v in config["training"].items() if k not in RESULTS}
    return (
        config["model"],
        training,
        config["data"],
        config["decoding"],
        (config["src_lang"], config["tgt_lang"]),
    )


def test_retraining_from_config_json_reproduces_the_settings(tiny_model, tmp_path, capsys):
    again = tmp_path / "again"
    assert main(["translate", "train", "--config", str(tiny_model / "config.json"), "--out", str(again),
                 "--no-progress", "--device", "cpu"]) == 0  # fmt: skip
    assert _settings(again / "model") == _settings(tiny_model)
    # the same seed, data and settings: the same weights
    assert (again / "model" / "model.safetensors").read_bytes() == (
        tiny_model / "model.safetensors"
    ).read_bytes()
    # the run folder names its model too: --config RUN retrains from RUN/model/config.json
    assert main(["translate", "train", "--config", str(tiny_model.parent), "--out", str(tmp_path / "third"),
                 "--no-progress", "--device", "cpu", "--epochs", "1"]) == 0  # fmt: skip
    assert _settings(tmp_path / "third" / "model")[0] == _settings(tiny_model)[0]


def test_a_settings_file_with_an_unknown_key_or_bad_type_is_one_line(tiny_corpus, tmp_path, one_line_error):
    out = tmp_path / "out"
    for text, needle in (("hidden_size: 16\nwings: 2\n", "unknown field 'wings'"),
                         ("epochs: two\n", "epochs must be an integer"),
                         ("cell: transformer\n", "cell must be one of"),
                         ("hidden_size: 100000\n", "hidden_size must be <= 4096"),
                         ("lr: 0\n", "lr must be > 0")):  # fmt: skip
        cfg = tmp_path / "c.yaml"
        cfg.write_text(text)
        assert main(["translate", "train", "--config", str(cfg), "--corpus", str(tiny_corpus), "--out", str(out),
                     *TINY_TRAIN_ARGS]) == 2  # fmt: skip
        one_line_error("c.yaml", needle)
        assert not out.exists()


def test_a_saved_beam_is_bounded_as_the_beam_option_is(tiny_model, tmp_path):
    """config.json's decoding beam takes what --beam takes (one range, rnnkit.utils.limits.SIZES)."""
    import shutil

    import pytest

    from rnnkit.translate.config_schema import DECODING
    from rnnkit.translate.translator import Translator
    from rnnkit.utils.errors import RnnkitError
    from rnnkit.utils.limits import OPTION_LIMITS, SIZES

    top = int(SIZES["beam"].hi)
    assert OPTION_LIMITS[("--beam", "int")] == SIZES["beam"]
    assert (DECODING.optional["beam"].lo, DECODING.optional["beam"].hi) == (1, top)
    for beam, loads in ((top, True), (top + 1, False)):
        folder = tmp_path / f"beam{beam}"
        shutil.copytree(tiny_model, folder)
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        config["decoding"]["beam"] = beam
        (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
        if loads:
            assert Translator.from_pretrained(folder, device="cpu").decoding()["beam"] == top
        else:
            with pytest.raises(RnnkitError, match=f"beam.*{top}"):
                Translator.from_pretrained(folder, device="cpu")
