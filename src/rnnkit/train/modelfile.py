"""Model folders: ``config.json`` + ``model.safetensors`` (+ tokenizer or other files).

Loading never unpickles: tensors come from safetensors and everything else from JSON, so a model folder
from a stranger cannot run code. Folders are written atomically (built beside the target, then renamed).
A missing, corrupt, truncated or mismatched folder raises :class:`RnnkitError` with a one-line message.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from rnnkit.utils.atomic import atomic_folder
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import restore

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
FORMAT_VERSION = 1


@dataclass
class ModelFolder:
    """What :func:`load_model` returns: the config dict, the tensors and where they came from."""

    path: Path
    config: dict
    state_dict: dict[str, torch.Tensor]

    def file(self, name: str) -> Path:
        """Path of an extra file saved with the model (a tokenizer, say); an error if it is missing."""
        p = self.path / name
        if not p.is_file():
            raise RnnkitError(f"model folder {self.path} lacks {name}")
        return p


def save_model(
    folder: str | Path,
    model: nn.Module | Mapping[str, torch.Tensor],
    config: Mapping,
    files: Mapping[str, str | Path | bytes] | None = None,
) -> Path:
    """Write ``folder`` whole: config (with ``rnnkit_version``), weights, and extra ``files``.

    Args:
        folder: target folder; an existing one is replaced only once the new one is complete.
        model: a module or a state dict; tensors are made contiguous and moved to CPU.
        config: JSON-serialisable; should hold ``application`` (e.g. ``"forecast"``).
        files: name -> source path or bytes, copied into the folder (tokenizer models, vocabularies).
    """
    from safetensors.torch import save_file

    import rnnkit

    state = model.state_dict() if isinstance(model, nn.Module) else dict(model)
    for name, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise RnnkitError(f"cannot save weight {name!r}: a {type(value).__name__}, not a tensor")
    # A copy per tensor: safetensors refuses tensors that share memory (tied embeddings, views).
    tensors = {k: v.detach().to("cpu", copy=True).contiguous() for k, v in state.items()}
    for name in files or {}:
        if name in (CONFIG_NAME, WEIGHTS_NAME) or Path(name).name != name or name.startswith("."):
            raise RnnkitError(
                f"extra model file name {name!r} must be a plain file name, not {CONFIG_NAME} or {WEIGHTS_NAME}"
            )
    full_config = {**dict(config), "rnnkit_version": rnnkit.__version__, "format_version": FORMAT_VERSION}
    text = json.dumps(full_config, indent=2, ensure_ascii=False, sort_keys=True)
    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        (tmp / CONFIG_NAME).write_text(text + "\n", encoding="utf-8")
        save_file(tensors, str(tmp / WEIGHTS_NAME), metadata={"format": "pt"})
        for name, source in (files or {}).items():
            if isinstance(source, bytes):
                (tmp / name).write_bytes(source)
                continue
            try:
                shutil.copyfile(source, tmp / name)
            except OSError as exc:
                raise RnnkitError(f"cannot copy {source} into the model folder: {exc.strerror}") from None
    return folder


def load_model(folder: str | Path, application: str | None = None) -> ModelFolder:
    """Read a model folder without unpickling; check ``application`` when given."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = Path(folder)
    with contextlib.suppress(OSError):  # a read-only place: load what is there, restore nothing
        restore(folder)  # a save killed between its two renames left the model as .NAME.old
    if not folder.is_dir():
        raise RnnkitError(f"model folder not found: {folder}")
    config_path = folder / CONFIG_NAME
    weights_path = folder / WEIGHTS_NAME
    if not config_path.is_file():
        raise RnnkitError(f"{folder} is not a model folder: {CONFIG_NAME} is missing")
    if not weights_path.is_file():
        raise RnnkitError(f"{folder} is not a model folder: {WEIGHTS_NAME} is missing")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RnnkitError(f"{config_path} is not valid JSON ({exc.__class__.__name__})") from None
    if not isinstance(config, dict):
        raise RnnkitError(f"{config_path} must hold a JSON object")
    version = config.get("format_version", FORMAT_VERSION)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise RnnkitError(
            f"{folder} was written in model format {version!r}; this rnnkit reads format {FORMAT_VERSION} "
            "(upgrade rnnkit)"
        )
    if application is not None and config.get("application") != application:
        raise RnnkitError(
            f"{folder} holds a {config.get('application')!r} model, not a {application!r} model"
        )
    try:
        state = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError, RuntimeError, MemoryError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise RnnkitError(f"{weights_path} is corrupt or truncated: {msg}") from None
    return ModelFolder(path=folder, config=config, state_dict=state)


def load_weights(
    model: nn.Module, state: Mapping[str, torch.Tensor], source: str | Path = "model"
) -> nn.Module:
    """``model.load_state_dict(state)`` with mismatches reported as one line."""
    own = model.state_dict()
    if not isinstance(state, Mapping):
        raise RnnkitError(f"{source}: weights must be a mapping of names to tensors")
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
    model.load_state_dict(state)
    return model
