"""The caption decoders: Show and Tell, and Show, Attend and Tell, stepping ``rnnkit.nn`` cells.

Legend: N batch, L feature locations, D feature channels, E word embedding, H hidden, V vocabulary,
T caption length (with ``<start>``/``<end>``).

Show and Tell (Vinyals et al. 2015), the image vector ``v = [f_1; ...; f_L]`` (the whole grid,
flattened: a mean over the grid would forget where things are, and the captions say "to the left
of") enters either

- as the initial state (``inject="init"``): ``h_0 = tanh(W_h v)`` (and ``c_0 = tanh(W_c v)`` for LSTM), or
- as the first input (``inject="first"``): ``h_0 = cell(W_e v, 0)``, then the words follow;

then for each step ``h_t = cell(emb(w_{t-1}), h_{t-1})`` and ``p(w_t) = softmax(W_o dropout(h_t))``.

Show, Attend and Tell (Xu et al. 2015, soft attention), with ``attention=True``::

    e_{t,l} = w_a^T tanh(W_f f_l + W_s h_{t-1})          additive score per location
    alpha_t = softmax_l(e_t)                              the attention map, sums to 1 over L
    z_t     = sigmoid(W_b h_{t-1}) * sum_l alpha_{t,l} f_l  gated context
    h_t     = cell([emb(w_{t-1}); z_t], h_{t-1})

and, with ``deep_output``, ``p(w_t) = softmax(W_o dropout(h_t) + b_o + W_z dropout(z_t))``: the attended
features vote for the word directly. Two options aim at what a caption of several objects gets wrong:

- ``coverage``: the score also reads how much each location has been attended so far,
  ``e_{t,l} = w_a^T tanh(W_f f_l + W_s h_{t-1} + w_c cov_{t,l})``, ``cov_{t,l} = sum_{t'<t} alpha_{t',l}``
  (coverage attention, Tu et al. 2016), so the decoder can see which objects it has already named
  and move on instead of naming one twice. The coverage ``(N, L)`` is carried in the decoder state.
- ``word_classes``: for the words of each class (for generated scenes, the shape words), the state's term
  ``W_o h_t`` is replaced by its mean over the class, ``P (W_o h_t)`` with ``P`` the class-averaging
  matrix ``(V, V)`` (identity outside the classes). The state still says *that* a shape comes next,
  but *which* shape can only come from the image (``W_z z_t``) and the word's bias: the words read
  so far ("green") can no longer rule out a pair never seen in training ("green circle"). Needs
  deep output. The classes are word ids set by :meth:`CaptionDecoder.set_word_classes` and saved
  with the weights (the buffer ``class_pool``).

Both are off by default: measured on validation they did not make shapes more precise (docs/RESULTS.md,
sixth pass).

The cell is any of ``rnnkit.nn.CELL_TYPES`` built with ``rnnkit.nn.make_cell``; the decoder owns the
time loop (so it can attend, and decode one word at a time). The model does no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

import torch
from torch import nn

from rnnkit.caption.vocab import PAD, START, UNK
from rnnkit.nn.attention import BahdanauAttention
from rnnkit.utils.errors import RnnkitError

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]
INJECT = ("init", "first")


@dataclass
class DecoderConfig:
    """Decoder hyperparameters (stored in the model folder's config.json)."""

    vocab_size: int
    feature_dim: int
    locations: int = 1
    cell: str = "lstm"
    embed_size: int = 64
    hidden_size: int = 192
    attention: bool = False
    attention_dim: int = 96
    inject: str = "init"
    dropout: float = 0.2
    deep_output: bool = False
    # training only: share of (caption, step) rows whose W_o h_t term is dropped whole (deep output), so
    # that the attended features alone must name the word (the state's language model favours the
    # colour-shape pairs it has seen; see docs/RESULTS.md)
    state_drop: float = 0.0
    # training only: probability that a previous-word input (not ``<start>``) is replaced by ``<unk>``
    # (word dropout, Bowman et al. 2016), so that the next word, a shape after its colour word, must
    # come from the image more often than from the words before it. Measured at 0.25 it hurt both tasks
    # (the decoder loses track of which object it names; docs/RESULTS.md, third pass): off by default
    word_dropout: float = 0.0
    coverage: bool = False  # attention reads the attention so far (module docstring)
    word_classes: bool = False  # within a class of words the image alone chooses (module docstring)

    def to_dict(self) -> dict:
        return asdict(self)


class Memory(NamedTuple):
    """What the decoder keeps of the image: features ``(N, L, D)``, the image vector ``(N, L*D)``,
    their mean ``(N, D)`` and the attention projection ``W_f f`` ``(N, L, A)`` (None without attention)."""

    feats: torch.Tensor
    vector: torch.Tensor
    mean: torch.Tensor
    keys: torch.Tensor | None


# Weight names of models saved before the attention moved to rnnkit.nn (old -> new, under "decoder.").
LEGACY_NAMES = {
    "att_feat.": "attention.key_proj.",
    "att_state.": "attention.query_proj.",
    "att_score.": "attention.v.",
}


def rename_legacy(state: dict, prefix: str = "decoder.") -> dict:
    """A state dict with the old attention weight names (``{prefix}att_feat.weight``...) renamed; the
    tensors themselves are unchanged, so a model folder or checkpoint from before still loads."""
    out = {}
    for key, value in state.items():
        for old, new in LEGACY_NAMES.items():
            if key.startswith(prefix + old):
                key = prefix + new + key[len(prefix + old) :]
                break
        out[key] = value
    return out


def map_state(state: State, fn: Callable[[torch.Tensor], torch.Tensor]) -> State:
    """Apply ``fn`` to each tensor of a state (``h`` or ``(h, c)``)."""
    return tuple(fn(s) for s in state) if isinstance(state, tuple) else fn(state)  # type: ignore[return-value]


def map_memory(memory: Memory, fn: Callable[[torch.Tensor], torch.Tensor]) -> Memory:
    return Memory(*(None if m is None else fn(m) for m in memory))


class CaptionDecoder(nn.Module):
    """Show and Tell / Show, Attend and Tell decoder (see the module docstring for the equations).

    Args:
        config: a :class:`DecoderConfig`.

    Inputs (``forward``): features ``(N, L, D)``, captions ``(N, T)`` long with ``<start>`` first.
    Outputs: logits ``(N, T-1, V)`` predicting ``captions[:, 1:]``, and attention ``(N, T-1, L)``
    (None without attention).
    """

    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        from rnnkit.nn import make_cell
        from rnnkit.nn.celltypes import TABLE, mode_of

        if (config.coverage or config.word_classes) and not config.attention:
            raise RnnkitError("coverage and word classes read the attention: they need attention")
        if config.word_classes and not config.deep_output:
            raise RnnkitError("word classes leave the choice within a class to the deep output: they need it")
        if config.inject not in INJECT:
            raise RnnkitError(f"unknown inject mode {config.inject!r}; known: {', '.join(INJECT)}")
        if not 0 <= config.state_drop < 1:
            raise RnnkitError(f"state_drop must lie in [0, 1), got {config.state_drop}")
        if not 0 <= config.word_dropout <= 1:
            raise RnnkitError(f"word_dropout must lie in [0, 1], got {config.word_dropout}")
        self.config = config
        c = config
        self.is_lstm = c.cell == "lstm"
        self.embed = nn.Embedding(c.vocab_size, c.embed_size, padding_idx=0)
        in_size = c.embed_size + (c.feature_dim if c.attention else 0)
        # Remember by default: the gate that keeps the state starts at bias +1 (LSTM forget, GRU update
        # gate; Gers et al. 2000). The image enters once and must survive to the colour and shape words;
        # measured: next-word loss on one-shape scenes 0.49 vs 0.73 after the same 80 updates at lr 3e-3.
        keeps = TABLE[mode_of(c.cell)].keep_gate is not None  # the Simple RNN has no gate to bias
        self.cell = make_cell(c.cell, in_size, c.hidden_size, **({"forget_bias": 1.0} if keeps else {}))
        flat = c.feature_dim * c.locations
        if c.inject == "init":
            self.init_h = nn.Linear(flat, c.hidden_size)
            self.init_c = nn.Linear(flat, c.hidden_size) if self.is_lstm else None
        else:
            self.image_in = nn.Linear(flat, c.embed_size)
        if c.attention:
            # built in the order the first models drew their initial weights (W_f, W_s, w_a), so a seed
            # still gives the same model
            key_proj = nn.Linear(c.feature_dim, c.attention_dim)
            query_proj = nn.Linear(c.hidden_size, c.attention_dim)
            v = nn.Linear(c.attention_dim, 1)
            self.attention = BahdanauAttention.from_layers(query_proj, key_proj, v)
            self.att_gate = nn.Linear(c.hidden_size, c.feature_dim)
        self.drop = nn.Dropout(c.dropout)
        self._register_load_state_dict_pre_hook(_load_legacy_names)
        self.out = nn.Linear(c.hidden_size, c.vocab_size)
        if c.deep_output:
            if not c.attention:
                raise RnnkitError("deep output reads the attention context: it needs attention")
            self.out_context = nn.Linear(c.feature_dim, c.vocab_size, bias=False)
        if c.coverage:  # built last, so that a seed draws every other weight as before
            self.attention.coverage_proj = nn.Linear(1, c.attention_dim, bias=False)
        if c.word_classes:
            self.register_buffer("class_pool", torch.eye(c.vocab_size))  # P: identity until classes are set

    def set_word_classes(self, classes: Sequence[Sequence[int]]) -> None:
        """Set the word classes (lists of word ids, disjoint): ``P`` averages the state's term over each."""
        if not self.config.word_classes:
            raise RnnkitError("the decoder was built without word classes (word_classes=True)")
        pool = torch.eye(self.config.vocab_size)
        seen: set[int] = set()
        for ids in classes:
            if not ids or seen & set(ids) or not all(0 <= i < self.config.vocab_size for i in ids):
                raise RnnkitError("word classes must be disjoint, non-empty lists of known word ids")
            seen |= set(ids)
            index = torch.tensor(list(ids))
            pool[index.unsqueeze(1), index] = 1.0 / len(ids)  # (|c|, |c|) block of the class mean
        self.class_pool.copy_(pool)

    def memory(self, feats: torch.Tensor) -> Memory:
        """Precompute what every step reads from the image features ``(N, L, D)``."""
        if feats.shape[1] != self.config.locations:
            raise RnnkitError(
                f"the image gives {feats.shape[1]} feature locations, the model was built for "
                f"{self.config.locations} (another image size?)"
            )
        keys = self.attention.keys(feats) if self.config.attention else None  # (N, L, A)
        return Memory(feats, feats.flatten(1), feats.mean(dim=1), keys)  # (N, L*D), (N, D)

    def _cell(self, x: torch.Tensor, state: State | None) -> State:
        return self.cell(x, state)

    def _attend(
        self, memory: Memory, h: torch.Tensor, coverage: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Soft attention: context ``(N, D)`` and map ``alpha`` ``(N, L)`` summing to 1."""
        assert memory.keys is not None
        context, alpha = self.attention(h, memory.feats, memory.keys, coverage=coverage)  # (N, D), (N, L)
        return torch.sigmoid(self.att_gate(h)) * context, alpha

    def _hidden(self, state: State) -> torch.Tensor:
        return state[0] if isinstance(state, tuple) else state

    def _split(self, state: State) -> tuple[State, torch.Tensor | None]:
        """The cell's state and the coverage ``(N, L)`` (None without coverage): with coverage the
        decoder state is the flat tuple ``(h, [c,] coverage)``, so that search reorders it as one."""
        if not self.config.coverage:
            return state, None
        *cell, coverage = state
        return (tuple(cell) if self.is_lstm else cell[0]), coverage

    def _join(self, cell: State, coverage: torch.Tensor | None) -> State:
        if coverage is None:
            return cell
        return (*cell, coverage) if isinstance(cell, tuple) else (cell, coverage)

    def init_state(self, memory: Memory) -> State:
        """The state before the first word: from the image (``init``) or after reading it (``first``);
        with coverage, nothing attended yet (zeros ``(N, L)``)."""
        coverage = memory.feats.new_zeros(memory.feats.shape[:2]) if self.config.coverage else None
        if self.config.inject == "init":
            h = torch.tanh(self.init_h(memory.vector))  # (N, H)
            if self.is_lstm:
                return self._join((h, torch.tanh(self.init_c(memory.vector))), coverage)
            return self._join(h, coverage)
        x = self.image_in(memory.vector)  # (N, E)
        if self.config.attention:
            # the image step attends uniformly: the mean feature is the context
            x = torch.cat([x, memory.mean], dim=1)  # (N, E + D)
        return self._join(self._cell(x, None), coverage)

    def step(
        self, words: torch.Tensor, state: State, memory: Memory
    ) -> tuple[torch.Tensor, State, torch.Tensor | None]:
        """One word: ``words`` ``(N,)`` -> logits ``(N, V)``, the new state, attention ``(N, L)`` or None."""
        x = self.embed(words)  # (N, E)
        alpha = context = None
        cell, coverage = self._split(state)
        if self.config.attention:
            context, alpha = self._attend(memory, self._hidden(cell), coverage)
            x = torch.cat([x, context], dim=1)  # (N, E + D)
            if coverage is not None:
                coverage = coverage + alpha  # (N, L)
        cell = self._cell(x, cell)
        hidden = self.drop(self._hidden(cell))  # (N, H)
        if self.training and self.config.state_drop > 0:
            keep = torch.rand(len(hidden), 1, device=hidden.device) >= self.config.state_drop  # (N, 1)
            hidden = hidden * keep / (1 - self.config.state_drop)
        if self.config.word_classes:
            by_state = nn.functional.linear(hidden, self.out.weight) @ self.class_pool.T  # (N, V): P W_o h
            logits = by_state + self.out.bias
        else:
            logits = self.out(hidden)  # (N, V)
        if context is not None and self.config.deep_output:
            logits = logits + self.out_context(self.drop(context))  # the seen object votes directly
        return logits, self._join(cell, coverage), alpha

    def forward(
        self, feats: torch.Tensor, captions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        memory = self.memory(feats)
        state = self.init_state(memory)
        inputs = captions[:, :-1]  # (N, T-1): teacher forcing, read word t, predict word t+1
        if self.training and self.config.word_dropout > 0:
            inputs = drop_words(inputs, self.config.word_dropout)
        logits, alphas = [], []
        for t in range(inputs.shape[1]):
            step_logits, state, alpha = self.step(inputs[:, t], state, memory)
            logits.append(step_logits)
            if alpha is not None:
                alphas.append(alpha)
        out = torch.stack(logits, dim=1)  # (N, T-1, V)
        return out, (torch.stack(alphas, dim=1) if alphas else None)  # (N, T-1, L)


def drop_words(words: torch.Tensor, p: float) -> torch.Tensor:
    """Word dropout: each word of ``words`` ``(N, T)`` becomes ``<unk>`` with probability ``p``, except
    ``<start>`` and ``<pad>`` (the first input says where the caption begins; padding is not read)."""
    hit = torch.rand(words.shape, device=words.device) < p  # (N, T)
    hit &= (words != START) & (words != PAD)
    return words.masked_fill(hit, UNK)


def _load_legacy_names(state_dict: dict, prefix: str, *args: object) -> None:
    """``load_state_dict`` pre-hook: rename old attention weights in place (see :func:`rename_legacy`)."""
    renamed = rename_legacy(state_dict, prefix)
    if list(renamed) != list(state_dict):
        state_dict.clear()
        state_dict.update(renamed)


class CaptionModel(nn.Module):
    """Encoder + decoder. With a frozen encoder, ``encoder`` is None and inputs are cached features.

    Inputs: images ``(N, 3, S, S)`` uint8 (or features ``(N, L, D)`` when ``encoder`` is None) and
    captions ``(N, T)``. Outputs: as :class:`CaptionDecoder`.

    ``located``: the per-location shape and colour head (:class:`~rnnkit.caption.located.LocatedHead`)
    of a model trained on scenes with the located loss, or None; decoding uses it to check what a
    caption names against what the image shows (:mod:`rnnkit.caption.check`).
    """

    def __init__(
        self, encoder: nn.Module | None, decoder: CaptionDecoder, located: nn.Module | None = None
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.located = located

    def features(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.float() if self.encoder is None else self.encoder(inputs)  # (N, L, D)

    def forward(
        self, inputs: torch.Tensor, captions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        return self.decoder(self.features(inputs), captions)


def start_tokens(n: int, device: torch.device) -> torch.Tensor:
    return torch.full((n,), START, dtype=torch.long, device=device)
