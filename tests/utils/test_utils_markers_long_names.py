"""A missing model folder whose name is 251-255 bytes long is a one-line 'not found', not an OSError.

6aa26d76 made every loader look for a model waiting as ``.NAME.old`` beside a missing ``NAME``
(:func:`rnnkit.utils.markers.dot_old_copy`); that name is 5 bytes longer, so for a NAME of 251-255 bytes
the probe itself raised ENAMETOOLONG: ``rnnkit.load`` gave a raw OSError and ``--model`` printed
'rnnkit: error: .aaa….old/config.json: File name too long', a file the user never named."""

import pytest

import rnnkit
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import dot_old_copy


@pytest.mark.parametrize("length", [251, 252, 255])
def test_load_of_a_missing_folder_with_a_long_name_says_not_found(tmp_path, length):
    missing = tmp_path / ("a" * length)
    assert dot_old_copy(missing) == ""  # .NAME.old cannot exist: no copy waits there
    with pytest.raises(RnnkitError, match="model folder not found: ") as caught:
        rnnkit.load(missing)
    assert ".old" not in str(caught.value)


def test_a_command_lines_model_with_a_long_name_says_not_found(tmp_path, capsys):
    missing = tmp_path / ("a" * 252)
    assert main(["forecast", "predict", "--model", str(missing)]) != 0
    err = capsys.readouterr().err
    assert f"model folder not found: {missing}" in err
    assert "File name too long" not in err and ".old" not in err


def test_load_of_a_name_too_long_to_exist_is_one_line(tmp_path):
    """Over 255 bytes the folder's own name cannot exist: rnnkit.load raised the OSError of its stat."""
    with pytest.raises(RnnkitError, match="cannot read the model folder .*: File name too long"):
        rnnkit.load(tmp_path / ("a" * 300))
    with pytest.raises(RnnkitError, match="File name too long"):
        rnnkit.load(str(tmp_path / ("a" * 300)))


def test_load_under_a_parent_too_long_to_exist_is_one_line(tmp_path):
    """``PARENT/model`` with a PARENT over 255 bytes: the lock-file probe before the folder's own stat
    (:func:`rnnkit.utils.leftovers.restored`) raised its OSError, naming ``.model.rnnkit.lock``."""
    folder = tmp_path / ("c" * 300) / "model"
    with pytest.raises(RnnkitError) as caught:
        rnnkit.load(str(folder))
    assert str(caught.value) == f"cannot read the model folder {folder}: File name too long"


@pytest.mark.parametrize(
    "args",
    [["translate", "text", "--model", "{}", "hi"], ["forecast", "predict", "--model", "{}"]],
    ids=["translate text", "forecast predict"],
)
@pytest.mark.parametrize("tail", ["", "model"], ids=["name", "parent"])
def test_a_command_lines_model_too_long_to_exist_is_the_loaders_one_line(tmp_path, capsys, args, tail):
    """``--model`` over 255 bytes printed 'rnnkit: error: …/config.json: File name too long', a file the
    user never typed (the run-folder probe of :func:`rnnkit.utils.markers.model_folder_in`)."""
    folder = tmp_path / ("b" * 300) / tail if tail else tmp_path / ("b" * 300)
    assert main([a.format(folder) for a in args]) != 0
    err = capsys.readouterr().err
    assert err == f"rnnkit: error: cannot read the model folder {folder}: File name too long\n"
