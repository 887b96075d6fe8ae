"""The thread policy holds in a multi-process CPU launch that sets no OMP_NUM_THREADS.

Accelerate, joining such a launch (``srun``, ``mpirun``, or ``torchrun --nnodes 2 --nproc_per_node 1``,
which sets OMP_NUM_THREADS only for several processes per node), sets torch's thread count to the
physical cores per process: ``--threads`` (1 by default) was overridden for the whole training, the
OpenMP spin-wait collapse the policy exists to avoid on a busy machine.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SRC = HERE.parent.parent / "src"  # this checkout's rnnkit, not an installed one


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_launch_without_omp_num_threads_keeps_the_chosen_thread_count(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env.pop("CUDA_VISIBLE_DEVICES", None)
    env.update(PYTHONPATH=os.pathsep.join([str(SRC), str(HERE)]), MASTER_ADDR="127.0.0.1",
               MASTER_PORT=str(_free_port()), WORLD_SIZE="2", LOCAL_RANK="0", LOCAL_WORLD_SIZE="1")  # fmt: skip
    script = [sys.executable, str(HERE / "threads_launch_script.py"), str(tmp_path)]
    procs = [
        subprocess.Popen(script, env={**env, "RANK": str(r)}, stderr=subprocess.PIPE, text=True)
        for r in (0, 1)
    ]
    try:
        errs = [p.communicate(timeout=240)[1] for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [0, 0], errs
    for r in (0, 1):
        info = json.loads((tmp_path / f"rank{r}.json").read_text())
        assert info["processes"] == 2
        assert info["built"] == info["chosen"] and info["training"] == [info["chosen"]], info
    # Accelerate's note that it set the count is not printed for a count it did not keep
    assert not any("OMP_NUM_THREADS/MKL_NUM_THREADS unset" in err for err in errs), errs
