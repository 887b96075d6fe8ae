"""``translate train --resume`` after the corpus moved: the run compared its path, so a user who moved or
renamed the folder (the same file, byte for byte) could not continue ("--corpus was /old/c.tsv when the
run started, now /new/c.tsv"). The content decides, as its fingerprint is compared once it is read:
the same pairs resume, another corpus is still refused. Read whole and streamed."""

from __future__ import annotations

import pytest
from helpers_translate import TINY_PAIRS, TINY_TRAIN_ARGS, write_anki
from test_translate_stream_train import STREAM_ARGS, combined_pairs

from rnnkit.cli import main

MODES = {  # options, pairs, and how another corpus is refused
    "whole": ([], TINY_PAIRS, "data as read changed since the run started"),
    "stream": (STREAM_ARGS, combined_pairs(150), "file sha256 was "),
}


@pytest.mark.parametrize("mode", list(MODES))
def test_a_moved_corpus_resumes_and_another_is_refused(tmp_path, capsys, mode):
    extra, pairs, refused = MODES[mode]
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
    assert err.count("\n") == 1 and refused in err
    old.rename(moved)
    assert train(moved, 2, "--resume") == 0
    assert "trained 2 epochs" in capsys.readouterr().out
