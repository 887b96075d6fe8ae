"""The explain section of ``rnnkit demo`` in words: what it says must hold for the numbers beside it."""

import re

import pytest

from rnnkit.explain.demo import demo_section


@pytest.fixture(scope="module")
def quick_section(tmp_path_factory):
    """The quick section's paragraphs, as a reader sees them (tags removed). Its models train for two
    steps: none solves the task, the tanh RNN's gradient has not vanished over 8 steps."""
    html = demo_section(tmp_path_factory.mktemp("explain"), seed=0, device="cpu", quick=True).to_html()
    return [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p[^>]*>(.*?)</p>", html, re.S)]


def test_an_unsolved_lstm_s_gates_are_not_read_as_memory(quick_section):
    """QA (demo --quick): beside a gate plot titled 'not solved', the words read the gates as a trained
    model's ('the other units do other work'), which explain gates does not print for such a model."""
    text = " ".join(quick_section)
    assert "Inside the trained LSTM" not in text and "other units do other work" not in text
    (words,) = [p for p in quick_section if p.startswith("The LSTM has not solved the task")]
    mse = float(re.search(r"\(test MSE ([0-9.]+), not below 0.01\)", words).group(1))
    assert mse > 0.01
    assert "its gates below do not show how it remembers the marked steps" in words
