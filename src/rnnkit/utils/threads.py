"""CPU thread count for a block of work, restored afterwards.

Why applications run their small recurrent models on one intra-op thread by default: a step through
small matrices is dominated by per-operation overhead, so a second thread buys little; and on a busy
machine (more runnable threads than cores) OpenMP threads spin-wait for each other. Measured while
building rnnkit on a loaded 2-core machine: a training step of a 64-unit RNN took about 400 ms of CPU
time with 2 threads against 6 ms with 1, and a captioning batch 16-28 s against 2 s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def cpu_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` torch intra-op threads (None: leave torch's choice), then restore."""
    import torch

    if n is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
