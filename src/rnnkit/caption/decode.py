"""Caption search: greedy and beam.

Both take decoder features ``(N, L, D)`` and return, per image, the word ids (without ``<start>``
and ``<end>``) and, with attention, the attention maps ``(len, L)`` (one row per word emitted, plus
the step that emitted ``<end>`` when there was one).

Beam search keeps the ``k`` best partial captions by summed log-probability; a beam that emits
``<end>`` is set aside and the beam narrows (as in the Show, Attend and Tell tutorial code). The
winner maximises ``score / len^length_penalty`` (0: plain sum). With ``k = 1`` it is greedy search,
which the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from rnnkit.caption.model import CaptionDecoder, map_memory, map_state, start_tokens
from rnnkit.caption.vocab import END
from rnnkit.utils.errors import RnnkitError


@dataclass
class Hypothesis:
    """One decoded caption: word ids, total log-probability, attention rows ``(steps, L)`` or None."""

    ids: list[int]
    score: float
    attention: torch.Tensor | None


@torch.no_grad()
def greedy(decoder: CaptionDecoder, feats: torch.Tensor, max_len: int = 24) -> list[Hypothesis]:
    """Pick the most likely word at each step, for a batch ``feats`` ``(N, L, D)``."""
    n = feats.shape[0]
    memory = decoder.memory(feats)
    state = decoder.init_state(memory)
    words = start_tokens(n, feats.device)  # (N,)
    ids = torch.zeros(n, 0, dtype=torch.long)
    scores = torch.zeros(n)
    alphas: list[torch.Tensor] = []
    done = torch.zeros(n, dtype=torch.bool)
    lengths = torch.full((n,), max_len, dtype=torch.long)  # attention rows kept per caption
    for t in range(max_len):
        logits, state, alpha = decoder.step(words, state, memory)
        logp = torch.log_softmax(logits.float(), dim=1)  # (N, V)
        best, words = logp.max(dim=1)  # (N,), (N,)
        scores += torch.where(done, torch.zeros_like(best), best).cpu()
        ids = torch.cat([ids, words.cpu().unsqueeze(1)], dim=1)  # (N, t+1)
        if alpha is not None:
            alphas.append(alpha.cpu())
        ended = (words.cpu() == END) & ~done
        lengths[ended] = t + 1
        done |= ended
        if bool(done.all()):
            break
    att = torch.stack(alphas, dim=1) if alphas else None  # (N, steps, L)
    out = []
    for i in range(n):
        row = ids[i].tolist()
        cut = row.index(END) if END in row else len(row)
        out.append(Hypothesis(row[:cut], float(scores[i]), None if att is None else att[i, : lengths[i]]))
    return out


@torch.no_grad()
def beam_one(
    decoder: CaptionDecoder, feats: torch.Tensor, beam_size: int, max_len: int, length_penalty: float
) -> Hypothesis:
    """Beam search for one image, ``feats`` ``(1, L, D)``."""
    k = beam_size
    memory = map_memory(decoder.memory(feats), lambda m: m.expand(k, *m.shape[1:]))
    state = map_state(decoder.init_state(decoder.memory(feats)), lambda s: s.expand(k, -1).contiguous())
    words = start_tokens(k, feats.device)  # (k,)
    seqs = torch.zeros(k, 0, dtype=torch.long, device=feats.device)  # (k, t)
    atts: torch.Tensor | None = None  # (k, t, L)
    scores = torch.zeros(k, device=feats.device)
    finished: list[Hypothesis] = []
    for t in range(max_len):
        logits, state, alpha = decoder.step(words, state, memory)
        logp = torch.log_softmax(logits.float(), dim=1)  # (k, V)
        vocab = logp.shape[1]
        # the first step: all beams are the same, so expand one of them only
        total = (scores.unsqueeze(1) + logp)[:1] if t == 0 else scores.unsqueeze(1) + logp  # (k|1, V)
        top, flat = total.flatten().topk(k)  # (k,)
        beam, words = flat // vocab, flat % vocab  # (k,), (k,)
        seqs = torch.cat([seqs[beam], words.unsqueeze(1)], dim=1)  # (k, t+1)
        if alpha is not None:
            step_att = alpha[beam].unsqueeze(1)  # (k, 1, L)
            atts = step_att if atts is None else torch.cat([atts[beam], step_att], dim=1)
        state = map_state(state, lambda s, b=beam: s[b])
        scores = top
        ended = words == END
        for j in ended.nonzero().flatten().tolist():
            finished.append(
                Hypothesis(seqs[j, :-1].tolist(), float(scores[j]), None if atts is None else atts[j].cpu())
            )
        alive = (~ended).nonzero().flatten()
        k = len(alive)
        if k == 0:
            break
        seqs, scores, words = seqs[alive], scores[alive], words[alive]
        atts = None if atts is None else atts[alive]
        state = map_state(state, lambda s, a=alive: s[a])
        memory = map_memory(memory, lambda m, n=k: m[:n])
    if not finished:  # no beam ended within max_len: take the alive ones as they are
        for j in range(k):
            finished.append(
                Hypothesis(seqs[j].tolist(), float(scores[j]), None if atts is None else atts[j].cpu())
            )

    def rank(h: Hypothesis) -> float:
        return h.score / max(len(h.ids) + 1, 1) ** length_penalty

    return max(finished, key=rank)


def beam_search(
    decoder: CaptionDecoder,
    feats: torch.Tensor,
    beam_size: int = 3,
    max_len: int = 24,
    length_penalty: float = 0.0,
) -> list[Hypothesis]:
    """Beam search for each image of ``feats`` ``(N, L, D)``; ``beam_size`` 1 equals :func:`greedy`."""
    if beam_size < 1:
        raise RnnkitError(f"--beam must be at least 1, got {beam_size}")
    beam_size = min(beam_size, decoder.config.vocab_size)  # top-k cannot pick more words than exist
    return [
        beam_one(decoder, feats[i : i + 1], beam_size, max_len, length_penalty) for i in range(len(feats))
    ]


def decode(
    decoder: CaptionDecoder, feats: torch.Tensor, beam_size: int = 1, max_len: int = 24
) -> list[Hypothesis]:
    """Greedy for ``beam_size`` 1 (batched, fast), beam search otherwise."""
    if beam_size == 1:
        return greedy(decoder, feats, max_len)
    return beam_search(decoder, feats, beam_size, max_len)
