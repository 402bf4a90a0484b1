"""The journal's signer as a separate process: ``lawtrail signer serve``.

The reference implementation of the ``Signer`` interface (``signing.Signer``) living outside
the application: the process holds the Ed25519 key, the application holds only its URL
(``LAWTRAIL_JOURNAL_SIGNER_URL``) and the public key it fetches. Run it under another
account — ideally on another host — so that taking the application host does not give the
key away.

It signs checkpoint bodies only (``<origin>\\n<size>\\n<base64 root>\\ntime <RFC 3339>\\n``,
the origin its own), never a tree smaller than the last one it signed, and appends each body
it signed to its own log (``--log``; a second witness, on the signer's side).

Protocol (HTTP/1.1, JSON), over a Unix socket (``--socket PATH``, access by the socket
file's permissions: 0660, the application's group) or TCP on localhost (``--listen``):

- ``GET /public-key`` → ``{"origin", "public_key" (base64), "key_id" (hex), "verifier_key"}``
- ``POST /sign`` ``{"text": "<checkpoint body>"}`` → ``{"signature": "<base64>"}``;
  400 when the text is not a checkpoint body of this origin, 409 when its size is smaller
  than the last size signed.

This module imports no Django: the signer host needs the package and ``cryptography`` only.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import http.client
import json
import os
import re
import signal
import socket
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from .signing import JournalKey, key_from_file

BODY = re.compile(
    r"\A(?P<origin>[^\n]+)\n(?P<size>0|[1-9][0-9]{0,18})\n(?P<root>[A-Za-z0-9+/=]{44})\ntime [0-9TZ:.\-]{20,32}\n\Z"
)


class SignerState:
    """The key, the largest size signed so far, and the signer's own log of what it signed."""

    def __init__(self, key: JournalKey, log: Path | None = None) -> None:
        self.key = key
        self.log = log
        self.lock = threading.Lock()
        self.last_size = -1
        if log is not None and log.exists():
            for line in log.read_text().splitlines():
                try:
                    self.last_size = max(self.last_size, int(json.loads(line)["size"]))
                except (ValueError, KeyError, TypeError):
                    continue

    def public(self) -> dict:
        return {
            "origin": self.key.origin,
            "public_key": self.key.public_b64,
            "key_id": self.key.key_id.hex(),
            "verifier_key": self.key.verifier_key,
        }

    def sign(self, text: str) -> tuple[int, dict]:
        match = BODY.match(text)
        if match is None:
            return 400, {"error": "not a checkpoint body"}
        if match["origin"] != self.key.origin:
            return 400, {"error": f"origin {match['origin']!r} is not {self.key.origin!r}"}
        try:
            if len(base64.b64decode(match["root"], validate=True)) != 32:
                return 400, {"error": "root hash is not 32 bytes"}
        except binascii.Error:
            return 400, {"error": "root hash is not base64"}
        size = int(match["size"])
        with self.lock:
            if size < self.last_size:
                return 409, {"error": f"tree size {size} is smaller than {self.last_size}, signed before"}
            signature = self.key.sign(text)
            if self.log is not None:
                fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    line = {"size": size, "text": text, "signature": base64.b64encode(signature).decode()}
                    os.write(fd, (json.dumps(line, ensure_ascii=False) + "\n").encode())
                    os.fsync(fd)
                finally:
                    os.close(fd)
            self.last_size = size
        return 200, {"signature": base64.b64encode(signature).decode()}


class Handler(BaseHTTPRequestHandler):
    server_version = "lawtrail-signer"
    sys_version = ""
    state: SignerState

    def _send(self, status: int, payload: dict) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 — http.server's naming
        if self.path == "/public-key":
            self._send(200, self.state.public())
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        if self.path != "/sign":
            self._send(404, {"error": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
            text = json.loads(self.rfile.read(min(length, 4096)))["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            self._send(400, {"error": 'expected {"text": "<checkpoint body>"}'})
            return
        self._send(*self.state.sign(text))

    def address_string(self) -> str:  # a Unix socket's peer has no address
        return self.client_address[0] if isinstance(self.client_address, tuple) else "unix"

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        sys.stderr.write(f"lawtrail-signer: {format % args}\n")


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("unix", 0)


def make_server(state: SignerState, *, socket_path: Path | None = None, listen: str | None = None):
    handler = type("BoundHandler", (Handler,), {"state": state})
    if socket_path is not None:
        socket_path.unlink(missing_ok=True)
        old = os.umask(0o117)  # the socket file: owner and group only (0660)
        try:
            return UnixHTTPServer(str(socket_path), handler)
        finally:
            os.umask(old)
    host, _, port = (listen or "127.0.0.1:8140").rpartition(":")
    return ThreadingHTTPServer((host or "127.0.0.1", int(port)), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="lawtrail signer serve", description="日志检查点签名服务（持有签名密钥）"
    )
    parser.add_argument("command", choices=["serve"])
    parser.add_argument(
        "--key-file", required=True, type=Path, help="Ed25519 种子文件（base64；不存在则创建）"
    )
    parser.add_argument(
        "--origin",
        default="lawtrail.local/journal",
        help="日志来源（与应用的 LAWTRAIL_JOURNAL_LOG_ORIGIN 一致）",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--socket", type=Path, help="Unix 套接字路径")
    where.add_argument("--listen", help="仅限本机的 地址:端口，例如 127.0.0.1:8140")
    parser.add_argument("--log", type=Path, help="签名记录（追加写入；重启后仍拒绝更小的树）")
    args = parser.parse_args(argv)
    state = SignerState(key_from_file(args.key_file, args.origin), args.log)
    server = make_server(state, socket_path=args.socket, listen=args.listen)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    where_text = args.socket or args.listen
    print(f"lawtrail-signer: {state.key.verifier_key} on {where_text}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if args.socket is not None:
            args.socket.unlink(missing_ok=True)
    return 0


# --- the client ---------------------------------------------------------------------------


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


class SignerError(RuntimeError):
    pass


def request(url: str, method: str, path: str, payload: dict | None = None, timeout: float = 10.0) -> dict:
    """One JSON request to the signer at ``url`` (``unix:///path`` or ``http://host:port``)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        conn: http.client.HTTPConnection = _UnixConnection(parts.path, timeout)
    elif parts.scheme == "http":
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    else:
        raise SignerError(f"LAWTRAIL_JOURNAL_SIGNER_URL: unix:///path or http://host:port, not {url!r}")
    try:
        body = json.dumps(payload).encode() if payload is not None else None
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as exc:
        raise SignerError(f"签名服务 {url} 不可用：{exc}") from exc
    finally:
        conn.close()
    if response.status != 200:
        raise SignerError(f"签名服务拒绝：{data.get('error', response.status)}")
    return data


if __name__ == "__main__":
    sys.exit(main())
