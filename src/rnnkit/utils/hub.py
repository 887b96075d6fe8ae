"""Where a model comes from: a local folder, or a Hugging Face Hub repository id.

``from_pretrained("runs/model")`` reads a folder; ``from_pretrained("someone/rnnkit-en-ko")`` (a name
``owner/name`` that is not a local path) downloads that repository's model folder once through
``huggingface_hub`` (its cache: ``~/.cache/huggingface``) and reads the copy: its ``config.json`` first,
then only the files a model folder holds (the weights, card, provenance, marker and the extra files that
config lists), never the rest of the repository (checkpoints, data, a 10 GB file beside the model). A
repository holding a run folder (``model/config.json``) gives its ``model`` subfolder. The hub
is optional: ``huggingface_hub`` comes with Accelerate, is imported only for a hub id, and nothing
else in rnnkit touches the network. The files are read exactly as a local folder's are: safetensors and
JSON, never unpickled, every check applied.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

from rnnkit.utils.errors import InputTypeError, RnnkitError
from rnnkit.utils.markers import MARKER_NAME, MODEL_EXTRA_FILES_KEY, MODEL_FILES, MODEL_SUBFOLDER
from rnnkit.utils.schema import read_json

CONFIG = "config.json"
# The files a model loads without (its card, provenance, marker): a cached copy of a commit that lacks
# them is not fetched again for them.
OPTIONAL_FILES = ("README.md", "provenance.json", MARKER_NAME)

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
        import huggingface_hub  # noqa: F401 - only whether it is installed
    except ImportError:
        raise RnnkitError(
            f"{repo_id} is not a local folder; to download it from the Hugging Face Hub, "
            "pip install huggingface_hub"
        ) from None
    try:
        return _download(repo_id, revision)
    except RnnkitError:
        raise
    except Exception as exc:  # noqa: BLE001 - network, auth, missing repo: all one line to the user
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RnnkitError(
            f"no folder {repo_id} here (from {Path.cwd()}), and the Hugging Face Hub did not give it as a "
            f"model id: {reason}"
        ) from None


def _download(repo_id: str, revision: str | None) -> Path:
    """The local copy of the model folder in Hub repository ``repo_id``: its config first, which says
    whether it is an rnnkit model and which files it holds, then those files alone (:func:`folder_files`),
    unless the cached copy of that commit already holds them."""
    from huggingface_hub import snapshot_download

    import rnnkit

    client = {"revision": revision, "library_name": "rnnkit", "library_version": rnnkit.__version__}
    places = ("", MODEL_SUBFOLDER + "/")  # a model folder, or a run folder holding one in model/
    local = Path(snapshot_download(repo_id, allow_patterns=[p + CONFIG for p in places], **client))
    place = next((p for p in places if (local / p / CONFIG).is_file()), None)
    if place is None:
        raise RnnkitError(
            f"no folder {repo_id} here (from {Path.cwd()}), and the Hugging Face Hub repository {repo_id} is "
            f"not an rnnkit model folder: it holds no {CONFIG} (nor {MODEL_SUBFOLDER}/{CONFIG})"
        )
    folder = local / place
    names = folder_files(folder / CONFIG, repo_id)
    needed = [n for n in names if n not in OPTIONAL_FILES]
    if all((folder / n).is_file() for n in needed):  # a commit's files never change: the cached copy is whole
        return folder
    # its own folder: a branch moved on since the config was read is a newer commit's folder
    return (
        Path(snapshot_download(repo_id, allow_patterns=[glob.escape(place + n) for n in names], **client))
        / place
    )


def folder_files(config: Path, repo_id: str) -> list[str]:
    """The files of the model folder whose config file is ``config``: config, weights, card, provenance
    and marker, and each extra file the config lists by a plain name (a tokenizer).

    Raises:
        RnnkitError: ``config`` is not JSON (the loader's own words), or names no application: not an
            rnnkit model (another library's config.json, whose weights would be downloaded for nothing).
    """
    doc = read_json(config)
    if not isinstance(doc, dict) or not isinstance(doc.get("application"), str):
        raise RnnkitError(
            f"the Hugging Face Hub repository {repo_id} is not an rnnkit model folder: its {CONFIG} names no "
            "application (a model of another library?)"
        )
    listed = doc.get(MODEL_EXTRA_FILES_KEY)
    extra = [name for name in listed if _plain(name)] if isinstance(listed, dict) else []
    return list(dict.fromkeys([*MODEL_FILES, MARKER_NAME, *extra]))


def _plain(name: str) -> bool:
    """Whether ``name`` is a file name a saved model's extra file may have (``save_model`` writes no
    other): no folder, no leading dot, no backslash (the Hub's patterns read it as a folder)."""
    return bool(name) and Path(name).name == name and not name.startswith(".") and "\\" not in name
