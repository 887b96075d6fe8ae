"""Every ``rnnkit ...`` command line in the docs names commands and options that exist.

A reader copies commands from README.md, README.ko.md, docs/*.md and docs/ko/*.md. Each command line in a
code block (``bash``, ``console`` prompts, plain blocks) and each inline ```rnnkit ...``` span is read as
the shell would split it (``torchrun ... -m rnnkit``, ``OMP_NUM_THREADS=1 nice -n 5 rnnkit``, pipes and
``&`` too, ``$ARGS`` from an assignment in the same block) and checked against the click tree: each
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
    wrong = [
        f"{page.relative_to(ROOT)}:{number}: {problem}\n    {line}"
        for where, number, line, args in CASES
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


def test_the_check_passes_placeholders_and_reads_variables_and_output_lines():
    plain = 'ARGS="--beam 5 --epochs 15"\nrnnkit translate ensemble A B --out DIR [--fp16] $ARGS\nrnnkit: error: x\n'
    ((_, line, variables),) = _block_lines(plain, console=False)
    (args,) = rnnkit_invocations(line, variables)
    assert args[-4:] == ["--beam", "5", "--epochs", "15"]
    assert problems(args) == ["rnnkit translate ensemble has no option --epochs"]  # --fp16 is one of its own
    console = '$ ARGS="--epochs 15"\n$ rnnkit translate train $ARGS --out DIR\nread 3 pairs\n'
    ((_, line, variables),) = _block_lines(console, console=True)
    assert rnnkit_invocations(line, variables) == [["translate", "train", "--epochs", "15", "--out", "DIR"]]


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
