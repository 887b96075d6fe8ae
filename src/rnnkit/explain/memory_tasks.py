"""Long-memory benchmarks: the adding problem and the copy task, with their trivial baselines.

Adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015; layout of Arjovsky et al. 2016).
Each step carries two features: a number ``u_t ~ U(0, 1)`` and a marker ``m_t in {0, 1}``. Exactly two
steps are marked, one in the first half and one in the second half of the sequence; the target is

    y = sum_t m_t * u_t

Predicting the constant 1.0 (the mean of ``y``) gives ``MSE = Var(u_a + u_b) = 2/12 ~ 0.167``; a model
must hold the first marked number across at least ``length/2`` steps to beat it.

Copy task (Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016). With ``S`` symbols drawn from
``{1..K}``, blank ``0`` and delimiter ``K+1``, a sequence of ``delay + 2S`` steps is

    input : a_1 .. a_S  0 .. 0 (delay - 1 times)  K+1  0 .. 0 (S times)
    target: 0 .. 0 (delay + S times)  a_1 .. a_S

The best memoryless guess emits blanks and then the symbol distribution (uniform over ``K``), so its
cross-entropy per step is ``S log K / (delay + 2S)`` on any test set; :func:`copy_baseline` gives it.

Shapes: ``N`` sequences, ``L`` steps, batch first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from rnnkit.utils.errors import RnnkitError

TASKS = ("adding", "copy")
COPY_SYMBOLS = 8  # K: alphabet size of the copy task (Arjovsky et al. 2016)
COPY_LENGTH = 10  # S: symbols to remember
# The adding problem's baseline in words, one phrase wherever it is named (the gates command once said
# 'always answering the mean' beside the demo's 'always answering 1.0', for the same constant 1.0).
ADDING_BASELINE_WORDS = "always answering 1.0 (the average sum)"


@dataclass
class TaskData:
    """One split of a memory task.

    Attributes:
        x: inputs ``(N, L, features)`` (adding: 2 features; copy: one-hot of ``K + 2`` classes).
        y: targets: adding ``(N,)`` float; copy ``(N, L)`` class indices.
    """

    x: torch.Tensor
    y: torch.Tensor


def check_task(task: str) -> str:
    """Return ``task`` if it is known, else raise :class:`RnnkitError` listing the known tasks."""
    if task not in TASKS:
        raise RnnkitError(f"unknown task {task!r}; known: {', '.join(TASKS)}")
    return task


def min_length(task: str) -> int:
    """Shortest sequence length (adding) or delay (copy) the task accepts."""
    return 2 if check_task(task) == "adding" else 1


def adding_problem(n: int, length: int, generator: torch.Generator | None = None) -> TaskData:
    """``n`` adding-problem sequences of ``length`` steps; see the module docstring.

    Outputs:
        x: ``(n, length, 2)``: ``x[..., 0]`` the numbers, ``x[..., 1]`` the two markers.
        y: ``(n,)``: the sum of the two marked numbers.
    """
    if length < 2:
        raise RnnkitError(f"the adding problem needs length >= 2, got {length}")
    half = length // 2
    values = torch.rand(n, length, generator=generator)  # (N, L)
    first = torch.randint(0, half, (n,), generator=generator)  # (N,) in the first half
    second = torch.randint(half, length, (n,), generator=generator)  # (N,) in the second half
    marks = torch.zeros(n, length)  # (N, L)
    rows = torch.arange(n)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    x = torch.stack([values, marks], dim=-1)  # (N, L, 2)
    y = (values * marks).sum(dim=1)  # (N,)
    return TaskData(x, y)


def copy_task(
    n: int,
    delay: int,
    symbols: int = COPY_LENGTH,
    alphabet: int = COPY_SYMBOLS,
    generator: torch.Generator | None = None,
) -> TaskData:
    """``n`` copy-task sequences of ``delay + 2 * symbols`` steps; see the module docstring.

    Outputs:
        x: ``(n, L, alphabet + 2)`` one-hot inputs (class 0 blank, 1..alphabet symbols, alphabet+1 delimiter).
        y: ``(n, L)`` target classes (0 everywhere except the last ``symbols`` steps).
    """
    if delay < 1 or symbols < 1 or alphabet < 2:
        raise RnnkitError(
            f"the copy task needs delay >= 1, symbols >= 1, alphabet >= 2; got {delay}, {symbols}, {alphabet}"
        )
    length = delay + 2 * symbols
    data = torch.randint(1, alphabet + 1, (n, symbols), generator=generator)  # (N, S)
    inputs = torch.zeros(n, length, dtype=torch.long)  # (N, L)
    inputs[:, :symbols] = data
    inputs[:, symbols + delay - 1] = alphabet + 1  # the delimiter: "now repeat"
    target = torch.zeros(n, length, dtype=torch.long)  # (N, L)
    target[:, -symbols:] = data
    x = torch.nn.functional.one_hot(inputs, alphabet + 2).float()  # (N, L, K+2)
    return TaskData(x, target)


def make_task(task: str, n: int, length: int, generator: torch.Generator | None = None) -> TaskData:
    """Dispatch by name: ``length`` is the sequence length (adding) or the delay (copy)."""
    if check_task(task) == "adding":
        return adding_problem(n, length, generator)
    return copy_task(n, length, generator=generator)


def adding_baseline(y: torch.Tensor) -> float:
    """MSE of always predicting 1.0 on targets ``y`` ``(N,)`` (about 0.167 for a large test set)."""
    return float(((y - 1.0) ** 2).mean())


@dataclass
class CopyBaseline:
    """The best memoryless predictor on a copy-task test set.

    It knows the layout (blank until the recall starts) and how the symbols are drawn (uniformly from
    ``K``), but not the symbols of any sequence: at each recall step it gives every symbol ``1/K``. Its
    cross-entropy per step is then ``S log K / L`` on every test set, and its recall accuracy ``1/K`` (a
    guess of any one symbol). It never reads the test targets' own frequencies: fitted per step to the
    test set, a 'memoryless' guess knew the answers of a small one (one sequence: cross-entropy 0 and
    every symbol recalled; 16 sequences: 23% recalled against the 12.5% of chance).
    """

    cross_entropy: float
    recall_accuracy: float


def copy_baseline(y: torch.Tensor, symbols: int = COPY_LENGTH, alphabet: int = COPY_SYMBOLS) -> CopyBaseline:
    """The memoryless baseline on copy-task targets ``y`` ``(N, L)`` (only their length matters)."""
    return copy_baseline_at(y.shape[1] - 2 * symbols, symbols, alphabet)


def copy_baseline_at(delay: int, symbols: int = COPY_LENGTH, alphabet: int = COPY_SYMBOLS) -> CopyBaseline:
    """The memoryless baseline of the copy task at ``delay``: it depends on nothing else, so a result
    saved under an older definition can be given today's (:meth:`rnnkit.explain.resume.JobStore.load`)."""
    return CopyBaseline(expected_copy_cross_entropy(delay, symbols, alphabet), 1.0 / alphabet)


def expected_copy_cross_entropy(
    delay: int, symbols: int = COPY_LENGTH, alphabet: int = COPY_SYMBOLS
) -> float:
    """The memoryless cross-entropy per step: ``S log K / (delay + 2S)``."""
    return symbols * math.log(alphabet) / (delay + 2 * symbols)
