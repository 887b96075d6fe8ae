"""Where a model comes from: a local folder, or a Hugging Face Hub repository id.

``from_pretrained("runs/model")`` reads a folder; ``from_pretrained("someone/rnnkit-en-ko")`` (a name
``owner/name`` that is not a local path) downloads that repository's files once through
``huggingface_hub.snapshot_download`` (its cache: ``~/.cache/huggingface``) and reads the copy. The hub
is optional: ``huggingface_hub`` comes with Accelerate, is imported only for a hub id, and nothing
else in rnnkit touches the network. The files are read exactly as a local folder's are: safetensors and
JSON, never unpickled, every check applied.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rnnkit.utils.errors import InputTypeError, RnnkitError

# owner/name as the Hub spells repository ids: letters, digits, '-', '_', '.'; no '..', no leading '.'.
_HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}")


def is_hub_id(name: str) -> bool:
    """Whether ``name`` reads as a Hub repository id (``owner/name``) rather than a path."""
    return bool(_HUB_ID.fullmatch(name)) and ".." not in name and not name.endswith((".", "-"))


def model_dir(name_or_path: str | os.PathLike, revision: str | None = None) -> Path:
    """The local folder of a model: ``name_or_path`` itself when it exists, else a Hub download.

    A training command's run folder (``--out``) gives the model folder it holds, ``OUT/model``.

    Args:
        name_or_path: a model folder or a run folder holding one, or a Hub repository id ``owner/name`` (tried only when no such
            local path exists, so a local folder always wins).
        revision: a branch, tag or commit of the Hub repository (ignored for a folder).

    Raises:
        InputTypeError: ``name_or_path`` is neither a str nor a path (None, a number).
        RnnkitError: no such folder and not a Hub id; ``huggingface_hub`` missing; the download failed.
    """
    # Path(None) would say only "expected str, bytes or os.PathLike object", naming no argument
    if not isinstance(name_or_path, str | os.PathLike):
        raise InputTypeError(
            "name_or_path must be a model folder or a Hub id owner/name, as a str or path, "
            f"not {type(name_or_path).__name__}"
        )
    if not str(name_or_path).strip():  # Path("") is the current folder: never loaded by accident
        raise RnnkitError("a model is loaded from a folder or a Hub id owner/name, not an empty string")
    path = Path(name_or_path)
    if path.exists() or isinstance(name_or_path, Path) or not is_hub_id(str(name_or_path)):
        from rnnkit.utils.markers import file_not_model_folder, model_folder_in

        if path.exists() and not path.is_dir():
            raise RnnkitError(file_not_model_folder(path))
        if not path.is_dir():
            raise RnnkitError(f"model folder not found: {path} (nor is it a Hub id owner/name)")

        return model_folder_in(path)
    repo_id = str(name_or_path)
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise RnnkitError(
            f"{repo_id} is not a local folder; to download it from the Hugging Face Hub, "
            "pip install huggingface_hub"
        ) from None
    import rnnkit

    try:
        local = snapshot_download(
            repo_id, revision=revision, library_name="rnnkit", library_version=rnnkit.__version__
        )
    except Exception as exc:  # noqa: BLE001 - network, auth, missing repo: all one line to the user
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RnnkitError(
            f"no folder {repo_id} here (from {Path.cwd()}), and the Hugging Face Hub did not give it as a "
            f"model id: {reason}"
        ) from None
    return Path(local)
