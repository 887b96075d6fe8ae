"""``rnnkit.load(folder)``: any rnnkit model folder (or Hub id) as its application's object.

The folder says what it holds: a model folder's ``config.json`` names its ``application`` beside
``model.safetensors`` (:mod:`rnnkit.utils.markers`), and each application's object reads it with its
``from_pretrained``:

- ``forecast``: :class:`rnnkit.forecast.Forecaster` (``forecast train`` writes ``OUT/model``);
- ``translate``: :class:`rnnkit.translate.translator.Translator` (``translate train``);
- ``caption``: :class:`rnnkit.caption.Captioner` (``caption train``);
- ``explain``: :class:`rnnkit.explain.models.TaskModel` (``explain memory``, ``explain gates``).

The run folder of a training command (``--out`` of ``forecast train``, ``translate train``, ``caption
train``, ``explain gates``), which keeps its model in a ``model`` subfolder, is accepted too. Anything else is a one-line :class:`RnnkitError`.
This module sits above the applications (like :mod:`rnnkit.cli`), so none of them imports another.
"""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path
from typing import Any

from rnnkit.utils.errors import InputTypeError, RnnkitError
from rnnkit.utils.hub import model_dir
from rnnkit.utils.markers import MODEL_SUBFOLDER, Mark, find_model_folder

# application -> (module, class) whose ``from_pretrained`` reads its model folders.
LOADERS: dict[str, tuple[str, str]] = {
    "forecast": ("rnnkit.forecast.api", "Forecaster"),
    "translate": ("rnnkit.translate.translator", "Translator"),
    "caption": ("rnnkit.caption.captioner", "Captioner"),
    "explain": ("rnnkit.explain.models", "TaskModel"),
}


def load(name_or_path: str | os.PathLike, device: str | None = None, revision: str | None = None) -> Any:
    """The application object for a model folder or Hugging Face Hub id; see the module docstring.

    Args:
        name_or_path: a model folder, a command's output folder holding ``model/``, or a Hub id
            ``owner/name`` (downloaded once, :mod:`rnnkit.utils.hub`).
        device: ``"cpu"``, ``"cuda"``, ``"cuda:k"``, ``"auto"``, a ``torch.device`` or an int (a CUDA
            index); None: the application's own default.
        revision: a branch, tag or commit of a Hub repository.
    """
    if not isinstance(name_or_path, (str, os.PathLike)):  # Path(None) says nothing of rnnkit.load
        raise InputTypeError(
            f"rnnkit.load takes a model folder or a Hub id owner/name as a str or path, "
            f"not {type(name_or_path).__name__}"
        )
    if not str(name_or_path).strip():  # Path("") is the current folder: never load it by accident
        raise RnnkitError("rnnkit.load needs a model folder or a Hub id owner/name, not an empty string")
    folder, mark = _model_folder(model_dir(name_or_path, revision))
    if mark.application not in LOADERS:
        known = ", ".join(sorted(LOADERS))
        raise RnnkitError(
            f"cannot load {folder}: it holds a {mark.application!r} model; rnnkit loads {known}"
        )
    module, name = LOADERS[mark.application]
    cls = getattr(import_module(module), name)
    if mark.application == "explain":  # a plain torch module: no device argument, moved after loading
        model = cls.from_pretrained(folder)
        if device is not None:
            from rnnkit.utils.device import resolve_device

            model.to(resolve_device(device))
        return model
    return cls.from_pretrained(folder) if device is None else cls.from_pretrained(folder, device=device)


def _model_folder(path: Path) -> tuple[Path, Mark]:
    """:func:`find_model_folder`, with the reason a folder holding a ``config.json`` is no model.

    find_model_folder knows a model folder by a readable config beside its weights; when either is
    broken it can only say "not an rnnkit model folder". The applications' loader says which file
    is wrong (not valid JSON, ``model.safetensors`` missing or corrupt), so ask it first.
    """
    try:
        return find_model_folder(path)
    except RnnkitError:
        if not any((place / "config.json").exists() for place in (path, path / MODEL_SUBFOLDER)):
            raise
    from rnnkit.train.modelfile import load_model

    load_model(path)  # raises the precise one-line reason; never unpickles
    return find_model_folder(path)  # loadable after all (e.g. restored by load_model): its own reason
