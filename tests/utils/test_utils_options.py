"""Shared command-line options: --seed and --device, declared once."""

import click
from click.testing import CliRunner

from rnnkit.utils.options import common_options


@click.command()
@common_options
def show(seed: int, device: str) -> None:
    click.echo(f"{seed} {device}")


def test_defaults_and_values():
    runner = CliRunner()
    assert runner.invoke(show, []).output == "0 auto\n"
    assert runner.invoke(show, ["--seed", "7", "--device", "cpu"]).output == "7 cpu\n"


def test_bad_device_is_a_usage_error():
    result = CliRunner().invoke(show, ["--device", "tpu"])
    assert result.exit_code == 2
    assert "'tpu' is not one of 'auto', 'cpu', 'cuda'" in result.output


def test_help_lists_both_options():
    output = CliRunner().invoke(show, ["--help"]).output
    assert "--seed" in output and "--device [auto|cpu|cuda]" in output
