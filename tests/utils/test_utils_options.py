"""Shared command-line options: --seed and --device, declared once."""

from pathlib import Path

import click
import pytest
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


def test_a_plot_name_without_a_suffix_is_refused_but_a_stream_is_written_in_place(tmp_path):
    """``--plot plots/`` (pathlib drops the slash) wrote PNG bytes to a file called ``plots``."""
    from rnnkit.utils.options import _png_name

    for bad in ("plots", str(tmp_path)):  # a folder meant, or a folder there
        with pytest.raises(click.BadParameter, match=r"name it \S+\.png, or, for a folder, a file in it"):
            _png_name(None, None, Path(bad))
    for good in ("p.png", "P.PNG", "-", "/dev/null"):
        assert _png_name(None, None, Path(good)) == Path(good)
    with pytest.raises(click.BadParameter, match="name it p.png, not p.jpg"):
        _png_name(None, None, Path("p.jpg"))
