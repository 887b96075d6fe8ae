"""Training batches read from a corpus stream: a bounded shuffle buffer, length buckets, resumable.

:class:`StreamBatches` reads the training pairs of a :class:`~rnnkit.translate.stream_corpus.PairStream`
(those :meth:`StreamSplit.is_train` accepts) ``buffer_size`` at a time. Each buffer is one chunk of
the file: tokenized, shuffled and cut into length-bucketed batches by
:class:`~rnnkit.translate.batches.BucketBatchSampler` (pools of similar length, batch order shuffled),
then handed out one batch per step. At the end of the file the stream starts a new pass, whose chunks
are shuffled differently. Memory holds one buffer, whatever the corpus size (``max_held`` records the
most pairs ever held, for the tests).

An epoch is ``steps_per_epoch`` batches, so a million-pair corpus gets checkpoints (and validation)
every few minutes rather than once a pass; the next epoch continues the stream where the last stopped.

**Resume.** The position after each epoch is written to the run folder as
``stream/epoch-NNNN.json``: the pass, the byte offset and line number where the current buffer's chunk
began, how many of its batches were used, and the shuffle seed of the chunk (``seed``, pass and the
chunk's first line fix it, so it is recorded, not stored as generator state). ``set_epoch(k)`` of a
resumed run loads the position after epoch ``k``, re-reads that one chunk and skips its used batches:
the resumed run trains on exactly the batches a straight run would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import torch

from rnnkit.translate.batches import BucketBatchSampler, collate
from rnnkit.translate.corpus import Pair
from rnnkit.translate.stream_corpus import PairStream
from rnnkit.translate.tokenizer import EOS, Tokenizer
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import RunFolder

STATE_FOLDER = "stream"


class StreamBatches:
    """Re-iterable training batches (``len`` = ``steps_per_epoch``) from a corpus stream.

    Args:
        stream: the corpus.
        keep: which pairs are training pairs (:meth:`StreamSplit.is_train`).
        src_tok, tgt_tok: the tokenizers.
        batch_size: pairs per batch.
        buffer_size: pairs read, shuffled and bucketed together (the memory bound).
        steps_per_epoch: batches per epoch.
        seed: fixes the shuffle of every chunk.
        max_src_len: source tokens kept (with eos), as in whole-file mode.
        run: where positions are saved after each epoch and read on resume (None: not resumable).
    """

    def __init__(
        self,
        stream: PairStream,
        keep: Callable[[Pair], bool],
        src_tok: Tokenizer,
        tgt_tok: Tokenizer,
        batch_size: int,
        buffer_size: int,
        steps_per_epoch: int,
        seed: int = 0,
        max_src_len: int = 128,
        run: RunFolder | None = None,
    ) -> None:
        if buffer_size < batch_size:
            raise RnnkitError(f"--shuffle-buffer ({buffer_size}) must hold at least one batch ({batch_size})")
        self.stream, self.keep, self.src_tok, self.tgt_tok = stream, keep, src_tok, tgt_tok
        self.batch_size, self.buffer_size, self.steps = batch_size, buffer_size, steps_per_epoch
        self.seed, self.max_src_len, self.run = seed, max_src_len, run
        self.max_held = 0  # most pairs ever held at once
        self.epoch = 0  # the epoch whose end the position below is
        self._start()

    # -- position -------------------------------------------------------------------------------
    def _start(self) -> None:
        self.pass_no, self.offset, self.line_no, self.used = 0, self.stream.start, None, 0
        self._chunk: list | None = None  # the current chunk's batches (id lists), when read
        self._chunk_end: tuple[int, int] | None = None

    def state(self) -> dict:
        """The position: enough to re-read the current chunk and skip its used batches."""
        return {"pass": self.pass_no, "offset": self.offset, "line_no": self.line_no, "used": self.used,
                "chunk_seed": self._chunk_seed(), "epoch": self.epoch}  # fmt: skip

    def load_state(self, state: dict) -> None:
        self.pass_no, self.offset, self.line_no = state["pass"], state["offset"], state["line_no"]
        self.used, self.epoch, self._chunk, self._chunk_end = state["used"], state["epoch"], None, None

    def _chunk_seed(self) -> int:
        return (self.seed * 1_000_003 + self.pass_no) * 1_000_033 + (self.line_no or 0)

    def set_epoch(self, epoch: int) -> None:
        """Called by the engine before epoch ``epoch + 1``: continue from the end of epoch ``epoch``
        (read from the run folder when this object is not already there, as after a resume)."""
        if epoch == self.epoch:
            return
        if epoch == 0:
            self.epoch = 0
            self._start()
            return
        name = f"{STATE_FOLDER}/epoch-{epoch:04d}.json"
        if self.run is None:
            raise RnnkitError(f"cannot continue the stream after epoch {epoch}: no run folder")
        try:
            self.load_state(json.loads(self.run.read_file(name)))
        except (ValueError, KeyError, TypeError):
            raise RnnkitError(f"cannot resume: {self.run.path / name} is unreadable") from None

    # -- reading --------------------------------------------------------------------------------
    def _read_chunk(self) -> None:
        """Read the chunk starting at the position into batches (a new pass at the end of the file)."""
        while True:
            pairs: list[Pair] = []
            end = (self.offset, self.line_no)
            for rec in self.stream.records(self.offset, self.line_no):
                end = rec.position
                if rec.pair is not None and self.keep(rec.pair):
                    pairs.append(rec.pair)
                    if len(pairs) == self.buffer_size:
                        break
            if pairs:
                break
            if self.offset == self.stream.start:  # a whole pass found nothing to train on
                raise RnnkitError(f"{self.stream.path} holds no training pairs")
            self.pass_no, self.offset, self.line_no, self.used = self.pass_no + 1, self.stream.start, None, 0
        self.max_held = max(self.max_held, len(pairs))
        srcs = self.src_tok.encode_batch([p[0] for p in pairs])
        tgts = self.tgt_tok.encode_batch([p[1] for p in pairs])
        del pairs
        items = [
            (s[: self.max_src_len - 1] + [EOS], t[: self.max_src_len - 1])
            for s, t in zip(srcs, tgts, strict=True)
        ]
        sampler = BucketBatchSampler(
            [(len(t), len(s)) for s, t in items], self.batch_size, seed=self._chunk_seed()
        )
        self._chunk = [[items[i] for i in batch] for batch in sampler.batches()]
        self._chunk_end = end

    def _next_batch(self) -> tuple[torch.Tensor, ...]:
        if self._chunk is None:
            self._read_chunk()
        assert self._chunk is not None and self._chunk_end is not None
        batch = collate(self._chunk[self.used])
        self.used += 1
        if self.used == len(self._chunk):  # the next chunk starts where this one ended
            self.offset, self.line_no = self._chunk_end
            self.used, self._chunk, self._chunk_end = 0, None, None
        return batch

    def __len__(self) -> int:
        return self.steps

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        for _ in range(self.steps):
            yield self._next_batch()
        self.epoch += 1
        if self.run is not None:
            doc = json.dumps(self.state(), indent=1) + "\n"
            self.run.write_file(f"{STATE_FOLDER}/epoch-{self.epoch:04d}.json", doc.encode())
            stale = self.run.path / STATE_FOLDER / f"epoch-{self.epoch - 3:04d}.json"
            stale.unlink(missing_ok=True)
