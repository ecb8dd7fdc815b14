"""Run one measurement in a child process: wall time, peak memory, exit status, output.

Peak memory is taken two ways, because a build with --jobs 2 is several processes: `max_rss_mb`
is the largest single process (the kernel's ru_maxrss from wait4), `tree_rss_mb` the largest sum
over the whole process tree, sampled from /proc every `SAMPLE_S` seconds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SAMPLE_S = 0.2
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
MEMORY_LIMIT_KB = int(os.sysconf("SC_PHYS_PAGES") * PAGE_KB * 0.75)


@dataclass
class Measurement:
    command: list[str]
    wall_s: float
    max_rss_mb: float
    tree_rss_mb: float
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str
    memory_exceeded: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.memory_exceeded

    def summary(self) -> dict[str, Any]:
        """The figures, without the (possibly long) output."""
        figures = asdict(self)
        figures.pop("stdout")
        figures["stderr_tail"] = figures.pop("stderr")[-2000:]
        return figures


def run_measured(
    command: Sequence[str], *, timeout_s: float, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Measurement:
    """Run `command` to completion, or kill its whole process group at `timeout_s` or when it
    holds more than MEMORY_LIMIT_KB (the machine is shared: a 100k build must not swap it dead)."""
    with open(os.devnull, "rb") as stdin, _capture() as out, _capture() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdin=stdin, stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True
        )
        status, rusage, tree_peak_kb, timed_out, too_big = _wait(process, start + timeout_s)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        list(command),
        round(wall, 4),
        round(rusage.ru_maxrss / 1024, 1),
        round(tree_peak_kb / 1024, 1),
        returncode,
        timed_out,
        stdout,
        stderr,
        too_big,
    )


def _capture() -> Any:
    import tempfile

    return tempfile.TemporaryFile()


def _wait(process: subprocess.Popen[bytes], deadline: float) -> tuple[int, Any, int, bool, bool]:
    tree_peak_kb = 0
    timed_out = too_big = False
    while True:
        pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, rusage, tree_peak_kb, timed_out, too_big
        tree_peak_kb = max(tree_peak_kb, tree_rss_kb(process.pid))
        if not (timed_out or too_big):
            timed_out = time.perf_counter() > deadline
            too_big = tree_peak_kb > MEMORY_LIMIT_KB
            if timed_out or too_big:
                _kill_group(process.pid)
        time.sleep(SAMPLE_S)  # a harness poll, not a test: sampling must not eat the measured CPU


def _kill_group(pid: int) -> None:
    """Kill the measured child and everything it started (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1] is the ppid
        rss[pid] = int(fields[21]) * PAGE_KB  # fields[21] is rss in pages
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total
