"""Session 22's QA of caption eval and of training on your own images: a precision of claims never
made is '– (0 claims)', not 0.000 ("always wrong"), in the table, the verdict and --json."""

import dataclasses
import json
import math

import pytest
from helpers_caption import cli_trained

import rnnkit.caption.pipeline
from rnnkit.caption.verdict import score_cell
from rnnkit.cli import main

TINY = ["--epochs", "1", "--hidden", "16", "--embed", "8", "--channels", "16", "--device", "cpu"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("qa_s22")
    return cli_trained(root, {"train": 24, "val": 4, "test": 4, "heldout": 4}, 5, *TINY)


def test_a_precision_of_no_claim_is_a_dash_with_its_claim_count():
    assert score_cell({"colour precision": 0.5, "colour claims": 4}, "colour precision") == "0.500"
    assert score_cell({"colour precision": 0.0, "colour claims": 4}, "colour precision") == "0.000"
    assert (
        score_cell({"colour precision": math.nan, "colour claims": 0}, "colour precision") == "– (0 claims)"
    )
    assert score_cell({"held-out named": math.nan}, "held-out named") == "–"
    assert score_cell({}, "flagged unfamiliar") == "–"


def test_eval_of_captions_that_name_nothing_says_0_claims_not_0_000(trained, monkeypatch, capsys, tmp_path):
    # a model that wrote 'a large' for every image was printed 'colour precision 0.000': always wrong,
    # of colours it never named
    data, run = trained
    real = rnnkit.caption.pipeline.caption_split

    def says_a_large(model, inputs, vocab, *args, **kwargs):
        ids = [vocab.index["a"], vocab.index["large"]]
        return [
            dataclasses.replace(h, ids=ids, attention=None)
            for h in real(model, inputs, vocab, *args, **kwargs)
        ]

    monkeypatch.setattr(rnnkit.caption.pipeline, "caption_split", says_a_large)
    capsys.readouterr()
    json_out = tmp_path / "scores.json"
    assert main(["caption", "eval", "--model", str(run), "--data", str(data / "dataset.json"),
                 "--json", str(json_out)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    table, legend = out.split("\nverdict: ")
    attributes = table.split("what the captions name")[1]
    model_row = next(line for line in attributes.splitlines() if line.startswith("test model"))
    # every precision is of no claim ('a large' names a size only outside a colour-shape phrase)
    assert model_row.count("– (0 claims)") == 6 and " 0.000  – " not in model_row
    verdict_line = legend.splitlines()[0]
    assert verdict_line.startswith("It names no colour or shape;") and "0 claims" in verdict_line
    assert "0%" not in verdict_line
    assert "a precision beside '0 claims'" in legend  # the legend explains the cell
    scores = json.loads(json_out.read_text())["splits"]["test"]["model"]
    assert scores["colour precision"] is None and scores["colour claims"] == 0
    assert scores["position precision"] is None and scores["position claims"] == 0
    assert scores["colour recall"] == 0.0  # recall is of what is drawn: 0 named, a true 0
