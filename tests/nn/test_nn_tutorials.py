"""Three well-known PyTorch examples with torch.nn's RNN/GRU/LSTM swapped for rnnkit's, run side by side.

1. the char-RNN name classifier: ``nn.RNN`` stepped one character at a time, ``hidden = torch.zeros(...)``
   passed in and back;
2. the seq2seq-with-attention tutorial: ``nn.GRU`` encoder and decoder, ``batch_first=True``,
   ``nn.Embedding``, teacher forcing, ``pack_padded_sequence(..., enforce_sorted=False)`` and
   ``pad_packed_sequence``;
3. an LSTM text classifier: bidirectional, two layers, ``dropout=0.3``, ``proj_size``, packed input,
   ``h_n[-2:]`` as the sentence's features.

Each trains a few steps from the same seed with torch.nn and with rnnkit: the same initial weights, the
same losses step by step (so the same outputs, shapes and dtypes), falling; then what a tutorial's
reader does next with the model: state dict into a torch.nn twin and back, ``torch.save`` of the whole
model, ``copy.deepcopy``, ``torch.jit.trace``.
"""

from __future__ import annotations

import copy
import io
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnkit
import rnnkit.nn
from rnnkit.utils.errors import InputTypeError, RnnkitError, ShapeError

LIBRARIES = {"torch.nn": nn, "rnnkit": rnnkit}


# ---------------------------------------------------------------- 1. char-RNN classifier
class CharRNN(nn.Module):
    def __init__(self, lib, n_letters: int, hidden: int, n_categories: int) -> None:
        super().__init__()
        self.hidden_size = hidden
        self.rnn = lib.RNN(n_letters, hidden)
        self.h2o = nn.Linear(hidden, n_categories)

    def forward(self, line: torch.Tensor) -> torch.Tensor:  # line (L, 1, n_letters), one-hot
        hidden = torch.zeros(1, line.size(1), self.hidden_size, dtype=line.dtype)
        for i in range(line.size(0)):
            _, hidden = self.rnn(line[i].unsqueeze(0), hidden)
        return F.log_softmax(self.h2o(hidden[0]), dim=1)


LETTERS = "abcdefghijklmnopqrstuvwxyz"
NAMES = {"English": ["smith", "jones", "brown"], "Italian": ["rossi", "russo", "ferrari"], "Japanese": ["sato", "suzuki", "tanaka"]}  # fmt: skip


def one_hot(name: str) -> torch.Tensor:
    line = torch.zeros(len(name), 1, len(LETTERS))
    for i, letter in enumerate(name):
        line[i, 0, LETTERS.index(letter)] = 1
    return line


def train_char_rnn(lib) -> tuple[nn.Module, list[float], torch.Tensor]:
    torch.manual_seed(0)
    model = CharRNN(lib, len(LETTERS), 16, len(NAMES))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(8):
        total = 0.0
        for category, names in enumerate(NAMES.values()):
            for name in names:
                out = model(one_hot(name))
                loss = F.nll_loss(out, torch.tensor([category]))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.item()
        losses.append(total)
    return model, losses, out


# ---------------------------------------------------------------- 2. seq2seq with attention
VOCAB, HIDDEN, SOS = 12, 16, 0


class Encoder(nn.Module):
    def __init__(self, lib) -> None:
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, HIDDEN)
        self.gru = lib.GRU(HIDDEN, HIDDEN, batch_first=True)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, hidden = self.gru(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.size(1))
        return out, hidden


class BahdanauAttention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.Wa, self.Ua, self.Va = nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, 1)

    def forward(self, query: torch.Tensor, keys: torch.Tensor):
        scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys))).squeeze(2).unsqueeze(1)
        weights = F.softmax(scores, dim=-1)
        return torch.bmm(weights, keys), weights


class AttnDecoder(nn.Module):
    def __init__(self, lib) -> None:
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, HIDDEN)
        self.attention = BahdanauAttention()
        self.gru = lib.GRU(2 * HIDDEN, HIDDEN, batch_first=True)
        self.out = nn.Linear(HIDDEN, VOCAB)

    def forward(self, memory: torch.Tensor, hidden: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        token = torch.full((memory.size(0), 1), SOS, dtype=torch.long)
        outputs = []
        for i in range(target.size(1)):
            context, _ = self.attention(hidden.permute(1, 0, 2), memory)
            out, hidden = self.gru(torch.cat((self.embedding(token), context), dim=2), hidden)
            outputs.append(self.out(out))
            token = target[:, i].unsqueeze(1)  # teacher forcing
        return F.log_softmax(torch.cat(outputs, dim=1), dim=-1)


class Seq2Seq(nn.Module):
    def __init__(self, lib) -> None:
        super().__init__()
        self.encoder, self.decoder = Encoder(lib), AttnDecoder(lib)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        memory, hidden = self.encoder(tokens, lengths)
        return self.decoder(memory, hidden, target)


def seq2seq_batch() -> tuple[torch.Tensor, ...]:
    torch.manual_seed(0)
    tokens = torch.randint(1, VOCAB, (4, 7))
    return tokens, torch.tensor([7, 3, 5, 2]), torch.flip(tokens[:, :5], [1])


def train_seq2seq(lib) -> tuple[nn.Module, list[float], torch.Tensor]:
    tokens, lengths, target = seq2seq_batch()
    torch.manual_seed(0)
    model = Seq2Seq(lib)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(15):
        out = model(tokens, lengths, target)
        loss = F.nll_loss(out.reshape(-1, VOCAB), target.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses, out


# ---------------------------------------------------------------- 3. LSTM text classifier
class TextClassifier(nn.Module):
    def __init__(self, lib) -> None:
        super().__init__()
        self.embedding = nn.Embedding(20, 8, padding_idx=0)
        self.lstm = lib.LSTM(
            8, 12, num_layers=2, bidirectional=True, dropout=0.3, batch_first=True, proj_size=6
        )
        self.fc = nn.Linear(2 * 6, 2)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return self.fc(torch.cat((h_n[-2], h_n[-1]), dim=1))  # the last layer's two directions


def classifier_batch() -> tuple[torch.Tensor, ...]:
    torch.manual_seed(0)
    tokens = torch.randint(1, 20, (8, 9))
    lengths = torch.tensor([9, 4, 6, 2, 9, 3, 7, 5])
    for row, length in enumerate(lengths):
        tokens[row, length:] = 0
    return tokens, lengths, (tokens[:, 0] > 10).long()


def train_classifier(lib) -> tuple[nn.Module, list[float], torch.Tensor]:
    tokens, lengths, labels = classifier_batch()
    torch.manual_seed(0)
    model = TextClassifier(lib)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(10):
        out = model(tokens, lengths)
        loss = F.cross_entropy(out, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses, out


# ---------------------------------------------------------------- the three, side by side
PORTS = {
    "char_rnn": (train_char_rnn, lambda lib: CharRNN(lib, len(LETTERS), 16, len(NAMES)), lambda: (one_hot("sato"),)),
    "seq2seq": (train_seq2seq, Seq2Seq, lambda: seq2seq_batch()),
    "classifier": (train_classifier, TextClassifier, lambda: classifier_batch()[:2]),
}  # fmt: skip


@pytest.mark.parametrize("port", list(PORTS))
def test_the_port_trains_as_the_torch_nn_original(port: str) -> None:
    train = PORTS[port][0]
    theirs, their_losses, their_out = train(nn)
    ours, our_losses, our_out = train(rnnkit)
    assert our_out.shape == their_out.shape and our_out.dtype == their_out.dtype
    torch.testing.assert_close(torch.tensor(our_losses), torch.tensor(their_losses), rtol=1e-4, atol=1e-5)
    assert our_losses[-1] < 0.6 * our_losses[0]  # it learns
    # the trained weights go into the torch.nn model and back, strictly, and compute the same
    twin = PORTS[port][1](nn)
    twin.load_state_dict(ours.state_dict(), strict=True)
    ours.load_state_dict(twin.state_dict(), strict=True)
    assert [name for name, _ in ours.named_parameters()] == [name for name, _ in theirs.named_parameters()]
    example = PORTS[port][2]()
    ours.eval(), twin.eval()
    torch.testing.assert_close(ours(*example), twin(*example))


@pytest.mark.parametrize("port", list(PORTS))
def test_the_whole_port_saves_copies_and_traces(port: str) -> None:
    _, build, example = PORTS[port]
    torch.manual_seed(0)
    model = build(rnnkit).eval()
    args = example()
    want = model(*args)
    buffer = io.BytesIO()
    torch.save(model, buffer)  # the whole module, as torch users do
    buffer.seek(0)
    torch.testing.assert_close(torch.load(buffer, weights_only=False)(*args), want)
    torch.testing.assert_close(copy.deepcopy(model)(*args), want)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own deprecation and tracer warnings
        traced = torch.jit.trace(model, args, check_trace=False)
    torch.testing.assert_close(traced(*args), want)


@pytest.mark.parametrize("port", list(PORTS))
def test_torch_jit_script_of_the_port_says_why_in_one_line(port: str) -> None:
    # TorchScript's parser used to stop several lines deep at a comprehension inside rnnkit
    model = PORTS[port][1](rnnkit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(
            RnnkitError, match=r"torch\.jit\.script cannot compile rnnkit's (RNN|GRU|LSTM) layer"
        ) as caught:
            torch.jit.script(model)
    message = str(caught.value)
    assert "\n" not in message and "torch.export" in message and "state_dict()" in message


def test_torch_jit_script_of_the_mgu_names_no_torch_nn_twin() -> None:
    with pytest.raises(RnnkitError, match="MGU layer") as caught:
        torch.jit.script(rnnkit.nn.make_layer("mgu", 3, 4))
    assert "torch.nn.MGU" not in str(caught.value)


@pytest.mark.parametrize("port", list(PORTS))
def test_jit_trace_of_the_port_gives_no_tracer_warning_from_the_input_checks(port: str) -> None:
    # each size comparison of the input checks warned "Converting a tensor to a Python boolean might
    # cause the trace to be incorrect", pointing into rnnkit, where torch.nn's packed layers are quiet
    model = PORTS[port][1](rnnkit).eval()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.jit.trace(model, PORTS[port][2](), check_trace=False)
    checks = [w for w in caught if w.filename.endswith(("nn/validate.py", "nn/layers.py"))]
    assert not checks, [f"{w.filename}:{w.lineno}: {w.message}" for w in checks]


def test_a_traced_layer_runs_another_batch_size_as_before() -> None:
    torch.manual_seed(0)
    lstm = rnnkit.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True).eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(lstm, (torch.randn(2, 5, 3),), check_trace=False)
    x = torch.randn(6, 5, 3)
    torch.testing.assert_close(traced(x), lstm(x))


def test_input_checks_still_refuse_under_jit_trace() -> None:
    with pytest.raises(RnnkitError, match="input feature size 3; got 4"):
        torch.jit.trace(rnnkit.GRU(3, 4), (torch.randn(5, 2, 4),), check_trace=False)


@pytest.mark.parametrize(
    "build", [lambda: rnnkit.GRU(4, 6), lambda: rnnkit.RNN(4, 6), lambda: rnnkit.nn.make_layer("mgu", 4, 6)]
)
@pytest.mark.parametrize("hx", [(torch.zeros(1, 3, 6), torch.zeros(1, 3, 6)), [torch.zeros(1, 3, 6)]])
def test_a_state_without_a_cell_given_a_pair_or_list_says_it_takes_one_tensor(build, hx) -> None:
    # the LSTM's (h_0, c_0) habit carried to a GRU: the message said only "must be a tensor; got tuple"
    layer = build()
    with pytest.raises(InputTypeError, match=rf"{layer.kind} initial state must be one tensor h_0 \(the {layer.kind} has no cell state c_0\); got a (tuple of 2|list of 1)"):  # fmt: skip
        layer(torch.randn(5, 3, 4), hx)


def test_a_batch_first_state_says_batch_first_is_not_for_states() -> None:
    # the tutorials' trap: with batch_first=True, h_0 built as (N, num_layers, H)
    lstm = rnnkit.LSTM(4, 6, num_layers=2, batch_first=True)
    with pytest.raises(ShapeError, match=r"expected \(2, 3, 6\) .*batch_first=True lays out the input and output, not the states"):  # fmt: skip
        lstm(torch.randn(3, 5, 4), (torch.zeros(3, 2, 6), torch.zeros(3, 2, 6)))
    with pytest.raises(ShapeError) as caught:  # time-major layers have nothing to say about it
        rnnkit.LSTM(4, 6, num_layers=2)(torch.randn(5, 3, 4), (torch.zeros(3, 2, 6), torch.zeros(3, 2, 6)))
    assert "batch_first" not in str(caught.value)


@pytest.mark.parametrize("port", list(PORTS))
def test_the_port_prints_and_hooks_as_the_torch_nn_original(port: str) -> None:
    build, example = PORTS[port][1], PORTS[port][2]
    seen: dict[str, list[str]] = {}
    for name, lib in LIBRARIES.items():
        model = build(lib)
        calls = seen.setdefault(name, [repr(model)])
        for module in model.modules():
            if type(module).__name__ in ("RNN", "GRU", "LSTM"):
                module.register_forward_hook(
                    lambda m, args, out, calls=calls: calls.append(type(out[1]).__name__)
                )
        model(*example())
    assert seen["rnnkit"] == seen["torch.nn"]
