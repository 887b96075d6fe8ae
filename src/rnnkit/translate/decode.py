"""Translation decoding: the :class:`~rnnkit.translate.model.Seq2Seq` step over :mod:`rnnkit.nn.search`.

Any model with ``start(src, src_len) -> state`` and ``step(y_prev, state) -> (log_probs (N, V), state,
attention (N, S) or None)``, where ``state.select(rows)`` reorders the batch (see
:class:`~rnnkit.translate.model.DecoderState`), decodes here. The search itself (greedy, batched beam
search with fixed-width beams, n-best) lives in :mod:`rnnkit.nn.search`; this module fixes what is
particular to translation:

- pad and bos are never outputs (log-probability -inf); a sentence stops at eos;
- beam search ranks by the GNMT length penalty (Wu et al. 2016)::

      score(y) = log p(y | x) / lp(y),   lp(y) = ((5 + |y|) / 6) ** alpha

  ``alpha = 0`` ranks by raw log-probability, which favours short outputs; ``alpha = 1`` is close to
  the mean log-probability per token. ``|y|`` counts the tokens including eos.

Two optional constraints (off by default; each model folder may set its own in ``config.json``
under ``decoding``, chosen on validation chrF):

- **Repetition blocking** (``no_repeat_ngram = n``): a token that would complete an n-gram already in
  the hypothesis gets log-probability -inf (as fairseq's ``--no-repeat-ngram-size``).
- **Coverage penalty** (GNMT, ``coverage = beta``): the final ranking adds
  ``beta * sum_j log(min(sum_t a_tj, 1))`` over the source positions ``j``, which favours hypotheses
  whose attention has visited every source token (a dropped clause lowers it).

Length limit: a sentence stops at eos or after ``max_len`` tokens, whichever comes first; one that
reaches ``max_len`` without eos is flagged (``hit_max``), which is one symptom of a repetition loop.
``max_len`` is one number or one per sentence (an (N,) tensor): the translator gives each sentence
its own limit, so a sentence decodes the same whatever else is in its batch.
"""

from __future__ import annotations

import torch

from rnnkit.nn import search
from rnnkit.nn.search import Hypothesis, block_repeats, coverage_penalty
from rnnkit.translate.tokenizer import BOS, EOS, PAD
from rnnkit.utils.errors import RnnkitError

__all__ = ["Hypothesis", "beam_search", "beam_search_nbest", "block_repeats", "coverage_penalty", "decode",
           "greedy", "length_penalty"]  # fmt: skip

SPECIALS = (PAD, BOS)  # never outputs


def length_penalty(lengths: torch.Tensor, alpha: float) -> torch.Tensor:
    """GNMT length penalty ``((5 + len) / 6) ** alpha``."""
    return search.length_penalty(lengths, alpha, "gnmt")


def _start(model, src: torch.Tensor, src_len: torch.Tensor, max_len: int | torch.Tensor, need_mask: bool):
    """The model's first state and, when asked for, the source mask (N, S); limits below 1 are refused."""
    low = int(max_len.min()) if isinstance(max_len, torch.Tensor) and max_len.numel() else max_len
    if src.shape[0] and isinstance(low, int) and low < 1:
        raise RnnkitError(f"--max-len must be at least 1 (got {low})")
    mask = None
    if need_mask:  # only attention maps (trimmed to the source) and the coverage penalty read it
        mask = torch.arange(src.shape[1], device=src.device)[None, :] < src_len.to(src.device)[:, None]
    return model.start(src, src_len), mask


@torch.no_grad()
def greedy(
    model,
    src: torch.Tensor,
    src_len: torch.Tensor,
    max_len: int | torch.Tensor = 64,
    attention: bool = False,
    no_repeat_ngram: int = 0,
) -> list[Hypothesis]:
    """Pick the most likely token at each step, for the whole batch at once.

    Inputs: src (N, S) padded ids, src_len (N,). Output: N hypotheses.
    """
    state, mask = _start(model, src, src_len, max_len, attention)
    return search.greedy(model.step, state, src.shape[0], bos=BOS, eos=EOS, pad=PAD, max_len=max_len,
                         forbid=SPECIALS, no_repeat_ngram=no_repeat_ngram, attention=attention,
                         memory_mask=mask, device=src.device)  # fmt: skip


@torch.no_grad()
def beam_search_nbest(
    model,
    src: torch.Tensor,
    src_len: torch.Tensor,
    beam: int = 5,
    max_len: int | torch.Tensor = 64,
    alpha: float = 1.0,
    attention: bool = False,
    no_repeat_ngram: int = 0,
    coverage: float = 0.0,
    trace: search.BeamTrace | None = None,
) -> list[list[Hypothesis]]:
    """Batched beam search; all ``beam`` final hypotheses per sentence, best first.

    Inputs: src (N, S) padded ids, src_len (N,). Output: N lists of ``beam`` hypotheses (fewer live
    ones only for a vocabulary smaller than the beam), ranked by ``rank_score``. ``trace``: filled
    with sentence 0's search tree (:class:`~rnnkit.nn.search.BeamTrace`).
    """
    if beam < 1:
        raise RnnkitError(f"beam must be at least 1 (got {beam})")
    state, mask = _start(model, src, src_len, max_len, attention or bool(coverage))
    return search.beam_search(model.step, state, src.shape[0], bos=BOS, eos=EOS, pad=PAD, beam=beam,
                              max_len=max_len, alpha=alpha, length_style="gnmt", coverage=coverage,
                              no_repeat_ngram=no_repeat_ngram, forbid=SPECIALS, attention=attention,
                              memory_mask=mask, device=src.device, trace=trace)  # fmt: skip


def beam_search(
    model,
    src: torch.Tensor,
    src_len: torch.Tensor,
    beam: int = 5,
    max_len: int | torch.Tensor = 64,
    alpha: float = 1.0,
    attention: bool = False,
    no_repeat_ngram: int = 0,
    coverage: float = 0.0,
) -> list[Hypothesis]:
    """Batched beam search with GNMT length normalisation; ``beam=1`` gives the greedy output.

    Inputs: src (N, S) padded ids, src_len (N,). Output: the best of ``beam`` hypotheses per sentence.
    """
    nbest = beam_search_nbest(model, src, src_len, beam, max_len, alpha, attention, no_repeat_ngram, coverage)
    return [hyps[0] for hyps in nbest]


def decode(
    model,
    src,
    src_len,
    beam: int = 1,
    max_len: int | torch.Tensor = 64,
    alpha: float = 1.0,
    attention: bool = False,
    no_repeat_ngram: int = 0,
    coverage: float = 0.0,
):
    """Greedy when ``beam == 1`` (the coverage penalty then has nothing to rank), beam search otherwise."""
    if beam == 1:
        return greedy(
            model, src, src_len, max_len=max_len, attention=attention, no_repeat_ngram=no_repeat_ngram
        )
    return beam_search(model, src, src_len, beam, max_len, alpha, attention, no_repeat_ngram, coverage)
