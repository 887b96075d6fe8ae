"""A leading ``~`` or ``~user`` in a path is the home folder, as in a shell (rnnkit.utils.user_paths)."""

import os
import pwd
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.user_paths import UnexpandedHome, UserPath, expand_user


@pytest.fixture
def no_home(monkeypatch):
    """No HOME, and no password entry for this user either: `~` cannot be expanded."""
    monkeypatch.delenv("HOME", raising=False)

    def missing(uid):
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", missing)


def test_a_leading_tilde_is_the_home_folder(home):
    assert expand_user("~/runs/x") == f"{home}/runs/x"
    assert expand_user("~") == str(home)
    assert expand_user(Path("~/prices.csv")) == f"{home}/prices.csv"
    assert expand_user("~/results.json/") == f"{home}/results.json/"  # the slash is the caller's to judge


def test_tilde_user_is_that_users_home():
    me = pwd.getpwuid(os.getuid())
    assert expand_user(f"~{me.pw_name}/x.csv") == f"{me.pw_dir.rstrip('/')}/x.csv"


@pytest.mark.parametrize("typed", ["runs/x", "a/~/b", "x~", "/abs/~x", "", "-"])
def test_a_path_without_a_leading_tilde_is_unchanged(home, typed):
    assert expand_user(typed) == typed


def test_an_unknown_user_is_refused_in_one_line(home):
    with pytest.raises(UnexpandedHome, match=r"^~nobody-here-xyz/x starts with '~nobody-here-xyz'") as info:
        expand_user("~nobody-here-xyz/x")
    assert "there is no user 'nobody-here-xyz'" in str(info.value)
    assert isinstance(info.value, RnnkitError) and "\n" not in str(info.value)


def test_no_home_at_all_is_refused(home, no_home):
    with pytest.raises(UnexpandedHome, match=r"HOME is not set .*: write the full path"):
        expand_user("~/runs/x")


def test_an_existing_folder_of_that_literal_name_is_kept_as_a_shell_keeps_it(home, no_home):
    """A shell leaves `~nobody-here-xyz/x` as typed when no such user exists; so does rnnkit, when the
    user made that folder on purpose."""
    Path("~nobody-here-xyz").mkdir()
    assert expand_user("~nobody-here-xyz/x") == "~nobody-here-xyz/x"
    Path("~").mkdir()
    assert expand_user("~/x") == "~/x"


def _echo_command(**kwargs):
    @click.command()
    @click.option("--out", type=UserPath(**kwargs))
    def echo(out):
        click.echo(repr(out))

    return echo


def test_the_option_type_expands_before_clicks_checks(home):
    (home / "prices.csv").write_text("date,close\n")
    result = CliRunner().invoke(_echo_command(exists=True, dir_okay=False), ["--out", "~/prices.csv"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == repr(home / "prices.csv")


def test_the_text_form_keeps_a_trailing_slash(home):
    result = CliRunner().invoke(_echo_command(path_type=str), ["--out=~/x.json/"])
    assert result.output.strip() == repr(f"{home}/x.json/")


def test_a_settings_file_value_is_expanded_too(home):
    """A --config file becomes the command's default map, whose values go through the option's type."""
    result = CliRunner().invoke(_echo_command(), [], default_map={"out": "~/runs/x"})
    assert result.output.strip() == repr(home / "runs" / "x")


def test_the_option_type_refuses_what_it_cannot_expand(home, no_home):
    result = CliRunner().invoke(_echo_command(), ["--out", "~/runs/x"])
    assert result.exit_code == 2
    assert "Invalid value for '--out': ~/runs/x starts with '~'" in result.output
    assert not Path("~").exists()


@pytest.mark.parametrize("typed", ["./~{me}/x", "./~nobody-here-xyz/x"])
def test_a_dot_slash_tilde_folder_stays_in_the_current_folder_when_expanded_again(home, typed):
    """`./~name` is a shell's way to name a folder literally called `~name`. pathlib drops the `./`, so
    the option's Path read `~name/x`, which save_model's and load_model's own expand_user then took for
    the user's home (`--out ./~root/x` wrote into /root/x) or refused as naming no home folder."""
    me = pwd.getpwuid(os.getuid()).pw_name
    result = CliRunner().invoke(_expanding_command(), ["--out", typed.format(me=me)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(Path.cwd() / typed.format(me=me)[2:])


def _expanding_command():
    """An option read as a library function reads it again: expand_user on the option's value."""

    @click.command()
    @click.option("--out", type=UserPath())
    def echo(out):
        click.echo(expand_user(out))

    return echo


def test_the_text_form_of_a_dot_slash_tilde_file_is_anchored_too(home):
    """`--json ./~nobody-here-xyz.json` reached the output checks as Path('~nobody-here-xyz.json') and was
    refused as a ~ left unexpanded; the text form keeps its trailing slash for the caller to judge."""
    result = CliRunner().invoke(_echo_command(path_type=str), ["--out", "./~nobody-here-xyz.json/"])
    assert result.output.strip() == repr(f"{Path.cwd()}/~nobody-here-xyz.json/")


def test_from_python_the_text_dot_slash_or_an_absolute_path_names_a_literal_tilde_folder(home):
    """What docs/reliability.md section 8 tells Python users: pathlib turns `Path("./~root")` into
    `Path("~root")` (the home folder of root) before rnnkit sees it, so a folder really named `~root` is
    written as the text "./~root" or as an absolute path; both stay that folder."""
    assert Path("./~root/x") == Path("~root/x")  # pathlib, not rnnkit: the `./` is gone
    assert expand_user("./~root/x") == "./~root/x"
    assert expand_user(Path.cwd() / "~root" / "x") == f"{Path.cwd()}/~root/x"
