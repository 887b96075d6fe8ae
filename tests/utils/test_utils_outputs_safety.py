"""The output contract's holes found by the new-user audit (audit_other.md, items 1 to 5), closed once in
``claim_outputs`` and ``atomic_entries``: each test failed before the fix."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from rnnkit.utils import outputs
from rnnkit.utils.atomic import atomic_entries
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import MARKER_NAME, Mark, read_mark, write_mark
from rnnkit.utils.outputs import Output, check_inputs, claim_outputs, claimed

DATASET = Mark("caption", "dataset")


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))
    }


def _model(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"application": "caption"}')
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def test_an_output_inside_an_input_folder_is_refused_even_with_force(tmp_path):
    """Item 2: ``--json MODEL/vocab.json --force`` replaced a file of the model it read."""
    model = _model(tmp_path / "model")
    images = tmp_path / "images"
    images.mkdir()
    (images / "a.png").write_bytes(b"png")
    before = _snapshot(tmp_path)
    cases = [
        (Output.file("--json", model / "config.json"), model),
        (Output.file("--plot", images / "a.png"), images),
        (Output.file("--plot", images / "new" / "b.png"), images),
        (Output.folder("--out", model / "sub", "explain", "gates"), model),
    ]
    for output, source in cases:
        with pytest.raises(RnnkitError, match=f"is inside the input {source}; rnnkit never writes over"):
            claimed([output], inputs=[source], force=True).__enter__()
        with pytest.raises(RnnkitError, match="is inside the input"):
            check_inputs([output], [source])
    assert _snapshot(tmp_path) == before  # nothing written, no marker, no lock


def test_an_input_under_another_name_of_it_is_refused(tmp_path):
    """The data set's file under a hard link is the input, as the same folder through a bind mount is
    (below): only the spelling was compared, after resolving symbolic links."""
    data = tmp_path / "prices.csv"
    data.write_text("date,close\n")
    os.link(data, tmp_path / "alias.csv")
    before = _snapshot(tmp_path)
    with pytest.raises(
        RnnkitError, match=r"--json .*alias.csv is the input .*prices.csv; rnnkit never writes"
    ):
        claimed([Output.file("--json", tmp_path / "alias.csv")], inputs=[data], force=True).__enter__()
    assert _snapshot(tmp_path) == before


@pytest.fixture
def bind_mount(tmp_path):
    """``tmp_path/real`` mounted again at ``tmp_path/alias`` (root on Linux, where mounts are allowed)."""
    real, alias = tmp_path / "real", tmp_path / "alias"
    real.mkdir()
    alias.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a bind mount needs root on Linux")
    if subprocess.run(["mount", "--bind", str(real), str(alias)], capture_output=True).returncode:
        pytest.skip("this system allows no bind mount")
    try:
        yield real, alias
    finally:
        subprocess.run(["umount", str(alias)], check=True)


def test_an_input_folder_through_a_bind_mount_is_refused(bind_mount):
    """``translate average A B --out ALIAS/A`` (a cluster's ``/home`` bind-mounted over ``/gpfs/home``)
    replaced the input ``A`` with the average, where ``--out A`` is refused."""
    real, alias = bind_mount
    model = _model(real / "A")
    before = _snapshot(real)
    cases = [
        (Output.whole("--out", alias / "A", "caption", "model"), "is the input"),
        (Output.folder("--out", alias, "explain", "gates"), "contains the input"),
        (Output.file("--json", alias / "A" / "scores.json"), "is inside the input"),
    ]
    for output, where in cases:
        with pytest.raises(RnnkitError, match=f"{where} {model}; rnnkit never writes over"):
            claimed([output], inputs=[model], force=True).__enter__()
    assert _snapshot(real) == before


def test_a_marker_written_into_a_users_folder_is_taken_back_when_nothing_was_written(tmp_path):
    """Item 3: a forced claim marked a folder that held files; the command then failed, and the marker
    stayed (there, inside a model folder, it made the model unloadable: a model folder is now refused
    before it is marked, --force or not)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("mine")
    model = _model(tmp_path / "m")
    before = _snapshot(tmp_path)
    with claimed([Output.folder("--out", docs, "explain", "gates")], force=True):
        assert read_mark(docs) == Mark("explain", "gates")  # the command fails here: writes nothing
    assert _snapshot(tmp_path) == before
    with pytest.raises(RnnkitError, match="caption model folder, which its writer replaces whole"):
        claimed([Output.folder("--out", model, "explain", "gates")], force=True).__enter__()
    assert _snapshot(tmp_path) == before
    assert read_mark(model) == Mark("caption", "model")


def test_a_claim_refused_part_way_leaves_no_marker(tmp_path, monkeypatch):
    """Item 3: the first output is marked, the second cannot be locked: the first is as it was."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("mine")
    before = _snapshot(tmp_path)
    real = outputs.acquire

    def acquire(path, what):
        if "second" in str(path):
            raise RnnkitError(f"{what} is in use")
        return real(path, what)

    monkeypatch.setattr(outputs, "acquire", acquire)
    wanted = [
        Output.folder("--out", docs, "explain", "gates"),
        Output.folder("--out2", tmp_path / "second", "x", "y"),
    ]
    with pytest.raises(RnnkitError, match="in use"):
        claimed(wanted, force=True).__enter__()
    assert _snapshot(tmp_path) == before


def test_a_marker_stays_once_something_was_written(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("mine")
    with claimed([Output.folder("--out", docs, "explain", "gates")], force=True):
        (docs / "gates.png").write_bytes(b"png")
    assert read_mark(docs) == Mark("explain", "gates") and (docs / "notes.txt").read_text() == "mine"


def test_force_never_replaces_a_users_folder_whole(tmp_path):
    """Item 4: OUT/model holding the user's files would have been deleted whole by --force; it is
    refused first, and the message does not ask for the --force already given."""
    model = tmp_path / "run" / "model"
    model.mkdir(parents=True)
    (model / "thesis.txt").write_text("years of work")
    before = _snapshot(tmp_path)
    with pytest.raises(RnnkitError) as caught:
        claimed([Output.whole("--out", model, "explain", "model")], force=True).__enter__()
    assert "'thesis.txt'" in str(caught.value) and "--force or not" in str(caught.value)
    assert "pass --force" not in str(caught.value)
    assert _snapshot(tmp_path) == before
    other = _model(tmp_path / "other")  # another rnnkit command's folder: --force may replace it
    with claimed([Output.whole("--out", other, "explain", "model")], force=True):
        pass


def test_the_config_file_of_the_running_command_is_an_input(tmp_path):
    """Item 5: ``--config R/model/config.json --out R`` replaced the model the settings came from."""
    model = _model(tmp_path / "run" / "model")
    before = _snapshot(tmp_path)
    with click.Context(click.Command("x")) as ctx:
        ctx.meta[outputs.CONFIG_KEY] = model / "config.json"
        with pytest.raises(RnnkitError, match="contains the input .*config.json"):
            claim_outputs([Output.folder("--out", tmp_path / "run", "explain", "gates")], force=True)
    assert _snapshot(tmp_path) == before


def _build(tmp: Path, images: dict[str, bytes], data: str = "{}") -> None:
    (tmp / "images").mkdir()
    for name, content in images.items():
        (tmp / "images" / name).write_bytes(content)
    (tmp / "dataset.json").write_text(data)


def test_entries_keep_everything_else_in_a_users_folder(tmp_path):
    """Item 1: a data set generated with --force into a user's folder deleted every file there."""
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "thesis.docx").write_text("a")
    (docs / "sub" / "photo.jpg").write_bytes(b"b")
    (docs / "images").mkdir()
    (docs / "images" / "mine.jpg").write_bytes(b"c")
    with pytest.raises(RnnkitError, match="did not write"), atomic_entries(docs, DATASET) as tmp:
        _build(tmp, {"a.png": b"1"})
    with atomic_entries(docs, DATASET, force=True) as tmp:
        _build(tmp, {"a.png": b"1"})
    assert _snapshot(docs) == {"dataset.json": b"{}", "images": None, "images/a.png": b"1",
                               "images/mine.jpg": b"c", "sub": None, "sub/photo.jpg": b"b",
                               "thesis.docx": b"a"}  # fmt: skip
    assert read_mark(docs) is None  # still the user's: the next run needs --force again


def test_entries_replace_their_own_data_set_and_keep_the_users_notes(tmp_path):
    data = tmp_path / "d"
    with atomic_entries(data, DATASET) as tmp:
        _build(tmp, {"a.png": b"1", "b.png": b"2"})
    (data / "notes.txt").write_text("mine")
    with atomic_entries(data, DATASET) as tmp:
        _build(tmp, {"a.png": b"3"}, "[]")
    assert _snapshot(data) == {MARKER_NAME: (data / MARKER_NAME).read_bytes(), "dataset.json": b"[]",
                               "images": None, "images/a.png": b"3", "notes.txt": b"mine"}  # fmt: skip
    assert read_mark(data) == DATASET


def test_entries_never_put_a_folder_over_a_file(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "images").write_text("a file")
    before = _snapshot(tmp_path)
    clash = "is a file, and rnnkit never replaces a file with a folder"
    with (
        pytest.raises(RnnkitError, match=clash),
        atomic_entries(docs, DATASET, force=True, names=("images/",)),
    ):
        raise AssertionError("checked before the work")
    with pytest.raises(RnnkitError, match=clash), atomic_entries(docs, DATASET, force=True) as tmp:
        _build(tmp, {"a.png": b"1"})
    assert _snapshot(tmp_path) == before  # no temporary left either


def test_entries_into_a_new_folder_that_fail_leave_nothing(tmp_path):
    with pytest.raises(ValueError), atomic_entries(tmp_path / "new", DATASET):
        raise ValueError("bad input")
    assert list(tmp_path.iterdir()) == []


def test_entries_claim_marks_only_folders_that_are_rnnkits(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("mine")
    (tmp_path / "run").mkdir()
    write_mark(tmp_path / "run", Mark("caption", "run"))  # a caption training run
    for folder, mark in ((docs, None), (tmp_path / "run", Mark("caption", "run"))):
        with pytest.raises(RnnkitError, match="pass --force"):
            claimed([Output.entries("--out", folder, "caption", "dataset")]).__enter__()
        with claimed([Output.entries("--out", folder, "caption", "dataset")], force=True):
            assert read_mark(folder) == mark  # --force does not adopt it
    assert _snapshot(docs) == {"notes.txt": b"mine"}


def test_no_output_lies_inside_a_model_folder_even_with_force(tmp_path, monkeypatch):
    """``forecast export --model F --out T/model/model.safetensors --force`` replaced the weights of another
    model (not an input of the command, so the input rule let it through); a new file there made the model's
    next training refuse it, and a folder there went with the model at its next save."""
    model = _model(tmp_path / "run" / "model")
    (tmp_path / "link").symlink_to(model)
    before = _snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    cases = [
        Output.file("--out", model / "model.safetensors"),
        Output.file("--json", Path("run/model/scores.json")),
        Output.file("--json", Path("link/scores.json")),
        Output.folder("--out", model / "eval", "forecast", "eval"),
        Output.whole("--out", model / "sub" / "model", "forecast", "model"),
    ]
    for output in cases:
        with pytest.raises(RnnkitError, match="inside run/model, an rnnkit caption model folder") as info:
            claim_outputs([output], force=True)
        assert "\n" not in str(info.value)
    assert _snapshot(tmp_path) == before
    with claimed([Output.file("--json", tmp_path / "run" / "scores.json")]):  # beside the model: fine
        pass


def test_force_replaces_a_model_with_a_model_never_a_run_or_a_data_set(tmp_path):
    """``translate average A B --out FORECAST_RUN --force`` replaced a whole forecast run (checkpoints,
    plots, its model) with a translate model, and ``--out CAPTION_DATA --force`` a data set's images."""
    run = tmp_path / "run"
    _model(run / "model")
    write_mark(run, Mark("forecast", "run"))
    (run / "run.json").write_text("{}")
    data = tmp_path / "data"
    (data / "images").mkdir(parents=True)
    (data / "images" / "a.png").write_bytes(b"png")
    (data / "dataset.json").write_text("{}")
    write_mark(data, DATASET)
    before = _snapshot(tmp_path)
    for folder, found in ((run, "an rnnkit forecast run folder"), (data, "an rnnkit caption dataset folder")):
        with pytest.raises(RnnkitError, match=f"{found}; an rnnkit translate model folder is replaced whole"):
            claim_outputs([Output.whole("--out", folder, "translate", "model")], force=True)
    assert _snapshot(tmp_path) == before
    with pytest.raises(
        RnnkitError, match=r"is the model of .*run, an rnnkit forecast run folder; .* --force or not"
    ):
        claim_outputs(
            [Output.whole("--out", run / "model", "translate", "model")], force=True
        )  # another's run
    assert _snapshot(tmp_path) == before
    with claimed([Output.whole("--out", run / "model", "forecast", "model")], force=True) as claim:
        assert claim.forced == [str(run / "model")]  # the run's own application: --force replaces its model
    alone = _model(tmp_path / "alone")
    with claimed([Output.whole("--out", alone, "translate", "model")], force=True) as claim:
        assert claim.forced == [str(alone)]  # a model folder of its own: --force lets a model replace it


def test_force_never_replaces_rnnkits_bookkeeping_files(tmp_path, monkeypatch):
    """``caption describe --json RUN/run.json --force`` replaced the settings ``--resume`` reads (so did
    ``--json RUN/.rnnkit`` the marker, ``--json RUN/checkpoints/LATEST`` a checkpoint pointer), and
    ``--json DATA/dataset.json --force`` a data set's captions with a report."""
    run = tmp_path / "run"
    (run / "checkpoints" / "epoch-0001").mkdir(parents=True)
    write_mark(run, Mark("forecast", "run"))
    (run / "run.json").write_text("{}")
    (run / "metrics.json").write_text("{}")
    (run / "checkpoints" / "LATEST").write_text("epoch-0001")
    data = tmp_path / "data"
    data.mkdir()
    (data / "dataset.json").write_text("{}")
    write_mark(data, DATASET)
    before = _snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    cases = {
        "run/run.json": "is the run settings (run.json, which --resume reads) of run, an rnnkit forecast run",
        "run/.rnnkit": "is the marker of run, an rnnkit forecast run folder",
        "run/checkpoints/LATEST": "is inside the checkpoints of run",
        "run/checkpoints/epoch-0001/trainer_state.json": "is inside the checkpoints of run",
        "data/dataset.json": "is the captions file of data, an rnnkit caption dataset folder",
    }
    for path, message in cases.items():
        with pytest.raises(RnnkitError, match=re.escape(f"--json {path} {message}")):
            claim_outputs([Output.file("--json", Path(path))], force=True)
    assert _snapshot(tmp_path) == before
    with claimed(
        [Output.file("--json", Path("run/metrics.json"))], force=True
    ):  # a report: --force replaces it
        pass


def test_force_never_writes_another_commands_folder_into_a_data_set(tmp_path):
    """``forecast train --out DATA --force`` (and ``explain gates``, ``demo``, ``forecast eval``) replaced a
    generated data set's marker with its own, so the data set was no longer known as one."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "dataset.json").write_text("{}")
    write_mark(data, DATASET)
    before = _snapshot(tmp_path)
    for application, kind in (
        ("forecast", "run"),
        ("explain", "gates"),
        ("demo", "demo"),
        ("forecast", "eval"),
    ):
        with pytest.raises(
            RnnkitError, match="is an rnnkit caption dataset folder, which generate-data rewrites"
        ):
            claim_outputs([Output.folder("--out", data, application, kind)], force=True)
    assert _snapshot(tmp_path) == before
    assert read_mark(data) == DATASET
    with claimed([Output.entries("--out", data, "caption", "dataset")]):  # its own writer still may
        pass


def test_force_never_generates_a_data_set_into_a_model_folder(tmp_path):
    """Review: ``caption generate-data --out MODEL --force`` added dataset.json and images/ to a model
    folder (no output lies inside one, --force or not); the model's next save then refused it."""
    model = _model(tmp_path / "run" / "model")
    write_mark(tmp_path / "run", Mark("caption", "run"))
    before = _snapshot(tmp_path)
    with pytest.raises(RnnkitError, match="model folder, which its writer replaces whole; .*--force or not"):
        claim_outputs([Output.entries("--out", model, "caption", "dataset")], force=True)
    assert _snapshot(tmp_path) == before


def test_force_never_writes_a_folder_into_a_runs_checkpoints(tmp_path, monkeypatch):
    """Review: ``forecast eval --out RUN/checkpoints/epoch-0003 --force`` wrote its results into a
    checkpoint, which the run's next checkpoint deleted with them (files there were refused already)."""
    run = tmp_path / "run"
    (run / "checkpoints" / "epoch-0003").mkdir(parents=True)
    (run / "checkpoints" / "LATEST").write_text("epoch-0003")
    write_mark(run, Mark("forecast", "run"))
    (run / "run.json").write_text("{}")
    before = _snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    cases = {
        "run/checkpoints/epoch-0003": "is inside the checkpoints of run",
        "run/checkpoints": "is the checkpoints folder of run",
        "run/checkpoints/new": "is inside the checkpoints of run",
    }
    for path, message in cases.items():
        for output in (
            Output.folder("--out", Path(path), "forecast", "eval"),
            Output.entries("--out", Path(path), "caption", "dataset"),
            Output.whole("--out", Path(path), "translate", "model"),
        ):
            with pytest.raises(
                RnnkitError, match=re.escape(f"--out {path} {message}, an rnnkit forecast run")
            ):
                claim_outputs([output], force=True)
    assert _snapshot(tmp_path) == before
    with claimed([Output.folder("--out", Path("run/eval"), "forecast", "eval")], force=True):  # beside: fine
        pass


@pytest.fixture
def drive(tmp_path):
    """A small tmpfs mounted at ``tmp_path/drive``: another file system, as a USB drive is (root on Linux)."""
    mounted = tmp_path / "drive"
    mounted.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting needs root on Linux")
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mounted)], capture_output=True
    ).returncode:
        pytest.skip("this system allows no mount")
    try:
        yield mounted
    finally:
        subprocess.run(["umount", str(mounted)], check=True)


def test_a_mount_point_is_refused_as_a_folder_replaced_whole_before_the_work(drive):
    """``translate average A B --out /media/usb`` (an empty drive) averaged, then failed "cannot write
    /media/usb: Device or resource busy": a mount point cannot be renamed over. Written into, it is fine."""
    with pytest.raises(RnnkitError, match=r"--out .*drive is a mount point; .* name a new folder inside it$"):
        claimed([Output.whole("--out", drive, "translate", "model")]).__enter__()
    with claimed([Output.whole("--out", drive / "model", "translate", "model")]):
        pass
    with claimed([Output.folder("--out", drive, "explain", "memory")]):
        pass
    assert {p.name for p in drive.iterdir()} <= {".rnnkit"}


def test_mountinfo_mount_points_undo_the_kernels_octal_escapes():
    """``/proc/self/mountinfo`` writes a space in a mount point as ``\\040`` (a tab, a newline and a
    backslash too): ``/mnt/my drive`` must be found as itself."""
    text = (
        b"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
        b"36 27 8:1 /home/u/a /mnt/my\\040drive\\134x rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        b"37 27 8:1 / /mnt/caf\xc3\xa9\\011tab rw - ext4 /dev/sda1 rw\n"
    )
    assert outputs.mount_points(text) == {b"/proc", b"/mnt/my drive\\x", "/mnt/café\ttab".encode()}


def test_a_bind_mount_is_refused_as_a_folder_replaced_whole_before_the_work(tmp_path):
    """``translate average A B --out BIND`` where ``BIND`` is a bind mount on the same file system (a
    container's volume, ``mount --bind``): ``os.path.ismount`` sees no other device there, so the average
    was computed, then 'Device or resource busy' renaming it over ``BIND``."""
    source, bound = tmp_path / "source", tmp_path / "my drive"
    source.mkdir()
    bound.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting needs root on Linux")
    if subprocess.run(["mount", "--bind", str(source), str(bound)], capture_output=True).returncode:
        pytest.skip("this system allows no mount")
    try:
        if os.path.ismount(bound):
            pytest.skip("os.path.ismount sees this bind mount (another file system)")
        with pytest.raises(
            RnnkitError, match=r"--out .*my drive is a mount point; .* name a new folder inside it$"
        ):
            claimed([Output.whole("--out", bound, "translate", "model")]).__enter__()
        with claimed([Output.whole("--out", bound / "model", "translate", "model")]):
            pass
    finally:
        subprocess.run(["umount", str(bound)], check=True)
