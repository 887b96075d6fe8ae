"""The bounded inference pool: ``WORKERS`` requests computed at once, ``QUEUE`` waiting, then 503.

The event loop only parses requests and writes answers; every model call runs on one of the pool's
threads, so a slow caption never stalls the pages, and the model calls themselves run on one torch
thread each (rnnkit's thread policy), so ``WORKERS`` threads use about ``WORKERS`` cores.
A call that has not finished after ``REQUEST_SECONDS`` (waiting included) is answered with a 504; the
computation itself cannot be interrupted, but the input limits bound how long it runs.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):  # noqa: N818 - a signal for a 503, not a failure
    """Every worker is busy and the queue is full."""


class TimedOut(Exception):  # noqa: N818 - a signal for a 504
    """The request took longer than its limit."""


class InferencePool:
    """Run blocking calls on ``workers`` threads, with at most ``workers + queue`` admitted at once."""

    def __init__(self, workers: int, queue: int, seconds: float) -> None:
        self.workers, self.queue, self.seconds = workers, queue, seconds
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rnnkit-serve")
        self._admitted = threading.BoundedSemaphore(workers + queue)

    async def run(self, func: Callable[..., T], *args: object) -> T:
        """``func(*args)`` on a worker; :class:`Busy` when full, :class:`TimedOut` past the limit."""
        if not self._admitted.acquire(blocking=False):
            raise Busy(f"the server is busy ({self.workers} running, {self.queue} waiting); try again")
        try:
            future = self._executor.submit(func, *args)
        except BaseException:
            self._admitted.release()
            raise
        future.add_done_callback(lambda _: self._admitted.release())
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.seconds)
        except asyncio.TimeoutError:
            raise TimedOut(  # and what to try: it read as a failure of the input itself
                f"the request took longer than {self.seconds:g} s; try a shorter input, or again when the "
                "server is less busy"
            ) from None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
