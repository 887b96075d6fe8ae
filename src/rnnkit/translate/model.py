"""The encoder-decoder: a recurrent encoder, a bridge, and an attentional decoder that steps cells.

Shape legend: N batch, S source length, T target length, E embedding size, H hidden size, L layers,
V vocabulary size.

Encoder: ``memory, final = RNN(embed(x))`` over the true lengths (``rnnkit.nn.make_layer``). A
bidirectional encoder uses ``H/2`` units per direction, so its outputs and final states have size H
and every attention score compares vectors of one size.

Bridge: ``s_0^l = tanh(W_b h_final^l + b_b)`` for each layer ``l`` (LSTM cell states through their own
linear map, without tanh, since a cell state is unbounded).

Decoder step t (Luong et al., 2015, with input feeding):

- ``x_t = [embed(y_{t-1}); h~_{t-1}]`` (input feeding: the last attentional state goes back in)
- ``s_t^l = cell_l(x_t^l, s_{t-1}^l)`` for each layer, dropout between layers
- ``c_t, a_t = attention(s_t^L, memory)``
- ``h~_t = tanh(W_c [c_t; s_t^L])`` (or ``h~_t = s_t^L`` without attention)
- ``p(y_t | y_<t, x) = softmax(W_o dropout(h~_t))``; with tied embeddings (Press & Wolf, 2017)
  ``W_o = E_tgt`` (V, E), the decoder's own embedding matrix, read through ``P`` (E, H) when
  ``E != H``: ``softmax(E_tgt P dropout(h~_t) + b)``. One matrix then learns both what a token means
  as input and when to emit it, which saves ``V x H`` parameters and helps on small data.

Model files do no I/O; :mod:`rnnkit.translate.training` builds, trains and saves this module.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
from torch import nn

from rnnkit.nn import CELL_TYPES, make_cell, make_layer
from rnnkit.nn.attention import ATTENTION_TYPES, make_attention
from rnnkit.translate.tokenizer import BOS, PAD
from rnnkit.utils.errors import RnnkitError


@dataclass
class Seq2SeqConfig:
    """Architecture of :class:`Seq2Seq` (saved in the model folder's ``config.json``)."""

    src_vocab: int
    tgt_vocab: int
    cell: str = "lstm"
    embed_size: int = 128
    hidden_size: int = 256
    num_layers: int = 1
    bidirectional: bool = True
    attention: str = "bahdanau"
    luong_score: str = "general"
    input_feeding: bool = True
    dropout: float = 0.2
    tie_embeddings: bool = False

    def check(self) -> Seq2SeqConfig:
        if self.cell not in CELL_TYPES:
            raise RnnkitError(f"unknown cell {self.cell!r}; known: {', '.join(CELL_TYPES)}")
        if self.attention not in ATTENTION_TYPES:
            raise RnnkitError(f"unknown attention {self.attention!r}; known: {', '.join(ATTENTION_TYPES)}")
        if self.bidirectional and self.hidden_size % 2:
            raise RnnkitError(f"a bidirectional encoder needs an even --hidden-size (got {self.hidden_size})")
        if min(self.embed_size, self.hidden_size, self.num_layers) < 1:
            raise RnnkitError("--embed-size, --hidden-size and --num-layers must be positive")
        if not 0.0 <= self.dropout < 1.0:
            raise RnnkitError(f"--dropout must be in [0, 1) (got {self.dropout})")
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Seq2SeqConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known}).check()


@dataclass
class DecoderState:
    """Everything one decoding step needs, batched along dim 0 (beam search reorders it).

    hidden: per layer ``(h,)`` or ``(h, c)``, each (N, H); feed: h~ of the last step (N, H);
    memory, keys: (N, S, H); mask: (N, S) bool.
    """

    hidden: list[tuple[torch.Tensor, ...]]
    feed: torch.Tensor
    memory: torch.Tensor
    keys: torch.Tensor
    mask: torch.Tensor

    def select(self, rows: torch.Tensor) -> DecoderState:
        """Rows ``rows`` of every tensor (beam search keeps the surviving hypotheses; the state
        protocol of :mod:`rnnkit.nn.search`)."""
        pick = lambda t: t.index_select(0, rows)  # noqa: E731
        return DecoderState(
            hidden=[tuple(pick(t) for t in layer) for layer in self.hidden],
            feed=pick(self.feed),
            memory=pick(self.memory),
            keys=pick(self.keys),
            mask=pick(self.mask),
        )

    index_select = select  # the name before the search moved to rnnkit.nn.search


class Encoder(nn.Module):
    """Embedding + recurrent layer over the true lengths; returns memory (N, S, H) and final states."""

    def __init__(self, cfg: Seq2SeqConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.directions = 2 if cfg.bidirectional else 1
        self.embed = nn.Embedding(cfg.src_vocab, cfg.embed_size, padding_idx=PAD)
        self.dropout = nn.Dropout(cfg.dropout)
        self.rnn = make_layer(
            cfg.cell,
            cfg.embed_size,
            cfg.hidden_size // self.directions,
            num_layers=cfg.num_layers,
            batch_first=True,
            dropout=cfg.dropout if cfg.num_layers > 1 else 0.0,
            bidirectional=cfg.bidirectional,
        )

    def _merge(self, h: torch.Tensor) -> torch.Tensor:
        """(L*D, N, H/D) -> (L, N, H): join the directions of each layer."""
        n = h.shape[1]
        h = h.view(self.cfg.num_layers, self.directions, n, -1)  # (L, D, N, H/D)
        return h.permute(0, 2, 1, 3).reshape(self.cfg.num_layers, n, -1)  # (L, N, H)

    def forward(
        self, src: torch.Tensor, lengths: torch.Tensor
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        x = self.dropout(self.embed(src))  # (N, S, E)
        memory, final = self.rnn(x, lengths=lengths.cpu())  # (N, S, H)
        finals = final if isinstance(final, tuple) else (final,)
        return memory, tuple(self._merge(f) for f in finals)  # each (L, N, H)


class Decoder(nn.Module):
    """Stacked cells stepped one token at a time, attention, input feeding and the output layer."""

    def __init__(self, cfg: Seq2SeqConfig) -> None:
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden_size
        self.embed = nn.Embedding(cfg.tgt_vocab, cfg.embed_size, padding_idx=PAD)
        self.dropout = nn.Dropout(cfg.dropout)
        first_in = cfg.embed_size + (h if cfg.input_feeding else 0)
        self.cells = nn.ModuleList(
            make_cell(cfg.cell, first_in if layer == 0 else h, h) for layer in range(cfg.num_layers)
        )
        self.bridge_h = nn.Linear(h, h)
        self.bridge_c = nn.Linear(h, h) if cfg.cell == "lstm" else None
        self.attention = make_attention(cfg.attention, h, cfg.luong_score)
        self.combine = nn.Linear(2 * h, h, bias=False) if self.attention is not None else None
        if cfg.tie_embeddings:
            self.out_proj = nn.Linear(h, cfg.embed_size, bias=False) if h != cfg.embed_size else None
            self.out = nn.Linear(cfg.embed_size, cfg.tgt_vocab)
            self.out.weight = self.embed.weight  # (V, E), shared
        else:
            self.out_proj = None
            self.out = nn.Linear(h, cfg.tgt_vocab)

    def init_state(
        self, memory: torch.Tensor, final: tuple[torch.Tensor, ...], mask: torch.Tensor
    ) -> DecoderState:
        """The bridge: encoder final states (L, N, H) become the decoder's first states."""
        h0 = torch.tanh(self.bridge_h(final[0]))  # (L, N, H)
        if self.bridge_c is not None:
            c0 = self.bridge_c(final[1])  # (L, N, H)
            hidden = [(h0[layer], c0[layer]) for layer in range(self.cfg.num_layers)]
        else:
            hidden = [(h0[layer],) for layer in range(self.cfg.num_layers)]
        keys = self.attention.keys(memory) if self.attention is not None else memory
        feed = memory.new_zeros(memory.shape[0], self.cfg.hidden_size)  # (N, H)
        return DecoderState(hidden=hidden, feed=feed, memory=memory, keys=keys, mask=mask)

    def step(
        self, y_prev: torch.Tensor, state: DecoderState
    ) -> tuple[torch.Tensor, DecoderState, torch.Tensor | None]:
        """One token: y_prev (N,) -> h~ (N, H), the new state, attention weights (N, S) or None."""
        x = self.dropout(self.embed(y_prev))  # (N, E)
        if self.cfg.input_feeding:
            x = torch.cat([x, state.feed], dim=-1)  # (N, E + H)
        hidden = []
        for layer, cell in enumerate(self.cells):
            prev = state.hidden[layer]
            new = cell(x, prev if len(prev) == 2 else prev[0])
            new = new if isinstance(new, tuple) else (new,)
            hidden.append(new)
            x = self.dropout(new[0]) if layer + 1 < len(self.cells) else new[0]  # (N, H)
        weights = None
        if self.attention is not None:
            context, weights = self.attention(x, state.memory, state.keys, state.mask)  # (N, H), (N, S)
            x = torch.tanh(self.combine(torch.cat([context, x], dim=-1)))  # (N, H)
        new_state = DecoderState(hidden, x, state.memory, state.keys, state.mask)
        return x, new_state, weights

    def logits(self, h_tilde: torch.Tensor) -> torch.Tensor:
        x = self.dropout(h_tilde)  # (..., H)
        if self.out_proj is not None:
            x = self.out_proj(x)  # (..., E)
        return self.out(x)  # (..., V)


class Seq2Seq(nn.Module):
    """Encoder + bridge + attentional decoder.

    Inputs: src (N, S) ids padded with 0, src_len (N,), tgt_in (N, T) = bos + target ids (teacher forcing).
    Outputs: logits (N, T, V).
    """

    def __init__(self, cfg: Seq2SeqConfig) -> None:
        super().__init__()
        self.cfg = cfg.check()
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)

    def start(self, src: torch.Tensor, src_len: torch.Tensor) -> DecoderState:
        """Encode a batch and return the decoder's first state."""
        memory, final = self.encoder(src, src_len)  # (N, S, H)
        mask = torch.arange(src.shape[1], device=src.device)[None, :] < src_len.to(src.device)[:, None]
        return self.decoder.init_state(memory, final, mask)

    def step(
        self, y_prev: torch.Tensor, state: DecoderState
    ) -> tuple[torch.Tensor, DecoderState, torch.Tensor | None]:
        """Log-probabilities of the next token (N, V), the new state and the attention weights."""
        h_tilde, state, weights = self.decoder.step(y_prev, state)
        return torch.log_softmax(self.decoder.logits(h_tilde), dim=-1), state, weights

    def forward(
        self, src: torch.Tensor, src_len: torch.Tensor, tgt_in: torch.Tensor, teacher_forcing: float = 1.0
    ) -> torch.Tensor:
        state = self.start(src, src_len)
        steps = tgt_in.shape[1]
        if teacher_forcing >= 1.0:
            outs = []
            for t in range(steps):
                h_tilde, state, _ = self.decoder.step(tgt_in[:, t], state)
                outs.append(h_tilde)
            return self.decoder.logits(torch.stack(outs, dim=1))  # (N, T, V)
        # Scheduled sampling per sentence: with probability 1 - ratio, feed the model's own last guess.
        logits, y = [], tgt_in[:, 0]
        for t in range(steps):
            h_tilde, state, _ = self.decoder.step(y, state)
            step_logits = self.decoder.logits(h_tilde)  # (N, V)
            logits.append(step_logits)
            if t + 1 < steps:
                use_gold = torch.rand(y.shape[0], device=y.device) < teacher_forcing
                y = torch.where(use_gold, tgt_in[:, t + 1], step_logits.argmax(-1).detach())
        return torch.stack(logits, dim=1)  # (N, T, V)


def bos_column(n: int, device: torch.device | str = "cpu") -> torch.Tensor:
    return torch.full((n,), BOS, dtype=torch.long, device=device)
