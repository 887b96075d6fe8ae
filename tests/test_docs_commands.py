"""Every ``rnnkit ...`` command line in the docs names commands and options that exist.

A reader copies commands from README.md, README.ko.md, docs/*.md and docs/ko/*.md. Each command line in a
code block (``bash``, ``console`` prompts, plain blocks) and each inline ```rnnkit ...``` span is read as
the shell would split it (``torchrun ... -m rnnkit``, ``OMP_NUM_THREADS=1 nice -n 5 rnnkit``, pipes and
``&`` too, ``$ARGS`` from an assignment in the same block), as is each inline span that names a command
without ``rnnkit`` (```translate train --stream```), and checked against the click tree: each
subcommand exists, each ``--option`` is one the command takes, and a literal value of a choice or number
option is one the option accepts. Nothing runs; placeholders (``MODEL``, ``DIR``, ``...``, ``[--fp16]``)
are left alone. Lines that rnnkit printed (``rnnkit: error: ...``, console output) are not commands.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from rnnkit.cli import root

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "README.md",
    ROOT / "README.ko.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "ko").glob("*.md")),
]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
SHELL_BLOCKS = {"", "bash", "console", "sh", "shell"}
SEPARATORS = {"|", "||", "&&", ";", "&", ";;"}
ASSIGNMENT = re.compile(r'^([A-Z_][A-Z_0-9]*)="([^"]*)"\s*$')
PLACEHOLDER = re.compile(r"[A-Z][A-Z_0-9]*")  # MODEL, DIR, N: the reader fills it in
APPS = "|".join(root.list_commands(click.Context(root)))  # forecast, translate, ...


def _block_lines(body: str, console: bool) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(offset, line, variables) of each command line of a block, backslash continuations joined."""
    variables: dict[str, str] = {}
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        first, line = i, lines[i]
        while line.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line.rstrip()[:-1] + " " + lines[i]
        i += 1
        line = line.strip()
        if console:
            if not line.startswith("$ "):
                continue  # what the command printed
            line = line[2:]
        if not line or line.startswith("rnnkit:"):
            continue  # a message rnnkit printed, shown in a plain block
        assigned = ASSIGNMENT.match(line)
        if assigned:
            variables[assigned.group(1)] = assigned.group(2)
            continue
        yield first, line, dict(variables)


def command_lines(page: Path) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(line number, text, variables) of every command line on a page: in shell code blocks and inline."""
    text = page.read_text(encoding="utf-8")
    for block in FENCE.finditer(text):
        if block.group(1) not in SHELL_BLOCKS:
            continue
        start = text[: block.start()].count("\n") + 2
        for offset, line, variables in _block_lines(block.group(2), block.group(1) == "console"):
            yield start + offset, line, variables
    prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for number, line in enumerate(prose.split("\n"), 1):
        for span in re.findall(r"`(rnnkit [a-z][^`]*)`", line):
            if not re.match(r"rnnkit [\w-]+:", span):  # `rnnkit serve: http://...` is what it printed
                yield number, span, {}


def shorthand_lines(page: Path) -> Iterator[tuple[int, str]]:
    """(line number, ``rnnkit`` + span) of each inline span that names a command without ``rnnkit`` in
    front (```translate train --stream```, ```explain gates```, ```demo --out```): a reader types it after
    ``rnnkit``. ```forecast eval/backtest``` names two commands at once and is left alone."""
    prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text(encoding="utf-8"))
    for number, line in enumerate(prose.split("\n"), 1):
        for span in re.findall(rf"`((?:{APPS}) (?:[a-z][\w-]*(?: [^`]*)?|--[^`]*))`", line):
            yield number, f"rnnkit {span}"


def rnnkit_invocations(line: str, variables: dict[str, str]) -> list[list[str]]:
    """The arguments after ``rnnkit`` of each rnnkit call on a shell line."""
    for name, value in variables.items():
        line = line.replace(f"${name}", value)
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError:  # an unclosed quote: prose, not a command
        return []
    segments: list[list[str]] = [[]]
    for word in words:
        if word in SEPARATORS:
            segments.append([])
        else:
            segments[-1].append(word)
    calls = []
    for segment in segments:
        while segment and re.match(r"^[A-Za-z_][A-Za-z_0-9]*=", segment[0]):
            segment = segment[1:]  # OMP_NUM_THREADS=1 rnnkit ...
        if segment[:1] == ["nice"]:
            segment = segment[3:] if segment[1:2] == ["-n"] else segment[1:]
        if segment[:1] == ["rnnkit"]:
            calls.append(segment[1:])
        elif "-m" in segment:  # torchrun / accelerate launch / python ... -m rnnkit
            at = segment.index("-m")
            if segment[at + 1 : at + 2] == ["rnnkit"]:
                calls.append(segment[at + 2 :])
    return calls


def _option_names(command: click.Command) -> dict[str, click.Option]:
    return {
        name: param
        for param in command.params
        if isinstance(param, click.Option)
        for name in param.opts + param.secondary_opts
    }


def _is_placeholder(value: str) -> bool:
    return "$" in value or value.endswith("...") or bool(PLACEHOLDER.fullmatch(value))


def problems(args: list[str]) -> list[str]:
    """What is wrong with ``rnnkit ARGS`` as the click tree reads it (an empty list: nothing)."""
    args = [a.strip("[]") for a in args if a.strip("[]") not in ("", "...", "|")]
    command: click.Command = root
    ctx = click.Context(root, info_name="rnnkit")
    path = ["rnnkit"]
    while isinstance(command, click.Group) and args and not args[0].startswith("-"):
        sub = command.get_command(ctx, args[0])
        if sub is None:
            return [f"{' '.join(path)} has no command {args[0]!r}"]
        path.append(args.pop(0))
        command, ctx = sub, click.Context(sub, info_name=path[-1], parent=ctx)
    options = _option_names(command)
    found = []
    for i, arg in enumerate(args):
        if not arg.startswith("-") or arg == "-" or _is_placeholder(arg):
            continue
        name, eq, value = arg.partition("=")
        if name in ctx.help_option_names or name == "--version" and len(path) == 1:
            continue
        param = options.get(name)
        if param is None:
            found.append(f"{' '.join(path)} has no option {name}")
            continue
        if param.is_flag or param.count:
            continue
        if not eq:
            value = args[i + 1] if i + 1 < len(args) else ""
        if not value or _is_placeholder(value):
            continue
        if isinstance(param.type, (click.Choice, click.types._NumberRangeBase)) or param.type.name in (
            "integer",
            "float",
        ):
            try:
                param.type.convert(value, param, ctx)
            except click.BadParameter as exc:
                found.append(f"{' '.join(path)} {name} {value}: {exc.message}")
    return found


CASES = [
    (page, number, line, args)
    for page in PAGES
    for number, line, variables in command_lines(page)
    for args in rnnkit_invocations(line, variables)
]


def test_the_docs_hold_many_rnnkit_commands():
    pages = {page for page, *_ in CASES}
    assert len(CASES) >= 200, len(CASES)
    assert {ROOT / "README.md", ROOT / "README.ko.md", ROOT / "docs" / "forecast.md"} <= pages


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_documented_rnnkit_command_names_real_commands_and_options(page):
    shorthand = [(page, number, line, args) for number, line in shorthand_lines(page)
                 for args in rnnkit_invocations(line, {})]  # fmt: skip
    wrong = [
        f"{page.relative_to(ROOT)}:{number}: {problem}\n    {line}"
        for where, number, line, args in CASES + shorthand
        if where == page
        for problem in problems(args)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("rnnkit forecast train --data ibm --windw 4", "rnnkit forecast train has no option --windw"),
        ("rnnkit translate trian", "rnnkit translate has no command 'trian'"),
        ("OMP_NUM_THREADS=1 nice -n 5 rnnkit caption train --cell lsmt", "--cell lsmt"),
        ("torchrun --nproc_per_node 4 -m rnnkit explain memory --epochs many", "--epochs many"),
        ('cat a.txt | rnnkit translate text --beem 1 "Hi."', "has no option --beem"),
    ],
)
def test_the_check_finds_a_wrong_command(line, expected):
    calls = rnnkit_invocations(line, {})
    assert len(calls) == 1
    assert any(expected in problem for problem in problems(calls[0]))


def test_the_check_reads_commands_named_without_rnnkit(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "With `translate train --strem` and `caption --cache-dir`; `demo --out`, `explain gates` and\n"
        "`forecast eval/backtest --out` are right.\n",
        encoding="utf-8",
    )
    found = [
        p
        for _, line in shorthand_lines(page)
        for args in rnnkit_invocations(line, {})
        for p in problems(args)
    ]
    assert found == [
        "rnnkit translate train has no option --strem",
        "rnnkit caption has no option --cache-dir",
    ]


def test_the_check_passes_placeholders_and_reads_variables_and_output_lines():
    plain = 'ARGS="--beam 5 --epochs 15"\nrnnkit translate ensemble A B --out DIR [--fp16] $ARGS\nrnnkit: error: x\n'
    ((_, line, variables),) = _block_lines(plain, console=False)
    (args,) = rnnkit_invocations(line, variables)
    assert args[-4:] == ["--beam", "5", "--epochs", "15"]
    assert problems(args) == ["rnnkit translate ensemble has no option --epochs"]  # --fp16 is one of its own
    console = '$ ARGS="--epochs 15"\n$ rnnkit translate train $ARGS --out DIR\nread 3 pairs\n'
    ((_, line, variables),) = _block_lines(console, console=True)
    assert rnnkit_invocations(line, variables) == [["translate", "train", "--epochs", "15", "--out", "DIR"]]


# --- an option named alone (`--min-count`) is one that exists --------------------------------------

# Launchers' options the scaling pages explain (torchrun, accelerate launch, srun), and train.md's pattern.
OTHER_OPTIONS = {"--cpu", "--num_processes", "--multi_gpu", "--mixed_precision", "--mpirun_hostfile",
                 "--node_rank", "--nproc_per_node", "--rdzv_backend", "--rdzv_id", "--standalone",
                 "--kill-on-bad-exit", "--x-y"}  # fmt: skip
SCRIPT_OPTION = re.compile(r"""add_argument\(\s*(?:"-\w",\s*)?["'](--[\w-]+)["']""")


def _every_rnnkit_option(command: click.Command, ctx: click.Context | None = None) -> set[str]:
    found = set(_option_names(command))
    if isinstance(command, click.Group):
        ctx = click.Context(command, parent=ctx)
        for name in command.list_commands(ctx):
            found |= _every_rnnkit_option(command.get_command(ctx, name), ctx)
    return found


def known_options() -> set[str]:
    """Every option of every rnnkit command, of the scripts the docs run (benchmarks/, docs/*.py), and
    of the launchers the docs explain."""
    scripts = [*(ROOT / "benchmarks").glob("*.py"), *(ROOT / "docs").glob("*.py")]
    found = {name for script in scripts for name in SCRIPT_OPTION.findall(script.read_text(encoding="utf-8"))}
    return found | _every_rnnkit_option(root) | OTHER_OPTIONS | {"--help"}


def unknown_options(page: Path, known: set[str]) -> list[str]:
    """Each option of an inline span that starts with one (```--min-count```, ```--set ... --no-renamed```)
    that no rnnkit command, benchmark script or documented launcher takes: the reader who types it gets
    'No such option'. Spans that start with a command are the command check's (``rnnkit ...``)."""
    wrong = []
    for number, span in _prose_and_code_spans(page):
        if span.startswith("`--"):
            for name in re.findall(r"(?<![\w-])--[\w-]+", span):
                if name not in known:
                    wrong.append(f"{_where(page)}:{number}: no command takes {name}")
    return wrong


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_option_named_alone_is_one_a_command_takes(page):
    """caption.md named `--min-count` as if caption train took it; the vocabulary's threshold is the
    setting ``min_count`` of a ``--config`` file, and ``--min-count`` was 'No such option'."""
    wrong = unknown_options(page, known_options())
    assert not wrong, "\n".join(wrong)


def test_the_option_check_finds_an_option_nothing_takes(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "Words rarer than `--min-count` are `<unk>`; `--hidden-size`, `--tune --sets glucose`,\n"
        "`--set ... --no-renamed`, `--nproc_per_node`, `--progress/--no-progres`; `rnnkit x --y`.\n",
        encoding="utf-8",
    )
    assert unknown_options(page, known_options()) == [
        "page.md:1: no command takes --min-count",
        "page.md:2: no command takes --no-progres",
    ]


# --- a script the docs run (benchmarks/, docs/*.py) takes the options they give it -----------------

SCRIPT_CALL = re.compile(r"((?:benchmarks|docs)/\w+\.py)((?:[ \t]+[^\s|;&#`]+)*)")


def script_options(script: Path) -> set[str]:
    """The argparse options of a script and of the sibling modules it imports its parser from."""
    text = script.read_text(encoding="utf-8")
    siblings = [script.with_name(f"{name}.py") for name in re.findall(r"^from (\w+) import", text, re.M)]
    texts = [text, *(s.read_text(encoding="utf-8") for s in siblings if s.exists())]
    return {name for t in texts for name in SCRIPT_OPTION.findall(t)} | {"--help"}


def wrong_script_options(page: Path) -> list[str]:
    """Each ``python benchmarks/x.py --flag`` of a page's shell blocks and inline spans whose script is
    missing or does not take ``--flag``: argparse stops the reader with 'unrecognized arguments'."""
    text = page.read_text(encoding="utf-8")
    lines = [
        (text[: block.start()].count("\n") + 2 + offset, line)
        for block in FENCE.finditer(text)
        if block.group(1) in SHELL_BLOCKS
        for offset, line, _ in _block_lines(block.group(2), block.group(1) == "console")
    ] + list(_prose_and_code_spans(page))
    wrong = []
    for number, line in lines:
        for path, args in SCRIPT_CALL.findall(line):
            script = ROOT / path
            if not script.exists():
                wrong.append(f"{_where(page)}:{number}: {path} does not exist")
                continue
            for name in set(re.findall(r"(?<![\w-])--[\w-]+", args)) - script_options(script):
                wrong.append(f"{_where(page)}:{number}: {path} takes no {name}")
    return sorted(wrong)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_script_the_docs_run_takes_the_options_they_give_it(page):
    wrong = wrong_script_options(page)
    assert not wrong, "\n".join(wrong)


def test_the_script_check_finds_a_wrong_option_and_reads_shared_parsers(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```bash\npython benchmarks/bench_layers.py --repeats 3 --sizs C1   # --not-an-option\n"
        "python3 benchmarks/profile_gpu_case.py --size C2 --cell lstm | head --lines 3\n```\n"
        "Run `python benchmarks/gone.py` or `benchmarks/eval_forecast.py --tune --sets glucose`.\n",
        encoding="utf-8",
    )
    assert wrong_script_options(page) == [
        "page.md:2: benchmarks/bench_layers.py takes no --sizs",
        "page.md:5: benchmarks/gone.py does not exist",
    ]


# Records of past runs keep the commands as they were typed (some from before --out was the run folder).
RECORDS = {"RESULTS.md", "BENCHMARKS.md"}
RUN_FOLDER_COMMANDS = {"forecast train", "translate train", "caption train", "explain gates", "explain memory",
                       "explain gradient-flow"}  # fmt: skip


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_no_guide_trains_into_a_model_folder(page):
    """``--out`` of a training command is its run folder and the model goes to ``OUT/model``: a guide
    whose ``--out`` ends in ``/model`` (the layout before December 2026) would put it in ``model/model``."""
    if page.name in RECORDS:
        return
    wrong = []
    for where, number, line, args in CASES:
        if where != page or " ".join(args[:2]) not in RUN_FOLDER_COMMANDS or "--out" not in args:
            continue
        out = args[args.index("--out") + 1] if args.index("--out") + 1 < len(args) else ""
        if out.rstrip("/").endswith("/model"):
            wrong.append(f"{page.relative_to(ROOT)}:{number}: --out {out}\n    {line}")
    assert not wrong, "\n".join(wrong)


def reads_before_wait(body: str) -> list[str]:
    """Each line of a shell block that reads the ``--out`` of an ``rnnkit`` run sent to the background
    (``... --out runs/a &``) before a ``wait``: pasted as written, it reads a run still training."""
    running: set[str] = set()
    wrong = []
    for line in body.replace("\\\n", " ").split("\n"):
        try:
            words = [w.rstrip("/") for w in shlex.split(line, comments=True)]
        except ValueError:  # an unclosed quote: prose, not a command
            continue
        if "wait" in words:
            running.clear()
        outs = {words[i + 1] for i, w in enumerate(words[:-1]) if w == "--out"}
        read = [w for w in words if w in running and w not in outs]
        if read:
            wrong.append(f"{line.strip()}  (reads {read[0]}, still training)")
        if words[-1:] == ["&"]:
            running |= outs
    return wrong


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_no_block_reads_a_run_it_sent_to_the_background_before_waiting(page):
    """translate.md trained ``runs/a`` with ``&``, ``runs/b`` in front, and then ensembled the two: the
    ensemble read ``runs/a`` while it was still training, unless the reader waited by chance."""
    wrong = []
    for block in FENCE.finditer(page.read_text(encoding="utf-8")):
        if block.group(1) in SHELL_BLOCKS and block.group(1) != "console":
            wrong += [f"{page.relative_to(ROOT)}: {w}" for w in reads_before_wait(block.group(2))]
    assert not wrong, "\n".join(wrong)


def test_the_wait_check_finds_a_read_of_a_background_run():
    body = "rnnkit translate train --out runs/a &\nrnnkit translate train --out runs/b\n"
    assert reads_before_wait(body + "rnnkit translate ensemble runs/a runs/b --out runs/ab\n")
    assert not reads_before_wait(body + "wait\nrnnkit translate ensemble runs/a runs/b --out runs/ab\n")
    assert not reads_before_wait(
        "rnnkit translate train --out runs/a & rnnkit translate train --out runs/b; wait\n"
    )


# --- the code the docs point at exists --------------------------------------------------------------

CODE_PATH = re.compile(r"`((?:src|tests|benchmarks|examples|\.ci|rnnkit)/[\w./*-]*)`")
DOTTED = re.compile(r"(?<![\w./-])rnnkit(?:\.[A-Za-z_]\w*)+")  # not .rnnkit.lock, a file's name


def _where(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name


def _prose_and_code_spans(page: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each inline code span on a page, outside code blocks."""
    prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text(encoding="utf-8"))
    for number, line in enumerate(prose.split("\n"), 1):
        for span in re.findall(r"`[^`]+`", line):
            yield number, span


def missing_paths(page: Path) -> list[str]:
    """Each ``src/...``, ``tests/...``, ``benchmarks/...`` or ``rnnkit/...`` path a page names that is
    not in the repository (a glob such as ``tests/nn/test_triton_*.py`` must match something)."""
    wrong = []
    for number, span in _prose_and_code_spans(page):
        for path in CODE_PATH.findall(span):
            path = path.rstrip("/.")
            if "<" in path:
                continue  # rnnkit/<app>/config_schema.py: a pattern for the reader
            base = ROOT / "src" if path.startswith("rnnkit/") else ROOT
            if not (any(base.glob(path)) if "*" in path else (base / path).exists()):
                wrong.append(f"{_where(page)}:{number}: {path} does not exist")
    return wrong


def unresolved_names(page: Path) -> list[str]:
    """Each ``rnnkit.a.b`` a page names that is neither a module nor an attribute of one."""
    import importlib

    wrong = []
    for number, span in _prose_and_code_spans(page):
        for name in DOTTED.findall(span):
            parts = name.split(".")
            for cut in range(len(parts), 0, -1):
                try:
                    found: object = importlib.import_module(".".join(parts[:cut]))
                except ImportError:
                    continue
                for attribute in parts[cut:]:
                    found = getattr(found, attribute, None)
                if found is None:
                    wrong.append(f"{_where(page)}:{number}: {name} names nothing")
                break
    return wrong


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_file_and_dotted_name_the_docs_point_at_exists(page):
    """A reader who opens ``tests/nn/test_nn_export.py`` or calls ``rnnkit.utils.dist.is_main_process``
    because a page said so finds it: a renamed module or test file fails here, not in the reader's hands."""
    wrong = missing_paths(page) + unresolved_names(page)
    assert not wrong, "\n".join(wrong)


def test_the_pointer_check_finds_a_wrong_path_and_name(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "See `tests/nn/test_nn_gone.py`, `src/rnnkit/nn/cells.py`, `rnnkit.train.shard` and\n"
        "`rnnkit.utils.dist.no_such_function()`; `tests/nn/test_triton_*.py`; the lock `.rnnkit.lock`.\n",
        encoding="utf-8",
    )
    assert missing_paths(page) == ["page.md:1: tests/nn/test_nn_gone.py does not exist"]
    assert unresolved_names(page) == ["page.md:2: rnnkit.utils.dist.no_such_function names nothing"]


def tree_problems(text: str) -> list[str]:
    """What the tree of a ``## The tree`` section names that ``src/rnnkit`` lacks: each top-level file, and
    each one-word item of a package's list (``engine (Accelerate), recipe, ...``: ``engine`` and ``recipe``
    are modules or folders of that package; longer phrases such as ``atomic files`` are prose)."""
    block = re.search(r"^## The tree\n+```\n(.*?)^```", text, re.S | re.M).group(1)
    entries: list[tuple[list[str], str]] = []  # ``forecast/ translate/  words`` names two packages
    for line in block.split("\n"):
        named = re.match(r"^  (\S+(?: \S+/)*)(?:\s{2,}(.*))?$", line)
        if named:
            entries.append((named.group(1).split(" "), named.group(2) or ""))
        elif line.startswith("    ") and entries:
            entries[-1] = (entries[-1][0], entries[-1][1] + " " + line.strip())
    src = ROOT / "src" / "rnnkit"
    found = []
    for name, words in ((name, words) for names, words in entries for name in names):
        if not (src / name).exists():
            found.append(f"src/rnnkit/{name} does not exist")
            continue
        if not name.endswith("/"):
            continue
        words = re.sub(r"\([^)]*\)", "", words.split(":", 1)[-1] if ":" in words.split(",")[0] else words)
        for item in (w.strip() for w in words.split(",")):
            if re.fullmatch(r"[a-z_]+/?", item) and not (
                (src / name / f"{item}.py").exists() or (src / name / item.rstrip("/")).is_dir()
            ):
                found.append(f"src/rnnkit/{name}{item}: no such module or folder")
    return found


def test_the_architecture_tree_names_the_modules_of_today():
    """docs/architecture.md is the map a newcomer opens first: every file and module its tree names exists
    (the tree once listed ``data, model, metrics`` for every application, and explain has none of them)."""
    assert tree_problems((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")) == []


def test_the_tree_check_finds_a_module_that_is_not_there():
    tree = "## The tree\n\n```\nsrc/rnnkit/\n  cli.py    the command\n  gone.py   old\n  nn/ explain/\n              gates (why), models, atomic files\n```\n"  # fmt: skip
    assert tree_problems(tree) == [
        "src/rnnkit/gone.py does not exist",
        "src/rnnkit/nn/gates: no such module or folder",
        "src/rnnkit/nn/models: no such module or folder",
    ]
