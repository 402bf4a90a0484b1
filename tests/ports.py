"""Ports for the servers tests start (moto, the journal signer, a killed-and-restarted upload
server, nginx-rtmp, ``lawtrail serve``, pytest-django's live servers).

Several people run tests on this machine at once, so no fixed range is handed out:

* ``free_port()`` asks the kernel (bind to port 0: a port nothing is bound to now) and *reserves*
  it — an exclusive ``flock`` on ``<tmp>/lawtrail-test-ports/<port>.lock`` held by this process
  until ``release(port)`` or its end (the kernel drops the lock even after kill -9). Every run
  that takes its ports here skips a port another run holds, including the moments between
  choosing it and its server binding it.
* A program that does not ask here may still bind the port in that moment: ``start_on_free_port``
  starts a server on a fresh port again when it could not bind (``EADDRINUSE``, or a server
  process that exited before listening — ``wait_for_port(port, proc=...)`` says which).

The ``lo, hi`` arguments of old (the fixed ranges) are accepted and ignored.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

LOCKS = Path(tempfile.gettempdir()) / "lawtrail-test-ports"
_held: dict[int, int] = {}  # port -> fd of its lock file, while this process holds it


class PortTaken(OSError):
    """The server could not take its port (someone else bound it first)."""

    def __init__(self, port: int, detail: str = "") -> None:
        super().__init__(errno.EADDRINUSE, f"port {port} taken{': ' + detail if detail else ''}")
        self.port = port


def _lock_dir() -> Path:
    if not LOCKS.is_dir():
        with contextlib.suppress(FileExistsError):
            LOCKS.mkdir()
        with contextlib.suppress(PermissionError):  # shared by the machine's users, like /tmp
            os.chmod(LOCKS, 0o1777)
    return LOCKS


def _reserve(port: int) -> bool:
    path = _lock_dir() / f"{port}.lock"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)  # flock needs no write access
    except PermissionError:  # another user's file we may not open: the bind check must do
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    _held[port] = fd
    return True


def free_port(lo: int | None = None, hi: int | None = None, *, attempts: int = 200) -> int:  # noqa: ARG001
    """A port of 127.0.0.1 no socket is bound to, reserved for this process (see the module)."""
    for _ in range(attempts):
        with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
            s.bind(("127.0.0.1", 0))  # no SO_REUSEADDR: a port in any use is never chosen
            port = s.getsockname()[1]
            if port in _held or not _reserve(port):
                continue  # this run or another holds it: its server may not have bound it yet
        return port
    raise RuntimeError(f"no free port after {attempts} tries")


def release(port: int) -> None:
    """Give the reservation back (the port's server has stopped, or never started)."""
    fd = _held.pop(port, None)
    if fd is not None:
        os.close(fd)  # closing the descriptor drops the lock; the file stays for the next run


def _accepts(host: str, port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _log_since(log: Path | None, since: int) -> str:
    if log is None or not Path(log).exists():
        return ""
    with open(log, "rb") as f:
        f.seek(since)
        return f.read().decode(errors="replace")


def wait_for_port(
    port: int,
    *,
    timeout: float = 20.0,
    host: str = "127.0.0.1",
    proc: subprocess.Popen | None = None,
    ready: Callable[[], bool] | None = None,
    log: Path | None = None,
    since: int = 0,
    listening: str | None = None,
) -> None:
    """Until the server listens on ``port`` (``ready()``, if given, answers true; else the port
    accepts a connection).

    With ``proc`` (the server meant to listen there), whoever else answers on the port is not
    mistaken for it: if ``proc`` exits first it did not get the port — ``PortTaken`` when its
    ``log`` (read from byte ``since``) says the address is in use or there is no log, else a
    ``RuntimeError`` with the log; with ``listening`` (e.g. gunicorn's "Listening at: …"), ready
    means that line is in the log too; without it, ``proc`` must still live a moment after the
    answer (a server that lost its port exits at once)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            text = _log_since(log, since)
            if log is None or "in use" in text.lower():
                raise PortTaken(port, f"the server exited ({proc.returncode}): {text[-500:]}")
            raise RuntimeError(f"the server exited ({proc.returncode}): {text[-3000:]}")
        if (ready or (lambda: _accepts(host, port)))():
            if proc is None:
                return
            if listening is not None:
                if listening in _log_since(log, since):
                    return
            else:
                time.sleep(0.3)
                if proc.poll() is None:
                    return
                continue  # it exited: said above
        time.sleep(0.1)
    raise TimeoutError(
        f"nothing listens on {host}:{port} after {timeout} s: {_log_since(log, since)[-2000:]}"
    )


def start_on_free_port(start: Callable[[int], T], *, attempts: int = 5) -> T:
    """``start(port)`` on a fresh port until it does not fail for the port being taken
    (``EADDRINUSE`` from a bind in this process, or ``PortTaken``). ``start`` cleans up what it
    started when it fails."""
    last: OSError | None = None
    for _ in range(attempts):
        port = free_port()
        try:
            return start(port)
        except OSError as exc:
            release(port)
            if exc.errno != errno.EADDRINUSE:
                raise
            last = exc
    assert last is not None
    raise last
