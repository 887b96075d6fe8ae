"""``caption generate-data`` replaces only the files it wrote (``rnnkit.caption.generated``): a user's
``dataset.json``, ``README.md`` or ``images/train_00000.png`` in the --out folder is refused by name in
one line, even with --force, and left byte for byte."""

import json
from pathlib import Path

import pytest

from rnnkit.caption.generated import MANIFEST_NAME
from rnnkit.cli import main

SHAPES = [
    "--train",
    "2",
    "--val",
    "1",
    "--test",
    "1",
    "--heldout",
    "1",
    "--image-size",
    "16",
    "--threads",
    "1",
]
DIGITS = [
    "--task",
    "digits",
    "--train",
    "2",
    "--val",
    "1",
    "--test",
    "1",
    "--image-size",
    "32",
    "--threads",
    "1",
]


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))
    }


def _refused(capsys, code: int, *needles: str) -> None:
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error: "), err
    for needle in needles:
        assert needle in err[0], err[0]


@pytest.mark.parametrize(
    ("task", "name"),
    [(SHAPES, "dataset.json"), (SHAPES, "images/train_00000.png"), (DIGITS, "README.md")],
)
def test_force_never_overwrites_a_users_file_of_a_generated_name(tmp_path, capsys, task, name):
    """Before, --force into the user's folder replaced their captions, notes or photo of that name."""
    folder = tmp_path / "mine"
    (folder / "images").mkdir(parents=True)
    (folder / name).write_bytes(b"the user's own")
    (folder / "notes.txt").write_text("kept")
    before = _snapshot(folder)
    code = main(["caption", "generate-data", "--out", str(folder), *task, "--force"])
    _refused(capsys, code, f"1 file of the names generate-data writes that it did not write there ({name!r})",
             "even with --force")  # fmt: skip
    assert _snapshot(folder) == before


def test_force_again_replaces_what_it_wrote_and_keeps_the_rest(tmp_path, capsys):
    folder = tmp_path / "mine"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "photo.jpg").write_bytes(b"a photo")
    (folder / "README.md").write_text("my readme")
    assert main(["caption", "generate-data", "--out", str(folder), *SHAPES, "--force"]) == 0
    listed = json.loads((folder / MANIFEST_NAME).read_text())["files"]
    assert "dataset.json" in listed and "images/train_00001.png" in listed and "README.md" not in listed
    first = (folder / "dataset.json").read_bytes()
    # again, with another seed and more images: its own files replaced, the user's kept
    assert main(["caption", "generate-data", "--out", str(folder), *SHAPES, "--train", "4", "--seed", "5",
                 "--force"]) == 0  # fmt: skip
    assert (folder / "dataset.json").read_bytes() != first
    assert (folder / "images" / "train_00003.png").is_file()
    assert (folder / "images" / "photo.jpg").read_bytes() == b"a photo"
    assert (folder / "README.md").read_text() == "my readme"
    # digits write a README.md: the user's is refused, by name
    capsys.readouterr()
    code = main(["caption", "generate-data", "--out", str(folder), *DIGITS, "--force"])
    _refused(capsys, code, "('README.md')")
    assert (folder / "README.md").read_text() == "my readme"


def test_a_file_added_to_a_data_set_folder_is_not_replaced(tmp_path, capsys):
    """In rnnkit's own data set folder (no --force needed) a README.md the user wrote there is theirs."""
    data = tmp_path / "data"
    assert main(["caption", "generate-data", "--out", str(data), *SHAPES]) == 0
    (data / "README.md").write_text("what I did with it")
    capsys.readouterr()
    code = main(["caption", "generate-data", "--out", str(data), *DIGITS])
    _refused(capsys, code, "('README.md')")
    assert (data / "README.md").read_text() == "what I did with it"
    (data / "README.md").unlink()
    assert main(["caption", "generate-data", "--out", str(data), *DIGITS]) == 0
    assert main(["caption", "generate-data", "--out", str(data), *DIGITS, "--seed", "1"]) == 0  # its own now


def test_a_data_set_folder_made_before_manifests_is_generated_again(tmp_path):
    data = tmp_path / "data"
    assert main(["caption", "generate-data", "--out", str(data), *DIGITS]) == 0
    (data / MANIFEST_NAME).unlink()  # as an rnnkit before the manifest wrote it
    assert main(["caption", "generate-data", "--out", str(data), *DIGITS, "--seed", "2"]) == 0
    assert (data / MANIFEST_NAME).is_file()


def test_a_file_of_the_manifests_name_that_is_not_one_is_refused(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / MANIFEST_NAME).write_text('{"files": ["notes.txt"]}')
    (folder / "dataset.json").write_text("{}")
    code = main(["caption", "generate-data", "--out", str(folder), *SHAPES, "--force"])
    _refused(capsys, code, f"2 files of the names generate-data writes that it did not write there "
             f"({MANIFEST_NAME!r} and 1 more)")  # fmt: skip
    assert (folder / "dataset.json").read_text() == "{}"
