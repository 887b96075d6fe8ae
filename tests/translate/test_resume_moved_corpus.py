"""``translate train --resume`` after the corpus moved: the run compared its path, so a user who moved or
renamed the folder (the same file, byte for byte) could not continue ("--corpus was /old/c.tsv when the
run started, now /new/c.tsv"). The content decides, as its fingerprint is compared once it is read:
the same pairs resume, another corpus is still refused. Read whole and streamed."""

from __future__ import annotations

import json
import re

import pytest
from helpers_translate import TINY_PAIRS, TINY_TRAIN_ARGS, write_anki
from test_translate_stream_train import STREAM_ARGS, combined_pairs

from rnnkit.cli import main

MODES = {  # options, pairs, and how another corpus is refused
    "whole": ([], TINY_PAIRS, "data as read changed since the run started"),
    "stream": (STREAM_ARGS, combined_pairs(150), "the corpus file changed since the run started (sha256:"),
}


@pytest.mark.parametrize("mode", list(MODES))
def test_a_moved_corpus_resumes_and_another_is_refused(tmp_path, capsys, mode):
    extra, pairs, _ = MODES[mode]
    old, moved, other = tmp_path / "old" / "c.tsv", tmp_path / "new" / "pairs.tsv", tmp_path / "o" / "c.tsv"
    for path in (old, moved, other):
        path.parent.mkdir()
    write_anki(old, pairs)
    out = tmp_path / "run"

    def train(corpus, epochs: int, *more: str) -> int:
        args = ["translate", "train", "--corpus", str(corpus), "--out", str(out), *TINY_TRAIN_ARGS, *extra]
        return main([*args, "--epochs", str(epochs), "--lr-schedule", "constant", *more])

    assert train(old, 1) == 0
    write_anki(other, pairs[:-1])  # one pair fewer
    capsys.readouterr()
    assert train(other, 2, "--resume") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--corpus was {json.dumps(str(old))}" in err
    old.rename(moved)
    assert train(moved, 2, "--resume") == 0
    assert "trained 2 epochs" in capsys.readouterr().out


@pytest.mark.parametrize("mode", list(MODES))
def test_a_forgotten_corpus_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch, mode):
    # --corpus given at the start and left out on --resume: the bundled corpus was read whole (with
    # --stream, a full pass) to be refused as "data as read changed", --corpus never named
    extra, pairs, _ = MODES[mode]
    corpus, out = write_anki(tmp_path / "c.tsv", pairs), tmp_path / "run"
    args = ["translate", "train", "--out", str(out), *TINY_TRAIN_ARGS, *extra, "--epochs", "1"]
    assert main([*args, "--lr-schedule", "constant", "--corpus", str(corpus)]) == 0
    capsys.readouterr()

    def unread(*_args, **_kw):
        raise AssertionError("the corpus was read")

    monkeypatch.setattr("rnnkit.translate.cli._read", unread)
    monkeypatch.setattr("rnnkit.translate.stream_train.scan_corpus", unread)
    assert main([*args, "--lr-schedule", "constant", "--resume"]) == 2
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1
        and f"--corpus was {json.dumps(str(corpus))} when the run started, now null" in err
    )


@pytest.mark.parametrize("mode", list(MODES))
def test_another_corpus_is_refused_by_its_path_or_its_fingerprint(tmp_path, capsys, mode):
    extra, pairs, refused = MODES[mode]
    corpus, other, out = tmp_path / "c.tsv", tmp_path / "other.tsv", tmp_path / "run"
    write_anki(corpus, pairs)
    args = ["translate", "train", "--out", str(out), *TINY_TRAIN_ARGS, *extra, "--epochs", "1"]
    assert main([*args, "--lr-schedule", "constant", "--corpus", str(corpus)]) == 0
    write_anki(other, pairs[:-1])  # one pair fewer
    capsys.readouterr()
    # at another path: the path is named, as where paths were compared
    assert main([*args, "--lr-schedule", "constant", "--corpus", str(other), "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"--corpus was {json.dumps(str(corpus))} when the run started, now {json.dumps(str(other))}" in err
    # at the same path, edited: the fingerprint, worded alike read whole or streamed (--stream printed
    # two bare 64-digit sha256 values)
    write_anki(corpus, pairs[:-1])
    assert main([*args, "--lr-schedule", "constant", "--corpus", str(corpus), "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and refused in err
    assert re.search(r"[0-9a-f]{20}", err) is None


@pytest.mark.parametrize("mode", list(MODES))
def test_run_json_names_the_corpus_the_resumed_run_read(tmp_path, capsys, mode):
    # run.json kept the first path after a resume from the moved corpus, so a later resume that forgot
    # --corpus was refused naming a file that no longer existed ("--corpus was /old/c.tsv ..., now null")
    extra, pairs, _ = MODES[mode]
    old, moved, out = tmp_path / "old" / "c.tsv", tmp_path / "new" / "pairs.tsv", tmp_path / "run"
    old.parent.mkdir()
    moved.parent.mkdir()
    write_anki(old, pairs)
    args = ["translate", "train", "--out", str(out), *TINY_TRAIN_ARGS, *extra, "--lr-schedule", "constant"]
    assert main([*args, "--epochs", "1", "--corpus", str(old)]) == 0
    old.rename(moved)
    assert main([*args, "--epochs", "2", "--corpus", str(moved), "--resume"]) == 0
    saved = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert saved["settings"]["--corpus"] == str(moved)
    assert [p.name for p in out.iterdir() if p.name.startswith(".run.json")] == []  # no temporary left
    capsys.readouterr()
    assert main([*args, "--epochs", "3", "--resume"]) == 2
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1
        and f"--corpus was {json.dumps(str(moved))} when the run started, now null" in err
    )
    assert str(old) not in err
    assert main([*args, "--epochs", "3", "--corpus", str(moved), "--resume"]) == 0


def test_run_json_names_moved_moses_files(tmp_path, capsys):
    # the same for a Moses pair of files (--src-file, --tgt-file), either of them moved
    first, later, out = tmp_path / "a", tmp_path / "b", tmp_path / "run"
    first.mkdir()
    (first / "c.en").write_text("".join(f"{en}\n" for en, _ in TINY_PAIRS), encoding="utf-8")
    (first / "c.ko").write_text("".join(f"{ko}\n" for _, ko in TINY_PAIRS), encoding="utf-8")
    args = ["translate", "train", "--out", str(out), *TINY_TRAIN_ARGS, "--lr-schedule", "constant"]

    def files(folder):
        return ["--src-file", str(folder / "c.en"), "--tgt-file", str(folder / "c.ko")]

    assert main([*args, "--epochs", "1", *files(first)]) == 0
    first.rename(later)
    assert main([*args, "--epochs", "2", *files(later), "--resume"]) == 0
    saved = json.loads((out / "run.json").read_text(encoding="utf-8"))["settings"]
    assert (saved["--src-file"], saved["--tgt-file"]) == (str(later / "c.en"), str(later / "c.ko"))
    capsys.readouterr()
    assert main([*args, "--epochs", "3", "--src-file", str(later / "c.en"), "--resume"]) == 2
    err = capsys.readouterr().err
    assert f"--tgt-file was {json.dumps(str(later / 'c.ko'))} when the run started, now null" in err
