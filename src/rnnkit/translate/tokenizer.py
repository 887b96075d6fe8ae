"""Subword tokens: one sentencepiece unigram model per language, trained on the training split only.

The model bytes are kept in memory and saved in the model folder (``src.spm``, ``tgt.spm``), so a
trained translator carries its own tokenizer. Ids 0-3 are fixed: pad, unk, bos, eos. A character never
seen in training becomes ``unk`` (id 1); it never raises. Text is NFKC-normalised by sentencepiece.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from rnnkit.utils.errors import RnnkitError

PAD, UNK, BOS, EOS = 0, 1, 2, 3


def seed_sampling(seed: int) -> None:
    """Seed sentencepiece's sampler (process-wide), so sampled segmentations repeat for a seed."""
    import sentencepiece as spm

    spm.set_random_generator_seed(int(seed) % 2**32)


class Tokenizer:
    """A sentencepiece model: ``encode(str) -> ids`` and ``decode(ids) -> str``.

    Args:
        model_bytes: a serialised sentencepiece model (what :meth:`train` builds, or a ``.spm`` file).
        where: the file it was read from, named in the error when it is corrupt.
    """

    def __init__(self, model_bytes: bytes, where: str | None = None) -> None:
        import sentencepiece as spm

        self.model_bytes = bytes(model_bytes)
        try:
            self.sp = spm.SentencePieceProcessor(model_proto=self.model_bytes)
        except (RuntimeError, OSError) as exc:
            named = f" {where}" if where else ""
            raise RnnkitError(f"the tokenizer model{named} is corrupt ({exc.__class__.__name__})") from None

    @classmethod
    def train(cls, sentences: Iterable[str], vocab_size: int = 1000) -> Tokenizer:
        """Train a unigram model on ``sentences``.

        The vocabulary always holds every character seen in training (Korean alone has hundreds of
        syllables), so ``vocab_size`` is raised to that count plus a margin when it is smaller; on a
        small corpus the vocabulary may also end up smaller than asked. :attr:`vocab_size` is the result.
        """
        import sentencepiece as spm

        sentences = [s for s in sentences if s]
        if not sentences:
            raise RnnkitError("cannot train a tokenizer on no sentences")
        if vocab_size < 8:
            raise RnnkitError(f"--vocab-size must be at least 8 (got {vocab_size})")
        chars = {c for s in sentences for c in s if not c.isspace()}
        vocab_size = max(vocab_size, len(chars) + 16)
        out = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences),
            model_writer=out,
            vocab_size=vocab_size,
            model_type="unigram",
            character_coverage=1.0,  # keep every Hangul syllable seen in training
            hard_vocab_limit=False,  # a tiny corpus gets a smaller vocabulary, not an error
            pad_id=PAD,
            unk_id=UNK,
            bos_id=BOS,
            eos_id=EOS,
            minloglevel=2,
            num_threads=1,
        )
        return cls(out.getvalue())

    @property
    def vocab_size(self) -> int:
        return self.sp.get_piece_size()

    def encode(self, text: str) -> list[int]:
        """Ids of ``text``, without bos/eos."""
        return self.sp.encode(text)

    def encode_batch(self, texts: Sequence[str], sample_alpha: float = 0.0) -> list[list[int]]:
        """Ids of each text. With ``sample_alpha > 0`` each segmentation is drawn from the unigram
        model's distribution over all segmentations, ``P(x) ∝ P_unigram(x)^alpha`` (subword
        regularisation, Kudo 2018): small alpha gives more varied pieces. The draws follow
        :func:`seed_sampling`; one thread keeps them in order."""
        if sample_alpha > 0:
            return self.sp.encode(
                list(texts), enable_sampling=True, alpha=sample_alpha, nbest_size=-1, num_threads=1
            )
        return self.sp.encode(list(texts))

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids``; pad, bos and eos are dropped, an unknown piece prints as `` ⁇ ``."""
        return self.sp.decode([int(i) for i in ids if int(i) not in (PAD, BOS, EOS)])

    def pieces(self, ids: Sequence[int]) -> list[str]:
        """The subword string of each id (for attention plots)."""
        return [self.sp.id_to_piece(int(i)) for i in ids]
