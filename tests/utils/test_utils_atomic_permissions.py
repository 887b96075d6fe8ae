"""Permissions of what rnnkit replaces (``keep_permissions``): kept from the old file or folder, never
taken from something that has none of its own (a link) or given to a group the old one did not have."""

import os
import stat
from pathlib import Path

from rnnkit.utils.atomic import atomic_folder


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
