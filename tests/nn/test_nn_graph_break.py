"""rnnkit's graph breaks under torch.compile: their reason where torch takes one, and nothing breaks where
it does not (torch.compiler.disable took ``reason`` only from torch 2.8; rnnkit supports torch 2.4)."""

import torch

from rnnkit.nn.graph_break import outside_graph


def test_a_torch_without_a_reason_still_wraps(monkeypatch):
    calls = []

    def old_disable(fn=None, recursive=True):  # torch 2.7's signature
        calls.append(fn)
        return fn

    monkeypatch.setattr(torch.compiler, "disable", old_disable)

    def double(x):
        return 2 * x

    assert outside_graph(double, reason="why")(3) == 6
    assert calls == [double]


def test_the_reason_is_passed_where_torch_takes_one(monkeypatch):
    seen = {}

    def new_disable(fn=None, recursive=True, *, reason=None):
        seen["reason"] = reason
        return fn

    monkeypatch.setattr(torch.compiler, "disable", new_disable)
    outside_graph(len, reason="rnnkit's words")
    assert seen == {"reason": "rnnkit's words"}
