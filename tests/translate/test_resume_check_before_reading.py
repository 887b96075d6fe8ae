"""``rnnkit translate train --resume`` that cannot continue is refused in one line before the corpus is
read: no checkpoint in ``--out``, or an option other than the run's (reading and splitting a corpus
takes seconds for the bundled one, a pass over the file for a streamed one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_translate import TINY_TRAIN_ARGS

import rnnkit.translate.corpus as corpus_module
import rnnkit.translate.stream_train as stream_train
from rnnkit.cli import main


def never_read(*args, **kwargs):
    raise AssertionError("the corpus was read before the resume was checked")


@pytest.fixture
def no_reading(monkeypatch):
    monkeypatch.setattr(corpus_module, "read_corpus", never_read)
    monkeypatch.setattr(stream_train, "scan_corpus", never_read)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("stream", [[], ["--stream"]], ids=["whole", "stream"])
@pytest.mark.parametrize("made", [False, True], ids=["no-folder", "empty-folder"])
def test_resume_without_a_checkpoint_says_so_before_reading(tmp_path, capsys, no_reading, stream, made):
    out = tmp_path / "run"
    if made:
        out.mkdir()
    code = main(
        ["translate", "train", "--resume", "--out", str(out), "--no-progress", "--threads", "1", *stream]
    )
    assert code == 2
    assert one_error_line(capsys) == (
        f"rnnkit: error: nothing to resume: no checkpoint in {out}; train without --resume to start"
    )
    assert not (out / "run.json").exists()


def test_resume_with_another_option_says_so_before_reading(tiny_corpus, tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    args = ["translate", "train", "--corpus", str(tiny_corpus), "--out", str(out), *TINY_TRAIN_ARGS]
    assert main([*args, "--epochs", "1"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(corpus_module, "read_corpus", never_read)
    assert main([*args, "--epochs", "1", "--hidden-size", "24", "--resume"]) == 2
    line = one_error_line(capsys)
    assert line.startswith(
        f"rnnkit: error: cannot resume the run in {out}: --hidden-size was 16 when the run"
    )
    assert main([*args, "--epochs", "3", "--resume"]) == 2  # the default cosine decays over the run's epochs
    line = one_error_line(capsys)
    assert "--epochs was 1 when the run started, now 3" in line
    assert line.endswith("resume a run trained with --lr-schedule plateau or constant)")


def test_resume_with_the_runs_settings_still_checks_the_data_when_read(tiny_corpus, tmp_path, capsys):
    """The early check leaves the data's fingerprint to the full one: a corpus edited since is refused."""
    out, corpus = tmp_path / "run", Path(tmp_path / "tiny.tsv")
    corpus.write_bytes(tiny_corpus.read_bytes())
    args = ["translate", "train", "--corpus", str(corpus), "--out", str(out), *TINY_TRAIN_ARGS]
    args += ["--lr-schedule", "constant"]
    assert main([*args, "--epochs", "1"]) == 0
    corpus.write_text(
        corpus.read_text(encoding="utf-8") + "I am a cook.\t저는 요리사예요.\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert main([*args, "--epochs", "2", "--resume"]) == 2
    assert "data as read changed since the run started" in one_error_line(capsys)
