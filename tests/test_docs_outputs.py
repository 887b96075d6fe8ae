"""What the docs show the shipped translator printing is what it prints.

A ``console`` block's ``$ rnnkit translate text ...`` line with no ``--model`` (the model inside the
package: nothing for the reader to train or download first) is run as written, and the lines shown
under it must be exactly its standard output followed by its standard error (warnings).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from rnnkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "README.md",
    ROOT / "README.ko.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "ko").glob("*.md")),
]
CONSOLE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def shipped_translations() -> list[tuple[str, list[str], list[str]]]:
    """(where, argv, shown lines) of each shipped-model ``translate text`` a console block shows."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in CONSOLE.finditer(text):
            start = text[: block.start()].count("\n") + 2
            lines = block.group(1).rstrip("\n").split("\n")
            for i, line in enumerate(lines):
                if not line.startswith("$ rnnkit translate text"):
                    continue
                argv = shlex.split(line[2:], comments=True)[1:]
                if "--model" in argv:
                    continue
                shown = []
                for later in lines[i + 1 :]:
                    if later.startswith("$ "):
                        break
                    shown.append(later)
                found.append((f"{page.relative_to(ROOT)}:{start + i}", argv, shown))
    return found


CASES = shipped_translations()


def test_the_docs_show_the_shipped_translator_at_work():
    assert len(CASES) >= 4


@pytest.mark.parametrize(("where", "argv", "shown"), CASES, ids=[c[0] for c in CASES])
def test_the_shipped_translator_prints_what_the_docs_show(where, argv, shown, capfd, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a command that writes a file (--json out.json) writes it here
    assert main([*argv, "--threads", "1", "--no-progress"]) == 0
    out, err = capfd.readouterr()
    printed = out.rstrip("\n").split("\n") + [line for line in err.split("\n") if line]
    assert printed == shown, f"{where}: the doc shows {shown}, the command printed {printed}"


# --- forecast: the first console block of docs/forecast.md and the numbers the lecture quotes ---------


@pytest.fixture(scope="module")
def forecasts(tmp_path_factory) -> dict[str, list[str]]:
    """What ``rnnkit forecast train`` (IBM, the default) and ``--data glucose`` print, run as written in a
    fresh folder (standard output, then standard error without its per-epoch lines)."""
    folder = tmp_path_factory.mktemp("forecast")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    printed = {}
    for name, argv in {"ibm": [], "glucose": ["--data", "glucose", "--out", "runs/glucose"]}.items():
        run = subprocess.run(
            [sys.executable, "-m", "rnnkit", "forecast", "train", *argv, "--threads", "1", "--no-progress"],
            cwd=folder, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        lines = (run.stderr + run.stdout).split("\n")
        printed[name] = [line for line in lines if line and not line.startswith("epoch ")]
    return printed


def _console_output(page: Path, command: str) -> list[str]:
    """The lines a console block shows under ``$ COMMAND`` (its comment dropped)."""
    for block in CONSOLE.finditer(page.read_text(encoding="utf-8")):
        lines = block.group(1).rstrip("\n").split("\n")
        for i, line in enumerate(lines):
            if line.startswith("$ ") and line[2:].split("#")[0].strip() == command:
                shown = []
                for later in lines[i + 1 :]:
                    if later.startswith("$ ") or not later:
                        break
                    shown.append(later)
                return shown
    raise AssertionError(f"{page.name} shows no $ {command}")


TIMING = re.compile(r"^trained in [\d.]+s ")  # the one line that differs from run to run


def test_forecast_md_shows_what_forecast_train_prints(forecasts):
    shown = _console_output(ROOT / "docs" / "forecast.md", "rnnkit forecast train")
    printed = forecasts["ibm"]
    assert [TIMING.sub("trained in ", x) for x in shown] == [TIMING.sub("trained in ", x) for x in printed]


def _one_step_mae(printed: list[str]) -> tuple[str, str, int]:
    verdict = next(line for line in printed if "one-step MAE" in line)
    model, naive, change = re.search(r"one-step MAE ([\d.]+) vs ([\d.]+) \(([-+][\d.]+)%\)", verdict).groups()
    return model, naive, round(abs(float(change)))


def test_the_lecture_quotes_the_forecasts_it_tells_the_reader_to_run(forecasts):
    chapter = (ROOT / "docs" / "ko" / "01-three-shapes.md").read_text(encoding="utf-8")
    model, naive, _ = _one_step_mae(forecasts["ibm"])
    assert f"LSTM {model}, 나이브 {naive}" in chapter
    model, naive, percent = _one_step_mae(forecasts["glucose"])
    assert re.search(
        rf"평균 절대 오차 {re.escape(model)}(으로|로) 나이브 예측\({naive}\)보다 {percent}% 낮습니다", chapter
    )


# --- translate: the quick start's training transcript has the lines training prints today -------------

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _shape(line: str) -> str:
    """A printed line with its numbers and the corpus path masked: what stays the same on any corpus."""
    line = re.sub(r"^read (\S+) pairs from \S+ \(", "read N pairs from FILE (", line)
    line = re.sub(r"\(<(?=\d+%\))", "(", line)  # a share of "<1%" is a number like "0%"
    # the verdict's words depend on the scores (a tiny run is no better than copying, the docs' is "mostly
    # wrong"): the line's shape is up to them
    line = re.sub(r"(\(copy-the-source \S+\)): .*$", r"\1: WORDS", line)
    return NUMBER.sub("N", re.sub(r" {2,}", " ", line))


def test_the_translate_quick_start_shows_the_lines_training_prints(tmp_path):
    doc = ROOT / "docs" / "translate.md"
    command = next(
        line[2:].split("#")[0].strip()
        for block in CONSOLE.finditer(doc.read_text(encoding="utf-8"))
        for line in block.group(1).split("\n")
        if line.startswith("$ rnnkit translate train")
    )
    shown = [line for line in _console_output(doc, command) if not line.startswith("...")]
    corpus = tmp_path / "pairs.tsv"
    bundled = (ROOT / "src" / "rnnkit" / "translate" / "data" / "en_ko.tsv").read_text(encoding="utf-8")
    corpus.write_text("".join(bundled.splitlines(keepends=True)[:400]), encoding="utf-8")
    small = ["--corpus", str(corpus), "--hidden-size", "16", "--embed-size", "16", "--vocab-size", "200"]
    run = subprocess.run(
        [sys.executable, "-m", *shlex.split(command), *small, "--threads", "1", "--no-progress"],
        cwd=tmp_path, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    printed = [
        line for line in (run.stderr + run.stdout).split("\n") if line and not line.startswith("epoch ")
    ]
    assert [_shape(x) for x in shown] == [_shape(x) for x in printed]


# --- explain: the resume example adds up -------------------------------------------------------------


def test_the_explain_resume_example_counts_the_models_of_its_own_command():
    """The interrupted ``explain memory`` of docs/explain.md: N finished models are the first N jobs of
    its command (lengths outer, cells inner, the order ``rnnkit.explain.runs.run_memory`` trains them in),
    the checkpoint is in job N + 1, and ``--resume`` trains the rest."""
    text = (ROOT / "docs" / "explain.md").read_text(encoding="utf-8")
    block = re.search(
        r"(rnnkit explain memory [^\n]*)\n(rnnkit: interrupted[^\n]*)\n([^\n]*--resume[^\n]*)", text
    )
    command, message, resumed = block.groups()
    lengths = re.search(r"--lengths (\S+)", command).group(1).split(",")
    cells = re.search(r"--cells (\S+)", command).group(1).split(",")
    jobs = [f"adding-{n}-{cell}" for n in lengths for cell in cells]
    finished = int(re.search(r"\((\d+) models finished", message).group(1))
    assert f"jobs/{jobs[finished]}/checkpoints" in message
    trains, total = map(int, re.search(r"trains (\d+) models, not (\d+)", resumed).groups())
    assert (trains, total) == (len(jobs) - finished, len(jobs))


# --- translate: the resume block runs as written, line after line ------------------------------------


def test_the_translate_resume_block_runs_in_order(tmp_path):
    """Each line of docs/translate.md's resume block, run in order in one folder (a tiny corpus and model
    appended to each, as a reader's own corpus would be): none is refused."""
    text = (ROOT / "docs" / "translate.md").read_text(encoding="utf-8")
    section = text.split("## The run folder (`--out`) and resuming (`--resume`)", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    corpus = tmp_path / "pairs.tsv"
    bundled = (ROOT / "src" / "rnnkit" / "translate" / "data" / "en_ko.tsv").read_text(encoding="utf-8")
    corpus.write_text("".join(bundled.splitlines(keepends=True)[:300]), encoding="utf-8")
    small = ["--corpus", str(corpus), "--hidden-size", "8", "--embed-size", "8", "--vocab-size", "150"]
    lines = [shlex.split(line, comments=True) for line in block.strip().split("\n")]
    assert len(lines) >= 3 and any("--epochs" in words and "--resume" in words for words in lines)
    for words in lines:
        run = subprocess.run(
            [sys.executable, "-m", *words, *small, "--threads", "1", "--no-progress"],
            cwd=tmp_path, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip
        assert run.returncode == 0, f"{' '.join(words)}: {run.stderr.strip().splitlines()[-1:]}"


# --- times the guides promise are the ones BENCHMARKS.md measured ------------------------------------

BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"


def _section(text: str, heading: str) -> str:
    """The text under ``heading`` (a whole heading line) up to the next heading of its level or above."""
    level = len(heading) - len(heading.lstrip("#"))
    body = text.split(heading + "\n", 1)[1]
    blanked = re.sub(r"^```.*?^```", lambda m: re.sub(r"[^\n]", " ", m.group(0)), body, flags=re.S | re.M)
    end = re.search(rf"^#{{1,{level}}} ", blanked, re.M)  # a heading, not a shell comment in a block
    return body[: end.start()] if end else body


def latest_demo_seconds(benchmarks: str) -> float:
    """The wall time of the newest full ``rnnkit demo`` BENCHMARKS.md records: the first bold time
    (``**4 min 57 s**``, ``**423 s**``) of the last subsection of its demo section."""
    section = _section(benchmarks, "## The demo on an idle and on a loaded machine")
    last = re.split(r"^### ", section, flags=re.M)[-1]
    minutes, seconds = re.search(r"\*\*(?:(\d+) min )?(\d+(?:\.\d+)?) s\*\*", last).groups()
    return int(minutes or 0) * 60 + float(seconds)


def test_the_readme_says_how_long_the_demo_took_when_last_measured():
    """'about N minutes' before a newcomer's first command is the newest measured demo, rounded."""
    minutes = round(latest_demo_seconds(BENCHMARKS.read_text(encoding="utf-8")) / 60)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"`rnnkit demo` trains .*?\(about (\d+) minutes on 2 CPU cores", readme, re.S)
    assert said and int(said.group(1)) == minutes, (
        f"README: about {said and said.group(1)} min; measured {minutes}"
    )


def test_latest_demo_seconds_reads_both_ways_of_writing_a_time():
    text = "## The demo on an idle and on a loaded machine\n\n### Old\n**900 s**\n### New\nran **6 min 5 s** wall, **1 s**\n## Next\n**1 s**"  # fmt: skip
    assert latest_demo_seconds(text) == 365
    assert latest_demo_seconds(text.replace("**6 min 5 s**", "**423 s**")) == 423


def test_the_triton_guide_gives_the_gpu_check_command_and_time_benchmarks_measured():
    """docs/triton.md's one device call is the command BENCHMARKS.md ran, with the time it took there."""
    measured = _section(BENCHMARKS.read_text(encoding="utf-8"), "### What the script does (one device call)")
    comment, command = re.search(r"```bash\n# (.*)\n(.*gpu_check\.sh)\n```", measured).groups()
    minutes, seconds = re.search(r"about (\d+) minutes on an H200 \((\d+) s", comment).groups()
    guide = _section(
        (ROOT / "docs" / "triton.md").read_text(encoding="utf-8"),
        "## Measuring on a GPU and turning on `auto`",
    )
    assert f"```bash\n{command}\n```" in guide
    assert f"about {minutes} minutes on an H200: {seconds} s" in guide


# --- the library snippets of README.md and docs/nn.md run and give the shapes their comments say ------

PYTHON = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
SHAPE = re.compile(r"\((\d+(?:, \d+)*)\)")


def _comment_shapes(comment: str) -> tuple[dict[str, tuple[int, ...]], set[tuple[int, ...]]]:
    """``gates.forget: (2, 4, 30, 32)`` -> ({"gates.forget": ...}, set()); ``(4, 30, 32), (4, 4, 16)
    each`` -> ({}, {(4, 30, 32), (4, 4, 16)}). Symbolic shapes (``(N, L, H_in)``) name nothing."""
    named = {m.group(1): tuple(map(int, m.group(2).split(", "))) for m in re.finditer(r"([\w.]+): \((\d+(?:, \d+)*)\)", comment)}  # fmt: skip
    rest = re.sub(r"[\w.]+: \(\d+(?:, \d+)*\)", "", comment)
    return named, {tuple(map(int, s.split(", "))) for s in SHAPE.findall(rest)}


def _targets(line: str, scope: dict) -> list:
    """The values a line assigned, its targets flattened: ``out, (h_n, c_n) = ...`` -> [out, h_n, c_n]."""
    import ast

    body = ast.parse(line).body
    if not body or not isinstance(body[0], ast.Assign):
        return []
    return [scope[n.id] for n in ast.walk(body[0].targets[0]) if isinstance(n, ast.Name)]


def shape_claims_that_fail(code: str) -> list[str]:
    """Run ``code`` line by line; each line whose comment gives shapes is checked against what it made."""
    import torch

    torch.manual_seed(0)
    scope: dict = {}
    wrong = []
    for line in code.strip().split("\n"):
        statement, _, comment = line.partition("#")
        exec(statement, scope)  # noqa: S102 - our own docs
        named, shapes = _comment_shapes(comment)
        for expression, shape in named.items():
            got = tuple(eval(expression, scope).shape)  # noqa: S307 - our own docs
            if got != shape:
                wrong.append(f"{expression} is {got}, the comment says {shape}: {line.strip()}")
        made = {tuple(v.shape) for v in _targets(statement, scope) if isinstance(v, torch.Tensor)}
        if shapes and shapes != made:
            wrong.append(f"made {sorted(made)}, the comment says {sorted(shapes)}: {line.strip()}")
    return wrong


LIBRARY_SNIPPETS = [
    (page, block)
    for page in (ROOT / "README.md", ROOT / "docs" / "nn.md")
    for block in PYTHON.findall(page.read_text(encoding="utf-8"))
    if block.startswith("import torch, rnnkit\n")
]


def test_the_readme_and_nn_guide_show_their_library_snippet():
    assert {page.name for page, _ in LIBRARY_SNIPPETS} == {"README.md", "nn.md"}


@pytest.mark.parametrize(("page", "block"), LIBRARY_SNIPPETS, ids=[p.name for p, _ in LIBRARY_SNIPPETS])
def test_the_library_snippet_runs_and_gives_the_shapes_it_says(page, block):
    assert shape_claims_that_fail(block) == []


def test_the_shape_check_finds_a_wrong_comment():
    code = "import torch\nx = torch.zeros(2, 3)                # (2, 4)\ny = x.sum(0)  # y: (3,)\nz = x  # z: (2, 2)"
    assert shape_claims_that_fail(code) == [
        "made [(2, 3)], the comment says [(2, 4)]: x = torch.zeros(2, 3)                # (2, 4)",
        "z is (2, 3), the comment says (2, 2): z = x  # z: (2, 2)",
    ]
