"""``caption generate-data``, ``describe`` and ``eval`` never delete or overwrite what they did not write
(audit_other.md items 1, 2, 5): the user's files byte for byte, one-line refusals, exit status 2."""

from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.utils.markers import MARKER_NAME

SMALL = [
    "--train",
    "3",
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
TRAIN = ["--epochs", "1", "--hidden", "8", "--embed", "8", "--channels", "8", "--batch-size", "8", "--image-size",
         "16", "--device", "cpu", "--threads", "1", "--no-progress"]  # fmt: skip


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A tiny data set and a caption training run on it."""
    root = tmp_path_factory.mktemp("capsafe")
    assert main(["caption", "generate-data", "--out", str(root / "data"), *SMALL, "--train", "8"]) == 0
    assert main(["caption", "train", "--data", str(root / "data" / "dataset.json"), "--out", str(root / "run"),
                 *TRAIN]) == 0  # fmt: skip
    return root


def test_generate_data_with_force_keeps_the_users_files(tmp_path, capsys):
    docs = tmp_path / "mydir"
    (docs / "sub").mkdir(parents=True)
    (docs / "thesis.docx").write_text("a")
    (docs / "sub" / "photo.jpg").write_bytes(b"b")
    (docs / "README.md").write_text("my readme")
    before = _snapshot(docs)
    assert main(["caption", "generate-data", "--out", str(docs), *SMALL, "--force"]) == 0
    after = _snapshot(docs)
    assert {k: after[k] for k in before} == before  # every file of the user's, byte for byte
    assert set(after) - set(before) == {"dataset.json", ".rnnkit-generated", "images", *(f"images/{n}" for n in
                                        ("train_00000.png", "train_00001.png", "train_00002.png", "val_00000.png",
                                         "test_00000.png", "test_heldout_00000.png", ".generation"))}  # fmt: skip
    assert MARKER_NAME not in after  # still the user's folder
    capsys.readouterr()
    assert main(["caption", "generate-data", "--out", str(docs), *SMALL]) == 2  # and still needs --force
    assert "already holds files rnnkit did not write" in capsys.readouterr().err


def test_generate_data_into_a_training_run(run, tmp_path, capsys):
    """A caption run folder is refused without --force; with it the data set is added beside the run."""
    import shutil

    folder = tmp_path / "capB"
    shutil.copytree(run / "run", folder)
    before = _snapshot(folder)
    assert main(["caption", "generate-data", "--out", str(folder), *SMALL]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1 and "is an rnnkit caption run folder, not an rnnkit caption dataset folder" in err[0]
    ), err
    assert _snapshot(folder) == before
    assert main(["caption", "generate-data", "--out", str(folder), *SMALL, "--force"]) == 0
    after = _snapshot(folder)
    assert {k: after[k] for k in before} == before  # model/, checkpoints/, metrics: all kept
    assert (folder / "dataset.json").is_file()


def _refused(capsys, code: int, *needles: str) -> None:
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error: "), err
    for needle in needles:
        assert needle in err[0], err[0]


@pytest.mark.parametrize("name", ["model.safetensors", "vocab.json", "config.json"])
@pytest.mark.parametrize("option", ["--json", "--plot"])
def test_describe_never_writes_into_the_model_folder(run, capsys, name, option):
    model = run / "run" / "model"
    before = _snapshot(run)
    for given in (model, run / "run"):  # the model folder, or the run folder holding it
        code = main(["caption", "describe", "--model", str(given), str(run / "data" / "images" / "val_00000.png"),
                     option, str(model / name), "--force", "--device", "cpu"])  # fmt: skip
        if option == "--plot":  # refused first for its name: a plot is a PNG (--plot model.png below)
            _refused(capsys, code, "the plot is written as a PNG image")
        else:
            _refused(
                capsys, code, f"{option} {model / name} is inside the input {model}", "never writes over"
            )
    (model / "model.png").write_bytes(b"a user's picture")  # a PNG name inside the model folder
    before = _snapshot(run)
    code = main(["caption", "describe", "--model", str(model), str(run / "data" / "images" / "val_00000.png"),
                 "--plot", str(model / "model.png"), "--force", "--device", "cpu"])  # fmt: skip
    _refused(capsys, code, f"--plot {model / 'model.png'} is inside the input {model}", "never writes over")
    assert _snapshot(run) == before


def test_eval_never_writes_into_the_model_or_the_image_folder(run, capsys):
    data, model = run / "data", run / "run" / "model"
    before = _snapshot(run)
    base = ["caption", "eval", "--model", str(run / "run"), "--data", str(data / "dataset.json"), "--device", "cpu",
            "--force"]  # fmt: skip
    _refused(capsys, main([*base, "--json", str(model / "vocab.json")]), f"is inside the input {model}")
    code = main([*base, "--plot", str(data / "images" / "train_00000.png")])
    _refused(
        capsys, code, f"--plot {data / 'images' / 'train_00000.png'} is inside the input {data / 'images'}"
    )
    assert _snapshot(run) == before


def test_a_damaged_config_is_named_not_called_missing(run, tmp_path, capsys):
    import shutil

    folder = tmp_path / "capC"
    shutil.copytree(run / "run", folder)
    (folder / "model" / "config.json").write_text("not json")
    code = main(
        ["caption", "describe", "--model", str(folder), str(run / "data" / "images" / "val_00000.png")]
    )
    _refused(capsys, code, "config.json is not valid JSON")


def test_train_config_from_the_run_folder_it_would_replace_is_refused(run, tmp_path, capsys):
    """Item 5: ``--config R/model/config.json --out R`` silently retrained over R's model."""
    import shutil

    folder = tmp_path / "capX"
    shutil.copytree(run / "run", folder)
    before = _snapshot(tmp_path)
    code = main(["caption", "train", "--config", str(folder / "model" / "config.json"), "--data",
                 str(run / "data" / "dataset.json"), "--out", str(folder), *TRAIN])  # fmt: skip
    _refused(capsys, code, f"--out {folder} contains the input {folder / 'model' / 'config.json'}")
    assert _snapshot(tmp_path) == before


def test_generate_data_again_refuses_to_delete_what_it_did_not_write_in_images(tmp_path, capsys):
    """QA: re-running generate-data on its own folder replaced images/ whole, deleting a user's photo and
    subfolder there; now it refuses in one line (with or without --force) and deletes nothing."""
    data = tmp_path / "shapes2"
    assert main(["caption", "generate-data", "--out", str(data), *SMALL]) == 0
    (data / "images" / "my_photo.jpg").write_bytes(b"a user's photo")
    (data / "images" / "sub").mkdir()
    (data / "images" / "sub" / "a.txt").write_text("notes")
    capsys.readouterr()
    before = _snapshot(data)
    for extra in ([], ["--force"]):
        code = main(["caption", "generate-data", "--out", str(data), *SMALL, "--seed", "3", *extra])
        _refused(capsys, code, f"{data / 'images'} holds 2 entries that the data set there did not write",
                 "('my_photo.jpg' and 1 more)", "even with --force")  # fmt: skip
        assert _snapshot(data) == before
    (data / "images" / "my_photo.jpg").unlink()
    (data / "images" / "sub" / "a.txt").unlink()
    (data / "images" / "sub").rmdir()
    assert main(["caption", "generate-data", "--out", str(data), *SMALL, "--seed", "3"]) == 0  # only its own


def test_generate_data_refuses_images_of_a_data_set_it_cannot_read(tmp_path, capsys):
    """A marked data set folder whose dataset.json is gone: no image there is known to be rnnkit's."""
    data = tmp_path / "d"
    assert main(["caption", "generate-data", "--out", str(data), *SMALL]) == 0
    (data / "dataset.json").unlink()
    capsys.readouterr()
    before = _snapshot(data)
    code = main(["caption", "generate-data", "--out", str(data), *SMALL])
    _refused(capsys, code, "holds 6 entries that the data set there did not write")
    assert _snapshot(data) == before


def test_generate_digits_refuses_too(tmp_path, capsys):
    from rnnkit.caption.digits import generate_digits
    from rnnkit.utils.errors import RnnkitError

    data = tmp_path / "digits"
    generate_digits(data, {"train": 2, "val": 1, "test": 1}, image_size=32)
    (data / "images" / "keep.png").write_bytes(b"mine")
    with pytest.raises(
        RnnkitError, match=r"holds 1 entry that the data set there did not write \('keep.png'\)"
    ):
        generate_digits(data, {"train": 2, "val": 1, "test": 1}, image_size=32)
    assert (data / "images" / "keep.png").read_bytes() == b"mine"


def test_describe_never_writes_into_a_data_sets_images_folder(run, capsys):
    """A plot or JSON written into DATA/images would block (or, before, be deleted by) the next
    generate-data there: refused in one line, even with --force."""
    images = run / "data" / "images"
    before = _snapshot(run)
    for option, name in (("--plot", "grid.png"), ("--json", "out.json")):
        code = main(["caption", "describe", "--model", str(run / "run"), str(images / "val_00000.png"),
                     option, str(images / name), "--force", "--device", "cpu"])  # fmt: skip
        _refused(
            capsys, code, f"{option} {images / name} is inside", "the images/ folder of an rnnkit data set"
        )
    assert _snapshot(run) == before
