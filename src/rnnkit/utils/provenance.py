"""What made a file: rnnkit, torch and Python versions, the command line, the time and the machine.

The command line is the one the ``rnnkit`` command ran (recorded by :func:`record_command` when
:func:`rnnkit.cli.main` starts), so it is exact whether rnnkit was started from a shell, with
``python -m rnnkit`` or from a test calling ``main([...])``; a model saved from Python says so.
Every model folder holds this as ``provenance.json`` (:func:`rnnkit.train.modelfile.save_model`).
"""

from __future__ import annotations

import contextlib
import platform
import shlex
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone

_COMMAND: list[str] | None = None


def record_command(argv: Sequence[str]) -> None:
    """Remember the arguments of the running ``rnnkit`` command (without the program name)."""
    global _COMMAND
    _COMMAND = [str(a) for a in argv]


@contextlib.contextmanager
def recording(argv: Sequence[str]) -> Iterator[None]:
    """:func:`record_command` while the block runs, the command recorded before (none) after it. Why:
    ``rnnkit.cli.main([...])`` called in Python (a notebook, a test) left its command recorded, and every
    model saved from Python afterwards claimed to be made by it."""
    global _COMMAND
    before = _COMMAND
    record_command(argv)
    try:
        yield
    finally:
        _COMMAND = before


def command_line() -> str:
    """``rnnkit ARGS...`` as a shell would take it, or how Python code was started when not from the CLI."""
    if _COMMAND is not None:
        return shlex.join(["rnnkit", *_COMMAND])
    return "python API (" + shlex.join([sys.argv[0].rsplit("/", 1)[-1], *sys.argv[1:]])[:200] + ")"


def provenance() -> dict[str, str]:
    """Versions, command line, UTC time and machine of the running process (JSON-ready)."""
    import torch

    import rnnkit

    return {
        "rnnkit_version": rnnkit.__version__,
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "command": command_line(),
        "created_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.system()} {platform.machine()}",
    }
