"""``rnnkit translate train --resume``: what may change on a resume, and the check made before any work.

A resume is refused for three reasons that need nothing but the run folder and the command line: no
checkpoint in ``--out``, a missing or unreadable ``run.json``, an option other than the run's. They are
checked before the corpus is read (the bundled corpus takes seconds to read and split; a user's may take
minutes, or a streamed one a whole pass over the file): the settings that can be known only once the data
is read (its fingerprint, a streamed file's sha256) are left to the full check when the run begins
(:func:`rnnkit.translate.training.prepare_tokenizers`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import SETTINGS_NAME, RunFolder

T = TypeVar("T")

# The run settings that only reading the corpus gives (cli.train's and stream_train's).
DATA_SETTINGS = ("data as read", "file sha256")

# Where the corpus lies: a folder moved or renamed holds the same pairs, which the data's fingerprints
# (DATA_SETTINGS, compared once it is read) tell from another corpus's. Compared as a path, a moved run
# could not be resumed, its identical corpus refused ("--corpus was /old/c.tsv ..., now /new/c.tsv").
CORPUS_PATHS = ("--corpus", "--src-file", "--tgt-file")


def saved_settings(run: RunFolder) -> dict[str, Any]:
    """The settings ``run.json`` holds; {} where it cannot be read (``RunFolder.begin`` says so)."""
    try:
        saved = json.loads((run.path / SETTINGS_NAME).read_text(encoding="utf-8"))["settings"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return saved if isinstance(saved, dict) else {}


def may_differ(
    lr_schedule: str, saved: dict[str, Any] | None = None, now: dict[str, Any] | None = None
) -> tuple[str, ...]:
    """The settings a resume may change: ``--epochs`` (to train longer), except under cosine, whose rate
    decays over the run's own ``--epochs``; and the corpus's paths (:data:`CORPUS_PATHS`), each only where
    it was given at the start and is now (a moved file is passed by its new path), and only while the
    data's fingerprints (:data:`DATA_SETTINGS`, those ``now`` holds) are the run's.

    Without ``saved`` and ``now``, every path may differ. Where every path might, a path dropped was
    refused only once the data was read: a resume that forgot ``--corpus`` read the whole bundled corpus
    (with ``--stream``, made a full pass) to say "data as read changed", never naming ``--corpus``; and
    another corpus at another path was refused by its fingerprint alone, its path unsaid."""
    epochs = () if lr_schedule == "cosine" else ("--epochs",)
    if saved is None or now is None:
        return (*CORPUS_PATHS, *epochs)
    same_data = all(saved.get(key) == now[key] for key in DATA_SETTINGS if key in now)
    paths = [k for k in CORPUS_PATHS if same_data and saved.get(k) is not None and now.get(k) is not None]
    return (*paths, *epochs)


def explain_sha256(begin: Callable[[], T], saved: dict[str, Any], now: dict[str, Any]) -> T:
    """``begin()``; a refused ``--stream`` file sha256 (saved bare) is worded as a changed fingerprint is
    (``data as read changed since the run started (sha256:...``), not as two bare 64-digit values."""
    try:
        return begin()
    except RnnkitError as exc:
        old, new = saved.get("file sha256"), now.get("file sha256")
        bare = f"file sha256 was {json.dumps(old)} when the run started, now {json.dumps(new)}"
        if not (isinstance(old, str) and isinstance(new, str)) or bare not in str(exc):
            raise
        said = (
            f"the corpus file changed since the run started (sha256:{old[:12]}..., now sha256:{new[:12]}...): "
            "the file differs, or this version of rnnkit reads it otherwise"
        )
        raise RnnkitError(str(exc).replace(bare, said)) from None


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
    differ = (*may_differ(lr_schedule, saved_settings(run), settings), *later)
    explain_cosine(lambda: run.begin(settings, checkpoint, differ), lr_schedule)
