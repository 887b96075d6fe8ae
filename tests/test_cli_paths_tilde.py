"""Every path a command takes expands a leading ``~`` as a shell would, even quoted (``--out "~/x"``),
after ``=`` (``--out=~/x``, which bash leaves alone) or from a ``--config`` file; none creates a folder
named ``~`` in the current one (a later ``rm -rf ~`` to tidy it would mean the home folder)."""

from pathlib import Path

import click

from rnnkit.cli import main, root
from rnnkit.utils.limits import long_name
from rnnkit.utils.user_paths import UserPath

# Options that name a file or folder although they could be plain text (a bundled data set's name).
PATH_OPTIONS = {"--data", "--corpus", "--model", "--models", "--out", "--images", "--input", "--output",
                "--json", "--plot", "--config", "--cache-dir", "--src-file", "--tgt-file", "--write-clean"}  # fmt: skip


def _params(command: click.Command, words: str = "rnnkit"):
    """(command words, parameter) for every parameter of the tree, lazily mounted groups included."""
    for param in command.params:
        yield words, param
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from _params(command.get_command(ctx, name), f"{words} {name}")


def _type(param: click.Parameter) -> click.ParamType:
    return getattr(param.type, "inner", param.type)  # rnnkit.utils.limits wraps text and path options


def test_every_path_option_and_argument_expands_a_tilde():
    paths = [(w, p) for w, p in _params(root) if isinstance(_type(p), click.Path)]
    named = [(w, p) for w, p in _params(root) if isinstance(p, click.Option) and long_name(p) in PATH_OPTIONS]
    assert len(paths) > 50 and len(named) > 50  # the walk found the tree
    plain = sorted(
        {f"{w} {p.human_readable_name}" for w, p in paths + named if not isinstance(_type(p), UserPath)}
    )
    assert plain == []


CSV = "english,korean\nI am a student.,저는 학생이에요.\nI am tired.,저는 피곤해요.\nI am tired.,저는 피곤해요.\n"


def test_a_quoted_tilde_reads_and_writes_in_the_home_folder(home, capsys):
    (home / "pairs.csv").write_text(CSV, encoding="utf-8")
    code = main(["translate", "check-corpus", "~/pairs.csv", "--write-clean=~/clean/pairs.csv"])
    assert code == 1, capsys.readouterr()  # the duplicate line is reported
    assert (home / "clean" / "pairs.csv").read_text(encoding="utf-8").count("\n") == 3
    assert list(Path.cwd().iterdir()) == []  # no folder named ~ here


def test_a_data_set_name_option_expands_too(home, one_line_error):
    """``forecast --data`` is a file or a bundled data set's name; a file under ~ is looked for at home."""
    assert main(["forecast", "train", "--data", "~/prices.csv", "--out=~/runs/x", "--threads", "1"]) == 2
    one_line_error(f"data file not found: {home}/prices.csv")
    assert list(Path.cwd().iterdir()) == [] and list(home.iterdir()) == []


def test_a_tilde_naming_no_home_is_refused_in_one_line(home, one_line_error):
    assert main(["translate", "check-corpus", "x.csv", "--write-clean", "~nobody-here-xyz/c.csv"]) == 2
    one_line_error(
        "--write-clean", "'~nobody-here-xyz', which names no home folder here", "write the full path"
    )
    assert list(Path.cwd().iterdir()) == []


def test_a_dot_slash_tilde_names_a_folder_of_that_name_here(home, capsys):
    """`./~nobody-here-xyz` is how a shell names a folder literally called so: it is read and written
    there, never refused as a ~ left unexpanded nor taken for a home folder."""
    Path("~nobody-here-xyz").mkdir()
    Path("~nobody-here-xyz/pairs.csv").write_text(CSV, encoding="utf-8")
    args = ["translate", "check-corpus", "./~nobody-here-xyz/pairs.csv", "--write-clean=./~nobody-too/c.csv"]
    assert main(args) == 1, capsys.readouterr()  # the duplicate line is reported
    assert Path("~nobody-too/c.csv").read_text(encoding="utf-8").count("\n") == 3
