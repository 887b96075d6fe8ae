"""The output contract: rnnkit never deletes or overwrites anything it did not write."""

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.locks import LOCK_NAME
from rnnkit.utils.markers import MARKER_NAME, Mark, read_mark, write_mark
from rnnkit.utils.outputs import Output, claimed


@contextlib.contextmanager
def _held_by_another_process(words: list[str], output: str, path: Path) -> Iterator[subprocess.Popen]:
    """A child process ``rnnkit WORDS PATH`` that claims ``output`` (Python source naming
    ``Path(sys.argv[-1])``) and holds it until it is killed, on leaving the block."""
    argv = ["rnnkit", *words]
    code = (
        f"import sys, time; from pathlib import Path; sys.argv = {argv!r} + sys.argv[1:]\n"
        "from rnnkit.utils.outputs import Output, claimed\n"
        f"with claimed([{output}]):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()  # its lock goes with it


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_new_folder_is_created_locked_marked_and_removed_when_nothing_was_written(tmp_path):
    out = tmp_path / "a" / "run"
    with claimed([Output.folder("--out", out, "forecast", "run")]):
        assert _names(out) == [MARKER_NAME, LOCK_NAME]
        assert read_mark(out) == Mark("forecast", "run")
    assert not (tmp_path / "a").exists()  # a failed command leaves nothing behind


def test_folder_with_results_is_kept_and_reused_by_the_same_kind(tmp_path):
    out = tmp_path / "run"
    with claimed([Output.folder("--out", out, "forecast", "run")]):
        (out / "metrics.json").write_text("{}")
    assert _names(out) == [MARKER_NAME, "metrics.json"]  # the lock file is gone, the marker stays
    with claimed([Output.folder("--out", out, "forecast", "run")]):
        pass
    assert (out / "metrics.json").read_text() == "{}"


def test_empty_folder_is_accepted_and_left_empty_on_failure(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    with claimed([Output.folder("--out", out, "explain", "memory")]):
        pass
    assert out.is_dir() and _names(out) == []


def test_user_folder_is_refused_and_untouched(tmp_path):
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("years of work")
    for output in (
        Output.folder("--out", docs, "forecast", "run"),
        Output.whole("--out", docs, "caption", "dataset"),
    ):
        with pytest.raises(
            RnnkitError, match=r"--out .*mydocs (already )?holds files rnnkit did not write.*thesis.txt"
        ):
            claimed([output]).__enter__()
    assert _names(docs) == ["thesis.txt"]


def test_force_writes_into_a_user_folder(tmp_path):
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "notes.txt").write_text("x")
    with claimed([Output.folder("--out", docs, "forecast", "run")], force=True):
        (docs / "metrics.json").write_text("{}")
    assert _names(docs) == [MARKER_NAME, "metrics.json", "notes.txt"]


def test_other_application_or_kind_is_refused(tmp_path):
    data = tmp_path / "shapes"
    data.mkdir()
    write_mark(data, Mark("caption", "dataset"))
    (data / "dataset.json").write_text("{}")
    # refused in words that do not suggest --force, which would be refused too
    with pytest.raises(
        RnnkitError, match="caption dataset folder; an rnnkit caption model folder .*--force or not"
    ):
        claimed([Output.whole("--out", data, "caption", "model")]).__enter__()
    with pytest.raises(
        RnnkitError, match="caption dataset folder, which generate-data rewrites.*--force or not"
    ):
        claimed([Output.folder("--out", data, "forecast", "run")]).__enter__()
    assert _names(data) == [MARKER_NAME, "dataset.json"]


def test_model_folder_is_known_by_its_config(tmp_path):
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text('{"application": "translate"}')
    (model / "model.safetensors").write_bytes(b"")
    with claimed([Output.whole("--out", model, "translate", "model")]):
        pass
    with pytest.raises(RnnkitError, match="translate model folder, not an rnnkit caption model folder"):
        claimed([Output.whole("--out", model, "caption", "model")]).__enter__()


@pytest.mark.parametrize("force", [False, True])
def test_a_model_folder_holding_a_users_files_is_never_replaced(tmp_path, force):
    """A model folder is replaced whole: notes or a data set put in it would be deleted with it, so the
    claim refuses before any work, --force or not; a model's own extra files (listed in its config) pass."""
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text('{"application": "caption", "file_sha256": {"vocab.json": "0"}}')
    for name in ("model.safetensors", "vocab.json", "README.md", "provenance.json"):
        (model / name).write_bytes(b"")
    with claimed([Output.whole("--out", model, "caption", "model")], force=force):
        pass
    (model / "images").mkdir()
    (model / "notes.txt").write_text("mine")
    with pytest.raises(
        RnnkitError, match=r"also holds files a model folder does not \(such as 'images' and 1 more\)"
    ):
        claimed([Output.whole("--out", model, "caption", "model")], force=force).__enter__()
    assert (model / "notes.txt").read_text() == "mine"


def test_two_outputs_of_one_path_are_refused(tmp_path):
    """--json same.png --plot same.png: one would overwrite the other."""
    same = tmp_path / "same.png"
    with pytest.raises(RnnkitError, match="--plot and --json both write"):
        claimed([Output.file("--plot", same), Output.file("--json", same)]).__enter__()
    assert not same.exists()


def test_force_never_writes_into_another_commands_run(tmp_path):
    """--force writes into a folder keeping what is there; another command's run.json and marker would be
    overwritten, so neither could --resume."""
    run = tmp_path / "cap"
    run.mkdir()
    write_mark(run, Mark("caption", "run"))
    (run / "run.json").write_text("{}")
    with pytest.raises(RnnkitError, match="another command's run"):
        claimed([Output.folder("--out", run, "explain", "memory")], force=True).__enter__()
    assert read_mark(run) == Mark("caption", "run") and (run / "run.json").read_text() == "{}"


@pytest.mark.parametrize("kind", ["memory", "gradient-flow"])
def test_force_never_writes_into_an_explain_run_either(tmp_path, kind):
    """explain memory and gradient-flow folders are runs too (run.json, --resume): caption train --force
    over one overwrote its run.json and marker, and the explain run could no longer be resumed."""
    run = tmp_path / "mem"
    run.mkdir()
    write_mark(run, Mark("explain", kind))
    (run / "run.json").write_text("{}")
    with pytest.raises(RnnkitError, match=f"is an rnnkit explain {kind} folder: another command's run"):
        claimed([Output.folder("--out", run, "caption", "run")], force=True).__enter__()
    assert read_mark(run) == Mark("explain", kind) and (run / "run.json").read_text() == "{}"


@pytest.mark.parametrize("kind", ["folder", "whole"])
def test_a_file_at_out_is_refused_even_with_force(tmp_path, kind):
    csv = tmp_path / "prices.csv"
    csv.write_text("a,b\n1,2\n")
    output = getattr(Output, kind)("--out", csv, "forecast", "run")
    with pytest.raises(RnnkitError, match="prices.csv is a file, not a folder"):
        claimed([output], force=True).__enter__()
    assert _names(tmp_path) == ["prices.csv"]


def test_input_inside_or_equal_to_output_is_refused_even_with_force(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "dataset.json").write_text("{}")
    with pytest.raises(RnnkitError, match=r"--out .*d contains the input .*dataset.json"):
        claimed(
            [Output.whole("--out", d, "caption", "model")], inputs=[d / "dataset.json"], force=True
        ).__enter__()
    with pytest.raises(RnnkitError, match="is the input"):
        claimed(
            [Output.file("--output", d / "dataset.json")], inputs=[d / "dataset.json"], force=True
        ).__enter__()
    # an output inside an input folder is refused too: it would write into what is read (audit item 2)
    with pytest.raises(RnnkitError, match=r"--out .*model is inside the input .*d; rnnkit never writes over"):
        claimed([Output.whole("--out", d / "model", "caption", "model")], inputs=[d], force=True).__enter__()
    assert _names(d) == ["dataset.json"]


def test_dot_and_dotdot_are_refused_for_folders_replaced_whole(tmp_path, monkeypatch):
    work = tmp_path / "w"
    work.mkdir()
    monkeypatch.chdir(work)
    for name in (".", "..", str(work), str(tmp_path)):
        with pytest.raises(RnnkitError, match="current folder or one above it"):
            claimed([Output.whole("--out", Path(name), "translate", "model")]).__enter__()


def test_dot_as_a_run_folder_follows_the_general_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checkpoints").mkdir()  # the user's own
    (tmp_path / "model").mkdir()
    with pytest.raises(RnnkitError, match=r"--out \. already holds files rnnkit did not write"):
        claimed([Output.folder("--out", Path("."), "forecast", "run")]).__enter__()
    assert _names(tmp_path) == ["checkpoints", "model"]


def test_existing_file_output_needs_force(tmp_path):
    target = tmp_path / "scores.json"
    with claimed([Output.file("--json", target)]):
        target.write_text("1")
    with pytest.raises(
        RnnkitError, match="--json .*scores.json already exists; rnnkit does not overwrite it"
    ):
        claimed([Output.file("--json", target)]).__enter__()
    with claimed([Output.file("--json", target)], force=True):
        pass
    with pytest.raises(RnnkitError, match="is a folder"):
        claimed([Output.file("--json", tmp_path)], force=True).__enter__()
    with pytest.raises(RnnkitError, match="scores.json is a file, not a folder"):
        claimed([Output.file("--json", target / "x.json")]).__enter__()


def test_a_file_output_named_with_a_trailing_slash_is_refused(tmp_path):
    """``Output.file("--out", "m.onnx/")`` from library code: the name names a folder, as a shell says."""
    with pytest.raises(
        RnnkitError, match=r"^--out .*m\.onnx/ ends with '/', so it names a folder; give a file"
    ):
        claimed([Output.file("--out", f"{tmp_path}/m.onnx/")]).__enter__()
    assert list(tmp_path.iterdir()) == []
    with claimed([Output.file("--out", f"{tmp_path}/m.onnx")]):
        pass


def test_one_path_named_twice_is_claimed_once(tmp_path):
    out = tmp_path / "run"
    with claimed(
        [Output.folder("--out", out, "forecast", "run"), Output.folder("--run-dir", out, "forecast", "run")]
    ):
        assert (out / LOCK_NAME).is_file()


def test_second_writer_is_refused_naming_the_holder(tmp_path):
    """Another process holds the run folder: the claim fails in one line naming it (pid, command)."""
    out = tmp_path / "run"
    held = "Output.folder('--out', Path(sys.argv[-1]), 'forecast', 'run')"
    with _held_by_another_process(["forecast", "train", "--out"], held, out) as holder:
        with pytest.raises(RnnkitError) as info:
            claimed([Output.folder("--out", out, "forecast", "run")]).__enter__()
        message = str(info.value)
        assert f"pid {holder.pid}" in message and "rnnkit forecast train --out" in message, message
        assert "\n" not in message
    with claimed([Output.folder("--out", out, "forecast", "run")]):  # released by the kill
        pass


def test_a_link_to_a_folder_replaced_whole_is_refused_before_any_work(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(RnnkitError, match="is a symbolic link"):
        claimed([Output.whole("--out", tmp_path / "link", "translate", "model")]).__enter__()
    with claimed([Output.folder("--out", tmp_path / "link", "forecast", "run")]):  # written into: fine
        assert (real / LOCK_NAME).is_file()


def test_other_ranks_of_a_distributed_launch_leave_the_folders_to_rank_0(tmp_path, monkeypatch):
    out = tmp_path / "run"
    with claimed([Output.folder("--out", out, "forecast", "run")]):  # rank 0 holds it
        monkeypatch.setenv("WORLD_SIZE", "2")
        monkeypatch.setenv("RANK", "1")
        with claimed([Output.folder("--out", out, "forecast", "run")]):  # rank 1: no second lock
            pass
        assert (out / LOCK_NAME).is_file()  # still rank 0's
        with pytest.raises(RnnkitError, match="the input"):  # what cannot change under it is still checked
            claimed(
                [Output.folder("--out", tmp_path, "forecast", "run")], inputs=[tmp_path / "run"]
            ).__enter__()


def test_another_rank_never_refuses_a_folder_rank_0_is_still_marking(tmp_path, monkeypatch):
    """Rank 0 creates, locks and marks the folder while rank 1 claims it: a folder caught half-marked
    (its lock and the marker's temporary, not yet renamed into place) must not be refused in rank 1
    alone, which left a launch out of step (CI, stop 23). What rank 0 refuses, rank 1 refuses too
    (tests/utils/test_utils_outputs_launch.py)."""
    half = tmp_path / "run"
    half.mkdir()
    (half / LOCK_NAME).write_text("")
    (half / f".{MARKER_NAME}.rnnkit-{os.getpid()}-k3j9x_2a.tmp").write_text('{"appli')  # no .rnnkit mark yet
    before = sorted(p.name for p in half.iterdir())
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    with claimed([Output.folder("--out", half, "forecast", "run"), Output.whole("--out", half / "model",
                  "forecast", "model")]):  # fmt: skip
        pass
    assert sorted(p.name for p in half.iterdir()) == before  # rank 1 touched nothing
    (half / "metrics.csv").write_text("epoch\n")  # a file of someone else's: every rank refuses it
    for rank in ("1", "0"):
        monkeypatch.setenv("RANK", rank)
        with pytest.raises(RnnkitError, match="did not write"):
            claimed([Output.folder("--out", half, "forecast", "run")]).__enter__()


def test_a_full_folder_inside_an_rnnkit_folder_is_named_as_such(tmp_path, monkeypatch):
    """e1/jobs of an explain run holds rnnkit's own files: the refusal says whose folder it lies in, not
    that rnnkit did not write them."""
    monkeypatch.chdir(tmp_path)
    write_mark(Path("mem"), Mark("explain", "memory"))
    (tmp_path / "mem" / "jobs" / "adding-20-rnn").mkdir(parents=True)
    with pytest.raises(RnnkitError) as info:
        claimed([Output.folder("--out", Path("mem/jobs"), "forecast", "run")]).__enter__()
    assert str(info.value) == (
        "--out mem/jobs lies inside mem, an rnnkit explain memory folder, and is not empty (such as "
        "'adding-20-rnn'); choose an empty or new folder (or pass --force to write there anyway)"
    )


def test_a_stream_output_needs_no_force_and_is_never_an_input(tmp_path, monkeypatch):
    """``--json /dev/stdout``, ``--plot /dev/null``: nothing is replaced, so nothing to refuse (and no lock
    file or temporary is put in /dev)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("a file named '-' is not standard output")
    wanted = [
        Output.file("--json", Path("/dev/null")),
        Output.file("--plot", fifo),
        Output.file("--output", Path("-")),
    ]
    with claimed(wanted, inputs=[fifo]):
        assert _names(tmp_path) == ["-", "pipe"]


def test_a_second_writer_of_one_file_is_refused_naming_the_first(tmp_path):
    """Two commands given one --json both found it missing, and the second replaced the first's results
    without --force; now the file is locked for the command, like a folder."""
    target = tmp_path / "scores.json"
    held = "Output.file('--json', Path(sys.argv[-1]))"
    with (
        _held_by_another_process(["caption", "eval", "--json"], held, target) as holder,
        pytest.raises(RnnkitError, match=rf"^--json .*scores.json is in use by pid {holder.pid} "),
    ):
        claimed([Output.file("--json", target)]).__enter__()
    with claimed([Output.file("--json", target)]):  # released by the kill
        pass
    assert _names(tmp_path) == []  # the lock file went with the claim


def test_a_file_written_between_the_check_and_the_lock_is_not_replaced(tmp_path, monkeypatch):
    from rnnkit.utils import outputs

    target = tmp_path / "new" / "scores.json"
    real_acquire = outputs.acquire

    def finishing_first(path, what):  # another command wrote it and ended while this one checked
        target.write_text("theirs")
        return real_acquire(path, what)

    monkeypatch.setattr(outputs, "acquire", finishing_first)
    with pytest.raises(RnnkitError, match="scores.json already exists; rnnkit does not overwrite it"):
        claimed([Output.file("--json", target)]).__enter__()
    assert target.read_text() == "theirs" and _names(target.parent) == ["scores.json"]


def test_a_file_output_through_a_link_is_locked_beside_its_target(tmp_path):
    real = tmp_path / "runs" / "scores.json"
    real.parent.mkdir()
    real.write_text("old")
    (tmp_path / "latest.json").symlink_to(real)
    with claimed([Output.file("--json", tmp_path / "latest.json")], force=True):
        assert _names(real.parent) == [".scores.json.rnnkit.lock", "scores.json"]


@pytest.mark.parametrize("name", ["ev\nx", "scores\r.json", "a\tb/run", "x\x1b[31m"])
def test_an_output_name_with_a_control_character_is_refused_in_one_line(tmp_path, monkeypatch, name):
    """``--out $'ev\\nx'`` was written, and its messages (and any refusal, cut at the first line by the
    command line) named half a path: ``rnnkit: error: --out ev``."""
    monkeypatch.chdir(tmp_path)
    for output in (Output.folder("--out", Path(name), "forecast", "eval"), Output.file("--json", Path(name))):
        with pytest.raises(RnnkitError, match=r"has a control character") as info:
            claimed([output]).__enter__()
        assert "\n" not in str(info.value) and "\r" not in str(info.value)
    assert _names(tmp_path) == []


def test_an_unexpanded_tilde_is_refused_naming_the_home_folder(tmp_path, monkeypatch):
    """``--out "~/runs/x"`` (quoted, or ``--out=~/runs/x``, or a --config file) made a folder named ``~``
    in the current one; ``rm -rf ~`` to tidy it up would then mean the home folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", "/home/me")
    with pytest.raises(
        RnnkitError, match=r"^--out ~/runs/x starts with '~', .*: write /home/me/runs/x instead$"
    ):
        claimed([Output.folder("--out", Path("~/runs/x"), "forecast", "run")]).__enter__()
    with pytest.raises(RnnkitError, match=r"^--json ~nobody-here-xyz/s.json starts with '~nobody-here-xyz'"):
        claimed([Output.file("--json", Path("~nobody-here-xyz/s.json"))]).__enter__()
    assert _names(tmp_path) == []
    (tmp_path / "~").mkdir()  # a folder the user named so: theirs to write into
    with claimed([Output.file("--json", Path("~/s.json"))]):
        pass


def test_a_name_too_long_is_one_line_naming_the_option_and_creates_nothing(tmp_path, monkeypatch):
    """A 256-byte name failed deep inside the claim (`aaa.../.model.old: File name too long`, naming a
    file rnnkit would have made, or a bare path without 'cannot write'), after making its parents."""
    monkeypatch.chdir(tmp_path)
    long = "a" * 256
    for output in (
        Output.folder("--out", Path("x") / long / "y", "forecast", "run"),
        Output.whole("--out", Path(long), "translate", "model"),
        Output.file("--json", Path("d") / f"{long}.json"),
    ):
        with pytest.raises(RnnkitError, match=r"is 2\d\d bytes, longer than this file system allows \(255\)"):
            claimed([output]).__enter__()
    assert _names(tmp_path) == []


def test_folders_made_before_a_failed_mkdir_are_removed(tmp_path, monkeypatch):
    real_mkdir = Path.mkdir

    def failing(self, mode=0o777, parents=False, exist_ok=False):
        if self.name == "deep" and not parents:  # its parents are made first, then it fails
            raise OSError(28, "No space left on device")
        return real_mkdir(self, mode, parents, exist_ok)

    monkeypatch.setattr(Path, "mkdir", failing)
    for output in (
        Output.folder("--out", tmp_path / "a" / "b" / "deep", "forecast", "run"),
        Output.file("--json", tmp_path / "a" / "b" / "deep" / "s.json"),
    ):
        with pytest.raises(RnnkitError, match=r"^cannot write .*deep: No space left on device$"):
            claimed([output]).__enter__()
        assert _names(tmp_path) == []


def test_force_never_writes_a_run_into_a_model_folder(tmp_path):
    """`forecast train --out RUN/model --force` made the model folder a run folder (its marker replaced),
    holding a nested model/ and checkpoints: no longer known as a model folder, so the next training of
    RUN was refused, and with --force replaced RUN/model whole, run and all."""
    run = tmp_path / "run"
    run.mkdir()
    write_mark(run, Mark("forecast", "run"))
    model = run / "model"
    model.mkdir()
    (model / "config.json").write_text('{"application": "forecast"}')
    (model / "model.safetensors").write_bytes(b"w")
    for kind in ("run", "eval"):
        with pytest.raises(
            RnnkitError,
            match=rf"is an rnnkit forecast model folder, which its writer replaces whole; rnnkit does not "
            rf"write an rnnkit forecast {kind} folder into it, --force or not: choose another folder "
            r"\(its run folder is .*run\)$",
        ):
            claimed([Output.folder("--out", model, "forecast", kind)], force=True).__enter__()
    assert _names(model) == ["config.json", "model.safetensors"]
    assert read_mark(model) == Mark("forecast", "model")


@pytest.mark.parametrize(
    "output",
    [
        Output.folder("--out", Path("run/model"), "forecast", "run"),
        Output.folder("--out", Path("run/model/sub"), "forecast", "backtest"),
        Output.whole("--out", Path("run/model"), "translate", "model"),
        Output.file("--json", Path("run/model")),
        Output.file("--json", Path("run/model/scores.json")),
    ],
    ids=["run", "inside", "other-model", "file", "file-inside"],
)
def test_nothing_is_written_where_an_interrupted_run_will_save_its_model(tmp_path, monkeypatch, output):
    """An interrupted run has no RUN/model yet: `forecast train --out RUN/model` was accepted as a new
    folder, and the run's --resume was then refused (`--out RUN/model is an rnnkit forecast run folder`),
    its hours of training unable to end in a model until the user moved the nested run away."""
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "run"
    (run / "checkpoints" / "epoch-0001").mkdir(parents=True)
    write_mark(run, Mark("forecast", "run"))
    (run / "run.json").write_text("{}")
    with pytest.raises(
        RnnkitError,
        match=r" where run, an rnnkit forecast run folder, saves its model \(it has none yet\); rnnkit does not "
        r"write .* there, --force or not: choose another --",
    ):
        claimed([output], force=True).__enter__()
    assert not (run / "model").exists()
    with claimed(
        [
            Output.folder("--out", run, "forecast", "run"),
            Output.whole("--out", run / "model", "forecast", "model"),
        ]
    ):
        pass  # the run's own training (--resume) still claims its model's place


@pytest.mark.parametrize("kind", ["folder", "whole", "entries", "file"])
def test_an_output_under_a_file_is_named_as_such(tmp_path, kind):
    """`translate average --out data.csv/m` said `cannot write data.csv: File exists`."""
    data = tmp_path / "data.csv"
    data.write_text("date,value\n")
    path = data / "sub" / "m"
    output = Output.file("--json", path) if kind == "file" else Output("--out", path, kind, Mark("x", "y"))
    with pytest.raises(
        RnnkitError, match=r"^cannot write .*data.csv/sub/m: .*data.csv is a file, not a folder$"
    ):
        claimed([output]).__enter__()
    assert data.read_text() == "date,value\n" and _names(tmp_path) == ["data.csv"]
