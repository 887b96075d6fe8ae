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


def test_demo_prints_each_sections_result_tables(tmp_path, capsys, monkeypatch):
    """The demo prints every table a section reports (model beside baselines), then writes the HTML."""
    import sys
    import types

    from rnnkit import cli
    from rnnkit.report import Section

    fake = types.ModuleType("rnnkit.fakeapp.demo")

    def demo_section(out_dir, seed=0, device="auto", quick=False):
        return Section("Fake").add_table(
            ["system", "MAE"], [["model", 1.5], ["naive", 2.0]], caption="scores"
        )

    fake.demo_section = demo_section
    monkeypatch.setitem(sys.modules, "rnnkit.fakeapp.demo", fake)
    monkeypatch.setattr(cli, "DEMO_SECTIONS", ("rnnkit.fakeapp.demo",))
    monkeypatch.setattr(cli, "_module_exists", lambda name: True)
    assert main(["demo", "--out", str(tmp_path), "--quick"]) == 0
    out = capsys.readouterr().out
    assert "scores" in out and "naive" in out and "1.5" in out
    html = (tmp_path / "report.html").read_text()
    assert "<table>" in html and "naive" in html


def _app_that_raises(monkeypatch, exc: BaseException) -> None:
    """Mount a one-command application ``boom`` whose command raises ``exc``."""
    import click

    from rnnkit import cli

    @click.command()
    def boom() -> None:
        raise exc

    monkeypatch.setattr(cli.root, "commands", {**cli.root.commands, "boom": boom})


def test_ctrl_c_prints_interrupted_and_exits_130(capsys, monkeypatch):
    _app_that_raises(monkeypatch, KeyboardInterrupt())
    assert main(["boom"]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "rnnkit: interrupted"


def test_ctrl_c_that_can_be_continued_says_how(capsys, monkeypatch):
    from rnnkit.utils.errors import Interrupted

    _app_that_raises(
        monkeypatch, Interrupted("continue with the same command and --resume (checkpoints in r)")
    )
    assert main(["boom"]) == 130
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == "rnnkit: interrupted; continue with the same command and --resume (checkpoints in r)"


def test_abort_without_ctrl_c_still_says_aborted(capsys, monkeypatch):
    import click

    _app_that_raises(monkeypatch, click.Abort())
    assert main(["boom"]) == 130
    assert capsys.readouterr().err.strip() == "rnnkit: aborted"
