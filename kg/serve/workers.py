"""Query workers: processes that each open the store read-only and answer one query at a time.

A query cannot be interrupted inside Oxigraph, so one that runs past its time limit is stopped by
ending its worker process; a fresh worker takes its place.
"""

from __future__ import annotations

import multiprocessing
import queue
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from kg.serve.protocol import Answer, Limits, Refused, run_limited

_CONTEXT = multiprocessing.get_context("spawn")


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


class Worker:
    def __init__(self, store_path: Path) -> None:
        self.connection, child = _CONTEXT.Pipe()
        self.process: BaseProcess = _CONTEXT.Process(target=_serve_queries, args=(str(store_path), child),
                                                     daemon=True)
        self.process.start()
        child.close()
        self.ready = False

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
            worker = self.idle.get(timeout=limits.timeout_s)
        except queue.Empty:
            raise Refused(503, "every query worker is busy; try again") from None
        try:
            worker.wait_ready()
            worker.connection.send((sparql, format_name, limits))
            # The worker gets a little longer than the limit to serialise what it has.
            if not worker.connection.poll(limits.timeout_s + 1):
                worker.stop()
                worker = Worker(self.store_path)
                raise Refused(503, f"the query ran past the time limit of {limits.timeout_s:g} s")
            reply = worker.connection.recv()
        except (EOFError, OSError) as exc:
            worker.stop()
            worker = Worker(self.store_path)
            raise Refused(500, f"the query worker failed: {exc}") from exc
        finally:
            self.idle.put(worker)
        if reply[0] == "ok":
            answer: Answer = reply[1]
            return answer
        raise Refused(int(reply[1]), str(reply[2]))

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().stop()
