"""The caption page's scenes are shapes: it opens on a model that reads them, and says so beside the
scenes while another model is chosen (rnnkit demo's model of handwritten numbers, first by name, read
every scene as a number)."""

from __future__ import annotations

import json

import pytest
from helpers_serve import browser_page, serving, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


def _caption_model(folder, words: list[str], beam: int) -> None:
    folder.mkdir(parents=True)
    config = {"application": "caption", "max_len": 8, "caption": {"cell": "lstm", "beam": beam}}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "model.safetensors").write_bytes(b"")  # never loaded: no scene is captioned here
    (folder / "vocab.json").write_text(json.dumps({"words": words}))


def test_the_page_opens_on_a_model_of_the_scenes_and_warns_of_another(tmp_path):
    from rnnkit.caption.shapes import KINDS

    _caption_model(tmp_path / "caption" / "digits_model", ["<pad>", "<start>", "<end>", *"0123456789"], 4)
    _caption_model(tmp_path / "caption" / "model", ["<pad>", "<start>", "<end>", "a", "red", *KINDS], 10)
    _caption_model(tmp_path / "caption" / "odd_model", ["<pad>", "<start>", "<end>", "a", *KINDS], 0)
    with serving(tmp_path) as url, browser_page(390, 844) as page:
        page.goto(url + "/caption")
        wait(page, "document.querySelectorAll('#samples img').length > 0")
        assert page.input_value("#model") == "caption/model"  # was caption/digits_model, the first by name
        assert page.is_hidden("#scenenote")
        # the beam caption describe searches the model with (the page's fixed 3 gave another caption)
        assert page.input_value("#beam") == "10" and page.get_attribute("#beam", "max") == "10"
        page.select_option("#model", "caption/digits_model")
        assert page.input_value("#beam") == "4"
        assert page.is_visible("#scenenote")
        assert page.text_content("#scenenote").startswith(
            "⚠ caption/digits_model was not trained on these scenes"
        )
        page.select_option("#model", "caption/model")
        assert page.is_hidden("#scenenote")
        # a model whose beam the server cannot read: the server's bound again, not the last model's 10
        page.select_option("#model", "caption/odd_model")
        assert page.get_attribute("#beam", "max") == "8" and page.input_value("#beam") == "8"
