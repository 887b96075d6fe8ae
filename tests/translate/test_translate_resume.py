"""``rnnkit translate train --out R --resume``: the run folder R holds the model (``R/model``) and what
resuming needs; a resumed run has the same tokenizers and the weights of an unbroken run."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_translate import TINY_PAIRS, TINY_TRAIN_ARGS, write_anki
from safetensors.torch import load_file

from rnnkit.cli import main
from rnnkit.translate.tokenizer import Tokenizer


def train(corpus: Path, out: Path, epochs: int, *extra: str) -> int:
    args = ["translate", "train", "--corpus", str(corpus), "--out", str(out), *TINY_TRAIN_ARGS]
    # a constant rate, so that a resume may raise --epochs (under the default cosine it may not)
    return main(
        [*args, "--epochs", str(epochs), "--lr-schedule", "constant", *extra]
    )  # the last --epochs wins


def assert_same_model(a: Path, b: Path) -> None:
    a, b = a / "model", b / "model"  # run folders
    wa, wb = load_file(str(a / "model.safetensors")), load_file(str(b / "model.safetensors"))
    assert wa.keys() == wb.keys()
    for name in wa:
        assert wa[name].equal(wb[name]), name
    for name in ("src.spm", "tgt.spm"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def straight(tiny_corpus, tmp_path_factory) -> Path:
    """Three epochs without a break (dropout 0.2 by default: the random state matters)."""
    out = tmp_path_factory.mktemp("straight") / "run"
    assert train(tiny_corpus, out, 3) == 0
    return out


def test_resume_uses_the_runs_tokenizers_and_gives_the_weights_of_a_straight_run(
    tiny_corpus, straight, tmp_path, monkeypatch
):
    out = tmp_path / "run"
    assert train(tiny_corpus, out, 1) == 0
    run_dir = out  # --out is the run folder: the model in OUT/model, beside what --resume needs
    assert {p.name for p in run_dir.iterdir()} >= {
        "model",
        "checkpoints",
        "metrics.csv",
        "run.json",
        "src.spm",
        "tgt.spm",
    }
    assert not (tmp_path / "run.run").exists() and list(tmp_path.iterdir()) == [out]  # nothing beside it
    assert (run_dir / "src.spm").read_bytes() == (out / "model" / "src.spm").read_bytes()

    def no_training(*args, **kwargs):
        raise AssertionError("a resumed run must load the run's tokenizers, not train new ones")

    monkeypatch.setattr(Tokenizer, "train", no_training)
    assert train(tiny_corpus, out, 3, "--resume") == 0
    assert_same_model(out, straight)
    assert len((run_dir / "metrics.csv").read_text().strip().splitlines()) == 1 + 3


def test_ctrl_c_mid_epoch_then_resume(tiny_corpus, straight, tmp_path, capsys, ctrl_c_in_epoch):
    out = run_dir = tmp_path / "runs" / "mine"
    resume_training = ctrl_c_in_epoch(2)
    assert train(tiny_corpus, out, 3) == 130
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert (
        last
        == f"rnnkit: interrupted; continue with the same command and --resume (checkpoints in {run_dir / 'checkpoints'})"
    )
    assert not (out / "model").exists()
    resume_training()
    assert train(tiny_corpus, out, 3, "--resume") == 0
    assert_same_model(out, straight)


def test_resume_without_a_checkpoint_names_the_folder(tiny_corpus, tmp_path, one_line_error):
    assert train(tiny_corpus, tmp_path / "run", 1, "--resume") == 2
    one_line_error("no checkpoint in", str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def test_resume_with_other_settings_or_data_names_the_difference(tmp_path, capsys, one_line_error):
    corpus = write_anki(tmp_path / "corpus.tsv")
    out = tmp_path / "run"
    assert train(corpus, out, 1) == 0
    capsys.readouterr()
    for extra, needles in (
        (["--vocab-size", "50"], ["--vocab-size was 40", "now 50"]),
        (["--cell", "lstm"], ['--cell was "gru"', 'now "lstm"']),
        (["--seed", "1"], ["--seed was 0", "now 1"]),
        (["--valid-frac", "0.2"], ["--val was 0.1"]),
    ):
        assert train(corpus, out, 2, "--resume", *extra) == 2
        one_line_error("cannot resume the run in", *needles)
    write_anki(corpus, TINY_PAIRS[:-1])  # the same file, one pair fewer
    assert train(corpus, out, 2, "--resume") == 2
    one_line_error("data as read changed since the run started")
    write_anki(corpus)
    assert train(corpus, out, 2, "--resume", "--beam", "1") == 0  # test decoding only: may change


def test_run_dir_is_gone_in_one_line(tiny_corpus, tmp_path, one_line_error):
    assert train(tiny_corpus, tmp_path / "run", 1, "--run-dir", str(tmp_path / "elsewhere")) == 2
    one_line_error("--run-dir is gone: --out is the run folder now (checkpoints in OUT/checkpoints)")
    assert not list(tmp_path.iterdir())


def test_a_run_of_the_old_layout_says_how_to_continue_it(tiny_corpus, tmp_path, capsys, one_line_error):
    """Before, --out was the model folder and its run went beside it, in OUT.run: a resume of such a run
    says in one line to resume OUT.run (a run folder of today's layout without model/), which works."""
    new = tmp_path / "new"
    assert train(tiny_corpus, new, 1) == 0
    old_model, old_run = tmp_path / "old", tmp_path / "old.run"
    (new / "model").rename(old_model)  # the old layout: the model at OUT, its run at OUT.run
    new.rename(old_run)
    capsys.readouterr()
    assert train(tiny_corpus, old_model, 2, "--resume") == 2
    one_line_error(f"--out {old_model} is a model folder of the layout before --out became the run folder",
                   f"use --out {old_run} (with --resume")  # fmt: skip
    assert train(tiny_corpus, old_run, 2, "--resume") == 0
    assert (old_run / "model" / "model.safetensors").is_file()
    assert {p.name for p in old_model.iterdir()} >= {"config.json", "model.safetensors"}  # untouched
    # the old default, --out runs/translate/model, asked for as the new default --out runs/translate
    default = tmp_path / "runs" / "translate"
    default.mkdir(parents=True)
    old_model.rename(default / "model")
    old_run.rename(default / "model.run")
    capsys.readouterr()
    assert train(tiny_corpus, default, 1) == 2
    one_line_error("holds a model/ folder but is no run folder", f"use --out {default / 'model.run'}")


def test_under_cosine_resume_keeps_the_runs_epochs(tmp_path, capsys, one_line_error):
    """The cosine's length is the run's --epochs: a resume may not stretch it (other schedules may)."""
    corpus = write_anki(tmp_path / "corpus.tsv")
    out = tmp_path / "run"
    assert train(corpus, out, 2, "--lr-schedule", "cosine") == 0
    capsys.readouterr()
    assert train(corpus, out, 3, "--lr-schedule", "cosine", "--resume") == 2
    one_line_error("cannot resume the run in", "--epochs was 2", "now 3", "under --lr-schedule cosine")
    assert train(corpus, out, 2, "--lr-schedule", "cosine", "--resume") == 0


def test_averaging_survives_a_resume(tiny_corpus, tmp_path, ctrl_c_in_epoch):
    """The last epochs' weights are kept in the run folder, so a resumed run averages what a straight
    one does (the interrupted epoch's snapshot is never used)."""
    import json

    whole = tmp_path / "whole"
    assert train(tiny_corpus, whole, 3, "--average-last", "2") == 0
    snaps = sorted(p.name for p in (whole / "average").iterdir())
    assert snaps == ["epoch-0002.safetensors", "epoch-0003.safetensors"]

    out = tmp_path / "broken"
    undo = ctrl_c_in_epoch(3)
    assert train(tiny_corpus, out, 3, "--average-last", "2") == 130
    undo()
    assert train(tiny_corpus, out, 3, "--average-last", "2", "--resume") == 0
    assert_same_model(out, whole)
    averaged = [
        json.loads((m / "model" / "config.json").read_text(encoding="utf-8"))["training"]["averaged"]
        for m in (out, whole)
    ]
    assert averaged[0] == averaged[1] and averaged[0]["last_epochs"] == 2


def test_subword_sampling_resumes_as_a_straight_run_and_must_match(tiny_corpus, tmp_path, capsys,
                                                                   ctrl_c_in_epoch, one_line_error):  # fmt: skip
    """The epoch's drawn pieces depend on (seed, epoch) only: a run broken in epoch 2 and resumed ends
    with the straight run's weights; resuming with another alpha, or without it, is refused."""
    import json

    whole, out = tmp_path / "whole", tmp_path / "broken"
    assert train(tiny_corpus, whole, 3, "--subword-sampling", "0.2") == 0
    undo = ctrl_c_in_epoch(2)
    assert train(tiny_corpus, out, 3, "--subword-sampling", "0.2") == 130
    undo()
    capsys.readouterr()
    assert train(tiny_corpus, out, 3, "--resume") == 2
    one_line_error("cannot resume the run in", "--subword-sampling was 0.2", "now 0.0")
    assert train(tiny_corpus, out, 3, "--subword-sampling", "0.2", "--resume") == 0
    assert_same_model(out, whole)
    training = json.loads((whole / "model" / "config.json").read_text(encoding="utf-8"))["training"]
    assert training["subword_sampling"] == 0.2
    plain = tmp_path / "plain"  # sampling changes the training: another model than without it
    assert train(tiny_corpus, plain, 3) == 0
    wp, ws = (load_file(str(r / "model" / "model.safetensors")) for r in (plain, whole))
    assert any(not wp[name].equal(ws[name]) for name in wp)


def test_a_run_begun_before_subword_sampling_still_resumes(tiny_corpus, tmp_path):
    """run.json of a run begun before the option existed has no --subword-sampling: it trained without."""
    import json

    out = tmp_path / "run"
    assert train(tiny_corpus, out, 1) == 0
    record = out / "run.json"
    doc = json.loads(record.read_text(encoding="utf-8"))
    del doc["settings"]["--subword-sampling"]  # as written before the option existed
    record.write_text(json.dumps(doc), encoding="utf-8")
    assert train(tiny_corpus, out, 2, "--resume", "--subword-sampling", "0.1") == 2  # it trained without
    assert train(tiny_corpus, out, 2, "--resume") == 0


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--subword-sampling", "-1"], "'--subword-sampling': must be >= 0 (got -1.0)"),
        (["--subword-sampling", "11"], "'--subword-sampling': must be <= 10"),
        (["--subword-sampling", "0.2", "--no-bucket"], "drop --no-bucket"),
        (["--subword-sampling", "0.2", "--stream"], "--subword-sampling is not available with --stream"),
    ],
)
def test_subword_sampling_bad_settings_are_one_line_errors(
    tiny_corpus, tmp_path, one_line_error, extra, needle
):
    assert train(tiny_corpus, tmp_path / "run", 1, *extra) == 2
    one_line_error(needle)
