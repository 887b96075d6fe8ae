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


def test_a_file_output_ending_in_a_slash_is_refused_as_a_shell_refuses_it(tmp_path):
    """``--json x.json/`` and ``--plot att.png/`` wrote the files x.json and att.png (click's Path type
    dropped the slash), where a shell's ``> x.json/`` says "Not a directory"."""
    from rnnkit.utils.options import json_option, plot_option

    @click.command()
    @json_option()
    @plot_option()
    def write(json_out, plot):
        click.echo(f"{json_out} {plot}")

    runner = CliRunner()
    for args, said in (
        (
            ["--json", "x.json/"],
            "x.json/ ends with '/', so it names a folder; give a file name: x.json/results.json, or x.json",
        ),
        (
            ["--plot", "att.png/"],
            "att.png/ ends with '/', so it names a folder; give a file name: att.png/plot.png, or att.png",
        ),
        (["--json-out", "out//"], "out// ends with '/'"),
    ):
        result = runner.invoke(write, args)
        assert result.exit_code == 2 and said in " ".join(result.output.split()), result.output
    result = runner.invoke(write, ["--json", "x.json", "--plot", "-"])
    assert result.exit_code == 0 and result.output == "x.json -\n"
    assert not (tmp_path / "x.json").exists()
