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


def _fake_sections(monkeypatch, names=("fakeapp", "otherapp")):
    """Mount fake demo sections (one table and a verdict each) in place of the four applications."""
    import sys
    import types

    from rnnkit import cli
    from rnnkit.report import Section

    for name in names:
        fake = types.ModuleType(f"rnnkit.{name}.demo")

        def demo_section(out_dir, seed=0, device="auto", quick=False, name=name):
            return (
                Section(f"Fake {name}")
                .add_table(["system", "MAE"], [["model", 1.5], ["naive", 2.0]], caption=f"scores of {name}")
                .add_verdict(f"{name}: the model beats naive by 25%.")
            )

        fake.demo_section = demo_section
        monkeypatch.setitem(sys.modules, f"rnnkit.{name}.demo", fake)
    monkeypatch.setattr(cli, "DEMO_SECTIONS", {f"rnnkit.{name}.demo": 10.0 for name in names})
    monkeypatch.setattr(cli, "_module_exists", lambda name: name in sys.modules or name.startswith("rnnkit."))


def test_demo_prints_each_sections_result_tables(tmp_path, capsys, monkeypatch):
    """The demo prints every table and verdict a section reports, then writes the HTML with a header."""
    _fake_sections(monkeypatch)
    assert main(["demo", "--out", str(tmp_path), "--quick", "--seed", "3"]) == 0
    captured = capsys.readouterr()
    assert "scores of fakeapp" in captured.out and "naive" in captured.out and "1.5" in captured.out
    assert "verdict: otherapp: the model beats naive by 25%." in captured.out
    # Overall progress on stderr (plain lines when not on a terminal), with a time estimate.
    lines = [ln for ln in captured.err.splitlines() if ln.startswith("section ")]
    assert lines[0].startswith("section 1/2: fakeapp, about ") and lines[0].endswith(" left")
    assert lines[1].startswith("section 2/2: otherapp, about ")
    html = (tmp_path / "report.html").read_text()
    assert "naive" in html and "Contents" in html and 'name="viewport"' in html
    assert "rnnkit demo --out" in html and "--seed 3" in html and "torch" in html


def test_demo_refuses_when_a_section_is_missing(tmp_path, capsys, monkeypatch):
    from rnnkit import cli

    _fake_sections(monkeypatch)
    monkeypatch.setattr(cli, "DEMO_SECTIONS", {"rnnkit.fakeapp.demo": 1.0, "rnnkit.gone.demo": 1.0})
    monkeypatch.setattr(cli, "_module_exists", lambda name: name != "rnnkit.gone.demo")
    assert main(["demo", "--out", str(tmp_path), "--quick"]) == 2
    assert "rnnkit.gone.demo" in capsys.readouterr().err


def test_a_missing_application_is_said_not_skipped(capsys, monkeypatch):
    """Issue 15, item 7: an install without an application's module says so instead of hiding it."""
    from rnnkit import cli

    monkeypatch.setattr(cli, "_module_exists", lambda name: name != "rnnkit.caption.cli")
    assert main(["--help"]) == 0
    out, err = capsys.readouterr()
    commands = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.startswith("  ")]
    assert "forecast" in commands and "caption" not in commands
    assert err.strip().splitlines() == [
        "rnnkit: warning: the caption application is missing (no module rnnkit.caption.cli); reinstall rnnkit"
    ]
    assert main(["caption", "describe", "--help"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "rnnkit: error: the caption application is missing (no module rnnkit.caption.cli); reinstall rnnkit"
    ]


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


def test_quick_mode_says_once_that_its_results_are_not_meaningful(tmp_path, capsys, monkeypatch):
    """QA: only the translate section's HTML said so. Now the console says it once, before the first
    section, and every section of the page opens with it; a full run says nothing of the kind."""
    import re

    from rnnkit.cli import QUICK_NOTE

    _fake_sections(monkeypatch)
    assert main(["demo", "--out", str(tmp_path / "q"), "--quick"]) == 0
    out = capsys.readouterr().out
    assert out.count("not meaningful") == 1 and out.index(QUICK_NOTE) < out.index("== fakeapp ==")
    html = (tmp_path / "q" / "report.html").read_text()
    for section in re.findall(r"<section.*?</section>", html, flags=re.S):
        first = re.search(r"</h2>\n(<p[^>]*>[^<]*</p>)", section).group(1)
        assert first.startswith('<p class="note">Quick mode: a smoke run') and "not meaningful" in first
    assert html.count("Quick mode:") == 3  # atop the page, and atop each of the two sections
    assert main(["demo", "--out", str(tmp_path / "full")]) == 0
    assert "not meaningful" not in capsys.readouterr().out
    full = (tmp_path / "full" / "report.html").read_text()
    assert "Quick mode" not in full and "<title>rnnkit demo</title>" in full


def test_a_quick_reports_title_and_first_paragraph_say_it_is_a_smoke_run(tmp_path, monkeypatch):
    """A reader looks at the top of the page and its browser tab first: there a quick run read as the
    demo's results ('rnnkit demo', then blue verdict boxes), its smoke-run label only in grey notes below."""
    import re

    from rnnkit.cli import QUICK_NOTE

    _fake_sections(monkeypatch)
    assert main(["demo", "--out", str(tmp_path / "q"), "--quick"]) == 0
    html = (tmp_path / "q" / "report.html").read_text()
    assert "<title>rnnkit demo (quick smoke run, not results)</title>" in html
    assert "<h1>rnnkit demo (quick smoke run, not results)</h1>" in html
    first = re.search(r"<main><p>([^<]*)</p>", html).group(1)
    assert first.startswith(QUICK_NOTE)
