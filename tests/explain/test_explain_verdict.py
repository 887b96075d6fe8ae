"""The explain section's plain-words verdict."""

from rnnkit.explain.training import TaskResult
from rnnkit.explain.verdict import memory_verdict


def _r(cell: str, error: float, length: int = 100) -> TaskResult:
    return TaskResult("adding", length, cell, error, 0.167, error < 0.01)


def test_gates_solve_the_simple_rnn_stays_on_the_baseline():
    text = memory_verdict([_r("rnn", 0.165), _r("lstm", 0.001), _r("gru", 0.0003)])
    assert text.startswith("At length 100, the LSTM and the GRU solved the adding problem")
    assert "the Simple (tanh) RNN stayed on the no-memory baseline" in text
    assert "gates keep a path for memory" in text


def test_partial_learning_and_lengths_are_named():
    text = memory_verdict([_r("lstm", 0.05, 50), _r("lstm", 0.001, 200)])
    assert "lengths 50-200" in text and "learned part of the task" in text
    assert "gates keep" not in text  # no RNN on the baseline: the comparison is not claimed
    assert memory_verdict([]) == "No model was trained."
