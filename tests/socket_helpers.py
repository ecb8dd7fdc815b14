"""A local socket that hostile inputs point at: a test asserts that nothing ever connected to it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def listening() -> Iterator[socket.socket]:
    """A socket on 127.0.0.1 (a free port) that accepts nothing until asked."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    try:
        yield server
    finally:
        server.close()


def connections(server: socket.socket) -> int:
    """Connections made to the listener so far (the kernel queues them even though none is served)."""
    count = 0
    while True:
        try:
            accepted, _ = server.accept()
        except BlockingIOError:
            return count
        accepted.close()
        count += 1
