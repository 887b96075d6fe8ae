"""What the notebooks draw and say is what their code computes (QA, session 22).

tests/test_notebooks.py runs every notebook in a kernel and checks nothing fails; these run a notebook's code
cells in this process, so a test can read the arrays behind a figure and the numbers behind a sentence.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import torch

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")

ROOT = Path(__file__).resolve().parents[1]


def _run(path: Path) -> tuple[dict, str]:
    """Every code cell of the notebook at ``path``, in order: its namespace and what it printed."""
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for cell in nb.cells:
            if cell.cell_type == "code":
                source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
                exec(compile(source, f"{path.name}:{cell.id}", "exec"), namespace)
    return namespace, printed.getvalue()


def test_quickstart_heatmap_is_one_sequence_over_time():
    ns, _ = _run(ROOT / "examples" / "quickstart.ipynb")
    image = torch.as_tensor(ns["im"].get_array())
    length, hidden = ns["x"].shape[1], ns["lstm"].hidden_size
    # Titled "forget gate f_t, sequence 0" with "time step t" across: every step of that sequence, not step 0
    # of every sequence (which drew two columns, x from -0.5 to 1.5).
    assert tuple(image.shape) == (hidden, length)
    torch.testing.assert_close(image, ns["gates"].forget[0, 0].T.detach())
    ax = ns["ax"]
    assert ax.get_xlabel() == "time step t" and ax.get_xlim() == (-0.5, length - 0.5)
    # Steps are whole: the default locator put ticks at 2.5, 7.5, ... under a "time step t" label.
    ticks = [t for t in ax.get_xticks() if -0.5 <= t <= length - 0.5]
    assert len(ticks) > 1 and all(float(t).is_integer() for t in ticks), ticks
    # The colour bar says what its colour means (a bare 0..1 scale beside a heatmap of one gate).
    assert ns["fig"].axes[-1].get_ylabel().startswith("f_t")


def _chapter(lang: str, name: str) -> Path:
    return ROOT / "docs" / "notebooks" / lang / f"{name}.ipynb"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_04_a_forget_gate_near_one_keeps_the_cell_state(lang):
    ns, _ = _run(_chapter(lang, "04-lstm"))
    c = ns["cell_state"](6.0)  # (L, H): forget gate sigmoid(6) = 0.998
    kept = c[-1] / c[0]
    # Only the forget gate may change c_t after the first step: 0.998 ** 39 = 0.92 of every unit is left.
    # (An input gate that was only nearly shut, 0.007, wrote a little each step: one unit ended at -2.9 times
    # its first value, another grew by a quarter, under a title saying the gate keeps it.)
    assert ((kept > 0.85) & (kept <= 1.0)).all(), kept
    for bias in (0.0, -6.0):  # 0.5 and 0.002: gone within a few steps
        assert (ns["cell_state"](bias)[10].abs() < 0.01 * c[0].abs().max()).all()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_01_says_why_the_lstm_line_hides_under_the_naive_one(lang):
    ns, printed = _run(_chapter(lang, "01-three-shapes"))
    said = "\n".join(c.source for c in nbformat.read(_chapter(lang, "01-three-shapes"), 4).cells)
    assert ("열 배 넘게" if lang == "ko" else "more than ten times smaller") in said
    assert ns["pred"].abs().mean() * 10 < ns["y_test"].abs().mean()
    lstm, naive = map(float, re.search(r"LSTM ([\d.]+), naive ([\d.]+)", printed).groups())
    assert abs(lstm - naive) < 0.05 * naive  # "only ties it"


def test_00_the_chapter_quotes_the_errors_its_notebook_prints():
    _, printed = _run(_chapter("ko", "00-sequence-data"))
    naive = re.search(r"naive \(last day\) MAE ([\d.]+)", printed).group(1)
    mean = re.search(r"window mean\s+MAE ([\d.]+)", printed).group(1)
    page = (ROOT / "docs" / "ko" / "00-sequence-data.md").read_text(encoding="utf-8")
    assert f"| 예 | {naive} |" in page and f"| 아니요 | {mean} |" in page, (naive, mean)
    first = re.search(r"(\d+) trading days", printed).group(1)
    assert f"{int(first):,} 거래일" in page


def test_02_the_chapter_reads_the_memory_trace_its_notebook_draws():
    ns, _ = _run(_chapter("ko", "02-simple-rnn"))
    fading, kept = ns["trace"](1.0).abs().mean(dim=1), ns["trace"](4.0).abs().mean(dim=1)
    page = (ROOT / "docs" / "ko" / "02-simple-rnn.md").read_text(encoding="utf-8")
    assert "30 스텝 뒤에는\n$10^{-8}$ 아래로" in page and fading[-1] < 1e-8
    assert "약\n0.7)" in page and abs(kept[5:].mean() - 0.7) < 0.05


NOTEBOOKS = sorted(p for folder in ("examples", "docs") for p in (ROOT / folder).rglob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_in_a_notebook_resolves(path):
    cells = nbformat.read(path, as_version=4).cells
    links = [
        link for c in cells if c.cell_type == "markdown" for link in re.findall(r"\]\(([^)\s]+)\)", c.source)
    ]
    missing = [
        link
        for link in links
        if "://" not in link and not (path.parent / link.split("#")[0]).resolve().exists()
    ]
    assert not missing, missing


def _prose(lang: str, name: str) -> str:
    return "\n".join(
        c.source for c in nbformat.read(_chapter(lang, name), 4).cells if c.cell_type == "markdown"
    )


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_02_the_notebook_reads_its_right_panel_as_the_chapter_does(lang):
    """At W_hh x 4 the state does not keep the input "longer": it keeps a mean |h| near 0.7 of its own,
    whatever the first input's size (the chapter's reading; the notebook said "keep it longer")."""
    ns, _ = _run(_chapter(lang, "02-simple-rnn"))
    said = _prose(lang, "02-simple-rnn")
    assert "약 0.7" in said if lang == "ko" else "about 0.7" in said
    assert abs(ns["trace"](4.0).abs().mean(dim=1)[5:].mean() - 0.7) < 0.05
    torch.manual_seed(1)  # the notebook's own network
    rnn = ns["rnnkit"].RNN(1, 16, batch_first=True, bias=False)
    with torch.no_grad():
        rnn.weight_hh_l0.mul_(4.0)
    for size in (0.1, 1.0, 3.0):  # a thirtyfold range of first inputs: the same level of activity
        pulse = torch.zeros(1, 30, 1)
        pulse[0, 0, 0] = size
        level = rnn(pulse)[0][0, -10:].abs().mean()
        assert 0.6 < level < 0.8, (size, level)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_03_names_the_gate_each_cell_starts_at_one_half(lang):
    """The GRU has no forget gate: the notebook said "forget gates near 0.5" for both the LSTM and the GRU;
    the GRU's gate that keeps the state is its update gate, and both start near 0.5."""
    ns, _ = _run(_chapter(lang, "03-vanishing-gradient"))
    said = _prose(lang, "03-vanishing-gradient")
    assert ("GRU의 업데이트 게이트" if lang == "ko" else "the GRU's update gate") in said
    for variant, gate in (("lstm", "forget"), ("gru", "update")):
        torch.manual_seed(0)
        model = ns["TaskModel"](variant, 2, ns["hidden"])
        _, _, gates = model.rnn(ns["data"].x, return_gates=True)
        assert abs(getattr(gates, gate).mean().item() - 0.5) < 0.05, (variant, gate)
