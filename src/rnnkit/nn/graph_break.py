"""Functions ``torch.compile`` runs outside its graph, with rnnkit's reason where torch can show one.

Why: ``fullgraph=True`` refuses a graph break and shows the break's reason; Dynamo's own hint
("Remove the torch.compiler.disable call") is no help to a user of a layer, so the reason says what
to do instead. ``torch.compiler.disable`` takes ``reason`` only from torch 2.8; rnnkit supports
torch 2.4 and later, where passing it stopped every layer from being built (a ``TypeError`` at import).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TypeVar

import torch

F = TypeVar("F", bound=Callable)


def outside_graph(fn: F, reason: str) -> F:
    """``fn`` wrapped by ``torch.compiler.disable``: run eagerly while ``torch.compile`` traces its
    caller (a graph break), with ``reason`` shown by ``fullgraph=True`` where this torch takes one."""
    disable = torch.compiler.disable
    if "reason" in inspect.signature(disable).parameters:
        return disable(fn, reason=reason)
    return disable(fn)  # torch < 2.8: fullgraph=True shows Dynamo's own words
