"""Whether a corpus path names a file the corpus readers can read, said in one line when it does not.

Every reader (whole-file, ``--stream``, check-corpus) reads a corpus more than once or seeks in it
(``--write-clean`` reads it again, ``--stream`` once per epoch), so only a regular file will do: a pipe
(``--corpus <(zcat x.gz)``) would read empty the second time, a silent wrong answer. A compressed file
is named as such: its bytes are not text, and "line 1 is not UTF-8 text" hides why.
"""

from __future__ import annotations

from pathlib import Path

from rnnkit.utils import byte_order
from rnnkit.utils.errors import RnnkitError


def check_corpus_path(path: Path) -> None:
    """Refuse, in one line, a ``path`` that is a folder, missing, or not a regular file (a pipe, a
    device such as ``/dev/null``): the message says which, where "not found" would be untrue."""
    if path.is_dir():
        raise RnnkitError(f"{path} is a folder; give the corpus file")
    if str(path) == "-" and not path.exists():  # other commands read "-" as standard input
        raise RnnkitError(
            "the corpus cannot be standard input ('-'): it is read more than once, so save it to a file "
            "and give that"
        )
    if not path.exists():
        raise RnnkitError(f"corpus file not found: {path}")
    if not path.is_file():
        raise RnnkitError(
            f"{path} is not a regular file (a pipe or a device): the corpus is read more than once, "
            "so save it to a file and give that"
        )


def refuse_no_text(path: Path, data: bytes) -> None:
    """Refuse a corpus whose bytes ``data`` (all, or its first few KiB) are no text: a compressed file or
    archive, a picture, a PDF, an office document, UTF-16 without its mark
    (:func:`rnnkit.utils.byte_order.refuse_no_text`, in the corpus's words)."""
    byte_order.refuse_no_text(data, path, "corpus file", "corpus.tsv")
