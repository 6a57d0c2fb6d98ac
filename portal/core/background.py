"""Work a web process does after answering: the embedded stack's stand-in for a Celery worker.

With no broker, Celery runs a task inside the call that queues it, so a request that accepts or
approves an application would wait for its PDF (2–5 s). `submit()` instead hands the call to one
thread this process starts on first use and returns at once; the thread runs the calls one after
the other, in the order given, and closes its database connections after each (they are its own:
Django keeps one connection per thread).

One thread per process, at a lower CPU priority than the threads answering requests (on Linux a
thread's nice value is its own), so rendering takes the idle CPU and a burst of requests still
comes first. Work still queued when the process ends is lost from memory only: the callers record
their work in the database first (a document job stays pending or running) and recover it from
there (the job's retry, the dispatcher).
"""

import logging
import os
import queue
import threading
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger("portal.core.background")

# How much lower than the web threads the runner's CPU priority is (nice: 0 normal, 19 lowest).
RUNNER_NICENESS = 10

_lock = threading.Lock()
_queue: "queue.SimpleQueue[tuple[Callable, tuple, dict]]" = queue.SimpleQueue()
_runner: threading.Thread | None = None
_runner_pid: int | None = None


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), RUNNER_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at the normal priority
        logger.debug("background runner keeps the normal CPU priority", exc_info=True)


def _run_forever(work: "queue.SimpleQueue[tuple[Callable, tuple, dict]]") -> None:
    _lower_priority()
    while True:
        function, args, kwargs = work.get()
        try:
            function(*args, **kwargs)
        except Exception:
            logger.exception("background call %s failed", getattr(function, "__name__", function))
        finally:
            connections.close_all()


def _work_queue() -> "queue.SimpleQueue[tuple[Callable, tuple, dict]]":
    """This process's queue, its thread started on first use. A process forked from one that had
    started it (threads do not survive a fork) gets a queue and a thread of its own."""
    global _queue, _runner, _runner_pid
    with _lock:
        if _runner_pid != os.getpid() or _runner is None or not _runner.is_alive():
            if _runner_pid != os.getpid():
                _queue = queue.SimpleQueue()
            _runner = threading.Thread(target=_run_forever, args=(_queue,), name="portal-background", daemon=True)
            _runner_pid = os.getpid()
            _runner.start()
        return _queue


def submit(function: Callable, *args, **kwargs) -> None:
    """Run `function(*args, **kwargs)` in this process's background thread, after the calls before it."""
    _work_queue().put((function, args, kwargs))
