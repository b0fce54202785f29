"""Running the database-free part of an import in worker processes, for large files.

Validating, encrypting and indexing a row and working out its pinyin initials cost more than
reading it from Excel, and none of it needs the database. For a large file, chunks of rows are
prepared by forked worker processes while this process writes the chunks already prepared, in
order and in its one transaction.

Workers are forked, so they share the settings (keys, cipher) and the active language of this
process exactly, and never touch its database connection. Forking is only done when this process
runs a single thread (a `lianfang` command, a script, a test): forking a threaded web server
process could copy a lock that another thread holds. Elsewhere everything runs in this process.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many rows the import is over before worker processes would have started.
MIN_ROWS = 5_000
MAX_WORKERS = 4

_worker_state: Any = None
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def worker_count(rows: int) -> int:
    """How many worker processes to prepare `rows` rows with (0: prepare them in this process)."""
    if rows < MIN_ROWS or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cpus < 2:
        return 0
    # As many workers as CPUs, although this process writes too: it waits on the database part of
    # the time, and on two CPUs two workers finished a 100,000-row file 15% sooner than one.
    return min(MAX_WORKERS, cpus)


def map_in_order(function: Callable[[Any, T], R], state: Any, tasks: Iterable[T], *, workers: int) -> Iterator[R]:
    """`function(state, task)` for each task, results in task order.

    With workers, a few tasks run ahead in worker processes (state is handed to each worker once);
    without, each runs here when its result is asked for.
    """
    if workers < 1:
        for task in tasks:
            yield function(state, task)
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_set_state,
        initargs=(state, os.getpid()),
    ) as pool:
        queued: deque[Future[R]] = deque()
        pending = iter(tasks)
        # Enough tasks in flight to keep every worker busy, few enough to bound memory.
        for task in pending:
            queued.append(pool.submit(_run, function, task))
            if len(queued) >= 2 * workers:
                break
        while queued:
            result = queued.popleft().result()
            for task in pending:
                queued.append(pool.submit(_run, function, task))
                break
            yield result


def _set_state(state: Any, parent: int) -> None:
    global _worker_state
    _worker_state = state
    _die_with(parent)


def _die_with(parent: int) -> None:
    """A worker ends when the process that forked it ends, even by `kill -9`, instead of waiting
    on its task queue for ever: Linux's parent-death signal, and a watch on the parent elsewhere."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _run(function: Callable[[Any, T], R], task: T) -> R:
    return function(_worker_state, task)
