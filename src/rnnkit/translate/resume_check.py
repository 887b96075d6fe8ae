"""``rnnkit translate train --resume``: what may change on a resume, and the check made before any work.

A resume is refused for three reasons that need nothing but the run folder and the command line: no
checkpoint in ``--out``, a missing or unreadable ``run.json``, an option other than the run's. They are
checked before the corpus is read (the bundled corpus takes seconds to read and split; a user's may take
minutes, or a streamed one a whole pass over the file): the settings that can be known only once the data
is read (its fingerprint, a streamed file's sha256) are left to the full check when the run begins
(:func:`rnnkit.translate.training.prepare_tokenizers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import RunFolder

T = TypeVar("T")

# The run settings that only reading the corpus gives (cli.train's and stream_train's).
DATA_SETTINGS = ("data as read", "file sha256")

# Where the corpus lies: a folder moved or renamed holds the same pairs, which the data's fingerprints
# (DATA_SETTINGS, compared once it is read) tell from another corpus's. Compared as a path, a moved run
# could not be resumed, its identical corpus refused ("--corpus was /old/c.tsv ..., now /new/c.tsv").
CORPUS_PATHS = ("--corpus", "--src-file", "--tgt-file")


def may_differ(lr_schedule: str) -> tuple[str, ...]:
    """The settings a resume may change: the corpus's paths (:data:`CORPUS_PATHS`), and ``--epochs``
    (to train longer), except under cosine, whose rate decays over the run's own ``--epochs``."""
    return (*CORPUS_PATHS, *(() if lr_schedule == "cosine" else ("--epochs",)))


def explain_cosine(begin: Callable[[], T], lr_schedule: str) -> T:
    """``begin()``; a refused ``--epochs`` under cosine says why, and which runs can train longer."""
    try:
        return begin()
    except RnnkitError as exc:
        if lr_schedule != "cosine" or "--epochs was" not in str(exc):
            raise
        raise RnnkitError(
            f"{exc}; under --lr-schedule cosine the rate decays over the run's own --epochs, so a resume "
            "keeps them (to train longer, resume a run trained with --lr-schedule plateau or constant)"
        ) from None


def check_resumable(run: RunFolder, settings: dict[str, Any], lr_schedule: str,
                    later: Iterable[str] = DATA_SETTINGS) -> None:  # fmt: skip
    """Refuse, in one line and before the corpus is read, a ``--resume`` that cannot continue ``run``.

    ``settings`` are the command's run settings known before reading; ``later`` names those that are
    not (checked when the run begins). Nothing is written. A fresh run (``run.resume`` false) passes.

    Raises:
        RnnkitError: no checkpoint in the run folder, ``run.json`` missing or unreadable, or a setting
            other than the run's.
    """
    if not run.resume:
        return
    from rnnkit.train.checkpoint import latest_checkpoint

    checkpoint = latest_checkpoint(run.path)
    explain_cosine(lambda: run.begin(settings, checkpoint, (*may_differ(lr_schedule), *later)), lr_schedule)
