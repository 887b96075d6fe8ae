"""Translator.translate(trace=True): the beam search tree comes back and the outputs do not change."""

from __future__ import annotations

import pytest

from rnnkit.translate.tokenizer import EOS
from rnnkit.translate.translator import Translator

TEXTS = ["I am a student.", "Where is the train station?"]


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator.load(device="cpu")


@pytest.mark.parametrize("beam", [1, 4])
def test_trace_leaves_outputs_alone_and_its_best_path_is_the_translation(translator, beam):
    plain = translator.translate(TEXTS, beam=beam)
    traced = translator.translate(TEXTS, beam=beam, trace=True)
    assert [(t.text, t.ids) for t in traced] == [(t.text, t.ids) for t in plain]
    assert all(t.trace is None for t in plain)
    (one,) = translator.translate(TEXTS[:1], beam=beam, trace=True)
    path = one.trace.path()
    assert [n.token for n in path] == [*one.ids, *([] if one.hit_max else [EOS])]
    assert [n.step for n in path] == list(range(len(path)))
    for t in sorted({n.step for n in one.trace.nodes}):  # bounded: the beam and 2 x beam pruned
        at = [n for n in one.trace.nodes if n.step == t]
        assert sum(n.status != "pruned" for n in at) <= beam
        assert sum(n.status == "pruned" for n in at) <= 2 * beam
