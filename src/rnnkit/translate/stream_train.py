"""``rnnkit translate train --stream``: train on a corpus file read as a stream, never whole.

1. One pass over the file (:func:`rnnkit.translate.stream_split.scan`): the fixed hash split per line,
   at most ``held_max`` validation and test pairs kept, a reservoir sample of ``spm_sample`` training
   pairs, and the file's sha256 (what a resumed run must find again).
2. sentencepiece trains on the sample (a resumed run reads the run's own tokenizers instead).
3. :class:`~rnnkit.translate.stream_batches.StreamBatches` reads training batches from a bounded
   shuffle buffer, ``steps_per_epoch`` per epoch, its position saved in the run folder every epoch.

Everything else (the model, validation by decoding, checkpoint averaging, the final test, the model
folder) is :func:`rnnkit.translate.training.train_translator`'s, as for a corpus read whole. Peak
memory depends on the buffer, the held-out caps and the sample, not on the corpus size
(docs/BENCHMARKS.md, "Streamed corpora").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rnnkit.translate.stream_batches import StreamBatches
from rnnkit.translate.stream_corpus import MOSES_REFUSED, PairStream
from rnnkit.translate.stream_split import StreamSplit, scan
from rnnkit.translate.tokenizer import Tokenizer
from rnnkit.translate.training import TrainOptions, TrainOutcome, train_translator
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import RunFolder


@dataclass
class StreamOptions:
    """The ``--stream`` settings (the defaults fit a laptop: ~10,000 buffered pairs is a few MB)."""

    steps_per_epoch: int = 1000
    shuffle_buffer: int = 10000
    held_out_max: int = 2000
    spm_sample: int = 20000

    @classmethod
    def from_options(cls, stream: bool, given: dict[str, int | None]) -> StreamOptions | None:
        """The settings when ``--stream`` is on (None otherwise); a stream option without ``--stream``
        is refused rather than silently ignored."""
        if not stream:
            named = [f"--{k.replace('_', '-')}" for k, v in given.items() if v is not None]
            if named:
                raise RnnkitError(f"{', '.join(named)} applies only with --stream")
            return None
        return cls(**{k: v for k, v in given.items() if v is not None})

    @staticmethod
    def check(opts: TrainOptions) -> None:
        """The training options that ``--stream`` cannot honour, refused before the file is read."""
        if opts.subword_sampling:  # the stream's batches are encoded as read, once
            raise RnnkitError("--subword-sampling is not available with --stream")

    def settings(self) -> dict[str, int]:
        """``{option: value}`` for the run's resume check."""
        return {f"--{k.replace('_', '-')}": v for k, v in asdict(self).items()}


def scan_corpus(corpus: dict[str, Any], seed: int, valid_frac: float, test_frac: float,
                sopts: StreamOptions) -> tuple[PairStream, StreamSplit]:  # fmt: skip
    """Open the corpus as a stream and make its one pass."""
    if corpus.get("src_file") is not None or corpus.get("tgt_file") is not None:
        raise RnnkitError(MOSES_REFUSED)
    stream = PairStream(corpus["corpus"], corpus["fmt"], corpus["src_lang"], corpus["tgt_lang"],
                        corpus["src_col"], corpus["tgt_col"])  # fmt: skip
    found = scan(stream, seed=seed, valid_frac=valid_frac, test_frac=test_frac,
                 held_max=sopts.held_out_max, sample_size=sopts.spm_sample)  # fmt: skip
    return stream, found


def train_streamed(
    stream: PairStream,
    found: StreamSplit,
    opts: TrainOptions,
    sopts: StreamOptions,
    src_lang: str,
    tgt_lang: str,
    out: Path | None,
    run: RunFolder | None,
    settings: dict[str, Any],
    extra_config: dict | None = None,
) -> tuple[TrainOutcome, StreamBatches]:
    """Train on the stream; returns the outcome and the batch stream (its ``max_held`` and position)."""
    StreamOptions.check(opts)
    made: list[StreamBatches] = []

    def batches(src_tok: Tokenizer, tgt_tok: Tokenizer) -> StreamBatches:
        made.append(StreamBatches(stream, found.is_train, src_tok, tgt_tok, batch_size=opts.batch_size,
                                  buffer_size=sopts.shuffle_buffer, steps_per_epoch=sopts.steps_per_epoch,
                                  seed=opts.seed, max_src_len=opts.max_src_len, run=run))  # fmt: skip
        return made[-1]

    stream_info = {"sha256": found.sha256, **found.counts, "sample": len(found.sample),
                   "valid_kept": len(found.valid), "test_kept": len(found.test), **asdict(sopts)}  # fmt: skip
    extra = dict(extra_config or {})
    extra["data"] = {**extra.get("data", {}), "stream": stream_info}
    outcome = train_translator(found.splits(), src_lang, tgt_lang, opts, out=out, extra_config=extra, run=run,
                               run_settings={**settings, **sopts.settings(), "file sha256": found.sha256},
                               train_batches=batches)  # fmt: skip
    return outcome, made[-1]
