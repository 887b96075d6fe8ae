"""Option bundles composed of a model config and the shared FitOptions (rnnkit.train.options)."""

from __future__ import annotations

from dataclasses import fields

import pytest

from rnnkit.train.options import Composed, FitOptions, part_settings


def _bundles() -> list[type[Composed]]:
    from rnnkit.caption.pipeline import CaptionConfig
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.forecast.settings import ForecastSettings
    from rnnkit.translate.training import TrainOptions

    return [TrainOptions, CaptionConfig, Hyper, ForecastSettings]


@pytest.mark.parametrize("bundle", _bundles())
def test_no_two_parts_share_a_setting_name(bundle):
    seen: dict[str, str] = {}
    for f in fields(bundle):
        names = sorted(part_settings(f.default_factory())) if f.name in bundle.PARTS else [f.name]
        for name in names:
            assert name not in seen, f"{bundle.__name__}: {name} is in {seen[name]} and {f.name}"
            seen[name] = f.name


def test_translate_options_are_the_model_config_plus_the_shared_fit_options():
    from rnnkit.translate.model import Seq2SeqConfig
    from rnnkit.translate.training import TrainOptions

    opts = TrainOptions(hidden_size=64, epochs=3, beam=2)
    assert isinstance(opts.model, Seq2SeqConfig) and isinstance(opts.fit, FitOptions)
    assert opts.model.hidden_size == 64 and opts.fit.epochs == 3 and opts.beam == 2
    assert opts.hidden_size == 64 and opts.epochs == 3 and opts.cell == "gru" and opts.lr == 2e-3
    flat = opts.flat()
    assert flat["hidden_size"] == 64 and flat["epochs"] == 3 and "src_vocab" not in flat
    assert set(flat) == TrainOptions.setting_names()
    assert TrainOptions(**flat) == opts  # flat and back
    whole = TrainOptions(model=Seq2SeqConfig(0, 0, cell="lstm"), epochs=4)
    assert whole.cell == "lstm" and whole.epochs == 4 and whole.hidden_size == 256
    with pytest.raises(TypeError, match="no setting"):
        TrainOptions(wings=2)
    with pytest.raises(AttributeError):
        _ = opts.wings


def test_fit_options_make_the_engine_config():
    cfg = FitOptions(epochs=7, lr=0.01, lr_schedule="cosine", seed=3, device="cpu").train_config("acc", "max")
    assert (cfg.epochs, cfg.lr, cfg.lr_schedule, cfg.seed, cfg.device) == (7, 0.01, "cosine", 3, "cpu")
    assert (cfg.monitor, cfg.mode, cfg.clip_norm, cfg.patience) == ("acc", "max", 1.0, 5)


def test_caption_config_is_the_decoder_config_plus_the_shared_fit_options():
    from rnnkit.caption.model import DecoderConfig
    from rnnkit.caption.pipeline import CaptionConfig

    cfg = CaptionConfig(hidden_size=16, epochs=1, image_size=32)
    assert isinstance(cfg.decoder, DecoderConfig) and cfg.decoder.hidden_size == 16 and cfg.fit.epochs == 1
    assert cfg.attention and cfg.deep_output and cfg.lr_schedule == "cosine" and cfg.clip_norm == 5.0
    flat = cfg.to_dict()
    assert not {"vocab_size", "feature_dim", "locations", "show_progress"} & set(flat)
    assert CaptionConfig(**flat) == cfg


def test_forecast_hyper_is_the_network_config_plus_the_shared_fit_options():
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.forecast.model import ForecastNetConfig

    hyper = Hyper(hidden_size=8, epochs=2, max_steps=10)
    assert isinstance(hyper.model, ForecastNetConfig) and hyper.model.hidden_size == 8
    assert hyper.fit.epochs == 2 and hyper.max_steps == 10 and hyper.lr_schedule == "auto"
    assert Hyper().epochs is None and Hyper().epochs_for(10) == 300  # the step budget: 3000 steps
    hyper.num_layers = 2  # set where it lives, never shadowed on the bundle
    assert hyper.model.num_layers == 2 and "num_layers" not in vars(hyper)
    assert not {"seed", "device", "show_progress"} & Hyper.setting_names()
    assert Hyper(**hyper.flat()) == hyper
    assert Hyper(hidden=8, layers=2).model == ForecastNetConfig(hidden_size=8, num_layers=2)  # old names


def test_a_part_may_be_a_bundle_itself():
    """forecast's run settings hold the model's Hyper whole: its flat settings are theirs."""
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.forecast.settings import ForecastSettings

    s = ForecastSettings(hidden_size=8, epochs=2, max_steps=10, window=6)
    assert s.hyper == Hyper(hidden_size=8, epochs=2, max_steps=10) and s.window == 6
    assert s.hidden_size == 8 and s.epochs == 2 and s.max_steps == 10  # read through both levels
    s.lr = 0.5  # set in the FitOptions inside the Hyper
    assert s.hyper.fit.lr == 0.5 and "lr" not in vars(s) and "lr" not in vars(s.hyper)
    flat = s.flat()
    assert set(flat) == ForecastSettings.setting_names() and flat["hidden_size"] == 8
    assert ForecastSettings(**flat) == s
    whole = ForecastSettings(hyper=Hyper(cell="gru"), hidden_size=5)  # a part given whole, then a change
    assert whole.cell == "gru" and whole.hidden_size == 5
