"""Paths as a user types them: a leading ``~`` or ``~user`` means that home folder, as in a shell.

A shell expands ``~`` only unquoted and at the start of a word, so ``--out "~/runs/x"``,
``--out=~/runs/x`` and a ``--config`` file's ``out: ~/runs/x`` reached rnnkit as typed: an input was
"not found", and an output became a folder named ``~`` in the current one, which a later ``rm -rf ~``
meant to tidy it would confuse with the home folder. Every path option of every command takes
:class:`UserPath`, which expands it (:func:`expand_user`) before click checks the path; library
functions that take a path call :func:`expand_user` themselves.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath
from typing import Any

import click

from rnnkit.utils.errors import RnnkitError


class UnexpandedHome(RnnkitError):
    """A path starting with ``~`` or ``~user`` that names no home folder here (no such user, or no
    ``HOME`` and no password entry), and no file or folder of that literal name exists."""


def expand_user(path: str | os.PathLike[str]) -> str:
    """``path`` with a leading ``~`` or ``~user`` replaced by that home folder, as a shell expands it.

    Returns text, so a trailing slash (``x.json/``, which names a folder) is kept for the caller to judge.
    A path that does not start with ``~`` comes back unchanged. When the ``~`` names no home folder, a
    shell keeps the word as typed: so does this, but only when a file or folder of that name exists
    (``./~`` made on purpose); otherwise :class:`UnexpandedHome`, since writing it would create a folder
    named ``~``.
    """
    text = os.fspath(path)
    if not text.startswith("~"):
        return text
    expanded = os.path.expanduser(text)  # HOME, else the password file, as bash does
    if expanded != text:
        return expanded
    first = text.split(os.sep, 1)[0]
    if os.path.lexists(first):
        return text
    why = (
        "HOME is not set and this user has no home folder"
        if first == "~"
        else f"there is no user {first[1:]!r}"
    )
    raise UnexpandedHome(
        f"{text} starts with {first!r}, which names no home folder here ({why}), nor a file or folder: "
        f"write the full path (rnnkit never creates a folder named {first!r})"
    )


def folder_meant(path: str | os.PathLike[str], example: str | None = None) -> str | None:
    """Why ``path``, a file output's name as typed, is not a file's name; None when it is one.

    A name that ends in a slash (``m.onnx/``), or whose last part is ``.`` or ``..`` (``m.onnx/.``),
    names a folder, and a shell's ``> m.onnx/`` refuses it; ``pathlib`` and ``click.Path(path_type=Path)``
    drop the slash and reduce ``m.onnx/.`` to ``m.onnx``, so the file ``m.onnx`` was written without a
    word. ``example``: a file name to suggest inside that folder. The folder itself is suggested as a
    file name only where it could be one: not an existing folder (``~/`` suggested ``or /root``), nor
    ``.``, ``..`` or a name ending in ``..``.
    """
    text = os.fspath(path)
    seps = "/" + os.sep
    bare = text.rstrip(seps)
    if not bare:
        return None
    last = re.split(f"[{re.escape(seps)}]", bare)[-1]
    dots = last in (".", "..")
    if bare != text:
        why = "ends with '/', so it names a folder"
    elif dots and len(bare) > len(last):
        why = f"ends with '{text[-len(last) - 1 :]}', so it names a folder"
    elif dots:
        why = "names a folder"
    else:
        return None
    folder = os.path.normpath(bare) if dots else bare  # m.onnx/. is the folder m.onnx
    shown = [os.path.join(folder, example)] if example else []
    if last != ".." and folder not in (".", "..", "~") and not os.path.isdir(folder):
        shown.append(folder)
    return f"{text} {why}; give a file name" + (f": {', or '.join(shown)}" if shown else " inside it")


class UserPath(click.Path):
    """``click.Path`` whose value has a leading ``~`` or ``~user`` expanded (:func:`expand_user`) first.

    ``path_type`` is :class:`pathlib.Path` unless given: ``str`` keeps the text as typed, a trailing
    slash included (``--json x.json/`` is refused for it by its callback). Every other argument is
    ``click.Path``'s, and its checks (``exists=True``...) see the expanded path. A path that still starts
    with ``~`` (``./~name``, a folder literally so named) comes back absolute, so that no later
    :func:`expand_user` reads it as a home folder.

    ``file_example`` marks a file output (``export --out model.onnx``): a name ending in a slash is
    refused (:func:`folder_meant`), with ``file_example`` as the file name to suggest inside it.
    """

    def __init__(
        self, path_type: type[Any] | None = Path, file_example: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(path_type=path_type, **kwargs)
        self.file_example = file_example

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str | os.PathLike):
            try:
                value = expand_user(value)
            except UnexpandedHome as exc:
                self.fail(str(exc), param, ctx)
            if self.file_example is not None and (why := folder_meant(value, self.file_example)):
                self.fail(why, param, ctx)
        converted = super().convert(value, param, ctx)
        # pathlib reads "./~name/x" as "~name/x", which the library's own expand_user (save_model,
        # load_model...) would take for that user's home, and the output checks for a ~ left unexpanded:
        # anchored here, it stays the folder ~name in the current one
        if isinstance(converted, str | PurePath) and str(PurePath(converted)).startswith("~"):
            if isinstance(converted, PurePath):
                return type(converted)(Path.cwd() / converted)
            return os.path.join(os.getcwd(), re.sub(r"^(?:\./+)+", "", converted))  # a trailing / kept
        return converted
