"""The pages' shared JavaScript (``serve/static/rk.js``) run outside a browser, where a function needs
no page: Node.js runs it under a time limit (skipped where Node is not installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest

RK = Path(__file__).resolve().parents[2] / "src" / "rnnkit" / "serve" / "static" / "rk.js"
NODE = shutil.which("node")


def _function(name: str) -> str:
    """The source of ``function name(...) { ... }`` in rk.js (two-space indented, as the file writes)."""
    found = re.search(rf"\n  function {name}\(.*?\n  }}\n", RK.read_text(encoding="utf-8"), re.S)
    assert found, name
    return found.group(0)


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
@pytest.mark.parametrize(
    ("lo", "hi"),
    [(1e16, 1e16), (1e16, 1e16 + 4), (3e9, 3e9 + 1e-6), (0.0, 0.0), (-1.0, 1e-300), (61.13, 145.92)],
)
def test_round_ticks_end_on_ranges_float64_cannot_split(lo, hi):
    """Flat values near 1e16, or a spread of a few units in the last place, hung the tab: log10(0) made
    the step -Infinity, or k++ no longer changed k * step."""
    script = _function("roundTicks") + f"console.log(JSON.stringify(roundTicks({lo!r}, {hi!r})));"
    out = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=20, check=True)
    ticks = json.loads(out.stdout)["ticks"]
    assert 2 <= len(ticks) <= 501 and all(isinstance(t, (int, float)) for t in ticks)


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_tick_labels_are_written_for_any_step():
    """A range of 1e-200 asked toFixed for 200 decimals, which throws (the chart was not drawn)."""
    script = (
        _function("roundTicks")
        + _function("tickText")
        + "const r = roundTicks(0, 1e-200); console.log(JSON.stringify(r.ticks.map(t => tickText(t, r.digits))));"
        + "console.log(JSON.stringify([tickText(61.5, 1), tickText(250000, 0)]));"
    )
    out = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=20, check=True)
    tiny, plain = (json.loads(line) for line in out.stdout.splitlines())
    assert len(tiny) >= 4 and all("e-" in t or t == "0.00e+0" for t in tiny)
    assert plain == ["61.5", "2.50e+5"]


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_step_ticks_are_round_and_evenly_spaced():
    """The gradient flow's axis was marked at evenly spaced points of 0..n-1, rounded: t=0, 10, 20, 29,
    39, 49 at length 50; it is marked at multiples of a round step, at most as many as asked, two at least."""
    cases = [(n, most) for n in (1, 2, 5, 37, 50, 51, 101, 200, 1000) for most in (4, 6, 11)]
    script = (
        _function("stepTicks")
        + f"console.log(JSON.stringify({json.dumps(cases)}.map(([n, m]) => stepTicks(n, m))));"
    )
    out = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=20, check=True)
    round_steps = {m * 10**e for m in (1, 2, 5) for e in range(4)}
    for (n, most), ticks in zip(cases, json.loads(out.stdout), strict=True):
        assert ticks[0] == 0 and ticks[-1] <= n - 1 and len(ticks) <= most, (n, most, ticks)
        if n > 1:
            steps = {b - a for a, b in pairwise(ticks)}
            assert len(ticks) >= 2 and len(steps) == 1 and steps <= round_steps, (n, most, ticks)
            assert ticks[-1] + steps.pop() > n - 1, (n, most, ticks)  # the last multiple within 0..n-1
    assert json.loads(out.stdout)[cases.index((50, 6))] == [0, 10, 20, 30, 40]


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_step_labels_are_three_or_more_and_never_overlap():
    """At a phone's chart widths (280-399 px) lengths 9, 10 and 81-100 were marked twice only (t=0, t=50
    at length 100: at most floor(W / 70) = 4 marks, and steps of 1, 2 or 5 went from 5 to 2); a label
    set to end at the last point ran into the one before it (t=100t=120 at length 124, 385 px). Every
    length the page takes (5-200) at every width from 280 to 1400 px gets three labels or more, each
    inside the chart, 6 px or more apart by their estimated widths (7 px a character of 11 px text:
    Chromium draws 't=100' 34.5 px wide)."""
    margins = re.search(r"const m = \{l: (\d+), r: (\d+),", RK.read_text(encoding="utf-8"))
    assert margins, "lineChart's margins"
    left, right = map(int, margins.groups())
    script = (
        _function("stepTicks")
        + _function("stepMarks")
        + f"""const bad = []; let fewest = 99, closest = 1e9;
for (let n = 5; n <= 200; n++) for (let W = 280; W <= 1400; W++) {{
  const labels = Array.from({{length: n}}, (_, i) => `t=${{i}}`);
  const marks = stepMarks(n, labels, W, {left}, {right});
  const boxes = marks.map(([i, at]) => [at - 3.5 * labels[i].length, at + 3.5 * labels[i].length]);
  fewest = Math.min(fewest, marks.length);
  for (let k = 1; k < boxes.length; k++) closest = Math.min(closest, boxes[k][0] - boxes[k - 1][1]);
  const gaps = boxes.slice(1).map((b, k) => b[0] - boxes[k][1]);
  if (marks.length < 3 || gaps.some(g => g < 6) || boxes[0][0] < 0 || boxes[boxes.length - 1][1] > W)
    bad.push([n, W, marks]);
}}
console.log(JSON.stringify({{bad: bad.slice(0, 5), count: bad.length, fewest, closest}}));"""
    )
    out = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=60, check=True)
    found = json.loads(out.stdout)
    assert found["count"] == 0, found
    assert found["fewest"] >= 3 and found["closest"] >= 6, found
