"""The command a model folder records is the ``rnnkit`` command running, and only while it runs:
``rnnkit.cli.main([...])`` called in Python (a notebook, a test) left its command recorded, and every
model saved from Python afterwards claimed to be made by it (and failed to save when the command held
a file name that is not UTF-8)."""

from rnnkit.cli import main
from rnnkit.utils import provenance


def test_main_records_its_command_only_while_it_runs(monkeypatch, capsys):
    seen: list[str] = []
    monkeypatch.setattr(provenance, "_COMMAND", None)  # restored after the test
    monkeypatch.setattr("rnnkit.cli._command", lambda argv, said: seen.append(provenance.command_line()) or 0)
    assert main(["caption", "describe", "--model", "m", "p.png"]) == 0
    assert seen == ["rnnkit caption describe --model m p.png"]
    assert provenance.command_line().startswith("python API (")


def test_a_command_that_fails_forgets_its_command_too(monkeypatch, capsys):
    monkeypatch.setattr(provenance, "_COMMAND", None)
    assert main(["caption", "describe", "--no-such-option"]) == 2
    assert provenance.command_line().startswith("python API (")
