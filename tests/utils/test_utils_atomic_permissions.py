"""Permissions of what rnnkit replaces (``keep_permissions``): kept from the old file or folder, never
taken from something that has none of its own (a link) or given to a group the old one did not have."""

import os
import stat
import struct
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


_ACL = "system.posix_acl_access"
_USER_OBJ, _USER, _GROUP_OBJ, _MASK, _OTHER = 0x01, 0x02, 0x04, 0x10, 0x20
_NO_ID = 0xFFFFFFFF


def _acl(*entries: tuple[int, int, int]) -> bytes:
    """A POSIX access ACL as Linux keeps it (version 2, then tag, permissions, id), as ``setfacl`` sets it."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)


def _entries(path: Path) -> set[tuple[int, int, int]]:
    value = os.getxattr(path, _ACL)
    return {struct.unpack_from("<HHI", value, offset) for offset in range(4, len(value), 8)}


def _set_acl(path: Path, value: bytes) -> None:
    try:
        os.setxattr(path, _ACL, value)
    except (AttributeError, OSError) as exc:
        pytest.skip(f"no POSIX ACLs here: {exc}")


def test_a_replaced_file_keeps_its_acl(tmp_path):
    """A file shared with one more user by ACL (``setfacl -m u:1234:rw``, the group r, mask rw): stat
    shows the mask as its group bits (0660), and the replaced file gave the owning group rw and lost
    the named user's entry; the ACL is copied whole, and the owner still reads and writes (user r)."""
    shared = tmp_path / "r.json"
    shared.write_text("old")
    old_acl = {
        (_USER_OBJ, 4, _NO_ID),
        (_USER, 6, 1234),
        (_GROUP_OBJ, 4, _NO_ID),
        (_MASK, 6, _NO_ID),
        (_OTHER, 0, _NO_ID),
    }
    _set_acl(shared, _acl(*sorted(old_acl)))
    assert _mode(shared) == 0o460
    write_text_atomic(shared, "new")
    assert shared.read_text() == "new"
    assert _mode(shared) == 0o660
    assert _entries(shared) == old_acl - {(_USER_OBJ, 4, _NO_ID)} | {(_USER_OBJ, 6, _NO_ID)}


def test_a_replaced_folders_entries_keep_their_acls(tmp_path):
    """A model shared by ACL: each file keeps its namesake's ACL, and a file new to the folder gets the
    folder's default ACL masked by 0666, as a shell's ``>`` there gives it (``setfacl -d -m u:1234:rX``:
    user 1234 reads it); it got 0640 and no ACL, and user 1234 could not read the new vocab.json."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    file_acl = {
        (_USER_OBJ, 6, _NO_ID),
        (_USER, 6, 1234),
        (_GROUP_OBJ, 0, _NO_ID),
        (_MASK, 6, _NO_ID),
        (_OTHER, 0, _NO_ID),
    }
    folder_acl = {
        (_USER_OBJ, 7, _NO_ID),
        (_USER, 7, 1234),
        (_GROUP_OBJ, 5, _NO_ID),
        (_MASK, 7, _NO_ID),
        (_OTHER, 0, _NO_ID),
    }
    _set_acl(model / "config.json", _acl(*sorted(file_acl)))
    _set_acl(model, _acl(*sorted(folder_acl)))
    default = _acl(
        (_USER_OBJ, 7, _NO_ID),
        (_USER, 5, 1234),
        (_GROUP_OBJ, 5, _NO_ID),
        (_MASK, 5, _NO_ID),
        (_OTHER, 0, _NO_ID),
    )
    os.setxattr(model, "system.posix_acl_default", default)  # what is created in it later
    old = os.umask(0o022)
    try:
        with atomic_folder(model, force=True) as tmp:
            for name in ("config.json", "vocab.json"):
                (tmp / name).write_text("new")
    finally:
        os.umask(old)
    assert _entries(model) == folder_acl
    assert os.getxattr(model, "system.posix_acl_default") == default
    assert _entries(model / "config.json") == file_acl
    assert (_mode(model), _mode(model / "config.json"), _mode(model / "vocab.json")) == (0o770, 0o660, 0o640)
    assert _entries(model / "vocab.json") == {
        (_USER_OBJ, 6, _NO_ID),
        (_USER, 5, 1234),
        (_GROUP_OBJ, 5, _NO_ID),
        (_MASK, 4, _NO_ID),
        (_OTHER, 0, _NO_ID),
    }


def test_a_new_subfolder_inherits_the_default_acl(tmp_path):
    """A folder new to a replaced one gets its default ACL as both its access ACL (masked by 0777) and
    its default one, so a file in it inherits it too; with no mask entry, the owning group's entry is
    what the create mode masks (a file's x bits dropped, as the kernel does)."""
    model = tmp_path / "model"
    model.mkdir()
    os.chmod(model, 0o750)
    default = _acl((_USER_OBJ, 7, _NO_ID), (_GROUP_OBJ, 7, _NO_ID), (_OTHER, 5, _NO_ID))
    _set_acl(model, _acl((_USER_OBJ, 7, _NO_ID), (_GROUP_OBJ, 5, _NO_ID), (_OTHER, 0, _NO_ID)))
    os.setxattr(model, "system.posix_acl_default", default)
    old = os.umask(0o077)  # not applied where a default ACL is
    try:
        with atomic_folder(model, force=True) as tmp:
            (tmp / "images").mkdir()
            (tmp / "images" / "a.txt").write_text("new")
    finally:
        os.umask(old)
    assert _mode(model) == 0o750
    assert (_mode(model / "images"), _mode(model / "images" / "a.txt")) == (0o775, 0o664)
    assert os.getxattr(model / "images", "system.posix_acl_default") == default
