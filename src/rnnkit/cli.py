"""The ``rnnkit`` command: mounts each application's commands and runs the demo.

Application groups are imported only when their name is on the command line (``LazyGroup``), so
``rnnkit forecast predict`` never pays for translation, captioning or the training stack.
User mistakes (:class:`~rnnkit.utils.errors.RnnkitError`, bad options) print one line and exit 2; Ctrl-C
prints ``rnnkit: interrupted`` (with how to continue, for a training run that can be resumed) and exits 130.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import importlib.util
import io
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rnnkit.utils.dist import ERROR_PREFIX
from rnnkit.utils.ending import TERMINATED as _TERMINATED
from rnnkit.utils.ending import at_default
from rnnkit.utils.errors import Interrupted, RnnkitError, Terminated
from rnnkit.utils.limits import bound_options
from rnnkit.utils.options import common_options, force_option, progress_option
from rnnkit.utils.user_paths import UserPath

if TYPE_CHECKING:
    from rnnkit.report import Report

# name -> (module, attribute, one-line help); each module holds a click group and imports little.
APPLICATIONS = {
    "forecast": ("rnnkit.forecast.cli", "cli", "Sequence to vector: forecast a time series."),
    "translate": ("rnnkit.translate.cli", "cli", "Sequence to sequence: translate sentences."),
    "caption": ("rnnkit.caption.cli", "cli", "Vector to sequence: describe images."),
    "explain": ("rnnkit.explain.cli", "cli", "Why gates matter: gradient flow, memory tasks, gate plots."),
    "serve": (
        "rnnkit.serve.cli",
        "serve",
        "A local web app: translate, caption, forecast, inside the cells.",
    ),
}

# Demo sections, in report order: module with ``demo_section(out_dir, seed, device, quick) -> Section``,
# and its rough time in seconds on one free core (it computes on one thread), for the overall progress
# line: the CPU seconds of each section in a full run at ab8abce, 2026-12-05 (384 s in all; the whole
# demo took 369 to 403 s of wall time on an idle 2-core box since the seventh translate look,
# docs/BENCHMARKS.md). The older figures (6, 58, 107, 94: 4.4 min) predate the ensemble translator, MBR
# and the caption's fourth to seventh passes; with them the line said "about 4 min left" at the start.
DEMO_SECTIONS = {
    "rnnkit.forecast.demo": 11.0,
    "rnnkit.translate.demo": 111.0,
    "rnnkit.caption.demo": 143.0,
    "rnnkit.explain.demo": 119.0,
}
# --quick runs the same sections in about 16 s in all, 3, 7, 4 and 2 s on the same box: each section's own
# figure, not the full run's scaled down. Scaled by one share, forecast's 0.5 s against its real 3 s made
# the overall line rescale the rest by six: "section 2/4: translate, about 9 min left" in a run of seconds.
QUICK_SECTIONS = {
    "rnnkit.forecast.demo": 3.0,
    "rnnkit.translate.demo": 7.0,
    "rnnkit.caption.demo": 4.0,
    "rnnkit.explain.demo": 2.0,
}

# --quick trains tiny models for seconds: said once on the console and atop each section of the report,
# so that its numbers and verdicts are not read as the demo's results.
QUICK_NOTE = (
    "Quick mode: a smoke run of tiny models trained for a few seconds; its numbers and verdicts are not "
    "meaningful (run without --quick for the real results)"
)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _missing(name: str) -> str:
    """The line for an application whose module is not installed (a broken install, never a choice)."""
    return f"the {name} application is missing (no module {APPLICATIONS[name][0]}); reinstall rnnkit"


class _Interrupt(BaseException):  # noqa: N818 - a carrier, not an error
    """Ctrl-C carried past click, which would print a blank line before re-raising it as ``Abort``."""

    def __init__(self, interrupt: KeyboardInterrupt) -> None:
        super().__init__(str(interrupt))
        self.interrupt = interrupt


class _PipeClosed(BaseException):  # noqa: N818 - a carrier, not an error
    """A reader gone from a pipe (``| head -1``) carried past click, which would end with status 1."""


PIPE_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for grep, cat or seq when the reader goes first


def _closed_pipe(exc: BaseException | None) -> bool:
    """Whether ``exc``, or the error it was raised from (a write of ``--json -`` worded as a
    :class:`RnnkitError`), is a write into a pipe whose reader has gone."""
    while exc is not None:
        if isinstance(exc, BrokenPipeError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class LazyGroup(click.Group):
    """A click group whose subcommand groups are imported on first use."""

    def make_context(self, *args, **kwargs) -> click.Context:  # noqa: ANN002, ANN003 - click's own
        try:  # --help and --version print here
            return super().make_context(*args, **kwargs)
        except OSError as exc:
            if _closed_pipe(exc):
                raise _PipeClosed() from exc
            raise

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise _Interrupt(exc) from None
        except OSError as exc:
            if _closed_pipe(exc):
                raise _PipeClosed() from exc
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = []
        for name, (module, _, _) in APPLICATIONS.items():
            if _module_exists(module):
                lazy.append(name)
            else:  # said once per listing, on stderr: the help stays readable, the gap is not silent
                click.echo(f"rnnkit: warning: {_missing(name)}", err=True)
        return sorted(set(super().list_commands(ctx)) | set(lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in APPLICATIONS:
            module, attr, _ = APPLICATIONS[name]
            if not _module_exists(module):
                raise RnnkitError(_missing(name))
            return bound_options(getattr(importlib.import_module(module), attr))
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in APPLICATIONS:
                rows.append((name, APPLICATIONS[name][2]))
            else:
                cmd = super().get_command(ctx, name)
                rows.append((name, cmd.get_short_help_str() if cmd else ""))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rnnkit")
def root() -> None:
    """rnnkit: Simple RNN, LSTM and GRU from their equations, and what they are for."""


@root.command()
@click.option(
    "--out",
    type=UserPath(),
    default=Path("runs/demo"),
    show_default=True,
    help="Run folder for the report, plots and models.",
)
@click.option(
    "--quick", is_flag=True, help="A tiny version of every section: a smoke run of under a minute, for tests."
)
@progress_option(more="Off: no bars and no section estimates; the tables and verdicts still print.")
@force_option
@common_options
def demo(out: Path, quick: bool, show_progress: bool, seed: int, device: str) -> None:
    """Train each kind of model and write a report.

    The main job: a small model of each kind is trained on the bundled data, beside the baselines a
    skeptic would ask for, and the results go to OUT/report.html.
    """
    from rnnkit.utils.outputs import Output, claim_outputs
    from rnnkit.utils.progress import progress_shown

    missing = [name for name in DEMO_SECTIONS if not _module_exists(name)]
    if missing:  # an install without an application is broken: say so, never skip a section silently
        raise RnnkitError(f"demo section module(s) missing: {', '.join(missing)}; reinstall rnnkit")
    claim_outputs([Output.folder("--out", out, "demo", "demo", writes=_demo_outputs(out, quick))])
    with progress_shown(show_progress):
        _demo(out, quick, seed, device)


def _demo(out: Path, quick: bool, seed: int, device: str) -> None:
    """The demo's sections, in its claimed ``out``."""
    from rnnkit.report import Report, provenance, shown_path
    from rnnkit.utils.progress import StageProgress

    command = [
        "rnnkit",
        "demo",
        "--out",
        shown_path(out),
        *(["--quick"] if quick else []),
        "--seed",
        str(seed),
    ]
    intro = (
        "Small models of each kind trained on the bundled data, each beside the baseline a skeptic "
        "would ask for, scored on data they did not train on."
    )
    # A reader looks at the top of the page (and the browser tab) first: a quick run's blue verdict boxes
    # ('The model beats the naive forecast') read as results when only the grey notes below said otherwise.
    report = Report(
        "rnnkit demo (quick smoke run, not results)" if quick else "rnnkit demo",
        intro=f"{QUICK_NOTE}. {intro}" if quick else intro,
        meta=provenance(command, seed=seed, device=device),
    )
    out.mkdir(parents=True, exist_ok=True)
    if quick:
        click.echo(QUICK_NOTE)
    stages = StageProgress(_section_costs(quick))
    parts = [name.split(".")[1] for name in DEMO_SECTIONS]
    written = None  # the report of the sections finished so far, once one is
    held: list[str] = []  # the sections it holds: fewer than finished when a rewrite failed
    try:
        for module_name, part in zip(DEMO_SECTIONS, parts, strict=True):
            module = importlib.import_module(module_name)
            stages.start(part)
            click.echo(f"== {part} ==")
            section = module.demo_section(out / part, seed=seed, device=device, quick=quick)
            if quick:  # said in every section of the page, where a reader may land from its contents
                section.add_text(QUICK_NOTE, note=True).blocks.insert(0, section.blocks.pop())
            _print_tables(section)
            for verdict in section.verdicts:
                click.echo(f"verdict: {verdict}")
            report.add(section)
            remaining = parts[len(report.sections) :]
            if remaining:  # a Ctrl-C or a failure later keeps the sections already paid for
                written = _partial_report(report, remaining, " ".join(command)).write(out / "report.html")
                held = parts[: len(report.sections)]
        stages.finish()
        path = report.write(out / "report.html")
    except (KeyboardInterrupt, Exception):
        if written is not None:
            click.echo(_partial_line(written, held, parts[: len(report.sections)]), err=True)
        raise
    click.echo(f"report: {path}")


def _partial_line(written: Path, held: list[str], finished: list[str]) -> str:
    """What a demo stopped part-way says of its report: the file holds the ``held`` sections, which
    are all the ``finished`` ones unless the report could not be rewritten after the last of them."""
    if held == finished:
        return f"report of the finished sections: {written}"
    return (
        f"report of the sections {', '.join(held)} only (it could not be rewritten after "
        f"{', '.join(finished[len(held) :])}): {written}"
    )


def _partial_report(report: Report, remaining: list[str], command: str) -> Report:
    """``report`` with a last section naming the demo sections still to run: the page written after each
    section, so that a demo stopped part-way (Ctrl-C, a failure) leaves the finished ones readable."""
    from dataclasses import replace

    from rnnkit.report import Section

    done = report.sections[-1].title
    pending = Section("Sections still to run").add_text(
        f"This report was written when the {done} section had finished; the demo had still to run: "
        f"{', '.join(remaining)}. If it stopped there (Ctrl-C, an error), run the same command again to "
        f"complete the report: {command}",
        note=True,
    )
    return replace(report, sections=[*report.sections, pending])


bound_options(root)


def _section_costs(quick: bool) -> dict[str, float]:
    """Each section's rough seconds, by its short name, for the overall progress line; a section with
    no measured quick time counts as a few seconds in a quick run."""
    return {
        name.split(".")[1]: QUICK_SECTIONS.get(name, 3.0) if quick else seconds
        for name, seconds in DEMO_SECTIONS.items()
    }


def _demo_outputs(out: Path, quick: bool) -> list:
    """Every place the demo will write, each section's model folders and data sets included, declared to
    the claim of ``out`` and checked there before the first section runs (docs/reliability.md: outputs
    are checked before any work). Without this a user's file in ``OUT/caption/model`` stopped the demo
    only after the forecast and translate sections had trained and written theirs. Each section writes
    inside ``OUT/<section>``, declared as a folder even when its module lists nothing
    (``planned_outputs`` missing: its own saves still check their places)."""
    from rnnkit.utils.planned import Planned

    planned: list[Planned] = [Planned.file(out / "report.html")]
    for module_name in DEMO_SECTIONS:
        section = out / module_name.split(".")[1]
        planned.append(Planned.folder(section))
        plan = getattr(importlib.import_module(module_name), "planned_outputs", None)
        if plan is not None:
            planned += plan(section, quick=quick)
    return planned


def _print_tables(section) -> None:
    """Print a section's result tables (model beside baselines) to stdout, in rnnkit's one table style."""
    from rnnkit.utils.tables import format_table

    for caption, headers, rows in section.tables:
        click.echo("\n" + format_table(headers, rows, title=caption or section.title))


def _interrupted(exc: KeyboardInterrupt) -> tuple[str, int]:
    """The line and exit status for Ctrl-C (130) or SIGTERM (143); an :class:`Interrupted` adds how to
    continue (a training run: ``--resume``).

    On a terminal the line starts on a fresh line, after the ``^C`` the terminal echoed; in a log or a
    pipe there is no such echo, and no blank line before it.
    """
    by = _terminated_by(exc)
    terminated = by is not None or (isinstance(exc, Interrupted) and exc.terminated)
    signum = by.signum if by is not None else signal.SIGTERM
    word = "interrupted" if not terminated else _TERMINATED.get(signum, "terminated")
    hint = str(exc).splitlines()[0] if isinstance(exc, Interrupted) and str(exc) else ""
    line = f"rnnkit: {word}; {hint}" if hint else f"rnnkit: {word}"
    return (("\n" + line) if sys.stderr.isatty() else line), (128 + signum if terminated else 130)


def _terminated_by(exc: BaseException | None) -> Terminated | None:
    """The :class:`Terminated` that ``exc`` is, or was raised while handling (a training run turns it
    into :class:`Interrupted` with how to continue): it knows the signal."""
    while exc is not None:
        if isinstance(exc, Terminated):
            return exc
        exc = exc.__context__
    return None


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a batch scheduler's time limit or preemption) stops a command as Ctrl-C does:
    a training run keeps its last checkpoint, releases its locks and says how to continue. So does
    SIGHUP, sent when the terminal closes (an ssh session dropped), which ended the process on the spot:
    temporary files stayed, and a log (``2> log``) never said why the run stopped. A write that finds
    the terminal gone (``EIO``, which may come before the SIGHUP, or instead of it) is that SIGHUP too
    (:mod:`rnnkit.utils.hangup`), and one closed terminal stops the command once, however many SIGHUPs
    it sends (the kernel's, and the shell's passed on).

    Only where SIGTERM still has its default action (or the console script's while it starts,
    :func:`rnnkit._entry.main`), in the main thread: a host that handles it (a server, a notebook
    kernel) keeps its own handler; SIGHUP too only where default (``nohup`` ignores it, and so does
    rnnkit then). Restored when the command ends.

    A signal that comes once the command has returned, while click closes its contexts (releasing the
    run folder's lock, restoring thread counts), stopped that clean-up half-way and said ``rnnkit:
    terminated`` under a run whose every output was written. It now waits for the clean-up; then, the
    handlers restored, it is raised again for whoever handles it next: by default it ends the process
    silently, as it would any program with nothing left to do, and the shell says 143 (or 129).
    """
    from rnnkit.utils.hangup import terminal_hangup_as_signal

    if threading.current_thread() is not threading.main_thread() or not at_default(signal.SIGTERM):
        yield
        return
    hup = getattr(signal, "SIGHUP", None)  # None on Windows
    hung_up = False  # the terminal closed: said once, however many SIGHUPs come
    late: list[int] = []  # signals that came while click closed the contexts of a command that returned

    def terminate(signum: int, frame: object) -> None:
        nonlocal hung_up
        if signum == hup:
            if hung_up:
                return
            hung_up = True
        if _closing_after_return(frame):
            late.append(signum)
            return
        raise Terminated(signum)

    ours = [signum for signum in _TERMINATED if at_default(signum)]
    for signum in ours:
        signal.signal(signum, terminate)
    stop_watching = _watch_signals_in_rendezvous()
    returned = False
    try:
        with terminal_hangup_as_signal(hup) if hup in ours else contextlib.nullcontext():
            yield
        returned = True
    finally:
        for signum in ours:  # the default, also where the console script held them while it started
            signal.signal(signum, signal.SIG_DFL)
        stop_watching()
    # a command that ended with an error or Ctrl-C says so itself: a late signal adds nothing there
    if late and returned:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # what the command wrote goes out first
                stream.flush()
        signal.raise_signal(late[0])


# where click closes a context (with the exception on the way since click 8.2; before, close())
_CLOSING = {getattr(click.Context, "_close_with_exception_info", click.Context.close).__code__}


def _closing_after_return(frame: object) -> bool:
    """Whether ``frame`` (where a signal found the main thread) is inside click's closing of a context
    whose command returned: its clean-up, with no exception on the way."""
    while frame is not None:
        if frame.f_code in _CLOSING:  # type: ignore[attr-defined]
            return frame.f_locals.get("exc_type") is None  # type: ignore[attr-defined]
        frame = frame.f_back  # type: ignore[attr-defined]
    return False


RENDEZVOUS_GRACE_S = 0.5  # a main thread running Python handles a signal in far less


def _watch_signals_in_rendezvous() -> Callable[[], None]:
    """Under a launch, SIGTERM or Ctrl-C that comes while this process waits to join the others ends
    it at once, as after its handler (status 143, 129 or 130, process 0 saying so); returns how to stop.

    A Python signal handler runs only when the main thread runs Python, and torch's rendezvous
    (``init_process_group``) blocks in C++ until every process has joined: a process whose peer had
    failed first ignored torchrun's SIGTERM until its SIGKILL 30 s later (under ``srun`` without
    ``--kill-on-bad-exit``, torch's 30-minute timeout). The signal still reaches the wake-up file
    descriptor (:func:`signal.set_wakeup_fd`), read here by a thread, which may run while the main
    thread blocks. When the main thread is still in the rendezvous after a moment, nothing has been
    trained or saved, so the process exits; what it claimed stays as a SIGKILL leaves it (a marked
    run folder, accepted by the next run). Anywhere else the handler runs as before.

    Only under a launch, and only where the wake-up descriptor is free (an event loop keeps its own).
    """
    from rnnkit.utils.dist import world_size

    if world_size() <= 1:
        return lambda: None
    read_end, write_end = os.pipe()
    try:
        os.set_blocking(write_end, False)  # a signal handler must never block on a full pipe
        previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    except (OSError, ValueError):  # not the main thread; Windows wakes only on a socket
        previous = None
    if previous != -1:
        if previous is not None:
            signal.set_wakeup_fd(previous)
        os.close(read_end)
        os.close(write_end)
        return lambda: None

    def watch() -> None:
        with open(read_end, "rb", buffering=0) as signals:
            while received := signals.read(64):  # empty once the write end is closed
                for signum in (*_TERMINATED, signal.SIGINT):  # SIGHUP too: it waited, where it had killed
                    if int(signum) in received:
                        time.sleep(RENDEZVOUS_GRACE_S)
                        if _in_rendezvous():
                            _exit_in_rendezvous(signum)

    threading.Thread(target=watch, name="rnnkit-signals-in-rendezvous", daemon=True).start()

    def stop() -> None:
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(-1)
        os.close(write_end)

    return stop


def _in_rendezvous() -> bool:
    """Whether the main thread is inside ``torch.distributed.init_process_group``: joining the others."""
    frame = sys._current_frames().get(threading.main_thread().ident or -1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "init_process_group" and "distributed" in Path(code.co_filename).parts:
            return True
        frame = frame.f_back
    return False


def _exit_in_rendezvous(signum: int) -> None:
    """End the process as the handler of ``signum`` would (status 143: SIGTERM, 129: SIGHUP, 130:
    Ctrl-C), saying so."""
    from rnnkit.utils.dist import ErrorsOnly, is_main_process, settle

    line, status = _interrupted(KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum))
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(line + "\n")  # another process holds it back, and says it if process 0 does not
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        if is_main_process():
            _tell_ended([])
        elif isinstance(sys.stderr, ErrorsOnly):
            settle(sys.stderr, failed=True)
    os._exit(status)


def _os_error(exc: OSError) -> str:
    """One line for an ``OSError`` that reached the top (most are worded where they happen)."""
    reason = exc.strerror or str(exc) or exc.__class__.__name__
    if exc.filename is None:
        where = "cannot write standard output: " if _writing_standard_output(exc) else ""
        return f"{ERROR_PREFIX}{where}{reason}"
    writing = exc.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG)
    return f"{ERROR_PREFIX}{'cannot write ' if writing else ''}{exc.filename}: {reason}"


def _typed_arguments_escaped(message: str, argv: list[str] | None) -> str:
    """``message`` with each argument the user typed that holds a line break or another control character
    (a path pasted with its newline: ``--model $'runs/x\\n'``) written with escapes (``runs/x\\n``).

    An error line is one line, so the message was cut at the break inside the name: ``model folder not
    found: runs/x`` named a folder that exists, and the next line, printed raw, was left out or, for a
    click usage error, printed as a second line. ``--out`` refuses such a name outright
    (:mod:`rnnkit.utils.outputs`); an input of that name may exist, so only its spelling changes here.
    """
    args = sys.argv[1:] if argv is None else argv
    typed = {value for arg in args for value in (arg, arg.partition("=")[2] if arg.startswith("--") else "")}
    # a path is named as rnnkit tidied it (./runs/x, runs//x and ~/x are named runs/x and /home/u/x)
    typed |= {
        tidy(home(value))
        for value in typed
        if value and _CONTROL_CHARACTER.search(value)
        for home in (str, os.path.expanduser)  # ~/runs/x/ (a shell's completion) tidied after its ~
        for tidy in (str, lambda v: str(Path(v)), os.path.normpath, os.path.abspath)
    }
    for value in sorted((v for v in typed if _CONTROL_CHARACTER.search(v)), key=len, reverse=True):
        message = message.replace(value, _CONTROL_CHARACTER.sub(lambda m: repr(m.group())[1:-1], value))
    return message


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _unwritable_text(exc: UnicodeEncodeError) -> str:
    """One line for output that standard output's encoding cannot hold: Korean text under
    ``PYTHONIOENCODING=latin-1`` or a Latin-1 locale printed a traceback ending in UnicodeEncodeError."""
    return (
        f"{ERROR_PREFIX}cannot write standard output: its encoding, {exc.encoding}, cannot hold "
        f"{exc.object[exc.start : exc.end]!r} (run under a UTF-8 locale, e.g. LC_ALL=C.UTF-8, "
        "or set PYTHONIOENCODING=utf-8)"
    )


def _quiet_closed_pipes() -> None:
    """Point standard output and error, where their reader has gone, at ``/dev/null``. Python flushes
    them once more at exit, which printed ``Exception ignored ... BrokenPipeError`` (the remedy of
    Python's own documentation, "Note on SIGPIPE"). A stream whose reader is still there is kept."""
    import select

    if not hasattr(select, "poll"):  # Windows: no such check, and no SIGPIPE either
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):  # closed, or no descriptor (captured output)
            continue
        poll = select.poll()
        poll.register(fd, select.POLLOUT)
        if any(events & select.POLLERR for _, events in poll.poll(0)):  # a pipe with no reader
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)


def _writing_standard_output(exc: BaseException) -> bool:
    """Whether ``exc`` was raised writing standard output (``> /dev/full``, a full disk): the frame it
    came from, click.echo's (which flushes every line), was writing a stream that is standard output.
    Such an error names no file, and "No space left on device" alone did not say which output failed.
    A closed pipe (``| head``) never gets here: it ends the command quietly (:data:`PIPE_CLOSED`)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and any(_is_stdout(value) for value in tb.tb_frame.f_locals.values())


def _is_stdout(stream: object) -> bool:
    """Whether ``stream`` is standard output, or another file object over its file descriptor."""
    if stream is sys.stdout or stream is sys.__stdout__:
        return True
    if not isinstance(stream, io.IOBase):
        return False
    try:
        return stream.fileno() == sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # no descriptor (captured output), or closed
        return False


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the command; user mistakes become one line on stderr and exit 2.

    Under a multi-process launch (``torchrun ... -m rnnkit``, ``accelerate launch``) every process
    runs the command and only the main one prints results, warnings and notes: the others' standard
    output goes nowhere, and their standard error carries only their errors, labelled with the
    process (:class:`rnnkit.utils.dist.ErrorsOnly`), since one process may fail alone. An error met
    before the processes join (a bad option, a missing file, a refused ``--out``) is met by all of
    them alike: where the launcher serves a store (torchrun's), the others say only what process 0
    (or the first process of their node) did not (:func:`rnnkit.utils.dist.settle`). Files are
    written once in the same way (:mod:`rnnkit.utils.atomic`).
    """
    from rnnkit.utils.dist import ErrorsOnly, held_until_settled, is_main_process, launch_news, rank, settle

    news = launch_news()
    said: list[str] = []
    if is_main_process():
        status = _run(argv, said)
        if news and status != 0:
            _tell_ended(said)
        return status
    errors = ErrorsOnly(sys.stderr, rank(), hold=held_until_settled if news else None)
    status = 1
    with (
        open(os.devnull, "w", encoding="utf-8") as sink,
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(errors),
    ):
        try:
            status = _run(argv, said)
            return status
        finally:
            errors.flush()
            settle(errors, failed=status != 0)


def _tell_ended(said: list[str]) -> None:
    """Process 0 tells the launch it has ended, with the errors it said before the processes joined:
    the others then leave those to it (:func:`rnnkit.utils.dist.settle`)."""
    from rnnkit.utils.dist import tell_ended

    tell_ended(said)


def _say(line: str, said: list[str]) -> None:
    """Write the command's last line to standard error; an error met before the processes of a launch
    joined is noted in ``said`` (process 0 tells the others, which then leave it to process 0)."""
    from rnnkit.utils.dist import joined
    from rnnkit.utils.wording import as_typed

    line = as_typed(line)  # a name's bytes that are not UTF-8 as typed (x\xf1.csv), not x\udcf1.csv
    try:
        click.echo(line, err=True)
    except OSError:  # standard error closed (2>&-) or its reader gone: the status still tells
        _quiet_closed_pipes()
    if line.startswith(ERROR_PREFIX) and not joined():
        said.append(line)


def _run(argv: list[str] | None, said: list[str]) -> int:
    from rnnkit.utils.provenance import recording

    # model folders record the command that made them, while it runs: after main([...]) returns, a model
    # saved in Python recorded that command (and failed to save when it held a name that is not UTF-8)
    with recording(sys.argv[1:] if argv is None else argv):
        return _command(argv, said)


def _command(argv: list[str] | None, said: list[str]) -> int:
    try:
        # A command that raises click.exceptions.Exit(n) (check-corpus: 1 when it found problems) gets
        # its status back from click here, in non-standalone mode, as the return value.
        with _sigterm_as_interrupt():
            status = root.main(args=argv, prog_name="rnnkit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.Abort as exc:
        # click turns Ctrl-C inside a command into Abort, the KeyboardInterrupt kept as its cause.
        cause = exc.__cause__
        message, code = (
            _interrupted(cause) if isinstance(cause, KeyboardInterrupt) else ("rnnkit: aborted", 130)
        )
        _say(message, said)
        return code
    except click.ClickException as exc:
        message = _typed_arguments_escaped(exc.format_message(), argv)
        if isinstance(exc, click.NoSuchOption) and exc.option_name[1:2].isdigit():  # "-5 degrees"
            message += " (text that starts with '-' goes after --: rnnkit translate text -- \"-5 degrees\")"
        _say(f"{ERROR_PREFIX}{message}", said)
        return 2
    except _PipeClosed:
        _quiet_closed_pipes()
        return PIPE_CLOSED
    except RnnkitError as exc:
        if _closed_pipe(exc):  # "cannot write standard output: Broken pipe" (--json -): no error either
            _quiet_closed_pipes()
            return PIPE_CLOSED
        message = _typed_arguments_escaped(str(exc), argv)
        _say(f"{ERROR_PREFIX}{message.splitlines()[0] if message else type(exc).__name__}", said)
        return 2
    except _Interrupt as exc:
        message, code = _interrupted(exc.interrupt)
        _say(message, said)
        return code
    except KeyboardInterrupt as exc:
        message, code = _interrupted(exc)
        _say(message, said)
        return code
    except OSError as exc:  # disk full, a read-only file system, no permission: one line, not a traceback
        _say(_typed_arguments_escaped(_os_error(exc), argv), said)
        return 2
    except UnicodeEncodeError as exc:
        if not _writing_standard_output(exc):
            raise  # a bug, not the user's terminal
        _say(_unwritable_text(exc), said)
        return 2
    return status if isinstance(status, int) and not isinstance(status, bool) else 0


if __name__ == "__main__":
    sys.exit(main())
