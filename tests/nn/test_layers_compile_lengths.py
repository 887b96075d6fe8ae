"""torch.compile of a layer given a PackedSequence or ``lengths``: torch.nn's answer, without a word.

Dynamo runs torch.nn's recurrent layers outside the graph, silently. rnnkit's layers were traced, and
the lengths' range check (``int(lengths.max())``) made Dynamo print a 20-line "Graph break from
`Tensor.item()`" warning pointing into rnnkit at the first call, for every backend.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnkit

LENGTHS = torch.tensor([4, 6, 2])


def _forget_the_warnings_dynamo_printed() -> None:
    """Dynamo prints its ``.item()`` graph-break warning once per process (a ``functools.cache``):
    forget it, so that each case shows whether its own calls print it."""
    from torch._dynamo.variables import tensor

    warn = getattr(getattr(tensor, "TensorVariable", None), "_warn_capture_scalar_outputs", None)
    if hasattr(warn, "cache_clear"):
        warn.cache_clear()


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
@pytest.mark.parametrize("given", ["packed", "lengths"])
def test_compiled_layer_with_lengths_matches_torch_nn_and_prints_nothing(
    backend: str, given: str, capfd
) -> None:
    torch.manual_seed(0)
    theirs = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    ours = rnnkit.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True, backend=backend)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(3, 6, 3)
    packed = pack_padded_sequence(x, LENGTHS, batch_first=True, enforce_sorted=False)
    want_packed, (want_h, want_c) = theirs(packed)
    want, _ = pad_packed_sequence(want_packed, batch_first=True, total_length=6)

    torch._dynamo.reset()
    _forget_the_warnings_dynamo_printed()
    compiled = torch.compile(ours, backend="eager")
    capfd.readouterr()
    for _ in range(2):  # the second call runs what the first compiled
        if given == "packed":
            got_packed, (h_n, c_n) = compiled(packed)
            got, _ = pad_packed_sequence(got_packed, batch_first=True, total_length=6)
        else:
            got, (h_n, c_n) = compiled(x, lengths=LENGTHS)
        for a, b in ((got, want), (h_n, want_h), (c_n, want_c)):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    printed = capfd.readouterr()
    assert "Graph break" not in printed.err + printed.out

    got.sum().backward()
    want.sum().backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-4, atol=1e-5, msg=name)


def test_compiled_layer_checks_the_lengths_of_every_call() -> None:
    # run outside the graph, the range check sees each call's values, not the first call's
    torch._dynamo.reset()
    compiled = torch.compile(rnnkit.GRU(3, 4, backend="reference"), backend="eager")
    x = torch.randn(5, 2, 3)
    compiled(x, lengths=torch.tensor([5, 2]))
    with pytest.raises(RuntimeError, match="lengths go up to 7, longer than the sequence length 5"):
        compiled(x, lengths=torch.tensor([7, 2]))
