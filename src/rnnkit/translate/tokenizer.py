"""Subword tokens: one sentencepiece unigram model per language, trained on the training split only.

The model bytes are kept in memory and saved in the model folder (``src.spm``, ``tgt.spm``), so a
trained translator carries its own tokenizer. Ids 0-3 are fixed: pad, unk, bos, eos. A character never
seen in training becomes ``unk`` (id 1); it never raises. Text is NFKC-normalised by sentencepiece.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterable, Sequence

from rnnkit.utils.errors import RnnkitError

PAD, UNK, BOS, EOS = 0, 1, 2, 3
UNK_PENALTY = 10.0  # sentencepiece's: an unknown character scores the lowest piece's score minus this


class Tokenizer:
    """A sentencepiece model: ``encode(str) -> ids`` and ``decode(ids) -> str``.

    Args:
        model_bytes: a serialised sentencepiece model (what :meth:`train` builds, or a ``.spm`` file).
        where: the file it was read from, named in the error when it is corrupt.
    """

    def __init__(self, model_bytes: bytes, where: str | None = None) -> None:
        import sentencepiece as spm

        self.model_bytes = bytes(model_bytes)
        named = f" {where}" if where else ""
        if not self.model_bytes:  # sentencepiece takes b"" as "no model" and fails at the first sentence,
            # after absl's log lines ("Model is not initialized"): an empty file is a broken folder, said here
            raise RnnkitError(f"the tokenizer model{named} is empty")
        try:
            self.sp = spm.SentencePieceProcessor(model_proto=self.model_bytes)
        except (RuntimeError, OSError) as exc:
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

    def encode_batch(
        self, texts: Sequence[str], sample_alpha: float = 0.0, rng: random.Random | None = None
    ) -> list[list[int]]:
        """Ids of each text. With ``sample_alpha > 0`` each segmentation is drawn from the unigram
        model's distribution over all segmentations, ``P(x) ∝ P_unigram(x)^alpha`` (subword
        regularisation, Kudo 2018): small alpha gives more varied pieces. The draws come from ``rng``
        (:meth:`sample`), so they repeat for its seed in any process."""
        if sample_alpha > 0:
            if rng is None:
                raise ValueError("sampling needs an rng")
            return [self.sample(text, sample_alpha, rng) for text in texts]
        return self.sp.encode(list(texts))

    def sample(self, text: str, alpha: float, rng: random.Random) -> list[int]:
        """One segmentation of ``text`` drawn with ``rng``, ``P(x) ∝ P_unigram(x)^alpha``.

        Sentencepiece's own sampler (``enable_sampling=True``) draws from the same distribution, but
        its draws are not a function of ``set_random_generator_seed``: with sentencepiece 0.2.3 two
        processes seeded alike segment differently, so a seeded run did not repeat. This is its
        lattice (every vocabulary piece found in the normalised text; an unknown character is one
        piece scored as sentencepiece scores it) sampled forward-filtering, backward-sampling.
        """
        chars = self.sp.normalize(text)
        ends = self._lattice(chars, alpha)  # ends[j]: (start, id, alpha * score) of each piece ending at j
        forward = [0.0] * (len(chars) + 1)  # log of the summed weight of every path up to each position
        for j in range(1, len(chars) + 1):
            forward[j] = _log_sum_exp([forward[i] + w for i, _, w in ends[j]])
        ids, j = [], len(chars)
        while j > 0:
            weights = [math.exp(forward[i] + w - forward[j]) for i, _, w in ends[j]]
            i, piece, _ = rng.choices(ends[j], weights)[0]
            if not (piece == UNK and ids and ids[-1] == UNK):  # a run of unknowns is one, as in encode
                ids.append(piece)
            j = i
        return ids[::-1]

    def _lattice(self, chars: str, alpha: float) -> list[list[tuple[int, int, float]]]:
        pieces, prefixes, unk_score = self._piece_table()
        ends: list[list[tuple[int, int, float]]] = [[] for _ in range(len(chars) + 1)]
        for i in range(len(chars)):
            j = i + 1
            while j <= len(chars) and chars[i:j] in prefixes:  # no piece is longer than its prefixes
                hit = pieces.get(chars[i:j])
                if hit is not None:
                    ends[j].append((i, hit[0], alpha * hit[1]))
                j += 1
            if chars[i] not in pieces:  # no piece for this one character: it is unknown
                ends[i + 1].append((i, UNK, alpha * unk_score))
        return ends

    def _piece_table(self) -> tuple[dict[str, tuple[int, float]], set[str], float]:
        """Each normal piece's (id, log probability), every prefix of a piece, an unknown's score."""
        if not hasattr(self, "_pieces"):
            sp = self.sp
            normal = [
                i
                for i in range(sp.get_piece_size())
                if not (sp.is_control(i) or sp.is_unknown(i) or sp.is_unused(i) or sp.is_byte(i))
            ]
            table = {sp.id_to_piece(i): (i, sp.get_score(i)) for i in normal}
            prefixes = {piece[:k] for piece in table for k in range(1, len(piece) + 1)}
            unk_score = min((score for _, score in table.values()), default=0.0) - UNK_PENALTY
            self._pieces = (table, prefixes, unk_score)
        return self._pieces

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids``; pad, bos and eos are dropped, an unknown piece prints as `` ⁇ ``."""
        return self.sp.decode([int(i) for i in ids if int(i) not in (PAD, BOS, EOS)])

    def pieces(self, ids: Sequence[int]) -> list[str]:
        """The subword string of each id (for attention plots)."""
        return [self.sp.id_to_piece(int(i)) for i in ids]


def _log_sum_exp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))
