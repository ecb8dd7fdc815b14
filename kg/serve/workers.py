"""Query workers: processes that each open the store read-only and answer one query at a time.

A query cannot be interrupted inside Oxigraph, so one that runs past its time limit, or whose worker
grows past the memory limit, is stopped by ending its worker process; a fresh worker takes its place.
"""

from __future__ import annotations

import multiprocessing
import queue
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from kg.query.limits import overrun_message, rss_mb, wait_for_answer
from kg.serve.protocol import Answer, Limits, Refused, run_limited

_CONTEXT = multiprocessing.get_context("spawn")
QUEUE_WAIT_S = 60.0


def _serve_queries(store_path: str, connection: Connection) -> None:
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(store_path)
    except (OSError, RuntimeError) as exc:
        connection.send(("failed", f"{store_path}: cannot open the store read-only: {exc}"))
        return
    connection.send(("ready",))
    while True:
        try:
            sparql, format_name, limits = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("ok", run_limited(store, sparql, format_name, limits)))
        except Refused as exc:
            connection.send(("refused", exc.status, exc.message))
        except Exception as exc:  # an engine failure answers 500 and keeps the worker alive
            connection.send(("refused", 500, f"the query failed: {exc}"))


class Overrun(Exception):
    """A query ran past its time or memory limit; its worker has to go."""


class Worker:
    def __init__(self, store_path: Path) -> None:
        self.connection, child = _CONTEXT.Pipe()
        self.process: BaseProcess = _CONTEXT.Process(target=_serve_queries, args=(str(store_path), child),
                                                     daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.baseline_mb: float | None = None

    def wait_ready(self, timeout: float = 60) -> None:
        """The first message of a worker says whether it could open the store."""
        if self.ready:
            return
        if not self.connection.poll(timeout):
            raise Refused(503, "the query worker did not start in time")
        message = self.connection.recv()
        if message[0] != "ready":
            raise Refused(500, str(message[1]))
        self.ready = True
        self.baseline_mb = rss_mb(self.process.pid)

    def ask(self, sparql: str, format_name: str | None, limits: Limits) -> tuple[Any, ...]:
        """The worker's reply to one query; Overrun when it overran a limit (it is then still running)."""
        self.wait_ready()
        self.connection.send((sparql, format_name, limits))
        # The worker gets a little longer than the limit to serialise what it has.
        grace = replace(limits, timeout_s=limits.timeout_s + 1)
        outcome = wait_for_answer(self.connection, self.process.pid, grace, self.baseline_mb)
        if outcome != "answered":
            raise Overrun(overrun_message(outcome, limits))
        reply: tuple[Any, ...] = self.connection.recv()
        return reply

    def grown_mb(self) -> float:
        """How much memory the worker holds beyond what it had when it opened the store."""
        now = rss_mb(self.process.pid)
        return 0.0 if now is None or self.baseline_mb is None else now - self.baseline_mb

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    def __init__(self, store_path: Path, size: int = 2) -> None:
        self.store_path = store_path
        self.idle: queue.Queue[Worker] = queue.Queue()
        for _ in range(max(1, size)):
            self.idle.put(Worker(store_path))

    def run(self, sparql: str, format_name: str | None, limits: Limits) -> Answer:
        try:
            # A burst waits in line for a worker rather than failing at once.
            worker = self.idle.get(timeout=max(QUEUE_WAIT_S, limits.timeout_s))
        except queue.Empty:
            raise Refused(503, "every query worker is busy; try again") from None
        try:
            reply = worker.ask(sparql, format_name, limits)
        except Overrun as exc:
            worker = self._replace(worker)
            raise Refused(503, str(exc)) from None
        except (EOFError, OSError) as exc:
            worker = self._replace(worker)
            raise Refused(500, f"the query worker failed: {exc}") from exc
        else:
            # Memory a query took stays with its worker; a fresh one starts before it nears the limit.
            if worker.grown_mb() > limits.max_memory_mb / 2:
                worker = self._replace(worker)
        finally:
            self.idle.put(worker)
        if reply[0] == "ok":
            answer: Answer = reply[1]
            return answer
        raise Refused(int(reply[1]), str(reply[2]))

    def _replace(self, worker: Worker) -> Worker:
        worker.stop()
        return Worker(self.store_path)

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().stop()
