"""A layer's call given lengths or a PackedSequence, run outside the graph ``torch.compile`` traces.

Its own module, imported on first use (as the native backend is): wrapping a function with
``torch.compiler.disable`` imports ``torch._dynamo``, 1.8 s and 150 MB that loading a model must not pay
(``tests/test_loaders_checked.py``); under ``torch.compile`` that import has happened already.
"""

from __future__ import annotations

from rnnkit.nn.graph_break import outside_graph


def _run_eagerly(layer, *args: object):
    """``layer._run(*args)`` outside the graph ``torch.compile`` traces: a call given lengths or a
    PackedSequence. Wrapped once here, not in the call: Dynamo refuses to trace the wrapping itself,
    and ``fullgraph=True`` then said only "Avoid calling the function disable"."""
    return layer._run(*args)


run_eagerly = outside_graph(
    _run_eagerly,
    "rnnkit runs a layer given lengths or a PackedSequence outside the compiled graph (their "
    "values decide its checks and packing); compile without fullgraph=True, or capture it with "
    "torch.export, whose graph takes lengths",
)
