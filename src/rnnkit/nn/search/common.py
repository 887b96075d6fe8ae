"""What greedy and beam search share: the step protocol, the hypothesis, penalties and constraints.

A model decodes through one function, the **step**::

    step(tokens (R,), state) -> (log_probs (R, V), state, attention (R, S) or None)

``R`` rows (sentences, images, or their beams), ``V`` the vocabulary, ``S`` memory positions (source
tokens, image locations). ``log_probs`` are normalised log-probabilities of the next token. The
**state** is any object with ``select(rows) -> state``: the state of those rows, in that order, which
is how a beam search keeps, reorders and narrows its hypotheses (``rows`` a long tensor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import torch

from rnnkit.utils.errors import InputTypeError, RnnkitError, ShapeError

LENGTH_STYLES = ("gnmt", "power")

S = TypeVar("S", bound="State")


class State(Protocol):
    """A decoder's state, batched along dim 0."""

    def select(self: S, rows: torch.Tensor) -> S:
        """The state of ``rows`` (R',) long, in that order (rows may repeat)."""
        ...


class Step(Protocol):
    def __call__(self, tokens: torch.Tensor, state: S) -> tuple[torch.Tensor, S, torch.Tensor | None]:
        """``tokens`` (R,) -> log-probabilities (R, V), the new state, attention (R, S) or None."""
        ...


@dataclass
class Hypothesis:
    """One decoded sequence.

    ids: tokens without bos and eos. score: ``log p(y | x)``, summed over the tokens (eos included
    when it ended). attention: ``(T, S)`` rows for each token and the eos step (without eos: one per
    token), columns for the real memory positions; None unless asked for and the model attends.
    hit_max: it stopped at the length limit, not at eos. rank_score: what beam search ranked by
    (``score / lp(y)`` plus any coverage penalty); None from greedy search.
    """

    ids: list[int]
    score: float
    attention: torch.Tensor | None = None
    hit_max: bool = False
    rank_score: float | None = None


def length_penalty(lengths, alpha: float, style: str = "gnmt"):
    """The divisor of a hypothesis's log-probability in beam search's ranking.

    ``lengths``: tokens including eos (at least 1), a long tensor or an int (then a float comes back).

    - ``gnmt`` (Wu et al. 2016): ``lp(y) = ((5 + |y|) / 6) ** alpha``
    - ``power`` (plain length normalisation): ``lp(y) = |y| ** alpha``

    ``alpha = 0`` ranks by raw log-probability, which favours short outputs; ``alpha = 1`` with
    ``power`` is the mean log-probability per token.
    """
    if style == "gnmt":
        return ((5.0 + lengths) / 6.0) ** alpha
    if style == "power":
        return lengths**alpha
    raise RnnkitError(f"unknown length penalty {style!r}; known: {', '.join(LENGTH_STYLES)}")


def coverage_penalty(coverage: torch.Tensor, mask: torch.Tensor, beta: float) -> torch.Tensor:
    """GNMT coverage penalty ``beta * sum_j log(min(c_j, 1))`` over the real memory positions ``j``.

    ``c_j = sum_t a_tj`` is the attention position ``j`` received over all steps: a hypothesis that
    never looked at part of the source (a dropped clause) is penalised. coverage, mask (R, S) -> (R,).
    """
    logs = torch.log(coverage.clamp(min=1e-3, max=1.0)).masked_fill(~mask, 0.0)
    return beta * logs.sum(dim=-1)


def block_repeats(logp: torch.Tensor, history: torch.Tensor, n: int) -> torch.Tensor:
    """Forbid every token that would complete an n-gram already in ``history``.

    Inputs: logp (R, V), history (R, t) the tokens so far. Output: logp with those tokens at -inf
    (as fairseq's ``--no-repeat-ngram-size``).
    """
    if n < 1 or history.shape[1] < n:
        return logp
    windows = history.unfold(1, n, 1)  # (R, W, n): every n-gram so far
    last = history[:, history.shape[1] - n + 1 :]  # (R, n-1): the prefix the next token would extend
    match = (windows[:, :, : n - 1] == last[:, None, :]).all(dim=-1)  # (R, W)
    banned = torch.zeros_like(logp).scatter_add_(1, windows[:, :, n - 1], match.to(logp.dtype)) > 0
    return logp.masked_fill(banned, float("-inf"))


def constrain(
    logp: torch.Tensor, forbid: Sequence[int], history: torch.Tensor | None, no_repeat_ngram: int
) -> torch.Tensor:
    """Apply the token constraints to one step's log-probabilities (R, V): the ``forbid`` ids (tokens
    that are never outputs, e.g. pad and bos) and n-gram blocking over ``history`` (R, t)."""
    # a tensor or an array of ids as a list: ``if forbid`` on one of several ids was torch's "truth value
    # of a tensor with more than one value is ambiguous"
    forbid = forbid.tolist() if hasattr(forbid, "tolist") else forbid
    if forbid:
        logp = logp.clone()
        vocab = logp.shape[-1]
        for token in forbid:  # one column at a time: cheaper than an index tensor for a few ids
            if not 0 <= token < vocab:  # a negative id forbade a token counted from the end, unsaid
                raise RnnkitError(
                    f"forbid id {int(token)} is not a token id: the step gives {vocab} (0 to {vocab - 1})"
                )
            logp[:, token] = float("-inf")
    if no_repeat_ngram and history is not None:
        logp = block_repeats(logp, history, no_repeat_ngram)
    return logp


def plain(value: object) -> object:
    """A 0-d tensor as its Python number (``torch.tensor(3)`` -> 3), anything else as it is: a scalar
    tensor is a valid ``beam``, ``no_repeat_ngram`` or ``alpha``, and was refused as not an int or as
    not a finite number. The number's kind is kept, so ``torch.tensor(2.5)`` is still refused as a
    beam."""
    return value.item() if isinstance(value, torch.Tensor) and value.dim() == 0 else value


def limits(max_len: int | torch.Tensor, n: int, device: torch.device | str) -> torch.Tensor:
    """Per-sequence length limits (N,) from one whole number or N of them (a sequence or an integer
    tensor); each must be at least 0. Anything else is one line: a float limit was truncated (2.5
    decoded 2 tokens), a limit per sequence of the wrong count stopped in torch's ``expand``."""
    try:
        values = torch.as_tensor(max_len)
    except (TypeError, ValueError, RuntimeError):
        values = None
    if values is not None and values.numel() == 0 and not isinstance(max_len, torch.Tensor):
        values = values.long()  # [] for an empty batch: torch reads an empty list as float32
    if values is None or values.is_floating_point() or values.is_complex() or values.dtype == torch.bool:
        shown = f"a tensor of {values.dtype}" if values is not None else type(max_len).__name__
        raise InputTypeError(f"max_len must be a whole number or one per sequence; got {shown}")
    if values.dim() > 1 or (values.dim() == 1 and values.shape[0] != n):
        raise ShapeError(
            f"max_len must be one limit or one per sequence ({n}); got shape {tuple(values.shape)}"
        )
    out = values.to(device=device, dtype=torch.long).expand(n).clone()
    if n and int(out.min()) < 0:
        raise RnnkitError(f"max_len must be at least 0 (got {int(out.min())})")
    return out


def trim(row: list[int], length: int, eos: int) -> tuple[list[int], bool]:
    """The first ``length`` tokens of ``row`` without a final eos, and whether it ended with eos."""
    done = length > 0 and row[length - 1] == eos
    return row[: length - int(done)], done


def real_positions(memory_mask: torch.Tensor | None, n: int) -> list[int | None]:
    """How many memory positions of each sequence are real (None: all), from a mask (N, S)."""
    return [None] * n if memory_mask is None else memory_mask.sum(dim=1).tolist()


def attention_rows(maps: torch.Tensor | None, length: int, positions: int | None) -> torch.Tensor | None:
    """A hypothesis's attention (T, S): its ``length`` steps, its real memory positions, on the CPU."""
    if maps is None:
        return None
    maps = maps[:length]
    if positions is not None:
        maps = maps[:, :positions]
    return maps.cpu()
