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

Each file is sized before it is downloaded: the Hub is asked for the sizes of the files about to be
fetched (``HfApi.get_paths_info``), and one larger than rnnkit reads from a model folder is refused in one
line naming it, before a byte of it is fetched (a hostile repository's 20 GB ``model.safetensors`` was
downloaded whole before the loader's checks ran on the copy). The weights may be as large as the config,
downloaded first, implies (:func:`rnnkit.utils.model_size.config_file_bytes`: a model of hidden 4096 and
16 layers is GBs, a small config's model a few MB); any other file 512 MB, and all of them together
twice that. When the Hub cannot be asked (offline, down, a private or gated repository) a copy already
in the cache is used, and nothing is downloaded unsized.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

from rnnkit.utils.errors import InputTypeError, RnnkitError
from rnnkit.utils.leftovers import restored
from rnnkit.utils.limits import MAX_EXTRA_FILE_BYTES
from rnnkit.utils.markers import MARKER_NAME, MODEL_EXTRA_FILES_KEY, MODEL_FILES, MODEL_SUBFOLDER
from rnnkit.utils.model_size import config_file_bytes
from rnnkit.utils.schema import read_json
from rnnkit.utils.user_paths import expand_user

CONFIG = "config.json"
WEIGHTS = "model.safetensors"
# The files a model loads without (its card, provenance, marker): a cached copy of a commit that lacks
# them is not fetched again for them.
OPTIONAL_FILES = ("README.md", "provenance.json", MARKER_NAME)

# The largest file besides the weights downloaded into a model folder: the most rnnkit reads of one
# locally. Those files together are at most twice that (a hostile config may list a thousand extra files
# of 500 MB each). The weights are sized by their config instead (config_file_bytes), or by this cap when
# the config implies no size (an application this rnnkit does not know).
MAX_FILE_BYTES = MAX_EXTRA_FILE_BYTES
MAX_FOLDER_BYTES = 2 * MAX_FILE_BYTES
# A snapshot folder of the Hub's cache is named by its commit: a 40-digit hexadecimal hash.
_COMMIT = re.compile(r"[0-9a-f]{40}")

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
    # "~/models/x" as a shell would read it (a Hub id never starts with ~); a Path stays a Path
    expanded = expand_user(name_or_path)
    name_or_path = Path(expanded) if isinstance(name_or_path, Path) else expanded
    # A save killed between its two renames left the model as .NAME.rnnkit-old: moved back, or read where
    # it waits on a read-only mount, before the path is judged missing (RUN/model, an owner/name too,
    # went to the Hub: "no folder RUN/model here ... the Hub cannot be reached").
    # RUN/model of a run a kill cut short (no model yet) reads as an owner/name too: its run folder is here,
    # so the local note on how to finish it, not the Hub's "no such repository" (or "cannot be reached").
    try:
        path = restored(name_or_path)  # which stats the lock file beside it: within the try too
        exists = path.exists()
    except OSError as exc:  # a name over 255 bytes (ENAMETOOLONG), an unreadable parent: no model there
        from rnnkit.utils.markers import unreadable_model_folder

        raise RnnkitError(unreadable_model_folder(name_or_path, exc)) from None
    missing = "" if exists else _missing_model_note(path)
    if exists or missing or isinstance(name_or_path, Path) or not is_hub_id(str(name_or_path)):
        from rnnkit.utils.markers import file_not_model_folder, model_folder_in

        if exists and not path.is_dir():
            raise RnnkitError(file_not_model_folder(path))
        if not path.is_dir():
            raise RnnkitError(
                f"model folder not found: {path}{missing or ' (nor is it a Hub id owner/name)'}"
            )

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
        reason = _hub_reason(exc, revision)
        raise RnnkitError(
            f"no folder {repo_id} here (from {Path.cwd()}), and the Hugging Face Hub did not give it as a "
            f"model id: {reason}"
        ) from None


def _missing_model_note(path: Path) -> str:
    """Why the missing model folder ``path`` is missing, when its folder says so: a model waiting as
    ``.NAME.old`` beside it, or a run folder (``path`` is ``RUN/model``) whose training wrote checkpoints
    but no model yet; "" otherwise. The notes are :mod:`rnnkit.utils.markers`', as every loader gives them."""
    from rnnkit.utils.markers import dot_old_copy, unfinished_run

    return dot_old_copy(path) or unfinished_run(path)


def _download(repo_id: str, revision: str | None) -> Path:
    """The local copy of the model folder in Hub repository ``repo_id``: its config first, which says
    whether it is an rnnkit model and which files it holds, then those files alone (:func:`folder_files`),
    unless the cached copy of that commit already holds them. Each download is sized first
    (:func:`_refuse_large`); the files of the folder come from the commit whose config was read."""
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.utils import HfHubHTTPError

    import rnnkit

    client = {"library_name": "rnnkit", "library_version": rnnkit.__version__}
    api = HfApi(**client)
    places = ("", MODEL_SUBFOLDER + "/")  # a model folder, or a run folder holding one in model/
    configs = [p + CONFIG for p in places]
    hub_error: Exception | None = None
    try:
        _refuse_large(api, repo_id, revision, configs)
    except RnnkitError:
        raise
    except Exception as exc:  # noqa: BLE001 - offline, Hub down, private, gated: the cache alone may serve
        hub_error = exc
    try:
        local = Path(
            snapshot_download(
                repo_id,
                allow_patterns=configs,
                revision=revision,
                local_files_only=hub_error is not None,
                **client,
            )
        )
    except Exception:
        if hub_error is None:
            raise
        # the cache holds no copy either: the Hub's answer (no such repository, gated) says why; the
        # cache's own words would say to pass local_files_only=False, an argument the user never gave
        if isinstance(hub_error, HfHubHTTPError):
            raise hub_error from None
        raise _unreachable(hub_error, f"no copy of {repo_id} is in the cache") from None
    place = next((p for p in places if (local / p / CONFIG).is_file()), None)
    if place is None:
        raise RnnkitError(
            f"no folder {repo_id} here (from {Path.cwd()}), and the Hugging Face Hub repository {repo_id} is "
            f"not an rnnkit model folder: it holds no {CONFIG} (nor {MODEL_SUBFOLDER}/{CONFIG})"
        )
    folder = local / place
    config = read_json(folder / CONFIG)
    names = folder_files(folder / CONFIG, repo_id, config)
    needed = [n for n in names if n not in OPTIONAL_FILES]
    if all((folder / n).is_file() for n in needed):  # a commit's files never change: the cached copy is whole
        return folder
    if hub_error is not None:  # not cached whole, and the Hub cannot say how large the rest is
        if isinstance(hub_error, HfHubHTTPError):
            raise hub_error
        missing = next(n for n in needed if not (folder / n).is_file())
        raise _unreachable(hub_error, f"the cached copy of {repo_id} lacks {place}{missing}")
    # the commit whose config was read (a branch may move on meanwhile): its files are sized and fetched
    commit = local.name if _COMMIT.fullmatch(local.name) else revision
    paths = [place + n for n in names]
    implied = config_file_bytes(config)
    _refuse_large(api, repo_id, commit, paths, {} if implied is None else {place + WEIGHTS: implied})
    escaped = [glob.escape(p) for p in paths]
    return Path(snapshot_download(repo_id, allow_patterns=escaped, revision=commit, **client)) / place


def _refuse_large(
    api, repo_id: str, revision: str | None, paths: list[str], implied: dict[str, int] | None = None
) -> None:
    """Ask the Hub for the sizes of ``paths`` (those it holds; a missing one is not downloaded either)
    and refuse, before any is downloaded, a file over :data:`MAX_FILE_BYTES`, or all of them together
    over :data:`MAX_FOLDER_BYTES`; a path of ``implied`` (the weights: the most bytes its config implies)
    is held to that size instead, and not counted with the others.

    Raises:
        RnnkitError: a file, or the files together, too large: one line naming it and its size.
        Exception: whatever ``huggingface_hub`` raises when the Hub cannot be asked (offline, no access).
    """
    sizes = {}
    for entry in api.get_paths_info(repo_id, paths, revision=revision):
        size = getattr(entry, "size", None)  # a folder (RepoFolder) has none, and is not downloaded
        if size is not None:  # an LFS file: the size of its content, not of its pointer
            sizes[entry.path] = max(int(size), int(getattr(entry.lfs, "size", 0) or 0))
    advice = (
        "refused before downloading; if you trust it, download the repository yourself and load its folder"
    )
    implied = implied or {}
    for path, size in sizes.items():
        if path in implied and size > implied[path]:
            raise RnnkitError(
                f"the Hugging Face Hub repository {repo_id} holds {path} of {_mb(size)}, more than the "
                f"{_mb(implied[path])} the model its {CONFIG} describes takes: {advice}"
            )
        if path not in implied and size > MAX_FILE_BYTES:
            raise RnnkitError(
                f"the Hugging Face Hub repository {repo_id} holds {path} of {_mb(size)}, more than the "
                f"{_mb(MAX_FILE_BYTES)} rnnkit downloads as one file of a model folder: {advice}"
            )
    rest = {path: size for path, size in sizes.items() if path not in implied}
    total = sum(rest.values())
    if total > MAX_FOLDER_BYTES:
        besides = " besides its weights" if implied else ""
        raise RnnkitError(
            f"the Hugging Face Hub repository {repo_id} holds a model folder of {_mb(total)} in "
            f"{len(rest)} files{besides}, "
            f"more than the {_mb(MAX_FOLDER_BYTES)} rnnkit downloads as one model: {advice}"
        )


def _unreachable(error: Exception, cache: str) -> ConnectionError:
    """The Hub could not be asked (``error``: offline mode, no network) and the cache cannot serve."""
    text = str(error).strip()
    return ConnectionError(
        f"the Hub cannot be reached ({text.splitlines()[0] if text else type(error).__name__}) and {cache}"
    )


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def _hub_reason(exc: Exception, revision: str | None) -> str:
    """Why the Hub gave no model, in a few words: the first line of a 404's message names only its status
    and request id."""
    from huggingface_hub.utils import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, GatedRepoError):  # a RepositoryNotFoundError too
        return (
            "the repository is gated: accept its conditions on its Hub page, then log in to the Hub here "
            "(HF_TOKEN, or a saved login)"
        )
    if isinstance(exc, RepositoryNotFoundError):
        return "no such repository on the Hub (or a private one, and you are not logged in with access to it)"
    if isinstance(exc, RevisionNotFoundError):
        return f"the repository has no revision {revision or 'main'!r}"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def folder_files(config: Path, repo_id: str, doc: object = None) -> list[str]:
    """The files of the model folder whose config file is ``config``: config, weights, card, provenance
    and marker, and each extra file the config lists by a plain name (a tokenizer). ``doc``: the config
    already read (else it is read here).

    Raises:
        RnnkitError: ``config`` is not JSON (the loader's own words), or names no application: not an
            rnnkit model (another library's config.json, whose weights would be downloaded for nothing).
    """
    doc = read_json(config) if doc is None else doc
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
