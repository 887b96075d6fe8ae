"""Whether a corpus path names a file the corpus readers can read, said in one line when it does not.

Every reader (whole-file, ``--stream``, check-corpus) reads a corpus more than once or seeks in it
(``--write-clean`` reads it again, ``--stream`` once per epoch), so only a regular file will do: a pipe
(``--corpus <(zcat x.gz)``) would read empty the second time, a silent wrong answer. A compressed file
is named as such: its bytes are not text, and "line 1 is not UTF-8 text" hides why.
"""

from __future__ import annotations

from pathlib import Path

from rnnkit.utils.byte_order import archive, not_text
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


def refuse_archive(path: Path, head: bytes) -> None:
    """Refuse a corpus whose first bytes ``head`` (6 or more) start a compressed file or archive, or a
    picture, a PDF or an office document."""
    if why := not_text(head, path.name):
        raise RnnkitError(f"{path} is {why}")
    if found := archive(head):
        what, tool = found
        fix = (
            "unzip it and give the corpus file inside"
            if tool == "unzip"
            else f"decompress it first ({tool} {path} > corpus.tsv) and give that"
        )
        raise RnnkitError(f"{path} is {what}, not text: {fix}")
