"""Run several page iterators concurrently and stream their items to one consumer (the dlt resource).

Real APIs spend most of a request waiting on the network, so independent streams (one per ad account and
date window, one per shop) are fetched side by side. Items are streamed through a small bounded queue (memory
stays flat), and the first error stops the other workers and is raised in the consumer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["stream_parallel"]

T = TypeVar("T")
_DONE = object()
_POLL_SECONDS = 0.1


def stream_parallel(
    producers: Sequence[Callable[[], Iterable[T]]], workers: int, buffer: int = 8, name: str = "fetch"
) -> Iterator[T]:
    """Yield every item of every producer, running up to `workers` producers at once.

    Items of one producer keep their order; items of different producers interleave. With `workers <= 1` or a
    single producer, runs sequentially in the caller's thread.
    """
    if workers <= 1 or len(producers) <= 1:
        for produce in producers:
            yield from produce()
        return

    results: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=buffer)
    stop = threading.Event()

    def put(is_error: bool, item: object) -> bool:
        while not stop.is_set():
            try:
                results.put((is_error, item), timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def run(produce: Callable[[], Iterable[T]]) -> None:
        try:
            for item in produce():
                if not put(False, item):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put(True, exc)
        finally:
            put(False, _DONE)

    pool = ThreadPoolExecutor(max_workers=min(workers, len(producers)), thread_name_prefix=name)
    try:
        for produce in producers:
            pool.submit(run, produce)
        remaining = len(producers)
        while remaining:
            is_error, item = results.get()
            if is_error:
                raise item  # type: ignore[misc]
            if item is _DONE:
                remaining -= 1
                continue
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        # Running producers notice `stop` at their next item; do not wait for their in-flight requests.
        pool.shutdown(wait=False, cancel_futures=True)
