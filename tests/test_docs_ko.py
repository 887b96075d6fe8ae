"""The Korean lecture (docs/ko/, README.ko.md) stays true to the code it points at.

- every code link ``[`code`](../../src/....py#LN)`` names the code that is on line N of that file, so a
  chapter never points at the wrong line after the source moves;
- every relative link and image resolves to a file, and an anchor to a heading (the English pages'
  too, where the Korean ones send their readers);
- every figure docs/make_figures.py makes is committed, shown by a chapter and small;
- the notebooks are exactly what docs/make_notebooks.py builds, and the Korean and English notebook of a
  chapter share every code cell;
- the prose keeps the lecture register (합니다체), not the plain written style (한다체);
- 01's forecast and caption blocks run in order as written (a line reads what an earlier line wrote), and
  two different commands of the lecture never share an output folder.

(tests/test_notebooks.py runs the notebooks themselves.)
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KO = ROOT / "docs" / "ko"
PAGES = sorted(KO.glob("*.md")) + [ROOT / "README.ko.md"]
CHAPTERS = [
    "00-sequence-data",
    "01-three-shapes",
    "02-simple-rnn",
    "03-vanishing-gradient",
    "04-lstm",
    "05-gru",
]

CODE_LINK = re.compile(r"\[`([^`]+)`\]\(([^)#]+\.py)#L(\d+)\)")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_every_chapter_and_the_glossary_exist():
    names = {p.stem for p in KO.glob("*.md")}
    assert set(CHAPTERS) | {"README", "glossary"} <= names
    index = (KO / "README.md").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        assert f"({chapter}.md)" in index


def test_the_english_readme_points_to_the_korean_one():
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:5]
    assert any("README.ko.md" in line for line in head)


def test_the_korean_readme_has_the_same_set_up_commands():
    def setup_block(path: Path) -> list[str]:
        text = path.read_text(encoding="utf-8")
        block = text.split("```bash", 1)[1].split("```", 1)[0]
        return [line.split("#")[0].strip() for line in block.strip().splitlines()]

    assert setup_block(ROOT / "README.ko.md") == setup_block(ROOT / "README.md")


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_code_links_name_the_code_on_that_line(page):
    text = page.read_text(encoding="utf-8")
    links = CODE_LINK.findall(text)
    for code, target, line in links:
        source = (page.parent / target).resolve()
        lines = source.read_text(encoding="utf-8").splitlines()
        number = int(line)
        assert 1 <= number <= len(lines), f"{target}#L{line} is past the end of the file"
        assert code.strip() in lines[number - 1], (
            f"{target}#L{line} is {lines[number - 1].strip()!r}, not {code!r}"
        )
    if page.stem in {"02-simple-rnn", "04-lstm", "05-gru"}:
        assert links, "an equation chapter points at the lines that implement it"


NAMED_CODE_LINK = re.compile(r"\[`[^`]+`\]\(([^)#]+\.py)#L(\d+)\)\s*\(`([\w.]+)`")


def _functions_holding(source: Path, line: int) -> set[str]:
    """The names (``f`` and ``Class.f``) of the functions whose body spans ``line`` of ``source``."""
    import ast

    holders: set[str] = set()
    stack = [(ast.parse(source.read_text(encoding="utf-8")), "")]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qualified = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef) and child.lineno <= line <= child.end_lineno:
                    holders |= {child.name, qualified}
                stack.append((child, f"{qualified}."))
    return holders


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_a_code_link_sits_in_the_function_it_names(page):
    """``[`code`](file.py#LN) (`name`)``: line N is inside ``name`` (a function, or ``Class.method``).
    03 named ``RecurrentBase.reset_parameters`` for the identity initialisation, whose line is in
    ``_init_recurrent`` (reset_parameters calls it): a student opening the named function did not find it."""
    text = " ".join(page.read_text(encoding="utf-8").split())
    for target, line, name in NAMED_CODE_LINK.findall(text):
        holders = _functions_holding((page.parent / target).resolve(), int(line))
        assert name in holders, f"{page.name}: {target}#L{line} is in {sorted(holders)}, not {name}"


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub makes for a page: each heading's slug (lower case, punctuation dropped, spaces
    as hyphens, -1, -2 for repeats) and every ``<a id="...">``."""
    text = page.read_text(encoding="utf-8")
    slugs: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", re.sub(r"```.*?```", "", text, flags=re.DOTALL), re.M):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.replace("`", ""))
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        slugs[slug if slug not in slugs else f"{slug}-{slugs[slug]}"] = slugs.get(slug, 0) + 1
    return set(slugs) | set(re.findall(r'<a\s+(?:id|name)="([^"]+)"', text))


ENGLISH = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", ENGLISH + PAGES, ids=_ids(ENGLISH + PAGES))
def test_links_and_their_anchors_resolve(page):
    """Every relative link of the English pages too (the Korean ones send their readers there), and
    every ``page.md#anchor`` to a heading or ``<a id>`` that page has."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    for target in LINK.findall(text):
        if "://" in target or target.startswith("mailto:"):
            continue
        name, _, anchor = target.partition("#")
        path = (page.parent / name).resolve() if name else page
        assert path.exists(), f"{page.name}: broken link {target}"
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path), f"{page.name}: {target}: no such heading in {path.name}"


def test_every_figure_is_made_by_the_script_committed_small_and_shown():
    figures = _load("make_figures")
    shown = "\n".join(p.read_text(encoding="utf-8") for p in PAGES)
    for figure in figures.FIGURE_LIST:
        png = ROOT / "docs" / "figures" / f"{figure.name}.png"
        assert png.exists(), f"{png.name} missing: run python docs/make_figures.py {figure.name}"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size < figures.MAX_BYTES
        assert f"../figures/{figure.name}.png" in shown, f"no chapter shows {png.name}"
    made = {f.name for f in figures.FIGURE_LIST}
    committed = {p.stem for p in (ROOT / "docs" / "figures").glob("*.png")}
    assert committed <= made, f"figures not made by docs/make_figures.py: {sorted(committed - made)}"


def test_notebooks_are_what_the_script_builds():
    pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")
    notebooks = _load("make_notebooks")
    assert list(notebooks.CHAPTERS) == CHAPTERS
    for lang in notebooks.LANGS:
        for name in CHAPTERS:
            path = ROOT / "docs" / "notebooks" / lang / f"{name}.ipynb"
            assert path.read_text(encoding="utf-8") == notebooks.render(lang, name), (
                f"{path.relative_to(ROOT)} is out of date: run python docs/make_notebooks.py"
            )


def test_korean_and_english_notebooks_share_their_code():
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")
    for name in CHAPTERS:
        cells = {
            lang: nbformat.read(ROOT / "docs" / "notebooks" / lang / f"{name}.ipynb", as_version=4).cells
            for lang in ("ko", "en")
        }
        code = {lang: [c.source for c in cs if c.cell_type == "code"] for lang, cs in cells.items()}
        assert code["ko"] == code["en"] and code["ko"]
        assert code["ko"][0].startswith("%matplotlib inline")
        hangul = [
            any("\uac00" <= ch <= "\ud7a3" for ch in c.source)
            for c in cells["ko"]
            if c.cell_type == "markdown"
        ]
        assert all(hangul), f"{name}: a Korean notebook's prose cell has no Korean"


# Plain written style (한다체) sentence endings; the lecture register ends in -ㅂ니다 / -습니다.
PLAIN_ENDING = re.compile(r"(?:한다|이다|된다|있다|없다|않다|했다|였다)[.。]\s*$", re.MULTILINE)
# Note-taking endings (음슴체: "나옴", "씀", "켜져 있음") closing a table cell or a parenthesis; a cell
# or an aside is a noun phrase or a -ㅂ니다 sentence, as the rest of the page.
NOTE_ENDING = re.compile(r"(?:옴|씀|됨|있음|없음)\s*[|)]")
# A heading is a noun phrase; "... 잊는다" in 04's heading was the one plain-style sentence left.
PLAIN_HEADING = re.compile(r"^#+ .*다$", re.MULTILINE)


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_prose_is_in_the_lecture_register(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert not PLAIN_ENDING.findall(text)
    assert not NOTE_ENDING.findall(text), f"{page.name}: {NOTE_ENDING.findall(text)}"
    assert not PLAIN_HEADING.findall(text), f"{page.name}: {PLAIN_HEADING.findall(text)}"
    assert text.count("니다.") >= 3


# --- the chapters' claims against what rnnkit computes -----------------------------------------------

PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _chapter(name: str) -> str:
    return (KO / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["02-simple-rnn", "04-lstm"])
def test_python_snippets_run_as_written_and_give_the_shapes_they_say(name):
    """A student pastes the chapter's snippet: it runs, and each ``# ... (shape)`` comment is right."""
    torch = pytest.importorskip("torch")
    blocks = PYTHON_BLOCK.findall(_chapter(name))
    assert blocks
    for block in blocks:
        scope: dict = {}
        exec(compile(block, f"docs/ko/{name}.md", "exec"), scope)  # noqa: S102 - our own docs
        if name == "02-simple-rnn":
            assert tuple(scope["h"].shape) == (4, 5)
            assert tuple(scope["out"].shape) == (4, 10, 5) and tuple(scope["h_n"].shape) == (1, 4, 5)
        else:
            gates = scope["gates"]
            assert tuple(gates.forget.shape) == (1, 4, 30, 16) and gates.c.shape == gates.forget.shape
            assert isinstance(gates.c, torch.Tensor)


def test_the_lstm_and_gru_equations_of_the_chapters_are_what_the_cells_compute():
    """04's and 05's equations, written out by hand, against rnnkit.LSTMCell and rnnkit.GRUCell; the gate
    order the chapter gives for the stacked weights (i, f, g, o; r, z, n) is the order the cells use, and
    the GRU applies r_t after the recurrent product (reset after)."""
    torch = pytest.importorskip("torch")
    import rnnkit

    for latex in (
        r"c_t &= f_t \odot c_{t-1} + i_t \odot g_t",
        r"h_t &= o_t \odot \tanh(c_t)",
    ):
        assert latex in _chapter("04-lstm")
    assert "(입력 $i$, 망각 $f$, 후보 $g$, 출력 $o$)" in _chapter("04-lstm")
    for latex in (
        r"n_t &= \tanh\big(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\big)",
        r"h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
    ):
        assert latex in _chapter("05-gru")
    assert "$r, z, n$ 순서로" in _chapter("05-gru")

    torch.manual_seed(0)
    x, h, c, size = torch.randn(3, 2), torch.randn(3, 4), torch.randn(3, 4), 4
    lstm = rnnkit.LSTMCell(2, size)
    pre = x @ lstm.weight_ih.T + lstm.bias_ih + h @ lstm.weight_hh.T + lstm.bias_hh
    i, f, g, o = pre.split(size, dim=1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    c_t = f * c + i * g
    h_t, c_got = lstm(x, (h, c))
    torch.testing.assert_close(c_got, c_t)
    torch.testing.assert_close(h_t, o * torch.tanh(c_t))
    # 04 and the glossary: gates.c is the cell state c_t, gates.cell the candidate g_t (not the state)
    layer = rnnkit.LSTM(2, size, batch_first=True)
    layer.load_state_dict({f"{k}_l0": v for k, v in lstm.state_dict().items()})
    _, _, gates = layer(x[:, None], (h[None], c[None]), return_gates=True)
    torch.testing.assert_close(gates.cell[0, :, 0], g)
    torch.testing.assert_close(gates.c[0, :, 0], c_t)
    assert "| 셀 후보 | cell candidate |" in (KO / "glossary.md").read_text(encoding="utf-8")

    gru = rnnkit.GRUCell(2, size)
    gx = (x @ gru.weight_ih.T + gru.bias_ih).split(size, dim=1)
    gh = (h @ gru.weight_hh.T + gru.bias_hh).split(size, dim=1)
    r, z = (gx[0] + gh[0]).sigmoid(), (gx[1] + gh[1]).sigmoid()
    n = torch.tanh(gx[2] + r * gh[2])  # r_t after W_hn h_{t-1} + b_hn
    torch.testing.assert_close(gru(x, h), (1 - z) * n + z * h)


def test_the_parameter_counts_of_chapter_05_are_the_layers():
    pytest.importorskip("torch")
    import rnnkit

    rows = re.findall(
        r"^\| `rnnkit\.(RNN|GRU|LSTM)\((\d+), (\d+)\)` \| ([\d,]+) \|$", _chapter("05-gru"), re.M
    )
    assert len(rows) == 3
    for layer, n_in, hidden, count in rows:
        built = getattr(rnnkit, layer)(int(n_in), int(hidden))
        assert sum(p.numel() for p in built.parameters()) == int(count.replace(",", "")), layer


def test_the_memory_results_quoted_are_the_ones_results_md_measured():
    """02 quotes length 100 of the adding problem and 05 the ten seeds; each number is RESULTS.md's (whose
    seed-0 row `rnnkit explain memory` reproduces to every digit), so neither drifts from the other."""
    results = (ROOT / "docs" / "RESULTS.md").read_text(encoding="utf-8")
    row = {
        cell: re.search(rf"^\| 100 \| \**{cell}\** \| \**([\d.]+)\** \| ([\d.]+) \|", results, re.M).groups()
        for cell in ("rnn", "lstm", "gru")
    }

    def short(value: str, digits: int) -> str:
        return f"{float(value):.{digits}g}"

    chapter_02 = " ".join(_chapter("02-simple-rnn").split())  # lines joined, as the page reads
    assert f"({short(row['rnn'][0], 3)} 대 {short(row['rnn'][1], 3)})" in chapter_02
    assert f"({short(row['lstm'][0], 2)}, {short(row['gru'][0], 2)}; [RESULTS.md]" in chapter_02
    solved = re.search(
        r"\*\*solved\*\* \| \| \*\*(\d+) of 10\*\* \| \*\*(\d+) of 10\*\* \| \*\*(\d+) of 10", results
    )
    _, lstm_seeds, gru_seeds = solved.groups()
    assert f"GRU는 {gru_seeds}번, LSTM은 {lstm_seeds}번" in " ".join(_chapter("05-gru").split())


def _caption_command(name: str, start: str) -> list[str]:
    """The ``rnnkit explain ...`` command of a figure caption (``*`rnnkit explain ...`*``), as argv."""
    command = re.search(rf"\*`rnnkit ({re.escape(start)}[^`]*)`", _chapter(name)).group(1)
    return command.split()


@pytest.mark.slow
def test_chapter_04_quotes_the_gate_table_its_figure_command_prints(tmp_path, capsys):
    """The numbers 04 reads off the LSTM's gate table are what the caption's command prints today."""
    from rnnkit.cli import main

    argv = _caption_command("04-lstm", "explain gates --cell lstm")
    assert main([*argv, "--out", str(tmp_path / "lstm"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    table = dict(re.findall(r"^(\S.*?)\s{2,}(\S.*)$", printed, re.M))
    holding, units = table["units with mean forget gate > 0.9"].split(" of ")
    top = f"{float(table['forget gate, most persistent unit']):.3f}"
    rise = f"{float(table['input gate, largest rise on marked steps (one unit)']):.2f}"
    mean = f"{float(table['forget gate, mean over all units']):.2f}"
    chapter = " ".join(_chapter("04-lstm").split())
    assert (
        f"0.9를 넘는 유닛이 {units}개 중 {holding}개이고(가장 오래 기억하는 유닛의 평균은 {top})" in chapter
    )
    assert f"다른 스텝보다 {rise} 높습니다" in chapter and f"망각 게이트 평균은 {mean}로 낮은데" in chapter
    assert "Inside the trained LSTM (64 units): 2 units keep their forget gate above 0.9" in printed
    assert '"Inside the trained LSTM"으로 시작하는 줄' in chapter


@pytest.mark.slow
def test_chapter_03_reads_the_gradient_flow_its_figure_command_measures(tmp_path, capsys):
    """03's reading of its figure: the tanh RNN at about 1e-9 over 50 steps before training, the GRU at
    about 1e-5 after, and the rates the command prints in words (tenfold every N steps)."""
    import math

    from rnnkit.cli import main

    argv = _caption_command("03-vanishing-gradient", "explain gradient-flow")
    assert main([*argv, "--out", str(tmp_path / "flow"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    first = {
        (cell, stage): float(norm)
        for cell, stage, norm in re.findall(r"^(\S+)\s+(init|trained)\s+.*?(\S+)\s+\S+\s+\S+$", printed, re.M)
    }
    chapter = " ".join(_chapter("03-vanishing-gradient").split())
    assert round(math.log10(first["rnn", "init"])) == -9 and "50 스텝 동안 $10^{-9}$ 정도로" in chapter
    assert round(math.log10(first["gru", "trained"])) == -5 and "50 스텝 뒤에도 $10^{-5}$ 정도" in chapter
    every = dict(
        re.findall(r"^  (\S+): after training, the gradient shrinks tenfold every (\d+) steps", printed, re.M)
    )
    assert every["rnn"] == every["rnn-relu"]
    assert (
        f"tanh RNN과 ReLU RNN이 {every['rnn']} 스텝마다, LSTM이 {every['lstm']} 스텝마다, GRU가 {every['gru']} 스텝마다"
        in chapter
    )
    assert (
        "  irnn: after training, the gradient keeps its size" in printed and "IRNN은 줄지 않습니다" in chapter
    )
    # the figure's training is short: every trained cell is still on the baseline, as the page says
    trained_mse = [float(m) for m in re.findall(r"^\S+\s+trained\s+.*\s(\S+)$", printed, re.M)]
    assert len(trained_mse) == 5 and all(abs(mse - 0.16) <= 0.01 for mse in trained_mse), trained_mse
    assert "어느 셀도 아직 덧셈 문제를 풀지 못합니다" in chapter and "0.16 안팎" in chapter
    assert f"`rnn: after training, the gradient shrinks tenfold every {every['rnn']} steps, ...`" in chapter


def test_gate_figure_captions_say_how_many_units_the_command_draws():
    """A caption that says "the first N units" must be what ``explain gates`` draws for its --hidden-size
    (plot_gates shows every unit up to its max_units); 04 said 32 of a 64-unit layer it draws whole."""
    import inspect

    from rnnkit.explain.plots import plot_gates

    max_units = inspect.signature(plot_gates).parameters["max_units"].default
    for name in ("04-lstm", "05-gru"):
        hidden = int(
            re.search(r"--hidden-size (\d+)", " ".join(_caption_command(name, "explain gates"))).group(1)
        )
        caption = re.search(r"\*`rnnkit explain gates[^*]*\*", _chapter(name)).group(0)
        first = re.search(r"처음 (\d+)개", caption)
        if hidden <= max_units:
            assert first is None, (
                f"{name}: the command draws all {hidden} units, the caption says {first.group(0)}"
            )
        else:
            assert first and int(first.group(1)) == max_units


@pytest.mark.slow
def test_chapter_03_says_what_its_first_command_shows_at_length_100(tmp_path, capsys):
    """The chapter's own command at length 100 with the short run it quotes (`--epochs 3 --train-size
    4096`; the default trains until the LSTM and GRU solve the task, RESULTS.md "Gradient flow"): the
    LSTM is still on the baseline, the GRU alone carries the gradient 100 steps back, and the command
    says the gated cells have not learned yet. Each model depends on its cell only, so two cells do."""
    from rnnkit.cli import main

    chapter = " ".join(_chapter("03-vanishing-gradient").split())
    command = re.search(
        r"^rnnkit (explain gradient-flow [^\n]*--length 100)$", _chapter("03-vanishing-gradient"), re.M
    )
    short = re.search(r"`(--epochs \d+ --train-size \d+)`처럼 짧게 학습하면", chapter).group(1)
    argv = [*command.group(1).replace("rnn,rnn-relu,irnn,lstm,gru", "lstm,gru").split(), *short.split()]
    assert main([*argv, "--out", str(tmp_path / "flow"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    rows = {
        cell: line.split()
        for line in printed.splitlines()
        for cell in ("lstm", "gru")
        if line.startswith(f"{cell} ") and " trained " in line
    }
    quoted = float(re.search(r"기준 모델의 값과 같은 ([\d.]+) 안팎\)", chapter).group(1))
    assert all(abs(float(rows[cell][-1]) - quoted) < 0.002 for cell in ("lstm", "gru"))  # neither solved
    assert (
        f"GRU만 100 스텝 뒤까지 기울기를 전달합니다(100 스텝 뒤의 노름 약 {float(rows['gru'][-3]):.1g})"
        in chapter
    )
    assert "The LSTM and the GRU have not learned the task yet" in printed  # the line the chapter quotes
    assert "The LSTM has not learned the task yet" in chapter


@pytest.mark.slow
def test_chapter_05_quotes_the_update_gate_table_its_figure_command_prints(tmp_path, capsys):
    from rnnkit.cli import main

    argv = _caption_command("05-gru", "explain gates --cell gru")
    assert main([*argv, "--out", str(tmp_path / "gru"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    table = dict(re.findall(r"^(\S.*?)\s{2,}(\S.*)$", printed, re.M))
    holding, units = table["units with mean update gate > 0.9"].split(" of ")
    marked, other, drop = (
        f"{float(table[row]):.2f}"
        for row in (
            "update gate, marked steps",
            "update gate, other steps",
            "update gate, largest drop on marked steps (one unit)",
        )
    )
    chapter = " ".join(_chapter("05-gru").split())
    assert f"0.9를 넘는 유닛이 {units}개 중 {holding}개이고" in chapter
    assert f"업데이트 게이트의 평균은 {marked}으로 다른 스텝의 {other}보다 낮으며" in chapter
    assert f"가장 많이 내려가는 유닛은 {drop}만큼 내려갑니다" in chapter
    assert f"Inside the trained GRU ({units} units): {holding} units keep their update gate" in printed


# Words with a common synonym: the chapters use the glossary's (the other is named there, if at all).
GLOSSARY_TERMS = {
    "단위 행렬": "항등 행렬",
    "경사 소실": "기울기 소실",
    "그래디언트": "기울기",
    "시퀀스 데이터": "순차 데이터",
    "기준선": "기준 모델",  # 01 called one baseline 기준선, another 기준, the rest 기준 모델
    "모형": "모델",
    "타임스텝": "타임 스텝",
    "빔 서치": "빔 탐색",  # README.ko.md said 빔 탐색, 01 빔 서치
    "묶음(batch)": "배치",  # 00 called a batch 묶음, the word 04 and 05 use for stacked weight blocks
}
TEXT_PAGES = [page for page in PAGES if page.name != "glossary.md"]  # the glossary names the synonyms


@pytest.mark.parametrize("page", TEXT_PAGES, ids=_ids(TEXT_PAGES))
def test_pages_use_the_glossarys_terms(page):
    glossary = (KO / "glossary.md").read_text(encoding="utf-8")
    text = page.read_text(encoding="utf-8")
    for other, term in GLOSSARY_TERMS.items():
        assert term in glossary, f"the glossary does not use {term!r}"
        assert other not in text, f"{page.name}: {other!r} where the glossary says {term!r}"


def _glossary_rows() -> dict[str, str]:
    """Term -> English of each row of the glossary's table."""
    text = (KO / "glossary.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", text, re.M)[2:])  # past the header rows


def test_the_glossary_is_in_korean_alphabetical_order():
    """Its introduction says 가나다순; Hangul syllables' code points are in that order."""
    terms = list(_glossary_rows())
    korean = [t for t in terms if "\uac00" <= t[0] <= "\ud7a3"]
    assert korean == terms[: len(korean)], "the Korean terms come first, then the Latin ones"
    assert korean == sorted(korean)


@pytest.mark.parametrize("page", TEXT_PAGES, ids=_ids(TEXT_PAGES))
def test_terms_a_page_defines_are_the_glossarys(page):
    """A term a page introduces in bold with its English, ``**셀 상태**(cell state)``, is a row of the
    glossary with that English, so the two never name one idea two ways."""
    rows = _glossary_rows()
    text = " ".join(page.read_text(encoding="utf-8").split())
    defined = re.findall(r"\*\*([^*]+)\*\*\(([A-Za-z][^),]*)", text)
    for term, english in defined:
        assert term in rows, f"{page.name}: **{term}** is not in the glossary"
        assert rows[term].startswith(english.strip()), (
            f"{page.name}: {term} is {english!r}, glossary {rows[term]!r}"
        )


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_the_candidates_are_not_counted_as_gates(page):
    """The LSTM has three gates and a cell candidate g_t, the GRU two gates and a new state n_t (the
    glossary); 04 said "네 게이트" and 05 "게이트 묶음이 ... 넷/셋" for the stacked weight blocks."""
    text = " ".join(page.read_text(encoding="utf-8").split())
    for miscount in ("네 게이트", "게이트 네", "게이트 묶음", "세 게이트의 가중치"):
        assert miscount not in text, f"{page.name}: {miscount!r}: a candidate is not a gate (네 묶음)"


def test_the_glossarys_update_gate_is_torchs():
    """h_t = (1 - z_t) n_t + z_t h_{t-1}: z_t near 1 keeps the old state (torch.nn, cuDNN, rnnkit's
    gru_step); some texts swap z and 1 - z, and the glossary must not."""
    glossary = (KO / "glossary.md").read_text(encoding="utf-8")
    row = next(line for line in glossary.splitlines() if line.startswith("| 업데이트 게이트 |"))
    assert r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}" in row
    assert "1에 가까우면 이전 상태를 유지" in row


def test_chapter_05_says_whose_update_gate_convention_it_uses_and_that_others_swap_it():
    """A student who learned the GRU from a text that writes h_t = (1 - z_t) h_{t-1} + z_t h~_t (Chung et
    al. 2014 and many blogs) reads z_t near 1 as "take the new candidate", the opposite of rnnkit's
    gates.update. 05 names its convention (torch.nn's, cuDNN's, Cho et al.'s: z_t on the old state) and
    the swapped form, and the cell computes its one: z_t = 1 keeps h_{t-1}."""
    torch = pytest.importorskip("torch")
    import rnnkit

    chapter = " ".join(_chapter("05-gru").split())
    assert (
        "rnnkit은 torch.nn.GRU, cuDNN, 원 논문(조경현 외, 2014)과 같이 $z_t$를 이전 상태 $h_{t-1}$에"
        in chapter
    )
    assert r"$h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde{h}_t$" in chapter
    assert "`gates.update`" in chapter and "1에 가까우면 이전 상태를 유지한다고 읽어야 합니다" in chapter

    gru = rnnkit.GRUCell(2, 3)
    with torch.no_grad():
        gru.bias_ih[3:6] = 50.0  # rows H..2H: the update gate, saturated at 1
    h = torch.randn(4, 3)
    h_t, gates = gru(torch.randn(4, 2), h, return_gates=True)
    torch.testing.assert_close(gates.update, torch.ones(4, 3))
    torch.testing.assert_close(h_t, h)


def test_chapter_05_says_where_the_gru_did_worse_than_the_lstm():
    """05 said "in rnnkit's measurements the GRU did as well as the LSTM or better", but RESULTS.md's
    forecast table of every cell has the GRU behind on both learnable series (glucose, unemployment); the
    page quotes those rows beside the tasks where the GRU led."""
    results = (ROOT / "docs" / "RESULTS.md").read_text(encoding="utf-8")
    mae = {
        (data, cell): value
        for data, cell, value in re.findall(
            r"^\| (glucose|unemployment) \| \**(lstm|gru)\** \| ([\d.]+) \|", results, re.M
        )
    }
    chapter = " ".join(_chapter("05-gru").split())
    assert "비슷하거나 더 나았습니다" not in chapter
    for data, word in (("glucose", "혈당 시계열"), ("unemployment", "실업률")):
        lstm, gru = mae[data, "lstm"], mae[data, "gru"]
        assert float(gru) > float(lstm), f"RESULTS.md: the GRU no longer trails on {data}"
        assert f"{word}에서 LSTM {lstm}, GRU {gru}" in chapter
    assert "시계열 예측에서는 반대로 GRU가 LSTM보다 못했습니다" in chapter


def test_chapter_03_quotes_the_fully_trained_gradient_flow_of_results_md():
    """After the 1536-step training that solves length 100, the gradient 100 steps back: RESULTS.md's
    table (``rnnkit demo`` prints the same models' norms) is what 03 quotes."""
    results = (ROOT / "docs" / "RESULTS.md").read_text(encoding="utf-8")

    def back_99(cell: str) -> str:  # the T-t=99 column of the trained row
        row = re.search(
            rf"^\| {cell} \| trained \| [^|]+\| [^|]+\| [^|]+\| \**([^|*]+?)\** \|", results, re.M
        )
        return row.group(1).strip()

    chapter = " ".join(_chapter("03-vanishing-gradient").split())
    assert f"LSTM은 {back_99('lstm')}, GRU는 {back_99('gru')}으로" in chapter
    mantissa, exponent = back_99("rnn").split("e")
    assert f"tanh RNN은 ${mantissa} \\times 10^{{{int(exponent)}}}$에 머뭅니다" in chapter


def test_chapter_01_says_what_the_held_out_caption_split_holds():
    """01 said the held-out split holds *only* never-seen colour-shape pairs; each of its scenes has one
    (the first shape) beside shapes of seen pairs, so the chapter says "at least one per scene"."""
    import random

    from rnnkit.caption.shapes import HELD_OUT_PAIRS, sample_scene

    rng = random.Random(0)
    scenes = [sample_scene(rng, heldout=True) for _ in range(200)]
    pairs = [[(s.colour, s.kind) for s in scene.shapes] for scene in scenes]
    assert all(any(p in HELD_OUT_PAIRS for p in scene) for scene in pairs)
    assert any(p not in HELD_OUT_PAIRS for scene in pairs for p in scene)  # so not "only"
    assert ("red", "triangle") in HELD_OUT_PAIRS
    chapter = " ".join(_chapter("01-three-shapes").split())
    assert "조합(예: 빨간 삼각형)이 장면마다 적어도 하나 들어 있어서" in chapter


def test_chapter_01_quotes_what_the_shipped_translator_prints(capsys):
    """The translations 01 shows in prose (its figure's sentence and the two unknown names) are what
    ``rnnkit translate text`` prints with the shipped model today."""
    from rnnkit.cli import main

    chapter = " ".join(_chapter("01-three-shapes").split())
    quoted = {
        "My brother lives in Seoul.": re.search(r'출력은 "([^"]+)"입니다', chapter).group(1),
        "My name is John.": re.search(r'그래서 "([^"]+)", "[^"]+"가 나옵니다', chapter).group(1),
        "I work at Google.": re.search(r'그래서 "[^"]+", "([^"]+)"가 나옵니다', chapter).group(1),
    }
    assert main(["translate", "text", "--threads", "1", *quoted]) == 0
    assert capsys.readouterr().out.splitlines() == list(quoted.values())


# A soft line break renders as a space: a parenthesis that opens a line after a word reads "돌려줍니다 (…)",
# where Korean writes "돌려줍니다(…)" as every other aside on these pages does.
SPACE_BEFORE_ASIDE = re.compile(r"[\uac00-\ud7a3`]\n\(")


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_an_aside_follows_its_word_without_a_space(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    found = [text[m.start() - 15 : m.end() + 10] for m in SPACE_BEFORE_ASIDE.finditer(text)]
    assert not found, f"{page.name}: a line break puts a space before '(': {found}"


def test_chapter_00_says_both_input_layouts_and_its_table_is_what_the_series_gives():
    """00 names the layout a layer takes without batch_first (L, N, H_in), which is what the layers do,
    and its table of the two simple predictions is computed over the windows it says it is."""
    torch = pytest.importorskip("torch")
    import numpy as np

    import rnnkit
    from rnnkit.forecast.data import load_series

    chapter = " ".join(_chapter("00-sequence-data").split())
    layer = rnnkit.RNN(3, 5)
    assert layer.batch_first is False and "기본값 `False`" in chapter
    out, _ = layer(torch.randn(10, 4, 3))  # (L, N, H_in)
    assert tuple(out.shape) == (10, 4, 5) and "`(L, N, H_in)` 모양을 받습니다" in chapter

    prices = load_series("ibm").target
    windows = np.lib.stride_tricks.sliding_window_view(prices[:-1], 4)
    target = prices[4:]
    assert f"4일 창 {len(windows):,}개에서 비교합니다" in chapter
    assert f"| 내일 = 4일 중 마지막 날 | 예 | {np.abs(windows[:, -1] - target).mean():.3f} |" in chapter
    assert f"| 내일 = 4일의 평균 | 아니요 | {np.abs(windows.mean(axis=1) - target).mean():.3f} |" in chapter


@pytest.mark.slow
def test_chapter_01_predicts_with_the_model_its_first_command_saved(tmp_path, capsys, monkeypatch):
    """01's forecast block runs as written: its predict line reads the model the train line saved and
    nothing else (it named my_prices.csv, a file the student does not have, and another series than
    the model's)."""
    import shlex

    from rnnkit.cli import main

    block = re.search(r"^```bash\n(rnnkit forecast train .*?)^```", _chapter("01-three-shapes"), re.S | re.M)
    lines = [shlex.split(line, comments=True) for line in block.group(1).splitlines()]
    train = next(argv for argv in lines if argv[1:3] == ["forecast", "train"])
    predict = next(argv for argv in lines if argv[1:3] == ["forecast", "predict"])
    monkeypatch.chdir(tmp_path)
    assert main([*train[1:], "--epochs", "1", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(predict[1:]) == 0
    printed = capsys.readouterr()
    assert "forecast " in printed.out and "another series" not in printed.err + printed.out


def test_the_clipping_norms_the_lecture_quotes_are_each_applications_default():
    """03 and the glossary say at what norm each command clips the gradient; they said explain and
    translate only (1), where forecast clips at 1 too and caption at 5."""
    from rnnkit.caption.pipeline import CaptionConfig
    from rnnkit.explain.training import TrainSettings
    from rnnkit.forecast.settings import ForecastSettings
    from rnnkit.translate.training import TrainOptions

    norms = {
        "forecast": ForecastSettings().clip_norm,
        "translate": TrainOptions().clip_norm,
        "explain": TrainSettings().clip_norm,
        "caption": CaptionConfig().clip_norm,
    }
    assert norms == {"forecast": 1.0, "translate": 1.0, "explain": 1.0, "caption": 5.0}, norms
    chapter = " ".join(_chapter("03-vanishing-gradient").split())
    assert (
        "`rnnkit forecast`, `rnnkit translate`, `rnnkit explain`이 1이고 `rnnkit caption`이 5입니다"
        in chapter
    )
    glossary = (KO / "glossary.md").read_text(encoding="utf-8")
    assert "`forecast`·`translate`·`explain` 학습은 노름 1, `caption` 학습은 노름 5로 클리핑" in glossary


def test_chapter_05_puts_its_gru_lstm_translation_scores_on_the_corpus_and_runs_they_came_from():
    """05's chrF 18.65 against 17.23 came from the first, small corpus (2,580 training pairs), one seed,
    where the same LSTM configuration also gave 17.89 (25 epochs): the page said so, so a student does not set them
    against 01's 40.1 of the shipped model or read a 1.4 chrF gap as settled."""
    results = (ROOT / "docs" / "RESULTS.md").read_text(encoding="utf-8")
    per_cell = {
        (cell, attention, run): chrf
        for cell, attention, chrf, run in re.findall(
            r"^\| (LSTM|GRU) \| (Bahdanau[^|]*?) \| \**([\d.]+)\** \|.*\| ([^|]+) \|$", results, re.M
        )
    }
    gru = per_cell["GRU", "Bahdanau", "A"]
    lstm = per_cell["LSTM", "Bahdanau", "A"]
    lstm_again = per_cell["LSTM", "Bahdanau (earlier default)", "CPU, 2 cores, patience 5"]
    assert "17.23 (GPU, 20 epochs) and 17.89 (CPU, 25 epochs)" in results  # the other run: 25 epochs
    pairs = re.search(r"\(([\d,]+) train / [\d,]+ valid / [\d,]+ test, split seed 0", results).group(1)
    chapter = " ".join(_chapter("05-gru").split())
    assert f"GRU의 테스트 chrF가 {gru}로 LSTM의 {lstm}보다 높았습니다" in chapter
    assert (
        f"초기 말뭉치(학습용 {pairs}쌍)" in chapter
        and f"LSTM을 25 에포크 학습한 다른 실행에서는 {lstm_again}가 나왔으므로" in chapter
    )
    assert "01장의 chrF 40.1" in chapter and "test chrF 40.1" in results


@pytest.mark.slow
def test_chapter_01_describes_an_image_its_first_caption_command_made(tmp_path, capsys, monkeypatch):
    """01's caption block runs as written, on small settings: the describe line reads an image the
    generate-data line wrote (it read photo.png, which the student does not have), and a picture unlike
    the shapes gets the warning the page quotes."""
    import shlex

    from rnnkit.cli import main

    block = re.search(
        r"^```bash\n(rnnkit caption generate-data .*?)^```", _chapter("01-three-shapes"), re.S | re.M
    )
    generate, train, describe = (shlex.split(line, comments=True)[1:] for line in block.group(1).splitlines())
    small = ["--train-images", "40", "--val-images", "10", "--test-images", "10", "--heldout-images", "10"]
    monkeypatch.chdir(tmp_path)
    assert main([*generate, *small]) == 0
    assert main([*train, "--epochs", "1", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(describe) == 0
    assert capsys.readouterr().out.startswith(f"{describe[-1]}\t")
    assert main([*describe[:-1], str(ROOT / "docs" / "figures" / "forecast.png")]) == 0
    warning = re.search(r"\(`(looks unlike [^`]*)`\)", " ".join(_chapter("01-three-shapes").split())).group(1)
    assert warning in " ".join(capsys.readouterr().err.split())


def test_chapter_01_says_the_report_carries_hangul_only_from_a_font_the_making_machine_has(monkeypatch):
    """01 said the demo report always shows Korean on a machine without a Korean font; it embeds a font
    only when the machine that makes it has one (README.ko.md says so), else its Korean shows as boxes
    there. The page gives the condition, and without a font nothing is embedded."""
    from rnnkit.utils import fonts

    chapter = " ".join(_chapter("01-three-shapes").split())
    assert "만드는 컴퓨터에 한글 글꼴이 있으면 보고서에 쓰인 한글만 그 글꼴에서 뽑아" in chapter
    assert "만드는 컴퓨터에 한글 글꼴이 없으면 글꼴을 넣지 않으므로" in chapter
    monkeypatch.setattr(fonts, "hangul_font_file", lambda: None)
    assert fonts.embedded_font_css("우리 형은 서울에 살아요.") is None


def test_the_index_says_the_commands_and_notebooks_already_run_on_one_thread():
    """The index told a student on a shared machine to set OMP_NUM_THREADS=1 to be fast, as if rnnkit
    used every core; its commands default to one thread (--threads, rnnkit.utils.threads) and every
    notebook's first code cell sets one. The page says so, and both hold."""
    import json

    from rnnkit.utils.threads import DEFAULT_THREADS

    index = " ".join((KO / "README.md").read_text(encoding="utf-8").split())
    assert DEFAULT_THREADS == 1
    assert "rnnkit 명령은 기본으로 CPU 스레드를 하나만 쓰고(`--threads 1`)" in index
    assert "노트북도 첫 코드 셀에서 `torch.set_num_threads(1)`로 하나만 씁니다" in index
    for notebook in sorted((ROOT / "docs" / "notebooks").glob("*/*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        first = next(cell for cell in cells if cell["cell_type"] == "code")
        assert "torch.set_num_threads(1)" in "".join(first["source"]), notebook.name


def test_chapter_01_quotes_the_forecast_scores_results_md_measured_for_the_default():
    """01's IBM and glucose numbers (the default model at seed 0 beside the naive forecast, the test days)
    are RESULTS.md's rows for today's defaults (its second pass), and the percentage is theirs, so
    neither drifts."""
    results = (ROOT / "docs" / "RESULTS.md").read_text(encoding="utf-8")

    def seed_0(series: str) -> tuple[str, str]:  # (model MAE, naive MAE) of the window-4 default, seed 0
        # the model's MAE from the second pass's table, the current defaults (RESULTS.md says the tables
        # before it are the first pass, kept as history); the naive forecast's from the first pass's row,
        # which the second pass does not repeat (it is the data's, the same in every pass)
        current = re.search(rf"^\| {series} \| ([\d.]+) / [\d.]+ / [\d.]+ \|", results, re.M)
        naive = re.search(
            rf"^\| {series} \| 4 \| 0 \| [^|]+\| [^|]+\| [^|]+\| \**[\d.]+\** \| ([\d.]+) \|", results, re.M
        )
        return current.group(1), naive.group(1)

    (ibm, ibm_naive), (glucose, glucose_naive) = seed_0("ibm"), seed_0("glucose")
    days = re.search(r"Test samples: (\d+) days per stock", results).group(1)
    chapter = " ".join(_chapter("01-three-shapes").split())
    assert f"IBM 테스트 구간 {days}일의 평균 절대 오차: LSTM {ibm}, 나이브 {ibm_naive}" in chapter
    below = round(100 * (1 - float(glucose) / float(glucose_naive)))
    assert f"평균 절대 오차 {glucose}로 나이브 예측({glucose_naive})보다 {below}% 낮습니다" in chapter


def test_chapter_01_describes_the_shipped_translator_and_caption_scores_as_recorded():
    """01's account of the shipped translator (corpus pairs, two members of 15 epochs at dropout 0.1, MBR
    over beam 24, test chrF beside copy-the-source) is what the model's own config.json records, and its
    caption scores (CIDEr-D beside the most frequent caption, colour and shape precision) are RESULTS.md's
    default row."""
    import json

    from rnnkit.translate.options import SHIPPED_CONFIG

    config = json.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    chapter = " ".join(_chapter("01-three-shapes").split())
    pairs, beam = config["data"]["read"]["pairs"], config["decoding"]["beam"]
    assert config["decoding"]["mbr"] and len(config["ensemble"]) == 2
    assert all("--epochs 15 --dropout 0.1" in run for run in config["ensemble_of"])
    assert {member["dropout"] for member in config["ensemble"]} == {0.1}
    assert f"말뭉치 {pairs:,}쌍 가운데" in chapter
    assert "같은 설정(드롭아웃 0.1)에서 시드만 바꿔 각각 15 에포크 학습한 두 모델의 앙상블" in chapter
    assert f"빔 폭 {beam}인 빔 탐색이 찾은 후보 {beam}개" in chapter
    scores = config["test_scores"]
    model, copy = scores["model"]["chrf"], scores["copy_source"]["chrf"]
    assert f"테스트 chrF는 {model:.1f}로, 원문을 그대로 베끼는 기준 모델({copy:.2f})" in chapter

    results = (ROOT / "docs" / "RESULTS.md").read_text(encoding="utf-8")
    default = re.search(
        r"^\| test \| \*\*new default\*\* \(beam 10, P 3, W 2, places checked\) \| \*\*([\d.]+)\*\* / [\d.]+ \| "
        r"\*\*([\d.]+)\*\* / .* \| ([\d.]+) \| – \|$",
        results,
        re.M,
    )
    colour, shape, cider = map(float, default.groups())
    frequent = re.search(
        r"^\| test \| most frequent caption \|(?: \|)+ [\d.]+ \| ([\d.]+) \| – \|$", results, re.M
    ).group(1)
    assert (
        f"테스트 CIDEr-D {cider:.2f}로, 가장 흔한 설명 하나를 늘 답하는 기준 모델({float(frequent):.2f})"
        in chapter
    )
    assert f"색의 {round(100 * colour)}%, 도형의 {round(100 * shape)}%가 실제로 그림에 있습니다" in chapter


def test_chapter_01_says_how_long_its_translation_training_takes():
    """A student who types 01's translate train waits for the whole corpus: the page says the epoch's
    CPU minutes BENCHMARKS.md measured for the shipped recipe (204 to 244 s) and the default epochs."""
    from rnnkit.translate.training import TrainOptions

    benchmarks = (ROOT / "docs" / "BENCHMARKS.md").read_text(encoding="utf-8")
    low, high = map(int, re.search(r"the other fourteen (\d+) to (\d+) s\b", benchmarks).groups())
    chapter = _chapter("01-three-shapes")
    line = next(line for line in chapter.splitlines() if line.startswith("rnnkit translate train"))
    assert f"에포크당 CPU 약 {round((low + high) / 2 / 60)}분, 최대 {TrainOptions().epochs} 에포크" in line
    assert "CPU에서 한 시간 넘게 걸립니다" in chapter and low * TrainOptions().epochs > 3600


def test_the_glossary_is_in_korean_order_and_names_the_chapters_working_terms():
    """It says 가나다순: the Korean rows are (Unicode orders the syllables so), then the Latin ones. The
    words the chapters work with from 01 on (the adding problem, epochs, the naive forecast, the window)
    have rows too; a student reading cold met them with no definition."""
    rows = re.findall(
        r"^\| ([^|]+?) \| [^|]+ \| [^|]+ \| [^|]+ \|$", (KO / "glossary.md").read_text(encoding="utf-8"), re.M
    )
    terms = rows[1:]  # the header row first
    korean = [t for t in terms if "\uac00" <= t[0] <= "\ud7a3"]
    assert terms[: len(korean)] == korean and korean == sorted(korean)
    assert terms[len(korean) :] == sorted(terms[len(korean) :], key=str.lower)
    assert {"덧셈 문제", "에포크", "나이브 예측", "창"} <= set(korean)
    chapters = " ".join(_chapter(name) for name in CHAPTERS)
    assert all(word in chapters for word in ("덧셈 문제", "에포크", "나이브 예측", "창"))


def test_chapters_04_and_05_train_their_gate_models_into_different_folders(tmp_path, monkeypatch):
    """05's ``explain gates --cell gru`` wrote the default folder 04's LSTM lives in, and rnnkit rewrites a
    folder it made, so 04's ``--model runs/explain/gates/model`` line then showed the GRU. Each chapter's
    training command writes a folder of its own, and 04's --model line reads 04's."""
    import shlex

    import click

    from rnnkit.cli import root

    ctx = click.Context(root)
    command = root.get_command(ctx, "explain").get_command(ctx, "gates")  # root loads its groups lazily
    default_out = next(p.default for p in command.params if p.name == "out")

    def gates_lines(name: str) -> list[list[str]]:
        blocks = re.findall(r"^```bash\n(.*?)^```", _chapter(name), re.S | re.M)
        lines = [shlex.split(line, comments=True) for block in blocks for line in block.splitlines()]
        return [argv[3:] for argv in lines if argv[:3] == ["rnnkit", "explain", "gates"]]

    def out_of(argv: list[str]) -> str:
        return str(
            command.make_context("gates", list(argv), resilient_parsing=True).params["out"] or default_out
        )

    lstm_train, lstm_show = gates_lines("04-lstm")
    (gru_train,) = gates_lines("05-gru")
    assert "--model" not in lstm_train and "--model" not in gru_train
    assert out_of(lstm_train) != out_of(gru_train)
    shown = lstm_show[lstm_show.index("--model") + 1]
    assert Path(shown).parent == Path(out_of(lstm_train))


def _folders_written(pages: dict[str, str]) -> list[tuple[str, str, list[str]]]:
    """(page, output folder, argv) of each ``rnnkit`` line of the pages' bash blocks that writes one (a
    ``--model`` line reads a folder another wrote)."""
    import shlex

    import click

    from rnnkit.cli import root

    ctx = click.Context(root)
    written = []
    for name, text in pages.items():
        for block in re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M):
            for line in block.splitlines():
                argv = shlex.split(line, comments=True)
                if argv[:1] != ["rnnkit"] or "--model" in argv:
                    continue
                group = root.get_command(ctx, argv[1])
                command = group.get_command(ctx, argv[2]) if isinstance(group, click.Group) else group
                params = {p.name: p for p in command.params}
                if "out" not in params:
                    continue
                args = argv[3:] if isinstance(group, click.Group) else argv[2:]
                out = command.make_context(argv[2], list(args), resilient_parsing=True).params["out"]
                written.append((name, str(out or params["out"].default), argv))
    return written


def test_two_different_commands_of_the_lecture_never_write_the_same_folder():
    """A student runs the chapters' blocks in order; rnnkit rewrites an explain run folder it made, so
    two different commands with one output folder leave the second's result where a later line reads
    the first's (00's CSV line replaced the IBM model; 05's GRU replaced 04's LSTM). The same command
    twice (02 and 05 measure the memory alike) would write the same thing, but is refused on its finished
    run folder without --force, as explain and train commands refuse a finished run (a later chapter says
    so where it reruns one: 01 of 00's IBM model)."""
    writers: dict[str, tuple[str, list[str]]] = {}
    for name, folder, argv in _folders_written({name: _chapter(name) for name in CHAPTERS}):
        first = writers.setdefault(folder, (name, argv))
        assert first[1] == argv, f"{first[0]} and {name} both write {folder}: {first[1]} / {argv}"
    assert "runs/explain/gates" in writers and "runs/ibm" in writers
    chapter = " ".join(_chapter("01-three-shapes").split())
    assert "00장에서 이미 실행했다면 건너뛰어도 됩니다" in chapter


def test_the_lecture_trains_into_no_folder_the_korean_readme_trained_otherwise():
    """A Korean student comes to the lecture from README.ko.md, whose ``rnnkit forecast train`` (IBM,
    the default) wrote ``runs/forecast``; 00's ``--data ibm`` wrote it too, and was refused: a train
    command does not rewrite a finished run (``--force``, ``--resume`` or another ``--out``)."""
    trains = {("forecast", "train"), ("translate", "train"), ("caption", "train")}
    pages = {"README.ko.md": (ROOT / "README.ko.md").read_text(encoding="utf-8")}
    pages.update({name: _chapter(name) for name in CHAPTERS})
    readme: dict[str, list[str]] = {}
    for name, folder, argv in _folders_written(pages):
        if tuple(argv[1:3]) not in trains:
            continue
        if name == "README.ko.md":
            readme[folder] = argv
        elif folder in readme:
            assert readme[folder] == argv, (
                f"{name} trains into {folder}, which README.ko.md's {readme[folder]} wrote"
            )
    assert "runs/forecast" in readme


def test_every_whole_command_a_chapter_writes_inline_has_its_required_options():
    """A figure caption's command is a recipe to reproduce the figure: 01's caption commands lacked
    generate-data's --out, train's --data and eval's --model and --data, so each one stopped on a
    missing option. Every inline ``rnnkit ...`` span of a chapter that elides nothing (no ``...``) parses
    whole."""
    import shlex

    import click

    from rnnkit.cli import root

    checked = 0
    for name in CHAPTERS:
        text = " ".join(re.sub(r"```.*?```", "", _chapter(name), flags=re.DOTALL).split())
        for span in re.findall(r"`(rnnkit [a-z][^`]*)`", text):
            if "..." in span:
                continue
            argv = shlex.split(span)[1:]
            ctx = click.Context(root)
            command, args = root.get_command(ctx, argv[0]), argv[1:]
            if isinstance(command, click.Group):
                if not args:
                    continue  # a group named in prose: `rnnkit caption`
                command, args = command.get_command(ctx, args[0]), args[1:]
            if not isinstance(command, click.Group):
                try:
                    command.make_context(argv[0], list(args))
                except click.UsageError as error:
                    pytest.fail(f"{name}: `{span}`: {error.format_message()}")
                checked += 1
    assert checked >= 10
