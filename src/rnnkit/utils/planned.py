"""Outputs a command writes inside its own ``--out`` folder, checked together before any work.

Why: a command claims its ``--out`` folder (:func:`rnnkit.utils.outputs.claim_outputs`), then writes
files, model folders and data sets inside it, and each write checks its own place only when it comes
to it. A user's file in ``OUT/caption/model`` stopped ``rnnkit demo`` only after the forecast and
translate sections had trained for minutes, a folder at ``RUN/forecast.png`` stopped ``forecast train``
once trained, and ``--force`` into a user's folder replaced their own ``predictions.csv`` unasked. So
each command declares what it writes there (``Output.folder(..., writes=...)``: :func:`inside` for a
run's files, a demo section's ``planned_outputs``), and the claim checks it all before any work:
:func:`check_planned` applies the same rules the writes apply, and in a folder that is not the
command's own, an entry of a name it writes is refused (it would be overwritten).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rnnkit.utils.errors import RnnkitError


@dataclass(frozen=True)
class Planned:
    """One output: ``kind`` is ``"file"`` (written whole by name), ``"folder"`` (a folder written into and
    kept, a run's ``checkpoints/``), ``"model"`` (a model folder of ``application``, replaced whole by
    ``save_model``) or ``"dataset"`` (a generated caption data set, written by ``atomic_entries``)."""

    path: Path
    kind: str
    application: str = ""
    check: Callable[[Path], None] | None = None  # what the writer checks more (a data set's images/)

    @classmethod
    def file(cls, path: str | os.PathLike) -> Planned:
        return cls(Path(path), "file")

    @classmethod
    def folder(cls, path: str | os.PathLike) -> Planned:
        return cls(Path(path), "folder")

    @classmethod
    def model(cls, path: str | os.PathLike, application: str) -> Planned:
        return cls(Path(path), "model", application)

    @classmethod
    def dataset(cls, path: str | os.PathLike, check: Callable[[Path], None] | None = None) -> Planned:
        return cls(Path(path), "dataset", check=check)


def inside(folder: str | os.PathLike, names: Iterable[str]) -> tuple[Planned, ...]:
    """What a command writes in ``folder``, by name: a file each, or a folder it writes into where the
    name ends in ``/`` (``"checkpoints/"``)."""
    return tuple(
        Planned.folder(Path(folder) / name.rstrip("/"))
        if name.endswith("/")
        else Planned.file(Path(folder) / name)
        for name in names
    )


def check_planned(planned: Iterable[Planned]) -> None:
    """Refuse, in one line, the first output that its own save would refuse later.

    - a file in the way of a folder on the path, a folder where a file goes, or a file where a folder
      goes (``RUN/checkpoints``);
    - a model folder that ``save_model`` may not replace
      (:func:`rnnkit.utils.atomic.check_replaces_a_model`: files rnnkit did not write, another
      application's model), or a file in its place;
    - a data set folder that holds what rnnkit did not write (``atomic_entries`` writes only into a
      missing, empty or data set folder here, never adopted by the outer ``--force``), or that its
      writer's own ``check`` refuses (a caption data set's ``images/`` holding what it did not write,
      :func:`rnnkit.caption.shapes.check_dataset_images`, passed by the caption section: utils sits
      below the applications and imports none).
    """
    from rnnkit.utils.atomic import check_replaces_a_model, not_a_folder

    for item in planned:
        path = item.path
        _check_parents(path)
        if item.kind == "file":
            if path.is_dir():
                raise RnnkitError(f"cannot write {path}: it is a folder, and rnnkit writes a file there")
        elif os.path.lexists(path) and not path.is_dir():
            raise RnnkitError(
                f"cannot write {path}: {not_a_folder(path, 'it')}; rnnkit writes a folder there"
            )
        elif item.kind == "folder":
            continue  # written into, keeping what is there: any folder will do
        elif item.kind == "model":
            check_replaces_a_model(path, item.application)
        elif item.kind == "dataset":
            _check_dataset(path)
            if item.check is not None:
                item.check(path)
        else:
            raise ValueError(f"unknown planned output kind {item.kind!r}")


def _check_parents(path: Path) -> None:
    """A file where one of the folders on the way should be (``OUT/caption`` a file) is refused."""
    from rnnkit.utils.atomic import not_a_folder

    for parent in path.parents:
        if os.path.lexists(parent):
            if not parent.is_dir():
                raise RnnkitError(f"cannot write {path}: {not_a_folder(parent)}")
            return


def _check_dataset(path: Path) -> None:
    from rnnkit.utils.locks import LOCK_NAME
    from rnnkit.utils.markers import Mark, read_mark

    if path.is_dir() and read_mark(path) != Mark("caption", "dataset"):
        entries = sorted(p.name for p in path.iterdir() if p.name != LOCK_NAME)
        if entries:
            raise RnnkitError(
                f"{path} holds files rnnkit did not write (such as {entries[0]!r}), not an rnnkit caption "
                "data set; rnnkit does not write a data set into it (move them, or choose another folder)"
            )
