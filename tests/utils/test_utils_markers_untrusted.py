"""A folder's mark is read from files that come from anywhere (a model folder downloaded from a
stranger, a run folder on a shared disk): a ``config.json`` or ``.rnnkit`` nested 100,000 deep, or
too large to read, makes the folder unmarked, not a RecursionError traceback (``rnnkit serve
--models`` walked such folders at start-up)."""

import pytest

from rnnkit.utils.markers import MARKER_NAME, foreign_entries, read_mark

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def model_folder(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"x")
    (folder / "config.json").write_text('{"application": "forecast"}')
    return folder


def test_a_deeply_nested_mark_file_leaves_the_folder_unmarked(tmp_path):
    (tmp_path / MARKER_NAME).write_text(DEEP)
    assert read_mark(tmp_path) is None


def test_a_deeply_nested_config_leaves_the_model_folder_unmarked(model_folder):
    assert read_mark(model_folder).application == "forecast"
    (model_folder / "config.json").write_text(DEEP)
    assert read_mark(model_folder) is None
    assert foreign_entries(model_folder) == []  # its own files are still its own


def test_a_config_with_a_key_twice_is_no_mark(model_folder):
    (model_folder / "config.json").write_text('{"application": "forecast", "application": "translate"}')
    assert read_mark(model_folder) is None
