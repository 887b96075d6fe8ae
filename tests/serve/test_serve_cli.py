"""``rnnkit serve``: help, bad options in one line, a real start on loopback, and what it imports."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rnnkit.cli import main

SRC = str(Path(__file__).parents[2] / "src")
ENV = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1"}


def test_help_names_every_option(capsys):
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--models", "--workers", "--forwarded-allow-ips", "FORWARDED_ALLOW_IPS",
                   "127.0.0.1", "1..65535"):  # fmt: skip
        assert option in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--port", "0"], "--port"),
        (["--port", "70000"], "--port"),
        (["--port", "http"], "--port"),
        (["--workers", "0"], "--workers"),
        (["--models", ""], "--models"),
        (["--host", ""], "--host is empty"),  # would bind every address
        (["--host", " "], "--host is empty"),
        (["--models", "/no/such/folder"], "not a folder"),
        (["--forwarded-allow-ips", "*"], "any client"),  # every client could pose as any address
        (["--forwarded-allow-ips", "127.0.0.1,nginx"], "'nginx' is not an IP address"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args, needle, one_line_error):
    assert main(["serve", *args]) == 2
    one_line_error(needle)


def _imports(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_help_imports_no_web_stack_and_the_server_no_training_stack():
    pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")
    found = _imports(  # one interpreter (torch's import dominates): --help first, then the server
        "import sys, json, contextlib, io\n"
        "from rnnkit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help']); main(['serve', '--help'])\n"
        "helped = {m: m in sys.modules for m in ('starlette', 'uvicorn', 'torch')}\n"
        "from starlette.testclient import TestClient\n"
        "from rnnkit.serve.app import create_app\n"
        "from rnnkit.serve.registry import discover\n"
        "with TestClient(create_app(discover(None)), base_url='http://localhost:8000') as c:\n"
        "    started = 'accelerate' in sys.modules\n"
        "    ok = c.post('/api/translate', json={'text': 'Hello.'}).status_code\n"
        "print(json.dumps({'helped': helped, 'started': started, 'translated': ok,"
        " 'after': 'accelerate' in sys.modules}))"
    )
    assert found["helped"] == {"starlette": False, "uvicorn": False, "torch": False}
    served = {k: found[k] for k in ("started", "translated", "after")}
    assert served == {"started": False, "translated": 200, "after": False}


def _free_port(family: socket.AddressFamily = socket.AF_INET, host: str = "127.0.0.1") -> int:
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _get(url: str, host: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=2) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _stop_signals_as_default() -> None:
    """In the child: SIGTERM and SIGHUP at their default action, as a terminal leaves them (``nohup pytest``
    leaves SIGHUP ignored, and a child inherits that)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def _serving(
    args: list[str], url: str, stop: int = signal.SIGTERM, status: list[int] | None = None
) -> tuple[list[tuple[int, dict]], str, str]:
    """Start ``rnnkit serve ARGS``, wait for ``url``/api/health, then GET it as ``evil.example`` too;
    then send it ``stop``, its exit status appended to ``status``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "rnnkit", "serve", *args],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_stop_signals_as_default if os.name == "posix" else None,
    )  # fmt: skip
    try:
        deadline, answers = time.monotonic() + 120, []
        while not answers and time.monotonic() < deadline and proc.poll() is None:
            try:
                answers = [_get(f"{url}/api/health")]
            except OSError:
                time.sleep(0.2)
        if answers:
            answers.append(_get(f"{url}/api/health", host="evil.example:80"))
    finally:
        proc.send_signal(stop)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # a signal that left it serving
            proc.kill()
            out, err = proc.communicate()
    assert answers, err
    if status is not None:
        status.append(proc.returncode)
    return answers, out, err


def test_the_command_serves_on_loopback_until_stopped():
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    port = _free_port()
    answers, out, err = _serving(["--port", str(port)], f"http://127.0.0.1:{port}")
    assert answers[0][0] == 200 and answers[0][1]["status"] == "ok"
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err and "warning" not in err
    # DNS rebinding: a page of evil.example pointed at 127.0.0.1 sends its own name as the Host
    assert answers[1][0] == 400 and "not 'evil.example:80'" in answers[1][1]["error"]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on Windows")
def test_a_closed_terminal_shuts_the_server_as_sigterm_does():
    """SIGHUP (its terminal closed) raised rnnkit's Terminated inside uvicorn's event loop: a traceback,
    and a server that went on serving when it came during a request (a keep-alive connection open)."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    port, status = _free_port(), []
    _, _, err = _serving(["--port", str(port)], f"http://127.0.0.1:{port}",
                         stop=signal.SIGHUP, status=status)  # fmt: skip
    assert status == [128 + signal.SIGHUP], err
    assert err.strip() == "rnnkit: terminated (SIGHUP: its terminal was closed)"


def test_an_ipv6_host_may_be_written_as_in_a_url_and_is_loopback():
    """QA: ``--host [::1]`` was 'cannot listen on [[::1]]', and ``--host ::1`` printed the banner
    ``http://::1:PORT/``, which no browser opens."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    try:
        port = _free_port(socket.AF_INET6, "::1")
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    answers, out, err = _serving(["--host", "[::1]", "--port", str(port)], f"http://[::1]:{port}")
    assert answers[0][0] == 200
    assert f"rnnkit serve: http://[::1]:{port}/" in out
    assert "warning" not in err  # loopback: this machine only
    assert answers[1][0] == 400


def test_a_taken_port_or_a_bad_host_is_one_line_and_exit_2_without_the_banner(capsys):
    """QA: a taken port printed the banner, then uvicorn's ``ERROR: [Errno 98]``, exit 3. The address is
    now bound before the banner, and a failure is rnnkit's one line."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
        captured = capsys.readouterr()
        assert "rnnkit serve: http" not in captured.out
        err = captured.err.strip().splitlines()
        assert err == [f"rnnkit: error: cannot listen on 127.0.0.1:{port}: Address already in use"], err
    assert main(["serve", "--port", str(port), "--host", "999.1.1.1"]) == 2
    captured = capsys.readouterr()
    assert "rnnkit serve: http" not in captured.out and "warning" not in captured.err
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"rnnkit: error: cannot listen on 999.1.1.1:{port}: "), err


def test_listen_socket_names_the_address_and_the_reason():
    from rnnkit.serve.cli import listen_socket
    from rnnkit.utils.errors import RnnkitError

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        with pytest.raises(
            RnnkitError, match=rf"^cannot listen on 127\.0\.0\.1:{port}: Address already in use$"
        ):
            listen_socket("127.0.0.1", port)
    sock = listen_socket("127.0.0.1", 0)  # free: bound, not yet listening (uvicorn listens on it)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


def test_commands_the_pages_name_take_the_options_they_show():
    """A command line quoted on a page or in a note (``rnnkit explain gradient-flow --out DIR``) runs:
    each option it shows is a visible option of that command (the cells page named --run-dir, which
    only says it is gone)."""
    import re

    import click

    from rnnkit.cli import root

    serve = Path(__file__).parents[2] / "src" / "rnnkit" / "serve"
    files = [*serve.glob("pages/*.html"), *serve.glob("static/*.js"), *serve.glob("*.py")]
    quoted = re.compile(r"rnnkit ((?:[a-z][a-z-]* )*[a-z][a-z-]*)((?: --?[a-z][a-z-]*(?: [A-Z]+)?)+)")
    seen = 0
    for path in files:
        for words, options in quoted.findall(path.read_text(encoding="utf-8")):
            ctx, command = click.Context(root), root
            for word in words.split():
                if not isinstance(command, click.Group) or command.get_command(ctx, word) is None:
                    break
                command = command.get_command(ctx, word)
            shown = {o for p in command.params if not getattr(p, "hidden", False) for o in p.opts}
            shown |= {"-h", "--help"}
            for option in re.findall(r"--?[a-z][a-z-]*", options):
                assert option in shown, f"{path.name}: rnnkit {words} {option} is not an option it takes"
                seen += 1
    assert seen  # the pattern found the quoted commands


def test_linked_model_folders_are_named_not_silently_skipped(models_dir, tmp_path, capsys):
    """--models over a folder of links to model folders served no model ('models: 1 translate') and
    said nothing; links are still not followed (one may lead anywhere), and the command now says which
    and what to do."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    served = tmp_path / "served"
    (served / "runs").mkdir(parents=True)
    (served / "forecast").symlink_to(models_dir / "forecast", target_is_directory=True)
    (served / "runs" / "caption").symlink_to(models_dir / "caption", target_is_directory=True)
    with socket.socket() as held:  # a taken port: the command stops right after reading --models
        held.bind(("127.0.0.1", 0))
        held.listen()
        assert main(["serve", "--port", str(held.getsockname()[1]), "--models", str(served)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == (
        "rnnkit: warning: --models: links are not followed: forecast, runs/caption (copy the folders in,"
        " or give one as --models)"
    ), err
    assert err[1].startswith("rnnkit: error: cannot listen on"), err


def test_models_of_a_folder_holding_none_is_said(models_dir, tmp_path, capsys):
    """QA: --models over a folder with no model folder in it (the data folder, runs/ before any training)
    served the shipped translator alone with no word of it but the banner's "models: 1 translate"."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sales.csv").write_text("Date,Sales\n2024-01-01,1\n")
    with socket.socket() as held:  # a taken port: the command stops right after reading --models
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = str(held.getsockname()[1])
        assert main(["serve", "--port", port, "--models", str(tmp_path / "data")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert main(["serve", "--port", port, "--models", str(models_dir)]) == 2
        served = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith(f"rnnkit: warning: --models {tmp_path / 'data'}: no model folder in it ("), err
    assert err[0].endswith("serving the shipped translator alone") and len(err) == 2, err
    assert len(served) == 1 and served[0].startswith("rnnkit: error: cannot listen on"), served
