"""A JSON document whose one long list is written entry by entry, whole or not at all.

``caption describe --json`` of a folder of 10,000 photos held every description until the end to
write them in one ``strict_json.write``; ``translate text --json`` of a long file every line's. Both
applications write such a document, so it lives here, once. :func:`streamed_json` writes each entry to a temporary file beside the
target as it comes (:func:`rnnkit.utils.atomic.atomic_path`), and the file replaces the target only
when :meth:`JsonList.finish` was called and the block ended without an error: a Ctrl-C, an error, or
a block left unfinished (nothing described) leaves the target as it was.

The text is byte for byte what ``strict_json.write`` writes of the whole document (indent 2, UTF-8
with non-ASCII kept, non-finite numbers as ``null``, a final newline), so readers see no change::

    with streamed_json(path, {"beam": 3}, "images") as doc:
        for entry in entries:
            doc.add(entry)
        doc.finish({"failed": []})     # {"beam": 3, "images": [...], "failed": []}
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, TextIO

from rnnkit.utils import strict_json
from rnnkit.utils.atomic import atomic_path


def _dumps(value: Any) -> str:
    """``value`` as ``strict_json.write`` writes it (without the final newline)."""
    return strict_json.readable_text(value)


def _nested(text: str, indent: str) -> str:
    """Indented JSON text moved ``indent`` to the right, its first line left to the caller. A line break
    is only ever structure: json escapes those inside strings."""
    return text.replace("\n", "\n" + indent)


def _member(key: str, value: Any) -> str:
    """One ``"key": value`` line (and the lines of a nested value) of a top-level object."""
    return f"  {_dumps(key)}: {_nested(_dumps(value), '  ')}"


class JsonList:
    """The document being written: ``head``'s members, then ``key``'s list, then the tail's members.

    ``out``: the open temporary file, or None to write nothing (no ``--json`` given)."""

    def __init__(self, out: TextIO | None, head: dict[str, Any], key: str) -> None:
        self._out, self._key, self.count, self.finished = out, key, 0, False
        if key in head:
            raise ValueError(f"{key!r} is the streamed list; the head must not hold it")
        self._keys = {*head, key}
        self._write("{\n" + "".join(_member(k, v) + ",\n" for k, v in head.items()) + f"  {_dumps(key)}: [")

    def _write(self, text: str) -> None:
        if self._out is not None:
            self._out.write(text)

    def add(self, entry: Any) -> None:
        """Write one entry of the list."""
        if self.finished:
            raise RuntimeError("the JSON document is finished: no entry can be added")
        self._write(("\n" if self.count == 0 else ",\n") + "    " + _nested(_dumps(entry), "    "))
        if self._out is not None:
            self._out.flush()  # on disk as it is described (the buffer held them until 8 KB)
        self.count += 1

    def finish(self, tail: dict[str, Any] | None = None) -> None:
        """Close the list, write ``tail``'s members after it, and mark the document whole."""
        tail = tail or {}
        if clash := self._keys & set(tail):
            raise ValueError(f"the tail repeats {sorted(clash)}")
        self._write(
            ("\n  ]" if self.count else "]") + "".join(",\n" + _member(k, v) for k, v in tail.items())
        )
        self._write("\n}\n")
        self.finished = True


class _Unfinished(Exception):
    """Raised inside the atomic write of a document never finished, so its temporary file is removed."""


@contextlib.contextmanager
def streamed_json(path: str | os.PathLike | None, head: dict[str, Any], key: str) -> Iterator[JsonList]:
    """Yield a :class:`JsonList` writing to a temporary file that replaces ``path`` when the block ends
    with the document finished; ``path`` None: a document that writes nothing (the same code runs
    without ``--json``)."""
    if path is None:
        yield JsonList(None, head, key)
        return
    with contextlib.suppress(_Unfinished), atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        doc = JsonList(out, head, key)
        yield doc
        if not doc.finished:
            raise _Unfinished  # atomic_path removes the temporary; nothing replaces path
