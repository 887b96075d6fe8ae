"""``eval`` of pairs the model trained on says so: ``--split all`` of the model's own corpus is nine
tenths training pairs, and a user's own pairs scored with the shipped model hold everyday sentences of
the bundled corpus; both printed scores far above the model's on new text, with no word."""

from __future__ import annotations

import json

from rnnkit.cli import main
from rnnkit.translate.corpus import read_anki
from rnnkit.translate.split import model_splits

NOTE = "rnnkit: note: the model trained on "


def _eval(capsys, *args: str) -> str:
    code = main(["translate", "eval", "--beam", "1", "--no-mbr", "--no-progress", "--show", "0", *args])
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def test_the_whole_corpus_of_a_model_is_said_to_be_mostly_trained_on(tiny_model, tiny_corpus, capsys):
    pairs, _ = read_anki(tiny_corpus)
    train = model_splits(pairs, json.loads((tiny_model / "config.json").read_text()))
    err = _eval(capsys, "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--split", "all")
    assert (
        f"{NOTE}{len(train.train)} of the {len(pairs)} pairs scored (their English is in its training " in err
    )
    assert "--split test scores the pairs it held out" in err
    for split in ("test", "valid"):  # held out: nothing to say, and the --seed given changes nothing there
        assert NOTE not in _eval(
            capsys, "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--split", split
        )


def test_a_users_pairs_that_are_in_the_bundled_training_split_are_counted(tmp_path, capsys):
    mine = tmp_path / "mine.tsv"
    mine.write_text(
        "Thank you.\t고마워요.\nMy hovercraft is full of eels.\t제 호버크래프트는 장어로 가득 차 있어요.\n"
        "I am a student.\t저는 학생이에요.\n",
        encoding="utf-8",
    )
    err = _eval(capsys, "--corpus", str(mine), "--split", "all")
    assert f"{NOTE}2 of the 3 pairs scored" in err and "--split test" not in err, err
    mine.write_text(
        "My hovercraft is full of eels.\t제 호버크래프트는 장어로 가득 차 있어요.\n" * 1, encoding="utf-8"
    )
    assert NOTE not in _eval(capsys, "--corpus", str(mine), "--split", "all")


def test_a_test_split_of_another_seed_counts_its_training_pairs_and_json_keeps_the_count(
    tiny_model, tiny_corpus, tmp_path, capsys
):
    pairs, _ = read_anki(tiny_corpus)
    cfg = json.loads((tiny_model / "config.json").read_text())
    train = {src for src, _ in model_splits(pairs, cfg).train}
    other = model_splits(pairs, cfg, seed=7).test
    seen = sum(src in train for src, _ in other)
    assert seen > 0  # the tiny corpus's test split of seed 7 holds training pairs of seed 0
    scores = tmp_path / "scores.json"
    args = ["--model", str(tiny_model), "--corpus", str(tiny_corpus), "--seed", "7", "--json", str(scores)]
    err = _eval(capsys, *args)
    assert "may include pairs it trained on" in err and f"{NOTE}{seen} of the {len(other)} pairs" in err, err
    assert json.loads(scores.read_text())["trained_on"] == seen
    _eval(capsys, "--model", str(tiny_model), "--corpus", str(tiny_corpus), "--json", str(scores), "--force")
    assert json.loads(scores.read_text())["trained_on"] == 0
