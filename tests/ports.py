"""Ports for the servers tests start (moto, a killed-and-restarted upload server, nginx-rtmp).

Recording's tests use 8300–8399 for HTTP and 19350–19399 for RTMP (the ports this project's
recording work was given on the shared machine); a port is taken when it can be bound now.
"""

from __future__ import annotations

import random
import socket
import time
from contextlib import closing


def free_port(lo: int = 8300, hi: int = 8399) -> int:
    ports = list(range(lo, hi + 1))
    random.shuffle(ports)
    for port in ports:
        with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {lo}–{hi}")


def wait_for_port(port: int, *, timeout: float = 20.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout} s")
