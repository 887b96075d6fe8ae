"""Input checks for cells and layers: each failure is one RnnkitError naming what is wrong.

Each error is also the built-in exception torch.nn raises for the same mistake, so code written against
torch.nn keeps catching it: :class:`~rnnkit.utils.errors.ShapeError` (a ``RuntimeError``) for a tensor
of the wrong shape, :class:`~rnnkit.utils.errors.DtypeError` (a ``RuntimeError``) for a state of the
wrong dtype or a tensor on the wrong device, :class:`~rnnkit.utils.errors.InputTypeError` (a
``TypeError``) for an argument of the wrong Python type, and plain
:class:`~rnnkit.utils.errors.RnnkitError` (a ``ValueError``) where torch raises ``ValueError`` (input
rank, a layer's input dtype, out-of-range settings).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import torch
from torch import Tensor

from rnnkit.utils.errors import DtypeError, InputTypeError, RnnkitError, ShapeError
from rnnkit.utils.whole import is_whole

if TYPE_CHECKING:
    from torch.nn.utils.rnn import PackedSequence

T = TypeVar("T")


# torch.amp's question, looked up once: a layer stepped once per character asks it at every call
_autocast_available = getattr(torch.amp, "is_autocast_available", lambda device_type: True)


def autocast_on(x: object, weight: Tensor) -> bool:
    """Whether autocast applies to a cell or layer with weights ``weight`` called on ``x``: enabled
    for ``x``'s device type (never on a device type without autocast, such as ``meta``, where torch
    raises if asked), and weights autocast would cast: it leaves float64 alone, so a float64 module
    runs in float64 under autocast, as torch.nn's do."""
    if not isinstance(x, Tensor) or weight.dtype == torch.float64:
        return False
    device_type = x.device.type
    return _autocast_available(device_type) and torch.is_autocast_enabled(device_type)


def autocast_dtype(x: object, weight: Tensor) -> torch.dtype | None:
    """The dtype autocast runs a call on ``x`` in (:func:`autocast_on`), or None where it does not
    apply: one query, whose answer holds for every tensor of the call on ``x``'s device type."""
    if not autocast_on(x, weight):
        return None
    return torch.get_autocast_dtype(x.device.type)


def to_autocast_dtype(x: object, weight: Tensor) -> object:
    """Where autocast applies (:func:`autocast_on`), cells and layers run in the autocast dtype: a
    floating tensor (input or state) is cast to it, and each operation's precision is autocast's
    choice (weights stay float32, as for torch.nn). Anything else is returned as it is, for the
    checks to name."""
    if isinstance(x, Tensor) and x.is_floating_point() and autocast_on(x, weight):
        return x.to(torch.get_autocast_dtype(x.device.type))
    return x


def quiet_under_trace(checks: Callable[..., T], *args: object) -> T:
    """``checks(*args)``; under ``torch.jit.trace``, without the tracer's warnings.

    There sizes are traced tensors, so each check's comparison warned "Converting a tensor to a Python
    boolean might cause the trace to be incorrect" (up to six lines per call, pointing into rnnkit).
    The checks decide whether to raise (and to drop an empty batch's lengths), not the arithmetic,
    and the trace is made on inputs that passed them, so those warnings are silenced here, and only
    here: the arithmetic's own tracer warnings, which can mean a wrong graph, still show. A plain
    call otherwise (a layer stepped once per character pays no context manager)."""
    if not torch.jit.is_tracing():
        return checks(*args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        return checks(*args)


def check_int(name: str, value: object, minimum: int) -> None:
    """``value`` must be a whole number (:func:`~rnnkit.utils.whole.is_whole`: an int or a NumPy integer,
    not a bool; ``TypeError`` otherwise) and ``>= minimum`` (``ValueError``)."""
    if not is_whole(value):
        raise InputTypeError(f"{name} must be an int; got {type(value).__name__} {value!r}")
    if value < minimum:
        what = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer >= {minimum}")
        raise RnnkitError(f"{name} must be {what}; got {value}")


def check_positive_int(name: str, value: object) -> None:
    """``value`` must be an int >= 1 (bools are rejected)."""
    check_int(name, value, 1)


def check_bool(name: str, value: object) -> None:
    """``value`` must be a bool: torch.nn raises ``TypeError`` for ``bias=1`` or ``batch_first="False"``
    (a non-empty string is truthy, so accepting it would silently flip the layout)."""
    if not isinstance(value, bool):
        raise InputTypeError(f"{name} must be a bool; got {type(value).__name__} {value!r}")


def check_dropout(name: str, value: object) -> float:
    """A probability in ``[0, 1]`` (1 zeroes every output between layers, as torch.nn allows); a NumPy
    number too (``np.float32(0.1)``, which torch.nn takes), returned as a Python float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise RnnkitError(f"{name} must be a number in [0, 1]; got {value!r}")
    return float(value)


def check_forget_bias(kind: str, value: object, keeps_state: bool) -> float:
    """``forget_bias`` of a layer or cell: a finite number (a NumPy one too, as for ``dropout``),
    returned as a Python float; other than 0 only where a gate keeps the state and biases hold it
    (``keeps_state``). NaN or infinity was written into the biases, and every output was NaN."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(f"{kind} forget_bias must be a number; got {type(value).__name__}")
    if not math.isfinite(value):
        raise RnnkitError(f"{kind} forget_bias must be a finite number; got {float(value)!r}")
    if value and not keeps_state:
        raise RnnkitError(f"{kind} forget_bias needs a gate that keeps the state and bias=True")
    return float(value)


def not_a_tensor(kind: str, x: object, expected: str) -> InputTypeError:
    """The error for an input ``x`` that is not a tensor (``expected`` names what is taken).

    A ``torch.fx.Proxy`` is ``torch.fx.symbolic_trace`` tracing into the module, which it does for any
    module outside torch.nn (torch.nn's layers are leaves of its graph); it gets its own message, as
    the input the user passed was a tensor."""
    from torch.fx import Proxy  # on this path only: nothing to import for a call that runs

    if isinstance(x, Proxy):
        return InputTypeError(
            f"torch.fx.symbolic_trace cannot trace into rnnkit's {kind} (its checks read the input's "
            "shape): make it a leaf of the graph, as torch.nn's layers are, with a torch.fx.Tracer whose "
            "is_leaf_module returns True for it, or use torch.export"
        )
    return InputTypeError(f"{kind} expects {expected} input; got {type(x).__name__}")


def check_input(
    kind: str,
    x: object,
    input_size: int,
    weight: Tensor,
    autocast: bool = False,
    batch_first: bool = False,
    packed: bool = False,
) -> None:
    """A layer input must be a ``(L, N, H_in)``/``(N, L, H_in)`` or ``(L, H_in)`` tensor on the weights'
    device, of their dtype (any floating dtype under ``autocast``). ``packed``: ``x`` is a
    PackedSequence's data, padded; another dtype is then a :class:`DtypeError`, both ``ValueError``
    (torch.nn's GRU and RNN) and ``RuntimeError`` (torch.nn's LSTM, whose packed path skips its dtype
    check and fails in the kernel)."""
    if not isinstance(x, Tensor):
        raise not_a_tensor(kind, x, "a tensor or PackedSequence")
    if x.dim() not in (2, 3):
        raise RnnkitError(
            f"{kind} expects input of rank 3 (batched) or 2 (unbatched); got rank {x.dim()} "
            f"with shape {tuple(x.shape)}"
        )
    if x.shape[-1] != input_size:
        raise ShapeError(f"{kind} expects input feature size {input_size}; got {x.shape[-1]}")
    if x.shape[0 if x.dim() == 2 or not batch_first else 1] == 0:
        # torch.nn refuses a sequence of no steps too; an empty batch (N = 0) is fine
        raise ShapeError(
            f"{kind} expects a sequence of at least one step; got input of shape {tuple(x.shape)}"
        )
    dtype_ok = x.dtype == weight.dtype or (autocast and x.is_floating_point())
    if not dtype_ok or x.device != weight.device:
        # torch.nn's layers: ValueError for the dtype, RuntimeError for the device
        error = RnnkitError if x.device == weight.device and not packed else DtypeError
        raise error(
            f"{kind} input is {x.dtype} on {x.device}, but its weights are {weight.dtype} on "
            f"{weight.device}; {conversion_hint(x, weight)}"
        )


def conversion_hint(x: Tensor, weight: Tensor) -> str:
    """How to make ``x`` meet a module whose weights are ``weight``: move or convert the input, or
    (for a floating input of another dtype) the module, as torch.nn's own dtype message suggests."""
    if x.device != weight.device:
        return (
            f"move the input (input.to({str(weight.device)!r})) or the module (module.to({str(x.device)!r}))"
        )
    hint = f"convert the input (input.to({weight.dtype}))"
    return hint + (f" or the module (module.to({x.dtype}))" if x.is_floating_point() else "")


def check_state(
    kind: str,
    name: str,
    state: object,
    expected: tuple[int, ...],
    like: Tensor,
    layout: str = "(num_layers * num_directions, N, hidden_size)",
) -> Tensor:
    """An initial state must be a tensor of shape ``expected`` (``layout`` in words) with ``like``'s
    dtype and device."""
    if not isinstance(state, Tensor):
        raise InputTypeError(f"{kind} initial state {name} must be a tensor; got {type(state).__name__}")
    if tuple(state.shape) != expected:
        raise ShapeError(
            f"{kind} initial state {name} has shape {tuple(state.shape)}; expected {expected} {layout}"
        )
    if state.dtype != like.dtype or state.device != like.device:  # torch.nn: RuntimeError for both
        raise DtypeError(
            f"{kind} initial state {name} is {state.dtype} on {state.device}; "
            f"expected {like.dtype} on {like.device}"
        )
    return state


def describe(value: object) -> str:
    """A few words for what was passed where a tensor or a pair was expected: ``a tensor of shape
    (2, 3, 16)``, ``a tuple of 3``, ``int``. torch.nn's LSTM given ``h_0`` alone says only that it
    expected 3-D tensors; naming what came lets the caller see that ``c_0`` was left out."""
    if isinstance(value, Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    return type(value).__name__


def _as_tensor(kind: str, lengths: list | tuple | np.ndarray) -> Tensor:
    """``lengths`` as a tensor, or one line naming them: torch's own errors for a ragged list, a None
    or a string among them ("Could not infer dtype of NoneType") do not say which argument failed."""
    try:
        return torch.as_tensor(lengths)
    except (TypeError, ValueError, RuntimeError):
        shown = repr(lengths) if len(repr(lengths)) <= 60 else repr(lengths)[:57] + "..."
        raise InputTypeError(f"{kind} lengths must be integers, one per sequence; got {shown}") from None


def check_lengths(
    kind: str, lengths: object, N: int, L: int, enforce_sorted: bool, values: bool = True
) -> Tensor:
    """Lengths: a 1-D integer tensor (or list, tuple, NumPy array) of N values in 1..L. Returns int64
    on the CPU.

    ``values=False`` (while a graph is being exported) checks type and shape only: a range check
    would need the values, which an exported graph does not have."""
    if isinstance(lengths, (list, tuple, np.ndarray)):
        # an empty list is an empty batch's lengths (torch.as_tensor would make it float)
        lengths = _as_tensor(kind, lengths) if len(lengths) else torch.zeros(0, dtype=torch.int64)
    if not isinstance(lengths, Tensor):
        raise InputTypeError(f"{kind} lengths must be a 1-D tensor; got {type(lengths).__name__}")
    if lengths.dim() != 1 or lengths.shape[0] != N:
        raise ShapeError(
            f"{kind} lengths must be a 1-D tensor of {N} values (one per sequence); "
            f"got shape {tuple(lengths.shape)}"
        )
    if lengths.is_floating_point() or lengths.is_complex() or lengths.dtype == torch.bool:
        raise InputTypeError(f"{kind} lengths must be integers; got {lengths.dtype}")
    lengths = lengths.to(device="cpu", dtype=torch.int64)
    if N == 0 or not values:
        return lengths
    longest, shortest = int(lengths.max()), int(lengths.min())
    if longest > L:
        raise ShapeError(f"{kind} lengths go up to {longest}, longer than the sequence length {L}")
    if shortest < 1:
        where = int(torch.nonzero(lengths < 1)[0])
        raise ShapeError(f"{kind} lengths must be at least 1; got {shortest} at batch index {where}")
    if enforce_sorted and N > 1 and bool((lengths[1:] > lengths[:-1]).any()):
        raise ShapeError(
            f"{kind} lengths are not sorted in decreasing order and enforce_sorted=True; "
            "sort the batch or pass enforce_sorted=False"
        )
    return lengths


def _shown(values: list[int]) -> str:
    """Values for a message: ``[2, 1, 2]``, or the first 8 and ``...``."""
    return repr(values) if len(values) <= 8 else repr(values[:8])[:-1] + ", ...]"


def check_packed(kind: str, packed: PackedSequence, input_size: int) -> None:
    """A PackedSequence must be what torch's packing makes before anything reads it: ``data`` of shape
    ``(sum of lengths, H_in)``; ``batch_sizes`` a 1-D int64 CPU tensor of at least one step, every
    size at least 1 and none larger than the one before (the sequences still running at each step,
    longest first), summing to the rows of ``data``; ``sorted_indices`` and ``unsorted_indices`` both
    None or both permutations of the ``batch_sizes[0]`` sequences, each the other's inverse.

    torch's ``pad_packed_sequence``, which the layers' checks pad with, trusts the batch sizes: sizes
    that go up again (``[2, 1, 2]``, a PackedSequence built by hand) made it write past its buffer, and
    Python aborted (``free(): invalid next size``). A few operations on tensors of one value per step
    and per sequence (the indices read on the CPU, where the layers read ``sorted_indices`` anyway).
    """
    data, sizes = packed.data, packed.batch_sizes
    if not isinstance(data, Tensor) or data.dim() != 2:
        # packing an (L, N) batch with no feature axis gives 1-D data: the usual way to get here
        flat = isinstance(data, Tensor) and data.dim() == 1
        hint = f" (pack an (L, N, {input_size}) batch; one feature: x.unsqueeze(-1))" if flat else ""
        raise ShapeError(
            f"{kind} expects a PackedSequence's data of shape (sum of lengths, {input_size}), 2-D; "
            f"got {describe(data)}{hint}"
        )
    if not (isinstance(sizes, Tensor) and sizes.dim() == 1 and sizes.dtype == torch.int64):
        got = f"{describe(sizes)}" + (f" of {sizes.dtype}" if isinstance(sizes, Tensor) else "")
        raise ShapeError(f"{kind} expects a PackedSequence's batch_sizes as a 1-D int64 tensor; got {got}")
    if sizes.device.type != "cpu":
        raise ShapeError(
            f"{kind} expects a PackedSequence's batch_sizes on the CPU (as torch's packing keeps them); "
            f"got them on {sizes.device}"
        )
    if sizes.shape[0] == 0:
        raise ShapeError(f"{kind} expects a PackedSequence of at least one step; got empty batch_sizes")
    if int(sizes[-1]) < 1 or bool((sizes[1:] > sizes[:-1]).any()):
        # one bad step named: a size below 1, or the first size larger than the one before it
        bad = torch.nonzero(torch.cat((sizes[:1] < 1, (sizes[1:] > sizes[:-1]) | (sizes[1:] < 1))))
        step = int(bad[0])
        after = f" after {int(sizes[step - 1])}" if step else ""
        raise ShapeError(
            f"{kind} expects a PackedSequence's batch_sizes to be at least 1 and never to increase (the "
            f"sequences still running at each step, longest first); got {int(sizes[step])} at step "
            f"{step}{after}: {_shown(sizes.tolist())}"
        )
    total = int(sizes.sum())
    if total != data.shape[0]:
        raise ShapeError(
            f"{kind} expects a PackedSequence's data to have as many rows as its batch_sizes sum to "
            f"({total}); got data of shape {tuple(data.shape)}"
        )
    order, unorder = packed.sorted_indices, packed.unsorted_indices
    if order is None and unorder is None:
        return
    if order is None or unorder is None:
        given, missing = ("sorted", "unsorted") if unorder is None else ("unsorted", "sorted")
        raise ShapeError(
            f"{kind} expects a PackedSequence's sorted_indices and unsorted_indices both or neither; got "
            f"{given}_indices without {missing}_indices"
        )
    N = int(sizes[0])
    # a few sequences: Python lists check their indices faster than tensor operations (check_packed 15 vs
    # 36 us at 3); many: tensors do (lists 186-362 us at 1024, a tenth of torch.nn's GRU call; tensors 66)
    small = N < LIST_CHECK_BELOW
    everyone = list(range(N)) if small else torch.arange(N)
    lists = []
    for name, index in (("sorted_indices", order), ("unsorted_indices", unorder)):
        ok = isinstance(index, Tensor) and index.dim() == 1 and index.shape[0] == N
        if not (
            ok and not index.is_floating_point() and not index.is_complex() and index.dtype != torch.bool
        ):
            got = describe(index) + (f" of {index.dtype}" if isinstance(index, Tensor) else "")
            raise ShapeError(
                f"{kind} expects a PackedSequence's {name} as a 1-D integer tensor of {N} values "
                f"(batch_sizes[0], the sequences in the batch); got {got}"
            )
        values = index.tolist() if small else None
        if sorted(values) != everyone if small else not _same(index.sort().values, everyone):
            raise ShapeError(
                f"{kind} expects a PackedSequence's {name} to be a permutation of 0..{N - 1}; "
                f"got {_shown(index.tolist())}"
            )
        lists.append(values)
    sorted_list, unsorted_list = lists
    if (
        any(sorted_list[at] != n for n, at in enumerate(unsorted_list))
        if small
        else not _same(order[unorder.to(device=order.device, dtype=torch.int64)], everyone)
    ):
        raise ShapeError(
            f"{kind} expects a PackedSequence's unsorted_indices to be the inverse of its sorted_indices "
            f"(as PackedSequence(data, batch_sizes, sorted_indices) computes it); got "
            f"{_shown(unorder.tolist())} for {_shown(order.tolist())}"
        )


LIST_CHECK_BELOW = 256  # sequences in a packed batch below which its indices are checked as Python lists
# (the two cost the same near 200-256 on one CPU thread)


def _same(values: Tensor, arange: Tensor) -> bool:
    """Whether ``values`` (integers of any dtype, on any device) are ``arange``'s, in order."""
    return torch.equal(values.to(device="cpu", dtype=torch.int64), arange)


def check_finite(kind: str, name: str, tensor: Tensor) -> None:
    """With ``check_finite=True``: NaN or infinite values in ``tensor`` raise."""
    if not bool(torch.isfinite(tensor).all()):
        raise RnnkitError(f"{kind} {name} contains NaN or infinite values (check_finite=True)")
