"""One CLI vocabulary (issue 15, item 5): a walk over every command of the ``rnnkit`` tree checks that
the options several commands share have one name, one type and one help, and that old spellings live
on only as hidden aliases."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from rnnkit.cli import APPLICATIONS, main, root
from rnnkit.nn.names import CELL_TYPES
from rnnkit.utils.limits import long_name
from rnnkit.utils.options import (
    MODEL_IN_HELP,
    MODEL_RUN_HOLDS,
    RUN_DIR_GONE,
    RUN_OUT_HELP,
    SHARED_HELP,
    AliasedOption,
    aliased,
    progress_option,
)

# Old spellings: accepted, never shown.
OLD_NAMES = {"--hidden", "--layers", "--embed", "--quiet", "--json-out", "--attention-plot", "--valid-frac",
             "--test-frac"}  # fmt: skip
# Options whose help and type are one declaration (rnnkit.utils.options) wherever they appear.
SAME_EVERYWHERE = ("--device", "--threads", "--force", "--log-with", "--config")
# Commands that compute nothing with torch (pure text): no --threads.
NO_COMPUTE = {"translate check-corpus"}
TRAIN_COMMANDS = {"forecast train", "translate train", "caption train"}


def _commands() -> list[tuple[str, click.Command]]:
    found = []

    def walk(group: click.Group, ctx: click.Context, prefix: str) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            if isinstance(cmd, click.Group):
                walk(cmd, click.Context(cmd, parent=ctx), f"{prefix}{name} ")
            elif cmd is not None:
                found.append((f"{prefix}{name}", cmd))

    walk(root, click.Context(root), "")
    return found


def _shown(param: click.Option) -> list[str]:
    hidden = getattr(param, "hidden_aliases", ())
    return [o for o in param.opts + param.secondary_opts if o not in hidden]


def _options(cmd: click.Command) -> dict[str, click.Option]:
    return {long_name(p): p for p in cmd.params if isinstance(p, click.Option)}


def test_the_walk_reaches_every_application():
    names = {name.split()[0] for name, _ in _commands()}
    assert set(APPLICATIONS) <= names and len(_commands()) >= 18


def test_shared_options_have_one_name_type_and_help():
    seen: dict[str, list[str]] = {}
    for name, cmd in _commands():
        for opt, param in _options(cmd).items():
            if opt not in SHARED_HELP:
                continue
            seen.setdefault(opt, []).append(name)
            where = f"rnnkit {name} {opt}"
            assert (param.help or "").startswith(SHARED_HELP[opt]), where
            if opt == "--progress":
                assert param.is_flag and "--no-progress" in param.secondary_opts, where
                assert "--quiet" in param.secondary_opts, where  # the old switch still works
            elif opt in ("--json", "--plot"):
                assert isinstance(
                    param.type.inner if hasattr(param.type, "inner") else param.type, click.Path
                )
            elif opt == "--cell":
                assert isinstance(param.type, click.Choice), where
                assert set(param.type.choices) <= set(CELL_TYPES), where
            elif opt in ("--hidden-size", "--num-layers", "--embed-size"):
                assert param.type.name == "integer", where
            elif opt in ("--val", "--test"):
                assert param.type.name == "float", where  # a fraction held out, in every app
    for opt in ("--progress", "--json", "--plot", "--cell", "--hidden-size", "--val", "--test"):
        assert len(seen.get(opt, [])) >= 2, f"{opt} is shared by {seen.get(opt)}"


def test_options_declared_once_have_the_same_help_and_type_everywhere():
    first: dict[str, tuple[str, str, str]] = {}
    for name, cmd in _commands():
        for opt, param in _options(cmd).items():
            if opt in SAME_EVERYWHERE:
                # the wording up to a per-command default ("[default: OUT.run ...]") or detail ("(...)")
                got = ((param.help or "").split(" [")[0].split(" (")[0], param.type.name)
                if opt in first:
                    assert got == first[opt][:2], f"rnnkit {name} {opt} differs from rnnkit {first[opt][2]}"
                else:
                    first[opt] = (*got, name)
            if opt == "--seed":
                assert (param.help or "").startswith(("Random seed", "Split seed")), f"rnnkit {name} --seed"


def test_old_spellings_are_hidden_aliases_only():
    for name, cmd in _commands():
        for param in cmd.params:
            if isinstance(param, click.Option):
                shown = set(_shown(param))
                assert not shown & OLD_NAMES, f"rnnkit {name} shows {shown & OLD_NAMES}"
                if shown & {"--val", "--test"}:
                    assert param.type.name == "float", f"rnnkit {name}: --val/--test are fractions"
        ctx = click.Context(cmd, info_name=name)
        text = cmd.get_help(ctx)
        for old in OLD_NAMES:
            assert f"{old} " not in text and f"{old}," not in text, f"rnnkit {name} --help shows {old}"


def test_every_command_that_computes_takes_threads_and_every_train_command_the_same_set():
    for name, cmd in _commands():
        opts = set(_options(cmd))
        if name not in NO_COMPUTE:
            assert "--threads" in opts, f"rnnkit {name} has no --threads"
    for name in TRAIN_COMMANDS:
        cmd = dict(_commands())[name]
        opts = set(_options(cmd))
        assert {"--out", "--progress", "--seed", "--device", "--threads", "--resume"} <= opts, name
        assert {"--cell", "--hidden-size", "--epochs", "--batch-size", "--lr"} <= opts, name


# Training commands whose run folder holds more than one model (a job folder per model): their --out
# help says what it holds instead of "the model in OUT/model".
MANY_MODELS = {"explain gradient-flow", "explain memory"}


def test_out_is_the_run_folder_of_every_command_that_trains():
    training = {name: cmd for name, cmd in _commands() if "--resume" in _options(cmd)}
    assert set(training) >= TRAIN_COMMANDS | MANY_MODELS
    for name, cmd in training.items():
        opts = _options(cmd)
        holds = "" if name in MANY_MODELS else MODEL_RUN_HOLDS
        assert (opts["--out"].help or "").startswith(f"{RUN_OUT_HELP} {holds}"), f"rnnkit {name} --out"
        # --run-dir is gone: hidden, and given it is one line (below), never a second folder
        assert opts["--run-dir"].hidden, f"rnnkit {name} shows --run-dir"
        assert "--run-dir" not in cmd.get_help(click.Context(cmd, info_name=name)), name


def test_every_model_option_takes_a_run_folder_too():
    """The help of every --model says it takes the run folder of a train command (markers.model_folder_in)."""
    readers = [(n, o["--model"]) for n, c in _commands() if "--model" in (o := _options(c))]
    assert (
        len(readers) >= 8
    )  # translate text/eval, caption eval/describe, forecast eval/predict/export, gates
    for name, opt in readers:
        assert (opt.help or "").startswith(MODEL_IN_HELP.rstrip(".")), f"rnnkit {name} --model"


@pytest.mark.parametrize("command", sorted(TRAIN_COMMANDS | MANY_MODELS))
def test_run_dir_is_one_line_saying_where_the_run_is(tmp_path, monkeypatch, one_line_error, command):
    monkeypatch.chdir(tmp_path)
    assert main([*command.split(), "--out", "r", "--run-dir", "elsewhere"]) == 2
    one_line_error(RUN_DIR_GONE)
    assert not (tmp_path / "r").exists() and not (tmp_path / "elsewhere").exists()


def test_an_alias_reaches_the_same_parameter_and_hides_from_help():
    @click.command()
    @aliased("--hidden-size", "hidden_size", aliases=("--hidden",), type=int, default=3, help="Hidden size.")
    @progress_option()
    def show(hidden_size: int, show_progress: bool) -> None:
        click.echo(f"{hidden_size} {show_progress}")

    runner = CliRunner()
    assert runner.invoke(show, []).output == "3 True\n"
    assert runner.invoke(show, ["--hidden", "5", "--quiet"]).output == "5 False\n"
    assert runner.invoke(show, ["--hidden-size", "6", "--no-progress"]).output == "6 False\n"
    assert runner.invoke(show, ["--quiet", "--progress"]).output == "3 True\n"  # the last one wins
    text = runner.invoke(show, ["--help"]).output
    assert "--hidden-size" in text and "--hidden " not in text and "--quiet" not in text
    assert "--progress / --no-progress" in text
    assert isinstance(show.params[0], AliasedOption)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["forecast", "train", "--hidden", "0"], "'--hidden-size' / '--hidden'"),
        (["translate", "train", "--valid-frac", "2"], "'--val' / '--valid-frac'"),
        (["explain", "gates", "--cell", "rnn"], "'rnn' is not one of 'lstm', 'gru'"),
    ],
)
def test_bad_values_of_old_and_new_names_are_one_line(tmp_path, monkeypatch, one_line_error, args, needle):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    one_line_error(needle)
