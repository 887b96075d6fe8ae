"""Kill -9 leftovers and model replacement (issue 10, items 7 and 12).

A forked child replaces a folder and is killed (``os._exit``: no ``finally``, no clean-up, as kill -9)
just before each rename and part-way through each deletion; then the folder must hold the old or the
new content, or get it back from the next rnnkit, which also removes every temporary.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from rnnkit.utils import atomic
from rnnkit.utils.atomic import atomic_folder, atomic_path, write_text_atomic
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import clean_folder, clean_named, old_name
from rnnkit.utils.locks import acquire, lock_name
from rnnkit.utils.markers import Mark, write_mark

MARK = Mark("test", "model")


def _old_folder(path: Path) -> None:
    path.mkdir()
    write_mark(path, MARK)
    (path / "weights").write_text("old")


def _content(path: Path) -> str | None:
    return (path / "weights").read_text() if (path / "weights").is_file() else None


def _killed_at(step: int, path: Path, exchange: bool) -> None:
    """In a child process, replace ``path`` and die abruptly at the ``step``-th rename or deletion."""
    pid = os.fork()
    if pid == 0:  # the child
        try:
            calls = [0]

            def dying(real):
                def call(*args, **kwargs):
                    calls[0] += 1
                    if calls[0] == step:
                        if real is atomic.shutil.rmtree:  # part-way through a deletion
                            victim = Path(args[0]) / "weights"
                            if victim.exists():
                                victim.unlink()
                        os._exit(9)
                    return real(*args, **kwargs)

                return call

            atomic.os.replace = dying(os.replace)
            atomic.shutil.rmtree = dying(atomic.shutil.rmtree)
            atomic.exchange = dying(atomic._libc_exchange) if exchange else (lambda a, b: False)
            with atomic_folder(path, mark=MARK) as tmp:
                (tmp / "weights").write_text("new")
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)


# A legal name at the limit (250 bytes: 83 Hangul syllables and a letter): its temporary and .old
# siblings would pass NAME_MAX unless shortened (rnnkit.utils.leftovers.stem).
LONG = "모" * 83 + "m"


@pytest.mark.parametrize("name", ["model", LONG], ids=["short", "long-name"])
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_replacement_killed_at_every_step_leaves_old_or_new_after_the_next_start(tmp_path, exchange, name):
    if exchange and not atomic._libc_exchange(str(tmp_path), str(tmp_path)):
        pytest.skip("this file system cannot exchange two names")
    outcomes = set()
    for step in range(1, 8):
        root = tmp_path / f"k{step}"
        root.mkdir()
        path = root / name
        _old_folder(path)
        _killed_at(step, path, exchange)
        now = _content(path)
        if exchange:
            assert now in ("old", "new"), (step, now)  # never missing, never mixed
        # what the next writer there does first: lock (the killed child's lock file is taken over,
        # then removed on release) and tidy
        lock = acquire(root / lock_name(name), "x")
        clean_named(root, name, locked=True)
        lock.release()
        after = _content(path)
        assert after in ("old", "new"), (step, now, sorted(os.listdir(root)))
        assert sorted(os.listdir(root)) == [name], step  # no temporary, no .old
        outcomes.add(after)
    assert outcomes == {"old", "new"}


def test_a_legal_name_at_the_limit_is_written_though_its_siblings_would_not_fit(tmp_path):
    """A 250-byte name is legal (NAME_MAX is 255), but `.NAME.rnnkit-PID-RANDOM.tmp` is not: every such
    output failed with 'File name too long', naming a name that is not."""
    from rnnkit.utils.leftovers import stem
    from rnnkit.utils.outputs import Output, claimed

    assert len(os.fsencode(LONG)) == 250 and stem("model") == "model"
    assert len(os.fsencode(f".{stem(LONG)}.rnnkit-4194304-abcdefgh.tmp")) <= 255
    scores = tmp_path / ("모" * 83 + ".json")  # 254 bytes
    with claimed([Output.file("--json", scores)]):
        write_text_atomic(scores, "{}")
    with claimed([Output.whole("--out", tmp_path / LONG, "test", "model")]):
        for content in ("old", "new"):  # created, then replaced
            with atomic_folder(tmp_path / LONG, mark=MARK) as tmp:
                (tmp / "weights").write_text(content)
    assert _content(tmp_path / LONG) == "new"
    assert sorted(os.listdir(tmp_path)) == sorted([scores.name, LONG])


def test_a_shortened_old_folder_is_kept_by_clean_folder_and_restored_by_its_writer(tmp_path):
    """Only restore(NAME) knows the full name behind a shortened `.NAME.rnnkit-old`: clean_folder must
    not delete that only copy, nor rename it back under its shortened name."""
    from rnnkit.utils.leftovers import restore

    old = tmp_path / old_name(LONG)
    _old_folder(old)  # killed between the two renames
    clean_folder(tmp_path)
    assert sorted(os.listdir(tmp_path)) == [old.name]
    assert restore(tmp_path / LONG) and _content(tmp_path / LONG) == "old"
    (tmp_path / old_name(LONG)).mkdir()  # a finished replacement whose clean-up was cut short
    clean_folder(tmp_path)
    assert sorted(os.listdir(tmp_path)) == [LONG]


def test_a_loader_restores_a_model_left_as_dot_rnnkit_old(tmp_path):
    """The next command that only reads the model restores it too (rnnkit.train.modelfile)."""
    from rnnkit.train.modelfile import load_model, save_model

    path = tmp_path / "m"
    save_model(path, {}, {"application": "forecast"})
    os.replace(path, tmp_path / old_name("m"))  # killed between the two renames
    assert load_model(path, "forecast").config["application"] == "forecast"
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_clean_folder_removes_only_rnnkit_leftovers(tmp_path):
    (tmp_path / f".metrics.csv.rnnkit-{os.getpid() + 10**7}-abc123.tmp").write_text("half")
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / ".epoch-0003.tmp").mkdir()
    (tmp_path / ".model.rnnkit-1-x_y.tmp").mkdir()
    _old_folder(tmp_path / old_name("model"))  # model missing: this is the only copy
    keep = [".hidden", "notes.tmp", ".notes.tmp", ".x.old.txt", ".x.old", "data.csv"]
    for name in keep:
        (tmp_path / name).write_text("mine")
    nested = tmp_path / "sub"
    nested.mkdir()
    write_mark(nested, Mark("caption", "dataset"))  # a separate output, tidied by its own writer
    (nested / ".dataset.json.rnnkit-1-abc.tmp").write_text("other")
    clean_folder(tmp_path)
    assert sorted(os.listdir(tmp_path)) == sorted([*keep, "checkpoints", "model", "sub"])
    assert _content(tmp_path / "model") == "old"
    assert os.listdir(tmp_path / "checkpoints") == []
    assert (nested / ".dataset.json.rnnkit-1-abc.tmp").exists()


def test_temporaries_beside_a_file_are_removed_only_when_their_process_is_gone(tmp_path):
    live = tmp_path / f".out.txt.rnnkit-{os.getppid()}-aaa.tmp"
    dead = tmp_path / ".out.txt.rnnkit-999999999-bbb.tmp"
    other = tmp_path / ".other.txt.rnnkit-999999999-ccc.tmp"
    for p in (live, dead, other):
        p.write_text("x")
    clean_named(tmp_path, "out.txt", locked=False)
    assert live.exists() and not dead.exists() and other.exists()


def test_write_errors_are_one_line_and_leave_no_temporary(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(RnnkitError, match=r"^cannot write .*a.txt: No space left on device$"):
        write_text_atomic(tmp_path / "a.txt", "x")
    folder = pytest.raises(RnnkitError, match=r"^cannot write .*m: No space left on device$")
    with folder, atomic_folder(tmp_path / "m") as tmp:
        (tmp / "w").write_text("x")
    assert os.listdir(tmp_path) == []


def test_a_path_under_a_file_is_one_line(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(RnnkitError, match="is a file, not a folder"):
        write_text_atomic(tmp_path / "f" / "a.txt", "x")
    with pytest.raises(RnnkitError, match="cannot write .*: it is a folder"), atomic_path(tmp_path):
        pass


def test_safetensors_io_error_is_one_line(tmp_path):
    class SafetensorError(Exception):
        pass

    exc = SafetensorError("Error while serializing: I/O error: File too large (os error 27)")
    assert str(atomic.failed_write(tmp_path / "w", exc)) == f"cannot write {tmp_path / 'w'}: File too large"
    assert atomic.failed_write(tmp_path, ValueError("a bug")) is None


WRITE_TEXT = """
from pathlib import Path
from rnnkit.utils.atomic import write_text_atomic
from rnnkit.utils.errors import RnnkitError
try:
    write_text_atomic(Path(sys.argv[1]) / "a.txt", "x")
except RnnkitError as error:
    print(error)
"""


def test_unwritable_folder_is_one_line(tmp_path):
    """A real ``chmod 555``, in a child that gives up root's override, so that it runs in CI (root) too:
    skipped for root, this test never ran there."""
    from test_utils_write_protected import _bound_by_permissions

    folder = tmp_path / "protected"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        child = _bound_by_permissions(folder, WRITE_TEXT, cwd=tmp_path)
    finally:
        folder.chmod(0o755)
    assert child.returncode == 0, child.stderr
    assert child.stdout == f"cannot write {folder / 'a.txt'}: Permission denied\n"
    assert list(folder.iterdir()) == []


def _users_backup(model: Path) -> Path:
    """A user's own hidden backup of the model folder ``model``, made as people make them: ``mv model
    .model.old`` before retraining. It is a model, marked as rnnkit marks a model."""
    from rnnkit.train.modelfile import save_model

    save_model(model, {}, {"application": "forecast", "mine": "the backup"})
    backup = model.with_name(f".{model.name}.old")
    os.replace(model, backup)
    return backup


def _is_the_backup(backup: Path) -> bool:
    import json

    return json.loads((backup / "config.json").read_text()).get("mine") == "the backup"


def test_a_loader_moves_back_no_users_dot_old_folder(tmp_path, monkeypatch):
    """`forecast predict --model mydocs` renamed the user's own hidden backup mydocs/.model.old to
    mydocs/model: a reader changed the user's folder. Only rnnkit's .model.rnnkit-old is moved back."""
    from rnnkit.train.modelfile import load_model

    monkeypatch.chdir(tmp_path)
    notes = tmp_path / "mydocs" / ".model.old"
    notes.mkdir(parents=True)
    (notes / "notes.txt").write_text("mine")
    backup = _users_backup(tmp_path / "mine" / "model")
    for given in ("mydocs", "mydocs/model", ".", "mine", "mine/model"):
        with pytest.raises(RnnkitError):
            load_model(tmp_path / given if given != "." else Path("."), "forecast")
    assert sorted(os.listdir(tmp_path / "mydocs")) == [".model.old"]
    assert (notes / "notes.txt").read_text() == "mine"
    assert sorted(os.listdir(tmp_path / "mine")) == [".model.old"] and _is_the_backup(backup)


def test_a_training_run_keeps_a_users_dot_old_backup_of_its_model(tmp_path, monkeypatch):
    """`mv u/model u/.model.old` (a backup before retraining), then `forecast train --out u --force`:
    the claim moved the backup back to u/model as a save cut short, and the new model replaced it, so
    the backup was lost; `cp -r model .model.old` beside u/model was deleted by the tidy-up as a
    replacement whose clean-up was cut short (a copy of a model is marked like one). Both stay now; a
    model left as .model.rnnkit-old by a killed save is still moved back once every output has passed
    its checks."""
    import shutil

    from rnnkit.train.modelfile import save_model
    from rnnkit.utils.outputs import Output, claimed

    monkeypatch.chdir(tmp_path)
    for copied in (False, True):
        run = tmp_path / f"u{int(copied)}"
        run.mkdir()
        write_mark(run, Mark("forecast", "run"))
        backup = _users_backup(run / "model")
        if copied:
            shutil.copytree(backup, run / "model")
        outputs = [
            Output.folder("--out", run, "forecast", "run"),
            Output.whole("--out", run / "model", "forecast", "model"),
        ]
        with claimed(outputs, force=True):
            save_model(run / "model", {}, {"application": "forecast"})  # what train does last
        assert sorted(os.listdir(run)) == [".model.old", ".rnnkit", "model"], copied
        assert _is_the_backup(backup) and not _is_the_backup(run / "model")

    cut = tmp_path / "r" / old_name("model")  # a save killed between its two renames: the only copy
    cut.parent.mkdir()
    _old_folder(cut)
    (tmp_path / "report.json").write_text("keep")
    outputs = [
        Output.whole("--out", tmp_path / "r" / "model", "test", "model"),
        Output.file("--json", "report.json"),
    ]
    with pytest.raises(RnnkitError, match="already exists"), claimed(outputs):
        pass
    assert sorted(os.listdir(tmp_path / "r")) == [cut.name] and _content(cut) == "old"
    with claimed(outputs[:1]):
        assert _content(tmp_path / "r" / "model") == "old"  # moved back once claimed


def test_the_tidy_up_of_a_folder_leaves_a_users_own_dot_old_folders(tmp_path):
    """The tidy-up of a folder rnnkit holds (a run folder, or a user's folder a --force run had marked)
    renamed a user's own hidden backup ``.notes.old`` to ``notes`` and deleted ``.thesis.old`` beside
    ``thesis/``, and a marked copy ``.kept.old`` beside ``kept/``, taking each for what a replacement
    cut short leaves. Only rnnkit's ``.NAME.rnnkit-old`` is touched."""
    run = tmp_path / "run"
    run.mkdir()
    write_mark(run, Mark("test", "run"))
    (run / ".notes.old").mkdir()
    (run / ".notes.old" / "a.txt").write_text("mine")
    (run / "thesis").mkdir()
    (run / ".thesis.old").mkdir()
    (run / ".thesis.old" / "draft1.txt").write_text("an old draft")
    _old_folder(run / ".model.old")  # the user's: a model, marked, with no model beside it
    (run / "kept").mkdir()
    write_mark(run / "kept", MARK)
    _old_folder(run / ".kept.old")  # the user's copy of kept/
    _old_folder(run / old_name("weights"))  # a replacement cut between its renames: moved back
    (run / old_name("kept")).mkdir()  # its deletion cut short
    (run / old_name("kept") / ".rnnkit").write_text("{}")
    clean_folder(run)
    assert sorted(os.listdir(run)) == [
        ".kept.old",
        ".model.old",
        ".notes.old",
        ".rnnkit",
        ".thesis.old",
        "kept",
        "thesis",
        "weights",
    ]
    assert (run / ".notes.old" / "a.txt").read_text() == "mine" and _content(run / "weights") == "old"
    assert (run / ".thesis.old" / "draft1.txt").read_text() == "an old draft"
    assert _content(run / ".model.old") == "old" and _content(run / ".kept.old") == "old"


def test_a_save_moves_back_no_users_dot_old_folder(tmp_path):
    """``save_pretrained("u/model")`` (library code, no command line claim) moved a user's own hidden
    u/.model.old to u/model, then replaced it (a backup, itself a model) or refused it. It stays where
    it lies; a model left as .model.rnnkit-old by a killed save is still moved back, then replaced,
    with the exchange and with two renames (which deleted any ``.model.old`` first)."""
    from rnnkit.train.modelfile import load_model, save_model

    for exchange in (atomic._libc_exchange, lambda a, b: False):
        atomic.exchange = exchange
        try:
            here = tmp_path / str(exchange is atomic._libc_exchange)
            backup = _users_backup(here / "u" / "model")
            for _ in range(2):  # created, then replaced
                save_model(here / "u" / "model", {}, {"application": "forecast"})
            assert sorted(os.listdir(here / "u")) == [".model.old", "model"] and _is_the_backup(backup)

            save_model(here / "r" / "model", {}, {"application": "forecast"})
            os.replace(here / "r" / "model", here / "r" / old_name("model"))  # killed between the renames
            save_model(here / "r" / "model", {}, {"application": "forecast"})
            assert sorted(os.listdir(here / "r")) == ["model"]
            assert load_model(here / "r" / "model", "forecast").config["application"] == "forecast"
        finally:
            atomic.exchange = atomic._libc_exchange


def test_the_tidy_up_of_a_data_set_folder_leaves_a_users_own_dot_old_folders(tmp_path):
    """In a data set folder (``caption generate-data``'s, which may hold the user's files too) every
    ``.NAME.old`` was taken for the data set's: ``.thesis.old`` beside ``thesis/`` was deleted and a
    lone ``.notes.old`` renamed to ``notes``; so was ``.images.old``, the user's copy of the images.
    Only rnnkit's ``.images.rnnkit-old`` is moved back."""
    ds = tmp_path / "ds"
    ds.mkdir()
    write_mark(ds, Mark("caption", "dataset"))
    (ds / "thesis").mkdir()
    (ds / ".thesis.old").mkdir()
    (ds / ".thesis.old" / "b").write_text("y")
    (ds / ".notes.old").mkdir()
    (ds / ".notes.old" / "a").write_text("x")
    (ds / ".images.old").mkdir()
    (ds / ".images.old" / "0.png").write_text("my image")
    (ds / old_name("images")).mkdir()  # the data set's images/ replaced between its two renames
    (ds / old_name("images") / "0.png").write_text("old image")
    clean_folder(ds)
    assert sorted(os.listdir(ds)) == [
        ".images.old",
        ".notes.old",
        ".rnnkit",
        ".thesis.old",
        "images",
        "thesis",
    ]
    assert (ds / ".thesis.old" / "b").read_text() == "y" and (ds / ".notes.old" / "a").read_text() == "x"
    assert (ds / "images" / "0.png").read_text() == "old image"
    assert (ds / ".images.old" / "0.png").read_text() == "my image"


def test_a_killed_saves_lock_file_inside_a_held_folder_is_removed_and_a_held_one_kept(tmp_path):
    """Every save locks its model folder (.NAME.rnnkit.lock beside it), and no later claim of the run
    folder takes the lock of a model inside it (explain gradient-flow's jobs/JOB/model): a killed
    save's lock file stayed there for good. One that another process holds is never touched."""
    import fcntl

    job = tmp_path / "run" / "jobs" / "adding-6-gru"
    job.mkdir(parents=True)
    stale = job / lock_name("model")
    stale.write_text('{"pid": 1}')  # its holder was killed: the kernel dropped its flock
    held = job / lock_name("other")
    held.write_text("{}")
    holder = os.open(held, os.O_RDONLY)  # another holder (its own open file)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        own = acquire(tmp_path / "run" / ".rnnkit.lock", "--out run")  # the claim of the run folder
        assert stale in clean_folder(tmp_path / "run")
        assert not stale.exists() and held.exists() and (tmp_path / "run" / ".rnnkit.lock").exists()
        own.release()
    finally:
        os.close(holder)
    assert sorted(p.name for p in job.iterdir()) == [held.name]
