"""What the docs show the shipped translator printing is what it prints.

A ``console`` block's ``$ rnnkit translate text ...`` line with no ``--model`` (the model inside the
package: nothing for the reader to train or download first) is run as written, and the lines shown
under it must be exactly its standard output followed by its standard error (warnings).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from rnnkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "README.md",
    ROOT / "README.ko.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "ko").glob("*.md")),
]
CONSOLE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def shipped_translations() -> list[tuple[str, list[str], list[str]]]:
    """(where, argv, shown lines) of each shipped-model ``translate text`` a console block shows."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in CONSOLE.finditer(text):
            start = text[: block.start()].count("\n") + 2
            lines = block.group(1).rstrip("\n").split("\n")
            for i, line in enumerate(lines):
                if not line.startswith("$ rnnkit translate text"):
                    continue
                argv = shlex.split(line[2:], comments=True)[1:]
                if "--model" in argv:
                    continue
                shown = []
                for later in lines[i + 1 :]:
                    if later.startswith("$ "):
                        break
                    shown.append(later)
                found.append((f"{page.relative_to(ROOT)}:{start + i}", argv, shown))
    return found


CASES = shipped_translations()


def test_the_docs_show_the_shipped_translator_at_work():
    assert len(CASES) >= 4


@pytest.mark.parametrize(("where", "argv", "shown"), CASES, ids=[c[0] for c in CASES])
def test_the_shipped_translator_prints_what_the_docs_show(where, argv, shown, capfd):
    assert main([*argv, "--threads", "1", "--no-progress"]) == 0
    out, err = capfd.readouterr()
    printed = out.rstrip("\n").split("\n") + [line for line in err.split("\n") if line]
    assert printed == shown, f"{where}: the doc shows {shown}, the command printed {printed}"
