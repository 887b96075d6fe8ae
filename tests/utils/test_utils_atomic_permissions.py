"""Permissions of what rnnkit replaces (``keep_permissions``): kept from the old file or folder, never
taken from something that has none of its own (a link) or given to a group the old one did not have."""

import os
import stat
from pathlib import Path

import pytest

from rnnkit.utils.atomic import atomic_folder, write_text_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_an_entry_whose_namesake_was_a_link_takes_the_folders_permissions(tmp_path):
    """A model folder whose README.md was a symbolic link (to a shared model card), saved again: the
    new README.md took the link's own mode, 0777, world-writable."""
    card = tmp_path / "card.md"
    card.write_text("card")
    card.chmod(0o600)
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    (model / "README.md").symlink_to(card)
    (model / "sub").symlink_to(tmp_path)  # a link where the new folder has a folder
    model.chmod(0o750)
    old = os.umask(0o022)
    try:
        with atomic_folder(model, force=True) as tmp:
            for name in ("config.json", "README.md"):
                (tmp / name).write_text("new")
            (tmp / "sub").mkdir()
    finally:
        os.umask(old)
    assert not (model / "README.md").is_symlink()
    assert (_mode(model / "README.md"), _mode(model / "sub")) == (0o640, 0o750)


def _other_group() -> int | None:
    """A group a file can be given that is not the process's own (any, as root), or None."""
    other = next((g for g in os.getgroups() if g != os.getegid()), None)
    if other is None and os.geteuid() == 0:
        other = os.getegid() + 4321  # root may give any group
    return other


def test_a_group_that_cannot_be_kept_gets_no_group_rights(tmp_path, monkeypatch):
    """A 0660 file of group 'team', replaced by a user who left 'team' under umask 077: it became 0660
    of the user's own group (often the shared 'users'), giving that group the rights meant for 'team';
    it is 0600, as a new file under that umask (and as before permissions were kept)."""
    team = _other_group()
    if team is None:
        pytest.skip("needs a second group to give the old file")
    shared, model = tmp_path / "r.json", tmp_path / "model"
    shared.write_text("old")
    model.mkdir()
    (model / "config.json").write_text("{}")
    for path, mode in ((shared, 0o660), (model / "config.json", 0o660), (model, 0o770)):
        os.chown(path, -1, team)
        path.chmod(mode)

    def refused(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refused)  # the user is no member of 'team' any more
    old = os.umask(0o077)
    try:
        write_text_atomic(shared, "new")
        with atomic_folder(model, force=True) as tmp:
            for name in ("config.json", "vocab.json"):
                (tmp / name).write_text("new")
    finally:
        os.umask(old)
    assert shared.read_text() == "new"
    assert shared.stat().st_gid == os.getegid()
    modes = {p.name: _mode(p) for p in (shared, model, *model.iterdir())}
    assert modes == {"r.json": 0o600, "model": 0o700, "config.json": 0o600, "vocab.json": 0o600}
