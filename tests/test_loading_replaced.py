"""A save replaces a model folder while a load reads it (``rnnkit serve`` reloading while a training run
saves): a translate or caption load reads its tokenizers, vocabulary and ``ood.json`` after its weights,
and then failed "the folder was replaced by a save after its model was read; load it again", or paired
the new folder's ``ood.json`` with the old model in silence. It reads the folder again by itself and
returns one model whole: here always the new one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

import rnnkit
from helpers_models import make_caption, make_explain, make_forecast, make_translate
from rnnkit.train import modelfile
from rnnkit.utils.errors import RnnkitError


def _save_between_reads(monkeypatch, save, times: int = 1) -> list[int]:
    """The next ``times`` model loads are each followed, before any other file is read, by ``save()``:
    the folder replaced whole between reading the weights and reading the rest."""
    real = modelfile.load_model
    saves = []

    def load_then_saved(*args, **kwargs):
        loaded = real(*args, **kwargs)
        if len(saves) < times:
            saves.append(len(saves))
            save()
        return loaded

    monkeypatch.setattr(modelfile, "load_model", load_then_saved)
    return saves


def _weights(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _other_translator(folder: Path) -> Path:
    """A translate model of other weights and other tokenizers than :func:`make_translate`'s."""
    from rnnkit.train.modelfile import save_model
    from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig
    from rnnkit.translate.tokenizer import Tokenizer

    torch.manual_seed(7)
    src = Tokenizer.train(["He runs fast.", "She sings well.", "It rains today."] * 5, 8)
    tgt = Tokenizer.train(["그는 빨리 달립니다.", "그녀는 노래를 잘합니다.", "오늘 비가 옵니다."] * 5, 8)
    cfg = Seq2SeqConfig(src.vocab_size, tgt.vocab_size, cell="gru", embed_size=8, hidden_size=8)
    config = {"application": "translate", "src_lang": "en", "tgt_lang": "ko", "max_src_len": 32,
              "max_len": 20, "model": cfg.to_dict()}  # fmt: skip
    return save_model(
        folder, Seq2Seq(cfg), config, files={"src.spm": src.model_bytes, "tgt.spm": tgt.model_bytes}
    )


def test_a_translator_saved_over_between_its_weights_and_tokenizers_loads_whole(tmp_path, monkeypatch):
    folder = make_translate(tmp_path / "model")
    newer = rnnkit.load(_other_translator(tmp_path / "newer"), device="cpu")
    saves = _save_between_reads(monkeypatch, lambda: newer.save_pretrained(folder))
    loaded = rnnkit.load(folder, device="cpu")
    assert saves == [0]
    assert _same(_weights(loaded.model), _weights(newer.model))  # the new model, its own tokenizers
    assert loaded.src_tok.model_bytes == newer.src_tok.model_bytes
    assert loaded.tgt_tok.model_bytes == newer.tgt_tok.model_bytes
    assert (
        loaded.src_tok.model_bytes
        != rnnkit.load(make_translate(tmp_path / "older"), device="cpu").src_tok.model_bytes
    )


def _caption_with_ood(folder: Path, seed: int) -> Path:
    from rnnkit.caption.modelio import save_captioner
    from rnnkit.caption.ood import OodDetector
    from rnnkit.caption.pipeline import CaptionConfig, build_model
    from rnnkit.caption.vocab import Vocabulary

    torch.manual_seed(seed)
    cfg = CaptionConfig(channels=8, image_size=32, embed_size=8, hidden_size=8, attention_dim=8)
    vocab = Vocabulary.build([["a", "red", "circle"]])  # the same words as make_caption's
    model, _ = build_model(cfg, len(vocab))
    ood = OodDetector(torch.zeros(8), torch.ones(8), 3.5, 0.99)
    return save_captioner(folder, model, vocab, cfg, 10, ood=ood)


def _caption_of_other_words(folder: Path) -> Path:
    from rnnkit.caption.modelio import save_captioner
    from rnnkit.caption.pipeline import CaptionConfig, build_model
    from rnnkit.caption.vocab import Vocabulary

    cfg = CaptionConfig(channels=8, image_size=32, embed_size=8, hidden_size=8, attention_dim=8)
    vocab = Vocabulary.build([["a", "blue", "square"]])
    model, _ = build_model(cfg, len(vocab))
    return save_captioner(folder, model, vocab, cfg, 10)


@pytest.mark.parametrize(
    "newer",
    [_caption_of_other_words, lambda folder: _caption_with_ood(folder, 3)],
    ids=["another-vocabulary", "same-vocabulary-with-ood"],  # an error, and a silent mix, before
)
def test_a_captioner_saved_over_between_its_weights_and_vocabulary_loads_whole(tmp_path, monkeypatch, newer):
    folder = make_caption(tmp_path / "model")  # no ood.json
    new = rnnkit.load(newer(tmp_path / "newer"), device="cpu")
    saves = _save_between_reads(monkeypatch, lambda: new.save_pretrained(folder))
    loaded = rnnkit.load(folder, device="cpu")
    assert saves == [0]
    assert _same(_weights(loaded.model), _weights(new.model))
    assert loaded.vocab.words == new.vocab.words
    assert (loaded.ood is None) == (new.ood is None)
    if new.ood is not None:
        assert loaded.ood.threshold == new.ood.threshold == 3.5


def test_a_folder_replaced_at_every_read_stops_after_a_few_tries(tmp_path, monkeypatch):
    """Bounded: a folder saved over at every one of its loads is still one line, not a loop for ever."""
    folder = make_caption(tmp_path / "model")
    models = [
        rnnkit.load(_caption_of_other_words(tmp_path / "b"), device="cpu"),
        rnnkit.load(folder, device="cpu"),
    ]
    saves = _save_between_reads(
        monkeypatch, lambda: models[len(saves) % 2].save_pretrained(folder), times=modelfile.LOAD_TRIES
    )
    with pytest.raises(RnnkitError, match=r"replaced by a save after its model was read; load it again$"):
        rnnkit.load(folder, device="cpu")
    assert len(saves) == modelfile.LOAD_TRIES


def test_a_translator_saved_over_before_its_card_is_read_loads_with_its_own_card(tmp_path, monkeypatch):
    """The card was read once the weights and tokenizers had been read and checked, outside the reads a
    replaced folder repeats: a save in between gave the old model with the new model's card."""
    folder = make_translate(tmp_path / "model")
    newer = rnnkit.load(_other_translator(tmp_path / "newer"), device="cpu")
    newer.card = "# the newer model: other data, other scores\n"
    real, saves = modelfile.read_card, []

    def saved_then_read(*args, **kwargs):
        if not saves:
            saves.append(0)
            newer.save_pretrained(folder)
        return real(*args, **kwargs)

    from rnnkit.translate.translator import Translator

    monkeypatch.setattr(modelfile, "read_card", saved_then_read)
    loaded = Translator.from_pretrained(folder, device="cpu")
    assert saves == [0]
    assert _same(_weights(loaded.model), _weights(newer.model))
    assert loaded.card == newer.card


def test_a_folder_replaced_again_during_the_last_read_is_an_error_not_a_mix(tmp_path, monkeypatch):
    """Saves of one vocabulary, with ``ood.json`` and without, at every read: no checksum catches the
    mix, and the last try returned the model with ``ood.json``'s weights and ``ood=None`` in silence."""
    folder = make_caption(tmp_path / "model")  # no ood.json
    models = [
        rnnkit.load(_caption_with_ood(tmp_path / "b", 3), device="cpu"),  # the same words
        rnnkit.load(folder, device="cpu"),
    ]
    saves = _save_between_reads(
        monkeypatch, lambda: models[len(saves) % 2].save_pretrained(folder), times=modelfile.LOAD_TRIES
    )
    with pytest.raises(RnnkitError) as exc:
        rnnkit.load(folder, device="cpu")
    assert (
        str(exc.value)
        == f"{folder}: the folder was replaced by a save after its model was read; load it again"
    )
    assert len(saves) == modelfile.LOAD_TRIES


def _card_read_after_a_save(monkeypatch, save) -> list[int]:
    """The first model card read is preceded by ``save()``: the folder replaced whole after its weights
    were read and before its card was."""
    real, saves = modelfile.read_card, []

    def saved_then_read(*args, **kwargs):
        if not saves:
            saves.append(0)
            save()
        return real(*args, **kwargs)

    monkeypatch.setattr(modelfile, "read_card", saved_then_read)
    return saves


def test_a_forecaster_saved_over_before_its_card_is_read_loads_with_its_own_card(tmp_path, monkeypatch):
    """Forecaster.from_pretrained read the card after TrainedModel.load returned, outside the reads a
    replaced folder repeats: the old weights came with the new model's card, which a later
    save_pretrained wrote back beside them."""
    from rnnkit.forecast import Forecaster
    from rnnkit.forecast.forecaster import Hyper, TrainedModel
    from rnnkit.forecast.windows import Scaler

    folder = make_forecast(tmp_path / "model")
    hyper = Hyper(hidden_size=6)
    one = Scaler(mean=np.zeros(1), std=np.ones(1))
    newer = TrainedModel(hyper.build(1, 1), hyper, 4, 1, "returns", ["Close"], one, one)
    card = "# the newer model: other data, other scores\n"
    saves = _card_read_after_a_save(monkeypatch, lambda: newer.save(folder, card=card))
    loaded = Forecaster.from_pretrained(folder)
    assert saves == [0]
    assert loaded.hyper.hidden_size == 6 and _same(_weights(loaded.model_.model), _weights(newer.model))
    assert loaded.card_ == card


def test_an_explain_model_saved_over_before_its_card_is_read_loads_with_its_own_card(tmp_path, monkeypatch):
    """load_task_model read the card after load_model returned: the old weights with the new card."""
    from rnnkit.explain.gates import load_task_model, save_task_model
    from rnnkit.explain.training import build_model

    folder = make_explain(tmp_path / "model")
    newer = build_model("gru", "adding", 6)
    card = "# the newer model\n"
    saves = _card_read_after_a_save(monkeypatch, lambda: save_task_model(folder, newer, "adding", 10, card))
    loaded, config = load_task_model(folder)
    assert saves == [0]
    assert config["cell"] == "gru" and _same(_weights(loaded), _weights(newer))
    assert loaded.card == card


def test_an_explain_run_folder_loads_with_its_models_card(tmp_path):
    """Given a run folder RUN, the card was read from RUN/README.md (none there), not from RUN/model."""
    from rnnkit.explain.gates import load_task_model, save_task_model
    from rnnkit.explain.training import build_model

    save_task_model(tmp_path / "run" / "model", build_model("lstm", "adding", 4), "adding", 10, "# mine\n")
    assert load_task_model(tmp_path / "run")[0].card == "# mine\n"
