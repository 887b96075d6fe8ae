"""The "inside the cells" page's door into :mod:`rnnkit.nn` and :mod:`rnnkit.explain`.

Two kinds of input:

- ``text``: a sentence, cut into the shipped translator's subword pieces and embedded with its trained
  embedding ``(L, E)``. Those vectors feed three small layers (``rnnkit.RNN``, ``LSTM``, ``GRU``,
  :data:`limits.CELLS_HIDDEN` units, seeded, untrained) and the translator's own trained GRU encoder
  (its forward direction).
- ``numbers``: the adding problem (``rnnkit.explain.memory_tasks``): numbers in [0, 1], the two to add
  marked with ``*``. Each step is ``(value, marker)``. The layers are the explain models found under
  ``--models`` (``rnnkit explain gates`` writes one, ``explain gradient-flow --out`` one per cell) or, for a cell without one, a
  seeded untrained layer; each layer says which it is.

Every state comes from the layer's ``return_gates=True``: ``h`` (the output), and per cell its gates
(LSTM: ``input, forget, cell, output`` and the cell state ``c``; GRU: ``reset, update, new``), as
``(units, steps)`` lists for the heat maps.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import torch

from rnnkit.nn.names import CELL_TYPES
from rnnkit.serve import limits
from rnnkit.serve.adapt_translate import TranslateAdapter, corpus_sentences
from rnnkit.serve.registry import load_listed
from rnnkit.utils.errors import RnnkitError

# The lecture's three cells, from the one list of cell names (MGU is rnnkit's extra, not the lecture's).
CELLS = tuple(c for c in CELL_TYPES if c != "mgu")
GATES = {"rnn": (), "lstm": ("input", "forget", "cell", "output", "c"), "gru": ("reset", "update", "new")}
SEED = 0


@dataclass
class Layer:
    """A recurrent layer shown on the page: its name, cell type, whether trained, and a note."""

    name: str
    cell: str
    module: torch.nn.Module
    trained: bool
    note: str
    units: int  # shown units: the forward direction's
    head: torch.nn.Module | None = None  # the read-out of an adding-problem layer (gradient flow)


def seeded_layer(cell: str, input_size: int, hidden: int) -> torch.nn.Module:
    """An untrained ``rnnkit`` layer with torch's default initialisation drawn from a fixed seed."""
    from rnnkit.nn import make_layer

    with torch.random.fork_rng(devices=[]):  # the process's random state is left as it was
        torch.manual_seed(SEED)
        return make_layer(cell, input_size, hidden, batch_first=True).eval()


def seeded_head(hidden: int) -> torch.nn.Module:
    """An untrained read-out ``hidden -> 1`` drawn from the fixed seed."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED + 1)
        return torch.nn.Linear(hidden, 1)


class Readout(torch.nn.Module):
    """A layer and its read-out of the last step: ``(N, L, F) -> (N,)``, the adding problem's model."""

    def __init__(self, layer: torch.nn.Module, head: torch.nn.Module) -> None:
        super().__init__()
        self.layer, self.head = layer, head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.layer(x)  # (N, L, H)
        return self.head(out[:, -1]).squeeze(-1)  # (N,)


DECIMAL_COMMA = re.compile(r"\*?[-+]?\d+,\d+")  # one number written with a decimal comma: *0,7


def parse_numbers(text: object) -> torch.Tensor:
    """``"0.3 *0.7 0.1 *0.5"`` -> ``(1, L, 2)``: values and markers of the adding problem."""
    if not isinstance(text, str) or not text.strip():
        raise RnnkitError("give numbers separated by spaces or commas, the two to add marked with *")
    words = text.split()
    # "0,2 *0,7 0,1" read as 0, 2, *0, 7, 0, 1: six steps, one marked, two out of range, drawn without a
    # word that the numbers typed were not the numbers read
    comma = next((w for w in words if DECIMAL_COMMA.fullmatch(w)), None) if len(words) > 1 else None
    if comma is not None:
        raise RnnkitError(
            f"{comma[:20]!r} reads as two numbers here (a comma separates numbers); write a decimal "
            f"with a point: {comma[:20].replace(',', '.')}"
        )
    parts = text.replace(",", " ").split()
    if len(parts) > limits.MAX_NUMBERS:
        raise RnnkitError(f"too many numbers: {len(parts)} (at most {limits.MAX_NUMBERS})")
    rows = []
    for part in parts:
        marked = part.startswith("*")
        try:
            value = float(part[1:] if marked else part)
        except ValueError:
            raise RnnkitError(f"not a number: {part[:20]!r}") from None
        if not -1e3 <= value <= 1e3:
            raise RnnkitError(f"number out of range [-1000, 1000]: {part[:20]}")
        rows.append((value, 1.0 if marked else 0.0))
    return torch.tensor(rows, dtype=torch.float32).unsqueeze(0)  # (1, L, 2)


@torch.no_grad()
def traces(layer: Layer, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Every state of ``layer`` over ``x`` ``(N, L, F)``: ``{name: (N, L, units)}``."""
    out, _, gates = layer.module(x, return_gates=True)  # out (N, L, D*H)
    found = {"h": out[..., : layer.units]}
    for name in GATES[layer.cell]:
        found[name] = getattr(gates, name)[0][..., : layer.units]  # first layer: (N, L, units)
    return found


class CellsAdapter:
    """Builds the page's layers once and keeps them, with the span-search data set's states."""

    def __init__(self, translate: TranslateAdapter, explain_folders: dict[str, object]) -> None:
        self.translate = translate
        self.explain_folders = explain_folders  # cell -> folder of a trained adding-problem model
        self._layers: dict[str, list[Layer]] = {}
        self._corpus: dict[tuple[str, str], tuple[list[list[str]], dict[str, torch.Tensor]]] = {}
        self._lock = threading.Lock()

    # -- the layers ---------------------------------------------------------------------------------
    def layers(self, kind: str) -> list[Layer]:
        with self._lock:
            if kind not in self._layers:
                self._layers[kind] = self._build(kind)
            return self._layers[kind]

    def _build(self, kind: str) -> list[Layer]:
        if kind == "text":
            _, encoder, cfg = self.translate.embed(None, ["a"])
            size = int(cfg["embed_size"])
            out = [
                Layer(c, c, seeded_layer(c, size, limits.CELLS_HIDDEN), False,
                      f"untrained (seed {SEED}), fed the translator's trained embeddings", limits.CELLS_HIDDEN)
                for c in CELLS
            ]  # fmt: skip
            units = encoder.hidden_size
            out.append(Layer("translator encoder", str(cfg["cell"]), encoder.eval(), True,
                             "trained: the shipped translator's encoder, forward direction", units))  # fmt: skip
            return out
        if kind == "numbers":
            return [self._task_layer(c) for c in CELLS]
        raise RnnkitError(f"unknown kind {str(kind)[:20]!r}; known: text, numbers")

    def _task_layer(self, cell: str) -> Layer:
        folder = self.explain_folders.get(cell)
        if folder is not None:
            from rnnkit.explain.gates import load_task_model

            model, cfg = load_listed(folder, load_task_model)
            return Layer(cell, cell, model.rnn.eval(), True,
                         f"trained on the adding problem (length {cfg['length']})", model.rnn.hidden_size,
                         model.head)  # fmt: skip
        # which cell is missing and what trains it: 'pass --models with an explain model' was said beside
        # a served trained lstm, and of the rnn, which explain gates cannot train (lstm and gru only)
        why = (f"no trained {cell} is served; the --out of rnnkit explain gradient-flow (or memory) holds "
               f"one, trained on the adding problem, for --models")  # fmt: skip
        return Layer(cell, cell, seeded_layer(cell, 2, limits.CELLS_HIDDEN), False,
                     f"untrained (seed {SEED}): {why}", limits.CELLS_HIDDEN,
                     seeded_head(limits.CELLS_HIDDEN))  # fmt: skip

    def inputs(self, kind: str, text: object) -> tuple[list[str], torch.Tensor]:
        """Token labels and the input ``(1, L, F)`` of a sentence or a number sequence."""
        if kind == "text":
            from rnnkit.serve.adapt_translate import check_text

            ((pieces, vectors),), _, _ = self.translate.embed(None, [check_text(text)])
            return pieces, vectors.unsqueeze(0)
        if kind == "numbers":
            x = parse_numbers(text)
            labels = [f"{'*' if m else ''}{v:g}" for v, m in x[0].tolist()]
            return labels, x
        raise RnnkitError(f"unknown kind {str(kind)[:20]!r}; known: text, numbers")

    # -- the endpoints --------------------------------------------------------------------------------
    def states(self, kind: str, text: object) -> dict:
        """h, c and every gate per unit over time for each layer: ``states[name]`` is ``(units, L)``."""
        tokens, x = self.inputs(kind, text)
        layers = []
        for layer in self.layers(kind):
            found = traces(layer, x)
            layers.append({
                "name": layer.name, "cell": layer.cell, "trained": layer.trained, "note": layer.note,
                "units": layer.units,
                "states": {k: v[0].T.tolist() for k, v in found.items()},  # (units, L)
            })  # fmt: skip
        return {"kind": kind, "tokens": tokens, "layers": layers}

    def similar(
        self,
        kind: str,
        text: object,
        layer_name: str,
        state: str,
        unit: int,
        start: int,
        end: int,
        mode: str = "unit",
        threshold: float = 0.5,
    ) -> dict:
        """LSTMVis-style search over a small data set for spans like the selected steps ``start..end``.

        ``mode="unit"``: where ``unit``'s ``state`` follows the selected values most closely (root mean
        square difference over the span, lowest first). ``mode="units"`` (LSTMVis's own rule): the units
        whose ``state`` stays above ``threshold`` over the whole span form the pattern; a span of the
        data set matches as well as its own set of such units agrees with it (distance ``1 - |A ∩ B| /
        |A ∪ B|``, lowest first).
        """
        tokens, x = self.inputs(kind, text)
        layers = self.layers(kind)
        layer = next((lay for lay in layers if lay.name == layer_name), None)
        if layer is None:  # a script learns the names from the answer of /api/cells; say them here too
            known = ", ".join(lay.name for lay in layers)
            raise RnnkitError(f"unknown layer {str(layer_name)[:40]!r}; layers: {known}")
        if state not in ("h", *GATES[layer.cell]):
            known = ", ".join(("h", *GATES[layer.cell]))
            raise RnnkitError(f"layer {layer.name} has no state {str(state)[:20]!r}; states: {known}")
        if not 0 <= unit < layer.units:
            raise RnnkitError(f"unit must be between 0 and {layer.units - 1}, got {unit}")
        if start > end:
            raise RnnkitError(f"the span's start ({start}) is after its end ({end}); give start <= end")
        if not 0 <= start <= end < len(tokens):
            raise RnnkitError(
                f"the span must lie within the {len(tokens)} steps (0..{len(tokens) - 1}), got {start}..{end}"
            )
        if mode not in ("unit", "units"):
            raise RnnkitError(f"mode must be unit or units, got {str(mode)[:20]!r}")
        selected = traces(layer, x)[state][0, start : end + 1]  # (k, U)
        width = len(selected)
        labels, values = self._dataset(kind, layer)
        if mode == "unit":
            pattern = selected[:, unit]  # (k,)
            on = None
        else:
            on = (selected > threshold).all(dim=0)  # (U,) the units on over the whole span
            if not bool(on.any()):
                raise RnnkitError(
                    f"no unit's {state} stays above {threshold:g} over steps {start}..{end}; lower the "
                    "threshold or shorten the span"
                )
        matches = []
        for i, row in enumerate(labels):
            series = values[state][i, : len(row)]  # (L_i, U)
            if len(series) < width:
                continue
            if on is None:
                windows = series[:, unit].unfold(0, width, 1)  # (L_i - k + 1, k)
                dist = (windows - pattern).pow(2).mean(dim=1).sqrt()  # (L_i - k + 1,)
            else:
                active = (series > threshold).unfold(0, width, 1).all(dim=2)  # (L_i - k + 1, U)
                both, either = (active & on).sum(dim=1), (active | on).sum(dim=1)  # (L_i - k + 1,) each
                dist = 1.0 - both.float() / either.clamp(min=1).float()
            best = int(dist.argmin())
            matches.append((float(dist[best]), i, best))
        matches.sort()
        return {
            "mode": mode,
            "pattern": selected[:, unit].tolist(),
            "units": [] if on is None else on.nonzero().flatten().tolist(),
            "searched": len(labels),
            "matches": [
                {
                    "tokens": labels[i],
                    "start": s,
                    "end": s + width - 1,
                    "distance": d,
                    "values": values[state][i, : len(labels[i]), unit].tolist(),
                }
                for d, i, s in matches[: limits.SIMILAR_TOP]
            ],
        }

    def _dataset(self, kind: str, layer: Layer) -> tuple[list[list[str]], dict[str, torch.Tensor]]:
        """The search data set's labels and ``layer``'s states over it (computed once, kept)."""
        key = (kind, layer.name)
        with self._lock:
            if key in self._corpus:
                return self._corpus[key]
        if kind == "text":
            sentences = corpus_sentences(limits.SIMILAR_CORPUS)
            embedded, _, _ = self.translate.embed(None, sentences)
            labels = [pieces for pieces, _ in embedded]
            xs = torch.nn.utils.rnn.pad_sequence([v for _, v in embedded], batch_first=True)  # (N, L, E)
        else:
            from rnnkit.explain.memory_tasks import adding_problem

            data = adding_problem(limits.SIMILAR_CORPUS // 2, 30, torch.Generator().manual_seed(SEED))
            xs = data.x  # (N, 30, 2)
            labels = [[f"{'*' if m else ''}{v:.2f}" for v, m in row.tolist()] for row in xs]
        # Padding sits after each row's end, so it never changes the steps that are compared.
        found = traces(layer, xs)
        with self._lock:
            self._corpus[key] = (labels, found)
        return labels, found

    def gradient_flow(self, length: int) -> dict:
        """``||dL/dx_t||`` over ``t`` for the three cells on the adding problem (mean of 16 sequences)."""
        from rnnkit.explain.gradient_flow import input_gradient_norms
        from rnnkit.explain.memory_tasks import adding_problem

        lo, hi = limits.GRADIENT_LENGTHS
        if not lo <= length <= hi:
            raise RnnkitError(f"length must be between {lo} and {hi}, got {length}")
        data = adding_problem(16, length, torch.Generator().manual_seed(SEED))
        out = []
        for layer in self.layers("numbers"):
            model = Readout(layer.module, layer.head)  # the layer shown on the page
            norms = input_gradient_norms(model, torch.nn.functional.mse_loss, data.x, data.y)  # (L,)
            out.append({"cell": layer.cell, "trained": layer.trained, "norms": norms.tolist()})
        return {"length": length, "layers": out}
