"""Caption search: the :class:`~rnnkit.caption.model.CaptionDecoder` step over :mod:`rnnkit.nn.search`.

Both searches take decoder features ``(N, L, D)`` and return, per image, the word ids (without
``<start>`` and ``<end>``) and, with attention, the attention maps ``(len, L)`` (one row per word
emitted, plus the step that emitted ``<end>`` when there was one).

Beam search keeps the ``k`` best partial captions by summed log-probability; a beam that emits
``<end>`` is set aside and the beam narrows (as in the Show, Attend and Tell tutorial code: the
narrowing beams of :mod:`rnnkit.nn.search.narrow`). The winner maximises
``score / (len + 1)^length_penalty`` (0: plain sum; ``len + 1`` counts ``<end>``), the ``power``
length penalty. With ``k = 1`` it is greedy search. All images of a batch are searched together,
their beams flattened into the batch dimension, with the captions and scores of searching each image
alone (the tests compare both against the per-image search rnnkit had first).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass, replace

import torch

from rnnkit.caption.model import CaptionDecoder, CaptionModel, Memory, State, map_memory, map_state
from rnnkit.caption.vocab import END, PAD, START, UNK, Vocabulary
from rnnkit.nn import search
from rnnkit.nn.search import Hypothesis
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.limits import OPTION_LIMITS
from rnnkit.utils.whole import is_whole

# the log-probability of <end> as the first word, and of the NEVER tokens anywhere: a caption has a
# word (training drops empty ones), yet an undertrained model's <end> could outscore every first word,
# and a wide beam without length penalty printed nothing. Finite, so that no score is -inf or NaN.
NO_EMPTY = -1e4
# tokens a caption never holds: <pad> and <start>, which training never asks for (an undertrained
# model's <pad> ran a caption on to max_len, unseen, as decoding drops them, but in its score and maps),
# and <unk>, a training device (word dropout's input, a rare word's target), never a word to show
# (the quick demo's model printed ', <unk> <unk> <unk> ... to')
NEVER = (PAD, START, UNK)
# n-gram blocking of a caption searched again because it looped (Decoding.loop_no_repeat_ngram):
# translate's default
LOOP_NO_REPEAT_NGRAM = 3

__all__ = ["CaptionState", "Decoding", "Hypothesis", "beam_search", "decode", "greedy", "search_captions"]


@dataclass
class CaptionState:
    """The decoder's recurrent state ``(R, H)`` (or ``(h, c)``) and the image memory of each row.

    ``images`` is the memory per image ``(N, ...)`` and ``image`` ``(R,)`` the image of each row;
    ``memory`` is ``images`` gathered by ``image``. A step that keeps every row on its image (a beam
    reordered within its image) reuses ``memory``: with attention it is ``L*D + L*A`` floats a row,
    too much to copy at every word.
    """

    hidden: State
    memory: Memory
    images: Memory
    image: torch.Tensor

    def select(self, rows: torch.Tensor) -> CaptionState:
        """Rows ``rows`` (the state protocol of :mod:`rnnkit.nn.search`)."""
        hidden = map_state(self.hidden, lambda t: t.index_select(0, rows))
        image = self.image.index_select(0, rows)  # (R',)
        memory = self.memory
        if image.shape != self.image.shape or not torch.equal(image, self.image):
            memory = map_memory(self.images, lambda m: m.index_select(0, image))
        return CaptionState(hidden, memory, self.images, image)


def _searchable(decoder: CaptionDecoder, feats: torch.Tensor, words_at_most: int | None = None):
    """The step function ``(words, state) -> (log_probs, state, attention)`` and the first state.

    ``words_at_most``: after that many words a caption's next token can only be ``<end>`` (the search,
    which steps once per token, runs one step more than the longest caption, for that ``<end>``)."""
    memory = decoder.memory(feats)
    steps = 0

    def step(words: torch.Tensor, state: CaptionState):
        nonlocal steps
        logits, hidden, alpha = decoder.step(words, state.hidden, state.memory)
        after = CaptionState(hidden, state.memory, state.images, state.image)
        log_probs = torch.log_softmax(logits.float(), dim=1)  # (R, V)
        first = words == START  # (R,): a caption's first word is never <end>
        log_probs[:, END] = log_probs[:, END].masked_fill(first, NO_EMPTY)
        log_probs[:, list(NEVER)] = NO_EMPTY  # nor is any word <pad>, <start> or <unk>
        if words_at_most is not None and steps >= words_at_most:
            # a caption that has not ended ends here, never running a word past the longest one trained
            # on (an unfamiliar image's "1 1 1 1 1 1 1" had 7 digits where the data's numbers have 6)
            ended = log_probs[:, END].clone()
            log_probs.fill_(NO_EMPTY)
            log_probs[:, END] = ended
        steps += 1
        return log_probs, after, alpha

    image = torch.arange(feats.shape[0], device=feats.device)
    return step, CaptionState(decoder.init_state(memory), memory, memory, image)


@torch.no_grad()
def greedy(
    decoder: CaptionDecoder,
    feats: torch.Tensor,
    max_len: int = 24,
    words_at_most: int | None = None,
    no_repeat_ngram: int = 0,
) -> list[Hypothesis]:
    """Pick the most likely word at each step, for a batch ``feats`` ``(N, L, D)``; ``max_len`` steps,
    ended by ``<end>`` after ``words_at_most`` words when given; no ``no_repeat_ngram``-gram twice
    (0: no blocking)."""
    step, state = _searchable(decoder, feats, words_at_most)
    return search.greedy(step, state, feats.shape[0], bos=START, eos=END, pad=PAD, max_len=max_len,
                         no_repeat_ngram=no_repeat_ngram, attention=True, device=feats.device)  # fmt: skip


@torch.no_grad()
def beam_search(
    decoder: CaptionDecoder,
    feats: torch.Tensor,
    beam_size: int = 3,
    max_len: int = 24,
    length_penalty: float = 0.0,
    rescore: Callable[[int, Hypothesis], float] | None = None,
    words_at_most: int | None = None,
    no_repeat_ngram: int = 0,
) -> list[Hypothesis]:
    """Beam search for every image of ``feats`` ``(N, L, D)`` at once; ``beam_size`` 1 equals :func:`greedy`.

    Returns one :class:`Hypothesis` per image, in order: the best of its finished captions by
    ``score / (len + 1) ** length_penalty`` (plus ``rescore(image, candidate)`` when given: the
    located check, :mod:`rnnkit.caption.check`), or, when none ended within ``max_len`` steps, the
    best of its live ones. Attention rows ``(len + 1, L)`` (``(max_len, L)`` without ``<end>``) or None.
    ``no_repeat_ngram``: no caption holds an n-gram of that length twice (0: no blocking).
    """
    if beam_size < 1:
        raise RnnkitError(f"beam_size must be at least 1, got {beam_size}")
    if feats.shape[0] == 0:
        return []
    # no wider than the first words it may choose (every word but <end> and the NEVER tokens): a wider
    # first step must take one, and that empty caption, ended, outranked captions cut at max_len
    beam_size = max(1, min(beam_size, decoder.config.vocab_size - 1 - len(NEVER)))
    step, state = _searchable(decoder, feats, words_at_most)
    nbest = search.beam_search(step, state, feats.shape[0], bos=START, eos=END, pad=PAD, beam=beam_size,
                               max_len=max_len, alpha=length_penalty, length_style="power",
                               no_repeat_ngram=no_repeat_ngram, attention=True, narrow=True,
                               device=feats.device)  # fmt: skip
    if rescore is None:
        return [hyps[0] for hyps in nbest]
    return [max(hyps, key=lambda h, i=i: float(h.rank_score) + rescore(i, h)) for i, hyps in enumerate(nbest)]


def decode(
    decoder: CaptionDecoder,
    feats: torch.Tensor,
    beam_size: int = 1,
    max_len: int = 24,
    length_penalty: float = 0.0,
    rescore: Callable[[int, Hypothesis], float] | None = None,
    words_at_most: int | None = None,
    no_repeat_ngram: int = 0,
) -> list[Hypothesis]:
    """Greedy for ``beam_size`` 1 (batched, fast), beam search otherwise."""
    if beam_size == 1:
        return greedy(decoder, feats, max_len, words_at_most, no_repeat_ngram)
    return beam_search(
        decoder, feats, beam_size, max_len, length_penalty, rescore, words_at_most, no_repeat_ngram
    )


@dataclass(frozen=True)
class Decoding:
    """How captions are searched: ``beam`` (1: greedy), the power ``length_penalty`` of the beam's
    ranking, and ``located_check``, the weight of the located check (:mod:`rnnkit.caption.check`;
    models without a located head ignore it). Saved with the model (``CaptionConfig``).

    Not saved, the same for every model: ``no_repeat_ngram``, no caption holds an n-gram of that length
    twice (0: off, the default: a scene of two red circles is rightly 'a red circle , a red circle and
    ...', and blocking lowered validation scores, docs/RESULTS.md); ``loop_no_repeat_ngram``, the
    blocking of a caption searched again because it looped (see :func:`search_captions`; 0: never
    searched again)."""

    beam: int = 1
    length_penalty: float = 0.0
    located_check: float = 0.0
    no_repeat_ngram: int = 0
    loop_no_repeat_ngram: int = LOOP_NO_REPEAT_NGRAM

    def describe(self, located: bool = True) -> str:
        """One line: ``beam 10, length penalty 2, located check 1`` (``greedy`` for beam 1), and ``, no
        repeated 3-grams`` when blocking is on for every caption. ``located``: whether the model has the
        located head the check asks; without one (handwriting, your own captions) the check does nothing,
        and the line says so rather than name a weight that changes no caption."""
        check = f"located check {self.located_check:g}" if located or not self.located_check else (
            "no located check (the model has no located head)"
        )  # fmt: skip
        said = (
            "greedy"
            if self.beam == 1
            else f"beam {self.beam}, length penalty {self.length_penalty:g}, {check}"
        )
        return said + (f", no repeated {self.no_repeat_ngram}-grams" if self.no_repeat_ngram else "")

    def replace(self, **given: object) -> Decoding:
        """This decoding with the settings given (not None) replaced: a command's overrides."""
        return replace(self, **{k: v for k, v in given.items() if v is not None})

    def check(self) -> Decoding:
        """This decoding, or a one-line error naming a setting of the wrong type or outside the range a
        model's ``config.json`` may hold (``config_schema.CAPTION_SETTINGS``, where the ranges are
        written once): the Python API's ``beam=2.5`` or ``Decoding(located_check=nan)`` is refused as
        ``--beam`` is, not met with a traceback or a ranking by NaN."""
        from rnnkit.caption.config_schema import CAPTION_SETTINGS

        if not is_whole(self.beam):
            raise RnnkitError(f"beam must be a whole number, got {self.beam!r}")
        if self.beam < 1:
            raise RnnkitError(f"beam must be at least 1, got {self.beam}")
        for name in ("beam", "length_penalty", "located_check"):
            value, spec = getattr(self, name), CAPTION_SETTINGS.optional[name]
            if (
                not isinstance(value, numbers.Real)
                or isinstance(value, bool)
                or not spec.lo <= value <= spec.hi
            ):
                raise RnnkitError(f"{name} must lie in {spec.lo:g}..{spec.hi:g}, got {value!r}")
        limit = OPTION_LIMITS[("--no-repeat-ngram", "int")]  # the range translate's option has
        for name in ("no_repeat_ngram", "loop_no_repeat_ngram"):
            n = getattr(self, name)
            if not is_whole(n) or not limit.lo <= n <= limit.hi:
                raise RnnkitError(f"{name} must be a whole number in {limit.lo}..{limit.hi}, got {n!r}")
        return self


def search_captions(
    model: CaptionModel,
    feats: torch.Tensor,
    vocab: Vocabulary,
    decoding: Decoding,
    max_len: int,
) -> list[Hypothesis]:
    """The captions of ``feats`` ``(N, L, D)`` under ``decoding``, with the located check when the model
    has a located head and the check's weight is positive. ``max_len``: the longest caption in words;
    the search runs one step more, for its ``<end>`` (without it a caption of ``max_len`` words never
    ends, and beam search preferred any shorter caption that did: a 6-digit number read as its first 5
    digits), and that step can only be ``<end>``, so no caption is longer than ``max_len`` words.

    A caption that loops ('a red circle a red circle a red circle ...', as an undertrained model or an
    unfamiliar image can make it) is searched again with no repeated ``decoding.loop_no_repeat_ngram``-
    gram: one that reached ``max_len`` words where the model would go on rather than end (its ``<end>``
    not the likeliest token after the last word). A caption the model ends, repeats and all, is kept:
    on validation the search again changed none (docs/RESULTS.md)."""
    hyps = _search(model, feats, vocab, decoding, max_len, decoding.no_repeat_ngram)
    n = decoding.loop_no_repeat_ngram
    if not n or n == decoding.no_repeat_ngram:
        return hyps
    rows = _would_go_on(model.decoder, feats, hyps, max_len)  # (R,)
    if len(rows):
        again = _search(model, feats[rows], vocab, decoding, max_len, n)
        for r, h in zip(rows.tolist(), again, strict=True):  # an image's caption is the same in any batch
            hyps[r] = h
    return hyps


@torch.no_grad()
def _would_go_on(
    decoder: CaptionDecoder, feats: torch.Tensor, hyps: list[Hypothesis], max_len: int
) -> torch.Tensor:
    """The images ``(R,)`` whose caption has ``max_len`` words and whose model, reading it, would not say
    ``<end>`` next: a caption cut by the length limit, not ended."""
    full = [i for i, h in enumerate(hyps) if len(h.ids) >= max_len]
    if not full:
        return torch.zeros(0, dtype=torch.long, device=feats.device)
    rows = torch.tensor(full, dtype=torch.long, device=feats.device)  # (R,)
    words = torch.tensor([[START, *hyps[i].ids[:max_len], PAD] for i in full], device=feats.device)  # (R, T)
    logits = decoder(feats[rows], words)[0][:, -1].float()  # (R, V): the next token after the last word
    logits[:, list(NEVER)] = float("-inf")
    return rows[logits.argmax(dim=1) != END]


def _search(
    model: CaptionModel, feats: torch.Tensor, vocab: Vocabulary, decoding: Decoding, max_len: int, ngram: int
) -> list[Hypothesis]:
    """:func:`search_captions` of all of ``feats`` with n-gram blocking ``ngram``."""
    rescore = None
    head = getattr(model, "located", None)
    if head is not None and decoding.located_check > 0 and decoding.beam > 1:
        from rnnkit.caption.check import located_rescorer

        rescore = located_rescorer(head, feats, vocab.decode, decoding.located_check)
    return decode(model.decoder, feats, decoding.beam, max_len + 1, decoding.length_penalty, rescore, max_len,
                  ngram)  # fmt: skip
