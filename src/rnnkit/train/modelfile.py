"""Model folders: ``config.json`` + ``model.safetensors`` (+ tokenizer or other files), a model card.

Every folder :func:`save_model` writes also holds ``README.md``, the model card (what the model is, its
data, its scores beside the baselines, the command that made it; :mod:`rnnkit.train.modelcard`), and
``provenance.json`` (rnnkit, torch and Python versions, the command line, the time and the machine;
:mod:`rnnkit.utils.provenance`). Neither is read when loading.

Loading never unpickles: tensors come from safetensors and everything else from JSON, so a model folder
from a stranger cannot run code. Folders are written atomically (built beside the target, then renamed).
A missing, corrupt, truncated or mismatched folder raises :class:`RnnkitError` with a one-line message.

Nothing in a folder is trusted before it is checked (a stranger's folder may be hostile, a user's may be
mixed up):

- ``config.json`` is parsed with limits (depth, number size, no NaN) and validated against the
  application's schema (:mod:`rnnkit.utils.schema`, sizes bounded by :mod:`rnnkit.utils.limits`) before
  any number in it sizes an allocation.
- ``model.safetensors`` is checked from its header before its data is read: a whole safetensors file
  (:func:`check_weights_layout`), holding no more bytes than its config implies (:func:`check_implied_size`,
  :mod:`rnnkit.utils.model_size`, the bound the Hub download uses too), so what is read is bounded by
  the config: a consistent header with one extra 20 GB tensor was an out-of-memory kill.
- Every weight must be finite: a NaN or infinite weight would print NaN forecasts with exit status 0.
- A weight the model holds in floating point must be floating in the file: an int32 or bool tensor
  was cast into 0/1 weights in silence (the model's own integer buffers load as they are).
- The model is first built on PyTorch's ``meta`` device (no memory) and its weight shapes compared with
  the file's (:func:`load_weights` given a builder), so a config that asks for more than its weights
  hold is refused before the real model is allocated.
- Each extra file's SHA-256 is recorded in ``config.json`` (``file_sha256``) when saved and checked when
  read (:meth:`ModelFolder.file`), so a tokenizer from another model, or two swapped files, are named.
  So is the weights file's, checked on every load: flipped bytes inside ``model.safetensors`` (a bad
  disk, a damaged copy) still parse and load, and would translate or forecast garbage with exit status
  0. Folders saved before the weights were hashed load without that check.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

import torch
from torch import nn

from rnnkit.train.modelcard import CARD_NAME, ModelCard
from rnnkit.utils.atomic import atomic_folder, check_replaces_a_model, save_safetensors
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import restored
from rnnkit.utils.limits import MAX_EXTRA_FILE_BYTES, MAX_HEADER_BYTES
from rnnkit.utils.markers import (
    MODEL_SUBFOLDER,
    checkpoint_note,
    dot_old_copy,
    file_not_model_folder,
    model_folder_in,
    unfinished_run,
)
from rnnkit.utils.model_size import config_weight_bytes
from rnnkit.utils.outputs import PACKAGE_FOLDER, inside_package
from rnnkit.utils.provenance import provenance
from rnnkit.utils.schema import MAX_JSON_BYTES, Int, MapOf, Obj, Spec, Str, parse_json, validate
from rnnkit.utils.strict_json import nulls
from rnnkit.utils.user_paths import expand_user
from rnnkit.utils.wording import a_or_an

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
PROVENANCE_NAME = "provenance.json"
FORMAT_VERSION = 1
HASHES = "file_sha256"  # config key: extra file name -> SHA-256 hex of its bytes

# What every model folder's config holds, whatever its application.
BASE_SCHEMA = Obj(
    required={},
    optional={
        "application": Str(max_len=64),
        "format_version": Int(0, 2**31),
        "rnnkit_version": Str(max_len=64),
        HASHES: MapOf(Str(max_len=64), max_items=1000),
    },
)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# What a load says of a folder a save replaced while it was read (ModelFolder.file, load_model_with)
REPLACED = "the folder was replaced by a save after its model was read; load it again"


@dataclass
class ModelFolder:
    """What :func:`load_model` returns: the config dict, the tensors and where they came from."""

    path: Path
    config: dict
    state_dict: dict[str, torch.Tensor]
    # (st_dev, st_ino) of the folder its config was read from: a save may replace the folder at ``path``
    # before an extra file is read from it (:meth:`file`)
    identity: tuple[int, int] | None = None

    def file(self, name: str) -> Path:
        """Path of an extra file saved with the model (a tokenizer, say); an error if it is missing or
        differs from the file saved with the model (another model's, or swapped with a sibling)."""
        p = self.path / name
        if not p.is_file():
            raise RnnkitError(f"model folder {self.path} lacks {name}")
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise RnnkitError(f"cannot read {p}: {exc.strerror}") from None
        if size > MAX_EXTRA_FILE_BYTES:  # a 2 GB tokenizer crashed sentencepiece (a segmentation fault)
            raise RnnkitError(
                f"{p} is {size / 2**20:,.0f} MB, more than the {MAX_EXTRA_FILE_BYTES // 2**20} MB rnnkit reads "
                "as a model's file (a tokenizer or a vocabulary is a few MB)"
            )
        hashes = self.config.get(HASHES) or {}
        if name in hashes:
            try:
                digest = _sha256(p.read_bytes())
            except OSError as exc:
                raise RnnkitError(f"cannot read {p}: {exc.strerror}") from None
            if digest != hashes[name]:
                twins = [other for other, h in hashes.items() if h == digest and other != name]
                hint = (
                    f"it holds what was saved as {twins[0]} (swapped files?)"
                    if twins
                    else ("it is not the file saved with this model")
                )
                if self.replaced():
                    hint = REPLACED
                raise RnnkitError(f"{p} does not match the model: {hint}")
        return p

    def replaced(self) -> bool:
        """Whether a save has replaced the folder at ``path`` since this model was read from it: a file
        read from ``path`` now is the new model's, not this one's."""
        return self.identity is not None and _identity(self.path) != self.identity


def save_model(
    folder: str | Path,
    model: nn.Module | Mapping[str, torch.Tensor],
    config: Mapping,
    files: Mapping[str, str | Path | bytes] | None = None,
    card: ModelCard | str | None = None,
) -> Path:
    """Write ``folder`` whole: config (with ``rnnkit_version``), weights, extra ``files``, the model card
    (``README.md``) and ``provenance.json``.

    Args:
        folder: target folder; an existing one is replaced only once the new one is complete.
        model: a module or a state dict; tensors are made contiguous and moved to CPU.
        config: JSON-serialisable; should hold ``application`` (e.g. ``"forecast"``).
        files: name -> source path or bytes, copied into the folder (tokenizer models, vocabularies).
        card: the model card; text is written as it is (a card carried over from a loaded folder);
            None writes a short card that says only what the config says.
    """
    import rnnkit

    if not str(
        folder
    ).strip():  # Path("") is the current folder: a model is never written over it by accident
        raise RnnkitError("a model is saved into a folder: give its path, not an empty string")
    state = model.state_dict() if isinstance(model, nn.Module) else dict(model)
    for name, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise RnnkitError(f"cannot save weight {name!r}: a {type(value).__name__}, not a tensor")
    # A copy per tensor: safetensors refuses tensors that share memory (tied embeddings, views).
    tensors = {k: v.detach().to("cpu", copy=True).contiguous() for k, v in state.items()}
    for name in files or {}:
        if (
            name in (CONFIG_NAME, WEIGHTS_NAME, CARD_NAME, PROVENANCE_NAME)
            or Path(name).name != name
            or name.startswith(".")
        ):
            raise RnnkitError(
                f"extra model file name {name!r} must be a plain file name, not {CONFIG_NAME} or {WEIGHTS_NAME}"
            )
    hashes = {
        name: _sha256(source if isinstance(source, bytes) else _read_source(source))
        for name, source in (files or {}).items()
    }
    full_config = {**dict(config), "rnnkit_version": rnnkit.__version__, "format_version": FORMAT_VERSION}
    made = provenance()
    application = str(full_config.get("application", "model"))
    if card is None:
        card = ModelCard(
            f"rnnkit {application} model",
            "Its settings are in config.json; no description was given when it was saved.",
            "Not recorded when it was saved.",
        )
    card_text = card if isinstance(card, str) else card.render(application, made)
    folder = Path(expand_user(folder))  # save_pretrained("~/x") is the home folder's x, never ./~/x
    if inside_package(folder):  # the shipped models and data: only installing rnnkit writes there
        raise RnnkitError(
            f"cannot save a model to {folder}: it is inside rnnkit's own installed package "
            f"({PACKAGE_FOLDER}), whose files only installing rnnkit writes; choose another folder"
        )
    check_replaces_a_model(folder, application)
    with atomic_folder(folder) as tmp:
        save_safetensors(tensors, tmp / WEIGHTS_NAME, metadata={"format": "pt"})
        full_config[HASHES] = {**hashes, WEIGHTS_NAME: _sha256((tmp / WEIGHTS_NAME).read_bytes())}
        # a score that came out NaN or infinite (a baseline that blew up) is written null: JSON has no
        # NaN, and the loader refuses a file that holds one, so the model just saved would not load
        text = json.dumps(nulls(full_config), indent=2, ensure_ascii=False, sort_keys=True, allow_nan=False)
        (tmp / CONFIG_NAME).write_text(text + "\n", encoding="utf-8")
        (tmp / CARD_NAME).write_text(card_text, encoding="utf-8")
        (tmp / PROVENANCE_NAME).write_text(json.dumps(made, indent=2) + "\n", encoding="utf-8")
        for name, source in (files or {}).items():
            if isinstance(source, bytes):
                (tmp / name).write_bytes(source)
                continue
            try:
                shutil.copyfile(source, tmp / name)
            except OSError as exc:
                raise RnnkitError(f"cannot copy {source} into the model folder: {exc.strerror}") from None
    return folder


def saved_config(config: Mapping) -> dict:
    """A loaded config without the keys :func:`save_model` writes itself (versions, file hashes), ready
    to be saved again with the same model (``save_pretrained`` of a loaded model)."""
    return {k: v for k, v in config.items() if k not in ("rnnkit_version", "format_version", HASHES)}


def read_card(folder: str | Path) -> str | None:
    """The model card (``README.md``) of a model folder, None when it has none or it cannot be read."""
    try:
        return (Path(folder) / CARD_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _read_source(source: str | Path) -> bytes:
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise RnnkitError(f"cannot copy {source} into the model folder: {exc.strerror}") from None


def load_model(
    folder: str | Path,
    application: str | None = None,
    schema: Spec | None = None,
    upgrade: Callable[[dict], dict] | None = None,
) -> ModelFolder:
    """Read a model folder without unpickling; check ``application`` and ``schema`` when given.

    Args:
        folder: the model folder, or a training command's run folder holding it as ``model/``
            (``ModelFolder.path`` is then the model folder).
        application: the ``application`` its config must name (``"forecast"``...).
        schema: the application's config schema; the config returned is the validated one.
        upgrade: turns an older config into today's before ``schema`` checks it (old key names,
            :func:`rnnkit.utils.config_keys.renamed_keys`).
    """
    from safetensors import SafetensorError
    from safetensors.torch import load

    folder = Path(expand_user(folder))  # "~/models/x" as a shell reads it
    # A save killed between its two renames left the model as .NAME.rnnkit-old: moved back, or read where
    # it waits on a read-only mount (it said "model folder not found", or of its run "a training run that
    # did not finish? run its command again with --resume", as if the model were lost).
    here = restored(folder)
    inner = restored(here / MODEL_SUBFOLDER)
    if inner.name != MODEL_SUBFOLDER and not (here / CONFIG_NAME).exists():
        here = inner  # a run folder's model, waiting
    folder = model_folder_in(here)  # a training command's run folder: its model in OUT/model
    if folder.is_file():  # "not found" of a file that is there sent the user looking for a missing one
        raise RnnkitError(file_not_model_folder(folder))
    if not folder.is_dir():
        raise RnnkitError(f"model folder not found: {folder}{dot_old_copy(folder) or unfinished_run(folder)}")
    config_path = folder / CONFIG_NAME
    weights_path = folder / WEIGHTS_NAME
    if not config_path.is_file():
        if checkpoint := checkpoint_note(folder):
            raise RnnkitError(f"cannot load {folder}: {checkpoint}")
        hint = dot_old_copy(folder) or unfinished_run(folder)
        raise RnnkitError(f"{folder} is not a model folder: {CONFIG_NAME} is missing{hint}")
    if not weights_path.is_file():
        raise RnnkitError(f"{folder} is not a model folder: {WEIGHTS_NAME} is missing")
    with ExitStack() as stack:
        # both files from one folder: a save may replace the folder whole between two reads by path
        (config_file, weights_file), identity = _open_together(folder, (CONFIG_NAME, WEIGHTS_NAME), stack)
        config = validate(_read_json_file(config_file, config_path), BASE_SCHEMA, str(config_path))
        version = config.get("format_version", FORMAT_VERSION)
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise RnnkitError(
                f"{folder} was written in model format {version!r}; this rnnkit reads format {FORMAT_VERSION} "
                "(upgrade rnnkit)"
            )
        if application is not None and "application" not in config:
            raise RnnkitError(f"{config_path} names no application: it is not an rnnkit model's config")
        if application is not None and config.get("application") != application:
            raise RnnkitError(
                f"{folder} holds {a_or_an(repr(config.get('application')))} model, not {a_or_an(repr(application))} model"
            )
        if upgrade is not None:
            config = upgrade(config)
        if schema is not None:
            config = validate(config, schema, str(config_path))
        check_implied_size(check_weights_layout(weights_path, weights_file), config, weights_path)
        try:
            weights_file.seek(0)
            data = weights_file.read()
        except OSError as exc:
            raise RnnkitError(f"cannot read {weights_path}: {exc.strerror}") from None
    try:
        state = load(data)
    except (SafetensorError, OSError, ValueError, RuntimeError, MemoryError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise RnnkitError(f"{weights_path} is corrupt or truncated: {msg}") from None
    check_finite(state, weights_path)
    expected = (config.get(HASHES) or {}).get(WEIGHTS_NAME)
    if expected is not None and _sha256(data) != expected:
        raise RnnkitError(
            f"{weights_path} is damaged: its bytes are not those saved with this model (its SHA-256 differs "
            f"from the one in {CONFIG_NAME}); copy the model folder again"
        )
    return ModelFolder(path=folder, config=config, state_dict=state, identity=identity)


Read = TypeVar("Read")
# A save replaces a folder in milliseconds: a load read again after one is all but never hit again.
LOAD_TRIES = 4


def load_model_with(
    folder: str | Path,
    read: Callable[[ModelFolder], Read],
    application: str | None = None,
    schema: Spec | None = None,
    upgrade: Callable[[dict], dict] | None = None,
) -> tuple[ModelFolder, Read]:
    """:func:`load_model`, then ``read(mf)``: what the application reads of the folder besides its config
    and weights (tokenizers, a vocabulary, ``ood.json``, the model card), from the same folder.

    Those files are read by path once the weights are read: a save that replaced the folder in between
    (``rnnkit serve`` reloading while a training run saves) failed the load ("the folder was replaced
    by a save after its model was read; load it again"), or paired a file no checksum guards
    (``ood.json``, the card) with the old model in silence. The whole folder is then read again, up to
    :data:`LOAD_TRIES` times, so a load returns one model whole, the old or the new. A folder replaced
    again during the last read is a one-line error: what was read may mix two models (the last try
    returned one model's weights with the other's ``ood.json`` in silence).
    """
    for tries_left in range(LOAD_TRIES - 1, -1, -1):
        mf = load_model(folder, application, schema, upgrade)
        try:
            result = read(mf)
        except RnnkitError:
            if not mf.replaced():
                raise
            if tries_left:
                continue
            raise RnnkitError(f"{mf.path}: {REPLACED}") from None  # an error of the mix, not of a model
        if not mf.replaced():
            return mf, result
        if not tries_left:  # read whole, but perhaps partly from the new folder
            raise RnnkitError(f"{mf.path}: {REPLACED}")
    raise AssertionError("unreachable")  # the last try returns or raises


def _open_together(
    folder: Path, names: tuple[str, ...], stack: ExitStack
) -> tuple[list[BinaryIO], tuple[int, int]]:
    """The files ``names`` of ``folder``, all opened from one and the same folder (closed with ``stack``),
    and that folder's identity (``st_dev``, ``st_ino``).

    A save replaces a model folder whole by renames (:func:`rnnkit.utils.atomic.atomic_folder`): a load
    that read ``config.json`` from the old folder and ``model.safetensors`` from the new one called a
    whole model damaged (its SHA-256 not its config's; ``rnnkit serve`` reloading while a training run
    saves). An open file is read whole whatever is renamed or removed meanwhile. Where the platform has
    ``dir_fd`` the folder is opened once and its files relative to it; elsewhere (Windows) by path, and
    again while the folder at the path changed between the first open and the last (or while a file was
    gone because the folder was between its two renames, or its old copy removed); a few tries.
    """
    relative = os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")
    for tries_left in range(2, -1, -1):
        with ExitStack() as opened:
            try:
                dir_fd = _opened_folder(folder) if relative else None
                if dir_fd is None:
                    relative = False  # a folder that may be searched but not listed (mode 711): by path
                if relative:
                    opened.callback(os.close, dir_fd)
                    before = os.fstat(dir_fd)
                    files = [
                        opened.enter_context(open(os.open(n, os.O_RDONLY, dir_fd=dir_fd), "rb"))
                        for n in names
                    ]
                else:
                    before = os.stat(folder)
                    files = [opened.enter_context(open(folder / n, "rb")) for n in names]
                    if not _same_folder(before, folder):
                        if tries_left:
                            continue
                        raise FileNotFoundError(2, "the folder was replaced while it was read; try again")
            except OSError as exc:
                if tries_left and (isinstance(exc, FileNotFoundError) or not relative):
                    continue  # a file gone: the folder replaced (read anew) or truly missing (said below)
                name = next(
                    (n for n in names if exc.filename == n or str(exc.filename) == str(folder / n)), None
                )
                where = folder / name if name else folder
                raise RnnkitError(f"cannot read {where}: {exc.strerror or exc.__class__.__name__}") from None
            # (with dir_fd, a folder renamed after it was opened is no matter: its files are one folder's)
            stack.enter_context(opened.pop_all())
            return files, (before.st_dev, before.st_ino)
    raise AssertionError("unreachable")  # the last try returns or raises


def _opened_folder(folder: Path) -> int | None:
    """A descriptor of ``folder`` to open its files relative to; None where it may not be opened.

    ``O_PATH`` (Linux) needs only the search permission that opening a file by path needs: a plain
    read-only open of the folder also needs leave to list it, and a model in a folder of mode 711
    (searchable, not readable) failed to load ("Permission denied") where it loaded by path.
    """
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_PATH", 0))
    except PermissionError:
        return None


def _same_folder(before: os.stat_result, folder: Path) -> bool:
    """Whether ``folder`` is still the folder ``before`` was taken of (a save renames a new one in)."""
    return _identity(folder) == (before.st_dev, before.st_ino)


def _identity(folder: Path) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of the folder now at ``folder``, None where there is none."""
    try:
        now = os.stat(folder)
    except OSError:
        return None
    return (now.st_dev, now.st_ino)


def _read_json_file(file: BinaryIO, path: Path) -> object:
    """:func:`rnnkit.utils.schema.read_json` of a file already open (its size bounded the same way)."""
    try:
        size = os.fstat(file.fileno()).st_size
        if size > MAX_JSON_BYTES:
            raise RnnkitError(
                f"{path} is {size / 2**20:.0f} MB, more than the {MAX_JSON_BYTES // 2**20} MB allowed"
            )
        data = file.read()
    except OSError as exc:
        raise RnnkitError(f"cannot read {path}: {exc.strerror or exc.__class__.__name__}") from None
    return parse_json(data, str(path), unique_keys=True)


def check_weights_layout(path: Path, file: BinaryIO | None = None) -> dict[str, dict]:
    """Refuse a file that is not a whole safetensors file from its header alone, before reading it.

    A safetensors file is an 8-byte header length, a JSON header giving each tensor's byte range, and
    those bytes, nothing more. The library checks that only once it holds the whole file in memory:
    a 2 GB sparse file of zeros (or a renamed disk image) took 2.3 GB and 20 s to be called corrupt,
    and a larger one ended in an out-of-memory kill. Here its first bytes are read, and the file is
    refused when its header is no safetensors header or when the tensors it describes do not fill the
    file exactly (a truncated copy, bytes appended), so only a file holding the tensors it says it
    holds is read whole.

    ``file``: ``path`` already open (:func:`load_model` reads it with its config from one folder); it is
    read from its start and left open.

    Returns:
        the header's tensors: name -> ``{"dtype", "shape", "data_offsets"}`` (``__metadata__`` left out).
    """
    from rnnkit.utils.schema import parse_json

    def corrupt(reason: str) -> RnnkitError:
        return RnnkitError(f"{path} is corrupt or truncated: {reason}")

    try:
        with nullcontext(file) if file is not None else path.open("rb") as f:
            f.seek(0)
            size = os.fstat(f.fileno()).st_size
            first = f.read(8)
            length = int.from_bytes(first, "little")
            if len(first) < 8 or not 2 <= length <= MAX_HEADER_BYTES:
                raise corrupt("it does not begin with a safetensors header")
            if length > size - 8:
                raise corrupt(f"it ends inside its header ({size:,} bytes; a copy cut short?)")
            text = f.read(length)
    except OSError as exc:
        raise RnnkitError(f"cannot read {path}: {exc.strerror}") from None
    try:
        header = parse_json(text, "its header")
    except RnnkitError as exc:
        raise corrupt(str(exc)) from None
    if not isinstance(header, dict):
        raise corrupt("its header is not a JSON object")
    end = 0
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        tensors[name] = entry
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if not (
            isinstance(offsets, list)
            and len(offsets) == 2
            and all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
            and 0 <= offsets[0] <= offsets[1]  # a backwards range would hide bytes from the sizes summed
        ):
            raise corrupt(f"its header gives tensor {str(name)[:80]!r} no byte range")
        end = max(end, offsets[1])
    held = size - 8 - length
    if end != held:
        raise corrupt(f"its header describes {end:,} bytes of tensors, the file holds {held:,}")
    return tensors


def check_implied_size(tensors: Mapping[str, dict], config: Mapping, path: Path) -> None:
    """Refuse, from its header alone, a weights file holding more bytes than its config implies
    (:func:`rnnkit.utils.model_size.config_weight_bytes`): a consistent header may describe one extra
    20 GB tensor, or tensors far larger than the config's, and the file would be read whole (an
    out-of-memory kill) before :func:`load_weights` compared the shapes. So what is read is bounded by
    the config; the names and shapes are compared once the (bounded) data is read. The largest tensor is
    named: the one that does not belong, or the first to look at. ``tensors``: the header's entries
    (:func:`check_weights_layout`, their byte ranges checked)."""
    bound = config_weight_bytes(config)
    if bound is None or not tensors:  # an application rnnkit does not size: its own checks apply
        return
    sizes = {name: entry["data_offsets"][1] - entry["data_offsets"][0] for name, entry in tensors.items()}
    held = max(sum(sizes.values()), max(entry["data_offsets"][1] for entry in tensors.values()))  # all read
    if held <= bound:
        return
    name = max(sizes, key=sizes.__getitem__)
    entry = tensors[name]
    shape = entry.get("shape") if isinstance(entry.get("shape"), list) else "?"
    what = f"{str(name)[:80]!r} ({entry.get('dtype', '?')}, shape {str(shape)[:60]}, {_mb(sizes[name])})"
    raise RnnkitError(
        f"{path} holds {_mb(held)} of weights, more than the {_mb(bound)} its {CONFIG_NAME} implies; the "
        f"largest is {what}: these are not the weights of the model its {CONFIG_NAME} describes"
    )


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def check_finite(state: Mapping[str, torch.Tensor], source: str | Path) -> None:
    """Refuse weights holding NaN or infinity (a diverged training's model predicts NaN everywhere)."""
    for name, tensor in state.items():
        if tensor.is_floating_point() or tensor.is_complex():
            bad = int((~torch.isfinite(tensor)).sum())
            if bad:
                raise RnnkitError(
                    f"{source}: weight {name} holds {bad} NaN or infinite values (a diverged training?)"
                )


def load_weights(
    model: nn.Module | Callable[[], nn.Module],
    state: Mapping[str, torch.Tensor],
    source: str | Path = "model",
) -> nn.Module:
    """``model.load_state_dict(state)`` with mismatches reported as one line.

    ``model`` may be a builder (a function returning the module): it is then first called on the
    ``meta`` device, which allocates nothing, and only built for real once every weight's name and
    shape match ``state``. So the memory a config asks for is never more than its weights file holds.
    """
    if not isinstance(state, Mapping):
        raise RnnkitError(f"{source}: weights must be a mapping of names to tensors")
    if not isinstance(model, nn.Module):
        with _meta_device():
            _check_match(model().state_dict(), state, source)
        model = model()
    _check_match(model.state_dict(), state, source)
    model.load_state_dict(state)
    return model


# In-place ops that change a tensor's shape or identity run as they are in a probe; any other in-place op
# (an initialiser's normal_, uniform_, zero_...) leaves a meta tensor as it is.
_SHAPE_OPS = frozenset({"resize_", "resize_as_", "set_", "as_strided_", "squeeze_", "unsqueeze_", "t_",
                        "transpose_", "swapdims_", "swapaxes_", "requires_grad_", "share_memory_"})  # fmt: skip


def _meta_device():
    """``torch.device("meta")``, but weight initialisers are skipped on meta tensors.

    Plain ``torch.device("meta")`` runs each initialiser through PyTorch's reference implementations,
    which import ``torch._dynamo``: 1.8 s of CPU and 150 MB on every model load (measured on
    ``translate text``). A probe needs shapes only, so an in-place op on a meta tensor returns it as is.
    """
    from torch.utils._device import DeviceContext

    class MetaProbe(DeviceContext):
        def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            name = getattr(func, "__name__", "")
            # nn.init passes the tensor by keyword (init.normal_(tensor=...)), methods positionally
            first = args[0] if args else next(iter((kwargs or {}).values()), None)
            if (
                name.endswith("_")
                and not name.endswith("__")
                and name not in _SHAPE_OPS
                and isinstance(first, torch.Tensor)
                and first.is_meta
            ):
                return first
            return super().__torch_function__(func, types, args, kwargs)

    return MetaProbe("meta")


def _check_match(
    own: Mapping[str, torch.Tensor], state: Mapping[str, torch.Tensor], source: str | Path
) -> None:
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    if missing or unexpected:
        what = f"missing {missing[:3]}" if missing else f"unexpected {unexpected[:3]}"
        raise RnnkitError(f"{source}: weights do not match the model ({what})")
    for name, tensor in state.items():
        if own[name].shape != tensor.shape:
            raise RnnkitError(
                f"{source}: weight {name} has shape {tuple(tensor.shape)}, the model expects {tuple(own[name].shape)}"
            )
        # load_state_dict casts whatever it is given: an int32 or bool tensor in place of a floating
        # weight (an edited file, its SHA-256 updated) became 0/1 weights, and wrong answers with exit
        # status 0. Integer buffers of the model's own (BatchNorm's num_batches_tracked) load as they are.
        if own[name].is_floating_point() and not tensor.is_floating_point():
            raise RnnkitError(
                f"{source}: weight {name} is of type {str(tensor.dtype).removeprefix('torch.')}, "
                "not floating point: these are not the weights of an rnnkit model"
            )
