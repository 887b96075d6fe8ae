"""docs/nn.md's search block gives what its last line reads.

The block calls ``greedy`` and ``beam_search`` on the reader's own ``step`` and ``state`` and reads the
best hypothesis' ``ids``, ``score``, ``rank_score`` and ``attention``. Here a small step function of
random log-probabilities and attention, and a state with ``select``, stand for the reader's model; the
block runs as written and none of what its last line reads may be missing (its ``beam_search`` asked
for no attention, so the ``attention`` it read was None).
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]


class _State:
    def __init__(self, bias: torch.Tensor):
        self.bias = bias

    def select(self, rows):
        return _State(self.bias[rows])


def _search_block() -> str:
    text = (ROOT / "docs" / "nn.md").read_text(encoding="utf-8")
    section = text[text.index("## Search and attention") :]
    return re.search(r"^```python\n(.*?)^```", section, re.S | re.M).group(1)


def test_the_search_block_runs_and_its_best_hypothesis_has_what_it_reads():
    generator = torch.Generator().manual_seed(0)
    vocab, source = 7, 4
    table = torch.randn(vocab, vocab, generator=generator)

    def step(tokens, state):
        log_probs = torch.log_softmax(table[tokens] + state.bias, dim=-1)
        attention = torch.softmax(torch.randn(len(tokens), source, generator=generator), dim=-1)
        return log_probs, state, attention

    lines = _search_block().rstrip("\n").split("\n")
    names = {"step": step, "state": _State(torch.zeros(2, vocab)), "n": 2, "BOS": 1, "EOS": 2}
    exec("\n".join(lines[:-1]), names)  # the guide's own block, but its last line
    read = eval(lines[-1].split("#")[0], names)  # the values that last line reads
    assert all(value is not None for value in read), read
    assert names["hyps"][0].attention is not None
