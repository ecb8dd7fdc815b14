"""Time and memory limits for one query: it runs in a child process that is ended when it overruns.

Oxigraph has no query timeout and cannot be interrupted from Python, and a thread cannot be
stopped, so a query that must be stoppable runs in a forked child: the child inherits the loaded
graph (no copy, no reload), answers through a pipe, and is killed at the time limit or when its
memory grows past the memory limit. The same watch (`wait_for_answer`) guards `kg serve`'s workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal

from kg.errors import QueryError, QueryStopped

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_MEMORY_MB = 2048
POLL_S = 0.05

Outcome = Literal["answered", "time", "memory"]


@dataclass(frozen=True)
class QueryLimits:
    """How long a query may run and how much memory (MB, beyond what it started with) it may take."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB


def rss_mb(pid: int | None = None) -> float | None:
    """Resident memory of a process in MB (Linux /proc), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid or 'self'}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def wait_for_answer(connection: Connection, pid: int | None, limits: QueryLimits,
                    baseline_mb: float | None = None) -> Outcome:
    """Wait until the child answers (or dies), runs out of time, or grows past the memory limit."""
    deadline = time.monotonic() + limits.timeout_s
    start = baseline_mb if baseline_mb is not None else rss_mb(pid)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "time"
        if connection.poll(min(POLL_S, left)):
            return "answered"  # an answer, or EOF when the child died: the caller's recv tells
        used = rss_mb(pid)
        if start is not None and used is not None and used - start > limits.max_memory_mb:
            return "memory"


def overrun_message(outcome: Outcome, limits: QueryLimits) -> str:
    if outcome == "time":
        return f"the query ran past the time limit of {limits.timeout_s:g} s and was stopped"
    return f"the query took more than {limits.max_memory_mb} MB of memory and was stopped"


def run_limited(job: Callable[[], Any], limits: QueryLimits) -> Any:
    """`job()` in a forked child, its value back through a pipe; QueryStopped when it overruns.

    `job` must return something picklable and raise only QueryError for a failure of its own.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    baseline = rss_mb()  # the child starts as a copy of this process
    child = context.Process(target=_child, args=(job, sender), daemon=True)
    child.start()
    sender.close()
    try:
        outcome = wait_for_answer(receiver, child.pid, limits, baseline)
        if outcome != "answered":
            raise QueryStopped(overrun_message(outcome, limits), outcome)
        try:
            status, value = receiver.recv()
        except EOFError:
            raise QueryError(f"the query process ended without an answer (exit code {_exit_code(child)})"
                             ) from None
    finally:
        child.kill()
        child.join()
        receiver.close()
    if status == "error":
        raise QueryError(str(value))
    return value


def _child(job: Callable[[], Any], sender: Connection) -> None:
    try:
        reply: tuple[str, Any] = ("ok", job())
    except QueryError as exc:
        reply = ("error", str(exc))
    except Exception as exc:  # anything else still answers, so the parent never waits for nothing
        reply = ("error", f"the query failed: {exc}")
    sender.send(reply)
    sender.close()
    os._exit(0)  # skip the parent's atexit handlers, which are not this process's to run


def _exit_code(child: multiprocessing.process.BaseProcess) -> int | None:
    child.join(timeout=1)
    return child.exitcode
