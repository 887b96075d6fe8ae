"""``rnnkit translate train --stream`` (issue 20, item 3): a corpus read as a stream, never whole."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from helpers_translate import TINY_PAIRS, TINY_TRAIN_ARGS, write_anki
from test_translate_resume import assert_same_model

from rnnkit.cli import main
from rnnkit.translate.corpus import read_corpus
from rnnkit.translate.corpus_check import near_key
from rnnkit.translate.split import split_pairs, target_key
from rnnkit.translate.stream_batches import StreamBatches
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.translate.stream_split import scan
from rnnkit.translate.tokenizer import Tokenizer
from rnnkit.utils.runs import RunFolder

STREAM_ARGS = ["--stream", "--val", "0.15", "--test", "0.15", "--steps-per-epoch", "4",
               "--shuffle-buffer", "24"]  # fmt: skip


def combined_pairs(n: int) -> list[tuple[str, str]]:
    """``n`` distinct pairs, each two tiny sentences joined (so the hash split has enough to cut)."""
    both = itertools.permutations(TINY_PAIRS, 2)
    return [(f"{a} {b}", f"{ka} {kb}") for (a, ka), (b, kb) in itertools.islice(both, n)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_anki(tmp_path_factory.mktemp("stream") / "c.tsv", combined_pairs(150))


def train(corpus: Path, out: Path, epochs: int, *extra: str) -> int:
    args = ["translate", "train", "--corpus", str(corpus), "--out", str(out), *TINY_TRAIN_ARGS, *STREAM_ARGS]
    # a constant rate, so that a resume may raise --epochs (under the default cosine it may not)
    return main([*args, "--epochs", str(epochs), "--lr-schedule", "constant", *extra])


def tokenizers(corpus: Path) -> tuple[Tokenizer, Tokenizer]:
    pairs, _ = read_corpus(corpus)
    return Tokenizer.train([p[0] for p in pairs], 60), Tokenizer.train([p[1] for p in pairs], 60)


def make_batches(
    corpus: Path, run: RunFolder | None = None, buffer: int = 24, steps: int = 5
) -> StreamBatches:
    stream = PairStream(corpus)
    found = scan(stream, seed=0, valid_frac=0.15, test_frac=0.15)
    src, tgt = tokenizers(corpus)
    return StreamBatches(stream, found.is_train, src, tgt, batch_size=8, buffer_size=buffer,
                         steps_per_epoch=steps, seed=0, run=run)  # fmt: skip


def sources(batches, tok: Tokenizer) -> list[str]:
    """The source sentences of every batch, in order (eos dropped by decode)."""
    return [
        tok.decode(row[:n].tolist()) for src, n_s, _, _ in batches for row, n in zip(src, n_s, strict=True)
    ]


def test_stream_mode_trains_a_model_that_translates(corpus, tmp_path, capsys):
    out = tmp_path / "run"
    assert train(corpus, out, 2) == 0
    printed = capsys.readouterr().out
    assert "streamed 150 pairs from 151 lines (1 unusable)" in printed
    assert f"model: {out / 'model'}" in printed
    assert sorted(p.name for p in (out / "stream").iterdir()) == [
        "epoch-0001.json", "epoch-0002.json"]  # fmt: skip
    assert main(["translate", "text", "--model", str(out), "--beam", "1", "I am a student."]) == 0
    assert capsys.readouterr().out.strip()


def test_the_buffer_never_holds_more_than_its_size_and_a_pass_sees_every_training_pair_once(corpus):
    stream = PairStream(corpus)
    found = scan(stream, seed=0, valid_frac=0.15, test_frac=0.15)
    train_pairs = [r.pair for r in stream.records() if r.pair is not None and found.is_train(r.pair)]
    batches = make_batches(corpus, buffer=16, steps=3)
    seen: list[str] = []
    for epoch in range(12):  # several passes over the file
        batches.set_epoch(epoch)
        seen += sources(batches, batches.src_tok)
        assert batches.max_held <= 16
    assert batches.pass_no >= 1
    first_pass = seen[: len(train_pairs)]
    assert sorted(first_pass) == sorted(
        batches.src_tok.decode(batches.src_tok.encode(s)) for s, _ in train_pairs
    )
    assert seen[len(train_pairs) : 2 * len(train_pairs)] != first_pass  # the next pass is reshuffled


def test_resume_continues_the_stream_where_it_stopped(corpus, tmp_path):
    straight = make_batches(corpus, RunFolder(tmp_path / "a"))
    expected = []
    for epoch in range(4):
        straight.set_epoch(epoch)
        expected.append(sources(straight, straight.src_tok))
    first = make_batches(corpus, RunFolder(tmp_path / "b"))
    first.set_epoch(0)
    assert sources(first, first.src_tok) == expected[0]
    resumed = make_batches(corpus, RunFolder(tmp_path / "b", resume=True))  # a new process
    for epoch in range(1, 4):
        resumed.set_epoch(epoch)
        assert sources(resumed, resumed.src_tok) == expected[epoch], epoch


def test_resumed_stream_training_gives_the_weights_of_a_straight_run(corpus, tmp_path):
    assert train(corpus, tmp_path / "straight", 3) == 0
    out = tmp_path / "run"
    assert train(corpus, out, 1) == 0
    assert train(corpus, out, 3, "--resume") == 0
    assert_same_model(out, tmp_path / "straight")


def test_stream_split_is_the_whole_file_split_and_disjoint(corpus):
    whole = split_pairs(read_corpus(corpus)[0], seed=0, valid_frac=0.15, test_frac=0.15)
    stream = PairStream(corpus)
    found = scan(stream, seed=0, valid_frac=0.15, test_frac=0.15)
    streamed_train = [r.pair for r in stream.records() if r.pair is not None and found.is_train(r.pair)]
    assert sorted(found.test) == sorted(whole.test) and sorted(found.valid) == sorted(whole.valid)
    assert sorted(streamed_train) == sorted(whole.train)
    held = found.test + found.valid
    assert {near_key(s) for s, _ in streamed_train}.isdisjoint(near_key(s) for s, _ in held)
    assert {target_key(t) for _, t in streamed_train}.isdisjoint(target_key(t) for _, t in held)
    assert all(found.is_train(p) for p in found.sample)


def test_held_out_sets_are_capped_by_lowest_hash(corpus):
    full = scan(PairStream(corpus), seed=0, valid_frac=0.15, test_frac=0.15)
    capped = scan(PairStream(corpus), seed=0, valid_frac=0.15, test_frac=0.15, held_max=3, sample_size=5)
    assert capped.test == full.test[:3] and len(capped.valid) <= 3 and len(capped.sample) == 5
    assert capped.counts["held_unused"] > 0


def test_bad_files_and_options_give_one_line_errors(corpus, tmp_path, one_line_error):
    out = str(tmp_path / "m")
    base = ["translate", "train", "--out", out, *TINY_TRAIN_ARGS]
    assert main([*base, "--corpus", str(tmp_path / "nope.tsv"), "--stream"]) == 2
    one_line_error("corpus file not found")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes("Hi.\t안녕.\n".encode() + b"caf\xe9\tx\n")
    assert main([*base, "--corpus", str(bad), "--stream"]) == 2
    one_line_error("line 2 is not UTF-8")
    assert main([*base, "--corpus", str(corpus), "--format", "moses", "--stream"]) == 2
    one_line_error("--stream reads one corpus file (anki, tsv, csv or jsonl), not moses files")
    moses = ["--src-file", str(corpus), "--tgt-file", str(corpus)]
    assert main([*base, *moses, "--stream"]) == 2
    one_line_error("--stream reads one corpus file (anki, tsv, csv or jsonl), not moses files")
    assert main([*base, "--corpus", str(corpus), "--steps-per-epoch", "3"]) == 2
    one_line_error("--steps-per-epoch applies only with --stream")
    header = tmp_path / "h.tsv"
    header.write_text("src_text\ttgt_text\nHi.\t안녕.\n", encoding="utf-8")  # english<TAB>korean names them
    assert main([*base, "--corpus", str(header), "--format", "tsv", "--stream"]) == 2
    one_line_error("has no column 'en'")
    empty = tmp_path / "empty.tsv"
    empty.write_text("# nothing\n\n", encoding="utf-8")
    assert main([*base, "--corpus", str(empty), "--stream"]) == 2
    one_line_error("no usable sentence pairs")
    assert main([*base, "--corpus", str(corpus), *STREAM_ARGS, "--shuffle-buffer", "4"]) == 2
    one_line_error("--shuffle-buffer (4) must hold at least one batch (8)")
