"""Atomic files and folders: written whole or not at all, never a temporary left behind."""

import os
import stat
from pathlib import Path

import pytest

from rnnkit.utils.atomic import WriteError, atomic_folder, atomic_path, write_bytes_atomic, write_text_atomic
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import Mark, write_mark


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_text_and_bytes(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    assert write_text_atomic(target, "héllo\n") == target
    assert target.read_text(encoding="utf-8") == "héllo\n"
    write_bytes_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert _siblings(target.parent) == ["a.txt"]


def test_atomic_path_failure_keeps_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="boom"), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert _siblings(tmp_path) == ["a.txt"]


def test_atomic_path_replaces_on_success(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with atomic_path(target) as tmp:
        assert tmp != target and tmp.parent == tmp_path
        tmp.write_text("new")
        assert target.read_text() == "old"  # not visible until the block ends
    assert target.read_text() == "new"
    assert _siblings(tmp_path) == ["a.txt"]


MARK = Mark("test", "thing")


def test_atomic_folder_new_and_replace(tmp_path):
    target = tmp_path / "model"
    with atomic_folder(target, mark=MARK) as tmp:
        (tmp / "x").write_text("1")
        assert not target.exists()
    assert (target / "x").read_text() == "1"
    with atomic_folder(target, mark=MARK) as tmp:
        (tmp / "y").write_text("2")
    assert _siblings(target) == [".rnnkit", "y"]
    assert _siblings(tmp_path) == ["model"]


def test_atomic_folder_failure_keeps_old_folder(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    write_mark(target, MARK)
    (target / "x").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_folder(target) as tmp:
        (tmp / "x").write_text("new")
        raise KeyboardInterrupt
    assert (target / "x").read_text() == "old"
    assert _siblings(tmp_path) == ["model"]


def test_atomic_folder_no_overwrite(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    with pytest.raises(FileExistsError), atomic_folder(target, overwrite=False) as tmp:
        (tmp / "x").write_text("new")
    assert _siblings(target) == []
    assert _siblings(tmp_path) == ["model"]


def test_written_files_and_folders_follow_the_umask(tmp_path):
    """mkstemp/mkdtemp make private 0600/0700 entries; what rnnkit writes must look like a plain write."""
    old = os.umask(0o022)
    try:
        f = write_text_atomic(tmp_path / "a.txt", "x")
        with atomic_folder(tmp_path / "model") as folder:
            (folder / "w").write_text("y")
    finally:
        os.umask(old)
    assert stat.S_IMODE(f.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "model").stat().st_mode) == 0o755


def test_safetensors_and_model_folders_are_0644_like_their_config(tmp_path):
    """safetensors' save_file creates 0600 files; rnnkit's weights must be readable like config.json."""
    import torch

    from rnnkit.train.modelfile import save_model
    from rnnkit.utils.atomic import save_safetensors

    old = os.umask(0o022)
    try:
        weights = save_safetensors({"w": torch.zeros(2)}, tmp_path / "w.safetensors")
        folder = save_model(
            tmp_path / "m", {"w": torch.ones(3)}, {"application": "forecast"}, files={"x.txt": b"x"}
        )
    finally:
        os.umask(old)
    assert stat.S_IMODE(weights.stat().st_mode) == 0o644
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert {"config.json", "model.safetensors", "x.txt", "README.md", "provenance.json"} == set(modes)
    assert set(modes.values()) == {0o644}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    """A report the user made private (or shared) stays so when a command replaces it, as a shell's ``>``
    keeps a file's mode: it became 0644 (the umask's) at every training's rewrite."""
    old = os.umask(0o022)
    try:
        private, shared, locked = tmp_path / "p.csv", tmp_path / "s.json", tmp_path / "r.json"
        for path, mode in ((private, 0o600), (shared, 0o640), (locked, 0o444)):
            path.write_text("old")
            path.chmod(mode)
            write_text_atomic(path, "new")
        fresh = write_text_atomic(tmp_path / "n.txt", "new")
        os.umask(0o077)  # a shared file replaced under a private umask stays shared
        group_readable = tmp_path / "g.txt"
        group_readable.write_text("old")
        group_readable.chmod(0o640)
        write_text_atomic(group_readable, "new")
    finally:
        os.umask(old)
    assert private.read_text() == "new"
    assert (_mode(private), _mode(shared), _mode(group_readable)) == (0o600, 0o640, 0o640)
    assert _mode(locked) == 0o644  # the owner keeps writing what rnnkit writes (a run's run.json)
    assert _mode(fresh) == 0o644


def test_a_replaced_folder_keeps_its_permissions_and_group(tmp_path):
    """A model the user made private (``chmod -R go-rwx``) became world-readable at its next training
    (0755/0644), and one shared with a group (``chgrp``, 0750/0640) lost its group; a file new to the
    folder takes the folder's permissions."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    (model / "config.json").chmod(0o600)
    (model / "weights").write_text("w")
    (model / "weights").chmod(0o640)
    model.chmod(0o750)
    other = next((g for g in os.getgroups() if g != os.getegid()), None)
    if other is None and os.geteuid() == 0:
        other = os.getegid() + 4321  # root may give any group
    if other is not None:
        for path in (model, model / "config.json", model / "weights"):
            os.chown(path, -1, other)
    old = os.umask(0o022)
    try:
        with atomic_folder(model, force=True) as tmp:
            for name in ("config.json", "weights", "vocab.json"):
                (tmp / name).write_text("new")
            (tmp / "sub").mkdir()
            (tmp / "sub" / "x").write_text("new")
    finally:
        os.umask(old)
    assert (model / "vocab.json").read_text() == "new"
    modes = {str(p.relative_to(model)): _mode(p) for p in model.rglob("*")}
    assert modes == {
        "config.json": 0o600,
        "weights": 0o640,
        "vocab.json": 0o640,
        "sub": 0o750,
        "sub/x": 0o640,
    }
    assert _mode(model) == 0o750
    if other is not None:
        assert {p.stat().st_gid for p in (model, *model.rglob("*"))} == {other}


def test_a_data_sets_replaced_entries_keep_their_permissions(tmp_path):
    """``caption generate-data`` again into a private data set: its images and ``dataset.json`` stayed
    private only until they were replaced."""
    from rnnkit.utils.atomic import atomic_entries

    data = tmp_path / "data"
    for generation in range(2):
        with atomic_entries(data, Mark("caption", "dataset")) as tmp:
            (tmp / "images").mkdir()
            (tmp / "images" / "a.png").write_text(f"png {generation}")
            (tmp / "dataset.json").write_text("{}")
        if not generation:
            (data / "images").chmod(0o700)
            (data / "images" / "a.png").chmod(0o600)
            (data / "dataset.json").chmod(0o600)
    assert (data / "images" / "a.png").read_text() == "png 1"
    assert (_mode(data / "images"), _mode(data / "images" / "a.png"), _mode(data / "dataset.json")) == (
        0o700,
        0o600,
        0o600,
    )


def test_no_direct_safetensors_save_file_in_the_library():
    """Every safetensors file goes through utils.atomic.save_safetensors (the file mode is fixed there)."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "rnnkit"
    users = sorted(
        str(p.relative_to(src)) for p in src.rglob("*.py") if "save_file(" in p.read_text(encoding="utf-8")
    )
    assert users == ["utils/atomic.py"]


def test_a_fifo_is_written_through_not_replaced_by_a_file(tmp_path):
    """``--json fifo`` (like ``/dev/null`` or ``/dev/stdout``): renaming a finished file onto it would put
    a plain file where the FIFO was (as root, onto /dev/null or /dev/stdout: a broken system)."""
    import threading

    fifo = tmp_path / "results.json"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    write_text_atomic(fifo, '{"bleu": 1}\n')
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # else the (daemon) reader waits on a FIFO gone
    assert got == ['{"bleu": 1}\n']
    assert _siblings(tmp_path) == ["results.json"]  # no temporary beside it


def test_a_link_like_dev_stdout_stays_a_link_and_the_output_goes_through_it(tmp_path):
    """``/dev/stdout`` is a link to ``/proc/self/fd/1``; here a link of the same kind to a pipe."""
    read_end, write_end = os.pipe()
    try:
        link = tmp_path / "stdout"
        link.symlink_to(f"/proc/self/fd/{write_end}")
        os.set_blocking(read_end, False)
        write_bytes_atomic(link, b"PNG")
        assert os.read(read_end, 10) == b"PNG"
        assert link.is_symlink() and os.readlink(link) == f"/proc/self/fd/{write_end}"
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_link_to_a_file_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "runs" / "scores-5.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert _siblings(real.parent) == ["scores-5.json"] and _siblings(tmp_path) == ["latest.json", "runs"]


def test_a_failed_write_into_a_stream_is_one_line(tmp_path):
    from rnnkit.utils.errors import RnnkitError

    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: a closed pipe (`rnnkit ... --json /dev/stdout | head -0`)
    link = tmp_path / "stdout"
    link.symlink_to(f"/proc/self/fd/{write_end}")
    try:
        with pytest.raises(RnnkitError, match=r"^cannot write .*stdout: Broken pipe$"):
            write_bytes_atomic(link, b"x" * 100_000)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("name", ["-", "/dev/stdout", "/dev/fd/1"])
def test_standard_output_as_a_file_output_keeps_what_was_printed_before(tmp_path, name):
    """``--json /dev/stdout > log`` reopened standard output, truncating the log and writing over the
    lines already printed; ``--output -`` (as ``--input -`` reads standard input) made a file named '-'."""
    import subprocess
    import sys

    code = (
        "import sys; from rnnkit.utils.atomic import write_text_atomic\n"
        "print('table', flush=True)\n"
        "write_text_atomic(sys.argv[1], '{\"bleu\": 1}\\n')\n"
        "print('done')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    log = tmp_path / "log"
    with log.open("w") as out:
        subprocess.run([sys.executable, "-c", code, name], stdout=out, env=env, cwd=tmp_path, check=True)
    assert log.read_text() == 'table\n{"bleu": 1}\ndone\n'
    assert _siblings(tmp_path) == ["log"]  # no file named '-', no temporary


def test_a_failed_write_keeps_its_path_and_reason_apart(tmp_path, monkeypatch):
    """Callers word the error their own way from ``path`` and ``reason``, never by parsing the line."""
    import errno
    import pickle

    from rnnkit.utils.atomic import WriteError
    from rnnkit.utils.errors import RnnkitError

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(WriteError) as caught:
        write_text_atomic(tmp_path / "a.txt", "x")
    error = caught.value
    assert isinstance(error, RnnkitError)
    assert (error.path, error.reason) == (tmp_path / "a.txt", "No space left on device")
    assert str(error) == f"cannot write {tmp_path / 'a.txt'}: No space left on device"
    again = pickle.loads(pickle.dumps(error))  # an error crosses processes whole, as other exceptions do
    assert (type(again), again.path, again.reason, str(again)) == (
        WriteError,
        error.path,
        error.reason,
        str(error),
    )
    assert not list(tmp_path.iterdir())


def test_text_quoting_a_name_that_is_not_utf8_is_one_line_and_writes_nothing(tmp_path):
    """``forecast train --data $'prices\\xff.csv'`` failed with a traceback writing ``run.json``."""
    import json

    from rnnkit.utils.errors import RnnkitError

    name = os.fsdecode(b"/data/prices\xff.csv")  # as Python reads it from the command line
    text = json.dumps({"data": name, "note": "한국어"}, ensure_ascii=False)
    with pytest.raises(RnnkitError) as caught:
        write_text_atomic(tmp_path / "run.json", text)
    assert str(caught.value) == (
        f"cannot write {tmp_path / 'run.json'}: it records /data/prices\\xff.csv, a name with bytes that "
        "are not UTF-8; rename that file or folder"
    )
    assert not list(tmp_path.iterdir())


def test_a_link_in_an_rnnkit_folder_is_replaced_not_written_through(tmp_path):
    """``RUN/predictions.csv -> ~/thesis.txt``: the next training of RUN (its own files are replaced
    without --force) wrote its predictions over the user's thesis."""
    thesis = tmp_path / "thesis.txt"
    thesis.write_bytes(b"years of work")
    run = tmp_path / "run"
    run.mkdir()
    write_mark(run, Mark("forecast", "run"))
    (run / "predictions.csv").symlink_to(thesis)
    write_text_atomic(run / "predictions.csv", "date,forecast\n")
    assert thesis.read_bytes() == b"years of work"
    assert not (run / "predictions.csv").is_symlink()
    assert (run / "predictions.csv").read_text() == "date,forecast\n"


def test_a_link_the_user_named_or_outside_rnnkit_folders_is_written_through(tmp_path, monkeypatch):
    """``--json scores.json --force`` with scores.json a link: written through, as ``>`` would."""
    from rnnkit.utils.outputs import Output, claimed

    monkeypatch.chdir(tmp_path)
    shared = tmp_path / "shared.json"
    shared.write_text("old")
    run = tmp_path / "run"
    run.mkdir()
    write_mark(run, Mark("forecast", "run"))
    (run / "scores.json").symlink_to(shared)
    with claimed([Output.file("--json", Path("run/scores.json"))], force=True):
        write_text_atomic(Path("run/scores.json"), "new")
    assert (run / "scores.json").is_symlink() and shared.read_text() == "new"
    (tmp_path / "elsewhere.txt").symlink_to(shared)  # library code given a path in no rnnkit folder
    write_text_atomic(tmp_path / "elsewhere.txt", "newer")
    assert (tmp_path / "elsewhere.txt").is_symlink() and shared.read_text() == "newer"


def test_a_folder_whose_card_quotes_a_name_that_is_not_utf8_is_one_line_and_left_out(tmp_path):
    """``translate average $'A\\xff' --out avg``: the model card records the command; its write in the
    model's temporary folder failed with a traceback (status 1)."""
    from rnnkit.utils.errors import RnnkitError

    command = "rnnkit translate average " + os.fsdecode(b"A\xff") + " --out avg"
    with (
        pytest.raises(RnnkitError) as caught,
        atomic_folder(tmp_path / "avg", mark=Mark("translate", "model")) as tmp,
    ):
        (tmp / "README.md").write_text(f"made by `{command}`\n", encoding="utf-8")
    assert str(caught.value) == (
        f"cannot write {tmp_path / 'avg'}: it records A\\xff, a name with bytes that are not UTF-8; rename "
        "that file or folder"
    )
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("how", ["write_text_atomic", "atomic_folder"])
def test_text_holding_half_a_character_is_one_line_not_blamed_on_a_name(tmp_path, how):
    """Half an emoji (JSON's ``"\\ud83d"``) in text to write: the error path itself raised a traceback
    (os.fsencode on the text), and said 'a name with bytes that are not UTF-8' of text that names none."""
    import json

    from rnnkit.utils.atomic import write_text_atomic
    from rnnkit.utils.errors import RnnkitError

    text = json.dumps({"caption": "smile " + json.loads('"\\ud83d"')}, ensure_ascii=False)
    with pytest.raises(RnnkitError) as caught:
        if how == "write_text_atomic":
            write_text_atomic(tmp_path / "a.json", text)
        else:
            with atomic_folder(tmp_path / "m", mark=Mark("translate", "model")) as tmp:
                (tmp / "a.json").write_text(text, encoding="utf-8")
    target = tmp_path / ("a.json" if how == "write_text_atomic" else "m")
    assert str(caught.value) == (
        f"cannot write {target}: the text holds \\ud83d, half of a character (a broken emoji?), which UTF-8 "
        "cannot write; mend or remove it in what it came from"
    )
    assert not list(tmp_path.iterdir())  # nothing written, no temporary left


def test_as_typed_shows_lone_surrogates_without_raising():
    import os

    from rnnkit.utils.wording import as_typed

    assert as_typed(os.fsdecode(b"prices\xff.csv")) == "prices\\xff.csv"
    assert as_typed("smile \ud83d é") == "smile \\ud83d é"


def test_a_link_to_nothing_in_the_way_is_named_a_link_not_a_file(tmp_path):
    """A folder on the way that is a symbolic link to nothing (an unplugged disk) was called 'a file',
    which ls did not show; the error now names the link and where it leads, and the culprit itself
    when it lies above the file's own folder (mkdir -p names none)."""
    (tmp_path / "run").symlink_to(tmp_path / "unplugged")
    with pytest.raises(WriteError, match=r"run is a symbolic link to .*unplugged, which does not exist"):
        write_text_atomic(tmp_path / "run" / "plots" / "x.txt", "x")
    (tmp_path / "notes").write_text("mine")
    with pytest.raises(WriteError, match=r"notes is a file, not a folder$"):
        write_text_atomic(tmp_path / "notes" / "plots" / "x.txt", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "run"]
    assert (tmp_path / "notes").read_text() == "mine"


SAVING = (
    "import sys, time\n"
    "sys.argv = ['save.py', '--epochs', '3']\n"
    "from rnnkit.utils.atomic import atomic_folder\n"
    "from rnnkit.utils.markers import Mark\n"
    "with atomic_folder({path!r}, mark=Mark('test', 'thing')) as tmp:\n"
    "    (tmp / 'w').write_text('second')\n"
    "    print('saving', flush=True)\n"
    "    time.sleep(60)\n"
)


def test_a_folder_another_process_is_replacing_is_refused_in_one_line(tmp_path):
    """A library save (``save_pretrained`` from Python) holds the folder's lock as a command does, so a
    second save of it, or a loader moving its old folder back, never cuts into the first one."""
    import subprocess
    import sys

    target = tmp_path / "model"
    with atomic_folder(target, mark=MARK) as tmp:
        (tmp / "w").write_text("first")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    saver = subprocess.Popen(
        [sys.executable, "-c", SAVING.format(path=str(target))], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert saver.stdout.readline().strip() == "saving"
        in_use = (
            rf"^{target} is in use by pid {saver.pid} on .*`python save.py --epochs 3`, since .*; wait for it"
        )
        with pytest.raises(RnnkitError, match=in_use), atomic_folder(target, mark=MARK) as tmp:
            (tmp / "w").write_text("third")
        assert (target / "w").read_text() == "first"
        assert not any(p.name.startswith(".model.rnnkit-") and "third" in p.name for p in tmp_path.iterdir())
    finally:
        saver.kill()
        saver.wait()
    with atomic_folder(
        target, mark=MARK
    ) as tmp:  # the killed saver's lock is gone with it, its temporary tidied
        (tmp / "w").write_text("fourth")
    assert (target / "w").read_text() == "fourth"
    assert _siblings(tmp_path) == ["model"]


def test_a_library_save_goes_on_where_the_file_system_has_no_locks(tmp_path, monkeypatch):
    # an NFS mount with no lock daemon: flock fails with ENOLCK; a save_pretrained there worked before
    # library saves took the folder's lock, and still does; a command's lock is still refused there
    import errno

    from rnnkit.utils import locks

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(locks.fcntl, "flock", no_locks)
    target = tmp_path / "model"
    for value in ("1", "2"):
        with atomic_folder(target, mark=MARK) as tmp:
            (tmp / "x").write_text(value)
    assert (target / "x").read_text() == "2"
    assert _siblings(tmp_path) == ["model"]
    with pytest.raises(RnnkitError, match="No locks available"):
        locks.acquire(tmp_path / ".run.rnnkit.lock", "run folder run")


@pytest.mark.parametrize("how", ["another thread", "no locks"])
def test_a_save_never_deletes_a_save_under_way_that_the_lock_does_not_keep_out(tmp_path, monkeypatch, how):
    # the folder's lock is re-entrant within a process (another thread) and absent where the file
    # system has none; a second save there deleted the first's half-written folder (every temporary
    # beside the folder was taken for a killed save's), and the first failed 'No such file or directory'
    import errno

    from rnnkit.utils import locks
    from rnnkit.utils.leftovers import temp_prefix

    target = tmp_path / "model"
    held = None
    if how == "another thread":
        held = locks.acquire(tmp_path / locks.lock_name("model"), str(target))
    else:

        def no_locks(fd, op):
            raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

        monkeypatch.setattr(locks.fcntl, "flock", no_locks)
    under_way = tmp_path / f"{temp_prefix('model')}first.tmp"  # the first save's, this process's pid
    under_way.mkdir()
    (under_way / "half").write_text("written so far")
    with atomic_folder(target, mark=MARK) as tmp:
        (tmp / "x").write_text("second")
    assert (under_way / "half").read_text() == "written so far"
    if held is not None:
        held.release()
