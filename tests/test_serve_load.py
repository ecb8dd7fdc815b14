"""`kg serve` under a bounded local load: 200 requests at once, twice, on 127.0.0.1 only.

Every request must get the status it gets alone (the saved queries 200, a malformed query 400, an
update and a SERVICE 403, an unknown path 404): no connection error, no 5xx. The server's memory
(its own and its query workers') is read from /proc before and after each round; it must stay
bounded and must not grow from one round to the next. The figures are printed (pytest -s).
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.query import saved_queries
from kg.store.servers import free_port, wait_for_port
from kg.store.synthetic import write_documents

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads memory from /proc")]

CONCURRENCY = 200
ROUNDS = 2
MAX_SERVER_MB = 400        # the HTTP process, with 200 connections open at once
MAX_TOTAL_MB = 1200        # the HTTP process and its query workers
MAX_GROWTH_MB = 40         # from the first round to the second


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    expected: int


@dataclass(frozen=True)
class Outcome:
    call: Call
    status: int | None
    seconds: float
    error: str = ""


def calls() -> list[Call]:
    """CONCURRENCY requests: every saved query in turn (GET, form POST, raw POST), a few bad ones."""
    queries = [q.text for q in saved_queries()]
    bad = [
        Call("GET", "/sparql?" + urllib.parse.urlencode({"query": "SELECT WHERE {"}), None, {}, 400),
        Call("GET", "/sparql?" + urllib.parse.urlencode({"query": "DROP ALL"}), None, {}, 403),
        Call("POST", "/sparql", urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded"}, 403),
        Call("GET", "/sparql?" + urllib.parse.urlencode(
            {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}), None, {}, 403),
        Call("GET", "/nothing-here", None, {}, 404),
        Call("GET", "/queries.json", None, {}, 200),
    ]
    made: list[Call] = []
    for index in range(CONCURRENCY):
        if index % 10 == 9:
            made.append(bad[(index // 10) % len(bad)])
            continue
        query = queries[index % len(queries)]
        style = index % 3
        if style == 0:
            made.append(Call("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), None,
                             {"Accept": "application/sparql-results+json"}, 200))
        elif style == 1:
            form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"}
            made.append(Call("POST", "/sparql", urllib.parse.urlencode({"query": query}).encode(), form, 200))
        else:
            raw = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"}
            made.append(Call("POST", "/query", query.encode(), raw, 200))
    return made


def send(base: str, call: Call, start: threading.Barrier) -> Outcome:
    request = urllib.request.Request(base + call.path, call.body, call.headers, method=call.method)
    start.wait(timeout=60)  # every thread sends at once
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return Outcome(call, int(response.status), time.monotonic() - began)
    except urllib.error.HTTPError as error:
        error.read()
        return Outcome(call, int(error.code), time.monotonic() - began)
    except OSError as error:
        return Outcome(call, None, time.monotonic() - began, f"{type(error).__name__}: {error}")


def burst(base: str, planned: list[Call]) -> tuple[list[Outcome], float]:
    start = threading.Barrier(len(planned))
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(planned)) as pool:
        outcomes = list(pool.map(lambda call: send(base, call, start), planned))
    return outcomes, time.monotonic() - began


# -- memory of a process and its children, from /proc -------------------------------------------

def status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):  # a worker replaced just now
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                pending += children
    return found


@dataclass(frozen=True)
class Memory:
    server_mb: float       # the HTTP process now
    server_peak_mb: float  # its high-water mark
    workers_mb: float      # its children now

    @property
    def total_mb(self) -> float:
        return self.server_mb + self.workers_mb


def memory(pid: int) -> Memory:
    workers = 0
    for child in descendants(pid):
        with contextlib.suppress(OSError):  # a worker replaced just now
            workers += status_kb(child, "VmRSS")
    return Memory(status_kb(pid, "VmRSS") / 1024, status_kb(pid, "VmHWM") / 1024, workers / 1024)


# -- the server ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    store_dir = tmp_path_factory.mktemp("load") / "store"
    write_documents(store_dir, 40)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve",
                                "--store", str(store_dir), "--port", str(port), "--workers", "2"],
                               stderr=subprocess.PIPE)
    try:
        wait_for_port(process, port, 60, "kg serve")  # type: ignore[arg-type]
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_200_concurrent_requests_all_answered_with_bounded_memory(server: tuple[str, int]) -> None:
    base, pid = server
    planned = calls()
    warm, _ = burst(base, planned[:4])  # the workers start on first use
    assert all(o.status == o.call.expected for o in warm)
    before = memory(pid)
    after: list[Memory] = []
    figures: list[str] = []
    for round_number in range(1, ROUNDS + 1):
        outcomes, seconds = burst(base, planned)
        failed = [o for o in outcomes if o.status != o.call.expected]
        assert failed == [], [(o.call.method, o.call.path[:80], o.status, o.error) for o in failed[:5]]
        after.append(memory(pid))
        latencies = sorted(o.seconds for o in outcomes)
        figures.append(
            f"round {round_number}: {len(outcomes)} requests, {CONCURRENCY} at once, 0 failed, "
            f"{len(outcomes) / seconds:.0f} req/s, latency p50 {statistics.median(latencies) * 1000:.0f} ms "
            f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms, "
            f"RSS server {after[-1].server_mb:.0f} MB (peak {after[-1].server_peak_mb:.0f}) "
            f"+ workers {after[-1].workers_mb:.0f} MB")
    print(f"\nkg serve load test, before: server {before.server_mb:.0f} MB "
          f"+ workers {before.workers_mb:.0f} MB")
    print("\n".join(figures))
    assert all(m.server_peak_mb < MAX_SERVER_MB and m.total_mb < MAX_TOTAL_MB for m in after)
    assert after[-1].total_mb - after[0].total_mb < MAX_GROWTH_MB
