"""The top-level command line (session 23 QA).

1. A full standard output (``> /dev/full``, a full disk) said only ``rnnkit: error: No space left on
   device``: which of the command's outputs failed was not named. It now says ``cannot write standard
   output``; a closed pipe (``| head -1``) stays silent, as before.
2. A demo stopped after its report could not be rewritten said ``report of the finished sections:
   .../report.html`` although the file held an earlier copy, without the last finished section.
3. An error naming a file whose name is not UTF-8 showed Python's lone surrogate (``x\\udcf1.csv``); it
   shows the byte as the shell types it (``x\\xf1.csv``), as the applications' own lines already did.
4. An error naming an input whose name holds a line break (a path pasted with its newline) was cut at
   the break: ``model folder not found: runs/x`` named a folder that exists; a usage error printed the
   rest of the name as a second line. The name is shown with escapes (``runs/x\\ny``), on one line.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from helpers_models import make_forecast, make_translate
from rnnkit.cli import PIPE_CLOSED, main, root
from rnnkit.utils.errors import RnnkitError

SRC = str(Path(__file__).resolve().parents[1] / "src")
FULL = "rnnkit: error: cannot write standard output: No space left on device"
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")


def _rnnkit(*args: str, stdout, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env.update(OMP_NUM_THREADS="1", PYTHONPATH=SRC)
    return subprocess.run([sys.executable, "-m", "rnnkit", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, env=env, cwd=cwd, timeout=120)  # fmt: skip


# -- 1. a full standard output is named ---------------------------------------------------------------


@pytest.fixture
def printing(monkeypatch):
    """A command that prints a line to standard output, or fails with an OSError that names no file."""

    @click.command("qa-s23-printing")
    @click.option("--fail", is_flag=True)
    def printing_command(fail: bool) -> None:
        if fail:  # a write to an open file on a full disk: no file name, and not standard output
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        click.echo("result")

    monkeypatch.setitem(root.commands, "qa-s23-printing", printing_command)
    return "qa-s23-printing"


@needs_dev_full
def test_a_full_standard_output_is_named(printing, monkeypatch, capsys):
    full = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 (closed below, where it fails again)
    monkeypatch.setattr(sys, "stdout", full)
    try:
        assert main([printing]) == 2
    finally:
        monkeypatch.undo()
        with contextlib.suppress(OSError):
            full.close()
    assert capsys.readouterr().err == FULL + "\n"  # before: "rnnkit: error: No space left on device"


def test_another_error_naming_no_file_is_not_called_standard_outputs(printing, capsys):
    assert main([printing, "--fail"]) == 2
    assert capsys.readouterr().err == "rnnkit: error: No space left on device\n"


def test_a_captured_standard_output_is_never_taken_for_a_broken_one(printing, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # no file descriptor (a notebook, CliRunner)
    assert main([printing]) == 0
    assert capsys.readouterr().err == ""


@needs_dev_full
@pytest.mark.parametrize("application", ["forecast", "forecast --json -", "translate"])
def test_predict_and_translate_into_dev_full_say_which_output_failed(tmp_path, application):
    if application.startswith("forecast"):
        args = ("forecast", "predict", "--model", str(make_forecast(tmp_path / "m")), "--data", "ibm")
        args += tuple(
            application.split()[1:]
        )  # --json -: the JSON alone on standard output ("cannot write -")
    else:
        args = ("translate", "text", "--model", str(make_translate(tmp_path / "m")), "I am a student.")
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = _rnnkit(*args, "--threads", "1", stdout=full, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == FULL


def test_a_closed_pipe_stays_silent(tmp_path):
    """``rnnkit ... | head -1``: the reader is gone; nothing to say about it, status 141 (a shell's for
    grep there: 128 + SIGPIPE)."""
    script = (
        "import sys, click\nfrom rnnkit.cli import main, root\n"
        "@click.command('many')\ndef many():\n    for i in range(200000):\n        click.echo(f'line {i}')\n"
        "root.commands['many'] = many\nsys.exit(main(['many']))\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": SRC}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=tmp_path)  # fmt: skip
    assert proc.stdout.readline() == b"line 0\n"
    proc.stdout.close()  # as head -1 does once it has its line
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == PIPE_CLOSED == 141
    assert err == b""


# -- 2. the demo's partial report says what it holds --------------------------------------------------


def _sections(monkeypatch) -> list[str]:
    """Stand-ins for the four demo sections, each returning at once with a section named after it."""
    import importlib.machinery
    import types

    from rnnkit import cli
    from rnnkit.report import Section

    for name in cli.DEMO_SECTIONS:
        fake = types.ModuleType(name)
        fake.__spec__ = importlib.machinery.ModuleSpec(name, None)
        fake.demo_section = lambda out_dir, t=name.split(".")[1], **kw: Section(f"{t} part").add_text("done")
        monkeypatch.setitem(sys.modules, name, fake)
    return [name.split(".")[1] for name in cli.DEMO_SECTIONS]


def _report_fails_after(monkeypatch, writes: int) -> None:
    """The report's writes succeed ``writes`` times, then fail as on a full disk."""
    from rnnkit.report import Report

    real, count = Report.write, []

    def write(self, path):
        count.append(path)
        if len(count) > writes:
            raise RnnkitError(f"cannot write {path}: No space left on device")
        return real(self, path)

    monkeypatch.setattr(Report, "write", write)


@pytest.mark.parametrize(("writes", "held", "stale"), [(1, "forecast", "translate"),
                                                       (3, "forecast, translate, caption", "explain")])  # fmt: skip
def test_a_demo_whose_report_could_not_be_rewritten_says_what_it_holds(
    tmp_path, monkeypatch, capsys, writes, held, stale
):
    _sections(monkeypatch)
    _report_fails_after(monkeypatch, writes)
    out = tmp_path / "d"
    assert main(["demo", "--quick", "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    report = out / "report.html"
    assert err[-2:] == [
        f"report of the sections {held} only (it could not be rewritten after {stale}): {report}",
        f"rnnkit: error: cannot write {report}: No space left on device",
    ]  # before: "report of the finished sections: ..." though the file lacked the last one
    page = report.read_text(encoding="utf-8")
    assert f"{held.split(', ')[-1]} part" in page and f"{stale} part" not in page


def test_a_demo_stopped_in_a_section_still_names_the_finished_ones(tmp_path, monkeypatch, capsys):
    import importlib

    parts = _sections(monkeypatch)

    def stopped(out_dir, **kw):
        raise RnnkitError("stopped here")

    monkeypatch.setattr(importlib.import_module(f"rnnkit.{parts[2]}.demo"), "demo_section", stopped)
    out = tmp_path / "d"
    assert main(["demo", "--quick", "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines()[-2:] == [
        f"report of the finished sections: {out / 'report.html'}",
        "rnnkit: error: stopped here",
    ]


def test_a_name_that_is_not_utf8_is_named_in_the_error_line_as_typed(tmp_path, capsys):
    from rnnkit.cli import main

    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/x\xf1.csv")  # what Python makes of the argument
    assert main(["forecast", "train", "--data", name, "--epochs", "1", "--out", str(tmp_path / "o")]) == 2
    line = capsys.readouterr().err.strip()
    assert "x\\xf1.csv" in line and "\\udcf1" not in line  # as $'x\xf1.csv' types it, not Python's surrogate


# -- 4. a line break in a typed name is shown escaped, not cut --------------------------------------------


def test_an_input_name_with_a_line_break_is_named_whole_on_one_line(tmp_path, capsys):
    model = tmp_path / "runs" / "x"
    make_forecast(model)  # the folder before the break exists: the cut message named it as not found
    typed = f"{model}\ny"
    assert main(["forecast", "predict", "--model", typed, "--data", "aapl"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rnnkit: error: ")
    assert f"{model}\\ny" in err  # as $'...\ny' types it


@pytest.mark.parametrize("spelled", ["./{}", "{}/", "{}//.", "~/{}/"])
def test_a_name_with_a_line_break_is_named_whole_as_rnnkit_tidied_it(tmp_path, monkeypatch, capsys, spelled):
    """The escape matched the argument only as typed: ./runs/x<newline>y is named runs/x<newline>y once
    rnnkit tidies the path, so the line was cut at the break again (model folder not found: runs/x)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    make_forecast(tmp_path / "runs" / "x")
    typed = spelled.format("runs/x\ny")
    assert main(["forecast", "predict", "--model", typed, "--data", "aapl"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rnnkit: error: "), err
    assert "runs/x\\ny" in err, err


def test_a_usage_error_naming_a_value_with_a_line_break_stays_one_line(tmp_path, capsys):
    plot = "grid\nx"  # --plot's own check refuses it while parsing: a click usage error
    assert main(["caption", "describe", "--model", str(tmp_path), f"--plot={plot}", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rnnkit: error: "), err
    assert "grid\\nx.png" in err
