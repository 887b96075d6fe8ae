"""Caption search: greedy and beam.

Both take decoder features ``(N, L, D)`` and return, per image, the word ids (without ``<start>``
and ``<end>``) and, with attention, the attention maps ``(len, L)`` (one row per word emitted, plus
the step that emitted ``<end>`` when there was one).

Beam search keeps the ``k`` best partial captions by summed log-probability; a beam that emits
``<end>`` is set aside and the beam narrows (as in the Show, Attend and Tell tutorial code). The
winner maximises ``score / (len + 1)^length_penalty`` (0: plain sum; ``len + 1`` counts ``<end>``).
With ``k = 1`` it is greedy search. All images of a batch are searched together, their beams
flattened into the batch dimension, with the captions and scores of searching each image alone
(the tests compare both against the per-image search rnnkit had first).
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
def beam_search(
    decoder: CaptionDecoder,
    feats: torch.Tensor,
    beam_size: int = 3,
    max_len: int = 24,
    length_penalty: float = 0.0,
) -> list[Hypothesis]:
    """Beam search for every image of ``feats`` ``(N, L, D)`` at once; ``beam_size`` 1 equals :func:`greedy`.

    The live beams of all images are rows of one batch: ``(A*K, ...)`` for ``A`` images still
    searching and ``K`` beams each (``K`` starts at 1, since all beams of an image begin as the same
    ``<start>``, and is the widest image's live count after that). Per image and step: the ``width``
    best of its ``K*V`` continuations (``width``: its live beams, ``k`` at first), those ending in
    ``<end>`` set aside, the rest moved to the front in rank order; an image whose beams have all ended
    leaves the batch. This is the per-image search (one image, ``k`` rows, narrowing) done for many
    images per step, with the same captions and scores.

    Returns one :class:`Hypothesis` per image, in order: the best of its finished captions by
    ``score / (len + 1) ** length_penalty``, or, when none ended within ``max_len`` steps, the best
    of its live ones. Attention rows ``(len + 1, L)`` (``(max_len, L)`` without ``<end>``) or None.
    """
    if beam_size < 1:
        raise RnnkitError(f"--beam must be at least 1, got {beam_size}")
    k = min(beam_size, decoder.config.vocab_size)  # top-k cannot pick more words than exist
    n, dev = feats.shape[0], feats.device
    if n == 0:
        return []
    whole = decoder.memory(feats)  # per image: (N, ...)
    state = decoder.init_state(whole)  # (A*K, H) with A = N, K = 1
    memory = whole
    image = torch.arange(n, device=dev)  # (A,) the image of each block of K rows
    width = torch.full((n,), k, device=dev)  # (A,) how many beams each image keeps
    wide = k  # the widest image's width: candidates taken per image
    ragged = False  # some image keeps fewer than `wide`
    scores = torch.zeros(n, 1, device=dev)  # (A, K) summed log-probabilities
    words = start_tokens(n, dev)  # (A*K,)
    seqs = torch.zeros(n, 0, dtype=torch.long, device=dev)  # (A*K, t)
    atts: torch.Tensor | None = None  # (A*K, t, L)
    finished: list[list[Hypothesis]] = [[] for _ in range(n)]
    for _ in range(max_len):
        logits, state, alpha = decoder.step(words, state, memory)
        logp = torch.log_softmax(logits.float(), dim=1)  # (A*K, V)
        a, beams, vocab = scores.shape[0], scores.shape[1], logp.shape[1]
        total = (scores.reshape(-1, 1) + logp).view(a, beams * vocab)  # (A, K*V)
        top, flat = total.topk(wide, dim=1)  # (A, W) best first
        rows = flat // vocab + torch.arange(0, a * beams, beams, device=dev).unsqueeze(1)  # (A, W) parents
        words = flat % vocab  # (A, W)
        ended = words == END  # (A, W)
        taken = None
        if ragged:  # an image with fewer live beams takes only its best
            taken = torch.arange(wide, device=dev) < width.unsqueeze(1)  # (A, W)
            ended &= taken
        if bool(ended.any()):  # set those aside, then keep the live ones, best first, in front
            parent = rows[ended]  # (E,)
            ids = seqs[parent].tolist()  # the words before <end>
            ends = top[ended].tolist()
            maps = None
            if alpha is not None:
                step = alpha[parent].unsqueeze(1)  # (E, 1, L)
                maps = (step if atts is None else torch.cat([atts[parent], step], dim=1)).cpu()
            for e, i in enumerate(image[ended.nonzero()[:, 0]].tolist()):
                finished[i].append(Hypothesis(ids[e], ends[e], None if maps is None else maps[e]))
            live = ~ended if taken is None else taken & ~ended  # (A, W)
            width = live.sum(dim=1)  # (A,)
            going = (width > 0).nonzero().flatten()  # (A',) images with a live beam
            if len(going) == 0:
                break
            width = width[going]
            wide = int(width.max())
            ragged = bool((width < wide).any())
            # a stable sort moves the live beams to the front and keeps their rank order
            order = torch.sort((~live[going]).to(torch.uint8), dim=1, stable=True).indices[:, :wide]
            pick = (going.unsqueeze(1), order)  # (A', K') each
            top, rows, words, live = top[pick], rows[pick], words[pick], live[pick]
            scores = top.masked_fill(~live, float("-inf"))  # (A', K'): padding beams never win
            if len(going) < a:
                image = image[going]
        else:  # every taken candidate lives on where it is
            scores = top if taken is None else top.masked_fill(~taken, float("-inf"))  # (A, W)
        parent, words = rows.flatten(), words.flatten()  # (A'*K',) each
        seqs = torch.cat([seqs[parent], words.unsqueeze(1)], dim=1)  # (A'*K', t+1)
        if alpha is not None:
            step = alpha[parent].unsqueeze(1)  # (A'*K', 1, L)
            atts = step if atts is None else torch.cat([atts[parent], step], dim=1)
        state = map_state(state, lambda s, p=parent: s.index_select(0, p))
        if len(image) < a or wide != beams:  # the image of each row changed
            memory = map_memory(whole, lambda m, r=image.repeat_interleave(wide): m.index_select(0, r))
    else:  # max_len reached: an image none of whose beams ended keeps its live ones
        wide = scores.shape[1]
        for r, i in enumerate(image.tolist()):
            if finished[i]:
                continue
            for j in range(min(int(width[r]), wide)):  # max_len 0: the one <start> beam
                row = r * wide + j
                finished[i].append(
                    Hypothesis(
                        seqs[row].tolist(), float(scores[r, j]), None if atts is None else atts[row].cpu()
                    )
                )

    def rank(h: Hypothesis) -> float:
        return h.score / max(len(h.ids) + 1, 1) ** length_penalty

    return [max(hyps, key=rank) for hyps in finished]


def decode(
    decoder: CaptionDecoder, feats: torch.Tensor, beam_size: int = 1, max_len: int = 24
) -> list[Hypothesis]:
    """Greedy for ``beam_size`` 1 (batched, fast), beam search otherwise."""
    if beam_size == 1:
        return greedy(decoder, feats, max_len)
    return beam_search(decoder, feats, beam_size, max_len)
