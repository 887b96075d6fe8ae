"""The model folders the server may use: the shipped translator and those found under ``--models``.

A model folder is what the CLI writes: ``config.json`` (with ``application``) and ``model.safetensors``.
:func:`discover` walks ``--models`` (four levels deep, never following a link out of it) and keys
each folder by its path relative to that root (``caption/shapes``); the model of a training command's
run folder (``--out R`` keeps it in ``R/model``) is keyed by the run folder (``caption/shapes`` for
``caption/shapes/model``), and ``--models`` may be one run folder or one model folder itself. Requests name a model by that key
only: a key is looked up in the table, never joined onto a path, so no request can reach a file
outside the folders listed here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import restored, waiting_name
from rnnkit.utils.schema import read_json

APPLICATIONS = ("translate", "caption", "forecast", "explain")
SHIPPED_ID = "shipped"
MAX_DEPTH = 4  # runs/flow/jobs/adding-50-lstm/model: an explain run folder under --models runs


@dataclass(frozen=True)
class ModelEntry:
    """One usable model folder: its key, application, resolved folder and a one-line summary."""

    id: str
    application: str
    folder: Path | None  # None: the shipped translator (the application finds it)
    summary: str
    cell: str | None = None  # the config's cell (explain: the variant, e.g. "irnn")
    task: str | None = None  # explain models: the memory task
    trained_on: str | None = None  # forecast models: the data named at training (a bundled name, or a path)
    reads_scenes: bool | None = None  # caption models: whether its words are the generated scenes'
    beam: int | None = None  # caption models: the beam `caption describe` searches with (saved with it)

    def to_json(self) -> dict:
        out = {"id": self.id, "application": self.application, "summary": self.summary}
        if self.trained_on is not None:  # the forecast page picks this series for the model
            out["trained_on"] = self.trained_on
        if self.reads_scenes is not None:  # the caption page picks such a model for its scenes
            out["reads_scenes"] = self.reads_scenes
        if self.beam is not None:  # the caption page's beam starts at it, as describe searches
            out["beam"] = self.beam
        return out


def _summary(config: dict) -> str:
    """A short description from the config: the cell and what it was trained for."""
    nested = [config.get(k) for k in ("model", "caption") if isinstance(config.get(k), dict)]
    cell = config.get("cell") or next((d["cell"] for d in nested if isinstance(d.get("cell"), str)), "?")
    task = config.get("task")
    return f"{cell}" + (f", {task}" if task else "")


def _trained_on(config: dict) -> str | None:
    """A forecast model's training data as ``forecast train --data`` named it (``info.settings.data``)."""
    info = config.get("info")
    settings = info.get("settings") if isinstance(info, dict) else None
    data = settings.get("data") if isinstance(settings, dict) else None
    return data if isinstance(data, str) and config.get("application") == "forecast" else None


def _reads_scenes(folder: Path, config: dict) -> bool | None:
    """Whether a caption model can describe the page's generated scenes: its vocabulary has every shape
    word of the scenes' grammar (a model of ``rnnkit demo``'s handwritten numbers has only digits, and
    read a scene of shapes as "9 6 3 3"). None for other models, or a vocabulary that cannot be read."""
    if config.get("application") != "caption":
        return None
    from rnnkit.caption.shapes import KINDS

    try:  # the name modelio.VOCAB_NAME gives it (modelio imports torch, which discovery does not need)
        vocab = read_json(folder / "vocab.json")
    except RnnkitError:
        return None
    words = vocab.get("words") if isinstance(vocab, dict) else None
    return all(kind in words for kind in KINDS) if isinstance(words, list) else None


def _saved_beam(config: dict, source: str) -> int | None:
    """A caption model's saved beam (:func:`rnnkit.caption.config_schema.saved_beam`); None for other
    models, or a config the loader refuses (its requests then say why)."""
    if config.get("application") != "caption":
        return None
    from rnnkit.caption.config_schema import saved_beam

    try:
        return saved_beam(config, source)
    except RnnkitError:
        return None


def discover(root: Path | None, shipped_translator: bool = True) -> dict[str, ModelEntry]:
    """Every model folder under ``root`` (and the shipped translator), keyed by relative path."""
    found: dict[str, ModelEntry] = {}
    if shipped_translator:
        found[SHIPPED_ID] = ModelEntry(SHIPPED_ID, "translate", None, "English to Korean, gru")
    if root is None:
        return found
    if not root.is_dir():
        raise RnnkitError(f"--models {root}: not a folder{missing_models_note(root)}")
    base = root.resolve()
    for config in sorted(_configs(base, 0)):
        folder = _served_as(config.parent)
        try:  # with the loader's limits: a stranger's folder may hold 100,000 nested brackets
            data = read_json(config)
        except RnnkitError:
            continue  # not a model folder the server can describe; the others still load
        app = data.get("application") if isinstance(data, dict) else None
        if app not in APPLICATIONS or not (config.parent / "model.safetensors").is_file():
            continue
        named = _named_by(folder, base)
        key = named.relative_to(base).as_posix() if named != base else named.name
        if key in found:  # a run's model named like a model folder beside it: keep the path
            key = folder.relative_to(base).as_posix()
        task = data.get("task") if isinstance(data.get("task"), str) else None
        cell = data.get("cell") if isinstance(data.get("cell"), str) else None
        found[key] = ModelEntry(
            key,
            app,
            folder,
            _summary(data),
            cell,
            task,
            _trained_on(data),
            _reads_scenes(config.parent, data),
            _saved_beam(data, str(config)),
        )
    return found


def missing_models_note(root: Path) -> str:
    """How to get the model that --models ``root`` lacks, as every loader says it: a model waiting as
    ``.model.old`` (or ``.NAME.old``) beside it, or a run a kill cut short before its model (``root`` is
    ``RUN/model`` or ``RUN``), which ``--resume`` finishes; "" otherwise. ``serve --models RUN/model``
    said only "not a folder" where ``--model`` and ``rnnkit.load`` named the run and its ``--resume``."""
    from rnnkit.utils.markers import dot_old_copy, unfinished_run

    return dot_old_copy(root) or unfinished_run(root)


def _named_by(folder: Path, base: Path) -> Path:
    """The folder a model is known by: its run folder for ``RUN/model`` (:mod:`rnnkit.utils.markers`),
    or for ``SECTION/model`` inside an ``rnnkit demo`` folder, whose sections are run folders without
    marks of their own (``forecast/ibm/model`` is served as ``forecast/ibm``); else itself."""
    from rnnkit.utils.markers import MODEL_KIND, MODEL_SUBFOLDER, Mark, read_mark

    if folder.name != MODEL_SUBFOLDER or folder == base:
        return folder
    mark = read_mark(folder.parent)
    if mark is not None:
        return folder.parent if mark.kind != MODEL_KIND else folder
    demo = Mark("demo", "demo")
    inside_demo = any(
        read_mark(up) == demo for up in folder.parent.parents if up == base or base in up.parents
    )
    return folder.parent if inside_demo else folder


def _served_as(folder: Path) -> Path:
    """The folder a model is served from: ``RUN/model`` for one a kill left waiting as
    ``RUN/.model.rnnkit-old`` (where it cannot be moved back: its loader reads it there); else itself."""
    target = waiting_name(folder.name)
    return folder.with_name(target) if target else folder


def _configs(folder: Path, depth: int) -> list[Path]:
    """``config.json`` files at most :data:`MAX_DEPTH` levels below ``folder``, links not followed.

    A model whose save a kill cut between its two renames waits as ``.NAME.rnnkit-old``: it is moved
    back, or read where it waits (:func:`rnnkit.utils.leftovers.restored`), as its loader does; serve
    skipped it with every hidden folder, though ``rnnkit.load`` found it."""
    out = []
    if (folder / "config.json").is_file():
        out.append(folder / "config.json")
    if depth >= MAX_DEPTH:
        return out
    try:
        children = sorted(folder.iterdir())
    except OSError:
        return out
    for child in children:
        if not child.is_dir() or child.is_symlink():
            continue
        target = waiting_name(child.name)
        if target and not os.path.lexists(folder / target):
            child = restored(folder / target)
        elif child.name.startswith("."):
            continue
        out.extend(_configs(child, depth + 1))
    return out


def links_not_followed(root: Path | None) -> list[str]:
    """The links to folders under ``root`` (within :data:`MAX_DEPTH`) that :func:`discover` does not
    follow, as paths relative to it: a --models folder of links served no model and said nothing."""
    if root is None or not root.is_dir():
        return []
    found: list[str] = []

    def walk(folder: Path, depth: int) -> None:
        try:
            children = sorted(folder.iterdir())
        except OSError:
            return
        for child in children:
            if child.name.startswith(".") or not child.is_dir():
                continue
            if child.is_symlink():
                found.append(child.relative_to(root).as_posix())
            elif depth < MAX_DEPTH:
                walk(child, depth + 1)

    walk(root, 0)
    return found


class ModelUnavailable(Exception):  # noqa: N818 - a signal for a 503, as pool.Busy
    """A listed model that cannot be loaded now: its folder was deleted or moved since the server listed
    it, or its loader refuses what is there. The server's state, not the request's fault: a 503 naming
    the model (it was a 400 of the loader's words, "model folder not found: /abs/path (nor is it a Hub id
    owner/name)", though the server never reads the Hub)."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(reason)
        self.folder = folder


GONE = (
    "its folder is gone (deleted or moved since rnnkit serve started): put it back, or restart rnnkit serve"
)
Loaded = TypeVar("Loaded")


def load_listed(folder: Path, load: Callable[[Path], Loaded]) -> Loaded:
    """``load(folder)`` for a model of the table, whose refusal is :class:`ModelUnavailable`. The loader
    is asked even of a folder that is not there: it moves back a model a kill left beside it
    (``rnnkit.utils.hub.model_dir``); only when it cannot is the folder said to be gone."""
    try:
        return load(folder)
    except (RnnkitError, OSError) as exc:  # OSError: the folder went while its files were read
        if not folder.is_dir():
            raise ModelUnavailable(folder, GONE) from None
        raise ModelUnavailable(folder, str(exc) or type(exc).__name__) from None  # api.error: one line


def pick(models: dict[str, ModelEntry], application: str, key: str | None) -> ModelEntry:
    """The model ``key`` of ``application`` (the first one when ``key`` is None); RnnkitError if none."""
    mine = [m for m in models.values() if m.application == application]
    if key is None:
        if not mine:
            raise RnnkitError(
                f"no {application} model: start the server with --models DIR holding a folder from "
                f"rnnkit {application} train"
            )
        return mine[0]
    entry = models.get(key)
    if entry is None or entry.application != application:
        known = ", ".join(m.id for m in mine) or "none"
        raise RnnkitError(f"unknown {application} model {key[:80]!r}; known: {known}")
    return entry
