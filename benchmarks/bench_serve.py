"""Load on ``rnnkit serve``: requests per second and p50/p95 latency of translate and caption at 1, 8
and 32 concurrent clients, on loopback only.

The server is the real command (``python -m rnnkit serve --port P --models DIR``) in its own process,
with its default pool (2 workers, 32 waiting); the clients are threads of this script, each with its
own keep-alive connection, sending requests back to back. Each level sends ``--requests`` requests
(at least 2 per client) and stops early after ``--seconds``; requests still running then are waited
for and counted. Errors (503 busy, 504 slow) are counted, not timed.

- translate: the shipped English-to-Korean model, beam 5 and 3-best (the page's defaults), sentences
  of the bundled corpus in turn;
- caption: a captioner of the default architecture (small CNN, LSTM decoder of 192 units, attention)
  trained for one epoch on 64 generated scenes unless ``--caption-model DIR`` names one; its speed
  depends on the architecture, not on how well it was trained. The images are uploaded as base64
  PNGs of generated scenes, at beam 3 (the page's default until 7 December) and with no beam given,
  so at the model's saved beam (10 for a trained captioner: the page's default since then, the beam
  ``rnnkit caption describe`` uses).

    python benchmarks/bench_serve.py                          # about 3 minutes on 2 cores
    python benchmarks/bench_serve.py --requests 64 --seconds 60 --levels 1,8,32

The machine may be shared: the script prints the 1-minute load average before and after each level.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def train_caption_model(folder: Path) -> Path:
    """A default-architecture captioner trained briefly (its speed is what is measured)."""
    sys.path.insert(0, str(SRC))
    from rnnkit.caption.datasets import read_karpathy
    from rnnkit.caption.modelio import save_captioner
    from rnnkit.caption.pipeline import CaptionConfig, train_captioner
    from rnnkit.caption.shapes import generate

    data = read_karpathy(generate(folder / "data", {"train": 64, "val": 8}, seed=0))
    cfg = CaptionConfig(epochs=1, device="cpu", threads=1)
    result = train_captioner(data, cfg)
    save_captioner(
        folder / "models" / "caption", result.model, result.vocab, cfg, result.max_len, ood=result.ood
    )
    return folder / "models"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(models: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rnnkit", "serve", "--host", "127.0.0.1", "--port", str(port), "--models", str(models)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not start within 120 s")


def post(conn: http.client.HTTPConnection, path: str, body: dict) -> tuple[int, float]:
    data = json.dumps(body).encode()
    start = time.perf_counter()
    conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - start


def level(port: int, path: str, bodies: list[dict], clients: int, requests: int, seconds: float) -> dict:
    """``clients`` threads send ``requests`` requests in all (or until ``seconds`` pass)."""
    lock = threading.Lock()
    sent = [0]
    latencies: list[float] = []
    errors: dict[int, int] = {}
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if sent[0] >= requests or time.perf_counter() > stop_at:
                    break
                i = sent[0]
                sent[0] += 1
            status, took = post(conn, path, bodies[i % len(bodies)])
            with lock:
                if status == 200:
                    latencies.append(took)
                else:
                    errors[status] = errors.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    ordered = sorted(latencies)
    pct = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")  # noqa: E731
    return {
        "clients": clients,
        "done": len(latencies),
        "errors": errors,
        "wall_s": wall,
        "rps": len(latencies) / wall if wall > 0 else float("nan"),
        "p50_s": statistics.median(ordered) if ordered else float("nan"),
        "p95_s": pct(0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients per level")
    parser.add_argument("--requests", type=int, default=48, help="requests per level (at least 2 per client)")
    parser.add_argument("--seconds", type=float, default=45.0, help="stop sending after this long per level")
    parser.add_argument(
        "--caption-model", type=Path, default=None, help="a --models folder holding a caption model"
    )
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        models = args.caption_model or train_caption_model(Path(tmp))
        port = free_port()
        server = start_server(models, port)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            pngs = []
            for n in range(8):
                conn.request("GET", f"/api/caption/sample/{n}.png")
                pngs.append(base64.b64encode(conn.getresponse().read()).decode())
            sys.path.insert(0, str(SRC))
            from rnnkit.serve.adapt_translate import corpus_sentences

            sentences = corpus_sentences(64)
            jobs = {
                "translate": ("/api/translate", [{"text": s, "beam": 5, "n_best": 3} for s in sentences]),
                "caption": ("/api/caption", [{"image": p, "beam": 3} for p in pngs]),
                # no beam: the model's saved one (10 for a trained model), the page's default since 7 December
                "caption (model's beam)": ("/api/caption", [{"image": p} for p in pngs]),
            }
            for path, bodies in jobs.values():
                post(conn, path, bodies[0])  # load the model before timing
            print(
                f"cpus {os.cpu_count()}, server: 2 workers, 1 torch thread each; load {os.getloadavg()[0]:.2f}"
            )
            print(
                "| endpoint | clients | requests | errors | req/s | p50 (s) | p95 (s) | load before → after |"
            )
            print("|---|---:|---:|---:|---:|---:|---:|---|")
            for name, (path, bodies) in jobs.items():
                for clients in levels:
                    before = os.getloadavg()[0]
                    r = level(port, path, bodies, clients, max(args.requests, 2 * clients), args.seconds)
                    errs = sum(r["errors"].values())
                    print(f"| {name} | {clients} | {r['done']} | {errs} | {r['rps']:.2f} | {r['p50_s']:.3f} | "
                          f"{r['p95_s']:.3f} | {before:.2f} → {os.getloadavg()[0]:.2f} |", flush=True)  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
