"""Every writing command keeps the output contract, checked before any work (issue 10, item 1).

Each case is refused in one line with exit status 2, and the user's files are exactly as they were.
None of these commands gets as far as reading data or training, so the whole file runs in seconds.
"""

import os
from pathlib import Path

import pytest

from rnnkit.cli import main


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def mydocs(tmp_path, monkeypatch):
    """A user's working folder: documents, and their own checkpoints/ and model/ folders."""
    monkeypatch.chdir(tmp_path)
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("years of work")
    for own in ("checkpoints", "model"):
        (tmp_path / own).mkdir()
        (tmp_path / own / "mine.txt").write_text(own)
    (tmp_path / "prices.csv").write_text("date,close\n2020-01-01,1\n")
    return docs


WRITERS = [
    ["caption", "generate-data", "--out", "{out}"],
    ["caption", "train", "--data", "prices.csv", "--out", "{out}"],
    ["forecast", "train", "--out", "{out}"],
    ["forecast", "backtest", "--out", "{out}"],
    ["forecast", "eval", "--model", "model", "--out", "{out}"],
    ["translate", "train", "--out", "{out}"],
    ["translate", "average", "model", "--out", "{out}"],
    ["explain", "memory", "--out", "{out}"],
    ["explain", "gradient-flow", "--out", "{out}"],
    ["explain", "gates", "--out", "{out}"],
    ["demo", "--out", "{out}"],
]


def _ids(cmd: list[str]) -> str:
    return " ".join(c for c in cmd[:2] if not c.startswith("-"))


@pytest.mark.parametrize("cmd", WRITERS, ids=_ids)
@pytest.mark.parametrize("out", ["mydocs", ".", "..", "prices.csv"])
def test_existing_out_that_rnnkit_did_not_write_is_refused(mydocs, tmp_path, one_line_error, cmd, out):
    before = _snapshot(tmp_path)
    parent_before = sorted(p.name for p in tmp_path.parent.iterdir())
    assert main([c.format(out=out) for c in cmd]) == 2
    line = one_line_error()
    assert any(s in line for s in ("did not write", "is a file", "current folder", "the input")), line
    assert _snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == parent_before


def test_input_inside_the_output_is_refused(tmp_path, monkeypatch, capsys, one_line_error):
    monkeypatch.chdir(tmp_path)
    assert main(["caption", "generate-data", "--out", "d", "--train", "4", "--val", "2", "--test", "2",
                 "--heldout", "2"]) == 0  # fmt: skip
    capsys.readouterr()
    before = _snapshot(tmp_path)
    assert main(["caption", "train", "--data", "d/dataset.json", "--out", "d", "--force"]) == 2
    one_line_error("--out d contains the input d/dataset.json")
    assert main(["caption", "train", "--data", "d/dataset.json", "--out", ".", "--force"]) == 2
    one_line_error("--out . contains the input d/dataset.json")
    assert main(["caption", "train", "--data", "d/dataset.json", "--out", "x", "--run-dir", "d"]) == 2
    one_line_error("--run-dir is gone: --out is the run folder now")
    assert _snapshot(tmp_path) == before


def test_generate_data_twice_replaces_its_own_data_set(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    small = ["--train", "3", "--val", "1", "--test", "1", "--heldout", "1"]
    assert main(["caption", "generate-data", "--out", "d", *small]) == 0
    assert main(["caption", "generate-data", "--out", "d", *small, "--seed", "1"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]  # no temporary, no .old left
    assert main(["caption", "generate-data", "--out", "d/images", *small]) == 2  # not a data set folder
    # the images are rnnkit's own: named as part of the data set, never as files rnnkit did not write
    err = capsys.readouterr().err
    assert (
        "rnnkit: error: --out d/images lies inside d, an rnnkit caption dataset folder, and is not empty"
        in err
    )


def test_force_writes_into_a_user_folder(mydocs, tmp_path):
    small = ["--train", "3", "--val", "1", "--test", "1", "--heldout", "1"]
    assert main(["caption", "generate-data", "--out", "mydocs", *small, "--force"]) == 0
    assert (mydocs / "dataset.json").is_file()


def test_file_outputs_are_never_inputs_and_need_force_to_be_replaced(tmp_path, monkeypatch, one_line_error):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.txt").write_text("hello\n")
    assert (
        main(["translate", "text", "--model", "m", "--input", "in.txt", "--output", "in.txt", "--force"]) == 2
    )
    one_line_error("--output in.txt is the input in.txt")
    (tmp_path / "old.txt").write_text("keep")
    assert main(["translate", "text", "--model", "m", "--input", "in.txt", "--output", "old.txt"]) == 2
    one_line_error("--output old.txt already exists", "--force")
    (tmp_path / "old.png").write_text("keep")
    assert main(["caption", "describe", "--model", "m", "x.png", "--plot", "old.png"]) == 2
    one_line_error("--plot old.png already exists")
    assert (tmp_path / "old.txt").read_text() == "keep" and (tmp_path / "old.png").read_text() == "keep"
    assert main(["caption", "eval", "--model", "m", "--data", "in.txt", "--json", "in.txt/x.json"]) == 2
    one_line_error("in.txt is a file, not a folder")


OUTPUT_OPTIONS = {
    "--out",
    "--run-dir",
    "--output",
    "--json",
    "--json-out",
    "--plot",
    "--attention-plot",
    "--write-clean",
}


def _commands(group, ctx, prefix=()):
    import click

    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, click.Context(cmd, parent=ctx), (*prefix, name))
        elif cmd is not None:
            yield (*prefix, name), cmd


def test_every_command_that_writes_has_force_and_claims_its_outputs():
    """A command added later with an output option must keep the contract too (claim_outputs + --force)."""
    import inspect

    import click

    from rnnkit.cli import root

    writers = []
    for path, cmd in _commands(root, click.Context(root)):
        opts = {o for p in cmd.params for o in p.opts}
        if opts & OUTPUT_OPTIONS:
            writers.append(" ".join(path))
            assert "--force" in opts, f"rnnkit {' '.join(path)} writes but has no --force"
            source = inspect.getsource(cmd.callback)  # claim_run: a train command's run folder and model
            assert "claim_outputs(" in source or "claim_run(" in source, (
                f"rnnkit {' '.join(path)} claims nothing"
            )
    assert {"forecast train", "translate train", "caption train", "caption generate-data", "demo"} <= set(
        writers
    )


@pytest.mark.parametrize(
    "cmd",
    [
        ["forecast", "export", "--model", "model", "--out", "m.onnx/"],
        ["translate", "text", "hello", "--output", "m.txt/"],
        ["translate", "check-corpus", "prices.csv", "--write-clean", "m.tsv/"],
        ["forecast", "predict", "--model", "model", "--json", "m.json/"],
    ],
    ids=lambda cmd: " ".join(cmd[:2]),
)
def test_a_file_output_ending_in_a_slash_is_refused_before_any_work(mydocs, tmp_path, one_line_error, cmd):
    """``forecast export --out m.onnx/`` wrote the file ``m.onnx`` (the slash was dropped as the option
    was read), where a shell's ``> m.onnx/`` refuses a name that names a folder."""
    before = _snapshot(tmp_path)
    assert main(cmd) == 2
    typed = cmd[-1]
    one_line_error(f"{typed} ends with '/', so it names a folder; give a file name: ", f"or {typed[:-1]}")
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("cmd", "inside"),
    [
        (["forecast", "export", "--model", "model", "--out", "m.onnx/."], "m.onnx/model.onnx, or m.onnx"),
        (["forecast", "export", "--model", "model", "--out", "m.onnx/.."], "./model.onnx"),
        (
            ["translate", "check-corpus", "prices.csv", "--write-clean", "c.tsv/."],
            "c.tsv/clean.tsv, or c.tsv",
        ),
        (["forecast", "predict", "--model", "model", "--json", "p.json/."], "p.json/results.json, or p.json"),
        (["forecast", "predict", "--model", "model", "--json", "p.json/.."], "./results.json"),
    ],
    ids=lambda value: " ".join(value[:2]) if isinstance(value, list) else None,
)
def test_a_file_output_ending_in_a_dot_part_is_refused_before_any_work(
    mydocs, tmp_path, one_line_error, cmd, inside
):
    """``forecast export --out m.onnx/.`` wrote the file ``m.onnx``: pathlib reduces ``x/.`` to ``x``."""
    before = _snapshot(tmp_path)
    assert main(cmd) == 2
    typed = cmd[-1]
    tail = typed[typed.rindex("/") :]
    line = one_line_error(f"{typed} ends with '{tail}', so it names a folder; give a file name: {inside}")
    assert line.endswith(inside)
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("./", "./model.onnx"),
        (".", "./model.onnx"),
        ("~/", "{home}/model.onnx"),
        ("mydocs/", "mydocs/model.onnx"),
    ],
)
def test_a_folder_named_for_a_file_is_not_suggested_as_its_name(
    mydocs, tmp_path, one_line_error, typed, shown
):
    """``--out ./`` said 'give a file name: ./model.onnx, or .' and ``--out ~/`` '..., or /root': an
    existing folder (or ``.``) is no file name to suggest."""
    shown = shown.format(home=os.path.expanduser("~"))
    assert main(["forecast", "export", "--model", "model", "--out", typed]) == 2
    line = one_line_error(
        "so it names a folder" if typed != "." else ". names a folder", f"give a file name: {shown}"
    )
    assert line.endswith(f"give a file name: {shown}")


def test_every_file_output_option_refuses_a_name_ending_in_a_slash():
    """Each option a command claims as a file (``Output.file("--x", ...)``) keeps the slash as typed to
    refuse it: a file output added later with a plain ``UserPath()`` would write ``x`` for ``x/``."""
    import inspect
    import re

    import click

    from rnnkit.cli import root

    checked = []
    for path, cmd in _commands(root, click.Context(root)):
        source = inspect.getsource(cmd.callback)
        for option in re.findall(r'Output\.file\("(--[a-z-]+)"', source):
            param = next(p for p in cmd.params if option in p.opts)
            kind = getattr(param.type, "inner", param.type)  # rnnkit.utils.limits wraps path types
            guarded = param.callback is not None or getattr(kind, "file_example", None) is not None
            assert guarded, f"rnnkit {' '.join(path)} {option} would write a file for a name ending in '/'"
            checked.append(f"{' '.join(path)} {option}")
    assert {
        "forecast export --out",
        "translate text --output",
        "translate check-corpus --write-clean",
    } <= set(checked)


def test_every_option_of_every_command_has_help_text():
    """A user reading --help learns what each option does (issue 16: caption train had bare options)."""
    import click

    from rnnkit.cli import root

    def walk(group, ctx, prefix=""):
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            if isinstance(cmd, click.Group):
                yield from walk(cmd, click.Context(cmd, parent=ctx), f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}", cmd

    bare = [
        f"rnnkit {name} {p.opts[0]}"
        for name, cmd in walk(root, click.Context(root))
        for p in cmd.params
        if isinstance(p, click.Option) and not (p.help or "").strip()
    ]
    assert not bare, f"options without help: {bare}"


@pytest.mark.parametrize(
    ("where", "needle"),
    [
        ("caption/model/notes.txt", "caption/model is a folder of files rnnkit did not write"),
        (
            "forecast/glucose/model/notes.txt",
            "forecast/glucose/model is a folder of files rnnkit did not write",
        ),
        ("explain/gates/model/notes.txt", "explain/gates/model is a folder of files rnnkit did not write"),
        ("caption/digits_data/notes.txt", "caption/digits_data holds files rnnkit did not write"),
        ("translate/model", "translate/model: it is a file"),
        ("report.html/x", "cannot write dforce/report.html: it is a folder"),
        ("explain", "cannot write dforce/explain: it is a file, not a folder"),
    ],
)
def test_demo_checks_every_nested_output_before_any_work(tmp_path, monkeypatch, capsys, where, needle):
    """QA: a user's file in OUT/caption/model stopped ``demo --force`` only after the forecast and
    translate sections had trained and written theirs. Every nested model folder, data set and file is
    now checked first: one line, exit 2, nothing printed or written before it. (The folder is a demo's
    own, where the demo replaces its own files; in a user's folder ``--force`` refuses the section
    folders themselves: test_force_never_writes_over_a_users_entry_of_a_name_the_command_writes.)"""
    from rnnkit.utils.markers import Mark, write_mark

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "dforce"
    out.mkdir()
    write_mark(out, Mark("demo", "demo"))
    (out / "mine.txt").write_text("mine")
    target = out / where
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("a user's file")
    before = _snapshot(tmp_path)
    assert main(["demo", "--quick", "--threads", "1", "--out", "dforce", "--force", "--device", "cpu"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no section started
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error: ") and needle in err[0], err
    assert _snapshot(tmp_path) == before


def test_demo_plans_name_every_section_folder(tmp_path):
    """Each section lists its model folders and data sets (the places a save refuses), under its part."""
    import importlib

    from rnnkit.cli import DEMO_SECTIONS

    kinds = {}
    for module_name in DEMO_SECTIONS:
        part = module_name.split(".")[1]
        for item in importlib.import_module(module_name).planned_outputs(tmp_path / part):
            assert item.path.is_relative_to(tmp_path / part)
            kinds[str(item.path.relative_to(tmp_path))] = (item.kind, item.application)
    assert kinds["caption/model"] == kinds["caption/digits_model"] == ("model", "caption")
    assert kinds["caption/data"] == kinds["caption/digits_data"] == ("dataset", "")
    assert kinds["translate/model"] == ("model", "translate")
    assert kinds["forecast/ibm/model"] == kinds["forecast/glucose/model"] == ("model", "forecast")
    assert kinds["explain/gates/model"] == ("model", "explain")


@pytest.mark.slow
def test_a_quick_demo_writes_only_what_it_planned_and_no_library_notices(tmp_path):
    """The real quick demo (about 20 s on one core): every file it writes lies in the plan the demo
    checked first (a planned file, or inside a planned model folder or data set), its stderr holds
    only the progress lines (no 'findfont' or 'NOT subset' notices), and the console says once that
    quick results are not meaningful."""
    import importlib
    import os
    import subprocess
    import sys

    from rnnkit.cli import DEMO_SECTIONS, QUICK_NOTE

    out = tmp_path / "dq"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
        "OMP_NUM_THREADS": "1",
    }
    done = subprocess.run([sys.executable, "-m", "rnnkit", "demo", "--quick", "--threads", "1", "--device", "cpu",
                           "--out", str(out)], capture_output=True, text=True, env=env, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr
    noise = [ln for ln in done.stderr.splitlines() if "findfont" in ln or "NOT subset" in ln]
    assert noise == [], noise
    assert done.stdout.count(QUICK_NOTE) == 1
    planned = [out / "report.html"]
    folders = []
    for module_name in DEMO_SECTIONS:
        for item in importlib.import_module(module_name).planned_outputs(out / module_name.split(".")[1]):
            (planned if item.kind == "file" else folders).append(item.path)
    written = [p for p in out.rglob("*") if p.is_file() and p.parent != out or p.name == "report.html"]
    unplanned = [p for p in written if p not in planned and not any(p.is_relative_to(f) for f in folders)]
    assert unplanned == [], unplanned
    assert all(p.is_file() for p in planned)


def test_an_output_named_dash_is_alone_on_standard_output(tmp_path):
    # `forecast export --out - > m.onnx` held the ONNX bytes and then "wrote - (onnx; ...)": a corrupt
    # file. With an output on standard output, the command's own lines go to standard error.
    import os
    import subprocess
    import sys

    import onnx

    from helpers_models import make_forecast

    model = make_forecast(tmp_path / "model")
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src, "OMP_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "rnnkit", "forecast", "export", "--model", str(model), "--out", "-"],
        capture_output=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr.decode()
    assert b"wrote -" in run.stderr and b"wrote" not in run.stdout
    assert onnx.load_from_string(run.stdout).graph.node  # the bytes are the model, whole


def test_standard_output_is_given_back_when_the_command_ends(tmp_path, capsys):
    import sys

    from rnnkit.utils.outputs import Output, claimed

    before = sys.stdout
    with claimed([Output.file("--json", "-")]):
        print("a table")  # the command's own line: standard error while '-' holds standard output
        assert sys.stdout is not before
    assert sys.stdout is before
    print("after")
    out, err = capsys.readouterr()
    assert "a table" in err and out == "after\n"


@pytest.mark.parametrize("cmd", [*WRITERS, ["translate", "eval", "--json", "{out}"]], ids=_ids)
def test_an_output_name_that_is_not_utf8_is_refused_before_any_work(
    mydocs, tmp_path, one_line_error, cmd, monkeypatch
):
    """``forecast train --out $'run\\xff'`` trained, then failed with a traceback writing the model card
    (its command line is UTF-8 text): an unfinished run, and status 1."""
    import os

    from rnnkit.utils import provenance

    monkeypatch.setattr(provenance, "_COMMAND", None)  # the command line main records, put back after
    before = _snapshot(tmp_path)
    name = os.fsdecode(b"run\xff")
    assert main([c.format(out=name) for c in cmd]) == 2
    one_line_error(r"run\xff has bytes that are not UTF-8 in its name")
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("out", ["gone", "gone/run"])
def test_an_out_through_a_link_to_nothing_is_named_a_link(mydocs, tmp_path, one_line_error, out):
    """``--out gone`` with ``gone -> /mnt/usb/runs`` unplugged was refused as "a file", which ``ls``
    did not show: the user looked for a file."""
    (tmp_path / "gone").symlink_to(tmp_path / "unplugged" / "runs")
    before = _snapshot(tmp_path)
    assert main(["forecast", "train", "--out", out]) == 2
    one_line_error(f"gone is a symbolic link to {tmp_path / 'unplugged' / 'runs'}, which does not exist")
    assert _snapshot(tmp_path) == before


FORCED_OVER = [
    (["forecast", "train", "--out", "mydocs"], "predictions.csv"),
    (["forecast", "train", "--out", "mydocs"], "run.json"),
    (["forecast", "train", "--out", "mydocs"], "checkpoints/"),
    (["forecast", "eval", "--model", "model", "--out", "mydocs"], "metrics.json"),
    (["forecast", "backtest", "--out", "mydocs"], "backtest.csv"),
    (["translate", "train", "--out", "mydocs"], "average/"),  # a fresh run deleted it whole
    (["translate", "train", "--out", "mydocs"], "src.spm"),
    (["caption", "train", "--data", "prices.csv", "--out", "mydocs"], "vocab.json"),
    (["explain", "memory", "--out", "mydocs"], "memory.png"),
    (["explain", "gradient-flow", "--out", "mydocs"], "jobs/"),
    (["explain", "gates", "--out", "mydocs"], "gates.png"),
    (["demo", "--out", "mydocs"], "report.html"),
    (["demo", "--out", "mydocs"], "forecast/"),
]


@pytest.mark.parametrize(("cmd", "name"), FORCED_OVER, ids=lambda x: x if isinstance(x, str) else _ids(x))
def test_force_never_writes_over_a_users_entry_of_a_name_the_command_writes(
    mydocs, tmp_path, one_line_error, cmd, name
):
    """``--force`` writes into a user's folder keeping what is there, but it replaced the user's own
    files of the names the command writes (``predictions.csv``, ``run.json``, a plot; ``translate train``
    deleted a user's ``average/`` whole). Each name a command writes in its ``--out`` is declared to its
    claim, and a user's entry of that name is refused before any work, in one line naming it."""
    entry = mydocs / name.rstrip("/")
    if name.endswith("/"):
        entry.mkdir()
        (entry / "mine.txt").write_text("mine")
    else:
        entry.write_text("the user's own")
    before = _snapshot(tmp_path)
    assert main([*cmd, "--force"]) == 2
    one_line_error(f"--out mydocs holds {entry.name}, which this command writes there", "--force writes into")
    assert _snapshot(tmp_path) == before


OWN_FOLDER_IN_THE_WAY = [
    (["forecast", "train", "--out", "r"], ("forecast", "run"), "forecast.png", "it is a folder"),
    (["forecast", "train", "--out", "r"], ("forecast", "run"), "checkpoints", "it is a file"),
    (["forecast", "eval", "--model", "model", "--out", "r"], ("forecast", "eval"), "predictions.csv", "it is a folder"),
    (["forecast", "backtest", "--out", "r"], ("forecast", "backtest"), "backtest.json", "it is a folder"),
    (["translate", "train", "--out", "r"], ("translate", "run"), "tgt.spm", "it is a folder"),
    (["caption", "train", "--data", "prices.csv", "--out", "r"], ("caption", "run"), "vocab.json", "it is a folder"),
    (["explain", "memory", "--out", "r"], ("explain", "memory"), "memory.json", "it is a folder"),
    (["explain", "gradient-flow", "--out", "r"], ("explain", "gradient-flow"), "jobs", "it is a file"),
    (["explain", "gates", "--out", "r"], ("explain", "gates"), "gates.png", "it is a folder"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cmd", "mark", "name", "said"),
    OWN_FOLDER_IN_THE_WAY,
    ids=[f"{_ids(c)}-{n}" for c, _, n, _ in OWN_FOLDER_IN_THE_WAY],
)
def test_an_entry_in_the_way_of_an_output_is_refused_before_any_work(
    mydocs, tmp_path, one_line_error, cmd, mark, name, said
):
    """A folder where a run writes a file (``RUN/forecast.png/``), or a file where it writes into a folder
    (``RUN/checkpoints``), stopped the run only once it had trained. In the command's own folder too,
    every output it declares is checked before any work."""
    from rnnkit.utils.markers import Mark, write_mark

    run = tmp_path / "r"
    run.mkdir()
    write_mark(run, Mark(*mark))
    if said == "it is a folder":
        (run / name).mkdir()
        (run / name / "x").write_text("x")
    else:
        (run / name).write_text("x")
    before = _snapshot(tmp_path)
    assert main(cmd) == 2
    one_line_error(f"cannot write r/{name}: {said}")
    assert _snapshot(tmp_path) == before
