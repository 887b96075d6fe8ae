"""Which files in a ``generate-data --out`` folder rnnkit wrote: the manifest ``.rnnkit-generated``.

Why: ``generate-data`` writes its files by name (``dataset.json``, ``images/train_00000.png``,
``README.md``) into a folder that may hold the user's own, and ``--force`` lets it write into a user's
folder. A user's ``dataset.json`` (their own captions), ``README.md`` or ``images/train_00000.png`` there
had the names of rnnkit's files and was replaced. Now every file a run writes is listed in the folder's
manifest, written atomically before the files move in (so it never lists less than is there), and a run
refuses, before any work and even with ``--force``, to replace a file of the same name the manifest does
not list: one line naming it.

A data set folder generated before the manifest existed (marked ``caption/dataset`` and holding no
manifest) keeps the old rule: ``dataset.json``, ``README.md`` and the images its ``dataset.json`` lists
are rnnkit's. In a folder of the user's without a manifest, nothing is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from rnnkit.utils.errors import RnnkitError

MANIFEST_NAME = ".rnnkit-generated"
_WRITER = "rnnkit caption generate-data"


def image_name(split: str, index: int) -> str:
    """The file name of the ``index``-th generated image of ``split`` (shapes and digits alike)."""
    return f"{split}_{index:05d}.png"


def planned_files(jobs: Iterable[tuple[str, int]], readme: bool = False) -> list[str]:
    """Every file a run of ``jobs`` (``(split, index)`` pairs) writes, relative to its folder."""
    from rnnkit.caption.datasets import GENERATION_FILE

    images = [f"images/{image_name(split, i)}" for split, i in jobs]
    return ["dataset.json", *(["README.md"] if readme else []), f"images/{GENERATION_FILE}", *images]


def check_generated(out_dir: Path, planned: list[str]) -> frozenset[str]:
    """Refuse, in one line, to replace a file in ``out_dir`` of a name in ``planned`` that rnnkit did
    not write there; returns the names known to be rnnkit's (for :func:`record_generated`).

    ``--force`` does not lift it: it lets rnnkit write into a user's folder, never overwrite their files.
    """
    known = _known(out_dir)
    foreign = [name for name in planned if name not in known and os.path.lexists(out_dir / name)]
    if os.path.lexists(out_dir / MANIFEST_NAME) and _read(out_dir / MANIFEST_NAME) is None:
        foreign.insert(0, MANIFEST_NAME)  # a file of the manifest's name that is not one
    if foreign:
        from rnnkit.utils.wording import first_of, plural

        raise RnnkitError(
            f"{out_dir} holds {plural(len(foreign), 'file')} of the names generate-data writes that it did "
            f"not write there ({first_of(foreign)}); rnnkit does not overwrite them, even with --force: "
            "move them out, or choose another --out"
        )
    return known


def record_generated(out_dir: Path, planned: list[str], known: frozenset[str]) -> None:
    """Write ``out_dir``'s manifest: ``planned`` and the files of ``known`` still there. Called once the
    data set is built and before its files move in, so a run killed part-way leaves none unlisted."""
    from rnnkit.utils.atomic import write_text_atomic
    from rnnkit.utils.dist import is_main_process

    if not is_main_process():
        return
    names = sorted({*planned, *(name for name in known if os.path.lexists(out_dir / name))})
    doc = {"written_by": _WRITER, "files": names}
    write_text_atomic(out_dir / MANIFEST_NAME, json.dumps(doc, indent=0) + "\n")


def _known(out_dir: Path) -> frozenset[str]:
    """The files of ``out_dir`` rnnkit wrote: its manifest's, or in a data set folder generated before
    manifests existed, its ``dataset.json``, ``README.md`` and the images that lists; else none."""
    listed = _read(out_dir / MANIFEST_NAME)
    if listed is not None:
        return listed
    from rnnkit.utils.markers import Mark, read_mark

    if os.path.lexists(out_dir / MANIFEST_NAME) or read_mark(out_dir) != Mark("caption", "dataset"):
        return frozenset()
    from rnnkit.caption.datasets import GENERATION_FILE
    from rnnkit.caption.shapes import listed_images

    images = {f"images/{name}" for name in listed_images(out_dir / "dataset.json") | {GENERATION_FILE}}
    return frozenset({"dataset.json", "README.md", *images})


def _read(path: Path) -> frozenset[str] | None:
    """The names a manifest lists; None when ``path`` is missing, a link, or not a manifest."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(doc, dict)
        or doc.get("written_by") != _WRITER
        or not isinstance(doc.get("files"), list)
    ):
        return None
    return frozenset(name for name in doc["files"] if isinstance(name, str))
