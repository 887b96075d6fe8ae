"""Outputs a command writes inside its own ``--out`` folder, checked together before any work.

Why: ``rnnkit demo`` claims only its ``--out`` folder (:func:`rnnkit.utils.outputs.claim_outputs`);
its sections then save model folders, data sets and plots inside it, and each save checks its own
place only when it comes to it. A user's file in ``OUT/caption/model`` was refused only after the
forecast and translate sections had trained for minutes and written their files. Each section lists
what it will write (``planned_outputs``), and :func:`check_planned` applies the same rules the saves
apply, all of them, before the first section starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rnnkit.utils.errors import RnnkitError


@dataclass(frozen=True)
class Planned:
    """One output: ``kind`` is ``"file"`` (written whole by name), ``"model"`` (a model folder of
    ``application``, replaced whole by ``save_model``) or ``"dataset"`` (a generated caption data set,
    written by ``atomic_entries``)."""

    path: Path
    kind: str
    application: str = ""
    check: Callable[[Path], None] | None = None  # what the writer checks more (a data set's images/)

    @classmethod
    def file(cls, path: str | os.PathLike) -> Planned:
        return cls(Path(path), "file")

    @classmethod
    def model(cls, path: str | os.PathLike, application: str) -> Planned:
        return cls(Path(path), "model", application)

    @classmethod
    def dataset(cls, path: str | os.PathLike, check: Callable[[Path], None] | None = None) -> Planned:
        return cls(Path(path), "dataset", check=check)


def check_planned(planned: Iterable[Planned]) -> None:
    """Refuse, in one line, the first output that its own save would refuse later.

    - a file in the way of a folder on the path, or a folder where a file goes;
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
