"""The thread policy (rnnkit.utils.threads) and ``--threads`` on every command that computes."""

from __future__ import annotations

import click
import pytest
import torch
from click.testing import CliRunner

from rnnkit.cli import root
from rnnkit.utils.options import common_options, threads_option
from rnnkit.utils.threads import (
    DEFAULT_THREADS,
    choose_threads,
    cpu_threads,
    on_policy_threads,
    resolve_threads,
)


def test_default_is_one_thread_and_a_choice_overrides_it():
    assert DEFAULT_THREADS == 1
    assert resolve_threads() == 1
    previous = choose_threads(3)
    try:
        assert resolve_threads() == 3
        assert resolve_threads(2) == 2  # an explicit argument wins over the command's choice
    finally:
        choose_threads(previous)
    assert resolve_threads() == 1


def test_cpu_threads_sets_and_restores_torch():
    torch.set_num_threads(2)
    with cpu_threads() as used:
        assert used == 1 and torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2
    with pytest.raises(RuntimeError), cpu_threads(1):
        raise RuntimeError("restored on error too")
    assert torch.get_num_threads() == 2


def test_on_policy_threads_runs_a_library_entry_point_on_the_policy():
    torch.set_num_threads(2)  # what a notebook or another library left behind

    @on_policy_threads
    def work() -> int:
        return torch.get_num_threads()

    assert work() == 1
    assert torch.get_num_threads() == 2


def _probe_command():
    seen = {}

    @click.command()
    @common_options
    def probe(seed: int, device: str) -> None:
        seen["torch"] = torch.get_num_threads()
        seen["policy"] = resolve_threads()

    return probe, seen


@pytest.mark.parametrize(("args", "expected"), [([], 1), (["--threads", "2"], 2)])
def test_threads_option_applies_for_the_command_and_is_restored(args, expected):
    probe, seen = _probe_command()
    torch.set_num_threads(2 if expected == 1 else 1)
    before = torch.get_num_threads()
    result = CliRunner().invoke(probe, args)
    assert result.exit_code == 0, result.output
    assert seen == {"torch": expected, "policy": expected}
    assert torch.get_num_threads() == before
    assert resolve_threads() == DEFAULT_THREADS


@pytest.mark.parametrize("bad", ["0", "-1", "100000", "two"])
def test_threads_out_of_range_is_refused(bad):
    probe, _ = _probe_command()
    result = CliRunner().invoke(probe, ["--threads", bad])
    assert result.exit_code == 2 and "--threads" in result.output


def _commands(group: click.Group, ctx: click.Context, prefix: str = ""):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, click.Context(cmd, parent=ctx), f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", cmd


def test_every_command_that_computes_takes_threads():
    """A command that takes --device runs torch, so it takes --threads too (the policy is everywhere)."""
    ctx = click.Context(root)
    computing = {
        name: {opt for p in cmd.params for opt in p.opts}
        for name, cmd in _commands(root, ctx)
        if any("--device" in p.opts for p in cmd.params)
    }
    assert {"demo", "translate train", "translate text", "forecast train", "caption train"} <= set(computing)
    missing = sorted(name for name, opts in computing.items() if "--threads" not in opts)
    assert not missing, f"commands without --threads: {missing}"


def test_threads_option_is_hidden_from_the_command_function():
    @click.command()
    @threads_option()
    def bare() -> None:
        click.echo(str(resolve_threads()))

    assert CliRunner().invoke(bare, ["--threads", "4"]).output.strip() == "4"
