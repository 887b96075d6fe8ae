"""A Hugging Face Hub repository held in memory, for utils.hub's tests (no network here).

``huggingface_hub.snapshot_download`` and ``huggingface_hub.HfApi`` are replaced: downloads copy the
files the patterns match (the library's own ``filter_repo_objects`` decides) into a cache folder named
by a commit, and ``HfApi.get_paths_info`` answers real ``RepoFile`` entries with the files' sizes, a
claimed size where ``sizes`` gives one (a 20 GB file is never written).
"""

from __future__ import annotations

from pathlib import Path

import huggingface_hub
from huggingface_hub.hf_api import RepoFile, RepoFolder
from huggingface_hub.utils import LocalEntryNotFoundError, filter_repo_objects

COMMIT = "0123abcd" * 5  # a snapshot folder is named by its commit's 40-digit hash
CONFIGS = ["config.json", "model/config.json"]  # what the first call asks for: a model or a run folder


class FakeHub:
    """One repository, ``files`` (path -> bytes), served as the Hub serves one.

    ``sizes`` (path -> bytes) overrides the size the Hub reports for a file, as an LFS file's size;
    ``hub_error``, when set, is raised by every question to the Hub (offline, gated, missing), and a
    download then serves only what the cache already holds (``local_files_only``).
    """

    def __init__(self, root: Path, files: dict[str, bytes], sizes: dict[str, int] | None = None):
        self.snapshot = root / "cache" / "snapshots" / COMMIT
        self.files = files
        self.sizes = sizes or {}
        self.hub_error: Exception | None = None
        self.calls: list[dict] = []
        self.asked: list[dict] = []  # the get_paths_info calls

    def snapshot_download(self, repo_id, **kwargs):
        self.calls.append({"repo_id": repo_id, **kwargs})
        if kwargs.get("local_files_only") or self.hub_error is not None:
            if not self.snapshot.is_dir():
                raise LocalEntryNotFoundError(
                    "Cannot find an appropriate cached snapshot folder for the specified revision on the "
                    "local disk and outgoing traffic has been disabled.\n"
                    "To enable repo look-ups, set HF_HUB_OFFLINE=0."
                )
            return str(self.snapshot)
        self.snapshot.mkdir(parents=True, exist_ok=True)
        for path in filter_repo_objects(self.files, allow_patterns=kwargs.get("allow_patterns")):
            (self.snapshot / path).parent.mkdir(parents=True, exist_ok=True)
            (self.snapshot / path).write_bytes(self.files[path])
        return str(self.snapshot)

    def get_paths_info(self, repo_id, paths, *, revision=None, **kwargs):
        self.asked.append({"repo_id": repo_id, "paths": list(paths), "revision": revision})
        if self.hub_error is not None:
            raise self.hub_error
        entries = []
        for path in paths:
            if path in self.files:
                size = self.sizes.get(path, len(self.files[path]))
                lfs = {"size": size, "oid": "0" * 64, "pointerSize": 134} if path in self.sizes else None
                # the Hub's tree API gives an LFS file's size as its content's, beside the pointer's
                entries.append(RepoFile(path=path, size=size, oid="1" * 40, lfs=lfs))
            elif any(name.startswith(path + "/") for name in self.files):
                entries.append(RepoFolder(path=path, oid="2" * 40))
        return entries

    def api(self, **kwargs) -> FakeHub:
        """Stands for ``HfApi(...)``: the repository answers its questions."""
        return self

    def patterns(self) -> list[list[str]]:
        return [call["allow_patterns"] for call in self.calls]

    def fetched(self) -> list[str]:
        return sorted(str(p.relative_to(self.snapshot)) for p in self.snapshot.rglob("*") if p.is_file())


def fake_hub(monkeypatch, tmp_path, files: dict[str, bytes], sizes: dict[str, int] | None = None) -> FakeHub:
    """A :class:`FakeHub` in place of the real one, with ``tmp_path`` as the current folder (no local
    folder ``someone/model``)."""
    hub = FakeHub(tmp_path, files, sizes)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", hub.snapshot_download)
    monkeypatch.setattr(huggingface_hub, "HfApi", hub.api)
    monkeypatch.chdir(tmp_path)
    return hub
