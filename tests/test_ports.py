"""tests/ports.py: free ports for the servers tests start, safe when several runs share the machine —
a port is reserved across processes until released, a server that loses its port is seen and
started again on another."""

from __future__ import annotations

import errno
import socket
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests import ports

ROOT = Path(__file__).resolve().parents[1]
HOLD = """
import sys, time
from tests import ports
port = ports.free_port()
print(port, flush=True)
sys.stdin.readline()
"""


def test_a_port_another_run_holds_is_not_handed_out():
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        held = int(other.stdout.readline())
        assert not ports._reserve(held)  # its lock is taken until that run releases it or ends
        mine = {ports.free_port() for _ in range(20)}
        assert held not in mine and len(mine) == 20  # nor twice in this run
    finally:
        other.stdin.close()
        other.wait(timeout=30)
    assert ports._reserve(held)  # its end dropped the lock
    ports.release(held)
    for port in mine:
        ports.release(port)


def test_a_free_port_can_be_bound():
    port = ports.free_port()
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", port))
    ports.release(port)


def test_a_server_that_finds_its_port_taken_is_started_on_another():
    with closing(socket.socket()) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        tried = []

        def start(port):
            port = taken if not tried else port  # the first: as if someone bound it meanwhile
            tried.append(port)
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                s.close()
                raise
            return s

        with closing(ports.start_on_free_port(start)) as server:
            assert tried[0] == taken and len(tried) == 2 and server.getsockname()[1] == tried[1]


def test_a_server_process_that_exits_did_not_get_its_port():
    with closing(socket.socket()) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
        proc.wait(timeout=30)
        # someone else answers on the port, but the server meant to listen there has gone
        with pytest.raises(ports.PortTaken) as exc:
            ports.wait_for_port(port, proc=proc, timeout=5)
        assert exc.value.errno == errno.EADDRINUSE
