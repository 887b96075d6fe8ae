"""The root command: help, unknown commands, and the one-line error contract."""

from rnnkit.cli import main


def test_help_exits_zero(capsys):
    assert main(["--help"]) == 0
    assert "demo" in capsys.readouterr().out


def test_unknown_command_is_one_line_error(capsys):
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error:")


def test_help_does_not_import_torch():
    """``rnnkit --help`` parses options only: importing torch would cost seconds."""
    import subprocess
    import sys

    code = "import sys; from rnnkit.cli import main; main(['--help']); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
